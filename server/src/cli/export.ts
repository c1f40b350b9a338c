// nn export FILE --to pytorch|onnx --out DIR [--model NAME | --train NAME] [--run RUN]: a
// standalone Python folder, or an ONNX file.
//   model.py    one torch.nn.Module per model, with nn's semantics (export/pytorch/model-py.ts)
//   weights.pt  with --run: the run's best weights as the module's state_dict
//   train.py    with --train: the train block's training (export/pytorch/train-py.ts)
//   data/       with --train: the data as nn prepares it (splits, normalisation); not with --no-data
//   data.py     with --train: the same data made in Python, for generated, csv, idx and MNIST sets (export/pytorch/data-py.ts)
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
import { analyzeFiles, modelsOfFile } from '../core/analyze';
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
import { DATA_PY, DATA_PY_KINDS, dataSpecs } from '../export/pytorch/data-py';
import { bestMonitor } from '../runtime/train/monitor';
import { initialWeightFiles } from '../export/pytorch/initial';
import { describeTrain } from '../core/model';
import { writeDirAtomic } from '../runtime/train/checkpoint';
import { UsageError, type Parsed } from './args';
import { setFlags } from './train';
import { words, wordsOf, cliLang } from './i18n';
import { localize } from '../core/diagnostics';
import { VERSION } from './version';
import { shownPath } from './files';
import { checkedRun, checkedTrain, chooseBackend, loadOptions, loadTrainData, readRunConfig, weightsDir, userError, CliError, type RunConfig } from './common';

/** What an export to each target writes into its folder, and --force removes before writing. */
const OWNED: Record<string, readonly string[]> = {
  pytorch: ['model.py', 'README.md', 'weights.pt', 'train.py', 'data.py', 'initial.json', 'initial.bin', 'data', 'checkpoints'],
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
  const sets = setFlags(args);
  if (sets.length && typeof trainName !== 'string') throw new UsageError(words().setNeedsTrain(typeof runDir === 'string'));
  if (args.flags.has('no-data') && typeof trainName !== 'string') throw new UsageError(words().noDataNeedsTrain);
  if (typeof trainName === 'string') {
    if (typeof runDir === 'string') throw new UsageError(words().exportBoth);
    if (file === undefined) throw new UsageError(words().exportNeeds('trainFile'));
    const checked = checkedTrain(file, trainName, sets);
    if (checked.cfg.sweep) throw new UsageError(sweepRefusal(checked, file));
    if (checked.errors > 0 || checked.cfg.hasErrors || !checked.cfg.model) {
      for (const d of checked.diagnostics) err(d);
      throw new CliError(words().exportHasErrors(file));
    }
    if (typeof modelName === 'string' && modelName !== checked.cfg.model.name) throw new UsageError(words().trainTrainsOther(trainName, checked.cfg.model.name, modelName));
    modelName = checked.cfg.model.name;
    train = checked;
  }
  if (typeof runDir === 'string') {
    const config = readRunConfig(runDir);
    if (file !== undefined && path.resolve(file) !== path.resolve(config.file)) throw new UsageError(words().runFromOtherFile(runDir, config.file, file));
    file = config.file;
    const { cfg, errors } = checkedRun(config, runDir);
    if (errors > 0 || !cfg.model) throw new CliError(words().hasErrorsNow(config.file));
    if (typeof modelName === 'string' && modelName !== cfg.model.name) throw new UsageError(words().runTrainedOther(runDir, cfg.model.name, modelName));
    modelName = cfg.model.name;
    run = { dir: runDir, config, weights: weightsDir(runDir, checkpointDir) };
  }
  if (file === undefined) throw new UsageError(words().exportNeeds('file'));
  const program = new Program(new NodeHost());
  const results = analyzeFiles(program, [path.resolve(file)]);
  const r = results[0];
  if (!r.source) throw new UsageError(words().cannotReadQuoted(file));
  const inView = modelsOfFile(r);
  let graphs = inView;
  if (typeof modelName === 'string') {
    graphs = graphs.filter((m) => m.name === modelName);
    if (graphs.length === 0) throw new UsageError(words().noModelInFile(file, modelName, inView.map((m) => m.name)));
  }
  if (graphs.length === 0) throw new CliError(words().noModelToExport(file));
  const broken = graphs.filter((g) => g.hasErrors);
  if (broken.length > 0) {
    for (const x of results) {
      for (const d of x.diagnostics.filter((d) => d.severity === 'error')) {
        const p = x.source!.lines.position(d.start);
        err(`${x === r ? file : shownPath(x.path, file)}:${p.line + 1}:${p.character + 1}: ${words().severity('error')} ${d.code}: ${localize(d, cliLang())}`);
      }
    }
    throw new CliError(words().modelsHaveErrors(broken.map((g) => g.name)));
  }
  return { file, graphs, program, run, train };
}

/**
 * Why a train block with values to try is not exported as it is: train.py trains one set of
 * values, and taking the first of each (as it once did, silently) is a choice the user did not
 * make. Names each value to try and how to pick one.
 */
function sweepRefusal(checked: ReturnType<typeof checkedTrain>, file: string): string {
  const { cfg } = checked;
  const text = checked.analysis.source!.text;
  const axes = cfg.sweep!.axes;
  const tried = axes.map((a) => `${a.key}: ${text.slice(a.at.start, a.at.end)}`).join('; ');
  // quoted for the shell where a value holds more than letters, digits and . _ / : = @ % + , - (adam(0.01), [1, 2])
  const arg = (s: string) => (/^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  const example = axes.map((a) => `--set ${arg(`${a.key}=${a.values?.[0] ?? String(a.range!.lo)}`)}`).join(' ');
  return words().sweepExport(cfg.name, cfg.sweep!.count, tried, `nn export ${arg(file)} --train ${cfg.name} ${example}`);
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
    if (r.status !== 0) throw new CliError(words().torchCannotLoad(python.python, python.torch, (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? ''));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function readme(source: string, descs: readonly ModelDesc[], models: readonly ExportedModel[], run: Chosen['run'], train?: { name: string; data: boolean; dataPy: boolean }): string {
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
    ...(run ? ['model.load_state_dict(torch.load("weights.pt", weights_only=True))'] : []),
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
  if (train) lines.push('', ...trainingReadme(train));
  return `${lines.join('\n')}\n`;
}

/** The README's part on train.py: one CPU, one GPU, several processes and several machines, and where the data comes from. */
function trainingReadme(t: { name: string; data: boolean; dataPy: boolean }): string[] {
  return [
    `## Training: train.py trains \`${t.name}\` as nn does`,
    '',
    '```sh',
    'python3 train.py                      # the CPU, or the first GPU when there is one (--device auto)',
    'python3 train.py --device cuda:0 --json',
    'torchrun --nproc_per_node=4 train.py  # 4 processes on this machine (DistributedDataParallel; batch_size stays the global batch)',
    '# several machines: the same command on each, with --nnodes, --node_rank and --rdzv_endpoint=HOST:PORT',
    'python3 train.py --resume             # continue after Ctrl+C from checkpoints/last.pt',
    '```',
    '',
    t.data
      ? `The data is in \`data/\`, as nn prepared it (the same splits and normalisation).${t.dataPy ? ' Without `data/`, train.py makes the same data with `data.py`.' : ''}`
      : 'There is no `data/`: train.py makes the data with `data.py` as nn makes it; `--data-root DIR` says where the dataset\'s files are when this folder was moved.',
  ];
}

export async function exportCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const to = args.flags.get('to');
  if (typeof to !== 'string' || !TARGETS.includes(to)) throw new UsageError(words().toFlag([...TARGETS]));
  const dest = args.flags.get('out');
  if (typeof dest !== 'string') throw new UsageError(words().exportNeeds('out'));
  if (args.positionals.length > 1) throw new UsageError(words().exportNeeds('oneFile'));
  if (fs.existsSync(dest) && !fs.statSync(dest).isDirectory()) throw new UsageError(words().outIsFile(dest));
  const existing = fs.existsSync(dest) ? fs.readdirSync(dest) : [];
  if (existing.length > 0 && !args.flags.has('force')) {
    throw new UsageError(words().outNotEmpty(dest, [...OWNED[to]]));
  }
  if (to === 'onnx') return exportOnnx(args, dest, out, err);
  try {
    const chosen = choose(args, err);
    const descs = chosen.graphs.map((g) => describeModel(g, (f) => chosen.program.file(f)?.lines));
    // a train block with layer_stats: train.py reads each layer's output through model.py's traces
    const { text, models } = modelPy(descs, chosen.file, { trace: chosen.train !== undefined && chosen.train.cfg.layerStats !== false });
    const files: { name: string; write: (file: string) => void }[] = [
      { name: 'model.py', write: (f) => writeFileAtomic(f, text) },
      { name: 'README.md', write: (f) => writeFileAtomic(f, readme(chosen.file, descs, models, chosen.run, chosen.train && { name: chosen.train.cfg.name, data: !args.flags.has('no-data'), dataPy: dataSpecs(chosen.train.cfg, dest) !== null })) },
    ];
    if (chosen.train) {
      const cfg = chosen.train.cfg;
      const desc = describeTrain(cfg);
      const dataSpec = dataSpecs(cfg, dest);
      // judged before loading: the data may be a download
      if (args.flags.has('no-data') && !dataSpec) {
        const kinds = [cfg.data!, ...(cfg.validation !== undefined && typeof cfg.validation !== 'number' ? [cfg.validation] : [])].map((r) => r.spec.name).filter((k) => !(DATA_PY_KINDS as readonly string[]).includes(k));
        throw new UsageError(words().noDataCannot(kinds, DATA_PY_KINDS.join(', ')));
      }
      const { data, validation } = await loadTrainData(cfg, loadOptions(args, (m) => err(m)));
      const seed = cfg.seed ?? 0;
      const splits = trainSplits(cfg, data, seed, validation?.train);
      // k-fold validates on each fold (train.py makes them), as the trainer and the torch engine judge it
      const validated = splits.validation !== undefined || cfg.kfold !== undefined;
      const setup = { ...trainSetup(models[0], data, seed, bestMonitor(cfg, validated)), dataSpec };
      files.push({ name: 'train.py', write: (f) => writeFileAtomic(f, trainPy(desc, models[0], setup)) });
      if (setup.dataSpec) files.push({ name: 'data.py', write: (f) => writeFileAtomic(f, DATA_PY) });
      await chooseBackend({ positionals: [], flags: new Map([['backend', 'cpu']]) });
      const initial = initialWeightFiles(models[0], initialWeights(models[0].desc, seed));
      files.push({ name: 'initial.json', write: (f) => writeFileAtomic(f, initial['initial.json'] as string) });
      files.push({ name: 'initial.bin', write: (f) => fs.writeFileSync(f, initial['initial.bin']) });
      if (!args.flags.has('no-data')) {
        const dataDir = dataFiles(data, splits);
        files.push({ name: 'data', write: (f) => writeDirAtomic(f, dataDir) });
      }
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
      out(words().exported(dest, files.map((f) => f.name).join(', '), models.map((m) => m.className).join(', ')));
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
  if (typeof given !== 'string' || !/^\d+$/.test(given) || !Number.isSafeInteger(seed)) throw new UsageError(words().seedFlag(String(given)));
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
  if (args.flags.has('train')) throw new UsageError(words().onnxNoTrain);
  if (args.flags.has('run') && args.flags.has('seed')) throw new UsageError(words().onnxSeedAndRun);
  const seed = seedOf(args);
  try {
    const chosen = choose(args, err);
    if (chosen.graphs.length > 1) {
      throw new UsageError(words().onnxSeveral(chosen.file, chosen.graphs.length, chosen.graphs.map((g) => `'${g.name}'`).join(', ')));
    }
    const graph = chosen.graphs[0];
    const desc = describeModel(graph, (f) => chosen.program.file(f)?.lines);
    await chooseBackend({ positionals: [], flags: new Map([['backend', 'cpu']]) });
    const weights = chosen.run ? await checkpointWeights(chosen.run.weights) : initialWeights(desc, seed);
    // best/, or last/ when the run saved no best (stopped before its first best epoch)
    const fromLast = chosen.run !== undefined && path.basename(chosen.run.weights) === 'last';
    const weightsFrom = wordsOf('en').weightsFrom(fromLast, chosen.run?.dir, seed);
    const bytes = onnxBytes(desc, weights, { weightsFrom, version: VERSION, metadata: chosen.run ? runMetadata(chosen.run.config) : {} });
    const file = path.join(dest, 'model.onnx');
    try {
      fs.mkdirSync(dest, { recursive: true });
      writeFileAtomic(file, bytes);
    } catch (e) {
      throw new CliError(words().cannotWrite(file, (e as Error).message));
    }
    if (args.flags.has('json')) {
      out(JSON.stringify({ out: dest, files: ['model.onnx'], model: desc.name, opset: OPSET, input: desc.input, output: desc.nodes[desc.output].shape, weights: weightsFrom }));
    } else {
      out(words().exportedOnnx(file, desc.name, desc.input.join(', '), desc.nodes[desc.output].shape.join(', '), OPSET, words().weightsFrom(fromLast, chosen.run?.dir, seed)));
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
