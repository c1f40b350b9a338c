// The torch engine's `layers` events (train.py's LayerStats) against the tfjs trainer's on a
// tiny network: the same seed gives both the same starting weights and batches (invariant 13),
// so after the same steps every statistic is the same number up to float arithmetic, and the
// warnings come from the same rule.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { train } from '../../server/src/runtime/train/trainer';
import { trainTorch } from '../../server/src/engines/torch/engine';
import { findPython } from '../../server/src/engines/torch/python';
import { parseEvent, type TrainEvent, type LayerStats, type Histogram } from '../../server/src/runtime/train/protocol';
import type { LoadedData } from '../../server/src/data/types';
import { analyzeText } from '../helpers';

type LayersEvent = Extract<TrainEvent, { type: 'layers' }>;

/** 96 samples of two classes in the plane (deterministic). */
function blobs(): LoadedData {
  const n = 96;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    x[2 * i] = Math.sin(i * 1.7) * 0.8 + (c ? 0.9 : -0.9);
    x[2 * i + 1] = Math.cos(i * 2.3) * 0.8 + (c ? -0.4 : 0.4);
    y[i] = c;
  }
  return { name: 'blobs', featureShape: [2], task: 'classification', classes: 2, oneHot: false, image: false, train: { x, y, n }, source: 'test' };
}

const SOURCE = `
model Small {
  input [2]
  dense(8, activation: relu)
  dense(8)
  tanh()
  dense(6, activation: sigmoid)
  dense(2)
}
train small { model: Small  data: circle(n: 96)  loss: cross_entropy  optimizer: sgd(lr: 0.5, momentum: 0.9)  epochs: 2  batch_size: 32  seed: 5  layer_stats: 2 }
`;

/**
 * Tolerances. Both engines start from the same float32 weights and see the same batches; they
 * differ in the order float32 sums are taken (matrix products, the loss's mean), about 1e-7 of a
 * value per operation, grown over the 6 steps here (SGD with momentum at a large rate, chosen so
 * the weights move): the curve test of the torch engine allows 1e-5 on the first epoch. Norms
 * and means of many values are allowed 1e-4 relative (with 1e-6 absolute for values near 0);
 * a histogram's count may move by one bin for a value that sits on a bin's edge within that error.
 */
const REL = 1e-4;
const ABS = 1e-6;

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= REL * Math.abs(b) + ABS, `${what}: torch ${a}, tfjs ${b}`);
}

function sameHistogram(a: Histogram, b: Histogram, what: string): void {
  close(a.min, b.min, `${what} min`);
  close(a.max, b.max, `${what} max`);
  assert.equal(a.counts.length, b.counts.length, what);
  assert.equal(a.counts.reduce((s, c) => s + c, 0), b.counts.reduce((s, c) => s + c, 0), `${what}: values counted`);
  const moved = a.counts.reduce((s, c, i) => s + Math.abs(c - b.counts[i]), 0);
  assert.ok(moved <= 2, `${what}: torch ${a.counts}, tfjs ${b.counts}`);
}

function sameLayer(a: LayerStats, b: LayerStats, where: string): void {
  assert.deepEqual([a.name, a.kind, a.activation], [b.name, b.kind, b.activation], where);
  assert.equal(a.weights === undefined, b.weights === undefined, `${where}: weights`);
  if (a.weights && b.weights) {
    for (const k of ['norm', 'gradNorm', 'updateRatio'] as const) close(a.weights[k], b.weights[k], `${where} ${k}`);
    assert.equal(a.weights.count, b.weights.count, `${where} count`);
    sameHistogram(a.weights.histogram, b.weights.histogram, `${where} weights`);
  }
  const x = a.activations;
  const y = b.activations;
  close(x.mean, y.mean, `${where} activation mean`);
  close(x.std, y.std, `${where} activation spread`);
  assert.equal(x.units, y.units, `${where} units`);
  assert.equal(x.dead === undefined, y.dead === undefined, `${where} dead`);
  if (x.dead !== undefined) assert.ok(Math.abs(x.dead - y.dead!) <= 1 / x.units + 1e-12, `${where} dead: torch ${x.dead}, tfjs ${y.dead}`);
  assert.equal(x.saturated === undefined, y.saturated === undefined, `${where} saturated`);
  if (x.saturated !== undefined) assert.ok(Math.abs(x.saturated - y.saturated!) <= 2 / (128 * x.units), `${where} saturated: torch ${x.saturated}, tfjs ${y.saturated}`);
  sameHistogram(x.histogram, y.histogram, `${where} activations`);
}

describe('layer statistics: the torch engine measures what the tfjs trainer measures', function () {
  this.timeout(180_000);
  let root: string;
  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-inside-torch-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('gives the same layers events, within float arithmetic, on a tiny network', async () => {
    const cfg = analyzeText(SOURCE).trains[0];
    const data = blobs();
    const tfjsEvents: TrainEvent[] = [];
    const t = await train(cfg, data, { emit: (e) => tfjsEvents.push(e), runDir: path.join(root, 'tfjs'), backend: { name: 'cpu', note: 'test' } });
    t.model?.dispose();
    const torchEvents: TrainEvent[] = [];
    const runDir = path.join(root, 'torch');
    const outcome = await trainTorch(cfg, data, { emit: (e) => torchEvents.push(e), runDir, python: findPython(), device: 'cpu', processes: 1, threads: 1 });
    assert.equal(outcome, 'completed');
    const layersOf = (es: TrainEvent[]) => es.filter((e): e is LayersEvent => e.type === 'layers');
    const a = layersOf(torchEvents);
    const b = layersOf(tfjsEvents);
    // 96 samples in batches of 32, every 2nd batch of 6: three events
    assert.deepEqual(a.map((e) => [e.epoch, e.batch, e.batches, e.probe]), [[1, 2, 3, 96], [2, 1, 3, 96], [2, 3, 3, 96]]);
    assert.deepEqual(b.map((e) => [e.epoch, e.batch, e.batches, e.probe]), a.map((e) => [e.epoch, e.batch, e.batches, e.probe]));
    a.forEach((e, i) => {
      assert.equal(e.layers.length, 5);
      e.layers.forEach((l, j) => sameLayer(l, b[i].layers[j], `event ${i + 1} layer ${l.name}`));
    });
    // written to the run's metrics.jsonl, as the tfjs trainer writes them
    const logged = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').map((l) => parseEvent(l)).filter((e) => e?.type === 'layers');
    assert.equal(logged.length, 3);
    // the warnings follow from the same rule on both
    assert.deepEqual(torchEvents.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.code), tfjsEvents.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.code));
  });
});
