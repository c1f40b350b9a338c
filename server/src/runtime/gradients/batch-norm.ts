// The gradient of batch norm (FusedBatchNorm) with its per-channel factors broadcast: for x of
// rank 4 tfjs' own tiles 1/sqrt(variance + eps) to x's whole shape first (a Tile as large as the
// activations, generic and slow on wasm: 410 ms of a 1 s training step of a convnet with two
// batch norms, measured by tf.profile), and multiplies per-channel factors into tensors of x's
// size before summing them. Here those factors multiply two sums, which every input's gradient
// but x's is made of: 5 passes over x's size instead of 14. The same formulas, so the same values up to rounding; gradients.test.ts
// compares them with tfjs' own.

import { tf } from '../tf';

export function batchNormGradConfig(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: original.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      // a mean of x's rank (not batch_norm's [c]) has no tile: tfjs' gradient is already broadcast
      if (mean.rank !== 1) return original.gradFunc(dy, saved, attrs);
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const g = dy as tf.Tensor;
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const scaleValue = scale ?? tf.scalar(1);
      const invStd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      // with s = Σ dy and p = Σ dy·(x − mean) over every axis but the channels', made once:
      // d/dmean = −scale·s/σ, d/dvariance = −scale·p/(2σ³), d/dscale = p/σ, d/doffset = s
      const s = tf.sum(g, axes);
      const p = tf.sum(tf.mul(g, tf.sub(x, mean)), axes);
      return {
        x: () => tf.mul(g, tf.mul(invStd, scaleValue)),
        mean: () => tf.reshape(tf.mul(tf.mul(s, scaleValue), tf.neg(invStd)), mean.shape),
        variance: () => tf.reshape(tf.mul(tf.mul(p, scaleValue), tf.mul(tf.pow(invStd, tf.scalar(3)), tf.scalar(-0.5))), mean.shape),
        scale: () => tf.reshape(tf.mul(p, invStd), mean.shape),
        offset: () => tf.reshape(s, mean.shape),
      };
    },
  };
}
