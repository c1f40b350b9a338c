// The training loop on small data built here (no loader, cpu backend): tensors do not leak,
// early stopping restores the best weights, k-fold reports each fold, a stopped run resumes to
// the same weights as an uninterrupted one, a loss that becomes NaN stops the run and keeps the
// last good checkpoint, and the events come in order.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { train, type TrainOptions } from '../../server/src/runtime/train/trainer';
import { loadModel, checkpointDir } from '../../server/src/runtime/train/checkpoint';
import { makeTask, evaluateSplit } from '../../server/src/runtime/train/evaluate';
import { validationSplit } from '../../server/src/data/batches';
import { loadData } from '../../server/src/data/load';
import { DropoutNoise } from '../../server/src/runtime/layers/dropout';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { Progress } from '../../server/src/cli/progress';
import type { LoadedData } from '../../server/src/data/types';
import type { TrainConfig } from '../../server/src/core/train';
import { analyzeText } from '../helpers';

/** Deterministic uniform numbers in [0, 1) for building test data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Two noisy classes in the plane split by a circle of radius 0.6. */
function rings(n: number, seed: number, testN = 0): LoadedData {
  const make = (m: number, r: () => number) => {
    const x = new Float32Array(m * 2);
    const y = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const a = r() * 2 * Math.PI;
      const cls = i % 2;
      const rad = cls ? 0.9 + 0.3 * r() : 0.3 * r();
      x[2 * i] = rad * Math.cos(a);
      x[2 * i + 1] = rad * Math.sin(a);
      y[i] = cls;
    }
    return { x, y, n: m };
  };
  const r = lcg(seed);
  return { name: 'rings', featureShape: [2], task: 'classification', classes: 2, oneHot: false, image: false, train: make(n, r), test: testN ? make(testN, r) : undefined, source: 'test' };
}

/** y = 2·x0 - x1 + 0.5 + noise. */
function line(n: number, seed: number): LoadedData {
  const r = lcg(seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = r() * 2 - 1;
    x[2 * i + 1] = r() * 2 - 1;
    y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5 + (r() - 0.5) * 0.1;
  }
  return { name: 'line', featureShape: [2], task: 'regression', targetDims: 1, oneHot: false, image: false, train: { x, y, n }, source: 'test' };
}

const MODELS = `
model Net {
  input [2]
  dense(16, activation: tanh)
  dense(2)
}
model Reg {
  input [2]
  dense(1)
}
model Cubic {
  input [2]
  poly_features(3)
  dense(1)
}
model Big {
  input [2]
  dense(128, activation: relu)
  dense(128, activation: relu)
  dense(2)
}
model Drop {
  input [2]
  dense(32, activation: relu)
  dropout(0.5)
  dense(1)
}
`;

function config(body: string, name = 't'): TrainConfig {
  const r = analyzeText(`${MODELS}\ntrain ${name} {\n${body}\n}\n`);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.message), []);
  return r.trains.find((t) => t.name === name)!;
}

/** What `f` returns, and the seed of every dropout step run meanwhile. */
async function stepSeedsOf<T>(f: () => Promise<T>): Promise<{ result: T; seeds: number[] }> {
  const seeds: number[] = [];
  const step = DropoutNoise.prototype.step;
  DropoutNoise.prototype.step = function <R>(this: DropoutNoise, seed: number, g: () => R): R {
    seeds.push(seed);
    return step.call(this, seed, g) as R;
  };
  try {
    return { result: await f(), seeds };
  } finally {
    DropoutNoise.prototype.step = step;
  }
}

const CLS = `model: Net\n  data: circle(n: 400)\n  loss: cross_entropy\n  metrics: [accuracy]`;
const REG = `model: Reg\n  data: linear(n: 400, features: 2)\n  loss: mse\n  metrics: [r2]`;

describe('train: the loop', function () {
  this.timeout(120_000);
  let root: string;
  const backend = { name: 'cpu' as const, note: 'test' };

  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-train-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  let runs = 0;
  async function run(cfg: TrainConfig, data: LoadedData, more: Partial<TrainOptions> = {}) {
    const events: TrainEvent[] = [];
    const runDir = more.runDir ?? path.join(root, `run-${++runs}`);
    const result = await train(cfg, data, { emit: (e) => events.push(e), runDir, backend, ...more });
    return { result, events, runDir, epochs: events.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[] };
  }

  it('learns, keeps the live tensor count flat across epochs, and sends events in order', async () => {
    const cfg = config(`${CLS}\n  validation: 0.2\n  optimizer: adam(lr: 0.02)\n  epochs: 12\n  batch_size: 32\n  seed: 1`);
    const { result, events, epochs, runDir } = await run(cfg, rings(500, 1, 200), { batchEventInterval: 0, boundaryInterval: 0 });
    result.model!.dispose();
    assert.equal(result.outcome, 'completed');
    assert.equal(epochs.length, 12);
    const counts = epochs.map((e) => e.tensors);
    assert.ok(counts.slice(1).every((c) => c === counts[1]), `live tensors per epoch: ${counts.join(', ')}`);
    assert.ok(result.end!.test!.metrics.accuracy > 0.95, `test accuracy ${result.end!.test!.metrics.accuracy}`);
    assert.ok(epochs[11].loss < epochs[0].loss / 2);
    // order: start, then per epoch its batches, the epoch, its boundary and checkpoints; end last
    assert.equal(events[0].type, 'start');
    assert.equal(events[events.length - 1].type, 'end');
    const kinds = events.map((e) => e.type);
    assert.equal(kinds.filter((k) => k === 'batch').length, 12 * Math.ceil(400 / 32));
    let epoch = 0;
    for (const e of events) {
      if (e.type === 'batch') assert.equal(e.epoch, epoch + 1);
      if (e.type === 'epoch') assert.equal(e.epoch, ++epoch);
      if (e.type === 'boundary') {
        assert.equal(e.epoch, epoch);
        assert.equal(e.values.length, 40 * 40);
      }
    }
    assert.deepEqual(result.end!.test!.confusion!.flat().reduce((a, b) => a + b, 0), 200);
    // the run folder
    for (const f of ['config.json', 'summary.txt', 'metrics.jsonl', 'report.json', 'best/model.json', 'best/weights.bin', 'last/state.json', 'last/optimizer.bin']) {
      assert.ok(fs.existsSync(path.join(runDir, f)), f);
    }
    const logged = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    // the boundaries are live but the last one, which the run folder keeps (nn plot draws it)
    const lastBoundary = kinds.lastIndexOf('boundary');
    assert.ok(lastBoundary > 0);
    assert.deepEqual(
      logged,
      kinds.filter((k, i) => k !== 'batch' && (k !== 'boundary' || i === lastBoundary)),
    );
    const saved = await loadModel(checkpointDir(path.join(runDir, 'last'))!);
    assert.equal(saved.countParams(), 16 * 2 + 16 + 16 * 2 + 2);
    saved.dispose();
  });

  it('early stopping stops early and restores the best epoch: its val loss is the best epoch\'s', async () => {
    // nothing counts as an improvement after the first epoch (min_delta 100): stop at epoch 1 + patience
    const cfg = config(`${CLS}\n  validation: 0.25\n  optimizer: adam(lr: 0.05)\n  epochs: 30\n  seed: 4\n  early_stopping(monitor: val_loss, patience: 2, min_delta: 100, restore_best: true)`);
    const data = rings(400, 2);
    const { result, epochs, events } = await run(cfg, data);
    assert.equal(result.outcome, 'early_stopped');
    assert.equal(epochs.length, 3);
    assert.equal(result.end!.bestEpoch, 1);
    const stopped = events.find((e) => e.type === 'stopped');
    assert.ok(stopped && stopped.type === 'stopped' && stopped.reason === 'early_stopping', JSON.stringify(stopped));
    assert.ok(epochs[2].val!.loss < epochs[0].val!.loss, 'the later epochs were better, so restoring is visible');
    const model = result.model!;
    const val = validationSplit(data.train, 0.25, 4).val;
    const ev = await evaluateSplit(model, makeTask(model, data, cfg.loss!, cfg.metrics), val);
    assert.ok(Math.abs(ev.loss - epochs[0].val!.loss) < 1e-6, `restored val loss ${ev.loss}, best epoch's ${epochs[0].val!.loss}`);
    model.dispose();
  });

  it('augments training batches only, with fresh noise every epoch', async () => {
    // a step too small to move the weights: the losses show what each epoch's batches looked like
    const cfg = config(`${CLS}\n  validation: 0.5\n  optimizer: sgd(lr: 0.000000001)\n  epochs: 2\n  seed: 7\n  augment: [noise(std: 3)]`);
    const { result, epochs } = await run(cfg, rings(200, 8));
    result.model!.dispose();
    const [a, b] = epochs;
    assert.ok(Math.abs(a.val!.loss - b.val!.loss) < 1e-6, 'validation data is not augmented');
    assert.ok(a.loss > 1.2 * a.val!.loss, `training loss ${a.loss} vs validation ${a.val!.loss}: the training inputs are noisy`);
    assert.notEqual(a.loss, b.loss, 'each epoch draws new noise');
  });

  it('weights broken by the last step of an epoch (finite loss) are never saved', async () => {
    // mae's gradient is the input itself: 1e38 · lr overflows the weight while the loss stays finite
    const cfg = config(`model: Reg\n  data: linear(n: 400, features: 2)\n  loss: mae\n  optimizer: sgd(lr: 100)\n  epochs: 1\n  batch_size: 4\n  shuffle: false\n  seed: 1`);
    const x = new Float32Array([0.1, 0.2, 0.3, 0.1, 0.2, 0.2, 1e38, 0]);
    const data: LoadedData = { name: 'huge', featureShape: [2], task: 'regression', targetDims: 1, oneHot: false, image: false, train: { x, y: new Float32Array(4), n: 4 }, source: 'test' };
    const { result, events, runDir } = await run(cfg, data);
    assert.equal(result.outcome, 'not_finite');
    assert.match(result.message!, /^the weights stopped being finite numbers at epoch 1; /);
    assert.ok(!events.some((e) => e.type === 'checkpoint'));
    assert.ok(!fs.existsSync(path.join(runDir, 'last')) && !fs.existsSync(path.join(runDir, 'best')));
  });

  it('every optimizer and schedule trains; lr follows the schedule; checkpoint(every) sets the cadence of last/', async () => {
    const data = rings(300, 11);
    const runs: [string, string][] = [
      ['optimizer: sgd(lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.0001)', 'schedule: step(every: 2, factor: 0.5)'],
      ['optimizer: adam(lr: 0.02)', 'schedule: exponential(gamma: 0.9)'],
      ['optimizer: adamw(lr: 0.03, weight_decay: 0.01)', 'schedule: cosine(min_lr: 0.001)'],
      ['optimizer: rmsprop(lr: 0.01, momentum: 0.5)', 'schedule: warmup(epochs: 2, then: cosine())'],
      ['optimizer: adagrad(lr: 0.2)', 'schedule: reduce_on_plateau(monitor: loss, patience: 0, factor: 0.5)'],
    ];
    for (const [opt, sched] of runs) {
      const cfg = config(`${CLS}\n  ${opt}\n  ${sched}\n  epochs: 6\n  batch_size: 16\n  seed: 5\n  checkpoint(monitor: accuracy, every: 4)`);
      const { result, epochs, events } = await run(cfg, data);
      result.model!.dispose();
      assert.ok(epochs[5].loss < epochs[0].loss * 0.85, `${opt}: loss ${epochs[0].loss} -> ${epochs[5].loss}`);
      const lrs = epochs.map((e) => e.lr);
      const base = cfg.optimizer!.args.lr as number;
      if (sched.startsWith('schedule: step')) assert.deepEqual(lrs, [1, 1, 0.5, 0.5, 0.25, 0.25].map((f) => base * f));
      if (sched.startsWith('schedule: exponential')) lrs.forEach((lr, i) => assert.ok(Math.abs(lr - base * 0.9 ** i) < 1e-12));
      if (sched.startsWith('schedule: cosine')) assert.ok(lrs[0] === base && lrs.every((lr, i) => i === 0 || lr < lrs[i - 1]));
      if (sched.startsWith('schedule: warmup')) assert.deepEqual(lrs.slice(0, 3), [base / 2, base, base]);
      if (sched.startsWith('schedule: reduce')) assert.ok(lrs.every((lr, i) => i === 0 || lr === lrs[i - 1] || lr === lrs[i - 1] / 2));
      const lasts = events.filter((e) => e.type === 'checkpoint' && e.kind === 'last').map((e) => (e as { epoch: number }).epoch);
      assert.deepEqual(lasts, [4, 6], opt);
    }
  });

  it('last/ loads back with tfjs (custom layers too) and predicts what the trained model predicts', async () => {
    const cfg = config(`model: Cubic\n  data: linear(n: 400, features: 2)\n  loss: mse\n  optimizer: adam(lr: 0.05)\n  epochs: 3\n  seed: 2`);
    const data = line(100, 12);
    const { result, runDir } = await run(cfg, data);
    const saved = await loadModel(checkpointDir(path.join(runDir, 'last'))!);
    const x = tf.tensor2d([[0.3, -0.7], [1.5, 2]]);
    const [a, b] = [result.model!, saved].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync()));
    assert.deepEqual(a, b);
    assert.equal(saved.layers.some((l) => l.getClassName() === 'NnPolyFeatures'), true);
    tf.dispose([x]);
    saved.dispose();
    result.model!.dispose();
  });

  it('k-fold trains K models and reports each fold with mean and std', async () => {
    const cfg = config(`${CLS}\n  kfold: 3\n  optimizer: adam(lr: 0.03)\n  epochs: 15\n  batch_size: 16\n  seed: 2`);
    const { result, events, runDir } = await run(cfg, rings(300, 3));
    result.model!.dispose();
    const folds = result.end!.folds!;
    assert.equal(folds.results.length, 3);
    assert.deepEqual(events.filter((e) => e.type === 'fold').map((e) => (e as { fold: number }).fold), [1, 2, 3]);
    const acc = folds.results.map((r) => r.metrics.accuracy);
    const mean = acc.reduce((a, b) => a + b, 0) / 3;
    assert.ok(Math.abs(folds.mean.accuracy - mean) < 1e-12);
    assert.ok(Math.abs(folds.std.accuracy - Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / 3)) < 1e-12);
    assert.ok(mean > 0.8, `mean accuracy ${mean}`);
    for (const k of [1, 2, 3]) assert.ok(checkpointDir(path.join(runDir, `fold-${k}`, 'best')), `fold-${k}/best`);
    assert.ok(checkpointDir(path.join(runDir, 'best')));
  });

  it('a run stopped mid-epoch resumes from last/ to the same weights as an uninterrupted run', async () => {
    const cfg = config(`${REG}\n  optimizer: sgd(lr: 0.05, momentum: 0.9)\n  epochs: 4\n  batch_size: 32\n  seed: 9\n  validation: 0.2\n  schedule: exponential(gamma: 0.9)`);
    const data = line(300, 5);
    const whole = await run(cfg, data);
    const want = whole.result.model!.getWeights().map((w) => Array.from(w.dataSync()));
    whole.result.model!.dispose();

    let batches = 0;
    const first = await run(cfg, data, { stopRequested: () => ++batches === 12 });
    assert.equal(first.result.outcome, 'stopped');
    const stopped = first.events.find((e) => e.type === 'stopped');
    assert.ok(stopped && stopped.type === 'stopped' && stopped.reason === 'requested');
    assert.equal(first.epochs.length, 1, 'stopped in the second epoch');
    const state = JSON.parse(fs.readFileSync(path.join(first.runDir, 'last', 'state.json'), 'utf8'));
    // the stop is asked after 8 batches and the end of epoch 1 (9 polls), then 3 batches of epoch 2
    assert.deepEqual([state.epoch, state.batch], [1, 3]);
    first.result.model?.dispose();

    const second = await run(cfg, data, { runDir: first.runDir, resume: true });
    const start = second.events[0];
    // it resumes inside epoch 2, after its third batch, and says so (a person reads it as "after epoch 1" otherwise)
    assert.ok(start.type === 'start' && start.resumedFrom === 1 && start.resumedBatch === 3, JSON.stringify(start));
    assert.equal(parseEvent(JSON.stringify(start))?.type, 'start');
    const lines: string[] = [];
    new Progress({ line: (l) => lines.push(l) }).event(start);
    assert.ok(lines.some((l) => l.endsWith('(resumed in epoch 2, after its batch 3)')), lines.join('\n'));
    assert.deepEqual(second.epochs.map((e) => e.epoch), [2, 3, 4]);
    const got = second.result.model!.getWeights().map((w) => Array.from(w.dataSync()));
    second.result.model!.dispose();
    for (let i = 0; i < want.length; i++) for (let j = 0; j < want[i].length; j++) assert.ok(Math.abs(want[i][j] - got[i][j]) < 1e-5, `weight ${i}[${j}]: ${got[i][j]} vs ${want[i][j]}`);
    // the epoch's metrics continue too: the resumed epoch 2 reports over all of its batches
    assert.ok(Math.abs(second.epochs[0].loss - whole.epochs[1].loss) < 1e-5);
    assert.ok(whole.epochs[3].metrics.r2 > 0.95, `r2 ${whole.epochs[3].metrics.r2}`);
    // the report's history is the whole run's, not only the epochs after the resume
    const report = JSON.parse(fs.readFileSync(path.join(first.runDir, 'report.json'), 'utf8'));
    assert.deepEqual(report.history.map((e: { epoch: number }) => e.epoch), [1, 2, 3, 4]);
    assert.equal(report.history[0].loss, first.epochs[0].loss);

    // the finished run: resuming it for no more epochs is refused, and its report stays as it is
    const reportText = fs.readFileSync(path.join(first.runDir, 'report.json'), 'utf8');
    await assert.rejects(run(cfg, data, { runDir: first.runDir, resume: true }), /has finished \(completed after 4 epochs\); give --epochs more than 4 to train it further, or start a new run/);
    assert.equal(fs.readFileSync(path.join(first.runDir, 'report.json'), 'utf8'), reportText);
  });

  it('a run that over-fits is told from which epoch, and what the lessons offer against it that it does not use', async () => {
    const body = (more: string) => `model: Big\n  data: circle(n: 80, noise: 0.4, seed: 3)\n  validation: 0.5\n  loss: cross_entropy\n  optimizer: adam(lr: 0.01)\n  epochs: 25\n  batch_size: 8\n  seed: 1${more}`;
    const plain = config(body(''));
    const data = await loadData(plain.data!);
    const { events, result } = await run(plain, data);
    result.model?.dispose();
    const epochs = events.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[];
    const lowest = epochs.reduce((a, e) => (e.val!.loss < a.val!.loss ? e : a));
    const said = events.filter((e) => e.type === 'log' && e.message.startsWith('over-fitting')) as Extract<TrainEvent, { type: 'log' }>[];
    assert.equal(said.length, 1, `val losses ${epochs.map((e) => e.val!.loss.toFixed(3)).join(' ')}`);
    assert.match(said[0].message, new RegExp(`^over-fitting from epoch ${lowest.epoch}: val_loss has risen for ${25 - lowest.epoch} epochs since its lowest .*; against it: early_stopping\\(monitor: val_loss, patience: 5, restore_best: true\\); dropout\\(0\\.3\\) after the hidden layers; kernel_regularizer: l2\\(0\\.001\\)`));
    // before the end event, so it is in metrics.jsonl and the printed run
    assert.ok(events.indexOf(said[0]) < events.findIndex((e) => e.type === 'end'));
    // a block with early stopping is not told to add it
    const es = await run(config(body('\n  early_stopping(monitor: val_loss, patience: 12)')), data);
    es.result.model?.dispose();
    const esSaid = es.events.find((e) => e.type === 'log' && e.message.startsWith('over-fitting'));
    assert.ok(esSaid && esSaid.type === 'log' && !esSaid.message.includes('early_stopping'), JSON.stringify(esSaid));
  });

  it('a resumed run refuses --epochs fewer than it has trained', async () => {
    const cfg = config(`${REG}\n  optimizer: sgd(lr: 0.05)\n  epochs: 5\n  batch_size: 32\n  seed: 9`);
    let batches = 0;
    // 10 batches an epoch: stopped in the third epoch
    const first = await run(cfg, line(300, 5), { stopRequested: () => ++batches === 25 });
    first.result.model?.dispose();
    assert.equal(first.result.outcome, 'stopped');
    await assert.rejects(run(cfg, line(300, 5), { runDir: first.runDir, resume: true, epochs: 1 }), /has trained 2 epochs and 3 batches of the next already; --epochs 1 would end before where it stopped/);
    // equal too: its weights are past the end of epoch 2
    await assert.rejects(run(cfg, line(300, 5), { runDir: first.runDir, resume: true, epochs: 2 }), /--epochs 2 would end before where it stopped/);
  });

  it('with dropout, the same seed repeats a run exactly, and a run resumed mid-epoch reaches the same weights', async () => {
    // the masks come from (seed, fold, epoch, batch): tfjs' unseeded masks differed in every run
    const cfg = config(`model: Drop\n  data: linear(n: 400, features: 2)\n  loss: mse\n  optimizer: adam(lr: 0.01)\n  epochs: 3\n  batch_size: 32\n  seed: 6\n  validation: 0.2`);
    const data = line(300, 5);
    const weightsOf = (r: { result: { model?: tf.LayersModel } }) => {
      const w = r.result.model!.getWeights().map((t) => Array.from(t.dataSync()));
      r.result.model!.dispose();
      return w;
    };
    // every step draws its own masks: the step seeds of a run (batches, epochs, folds) all differ
    const { result: want, seeds } = await stepSeedsOf(async () => weightsOf(await run(cfg, data)));
    assert.equal(seeds.length, 3 * 8, '3 epochs of 8 batches');
    assert.equal(new Set(seeds).size, seeds.length, 'a step seed repeated');
    const kfold = config(`model: Drop\n  data: linear(n: 400, features: 2)\n  loss: mse\n  epochs: 2\n  kfold: 2\n  seed: 6`);
    const folds = await stepSeedsOf(async () => weightsOf(await run(kfold, data)));
    assert.equal(folds.seeds.length, 2 * 2 * 5, '2 folds of 2 epochs of 5 batches');
    assert.equal(new Set(folds.seeds).size, folds.seeds.length, 'a step seed repeated across folds');
    assert.deepEqual(weightsOf(await run(cfg, data)), want, 'a second run with the same seed');

    let batches = 0;
    const first = await run(cfg, data, { stopRequested: () => ++batches === 12 });
    assert.equal(first.result.outcome, 'stopped');
    first.result.model?.dispose();
    const state = JSON.parse(fs.readFileSync(path.join(first.runDir, 'last', 'state.json'), 'utf8'));
    assert.deepEqual([state.epoch, state.batch], [1, 3], 'stopped mid-epoch');
    const got = weightsOf(await run(cfg, data, { runDir: first.runDir, resume: true }));
    for (let i = 0; i < want.length; i++) for (let j = 0; j < want[i].length; j++) assert.ok(Math.abs(want[i][j] - got[i][j]) < 1e-5, `weight ${i}[${j}]: ${got[i][j]} vs ${want[i][j]}`);
  });

  it('mse with one output unit on two classes fits the class index 0 or 1 (NN406 warns), and learns', async () => {
    // the targets were one-hot rows as wide as the output: a depth of 1, which tfjs refused mid-run
    const cfg = config(`model: Reg\n  data: circle(n: 400)\n  loss: mse\n  optimizer: adam(lr: 0.05)\n  epochs: 3\n  seed: 2\n  metrics: [accuracy]`);
    const data = rings(300, 4);
    const { result, epochs } = await run(cfg, data);
    result.model!.dispose();
    assert.equal(result.outcome, 'completed');
    // a linear unit cannot separate rings, but it fits their mean: the loss falls towards 0.25
    assert.ok(epochs[2].loss < epochs[0].loss && epochs[2].loss < 0.3, `loss ${epochs.map((e) => e.loss).join(', ')}`);
  });

  it('a loss that becomes NaN stops the run with advice, and the previous checkpoint stays intact', async () => {
    const good = config(`${REG}\n  optimizer: sgd(lr: 0.05)\n  epochs: 2\n  seed: 3`);
    const data = line(200, 6);
    const first = await run(good, data);
    first.result.model!.dispose();
    const lastDir = path.join(first.runDir, 'last');
    const before = fs.readFileSync(path.join(lastDir, 'weights.bin'));
    const bestBefore = fs.readFileSync(path.join(first.runDir, 'best', 'weights.bin'));
    // the same run resumed with a learning rate that diverges
    const bad = config(`${REG}\n  optimizer: sgd(lr: 1000000)\n  epochs: 6\n  seed: 3`);
    const second = await run(bad, data, { runDir: first.runDir, resume: true, epochs: 6 });
    assert.equal(second.result.outcome, 'not_finite', JSON.stringify(second.epochs.map((e) => [e.epoch, e.loss, e.lr])));
    assert.match(second.result.message!, /^the loss became (NaN|Infinity) at epoch 3, batch \d+; the learning rate 1000000 is probably too high for sgd: try 0\.01/);
    const kinds = second.events.map((e) => e.type);
    assert.deepEqual(kinds.slice(-2), ['stopped', 'error']);
    assert.ok(!kinds.includes('checkpoint'));
    assert.deepEqual(fs.readFileSync(path.join(lastDir, 'weights.bin')), before);
    assert.deepEqual(fs.readFileSync(path.join(first.runDir, 'best', 'weights.bin')), bestBefore);
    const m = await loadModel(lastDir);
    assert.ok(m.getWeights().every((w) => Array.from(w.dataSync()).every(Number.isFinite)));
    m.dispose();
  });
});
