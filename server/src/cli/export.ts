// nn export FILE --to pytorch|onnx --out DIR [--model NAME | --train NAME] [--run RUN]: a
// standalone Python folder, or an ONNX file.
//   model.py    one torch.nn.Module per model, with nn's semantics (export/pytorch/model-py.ts)
//   weights.pt  with --run: the run's best weights as the module's state_dict
//   train.py    with --train: the train block's training (export/pytorch/train-py.ts)
//   data/       with --train: the data as nn prepares it (splits, normalisation)
//   README.md   how to use them
// --to onnx writes model.onnx (export/onnx): one model, with the run's best weights (--run), else
// the initial weights nn trains from with --seed N (0 when not given).
// Everything is made before anything is written: a failure (errors in the file, no PyTorch to
// save weights.pt with) leaves DIR as it was.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Program } from '../core/program';
import { analyzeFiles } from '../core/analyze';
import { describeModel, type ModelDesc } from '../core/model';
import type { ModelGraph } from '../core/graph';
import { formatShape, formatNumber } from '../core/format-values';
import { NodeHost } from '../node/host';
import { findPython, NoTorchError } from '../engines/torch/python';
import { modelPy, type ExportedModel } from '../export/pytorch/model-py';
import { torchWeights, weightFiles, LOAD_WEIGHTS_PY } from '../export/pytorch/weights';
import { WeightError, initialWeights, checkpointWeights, type NnWeight } from '../export/nn-weights';
import { onnxBytes, OPSET } from '../export/onnx/model';
import { checkpointDir } from '../runtime/train/checkpoint';
import { writeFileAtomic } from '../runtime/train/runs';
import { trainPy, trainSetup, dataFiles, trainSplits } from '../export/pytorch/train-py';
import { bestMonitor } from '../runtime/train/monitor';
import { initialWeightFiles } from '../export/pytorch/initial';
import { describeTrain } from '../core/model';
import { writeDirAtomic } from '../runtime/train/checkpoint';
import { UsageError, type Parsed } from './args';
import { VERSION } from './version';
import { shownPath } from './files';
import { checkedRun, checkedTrain, chooseBackend, loadOptions, loadTrainData, readRunConfig, weightsDir, userError, CliError, type RunConfig } from './common';

/** What an export to each target writes into its folder, and --force removes before writing. */
const OWNED: Record<string, readonly string[]> = {
  pytorch: ['model.py', 'README.md', 'weights.pt', 'train.py', 'initial.json', 'initial.bin', 'data', 'checkpoints'],
  onnx: ['model.onnx'],
};
const TARGETS = Object.keys(OWNED);

const SAVE_PY = `
import importlib.util
import sys

import torch

spec = importlib.util.spec_from_file_location("model", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = load_converted(getattr(module, sys.argv[2])(), sys.argv[3], sys.argv[4])
torch.save(model.state_dict(), sys.argv[5])
`;

interface Chosen {
  file: string;
  graphs: ModelGraph[];
  program: Program;
  run?: { dir: string; config: RunConfig; weights: string };
  train?: ReturnType<typeof checkedTrain>;
}

/** The models to export, checked: the run's, the one named, or every model of the file. */
function choose(args: Parsed, err: (s: string) => void): Chosen {
  const runDir = args.flags.get('run');
  let file = args.positionals[0];
  let run: Chosen['run'];
  let modelName = args.flags.get('model');
  const trainName = args.flags.get('train');
  let train: Chosen['train'];
  if (typeof trainName === 'string') {
    if (typeof runDir === 'string') throw new UsageError('--train and --run: export the run (--run) or train again (--train), not both');
    if (file === undefined) throw new UsageError('nn export --train needs the .nn file');
    const checked = checkedTrain(file, trainName);
    if (checked.errors > 0 || checked.cfg.hasErrors || !checked.cfg.model) {
      for (const d of checked.diagnostics) err(d);
      throw new CliError(`${file} has errors; fix them first (nn check ${file}): nothing exported`);
    }
    if (typeof modelName === 'string' && modelName !== checked.cfg.model.name) throw new UsageError(`train '${trainName}' trains model '${checked.cfg.model.name}', not '${modelName}'`);
    modelName = checked.cfg.model.name;
    train = checked;
  }
  if (typeof runDir === 'string') {
    const config = readRunConfig(runDir);
    if (file !== undefined && path.resolve(file) !== path.resolve(config.file)) throw new UsageError(`${runDir} was trained from ${config.file}, not ${file}`);
    file = config.file;
    const { cfg, errors } = checkedRun(config, runDir);
    if (errors > 0 || !cfg.model) throw new CliError(`${config.file} has errors now; fix them first (nn check ${config.file})`);
    if (typeof modelName === 'string' && modelName !== cfg.model.name) throw new UsageError(`${runDir} trained model '${cfg.model.name}', not '${modelName}'`);
    modelName = cfg.model.name;
    run = { dir: runDir, config, weights: weightsDir(runDir, checkpointDir) };
  }
  if (file === undefined) throw new UsageError('nn export needs a .nn file (or --run RUN)');
  const program = new Program(new NodeHost());
  const results = analyzeFiles(program, [path.resolve(file)]);
  const r = results[0];
  if (!r.source) throw new UsageError(`cannot read '${file}'`);
  let graphs = r.models;
  if (typeof modelName === 'string') {
    graphs = graphs.filter((m) => m.name === modelName);
    if (graphs.length === 0) throw new UsageError(`${file} has no model '${modelName}'; it has ${r.models.map((m) => `'${m.name}'`).join(', ') || 'none'}`);
  }
  if (graphs.length === 0) throw new CliError(`${file} has no model to export`);
  const broken = graphs.filter((g) => g.hasErrors);
  if (broken.length > 0) {
    for (const x of results) {
      for (const d of x.diagnostics.filter((d) => d.severity === 'error')) {
        const p = x.source!.lines.position(d.start);
        err(`${x === r ? file : shownPath(x.path, file)}:${p.line + 1}:${p.character + 1}: error ${d.code}: ${d.message}`);
      }
    }
    throw new CliError(`${broken.map((g) => `model '${g.name}'`).join(', ')} ${broken.length === 1 ? 'has' : 'have'} errors: nothing exported`);
  }
  return { file, graphs, program, run, train };
}

/** weights.pt for `exported`, made by PyTorch itself from the converted weights. */
function saveWeightsPt(modelText: string, exported: ExportedModel, weights: NnWeight[], out: string): void {
  const python = findPython();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-export-'));
  try {
    const files = weightFiles(torchWeights(exported, weights));
    fs.writeFileSync(path.join(tmp, 'model.py'), modelText);
    fs.writeFileSync(path.join(tmp, 'weights.json'), files.json);
    fs.writeFileSync(path.join(tmp, 'weights.bin'), files.bin);
    fs.writeFileSync(path.join(tmp, 'save.py'), `${LOAD_WEIGHTS_PY}\n${SAVE_PY}`);
    const r = spawnSync(python.python, [path.join(tmp, 'save.py'), path.join(tmp, 'model.py'), exported.className, path.join(tmp, 'weights.json'), path.join(tmp, 'weights.bin'), out], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.status !== 0) throw new CliError(`PyTorch (${python.python}, torch ${python.torch}) could not load the weights: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function readme(source: string, descs: readonly ModelDesc[], models: readonly ExportedModel[], run: Chosen['run']): string {
  const first = models[0];
  const lines = [
    `# ${descs.map((d) => d.name).join(', ')}: PyTorch modules exported by nn`,
    '',
    `From \`${path.basename(source)}\`${run ? `, with the weights of run \`${run.dir}\` (${path.relative(run.dir, run.weights) || run.weights})` : ''}. The folder needs PyTorch (1.13 or 2.x) only, never nn.`,
    '',
    '| class | input | output | parameters |',
    '|---|---|---|---|',
    ...models.map((m) => `| \`${m.className}\` | ${formatShape(m.desc.input)} | ${formatShape(m.desc.nodes[m.desc.output].shape)} | ${formatNumber(m.desc.trainable + m.desc.nonTrainable)} |`),
    '',
    'Inputs are `[batch, *input_shape]` float tensors, channels last (`[batch, height, width, channels]` for images), as nn reads its data.',
    '',
    '```python',
    'import torch',
    `from model import ${first.className}`,
    '',
    `model = ${first.className}()`,
    ...(run ? ['model.load_state_dict(torch.load("weights.pt"))'] : []),
    'model.eval()',
    `x = torch.rand(8, *${first.className}.input_shape)`,
    'with torch.no_grad():',
    '    y = model(x)',
    '```',
    '',
    'On a GPU: `model.to("cuda")` and `x.to("cuda")`.',
  ];
  if (run) {
    const c = run.config;
    const prep: string[] = [];
    if (c.pixelNormalize) prep.push(`images scaled to [0, 1], then \`(x - ${c.pixelNormalize.mean}) / ${c.pixelNormalize.std}\``);
    if (c.standardize) prep.push(`each feature standardized with the training data's statistics: mean ${JSON.stringify(c.standardize.mean)}, std ${JSON.stringify(c.standardize.std)}`);
    lines.push('', '## What the run did to its inputs', '', prep.length ? `Give the model inputs prepared as the run prepared them: ${prep.join('; ')}.` : 'The run fed its data as it is: no normalisation.');
    if (c.data.classNames) lines.push('', `The outputs are the classes ${c.data.classNames.map((n) => `\`${n}\``).join(', ')}, in this order.`);
  }
  lines.push(
    '',
    '## Where PyTorch and nn differ, and what model.py does',
    '',
    "Convolutions and pooling take channels-last input and move the channels around PyTorch's call; 'same' padding is Keras' (the odd cell at the end); batch normalisation runs over the last axis with Keras' momentum m as PyTorch's 1 - m; LSTM and GRU have one bias per gate as in Keras, and the GRU applies its reset gate before the recurrent product. The parameter counts equal what nn shows.",
  );
  return `${lines.join('\n')}\n`;
}

export async function exportCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const to = args.flags.get('to');
  if (typeof to !== 'string' || !TARGETS.includes(to)) throw new UsageError(`--to must be one of: ${TARGETS.join(', ')}`);
  const dest = args.flags.get('out');
  if (typeof dest !== 'string') throw new UsageError('nn export needs --out DIR');
  if (args.positionals.length > 1) throw new UsageError('nn export takes one .nn file');
  if (fs.existsSync(dest) && !fs.statSync(dest).isDirectory()) throw new UsageError(`--out ${dest} is a file; give a folder`);
  const existing = fs.existsSync(dest) ? fs.readdirSync(dest) : [];
  if (existing.length > 0 && !args.flags.has('force')) {
    throw new UsageError(`--out ${dest} is not empty; nn export writes a folder of its own (--force replaces an earlier export's files: ${OWNED[to].join(', ')})`);
  }
  if (to === 'onnx') return exportOnnx(args, dest, out, err);
  try {
    const chosen = choose(args, err);
    const descs = chosen.graphs.map((g) => describeModel(g, (f) => chosen.program.file(f)?.lines));
    // a train block with layer_stats: train.py reads each layer's output through model.py's traces
    const { text, models } = modelPy(descs, chosen.file, { trace: chosen.train !== undefined && chosen.train.cfg.layerStats !== false });
    const files: { name: string; write: (file: string) => void }[] = [
      { name: 'model.py', write: (f) => writeFileAtomic(f, text) },
      { name: 'README.md', write: (f) => writeFileAtomic(f, readme(chosen.file, descs, models, chosen.run)) },
    ];
    if (chosen.train) {
      const cfg = chosen.train.cfg;
      const desc = describeTrain(cfg);
      const { data, validation } = await loadTrainData(cfg, loadOptions(args, (m) => err(m)));
      const seed = cfg.seed ?? 0;
      const splits = trainSplits(cfg, data, seed, validation?.train);
      const setup = trainSetup(models[0], data, seed, bestMonitor(cfg, splits.validation !== undefined));
      files.push({ name: 'train.py', write: (f) => writeFileAtomic(f, trainPy(desc, models[0], setup)) });
      await chooseBackend({ positionals: [], flags: new Map([['backend', 'cpu']]) });
      const initial = initialWeightFiles(models[0], initialWeights(models[0].desc, seed));
      files.push({ name: 'initial.json', write: (f) => writeFileAtomic(f, initial['initial.json'] as string) });
      files.push({ name: 'initial.bin', write: (f) => fs.writeFileSync(f, initial['initial.bin']) });
      const dataDir = dataFiles(data, splits);
      files.push({ name: 'data', write: (f) => writeDirAtomic(f, dataDir) });
    }
    let weightsTmp: string | undefined;
    if (chosen.run) {
      await chooseBackend({ positionals: [], flags: new Map([['backend', 'cpu']]) });
      const weights = await checkpointWeights(chosen.run.weights);
      weightsTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-weights-'));
      const pt = path.join(weightsTmp, 'weights.pt');
      saveWeightsPt(text, models[0], weights, pt);
      files.push({ name: 'weights.pt', write: (f) => fs.copyFileSync(pt, f) });
    }
    try {
      fs.mkdirSync(dest, { recursive: true });
      // --force: an earlier export's files go, so none of them is left stale beside the new ones
      for (const name of OWNED.pytorch) fs.rmSync(path.join(dest, name), { recursive: true, force: true });
      for (const f of files) f.write(path.join(dest, f.name));
    } finally {
      if (weightsTmp) fs.rmSync(weightsTmp, { recursive: true, force: true });
    }
    if (args.flags.has('json')) {
      out(JSON.stringify({ out: dest, files: files.map((f) => f.name), models: models.map((m) => ({ name: m.desc.name, class: m.className })) }));
    } else {
      out(`${dest}: ${files.map((f) => f.name).join(', ')} (${models.map((m) => m.className).join(', ')})`);
    }
    return 0;
  } catch (e) {
    if (e instanceof NoTorchError || e instanceof WeightError) {
      err(`nn export: ${e.message}`);
      return 1;
    }
    return userError('export', e, err);
  }
}

/** The initial weights' seed: --seed N, else 0. */
function seedOf(args: Parsed): number {
  const given = args.flags.get('seed');
  if (given === undefined) return 0;
  const seed = Number(given);
  if (typeof given !== 'string' || !/^\d+$/.test(given) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number ≥ 0, not '${given}'`);
  return seed;
}

/** What a run did to its inputs, and its classes, as model.onnx's metadata (JSON values). */
function runMetadata(c: RunConfig): Record<string, string> {
  return {
    ...(c.pixelNormalize ? { pixel_normalize: JSON.stringify(c.pixelNormalize) } : {}),
    ...(c.standardize ? { standardize: JSON.stringify(c.standardize) } : {}),
    ...(c.data.classNames ? { classes: JSON.stringify(c.data.classNames) } : {}),
  };
}

/** nn export --to onnx: DIR/model.onnx, one model, made whole before it is written. */
async function exportOnnx(args: Parsed, dest: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.flags.has('train')) throw new UsageError('--train is for --to pytorch; an ONNX file holds the model, not its training');
  if (args.flags.has('run') && args.flags.has('seed')) throw new UsageError('--seed chooses initial weights; --run exports the run\'s weights: give one of them');
  const seed = seedOf(args);
  try {
    const chosen = choose(args, err);
    if (chosen.graphs.length > 1) {
      throw new UsageError(`${chosen.file} has ${chosen.graphs.length} models (${chosen.graphs.map((g) => `'${g.name}'`).join(', ')}); model.onnx holds one: choose it with --model NAME`);
    }
    const graph = chosen.graphs[0];
    const desc = describeModel(graph, (f) => chosen.program.file(f)?.lines);
    await chooseBackend({ positionals: [], flags: new Map([['backend', 'cpu']]) });
    const weights = chosen.run ? await checkpointWeights(chosen.run.weights) : initialWeights(desc, seed);
    // best/, or last/ when the run saved no best (stopped before its first best epoch)
    const weightsFrom = chosen.run ? `the ${path.basename(chosen.run.weights) === 'last' ? 'last' : 'best'} weights of run ${chosen.run.dir}` : `the initial weights of seed ${seed}`;
    const bytes = onnxBytes(desc, weights, { weightsFrom, version: VERSION, metadata: chosen.run ? runMetadata(chosen.run.config) : {} });
    const file = path.join(dest, 'model.onnx');
    try {
      fs.mkdirSync(dest, { recursive: true });
      writeFileAtomic(file, bytes);
    } catch (e) {
      throw new CliError(`cannot write ${file}: ${(e as Error).message}`);
    }
    if (args.flags.has('json')) {
      out(JSON.stringify({ out: dest, files: ['model.onnx'], model: desc.name, opset: OPSET, input: desc.input, output: desc.nodes[desc.output].shape, weights: weightsFrom }));
    } else {
      out(`${file}: model '${desc.name}', input [batch, ${desc.input.join(', ')}], output [batch, ${desc.nodes[desc.output].shape.join(', ')}], opset ${OPSET}, ${weightsFrom}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof WeightError) {
      err(`nn export: ${e.message}`);
      return 1;
    }
    return userError('export', e, err);
  }
}
