// lstm and gru compute what docs/reference.md says, as Keras and PyTorch do: their gates use the
// sigmoid (tfjs' layers default to the hard sigmoid). One step from a zero state, checked against
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
});
