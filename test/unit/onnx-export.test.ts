// The ONNX export is proven against the tfjs engine: for every sample model and for hundreds of
// seeded random models covering the whole catalogue, model.onnx (with the weights of nn's
// compiled tfjs model, batch norm statistics made non-trivial) is run by onnxruntime-node and
// - its output has nn's shape, for a batch size the file does not fix (the batch is symbolic),
//   and tfjs' values within 1e-4 (relative to the output's largest value, at least 1);
// - onnx.checker with full_check passes on every file (one Python process for all of them).
// NN_ONNX_SEED and NN_ONNX_COUNT change the random models.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel, isLayerNode, innerLayer, type ModelDesc, type LayerNodeDesc } from '../../server/src/core/model';
import type { ModelGraph } from '../../server/src/core/graph';
import { LAYERS } from '../../server/src/core/catalog/layers';
import { ACTIVATION_FUNCTIONS } from '../../server/src/core/catalog/common';
import { onnxBytes, INPUT, OUTPUT } from '../../server/src/export/onnx/model';
import { ModelGenerator } from '../gen/random-models';
import { analyzeText } from '../helpers';
import { inputFor, trainedLikeWeights, compareValues, sampleModels } from '../torch/inputs';
import { requireOnnxPython, checkModels } from '../onnx/checker';

const SEED = Number(process.env.NN_ONNX_SEED ?? 20261207);
const COUNT = Number(process.env.NN_ONNX_COUNT ?? 220);
const TOLERANCE = 1e-4;

/** Exports one model, runs it in onnxruntime and tfjs on the same input; the differences, if any. */
async function compare(dir: string, id: number, graph: ModelGraph, batch: number): Promise<{ file: string; desc: ModelDesc; bad: string[] }> {
  const desc = describeModel(graph);
  const compiled = compileModel(desc, { seed: 7 + id });
  const file = path.join(dir, `m${id}.onnx`);
  try {
    const weights = trainedLikeWeights(compiled.model);
    const bytes = onnxBytes(desc, weights, { weightsFrom: 'test weights', version: 'test' });
    fs.writeFileSync(file, bytes);
    const x = inputFor(desc, batch, SEED + id);
    const want = tf.tidy(() => (compiled.model.predict(tf.tensor(x, [batch, ...desc.input])) as tf.Tensor).dataSync());
    const session = await ort.InferenceSession.create(bytes);
    try {
      const out = await session.run({ [INPUT]: new ort.Tensor('float32', x, [batch, ...desc.input]) });
      const y = out[OUTPUT];
      const bad: string[] = [];
      const shape = [batch, ...desc.nodes[desc.output].shape];
      if (JSON.stringify(y.dims) !== JSON.stringify(shape)) bad.push(`output shape ${JSON.stringify(y.dims)}, nn ${JSON.stringify(shape)}`);
      const { worst, scale, ok } = compareValues(want, y.data as Float32Array, TOLERANCE);
      if (!ok) bad.push(`values differ by ${worst.toExponential(2)} (scale ${scale.toPrecision(3)})`);
      return { file, desc, bad };
    } finally {
      await session.release();
    }
  } catch (e) {
    return { file, desc, bad: [`${(e as Error).message}`] };
  } finally {
    compiled.model.dispose();
  }
}

/**
 * The layer kinds a description uses (a bidirectional layer's inner kind included), and the
 * variants that take their own path in the lowering: each `bidirectional:<merge>`, `self_attention:causal`, padding 'same' of
 * convolutions and pooling, batch norm on flat, sequence and image inputs, `embedding:input`,
 * `gru:reset_after`.
 */
function kindsOf(desc: ModelDesc): string[] {
  return desc.nodes.flatMap((n): string[] => {
    if (!isLayerNode(n)) return [];
    switch (n.kind) {
      case 'bidirectional': {
        const inner = innerLayer(n as LayerNodeDesc<'bidirectional'>);
        return [n.kind, inner.kind, `bidirectional:${String(n.args.merge)}`, ...(inner.kind === 'gru' && inner.args.reset_after === true ? ['gru:reset_after'] : [])];
      }
      case 'gru':
        return [n.kind, ...(n.args.reset_after === true ? ['gru:reset_after'] : [])];
      case 'self_attention':
        return [n.kind, ...(n.args.causal === true ? ['self_attention:causal'] : [])];
      case 'conv1d':
      case 'conv2d':
      case 'max_pool':
      case 'avg_pool':
        return [n.kind, ...(n.args.padding === 'same' ? [`${n.kind}:same`] : [])];
      case 'batch_norm':
        return [n.kind, `batch_norm:rank${n.input.length}`];
      case 'embedding':
        return [n.kind, ...(n.inputs[0] === 0 ? ['embedding:input'] : [])];
      default:
        return [n.kind];
    }
  });
}

const VARIANTS = [
  ...['concat', 'sum', 'mul', 'ave'].map((m) => `bidirectional:${m}`),
  'self_attention:causal',
  ...['conv1d', 'conv2d', 'max_pool', 'avg_pool'].map((k) => `${k}:same`),
  ...[1, 2, 3].map((r) => `batch_norm:rank${r}`),
  'embedding:input',
  'gru:reset_after',
];

/** onnx.checker's complaints about `files` (a skip where no Python has onnx, a failure on CI). */
function checkerSays(ctx: Mocha.Context, files: readonly string[]): string[] {
  const { python } = requireOnnxPython(ctx);
  return Object.entries(checkModels(python, files)).map(([f, e]) => `${path.basename(f)}: ${e}`);
}

describe('ONNX export: model.onnx computes what nn computes', function () {
  this.timeout(600_000);
  let root: string;

  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-onnx-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('every model of every sample, in onnxruntime and onnx.checker', async function () {
    const dir = path.join(root, 'samples');
    fs.mkdirSync(dir);
    const models = sampleModels();
    assert.ok(models.length >= 25, `only ${models.length} sample models`);
    const results = [];
    for (const [i, m] of models.entries()) results.push({ label: m.label, ...(await compare(dir, i, m.graph, 2)) });
    const failures = results.filter((r) => r.bad.length > 0).map((r) => `${r.label}: ${r.bad.join('; ')}`);
    assert.deepEqual(failures, [], failures.slice(0, 5).join('\n'));
    assert.deepEqual(checkerSays(this, results.map((r) => r.file)), []);
  });

  it(`${COUNT} random models covering the catalogue (seed ${SEED}), in onnxruntime and onnx.checker`, async function () {
    const dir = path.join(root, 'random');
    fs.mkdirSync(dir);
    const gen = new ModelGenerator(SEED);
    const kinds = new Set<string>();
    const results = [];
    for (let i = 0; i < COUNT; i++) {
      const m = gen.model(`Random${i}`);
      // a batch of 3: neither the samples' 2 nor 1, which a fixed batch axis could pass with
      const r = await compare(dir, i, m.graph, 3);
      for (const k of kindsOf(r.desc)) kinds.add(k);
      results.push({ text: m.text, ...r });
    }
    const failures = results.filter((r) => r.bad.length > 0).map((r) => `${path.basename(r.file)}: ${r.bad.join('; ')}\n${r.text}`);
    assert.deepEqual(failures, [], `${failures.length} of ${COUNT} differ:\n${failures.slice(0, 4).join('\n\n')}`);
    const missing = [...LAYERS.map((l): string => l.name), ...VARIANTS].filter((n) => !kinds.has(n));
    assert.deepEqual(missing, [], `never generated: ${missing.join(', ')}`);
    assert.deepEqual(checkerSays(this, results.map((r) => r.file)), []);
  });

  it('a simple_rnn with each activation (those the RNN op lacks are unrolled), both ways and in both directions', async function () {
    const dir = path.join(root, 'rnn');
    fs.mkdirSync(dir);
    const results = [];
    for (const [i, act] of Object.keys(ACTIVATION_FUNCTIONS).entries()) {
      const sequences = i % 2 === 0 ? ', return_sequences: true' : '';
      const text = [
        `model Rnn {`,
        `  input [5, 3]`,
        `  simple_rnn(4, activation: ${act}, return_sequences: true)`,
        `  bidirectional(simple_rnn(3, activation: ${act}${sequences}), merge: ${['concat', 'sum', 'mul', 'ave'][i % 4]})`,
        `}`,
      ].join('\n');
      const graph = analyzeText(text).models[0];
      assert.ok(graph && !graph.hasErrors, text);
      results.push({ text, ...(await compare(dir, 1000 + i, graph, 3)) });
    }
    const failures = results.filter((r) => r.bad.length > 0).map((r) => `${r.bad.join('; ')}\n${r.text}`);
    assert.deepEqual(failures, [], failures.slice(0, 3).join('\n\n'));
    assert.deepEqual(checkerSays(this, results.map((r) => r.file)), []);
  });
});
