// The events the chart draws besides curves (runtime/train/visuals.ts): training points for 2-D
// classification, test predictions and first-layer weights for image models, on small images made
// here (cpu backend). Each is sent only where it means something, decodes to what the model and
// the data hold, and only its final form goes to metrics.jsonl.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { train } from '../../server/src/runtime/train/trainer';
import { MAX_POINTS } from '../../server/src/runtime/train/visuals';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import type { LoadedData, Split } from '../../server/src/data/types';
import type { TrainConfig } from '../../server/src/core/train';
import { analyzeText } from '../helpers';

/** 28×28 images of two classes: a bright top half (0) or a bright bottom half (1), with noise; pixels normalized as (p - 0.5) / 0.5. */
function halves(n: number, testN: number): LoadedData {
  let s = 7;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const make = (m: number): Split => {
    const x = new Float32Array(m * 784);
    const y = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      y[i] = i % 2;
      for (let p = 0; p < 784; p++) {
        const top = p < 392;
        const pixel = Math.min(1, (top === (y[i] === 0) ? 0.8 : 0.1) + 0.2 * r());
        x[i * 784 + p] = (pixel - 0.5) / 0.5;
      }
    }
    return { x, y, n: m };
  };
  return {
    name: 'halves',
    featureShape: [28, 28, 1],
    task: 'classification',
    classes: 2,
    classNames: ['top', 'bottom'],
    oneHot: false,
    image: true,
    train: make(n),
    test: make(testN),
    source: 'test',
    pixelNormalize: { mean: 0.5, std: 0.5 },
  };
}

const MODELS = `
model Mlp {
  input [28, 28, 1]
  flatten()
  dense(6, activation: relu)
  dense(10)
}
model Cnn {
  input [28, 28, 1]
  conv2d(4, 3, activation: relu)
  max_pool(2)
  flatten()
  dense(10)
}
model Plane {
  input [2]
  dense(8, activation: tanh)
  dense(2)
}
`;

function config(model: string, data: string, epochs: number): TrainConfig {
  const r = analyzeText(`${MODELS}\ntrain t {\n  model: ${model}\n  data: ${data}\n  loss: cross_entropy\n  optimizer: adam(lr: 0.01)\n  epochs: ${epochs}\n  batch_size: 20\n  metrics: [accuracy]\n  seed: 3\n}\n`);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return r.trains.find((t) => t.name === 't')!;
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('train: points, predictions and weights for the chart', function () {
  this.timeout(120_000);
  let root: string;
  const backend = { name: 'cpu' as const, note: 'test' };
  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-visuals-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  async function run(cfg: TrainConfig, data: LoadedData, name: string, weightsInterval = 0) {
    const events: TrainEvent[] = [];
    const runDir = path.join(root, name);
    const result = await train(cfg, data, { emit: (e) => events.push(e), runDir, backend, weightsInterval });
    const logged = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainEvent);
    return { result, events, logged };
  }

  it('a dense layer on flattened images: each unit\'s weights as a 28×28 image, the predictions of the first test images', async () => {
    const data = halves(120, 40);
    const { result, events, logged } = await run(config('Mlp', 'fashion_mnist()', 3), data, 'mlp');
    const model = result.model!;
    const types = events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'points').length, 0, 'no points for images');
    // one weights event after each epoch (interval 0), one more at the end; predictions right before the end
    assert.equal(types.filter((t) => t === 'weights').length, 4);
    assert.deepEqual(types.slice(-3), ['predictions', 'weights', 'end']);

    const w = events[events.length - 2] as Extract<TrainEvent, { type: 'weights' }>;
    assert.equal(w.kind, 'dense');
    assert.deepEqual(w.shape, [28, 28, 1]);
    assert.equal(w.units, 6);
    assert.equal(w.scale.length, 6);
    assert.equal(w.epoch, 3);
    const q = bytes(w.values);
    assert.equal(q.length, 6 * 784);
    const kernel = model.layers.find((l) => l.trainableWeights.length)!.trainableWeights[0].read().arraySync() as number[][];
    for (const [pixel, unit] of [[0, 0], [400, 3], [783, 5]]) {
      const decoded = ((q[unit * 784 + pixel] - 127.5) / 127.5) * w.scale[unit];
      assert.ok(Math.abs(decoded - kernel[pixel][unit]) <= w.scale[unit] / 127, `unit ${unit} pixel ${pixel}: ${decoded} vs ${kernel[pixel][unit]}`);
    }
    w.scale.forEach((s, u) => assert.ok(Math.abs(Math.max(...kernel.map((row) => Math.abs(row[u]))) - s) < 1e-5 * s, `scale of unit ${u}`));

    const p = events[events.length - 3] as Extract<TrainEvent, { type: 'predictions' }>;
    assert.deepEqual(p.shape, [28, 28, 1]);
    assert.equal(p.labels.length, 32);
    assert.deepEqual(p.labels, Array.from(data.test!.y.subarray(0, 32)));
    assert.deepEqual(p.classNames, ['top', 'bottom']);
    const img = bytes(p.images);
    assert.equal(img.length, 32 * 784);
    // pixels come back to 0-255 from the normalized values
    for (const i of [0, 500, 784 * 31 + 783]) assert.equal(img[i], Math.round((data.test!.x[i] * 0.5 + 0.5) * 255));
    const out = model.predict(tf.tensor(data.test!.x.subarray(0, 32 * 784), [32, 28, 28, 1])) as tf.Tensor;
    const probs = tf.softmax(out).arraySync() as number[][];
    out.dispose();
    probs.forEach((row, i) => {
      const best = row.indexOf(Math.max(...row));
      assert.equal(p.predicted[i], best);
      assert.ok(Math.abs(p.confidence[i] - row[best]) < 1e-3);
    });
    assert.ok(p.predicted.filter((c, i) => c === p.labels[i]).length >= 28, 'the model learned the halves');

    // metrics.jsonl keeps the predictions and the final weights, not the ones sent during training
    const kinds = logged.map((e) => e.type);
    assert.deepEqual(kinds.slice(-3), ['predictions', 'weights', 'end']);
    assert.equal(kinds.filter((t) => t === 'weights').length, 1);
    model.dispose();
  });

  it('a conv2d first layer: each filter\'s 3×3 kernel; the interval limits the events during training', async () => {
    // an endless interval: no clock decides what is sent
    const { result, events } = await run(config('Cnn', 'fashion_mnist()', 3), halves(60, 10), 'cnn', Infinity);
    const ws = events.filter((e) => e.type === 'weights') as Extract<TrainEvent, { type: 'weights' }>[];
    // epoch 1 (the first is always sent), then none within the interval; the end sends the final weights
    assert.deepEqual(ws.map((e) => e.epoch), [1, 3]);
    const w = ws[1];
    assert.equal(w.kind, 'conv2d');
    assert.deepEqual(w.shape, [3, 3, 1]);
    assert.equal(w.units, 4);
    const q = bytes(w.values);
    assert.equal(q.length, 4 * 9);
    const kernel = result.model!.layers.find((l) => l.trainableWeights.length)!.trainableWeights[0].read().arraySync() as number[][][][];
    for (let f = 0; f < 4; f++) {
      for (let i = 0; i < 9; i++) {
        const decoded = ((q[f * 9 + i] - 127.5) / 127.5) * w.scale[f];
        assert.ok(Math.abs(decoded - kernel[Math.floor(i / 3)][i % 3][0][f]) <= w.scale[f] / 127);
      }
    }
    const p = events.find((e) => e.type === 'predictions') as Extract<TrainEvent, { type: 'predictions' }>;
    assert.equal(p.labels.length, 10, 'all 10 test images when there are fewer than 32');
    result.model!.dispose();
  });

  it('2-D classification: a sample of the training points after start; no predictions or weights', async () => {
    const n = 1000;
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = Math.cos(i) * (i % 2 ? 1 : 0.3);
      x[2 * i + 1] = Math.sin(i) * (i % 2 ? 1 : 0.3);
      y[i] = i % 2;
    }
    const data: LoadedData = { name: 'rings', featureShape: [2], task: 'classification', classes: 2, oneHot: false, image: false, train: { x, y, n }, test: { x, y, n }, source: 'test' };
    const { result, events, logged } = await run(config('Plane', 'circle()', 2), data, 'plane');
    result.model!.dispose();
    const types = events.map((e) => e.type);
    assert.equal(types[1], 'points');
    assert.ok(!types.includes('predictions') && !types.includes('weights'));
    const pts = events[1] as Extract<TrainEvent, { type: 'points' }>;
    assert.equal(pts.x.length, MAX_POINTS);
    assert.equal(pts.y.length, MAX_POINTS);
    // evenly spaced: point k is sample floor(k·n/400), rounded to 4 decimals
    assert.equal(pts.labels[3], y[Math.floor((3 * n) / MAX_POINTS)]);
    assert.ok(Math.abs(pts.x[3] - x[2 * Math.floor((3 * n) / MAX_POINTS)]) < 1e-4);
    assert.ok(logged.some((e) => e.type === 'points'));
  });
});
