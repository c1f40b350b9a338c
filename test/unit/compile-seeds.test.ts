// The run's seed fixes every initial weight: recurrent kernels (orthogonal), attention and
// feed-forward projections, learned position tables and embeddings included, and no two weights
// of a model start alike.

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { analyzeText } from '../helpers';

const TEXT = `
model Everything {
  input [12]
  embedding(vocab: 50, dim: 8)
  positional_embedding(kind: learned)
  transformer_encoder(heads: 2, ff: 16)
  self_attention(heads: 2)
  lstm(6, return_sequences: true)
  gru(6, return_sequences: true)
  simple_rnn(6, return_sequences: true)
  bidirectional(lstm(4, return_sequences: true))
  conv1d(4, 3)
  global_avg_pool()
  dense(3)
}
`;

function initialWeights(seed: number | undefined): { names: string[]; values: Float32Array[] } {
  const r = analyzeText(TEXT);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const { model } = compileModel(describeModel(r.models[0]), seed === undefined ? {} : { seed });
  try {
    const ws = model.weights;
    return { names: ws.map((w) => w.originalName), values: ws.map((w) => w.read().dataSync() as Float32Array) };
  } finally {
    model.dispose();
  }
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => x === b[i]);
/** weights that start from constants (biases, norms' gammas and betas) */
const constant = (v: Float32Array) => v.every((x) => x === v[0]);

describe('compile: seeded initial weights', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('the same seed gives the same initial weights, every one of them', () => {
    const a = initialWeights(7);
    const b = initialWeights(7);
    assert.equal(a.values.length, b.values.length);
    const differ = a.names.filter((_, i) => !same(a.values[i], b.values[i]));
    assert.deepEqual(differ, []);
  });

  it('another seed changes every random weight', () => {
    const a = initialWeights(7);
    const b = initialWeights(8);
    const random = a.names.filter((_, i) => !constant(a.values[i]));
    // kernels of every kind: embedding, positions, projections, recurrent kernels, conv, dense
    assert.ok(random.length >= 20, random.join(', '));
    const unchanged = a.names.filter((_, i) => !constant(a.values[i]) && same(a.values[i], b.values[i]));
    assert.deepEqual(unchanged, []);
  });

  it('no two random weights of a model start alike', () => {
    const { names, values } = initialWeights(7);
    const twins: string[] = [];
    for (let i = 0; i < values.length; i++) {
      for (let j = i + 1; j < values.length; j++) {
        if (!constant(values[i]) && same(values[i], values[j])) twins.push(`${names[i]} = ${names[j]}`);
      }
    }
    assert.deepEqual(twins, []);
  });
});
