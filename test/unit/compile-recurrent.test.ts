// lstm and gru compute what docs/reference.md says, as Keras and PyTorch do: their gates use the
// sigmoid (tfjs' layers default to the hard sigmoid); gru(reset_after: true), which tfjs' GRUCell
// refuses, is Keras 3's GRU. One step from a zero state, checked against
// the formulas computed here from the compiled layer's own weights.

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { analyzeText } from '../helpers';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function compiled(layer: string): tf.LayersModel {
  const r = analyzeText(`model M {\n  input [1, 3]\n  ${layer}\n}\n`);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return compileModel(describeModel(r.models[0]), { seed: 7 }).model;
}

/** Gate pre-activations x·W + b for one step from a zero state, by block of `units`. */
function gates(model: tf.LayersModel, x: number[], blocks: number, units: number): number[][] {
  const [kernel, , bias] = model.layers[model.layers.length - 1].getWeights().map((w) => w.arraySync() as number[][] | number[]);
  return Array.from({ length: blocks }, (_, g) =>
    Array.from({ length: units }, (_, u) => x.reduce((s, xi, i) => s + xi * (kernel as number[][])[i][g * units + u], 0) + (bias as number[])[g * units + u]),
  );
}

function close(actual: number[], expected: number[], what: string): void {
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < 1e-5, `${what}[${i}]: ${a}, expected ${expected[i]}`));
}

describe('compile: recurrent layers', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  // large inputs: the hard sigmoid saturates at ±2.5 where the sigmoid does not
  const x = [2.5, -3, 4];

  it('lstm: i, f, o = σ(...), c = i·tanh(...), h = o·tanh(c)', () => {
    const model = compiled('lstm(2)');
    try {
      const [i, , g, o] = gates(model, x, 4, 2);
      const expected = i.map((_, u) => sigmoid(o[u]) * Math.tanh(sigmoid(i[u]) * Math.tanh(g[u])));
      close(Array.from((model.predict(tf.tensor3d([[x]])) as tf.Tensor).dataSync()), expected, 'h');
    } finally {
      model.dispose();
    }
  });

  it('gru: z = σ(...), h = (1 - z)·tanh(...) from a zero state', () => {
    const model = compiled('gru(2)');
    try {
      const [z, , hh] = gates(model, x, 3, 2);
      const expected = z.map((_, u) => (1 - sigmoid(z[u])) * Math.tanh(hh[u]));
      close(Array.from((model.predict(tf.tensor3d([[x]])) as tf.Tensor).dataSync()), expected, 'h');
    } finally {
      model.dispose();
    }
  });

  it('gru(reset_after: true): Keras 3 and PyTorch\'s formula over two steps, two biases, and it loads back from its config', async () => {
    const r = analyzeText(`model M {\n  input [2, 3]\n  gru(2, reset_after: true, return_sequences: true)\n}\n`);
    assert.deepEqual(r.diagnostics.map((d) => d.message), []);
    assert.equal(r.models[0].nodes[1].trainable, 3 * 2 * (3 + 2 + 2), '3·units·(features + units + 2)');
    const model = compileModel(describeModel(r.models[0]), { seed: 7 }).model;
    try {
      const layer = model.layers[1];
      assert.deepEqual(layer.getWeights().map((w) => w.shape), [[3, 6], [2, 6], [2, 6]]);
      // every weight nonzero, so a bias or reset gate in the wrong place shows
      const values = layer.getWeights().map((w, k) => tf.tensor(Array.from({ length: w.size }, (_, i) => Math.sin(1 + i * 1.7 + k * 0.3)), w.shape));
      layer.setWeights(values);
      const [W, U, B] = values.map((v) => v.arraySync() as number[][]);
      const xs = [x, [-1, 0.5, 2]];
      const u = 2;
      const dot = (v: number[], m: number[][], col: number) => v.reduce((s, vi, i) => s + vi * m[i][col], 0);
      let h = [0, 0];
      const expected: number[] = [];
      for (const xt of xs) {
        const pre = (gate: number, j: number) => ({ x: dot(xt, W, gate * u + j) + B[0][gate * u + j], h: dot(h, U, gate * u + j) + B[1][gate * u + j] });
        h = h.map((hj, j) => {
          const z = sigmoid(pre(0, j).x + pre(0, j).h);
          const rr = sigmoid(pre(1, j).x + pre(1, j).h);
          const candidate = Math.tanh(pre(2, j).x + rr * pre(2, j).h);
          return z * hj + (1 - z) * candidate;
        });
        expected.push(...h);
      }
      close(Array.from((model.predict(tf.tensor3d([xs])) as tf.Tensor).dataSync()), expected, 'h');
      const loaded = await tf.models.modelFromJSON(model.toJSON(undefined, false) as Parameters<typeof tf.models.modelFromJSON>[0]);
      loaded.layers[1].setWeights(values);
      close(Array.from((loaded.predict(tf.tensor3d([xs])) as tf.Tensor).dataSync()), expected, 'h after loading');
      loaded.dispose();
    } finally {
      model.dispose();
    }
  });
});
