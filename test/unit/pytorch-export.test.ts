// The PyTorch export is proven against the tfjs engine, model by model: for every sample model
// and for hundreds of seeded random models covering the whole catalogue, the exported model.py
// is run by real PyTorch with the weights of nn's compiled tfjs model (converted by the
// exporter), and
// - its trainable and non-trainable parameter counts equal nn's;
// - the output of every layer (model.py exported with tracing: each forward line reports its
//   value), and of the model, has nn's inferred shape and tfjs' values within 1e-4 (relative to
//   the tensor's largest value, at least 1) in inference mode, on random inputs.
// NN_TORCH_SEED and NN_TORCH_COUNT change the run.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, type SymbolicTensor } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel, type ModelDesc } from '../../server/src/core/model';
import type { ModelGraph } from '../../server/src/core/graph';
import { LAYERS } from '../../server/src/core/catalog/layers';
import { findPython } from '../../server/src/engines/torch/python';
import { modelPy, type ExportedModel } from '../../server/src/export/pytorch/model-py';
import { torchWeights, weightFiles, LOAD_WEIGHTS_PY } from '../../server/src/export/pytorch/weights';
import { ModelGenerator } from '../gen/random-models';
import { inputFor, trainedLikeWeights, compareValues, sampleModels } from '../torch/inputs';
import { analyzeText } from '../helpers';

const SEED = Number(process.env.NN_TORCH_SEED ?? 20261206);
const COUNT = Number(process.env.NN_TORCH_COUNT ?? 300);
const BATCH = 2;
const TOLERANCE = 1e-4;

interface Case {
  label: string;
  text?: string;
  desc: ModelDesc;
  exported: ExportedModel;
  dir: string;
  /** tfjs' output of each traced layer (by trace key, '' for the model) */
  expected: Map<string, tf.Tensor>;
}

function prepare(root: string, id: number, label: string, graph: ModelGraph, text?: string): Case {
  const desc = describeModel(graph);
  const { text: py, models } = modelPy([desc], `${label}.nn`, { trace: true });
  const exported = models[0];
  const dir = path.join(root, `m${id}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'model.py'), py);
  const compiled = compileModel(desc, { seed: 11 + id });
  // weights from the tfjs model, batch norm statistics made non-trivial so that they matter
  const weights = trainedLikeWeights(compiled.model);
  const files = weightFiles(torchWeights(exported, weights));
  fs.writeFileSync(path.join(dir, 'weights.json'), files.json);
  fs.writeFileSync(path.join(dir, 'weights.bin'), files.bin);
  const x = inputFor(desc, BATCH, SEED + id);
  fs.writeFileSync(path.join(dir, 'input.bin'), Buffer.from(x.buffer));
  // tfjs' output of every layer, and of the model
  const traced = [...exported.traces];
  const outputs = [...traced.map(([id]) => compiled.layers.get(id)!.output as SymbolicTensor), compiled.model.outputs[0]];
  const unique = [...new Set(outputs)];
  const probe = tf.model({ inputs: compiled.model.inputs, outputs: unique });
  const ys = [probe.predict(tf.tensor(x, [BATCH, ...desc.input]))].flat() as tf.Tensor[];
  const expected = new Map<string, tf.Tensor>();
  traced.forEach(([, key], i) => expected.set(key, ys[unique.indexOf(outputs[i])]));
  expected.set('', ys[unique.indexOf(outputs[outputs.length - 1])]);
  compiled.model.dispose();
  return { label, text, desc, exported, dir, expected };
}

/** Differences between what PyTorch wrote for a case and what nn expects. */
function check(c: Case): string[] {
  const out = JSON.parse(fs.readFileSync(path.join(c.dir, 'out.json'), 'utf8')) as {
    error?: string;
    trainable: number;
    nonTrainable: number;
    outputs: Record<string, { shape: number[]; offset: number }>;
  };
  if (out.error) return [out.error];
  const bad: string[] = [];
  if (out.trainable !== c.desc.trainable) bad.push(`trainable parameters: PyTorch ${out.trainable}, nn ${c.desc.trainable}`);
  if (out.nonTrainable !== c.desc.nonTrainable) bad.push(`non-trainable parameters: PyTorch ${out.nonTrainable}, nn ${c.desc.nonTrainable}`);
  const bin = fs.readFileSync(path.join(c.dir, 'out.bin'));
  const values = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  const nodeOf = new Map([...c.exported.traces].map(([id, key]) => [key, c.desc.nodes[id]]));
  for (const [prefix, want] of c.expected) {
    const got = out.outputs[prefix];
    const node = prefix === '' ? c.desc.nodes[c.desc.output] : nodeOf.get(prefix)!;
    const what = prefix === '' ? 'the model' : `${node.name} (${prefix})`;
    if (!got) {
      bad.push(`${what}: no output from PyTorch`);
      continue;
    }
    if (JSON.stringify(got.shape) !== JSON.stringify([BATCH, ...node.shape])) bad.push(`${what}: PyTorch shape ${JSON.stringify(got.shape.slice(1))}, nn ${JSON.stringify(node.shape)}`);
    const w = want.dataSync();
    if (w.length !== got.shape.reduce((a, b) => a * b, 1)) continue;
    const v = values.subarray(got.offset, got.offset + w.length);
    const { worst, scale, ok } = compareValues(w, v, TOLERANCE);
    if (!ok) bad.push(`${what}: values differ by ${worst.toExponential(2)} (scale ${scale.toPrecision(3)})`);
  }
  return bad;
}

function runCases(root: string, cases: Case[]): void {
  const python = findPython();
  const manifest = cases.map((c, id) => ({
    id,
    dir: c.dir,
    class: c.exported.className,
    input_shape: [BATCH, ...c.desc.input],
  }));
  fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(root, 'load_weights.py'), LOAD_WEIGHTS_PY);
  const script = path.join(__dirname, '..', 'torch', 'run_exported.py');
  const r = spawnSync(python.python, [script, path.join(root, 'manifest.json'), path.join(root, 'load_weights.py')], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `${python.python} ${script} failed:\n${r.stderr}`);
}

describe('PyTorch export: model.py equals the tfjs model', function () {
  this.timeout(900_000);
  let root: string;

  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-torch-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('every model of every sample: parameter counts, layer shapes and outputs', () => {
    const cases: Case[] = [];
    for (const m of sampleModels()) cases.push(prepare(root, cases.length, m.label, m.graph));
    assert.ok(cases.length >= 25, `only ${cases.length} sample models`);
    runCases(root, cases);
    const failures = cases.flatMap((c) => {
      const bad = check(c);
      return bad.length === 0 ? [] : [`${c.label}:\n  ${bad.join('\n  ')}\n${fs.readFileSync(path.join(c.dir, 'model.py'), 'utf8')}`];
    });
    assert.deepEqual(failures, [], failures.slice(0, 3).join('\n\n'));
  });

  it('one class per block: what differs between its calls is a constructor argument; calls of another form get a class of their own', () => {
    const text = [
      'block conv_bn(filters, stride = 1) {\n  conv2d(filters, 3, stride: stride, padding: same)\n  batch_norm()\n}',
      'block head(units, act) {\n  dense(units, activation: act)\n}',
      'model M {\n  input [8, 8, 2]\n  conv_bn(4)\n  conv_bn(8, stride: 2)\n  flatten()\n  head(6, relu)\n  head(5, relu)\n  head(3, tanh)\n}',
    ].join('\n');
    const r = analyzeText(text);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const { text: py } = modelPy([describeModel(r.models[0])], 'case.nn');
    assert.deepEqual([...py.matchAll(/^class (\w+)\(nn\.Module\):\n(?:.*\n)*?    def __init__\((.*)\):$/gm)].map((m) => `${m[1]}(${m[2]})`).filter((c) => !c.startsWith('ChannelsLast')), [
      'ConvBn(self, in_channels, out_channels, stride, pad)',
      'Head(self, in_features, out_features)',
      'Head2(self)',
      'M(self)',
    ]);
    assert.match(py, /self\.conv2d = ChannelsLastConv\(2, in_channels, out_channels, \(3, 3\), stride=stride, pad=pad\)\n\s+self\.batch_norm = LastAxisBatchNorm\(out_channels, /);
    assert.match(py, /self\.conv_bn = ConvBn\(in_channels=2, out_channels=4, stride=1, pad=\(1, 1, 1, 1\)\)\n\s+self\.conv_bn_1 = ConvBn\(in_channels=4, out_channels=8, stride=\(2, 2\), pad=\(0, 1, 0, 1\)\)/);
    assert.match(py, /self\.head = Head\(in_features=128, out_features=6\)\n\s+self\.head_1 = Head\(in_features=6, out_features=5\)\n\s+self\.head_2 = Head2\(\)/);
  });

  it(`${COUNT} random models covering the catalogue (seed ${SEED})`, () => {
    const gen = new ModelGenerator(SEED);
    const cases: Case[] = [];
    const dir = path.join(root, 'random');
    fs.mkdirSync(dir);
    for (let i = 0; i < COUNT; i++) {
      const m = gen.model(`Random${i}`);
      cases.push(prepare(dir, i, `random model ${i}`, m.graph, m.text));
    }
    runCases(dir, cases);
    const failures = cases.flatMap((c) => {
      const bad = check(c);
      return bad.length === 0 ? [] : [`${c.label}:\n  ${bad.join('\n  ')}\n${c.text ?? ''}`];
    });
    assert.deepEqual(failures, [], `${failures.length} of ${COUNT} differ:\n${failures.slice(0, 4).join('\n\n')}`);
    const missing = [
      ...LAYERS.map((l): string => l.name).filter((n) => !gen.coverage.has(n) && !['global_avg_pool', 'global_max_pool'].includes(n)),
      ...['pool1d', 'pool2d', 'global_pool', 'residual', 'parallel concat', 'parallel add', 'repeat', 'block', 'nested block', 'conv2d:dilation', 'conv1d:stride', 'gru:reset_after'].filter((t) => !gen.coverage.has(t)),
    ];
    assert.deepEqual(missing, [], `never generated: ${missing.join(', ')}`);
  });
});
