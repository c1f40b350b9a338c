// nn weights: a linear regression on noiseless data learns the line the data was made from, and
// `nn weights` shows exactly those w and b (read back from best/ and last/), with the statistics
// of each layer, the share near zero under the stated threshold, and clear errors for bad input.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from '../../server/src/data/synthetic';
import { weightStats } from '../../server/src/cli/weights';
import { runNn } from '../nn-cli';

const NN = `model Line {
  input [2]
  dense(1)
}

model Wide {
  input [2]
  dense(16, activation: relu)
  dense(1)
}

train line {
  model: Line
  data: linear(n: 200, features: 2, noise: 0, seed: 5)
  loss: mse
  optimizer: adam(lr: 0.1)
  batch_size: 20
  epochs: 60
  seed: 1
}

train wide {
  model: Wide
  data: linear(n: 40, features: 2, noise: 0, seed: 5)
  loss: mse
  optimizer: sgd(lr: 0.01)
  epochs: 1
}
`;

describe('nn weights', function () {
  this.timeout(60_000);
  let tmp: string;
  let line: string;
  let wide: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-weights-'));
    const file = path.join(tmp, 'line.nn');
    fs.writeFileSync(file, NN);
    for (const t of ['line', 'wide']) {
      const r = await runNn(['train', file, '--train', t, '--runs', tmp, '--backend', 'cpu', '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
    }
    line = path.join(tmp, 'line', fs.readdirSync(path.join(tmp, 'line'))[0]);
    wide = path.join(tmp, 'wide', fs.readdirSync(path.join(tmp, 'wide'))[0]);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('shows the w and b a linear regression learned: those of the line the data came from', async () => {
    // the truth: noiseless y = w·x + b, solved from three samples of the same generated data
    const g = generate('linear', { n: 200, features: 2, noise: 0, seed: 5 });
    const [x, y] = [g.x, g.y as Float32Array];
    const row = (i: number) => [x[2 * i], x[2 * i + 1], 1, y[i]];
    const [a, b, c] = [row(0), row(1), row(2)];
    // Cramer's rule on [x1 x2 1] [w1 w2 b]' = y
    const det = (m: number[][]) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    const A = [a, b, c].map((r) => r.slice(0, 3));
    const D = det(A);
    const truth = [0, 1, 2].map((k) => det(A.map((r, i) => r.map((v, j) => (j === k ? [a, b, c][i][3] : v)))) / D);

    const r = await runNn(['weights', line, '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const out = JSON.parse(r.out[0]);
    assert.equal(out.threshold, 0.001);
    assert.equal(out.layers.length, 1);
    const [layer] = out.layers;
    assert.equal(layer.params, 3);
    const kernel = layer.weights.find((w: { name: string }) => w.name === 'kernel');
    const bias = layer.weights.find((w: { name: string }) => w.name === 'bias');
    assert.deepEqual(kernel.shape, [2, 1]);
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(kernel.values[k] - truth[k]) < 0.02, `w${k + 1} ${kernel.values[k]}, truth ${truth[k]}`);
    assert.ok(Math.abs(bias.values[0] - truth[2]) < 0.02, `b ${bias.values[0]}, truth ${truth[2]}`);
    assert.equal(kernel.min, Math.min(...kernel.values));
    assert.equal(kernel.max, Math.max(...kernel.values));

    const text = await runNn(['weights', line]);
    assert.equal(text.code, 0);
    assert.match(text.out[0], /^line: weights .*best \(epoch \d+\); near zero: \|w\| < 0\.001$/);
    assert.match(text.out[1], /^dense: 3 values$/);
    assert.match(text.out[2], /^ {2}kernel \[2, 1\] {2}mean -?[\d.]+ {2}std [\d.]+ {2}min -?[\d.]+ {2}max -?[\d.]+ {2}near zero 0\.0%$/);
    assert.match(text.out[3], /values -?[\d.]+, -?[\d.]+$/);
  });

  it('a larger layer: statistics without the values; --layer picks one, --last reads last/', async () => {
    const r = await runNn(['weights', wide, '--json', '--threshold', '0.5']);
    const out = JSON.parse(r.out[0]);
    assert.deepEqual(
      out.layers.map((l: { layer: string; params: number }) => [l.layer, l.params]),
      [
        ['dense', 48],
        ['dense_1', 17],
      ],
    );
    assert.equal(out.layers[0].weights[0].values, undefined, '48 values are not listed');
    assert.equal(out.layers[1].weights[0].values.length, 16, '17 values are');
    const one = await runNn(['weights', wide, '--layer', 'dense_1', '--last', '--json']);
    assert.equal(one.code, 0, one.err.join('\n'));
    const o = JSON.parse(one.out[0]);
    assert.match(o.weights, /last$/);
    assert.deepEqual(
      o.layers.map((l: { layer: string }) => l.layer),
      ['dense_1'],
    );
  });

  it('statistics: mean, population std, extremes and the share under the threshold', () => {
    const s = weightStats('kernel', [4], Float32Array.from([0, 0.5, -2, 2]), 0.75, true);
    assert.equal(s.mean, 0.5 / 4);
    assert.ok(Math.abs(s.std - Math.sqrt((s.mean ** 2 + (0.5 - s.mean) ** 2 + (2 + s.mean) ** 2 + (2 - s.mean) ** 2) / 4)) < 1e-9);
    assert.deepEqual([s.min, s.max, s.nearZero], [-2, 2, 0.5]);
    assert.equal(weightStats('b', [2], Float32Array.from([1, 2]), 0.001, false).values, undefined);
  });

  it('bad input: exit 2 for usage, 1 for what the run lacks', async () => {
    const missing = await runNn(['weights', path.join(tmp, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err[0], /is not a run folder \(not found\)/);
    const layer = await runNn(['weights', wide, '--layer', 'conv']);
    assert.equal(layer.code, 1);
    assert.match(layer.err[0], /has no layer 'conv' with weights; its layers with weights: dense, dense_1/);
    assert.equal((await runNn(['weights', wide, '--threshold', '-1'])).code, 2);
    assert.equal((await runNn(['weights'])).code, 2);
    const bare = path.join(tmp, 'bare');
    fs.mkdirSync(bare);
    fs.copyFileSync(path.join(line, 'config.json'), path.join(bare, 'config.json'));
    const none = await runNn(['weights', bare]);
    assert.equal(none.code, 1);
    assert.match(none.err[0], /has no saved weights/);
    const noLast = await runNn(['weights', bare, '--last']);
    assert.equal(noLast.code, 1);
    assert.match(noLast.err[0], /has no last\/ weights/);
  });
});
