// Generated datasets: what loadData gives equals what the checker promised (describe() in
// catalog/datasets.ts), the same seed gives the same data, and each generator follows its formula.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATASETS } from '../../server/src/core/catalog/datasets';
import { loadData } from '../../server/src/data/load';
import { generate, SYNTHETIC_NAMES } from '../../server/src/data/synthetic';
import type { LoadedData } from '../../server/src/data/types';
import { Rng } from '../../server/src/data/random';
import { checkDatasets, datasetRef } from '../data-helpers';
import { analyzeText } from '../helpers';

const CASES = [
  'circle()',
  'circle(n: 50, test: 0.3, one_hot: true)',
  'circle(n: 7, test: 0, limit: 3)',
  'xor()',
  'xor(n: 1001, noise: 0.5, seed: 9)',
  'xor(n: 10, test: 0.1, limit: 4, one_hot: true)',
  'gauss()',
  'gauss(n: 4)',
  'gauss(n: 333, test: 0.5, limit: 1000)',
  'spiral()',
  'spiral(n: 1000, classes: 7, limit: 100)',
  'spiral(n: 33, classes: 10, test: 0.5)',
  'linear()',
  'linear(n: 64, features: 17)',
  'linear(n: 5, features: 1, test: 0.4)',
  'linear(w: [2, -1, 0.5], b: 1)',
  'polynomial()',
  'polynomial(n: 40, degree: 10)',
  'polynomial(degree: 1, limit: 9)',
  'polynomial(coefficients: [1, 0, -2])',
  'sine()',
  'sine(n: 30, length: 2)',
  'sine(length: 50, limit: 5)',
  'waveforms()',
  'waveforms(n: 12, length: 4)',
  'waveforms(n: 300, length: 100, test: 0.1, seed: 4)',
  'majority()',
  'majority(n: 20, length: 2, vocab: 2)',
  'majority(n: 100, length: 9, vocab: 1000, limit: 10)',
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

describe('generated datasets', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-synth-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const load = async (call: string): Promise<LoadedData> => loadData(datasetRef(dir, `dataset d = ${call}\n`), {});

  it('covers every synthetic dataset of the catalogue', () => {
    const synthetic = DATASETS.filter((d) => d.source === 'synthetic').map((d) => d.name);
    assert.deepEqual([...SYNTHETIC_NAMES].sort(), [...synthetic].sort());
    for (const name of synthetic) assert.ok(CASES.filter((c) => c.startsWith(`${name}(`)).length >= 3, `${name} needs several argument sets`);
  });

  for (const call of CASES) {
    it(`${call} gives what the checker promised`, async () => {
      const ref = datasetRef(dir, `dataset d = ${call}\n`);
      const info = ref.info;
      const data = await loadData(ref, {});
      assert.deepEqual(data.featureShape, info.features);
      assert.equal(data.train.n, info.train);
      assert.equal(data.test?.n ?? 0, info.test);
      assert.equal(data.image, info.image);
      assert.equal(data.name, 'd');
      assert.match(data.source, /^generated \(seed \d+\)$/);
      const f = size(data.featureShape);
      for (const s of [data.train, ...(data.test ? [data.test] : [])]) {
        assert.equal(s.x.length, s.n * f);
        assert.ok(s.x.every(Number.isFinite));
        if (info.featureType === 'int') assert.ok(s.x.every((v) => Number.isInteger(v) && v >= 0));
      }
      if (info.target!.kind === 'classes') {
        assert.equal(data.task, 'classification');
        assert.equal(data.classes, info.target!.count);
        assert.equal(data.oneHot, /one_hot: true/.test(call));
        for (const s of [data.train, ...(data.test ? [data.test] : [])]) {
          assert.ok(s.y instanceof Int32Array);
          assert.equal(s.y.length, s.n);
          assert.ok(s.y.every((c) => c >= 0 && c < data.classes!));
        }
      } else {
        assert.equal(data.task, 'regression');
        assert.equal(data.targetDims, info.target!.dims);
        assert.ok(data.train.y instanceof Float32Array);
        assert.equal(data.train.y.length, data.train.n * data.targetDims!);
      }
    });
  }

  it('gives the same data for the same seed and other data for another seed', async () => {
    for (const name of SYNTHETIC_NAMES) {
      const a = await load(`${name}(n: 40, seed: 3)`);
      const b = await load(`${name}(n: 40, seed: 3)`);
      const c = await load(`${name}(n: 40, seed: 4)`);
      assert.deepEqual(a.train.x, b.train.x, name);
      assert.deepEqual(a.train.y, b.train.y, name);
      assert.deepEqual(a.test!.x, b.test!.x, name);
      assert.notDeepEqual(a.train.x, c.train.x, name);
    }
  });

  it('keeps the samples of the test split out of the training split, and limit out of both', async () => {
    const all = generate('gauss', { n: 100, noise: 0.1, seed: 2 });
    const d = await load('gauss(n: 100, seed: 2, test: 0.25, limit: 30)');
    const key = (x: Float32Array, i: number) => `${x[2 * i]},${x[2 * i + 1]}`;
    const allKeys = new Set(Array.from({ length: 100 }, (_, i) => key(all.x, i)));
    const train = new Set(Array.from({ length: d.train.n }, (_, i) => key(d.train.x, i)));
    const test = new Set(Array.from({ length: d.test!.n }, (_, i) => key(d.test!.x, i)));
    assert.equal(train.size, 30);
    assert.equal(test.size, 25);
    for (const k of [...train, ...test]) assert.ok(allKeys.has(k));
    for (const k of train) assert.ok(!test.has(k));
    // the test split does not depend on limit
    const full = await load('gauss(n: 100, seed: 2, test: 0.25)');
    assert.deepEqual(full.test!.x, d.test!.x);
    assert.deepEqual(full.train.x.subarray(0, 60), d.train.x);
  });

  it('balances the classes', () => {
    const counts = (y: Int32Array | Float32Array, k: number) => Array.from({ length: k }, (_, c) => y.filter((v) => v === c).length);
    assert.deepEqual(counts(generate('circle', { n: 1001, noise: 0.1, seed: 0 }).y, 2), [501, 500]);
    assert.deepEqual(counts(generate('spiral', { n: 20, noise: 0.1, classes: 3, seed: 0 }).y, 3), [7, 7, 6]);
    assert.deepEqual(counts(generate('waveforms', { n: 30, length: 8, noise: 0.1, seed: 0 }).y, 3), [10, 10, 10]);
  });

  // ---- the formulas, with noise 0 ----

  const points = (name: string, extra: Record<string, number> = {}) => {
    const g = generate(name, { n: 600, noise: 0, seed: 1, ...extra });
    return Array.from({ length: g.n }, (_, i) => ({ x: g.x[2 * i], y: g.x[2 * i + 1], c: g.y[i] }));
  };

  it('circle: a disc of radius 0.5 inside a ring from 0.7 to 1', () => {
    for (const p of points('circle')) {
      const r = Math.hypot(p.x, p.y);
      if (p.c === 0) assert.ok(r <= 0.5 + 1e-6, `r ${r}`);
      else assert.ok(r >= 0.7 - 1e-6 && r <= 1 + 1e-6, `r ${r}`);
    }
  });

  it('xor: class 0 where x·y > 0, class 1 where x·y < 0, 0.06 away from the axes', () => {
    for (const p of points('xor')) {
      assert.equal(p.x * p.y > 0 ? 0 : 1, p.c);
      assert.ok(Math.abs(p.x) >= 0.06 - 1e-6 && Math.abs(p.x) <= 1.06 + 1e-6);
      assert.ok(Math.abs(p.y) >= 0.06 - 1e-6 && Math.abs(p.y) <= 1.06 + 1e-6);
    }
  });

  it('gauss: blobs around (0.4, 0.4) and (-0.4, -0.4) with spread sqrt(0.15² + noise²)', () => {
    const g = generate('gauss', { n: 20000, noise: 0.2, seed: 5 });
    for (const [c, center] of [[0, 0.4], [1, -0.4]]) {
      const xs: number[] = [];
      for (let i = 0; i < g.n; i++) if (g.y[i] === c) xs.push(g.x[2 * i]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      assert.ok(Math.abs(mean - center) < 0.01, `mean ${mean}`);
      assert.ok(Math.abs(std - 0.25) < 0.01, `std ${std}`);
    }
  });

  it('spiral: arm c at angle 1.75·2π·r + 2πc/classes', () => {
    const classes = 4;
    for (const p of points('spiral', { classes })) {
      const r = Math.hypot(p.x, p.y);
      if (r < 1e-3) continue;
      const expected = 1.75 * 2 * Math.PI * r + (2 * Math.PI * p.c) / classes;
      const angle = Math.atan2(p.x, p.y); // x = r sin θ, y = r cos θ
      const diff = Math.abs(Math.atan2(Math.sin(angle - expected), Math.cos(angle - expected)));
      assert.ok(diff < 1e-3, `class ${p.c} at r ${r}: off by ${diff}`);
    }
  });

  it('linear: y = w·x + b exactly without noise, x in [-1, 1]', () => {
    const g = generate('linear', { n: 50, features: 1, noise: 0, seed: 3 });
    const slope = (g.y[1] - g.y[0]) / (g.x[1] - g.x[0]);
    const b = g.y[0] - slope * g.x[0];
    for (let i = 0; i < g.n; i++) {
      assert.ok(Math.abs(g.x[i]) <= 1);
      assert.ok(Math.abs(slope * g.x[i] + b - g.y[i]) < 1e-4);
    }
    // noise is added with the given standard deviation
    const clean = generate('linear', { n: 20000, features: 3, noise: 0, seed: 3 });
    const noisy = generate('linear', { n: 20000, features: 3, noise: 0.5, seed: 3 });
    assert.deepEqual(noisy.x, clean.x);
    const e = Array.from(noisy.y, (v, i) => v - clean.y[i]);
    const em = e.reduce((a, b) => a + b, 0) / e.length;
    const es = Math.sqrt(e.reduce((a, b) => a + (b - em) ** 2, 0) / e.length);
    assert.ok(Math.abs(em) < 0.02 && Math.abs(es - 0.5) < 0.02, `noise mean ${em}, std ${es}`);
  });

  it('linear: the w and b given are the truth, and the default line stands well above the noise', () => {
    const g = generate('linear', { n: 100, w: [2, -1, 0.5], b: 1, noise: 0, seed: 3 });
    assert.deepEqual(g.featureShape, [3]);
    for (let i = 0; i < g.n; i++) {
      const [x1, x2, x3] = g.x.subarray(i * 3, i * 3 + 3);
      assert.ok(Math.abs(2 * x1 - x2 + 0.5 * x3 + 1 - g.y[i]) < 1e-5);
    }
    // the default (noise 0.1): most of the variance is the line's, so a fitted line scores a high R²
    for (const seed of [0, 1, 2, 3, 4]) {
      const clean = generate('linear', { n: 2000, noise: 0, seed });
      const noisy = generate('linear', { n: 2000, noise: 0.1, seed });
      const y = Array.from(noisy.y);
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      const total = y.reduce((a, b) => a + (b - mean) ** 2, 0);
      const residual = y.reduce((a, b, i) => a + (b - clean.y[i]) ** 2, 0);
      assert.ok(1 - residual / total > 0.9, `seed ${seed}: best R² ${1 - residual / total}`);
    }
  });

  it('polynomial: the coefficients given (lowest power first) are the truth', () => {
    const g = generate('polynomial', { n: 50, coefficients: [1, 0, -2], noise: 0, seed: 2 });
    for (let i = 0; i < g.n; i++) assert.ok(Math.abs(1 - 2 * g.x[i] ** 2 - g.y[i]) < 1e-5);
  });

  it('says when w or coefficients disagree with features or degree (NN416, at the call)', () => {
    for (const [call, words] of [
      ['linear(w: [1, 2], features: 3)', /w has 2 values but features is 3/],
      ['polynomial(coefficients: [1, 2, 3], degree: 3)', /coefficients has 3 values but degree 3 needs 4/],
      ['polynomial(coefficients: [1])', /at least 2 values/],
    ] as const) {
      const r = analyzeText(`dataset d = ${call}\n`);
      const errs = r.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errs.map((d) => d.code), ['NN416'], call);
      assert.match(errs[0].message, words);
    }
  });

  it('polynomial: degree d through any d + 1 of its points, x in [-1, 1]', () => {
    const d = 3;
    const g = generate('polynomial', { n: 40, degree: d, noise: 0, seed: 8 });
    const xs = Array.from(g.x.subarray(0, d + 1));
    const ys = Array.from(g.y.subarray(0, d + 1));
    const lagrange = (x: number) => xs.reduce((s, xi, i) => s + ys[i] * xs.reduce((p, xj, j) => (j === i ? p : (p * (x - xj)) / (xi - xj)), 1), 0);
    for (let i = d + 1; i < g.n; i++) {
      assert.ok(Math.abs(g.x[i]) <= 1);
      assert.ok(Math.abs(lagrange(g.x[i]) - g.y[i]) < 1e-3, `point ${i}`);
    }
    // and not of a lower degree: d points do not predict the rest
    const lower = (x: number) => xs.slice(0, d).reduce((s, xi, i) => s + ys[i] * xs.slice(0, d).reduce((p, xj, j) => (j === i ? p : (p * (x - xj)) / (xi - xj)), 1), 0);
    assert.ok(Math.abs(lower(g.x[d]) - g.y[d]) > 1e-3);
  });

  it('sine: the target is the next value of the same sine wave', () => {
    const len = 12;
    const g = generate('sine', { n: 200, length: len, noise: 0, seed: 6 });
    let checked = 0;
    for (let i = 0; i < g.n; i++) {
      const s = Array.from(g.x.subarray(i * len, (i + 1) * len));
      // s[t+1] = 2 cos(ω) s[t] - s[t-1] for a pure sine; ω from a step where s[t] is not small
      const t = s.findIndex((v, k) => k > 0 && k < len - 1 && Math.abs(v) > 0.5);
      if (t < 0) continue;
      const c2 = (s[t + 1] + s[t - 1]) / s[t];
      assert.ok(c2 >= 2 * Math.cos(0.5) - 1e-3 && c2 <= 2 * Math.cos(0.1) + 1e-3, `ω out of range: ${c2}`);
      assert.ok(Math.abs(c2 * s[len - 1] - s[len - 2] - g.y[i]) < 1e-3, `sample ${i}`);
      checked++;
    }
    assert.ok(checked > 150);
  });

  it('waveforms: sine, square (±1) and triangle, in [-1, 1]', () => {
    const len = 64;
    const g = generate('waveforms', { n: 90, length: len, noise: 0, seed: 2 });
    for (let i = 0; i < g.n; i++) {
      const s = Array.from(g.x.subarray(i * len, (i + 1) * len));
      assert.ok(s.every((v) => Math.abs(v) <= 1 + 1e-6));
      const square = s.every((v) => Math.abs(Math.abs(v) - 1) < 1e-6);
      assert.equal(square, g.y[i] === 1, `sample ${i} class ${g.y[i]}`);
      // a triangle wave has a constant slope between its turns (at most 2 · 4 + 1 turns in 4 cycles,
      // each bending two second differences); a sine bends everywhere
      const kinks = s.slice(1, -1).filter((v, t) => Math.abs(s[t] - 2 * v + s[t + 2]) > 1e-4).length;
      if (g.y[i] === 2) assert.ok(kinks <= 18, `triangle ${i} has ${kinks} kinks`);
      if (g.y[i] === 0) assert.ok(kinks > 40, `sine ${i} has ${kinks} kinks`);
    }
  });

  it('majority: the label is the most frequent token, ties to the smallest id', () => {
    const len = 6;
    const g = generate('majority', { n: 3000, length: len, vocab: 4, seed: 1 });
    let ties = 0;
    for (let i = 0; i < g.n; i++) {
      const counts = [0, 0, 0, 0];
      for (let t = 0; t < len; t++) counts[g.x[i * len + t]]++;
      const max = Math.max(...counts);
      if (counts.filter((c) => c === max).length > 1) ties++;
      assert.equal(g.y[i], counts.indexOf(max));
    }
    assert.ok(ties > 100, 'the test sees ties');
  });

  it('refuses arguments the checker could not know', () => {
    const { refs, errors } = checkDatasets(dir, 'dataset d = spiral(n: "many")\n');
    assert.ok(errors.length > 0);
    return assert.rejects(loadData(refs[0], {}), /spiral: argument 'n' is not known/);
  });

  it('refuses a file dataset whose required argument the checker could not know', () => {
    const { refs, errors } = checkDatasets(dir, 'dataset d = csv(label: "y")\n');
    assert.ok(errors.length > 0);
    return assert.rejects(loadData(refs[0], {}), /^Error: csv: argument 'path' is not known/);
  });

  it('refuses a test fraction that leaves nothing to train on', async () => {
    await assert.rejects(load('circle(n: 4, test: 0.9)'), /^DataError: d: test: 0.9 holds out all 4 samples; none are left to train on$/);
  });
});

describe('the random generator', () => {
  it('is uniform in [0, 1), normal N(0, 1) and repeatable', () => {
    const r = new Rng(42);
    const u = Array.from({ length: 100000 }, () => r.next());
    assert.ok(u.every((v) => v >= 0 && v < 1));
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01);
    const z = Array.from({ length: 100000 }, () => r.normal());
    const zm = z.reduce((a, b) => a + b, 0) / z.length;
    const zs = Math.sqrt(z.reduce((a, b) => a + (b - zm) ** 2, 0) / z.length);
    assert.ok(Math.abs(zm) < 0.02 && Math.abs(zs - 1) < 0.02, `${zm} ${zs}`);
    const a = new Rng(7);
    const b = new Rng(7);
    assert.deepEqual(Array.from({ length: 10 }, () => a.next()), Array.from({ length: 10 }, () => b.next()));
    assert.notEqual(new Rng(0).next(), new Rng(1).next());
  });

  it('permutes', () => {
    const p = new Rng(3).permutation(1000);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.notDeepEqual([...p], Array.from({ length: 1000 }, (_, i) => i));
  });
});
