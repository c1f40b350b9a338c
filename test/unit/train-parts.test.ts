// The parts of the training runtime against values worked out by hand: losses, optimizer steps,
// schedules, metrics, monitors, and the atomic checkpoint writer.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { makeLoss } from '../../server/src/runtime/train/losses';
import { TrainOptimizer, clipByGlobalNorm } from '../../server/src/runtime/train/optimizers';
import { Schedule, rateAt } from '../../server/src/runtime/train/schedules';
import { MetricsAccumulator } from '../../server/src/runtime/train/metrics';
import { Monitor, overfitting } from '../../server/src/runtime/train/monitor';
import { writeDirAtomic, checkpointDir, loadModel, modelFiles, CheckpointError } from '../../server/src/runtime/train/checkpoint';
import { LOSSES, OPTIMIZERS, SCHEDULES, METRICS } from '../../server/src/core/catalog/training';
import type { BoundFn, FnSpec } from '../../server/src/core/catalog/types';
import type { LoadedData } from '../../server/src/data/types';
import { checkDataFitsModel } from '../../server/src/cli/common';

function bound(specs: readonly FnSpec[], name: string, args: Record<string, unknown> = {}): BoundFn {
  const spec = specs.find((s) => s.name === name)!;
  const defaults = Object.fromEntries(spec.params.map((p) => [p.name, p.default]));
  return { spec, args: { ...defaults, ...args }, given: {} };
}

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

function lossOf(name: string, args: Record<string, unknown>, y: tf.Tensor, p: number[][], classes?: number): number {
  const out = tf.tensor2d(p);
  const fn = makeLoss(bound(LOSSES, name, args), p[0].length, classes);
  return tf.tidy(() => fn(y, out).dataSync()[0]);
}

describe('train: losses', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('mse, mae and huber on values', () => {
    const y = tf.tensor2d([[1], [2], [5]]);
    const p = [[1.5], [2], [1]];
    close(lossOf('mse', {}, y, p), (0.25 + 0 + 16) / 3);
    close(lossOf('mae', {}, y, p), (0.5 + 0 + 4) / 3);
    // huber(1): 0.5·0.25, 0, 1·(4 - 0.5)
    close(lossOf('huber', { delta: 1 }, y, p), (0.125 + 0 + 3.5) / 3);
  });

  it('cross_entropy from logits, with label smoothing, and on probabilities', () => {
    const y = tf.tensor1d([0, 2], 'int32');
    const z = [
      [2, 1, 0],
      [0, 0, 0],
    ];
    const lse0 = Math.log(Math.exp(2) + Math.exp(1) + 1);
    const l0 = lse0 - 2;
    const l1 = Math.log(3);
    close(lossOf('cross_entropy', {}, y, z, 3), (l0 + l1) / 2);
    // smoothing 0.3 over 3 classes: targets 0.8/0.1/0.1
    const s0 = 0.8 * (lse0 - 2) + 0.1 * (lse0 - 1) + 0.1 * lse0;
    close(lossOf('cross_entropy', { label_smoothing: 0.3 }, y, z, 3), (s0 + l1) / 2);
    close(lossOf('cross_entropy', { from_logits: false }, y, [[0.5, 0.25, 0.25], [0.2, 0.2, 0.6]], 3), (-Math.log(0.5) - Math.log(0.6)) / 2);
  });

  it('cross_entropy from logits: its written-out gradient, (softmax - target) / rows, is the derived one, smoothed and over sequences too', () => {
    const derived = (y: tf.Tensor, z: tf.Tensor, smoothing: number) => {
      const k = z.shape[z.shape.length - 1]!;
      let t = tf.oneHot(y, k).toFloat();
      if (smoothing > 0) t = tf.add(tf.mul(t, 1 - smoothing), smoothing / k);
      return tf.neg(tf.mean(tf.sum(tf.mul(t, tf.logSoftmax(z)), -1))) as tf.Scalar;
    };
    for (const [shape, smoothing] of [
      [[5, 4], 0],
      [[5, 4], 0.2],
      [[3, 6, 4], 0.1],
    ] as [number[], number][]) {
      const z = tf.randomNormal(shape, 0, 2, 'float32', 11);
      const y = tf.randomUniform(shape.slice(0, -1), 0, shape.at(-1)!, 'int32', 12);
      const loss = makeLoss({ spec: { name: 'cross_entropy' }, args: { label_smoothing: smoothing } }, shape.at(-1)!, shape.at(-1)!);
      const ours = tf.valueAndGrad((x: tf.Tensor) => loss(y, x))(z);
      const theirs = tf.valueAndGrad((x: tf.Tensor) => derived(y, x, smoothing))(z);
      close(ours.value.dataSync()[0]!, theirs.value.dataSync()[0]!);
      const [a, b] = [ours.grad.dataSync(), theirs.grad.dataSync()];
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6, `${shape}, smoothing ${smoothing}, gradient ${i}: ${v} vs ${b[i]}`));
    }
  });

  it('binary_cross_entropy on logits and probabilities', () => {
    const y = tf.tensor1d([1, 0], 'int32');
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    close(lossOf('binary_cross_entropy', {}, y, [[2], [-1]], 2), (-Math.log(sig(2)) - Math.log(1 - sig(-1))) / 2);
    close(lossOf('binary_cross_entropy', { from_logits: false }, y, [[0.9], [0.3]], 2), (-Math.log(0.9) - Math.log(0.7)) / 2);
  });

  it('hinge: binary with labels mapped to ±1, multi-class Weston-Watkins', () => {
    close(lossOf('hinge', { margin: 1 }, tf.tensor1d([1, 0], 'int32'), [[0.3], [0.5]], 2), ((1 - 0.3) + (1 + 0.5)) / 2);
    // scores [1, 3, 0.5], true 0: max(0, 1+3-1) + max(0, 1+0.5-1) = 3 + 0.5
    close(lossOf('hinge', { margin: 1 }, tf.tensor1d([0], 'int32'), [[1, 3, 0.5]], 3), 3.5);
  });

  it('mse on one-hot class labels compares with one-hot rows', () => {
    close(lossOf('mse', {}, tf.tensor1d([1], 'int32'), [[0.5, 0.5]], 2), 0.25);
  });
});

describe('train: optimizers', () => {
  function step(name: string, args: Record<string, unknown>, w0: number, g: number, steps = 1): number {
    const v = tf.variable(tf.scalar(w0));
    const opt = TrainOptimizer.from(bound(OPTIMIZERS, name, args));
    for (let i = 0; i < steps; i++) tf.tidy(() => opt.apply({ [v.name]: tf.scalar(g) }, [v]));
    const out = v.dataSync()[0];
    opt.dispose();
    v.dispose();
    return out;
  }

  it('sgd, with momentum and coupled weight decay', () => {
    close(step('sgd', { lr: 0.1 }, 1, 2), 0.8);
    // momentum 0.9, two steps of g=1: v=1 then 1.9; w = 1 - 0.1 - 0.19
    close(step('sgd', { lr: 0.1, momentum: 0.9 }, 1, 1, 2), 0.71);
    // weight decay 0.5: g' = 2 + 0.5·1
    close(step('sgd', { lr: 0.1, weight_decay: 0.5 }, 1, 2), 0.75);
  });

  it('adam moves by lr on its first step; adamw decays the weight first', () => {
    close(step('adam', { lr: 0.01 }, 1, 5), 0.99, 1e-6);
    // w·(1 - 0.01·0.1) then -0.01
    close(step('adamw', { lr: 0.01, weight_decay: 0.1 }, 1, 5), 1 * (1 - 0.001) - 0.01, 1e-6);
  });

  it('rmsprop and adagrad take their first steps', () => {
    // v = 0.1·g² ; step = lr·g/√(v+ε)
    close(step('rmsprop', { lr: 0.01 }, 1, 2), 1 - (0.01 * 2) / Math.sqrt(0.4 + 1e-7), 1e-6);
    // G = 0.1 + 4
    close(step('adagrad', { lr: 0.1 }, 1, 2), 1 - (0.1 * 2) / Math.sqrt(4.1), 1e-5);
  });

  it('changing the learning rate changes the step (sgd caches it in a tensor)', () => {
    const v = tf.variable(tf.scalar(1));
    const opt = TrainOptimizer.from(bound(OPTIMIZERS, 'sgd', { lr: 0.1 }));
    opt.learningRate = 0.5;
    tf.tidy(() => opt.apply({ [v.name]: tf.scalar(1) }, [v]));
    close(v.dataSync()[0], 0.5);
  });

  it('clips gradients by their global norm', () => {
    const out = tf.tidy(() => {
      const g = clipByGlobalNorm({ a: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) }, 1);
      return [...g.a.dataSync(), ...g.b.dataSync()];
    });
    assert.deepEqual(out.map((x) => +x.toFixed(6)), [0.6, 0, 0.8]);
    const small = tf.tidy(() => Array.from(clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1).a.dataSync()));
    assert.deepEqual(small.map((x) => +x.toFixed(6)), [0.3, 0.4]);
  });
});

describe('train: schedules', () => {
  it('step, exponential, cosine, warmup', () => {
    close(rateAt(bound(SCHEDULES, 'step', { every: 10, factor: 0.5 }), 1, 25, 100), 0.25);
    close(rateAt(bound(SCHEDULES, 'exponential', { gamma: 0.9 }), 1, 2, 100), 0.81);
    close(rateAt(bound(SCHEDULES, 'cosine', { min_lr: 0.1 }), 1, 0, 10), 1);
    close(rateAt(bound(SCHEDULES, 'cosine', { min_lr: 0.1 }), 1, 5, 10), 0.55);
    close(rateAt(bound(SCHEDULES, 'cosine', { min_lr: 0.1 }), 1, 10, 10), 0.1);
    const cos = bound(SCHEDULES, 'cosine', { min_lr: 0 });
    const warm = bound(SCHEDULES, 'warmup', { epochs: 4, then: cos });
    assert.deepEqual([0, 1, 2, 3].map((e) => rateAt(warm, 1, e, 14)), [0.25, 0.5, 0.75, 1]);
    close(rateAt(warm, 1, 4, 14), 1);
    close(rateAt(warm, 1, 9, 14), 0.5);
  });

  it('reduce_on_plateau lowers the rate after patience epochs without improvement, not below min_lr', () => {
    const s = new Schedule(bound(SCHEDULES, 'reduce_on_plateau', { monitor: 'val_loss', factor: 0.5, patience: 2, min_lr: 0.3 }), 1, 100);
    const seen = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95].map((v) => (s.observe({ val_loss: v }), s.lrFor(0)));
    assert.deepEqual(seen, [1, 1, 1, 0.5, 0.5, 0.3, 0.3, 0.3]);
  });
});

describe('train: metrics and monitors', () => {
  it('classification: accuracy, top-k, macro precision/recall/f1 over the epoch', () => {
    const metrics = ['accuracy', 'precision', 'recall', 'f1'].map((n) => bound(METRICS, n)).concat(bound(METRICS, 'top_k_accuracy', { k: 2 }));
    const acc = new MetricsAccumulator({ task: 'classification', units: 3, classes: 3, threshold: 0, metrics });
    // predictions 0, 1, 1, 2 for labels 0, 1, 2, 2 (in two batches)
    acc.add(new Float32Array([5, 1, 0, 0, 5, 1]), new Int32Array([0, 1]), 2, 1);
    acc.add(new Float32Array([0, 5, 4, 0, 1, 5]), new Int32Array([2, 2]), 2, 3);
    const v = acc.values();
    close(acc.loss, 2);
    close(v.accuracy, 0.75);
    close(v.top_k_accuracy, 1);
    // precision: 1, 1/2, 1; recall: 1, 1, 1/2
    close(v.precision, 2.5 / 3);
    close(v.recall, 2.5 / 3);
    close(v.f1, (1 + 2 / 3 + 2 / 3) / 3);
    assert.deepEqual(acc.confusion, [
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('one output unit: class 1 above the threshold', () => {
    const acc = new MetricsAccumulator({ task: 'classification', units: 1, classes: 2, threshold: 0, metrics: [bound(METRICS, 'accuracy')] });
    acc.add(new Float32Array([0.3, -2, 1]), new Int32Array([1, 0, 0]), 3, 0);
    close(acc.values().accuracy, 2 / 3);
  });

  it('regression: mae, mse, rmse, r2', () => {
    const acc = new MetricsAccumulator({ task: 'regression', units: 1, threshold: 0, metrics: ['mae', 'mse', 'rmse', 'r2'].map((n) => bound(METRICS, n)) });
    acc.add(new Float32Array([1, 2]), new Float32Array([1, 3]), 2, 0);
    acc.add(new Float32Array([5]), new Float32Array([5]), 1, 0);
    const v = acc.values();
    close(v.mae, 1 / 3);
    close(v.mse, 1 / 3);
    close(v.rmse, Math.sqrt(1 / 3));
    // mean 3, SST = 4 + 0 + 4 = 8, SSE = 1
    close(v.r2, 1 - 1 / 8);
  });

  it('monitors know which way is better and count epochs without improvement', () => {
    const m = new Monitor('val_accuracy', 'auto', 0.01);
    assert.equal(m.max, true);
    assert.equal(m.update({ val_accuracy: 0.5 }, 0), true);
    assert.equal(m.update({ val_accuracy: 0.505 }, 1), false);
    assert.equal(m.update({ val_accuracy: 0.6 }, 2), true);
    assert.deepEqual(m.state(), { best: 0.6, bestEpoch: 2, wait: 0 });
    const l = new Monitor('loss', 'auto', 0);
    assert.equal(l.max, false);
    assert.equal(l.update({ loss: NaN }, 0), false);
  });

  it('over-fitting: the validation loss risen for 5 epochs or more past its lowest while the training loss falls', () => {
    const h = (val: number[], train = val.map((_, i) => 1 - i / 100)) => val.map((v, i) => ({ epoch: i + 1, loss: train[i], val: { loss: v } }));
    assert.deepEqual(overfitting(h([1, 0.8, 0.7, 0.75, 0.8, 0.9, 0.95, 1.0])), { from: 3, to: 8, best: 0.7, last: 1.0 });
    // 4 epochs past the lowest are not yet "many"
    assert.equal(overfitting(h([1, 0.8, 0.7, 0.75, 0.8, 0.9, 0.95])), undefined);
    // back near its lowest: noise, not over-fitting
    assert.equal(overfitting(h([1, 0.8, 0.7, 0.75, 0.8, 0.9, 0.95, 0.72])), undefined);
    // the training loss rising too is a run going wrong, not over-fitting
    assert.equal(overfitting(h([1, 0.8, 0.7, 0.75, 0.8, 0.9, 0.95, 1.0], [1, 0.9, 0.8, 0.85, 0.9, 1, 1.1, 1.2])), undefined);
    // no validation, or a non-finite one
    assert.equal(overfitting([{ epoch: 1, loss: 1 }, { epoch: 9, loss: 0.5 }]), undefined);
    assert.equal(overfitting(h([NaN, NaN, NaN, NaN, NaN, NaN, NaN])), undefined);
  });
});

describe('train: atomic checkpoint folders', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-ckpt-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a write killed at any step leaves the previous or the new checkpoint complete', () => {
    const target = path.join(dir, 'last');
    writeDirAtomic(target, { 'model.json': '{"v":1}', 'weights.bin': new Uint8Array([1]) });
    for (const stop of ['files', 'old', 'renamed'] as const) {
      assert.throws(() =>
        writeDirAtomic(target, { 'model.json': '{"v":2}', 'weights.bin': new Uint8Array([2]) }, (s) => {
          if (s === stop) throw new Error('killed');
        }),
      );
      const found = checkpointDir(target);
      assert.ok(found, `nothing readable after a kill at '${stop}'`);
      const v = JSON.parse(fs.readFileSync(path.join(found, 'model.json'), 'utf8')).v;
      assert.equal(v, stop === 'renamed' ? 2 : 1, stop);
      assert.equal(fs.readFileSync(path.join(found, 'weights.bin'))[0], v);
      // the next write recovers and completes
      writeDirAtomic(target, { 'model.json': '{"v":1}', 'weights.bin': new Uint8Array([1]) });
      assert.equal(checkpointDir(target), target);
      assert.ok(!fs.existsSync(`${target}.old`) && !fs.existsSync(`${target}.tmp`));
    }
  });

  it('a damaged saved model is refused with the file and the problem, before tfjs reads it', async () => {
    const save = (weights: object[], bytes: number) => {
      const d = fs.mkdtempSync(path.join(dir, 'm-'));
      fs.writeFileSync(path.join(d, 'model.json'), JSON.stringify({ modelTopology: { class_name: 'Model' }, weightsManifest: [{ paths: ['weights.bin'], weights }] }));
      fs.writeFileSync(path.join(d, 'weights.bin'), new Uint8Array(bytes));
      return d;
    };
    const short = save([{ name: 'w', shape: [2, 3], dtype: 'float32' }], 20);
    await assert.rejects(loadModel(short), (e: Error) => e instanceof CheckpointError && e.message === `${path.join(short, 'weights.bin')} is damaged: 20 bytes, the manifest in model.json needs 24`);
    const noShape = save([{ name: 'w', dtype: 'float32' }], 24);
    await assert.rejects(loadModel(noShape), (e: Error) => e instanceof CheckpointError && e.message === `${path.join(noShape, 'model.json')} is damaged: field 'weightsManifest[0].weights[0].shape' is missing; it must be a list of 0 to 8`);
  });

  it('a saved LSTM loads with its own weights, drawing no initial ones (tfjs warned of its slow Orthogonal initializer)', async () => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 64, inputShape: [5, 8] }), tf.layers.dense({ units: 2 })] });
    const d = path.join(dir, 'lstm');
    writeDirAtomic(d, await modelFiles(model));
    const warned: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warned.push(a);
    let loaded: tf.LayersModel;
    try {
      loaded = await loadModel(d);
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warned, []);
    const [want, got] = [model.getWeights(), loaded.getWeights()];
    assert.equal(got.length, want.length);
    want.forEach((w, i) => assert.deepEqual(Array.from(got[i].dataSync()), Array.from(w.dataSync()), model.weights[i].name));
    // the file keeps its initializers: only the copy built from was changed
    assert.match(fs.readFileSync(path.join(d, 'model.json'), 'utf8'), /"recurrent_initializer":\{"class_name":"Orthogonal"/);
    model.dispose();
    loaded.dispose();
  });
});

describe('nn evaluate and predict: data that no longer fits the saved model', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const model = (inputs: number, units: number) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units, inputShape: [inputs] }));
    return m;
  };
  const data = (o: Partial<LoadedData>): LoadedData => ({ name: 'd', featureShape: [2], task: 'classification', classes: 3, targetDims: 1, oneHot: false, image: false, train: { x: new Float32Array(0), y: new Int32Array(0), n: 0 }, source: 'test', ...o });

  it('refuses another sample shape, another number of classes or targets; one unit on two classes fits', () => {
    const fits = (m: tf.LayersModel, d: LoadedData) => checkDataFitsModel(m, d, 'RUN');
    fits(model(2, 3), data({}));
    fits(model(2, 1), data({ classes: 2 }));
    fits(model(2, 1), data({ task: 'regression', classes: undefined, targetDims: 1 }));
    assert.throws(() => fits(model(3, 3), data({})), /the data now gives samples of \[2\], but the model saved in RUN takes \[3\]/);
    assert.throws(() => fits(model(2, 3), data({ classes: 5 })), /the data now has 5 classes, but the model saved in RUN gives 3 outputs/);
    assert.throws(() => fits(model(2, 1), data({ task: 'regression', classes: undefined, targetDims: 2 })), /the data now has 2 target values, but the model saved in RUN gives 1 output:/);
  });
});
