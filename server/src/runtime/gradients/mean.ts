// The gradient of Mean over leading axes (batch norm's moments reduce [b, h, w, c] to [c]) as its
// dy spread over them by Tile: one pass, on wasm a copy of the whole block (kernels/tile.ts).
// tfjs' own multiplies dy by a tensor of ones as large as x and divides the product: three
// passes over x's size and a tensor of ones allocated.

import { tf } from '../tf';

export function meanGradConfig(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (x.dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      const { axis } = attrs as unknown as { axis: number | number[] | null | undefined };
      const rank = x.shape.length;
      // no axis: every axis (a loss's mean)
      const written = axis === null || axis === undefined ? x.shape.map((_, i) => i) : Array.isArray(axis) ? axis : [axis];
      const axes = new Set(written.map((a) => (a < 0 ? a + rank : a)));
      // other reductions (layer norm's last axis, global pooling's middle ones) tile slowly: tfjs'
      if (axes.size === 0 || [...axes].some((a) => a >= axes.size)) return original.gradFunc(dy, saved, attrs);
      const expanded = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
      const reps = x.shape.map((d, i) => (axes.has(i) ? d : 1));
      const count = reps.reduce((a, b) => a * b, 1);
      return { x: () => tf.tile(tf.reshape(tf.div(dy as tf.Tensor, count), expanded), reps) };
    },
  };
}
