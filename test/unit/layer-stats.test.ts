// Inside the network while it trains (layer_stats): the statistics of a `layers` event against
// values computed here by hand on a tiny network, the protocol's checks of the new events, and
// the warnings (NN430-NN433) on networks built to vanish, explode, die and saturate, and their
// absence on healthy networks and the samples.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { train } from '../../server/src/runtime/train/trainer';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { LayerProbe, histogram, activationStats } from '../../server/src/runtime/train/layer-stats';
import { LayerWarnings } from '../../server/src/runtime/train/layer-warnings';
import { parseEvent, checkEvent, type TrainEvent, type LayerStats } from '../../server/src/runtime/train/protocol';
import { render, type MessageId } from '../../server/src/core/messages';
import { loadData } from '../../server/src/data/load';
import type { LoadedData } from '../../server/src/data/types';
import type { TrainConfig } from '../../server/src/core/train';
import { analyzeText } from '../helpers';
import { Progress } from '../../server/src/cli/progress';
import { runNn } from '../nn-cli';
import { Program } from '../../server/src/core/program';
import { Analysis } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';

type LayersEvent = Extract<TrainEvent, { type: 'layers' }>;
type WarningEvent = Extract<TrainEvent, { type: 'warning' }>;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Two classes in the plane: inside a circle of radius 0.3, or a ring from 0.9 to 1.2. */
function rings(n: number, seed: number): LoadedData {
  const r = lcg(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = r() * 2 * Math.PI;
    const rad = i % 2 ? 0.9 + 0.3 * r() : 0.3 * r();
    x[2 * i] = rad * Math.cos(a);
    x[2 * i + 1] = rad * Math.sin(a);
    y[i] = i % 2;
  }
  return { name: 'rings', featureShape: [2], task: 'classification', classes: 2, oneHot: false, image: false, train: { x, y, n }, source: 'test' };
}

const MODELS = `
model Tiny {
  input [2]
  dense(3, activation: relu)
  dense(1)
}
model Deep {
  input [2]
  dense(16, activation: sigmoid)
  dense(16, activation: sigmoid)
  dense(16, activation: sigmoid)
  dense(16, activation: sigmoid)
  dense(16, activation: sigmoid)
  dense(16, activation: sigmoid)
  dense(2)
}
model Relu {
  input [2]
  dense(32, activation: relu)
  dense(32, activation: relu)
  dense(2)
}
model Tanh {
  input [2]
  dense(32)
  tanh()
  dense(2)
}
model Sig {
  input [2]
  dense(16, activation: sigmoid)
  dense(2)
}
`;

function config(body: string, name = 't'): TrainConfig {
  const r = analyzeText(`${MODELS}\ntrain ${name} {\n${body}\n}\n`);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return r.trains.find((t) => t.name === name)!;
}

describe('layer statistics (layer_stats)', function () {
  this.timeout(120_000);
  let root: string;
  const backend = { name: 'cpu' as const, note: 'test' };
  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-inside-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  let runs = 0;
  async function run(cfg: TrainConfig, data: LoadedData, epochs?: number) {
    const events: TrainEvent[] = [];
    const runDir = path.join(root, `run-${++runs}`);
    const result = await train(cfg, data, { emit: (e) => events.push(e), runDir, backend, epochs });
    result.model?.dispose();
    return { result, events, runDir, layers: events.filter((e): e is LayersEvent => e.type === 'layers'), warnings: events.filter((e): e is WarningEvent => e.type === 'warning') };
  }

  it('measures a step and the activations as computed by hand on a tiny network', async () => {
    // four samples, one batch, plain SGD: one step, measured, then the probe (the same four samples)
    const x = [0.5, -1, 1.5, 0.25, -0.75, 2, 1, 1];
    const y = [1, -0.5, 2, 0.25];
    const data: LoadedData = { name: 'four', featureShape: [2], task: 'regression', targetDims: 1, oneHot: false, image: false, train: { x: new Float32Array(x), y: new Float32Array(y), n: 4 }, source: 'test' };
    const cfg = config('model: Tiny\n  data: linear(n: 4, features: 2)\n  loss: mse\n  optimizer: sgd(lr: 0.1)\n  epochs: 1\n  batch_size: 4\n  shuffle: false\n  seed: 7\n  layer_stats: true');
    // the starting weights: the trainer compiles the model with the run's seed, as here
    const start = compileModel(describeModel(cfg.model!), { seed: 7 }).model;
    const [W1, b1, W2, b2] = start.getWeights().map((t) => Array.from(t.dataSync()));
    start.dispose();

    // forward, loss (mean of squares), backward, by hand in float64
    const forward = (w1: number[], c1: number[], w2: number[], c2: number[]) => {
      const pre: number[][] = [];
      const h: number[][] = [];
      const p: number[] = [];
      for (let i = 0; i < 4; i++) {
        pre.push([0, 1, 2].map((u) => x[2 * i] * w1[u] + x[2 * i + 1] * w1[3 + u] + c1[u]));
        h.push(pre[i].map((v) => Math.max(0, v)));
        p.push(h[i].reduce((s, v, u) => s + v * w2[u], c2[0]));
      }
      return { pre, h, p };
    };
    const f = forward(W1, b1, W2, b2);
    const dp = f.p.map((p, i) => (2 * (p - y[i])) / 4);
    const gW2 = [0, 1, 2].map((u) => f.h.reduce((s, h, i) => s + h[u] * dp[i], 0));
    const gb2 = [dp.reduce((a, b) => a + b, 0)];
    const dh = f.pre.map((pre, i) => pre.map((v, u) => (v > 0 ? dp[i] * W2[u] : 0)));
    const gW1 = [0, 1].flatMap((k) => [0, 1, 2].map((u) => dh.reduce((s, d, i) => s + x[2 * i + k] * d[u], 0)));
    const gb1 = [0, 1, 2].map((u) => dh.reduce((s, d) => s + d[u], 0));
    const norm = (...vs: number[][]) => Math.sqrt(vs.flat().reduce((s, v) => s + v * v, 0));
    const step = (w: number[], g: number[]) => w.map((v, i) => v - 0.1 * g[i]);
    const after = forward(step(W1, gW1), step(b1, gb1), step(W2, gW2), step(b2, gb2));

    const { layers, runDir } = await run(cfg, data);
    assert.equal(layers.length, 1);
    const e = layers[0];
    assert.deepEqual([e.epoch, e.batch, e.batches, e.probe], [1, 1, 1, 4]);
    assert.deepEqual(e.layers.map((l) => [l.name, l.kind, l.activation]), [['dense', 'dense', 'relu'], ['dense_1', 'dense', undefined]]);
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a}, by hand ${b}`);
    const [l1, l2] = e.layers;
    close(l1.weights!.norm, norm(W1, b1), 'weight norm 1');
    close(l1.weights!.gradNorm, norm(gW1, gb1), 'gradient norm 1');
    close(l1.weights!.updateRatio, (0.1 * norm(gW1, gb1)) / norm(W1, b1), 'update ratio 1');
    close(l2.weights!.norm, norm(W2, b2), 'weight norm 2');
    close(l2.weights!.gradNorm, norm(gW2, gb2), 'gradient norm 2');
    close(l2.weights!.updateRatio, (0.1 * norm(gW2, gb2)) / norm(W2, b2), 'update ratio 2');
    assert.equal(l1.weights!.count, 9);
    assert.equal(l2.weights!.count, 4);
    // the weight histogram: of the weights before the step, all of them in 20 bins
    const w1 = [...W1, ...b1];
    assert.equal(l1.weights!.histogram.min, Math.fround(Math.min(...w1)));
    assert.equal(l1.weights!.histogram.max, Math.fround(Math.max(...w1)));
    assert.equal(l1.weights!.histogram.counts.length, 20);
    assert.equal(l1.weights!.histogram.counts.reduce((a, b) => a + b, 0), 9);
    // activations after the step, on the probe
    const hs = after.h.flat();
    const mean = hs.reduce((a, b) => a + b, 0) / hs.length;
    close(l1.activations.mean, mean, 'activation mean');
    close(l1.activations.std, Math.sqrt(hs.reduce((s, v) => s + (v - mean) ** 2, 0) / hs.length), 'activation spread');
    const dead = [0, 1, 2].filter((u) => after.h.every((h) => h[u] === 0)).length;
    assert.equal(l1.activations.dead, dead / 3);
    assert.equal(l1.activations.units, 3);
    assert.equal(l1.activations.saturated, undefined);
    assert.equal(l2.activations.dead, undefined);
    close(l2.activations.mean, after.p.reduce((a, b) => a + b, 0) / 4, 'output mean');
    // written to metrics.jsonl, and read back by the one validator
    const logged = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => parseEvent(l));
    assert.deepEqual(logged.filter((l) => l?.type === 'layers'), [e]);
  });

  it('counts histograms, dead and saturated units as defined', () => {
    assert.deepEqual(histogram([0, 1, 2, 3], 4), { min: 0, max: 3, counts: [1, 1, 1, 1] });
    assert.deepEqual(histogram([5, 5], 3), { min: 5, max: 5, counts: [2, 0, 0] });
    assert.deepEqual(histogram([1, NaN, 2], 2), { min: 1, max: 2, counts: [1, 1] });
    // two samples, three units: unit 1 is zero on both
    const relu = activationStats([0, 0, 1, 2, 0, 0], 3, 'relu');
    assert.equal(relu.dead, 1 / 3);
    assert.equal(relu.mean, 0.5);
    // within 0.01 of 0 or 1
    assert.equal(activationStats([0.005, 0.5, 0.995, 0.98], 2, 'sigmoid').saturated, 0.5);
    assert.equal(activationStats([-0.999, 0.5, 0.2, 0.991], 2, 'tanh').saturated, 0.5);
    assert.equal(activationStats([-0.999, 0.5], 2, 'leaky_relu').saturated, undefined);
  });

  it('checks the layers and warning events', () => {
    const hist = { min: -1, max: 1, counts: [1, 2] };
    const layer: LayerStats = { name: 'dense', kind: 'dense', activation: 'relu', weights: { norm: 1, gradNorm: NaN, updateRatio: 0.01, count: 3, histogram: hist }, activations: { mean: 0, std: 1, units: 3, dead: 0.5, histogram: hist } };
    const ev = { type: 'layers', epoch: 2, batch: 3, batches: 3, probe: 4, layers: [layer] };
    // NaN goes out as null and comes back as NaN
    assert.deepEqual(parseEvent(JSON.stringify(ev)), ev);
    const bad = (patch: (v: typeof ev & Record<string, unknown>) => void) => {
      const v = JSON.parse(JSON.stringify(ev));
      patch(v);
      return checkEvent(v);
    };
    assert.equal(bad((v) => (v.batch = 4)), undefined, 'batch past the epoch');
    assert.equal(bad((v) => ((v as Record<string, unknown>).ms = -1)), undefined, 'a negative time');
    assert.equal(bad((v) => (v.layers[0].activations.dead = 1.5)), undefined, 'a share above 1');
    assert.equal(bad((v) => (v.layers[0].activations.histogram.counts = [1.5])), undefined, 'a fractional count');
    assert.equal(bad((v) => (v.layers[0].weights!.histogram = { min: 2, max: 1, counts: [1] })), undefined, 'max below min');
    assert.equal(bad((v) => delete (v.layers[0] as Partial<LayerStats>).activations), undefined, 'no activations');
    assert.equal(bad((v) => ((v.layers[0].weights as unknown as Record<string, unknown>).count = 0)), undefined, 'no weights counted');
    const w = { type: 'warning', code: 'NN432', epoch: 1, layer: 'dense', message: 'm', id: 'deadReluUnits', args: { layer: 'dense', dead: 2, units: 3, activation: 'relu' } };
    assert.deepEqual(parseEvent(JSON.stringify(w)), w);
    assert.equal(checkEvent({ ...w, code: 'dead' }), undefined);
    assert.equal(checkEvent({ ...w, args: { layer: { x: 1 } } }), undefined);
    assert.equal(checkEvent({ ...w, epoch: -1 }), undefined);
  });

  it('writes nothing and measures nothing when off', async () => {
    const cfg = config('model: Relu\n  data: circle(n: 100)\n  loss: cross_entropy\n  epochs: 2\n  seed: 1');
    assert.equal(cfg.layerStats, false);
    const { layers, warnings } = await run(cfg, rings(100, 1));
    assert.deepEqual([layers.length, warnings.length], [0, 0]);
  });

  it('measures every N batches when given a number', async () => {
    // 100 samples in batches of 32: 4 batches an epoch, 8 in two; every 3rd: batches 3, 6 (epoch 2, batch 2)
    const cfg = config('model: Relu\n  data: circle(n: 100)\n  loss: cross_entropy\n  epochs: 2\n  seed: 1\n  layer_stats: 3');
    const { layers, events } = await run(cfg, rings(100, 1));
    assert.deepEqual(layers.map((l) => [l.epoch, l.batch]), [[1, 3], [2, 2]]);
    // measuring leaks no tensors: the live count after each epoch stays flat
    const tensors = events.flatMap((e) => (e.type === 'epoch' ? [e.tensors] : []));
    assert.equal(new Set(tensors).size, 1, `${tensors}`);
  });

  it('nn train --layer-stats sets it for one run: every N batches, once an epoch, or off', async () => {
    const file = path.join(root, 'cli.nn');
    fs.writeFileSync(file, `${MODELS}\ntrain t { model: Relu  data: circle(n: 96)  loss: cross_entropy  epochs: 2  batch_size: 32  seed: 1  layer_stats: true }\n`);
    const count = async (...flag: string[]) => {
      const r = await runNn(['train', file, '--json', '--backend', 'cpu', '--runs', path.join(root, 'cli-runs'), ...flag]);
      assert.equal(r.code, 0, r.err.join('\n'));
      return r.out.map((l) => parseEvent(l)).filter((e) => e?.type === 'layers').length;
    };
    // three batches an epoch: the block's setting (epoch), every 2nd of 6, none
    assert.equal(await count(), 2);
    assert.equal(await count('--layer-stats', '2'), 3);
    assert.equal(await count('--layer-stats', 'off'), 0);
    const bad = await runNn(['train', file, '--layer-stats', 'often']);
    assert.equal(bad.code, 2);
    assert.match(bad.err.join('\n'), /--layer-stats needs epoch, off or a whole number of batches/);
  });

  it('warns of vanishing gradients in a deep sigmoid stack', async () => {
    const { warnings, layers } = await run(config('model: Deep\n  data: circle(n: 200)\n  loss: cross_entropy\n  epochs: 2\n  seed: 1\n  layer_stats: true'), rings(200, 1));
    assert.deepEqual(warnings.map((w) => [w.code, w.layer, w.epoch]), [['NN430', 'dense', 1]]);
    const g = layers[0].layers.filter((l) => l.weights).map((l) => l.weights!.gradNorm);
    assert.ok(g[0] < 1e-3 * g[g.length - 1], `${g}`);
    assert.match(warnings[0].message, /orders of magnitude smaller than those of the last layer 'dense_6'.*relu or leaky_relu/);
    // the terminal says it with its code; the statistics themselves are for the chart
    const lines: string[] = [];
    const progress = new Progress({ line: (l) => lines.push(l) });
    for (const e of [layers[0], warnings[0]]) progress.event(e);
    assert.deepEqual(lines, [`warning NN430 (epoch 1): ${warnings[0].message}`]);
  });

  it('warns of exploding gradients at a large learning rate without clipping', async () => {
    const { warnings } = await run(config('model: Relu\n  data: circle(n: 200)\n  loss: cross_entropy\n  optimizer: sgd(lr: 20)\n  epochs: 1\n  seed: 1\n  layer_stats: 2'), rings(200, 1));
    const exploding = warnings.filter((w) => w.code === 'NN431');
    assert.ok(exploding.length >= 1, JSON.stringify(warnings));
    assert.match(exploding[0].message, /exploding.*lower the learning rate, add clip_norm/);
    // each problem once per layer
    assert.equal(new Set(warnings.map((w) => `${w.code}:${w.layer}`)).size, warnings.length);
  });

  it('warns of dead ReLU units after a strongly negative bias, and of saturated sigmoid units, but not of healthy ones', () => {
    const model = (src: string) => {
      const r = analyzeText(`model M {\n  input [2]\n${src}\n}\n`);
      const desc = describeModel(r.models.find((m) => m.name === 'M')!);
      return { desc, model: compileModel(desc, { seed: 3 }).model };
    };
    const x = rings(64, 2).train.x;
    const check = (src: string, change: (ws: tf.Tensor[]) => tf.Tensor[]) => {
      const { desc, model: m } = model(src);
      m.setWeights(change(m.getWeights()));
      const probe = new LayerProbe(m, desc, x, 64, [2]);
      const ev = probe.event([], { epoch: 1, batch: 1, batches: 1 });
      const warnings = new LayerWarnings().check(ev);
      m.dispose();
      return { ev, warnings };
    };
    const dead = check('  dense(16, activation: relu)\n  dense(2)', ([k, b, ...rest]) => [k, tf.fill(b.shape, -10), ...rest]);
    assert.equal(dead.ev.layers[0].activations.dead, 1);
    assert.deepEqual(dead.warnings.map((w) => [w.code, w.layer, w.args.dead, w.args.units]), [['NN432', 'dense', 16, 16]]);
    assert.match(dead.warnings[0].message, /^16 of the 16 units of 'dense' \(relu\) output zero.*leaky_relu, or a lower learning rate/);
    const saturated = check('  dense(16, activation: sigmoid)\n  dense(2)', ([k, ...rest]) => [k.mul(100), ...rest]);
    assert.ok(saturated.ev.layers[0].activations.saturated! > 0.5);
    assert.deepEqual(saturated.warnings.map((w) => [w.code, w.layer]), [['NN433', 'dense']]);
    assert.match(saturated.warnings[0].message, /'dense' \(sigmoid\).*use relu, add batch_norm/);
    // the same networks as they start: nothing wrong
    assert.deepEqual(check('  dense(16, activation: relu)\n  dense(2)', (ws) => ws).warnings, []);
    assert.deepEqual(check('  dense(16, activation: sigmoid)\n  dense(2)', (ws) => ws).warnings, []);
  });

  it('reads the probe batch\'s activations out of tf.tidy without tidy walking them (it walks a returned typed array value by value)', () => {
    const r = analyzeText('model M {\n  input [2]\n  dense(512, activation: relu)\n  dense(512, activation: tanh)\n  dense(2)\n}\n');
    const desc = describeModel(r.models.find((m) => m.name === 'M')!);
    const m = compileModel(desc, { seed: 3 }).model;
    const probe = new LayerProbe(m, desc, rings(128, 2).train.x, 128, [2]);
    // 2 x 128 x 512 activations: walked, each would go into tidy's Set of things seen
    const add = Set.prototype.add;
    let adds = 0;
    Set.prototype.add = function (this: Set<unknown>, v: unknown) {
      adds++;
      return add.call(this, v);
    };
    try {
      probe.event([], { epoch: 1, batch: 1, batches: 1 });
    } finally {
      Set.prototype.add = add;
      m.dispose();
    }
    assert.ok(adds < 5_000, `${adds} Set entries for one measurement`);
  });

  it('says nothing on healthy networks', async () => {
    for (const m of ['Relu', 'Tanh', 'Sig']) {
      const { warnings, layers } = await run(config(`model: ${m}\n  data: circle(n: 200)\n  loss: cross_entropy\n  optimizer: adam(lr: 0.01)\n  epochs: 6\n  seed: 1\n  layer_stats: true`), rings(200, 1));
      assert.equal(layers.length, 6, m);
      assert.deepEqual(warnings.map((w) => w.message), [], m);
    }
  });

  it('says nothing on the healthy networks of samples/activations.nn, and shows the vanishing gradient of its deep sigmoid stack', async () => {
    const file = path.resolve(__dirname, '../../samples/activations.nn');
    const program = new Program(new NodeHost());
    program.loadWithImports(file);
    const analysis = new Analysis(program).analyzeFile(file);
    const byName = new Map(analysis.trains.map((t) => [t.name, t]));
    for (const name of ['relu_net', 'tanh_net', 'leaky_net', 'sigmoid_net', 'deep_sigmoid_net']) {
      const cfg = byName.get(name);
      assert.ok(cfg, name);
      assert.notEqual(cfg.layerStats, false, `${name} has layer_stats`);
      const data = await loadData(cfg.data!, {});
      const { warnings } = await run(cfg, data, 3);
      const codes = warnings.map((w) => w.code);
      if (name === 'deep_sigmoid_net') assert.ok(codes.includes('NN430'), `${name}: ${JSON.stringify(warnings)}`);
      else assert.deepEqual(warnings.map((w) => w.message), [], name);
    }
  });

  it('renders every warning in both languages', () => {
    const ev: LayersEvent = {
      type: 'layers',
      epoch: 1,
      batch: 1,
      batches: 1,
      probe: 8,
      layers: [
        { name: 'a', kind: 'dense', activation: 'sigmoid', weights: { norm: 1, gradNorm: 1e-7, updateRatio: 2, count: 4, histogram: { min: 0, max: 0, counts: [4] } }, activations: { mean: 0, std: 0, units: 2, saturated: 0.9, histogram: { min: 0, max: 0, counts: [4] } } },
        { name: 'b', kind: 'dense', activation: 'relu', weights: { norm: 1, gradNorm: 0.1, updateRatio: 0, count: 4, histogram: { min: 0, max: 0, counts: [4] } }, activations: { mean: 0, std: 0, units: 4, dead: 0.75, histogram: { min: 0, max: 0, counts: [4] } } },
        { name: 'c', kind: 'dense', weights: { norm: 1, gradNorm: 0.5, updateRatio: 0, count: 4, histogram: { min: 0, max: 0, counts: [4] } }, activations: { mean: 0, std: 0, units: 1, histogram: { min: 0, max: 0, counts: [4] } } },
      ],
    };
    const warnings = new LayerWarnings().check(ev);
    assert.deepEqual(warnings.map((w) => w.code).sort(), ['NN430', 'NN431', 'NN432', 'NN433']);
    for (const w of warnings) {
      assert.equal(render({ id: w.id as MessageId, args: w.args }, 'en'), w.message);
      assert.match(render({ id: w.id as MessageId, args: w.args }, 'zh-cn'), /[\u4e00-\u9fff]/);
      assert.ok(checkEvent(JSON.parse(JSON.stringify(w))), w.code);
    }
    assert.match(warnings.find((w) => w.code === 'NN432')!.message, /^3 of the 4 units of 'b'/);
    // a gradient that stopped being a number is told as such, once
    const broken = new LayerWarnings();
    const nan = { ...ev, layers: [{ ...ev.layers[2], weights: { ...ev.layers[2].weights!, gradNorm: NaN } }] };
    const said = broken.check(nan);
    assert.deepEqual(said.map((w) => [w.code, w.args.why]), [['NN431', 'not_finite']]);
    assert.match(said[0].message, /its gradient norm is not a finite number/);
    assert.deepEqual(broken.check(nan), []);
  });
});
