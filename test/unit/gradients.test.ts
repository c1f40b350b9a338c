// The gradients this project registers where tfjs' own throw: dilated convolutions (conv1d, conv2d,
// and conv2d without activation through DilatedConv2D) and recurrent layers over one time step.
// Checked on cpu against tfjs' own undilated gradient of the equivalent spread-out filter, which is
// the same function of x and W: float32 results may differ by rounding only (sums in another
// order), hence 1e-5 of the largest value.

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { registerGradientFixes } from '../../server/src/runtime/gradients';
import { spreadFilter } from '../../server/src/runtime/gradients/conv2d';
import { DilatedConv2D } from '../../server/src/runtime/layers/dilated-conv2d';
import { mulberry32 } from '../gen/random-models';

function values(r: () => number, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), shape);
}

function assertClose(what: string, got: tf.Tensor, expected: tf.Tensor): void {
  assert.deepEqual(got.shape, expected.shape, what);
  const e = expected.dataSync();
  const g = got.dataSync();
  const scale = Math.max(...Array.from(e, Math.abs));
  const diff = Math.max(...Array.from(e, (v, i) => Math.abs(v - g[i])));
  assert.ok(diff <= 1e-5 * scale + 1e-7, `${what}: max error ${diff} (largest value ${scale})`);
}

describe('gradient fixes', () => {
  before(async () => {
    registerGradientFixes();
    await tf.setBackend('cpu');
  });

  it('spreadFilter puts d-1 zeros between taps: the same convolution without dilation', () => {
    const r = mulberry32(1);
    tf.tidy(() => {
      const w = values(r, [3, 2, 2, 3]) as tf.Tensor4D;
      const x = values(r, [2, 9, 8, 2]) as tf.Tensor4D;
      const spread = spreadFilter(w, 2, 3);
      assert.deepEqual(spread.shape, [5, 4, 2, 3]);
      assertClose('forward', tf.conv2d(x, spread, 1, 'same'), tf.conv2d(x, w, 1, 'same', 'NHWC', [2, 3]));
    });
  });

  it('conv2d and conv1d with dilations: gradients equal those of the spread filter', () => {
    const r = mulberry32(2);
    for (let c = 0; c < 12; c++) {
      tf.tidy(() => {
        const dh = 1 + Math.floor(r() * 3);
        const dw = 1 + Math.floor(r() * 3);
        const pad = r() < 0.5 ? 'same' : 'valid';
        const x = values(r, [2, 11, 10, 3]) as tf.Tensor4D;
        const w = values(r, [1 + Math.floor(r() * 3), 1 + Math.floor(r() * 3), 3, 2]) as tf.Tensor4D;
        const dy = values(r, tf.conv2d(x, w, 1, pad, 'NHWC', [dh, dw]).shape);
        const dilated = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad, 'NHWC', [dh, dw]), dy)))([x, w]);
        // the reference: tfjs' own gradient, through an op that spreads the filter (ops only)
        const reference = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, spreadFilter(b as tf.Tensor4D, dh, dw), 1, pad), dy)))([x, w]);
        assertClose(`dx, dilations ${dh},${dw} ${pad}`, dilated[0], reference[0]);
        assertClose(`dW, dilations ${dh},${dw} ${pad}`, dilated[1], reference[1]);
      });
    }
    tf.tidy(() => {
      const x = values(r, [2, 12, 3]) as tf.Tensor3D;
      const w = values(r, [3, 3, 4]) as tf.Tensor3D;
      const g = tf.grad((b: tf.Tensor) => tf.sum(tf.conv1d(x, b as tf.Tensor3D, 1, 'valid', 'NWC', 2)))(w);
      const reference = tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(tf.expandDims(x, 1) as tf.Tensor4D, spreadFilter(tf.expandDims(b, 0) as tf.Tensor4D, 1, 2), 1, 'valid')))(w);
      assertClose('conv1d dW', g, reference);
    });
  });

  it('DilatedConv2D: the Conv2D layer, differentiable with dilation and no activation', () => {
    tf.tidy(() => {
      const args = { filters: 3, kernelSize: [2, 3], dilationRate: [2, 2] as [number, number], padding: 'same' as const, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) };
      const mine = new DilatedConv2D(args);
      const stock = tf.layers.conv2d(args);
      const x = values(mulberry32(3), [2, 7, 8, 2]);
      const y = mine.apply(x) as tf.Tensor;
      stock.apply(x);
      stock.setWeights(mine.getWeights());
      assertClose('forward equals tfjs Conv2D', y, stock.apply(x) as tf.Tensor);
      assert.equal(mine.getClassName(), 'Conv2D');
      assert.throws(() => tf.variableGrads(() => tf.sum(stock.apply(x) as tf.Tensor) as tf.Scalar, stock.trainableWeights.map((w) => w.read() as tf.Variable)), /dilation rates greater than 1/);
      const { grads } = tf.variableGrads(() => tf.sum(mine.apply(x) as tf.Tensor) as tf.Scalar, mine.trainableWeights.map((w) => w.read() as tf.Variable));
      assert.equal(Object.keys(grads).length, 2);
      for (const g of Object.values(grads)) assert.ok(g.dataSync().every(Number.isFinite));
    });
  });

  it('an RNN over one time step trains (unstack into one piece)', () => {
    tf.tidy(() => {
      const x = values(mulberry32(4), [3, 1, 2]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.unstack(t, 1)[0], tf.tensor([1, 2], [1, 2]))))(x);
      assert.deepEqual(Array.from(g.dataSync()), [1, 2, 1, 2, 1, 2]);
      const rnn = tf.layers.simpleRNN({ units: 2 });
      rnn.apply(x);
      const { grads } = tf.variableGrads(() => tf.sum(rnn.apply(x) as tf.Tensor) as tf.Scalar, rnn.trainableWeights.map((w) => w.read() as tf.Variable));
      assert.equal(Object.keys(grads).length, 3);
    });
  });
});
