// The gradients this project registers where tfjs' own throw: dilated convolutions (conv1d, conv2d,
// and conv2d without activation through NnConv2D) and recurrent layers over one time step;
// and where tfjs' own are slow: batch norm's and Mean's (checked against their formulas).
// Checked on cpu against tfjs' own undilated gradient of the equivalent spread-out filter, which is
// the same function of x and W: float32 results may differ by rounding only (sums in another
// order), hence 1e-5 of the largest value.

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { registerGradientFixes } from '../../server/src/runtime/gradients';
import { spreadFilter } from '../../server/src/runtime/gradients/conv2d';
import { NnConv2D } from '../../server/src/runtime/layers/conv2d';
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

  it('NnConv2D: the Conv2D layer, differentiable with dilation and no activation', () => {
    tf.tidy(() => {
      const args = { filters: 3, kernelSize: [2, 3], dilationRate: [2, 2] as [number, number], padding: 'same' as const, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) };
      const mine = new NnConv2D(args);
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

  for (const [padding, strides, bias] of [['valid', 1, true], ['same', 2, true], ['same', 1, false]] as const) {
    it(`NnConv2D without activation (${padding}, stride ${strides}${bias ? '' : ', no bias'}): tfjs' Conv2D bit for bit, forward and every gradient; the input's only when asked`, async () => {
      const args = { filters: 4, kernelSize: 3, strides, padding, useBias: bias, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.randomNormal({ seed: 3 }) };
      const mine = new NnConv2D(args);
      const stock = tf.layers.conv2d(args);
      const x = values(mulberry32(6), [2, 9, 8, 3]);
      mine.apply(x);
      stock.apply(x);
      stock.setWeights(mine.getWeights());
      const xv = tf.variable(x);
      const all = (layer: tf.layers.Layer) => [...layer.trainableWeights.map((w) => w.read() as tf.Variable), xv];
      // a loss that weighs each output differently, so that dy is not uniform
      const w = values(mulberry32(7), (stock.apply(x) as tf.Tensor).shape);
      const loss = (layer: tf.layers.Layer) => () => tf.sum(tf.mul(layer.apply(xv) as tf.Tensor, w)) as tf.Scalar;
      const got = tf.variableGrads(loss(mine), all(mine));
      const expected = tf.variableGrads(loss(stock), all(stock));
      assert.deepEqual(Array.from((mine.apply(x) as tf.Tensor).dataSync()), Array.from((stock.apply(x) as tf.Tensor).dataSync()), 'forward');
      assert.deepEqual(Object.keys(got.grads).length, bias ? 3 : 2);
      for (const [i, v] of mine.trainableWeights.entries()) {
        assert.deepEqual(Array.from(got.grads[(v.read() as tf.Variable).name].dataSync()), Array.from(expected.grads[(stock.trainableWeights[i].read() as tf.Variable).name].dataSync()), v.name);
      }
      assert.deepEqual(Array.from(got.grads[xv.name].dataSync()), Array.from(expected.grads[xv.name].dataSync()), 'input');
      // the weights' gradients alone: no transposed convolution for the input (tfjs' op makes one)
      const backpropInputs = async (layer: tf.layers.Layer) => (await tf.profile(() => tf.variableGrads(loss(layer), layer.trainableWeights.map((v) => v.read() as tf.Variable)).grads)).kernelNames.filter((k) => k === tf.Conv2DBackpropInput).length;
      assert.equal(await backpropInputs(stock), 1);
      assert.equal(await backpropInputs(mine), 0);
    });
  }

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

  it("batch norm in training: x's, gamma's and beta's gradients by the formula, through 18 kernels of x's size (tfjs' own gradients: 27)", async () => {
    const r = mulberry32(5);
    const shape = [3, 4, 5, 2];
    const [n, c] = [3 * 4 * 5, 2];
    const x = values(r, shape);
    const gamma = values(r, [c]);
    const beta = values(r, [c]);
    const dy = values(r, shape);
    const eps = 1e-3;
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, eps), dy));
    };
    const [dx, dGamma, dBeta] = tf.grads(f)([x, gamma, beta]);
    // the closed form: x̂ = (x − μ)/σ; dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)); dγ = Σ dy · x̂; dβ = Σ dy
    const xs = x.dataSync();
    const dys = dy.dataSync();
    const gs = gamma.dataSync();
    const expected = { dx: new Float32Array(xs.length), dGamma: new Float32Array(c), dBeta: new Float32Array(c) };
    for (let ch = 0; ch < c; ch++) {
      const at = Array.from({ length: n }, (_, i) => i * c + ch);
      const mu = at.reduce((s, i) => s + xs[i], 0) / n;
      const sigma = Math.sqrt(at.reduce((s, i) => s + (xs[i] - mu) ** 2, 0) / n + eps);
      const xhat = (i: number) => (xs[i] - mu) / sigma;
      const meanDy = at.reduce((s, i) => s + dys[i], 0) / n;
      const meanDyXhat = at.reduce((s, i) => s + dys[i] * xhat(i), 0) / n;
      for (const i of at) expected.dx[i] = (gs[ch] / sigma) * (dys[i] - meanDy - xhat(i) * meanDyXhat);
      expected.dGamma[ch] = meanDyXhat * n;
      expected.dBeta[ch] = meanDy * n;
    }
    assertClose('dx', dx, tf.tensor(expected.dx, shape));
    assertClose('dgamma', dGamma, tf.tensor(expected.dGamma));
    assertClose('dbeta', dBeta, tf.tensor(expected.dBeta));
    // tfjs' own gradient tiles 1/σ to x's shape and multiplies per-channel factors into tensors of
    // x's size, and Mean's multiplies dy by ones: slow on wasm (kernels of x's size, bar views)
    const info = await tf.profile(() => tf.grads(f)([x, gamma, beta]));
    const size = shape.reduce((a, b) => a * b, 1);
    const full = info.kernels.filter((k) => !['Identity', 'Reshape'].includes(k.name) && k.outputShapes.some((o) => o && o.reduce((a, b) => a * b, 1) === size));
    assert.ok(full.length <= 18, `${full.length} kernels of x's size: ${full.map((k) => k.name).join(', ')}`);
  });

  it("Mean's gradient over leading axes is dy spread by Tile; over other axes tfjs' own", () => {
    const r = mulberry32(6);
    for (const [shape, axis] of [
      [[4, 3, 2], [0, 1]],
      [[4, 3, 2], [0]],
      [[4, 3, 2], [-1]],
      [[4, 3, 2], [1, 2]],
      [[5], [0]],
      [[4, 3], undefined],
    ] as [number[], number[] | undefined][]) {
      tf.tidy(() => {
        const x = values(r, shape);
        const dy = values(r, tf.mean(x, axis).shape);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, axis), dy)))(x);
        const axes = axis ?? shape.map((_, i) => i); // no axis: all of them, as a loss's mean
        const count = axes.reduce((p, a) => p * shape[a < 0 ? a + shape.length : a], 1);
        const expected = tf.div(tf.mul(tf.reshape(dy, shape.map((d, i) => (axes.some((a) => (a < 0 ? a + shape.length : a) === i) ? 1 : d))), tf.ones(shape)), count);
        assertClose(`mean ${shape} over ${axis}`, g, expected);
      });
    }
  });
});
