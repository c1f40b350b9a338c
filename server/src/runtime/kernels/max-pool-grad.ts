// MaxPoolGrad for wasm. The stock kernel is slow (a generic 3-D pooling loop: 46 ms for the
// reference convnet's first pooling, [128, 26, 26, 32]) and wrong where a window holds no positive
// value: it starts each window's maximum at the smallest positive float instead of -∞, so such a
// window's gradient lands on the tensor's first element (and ties go to the last maximum). Here,
// as on cpu: each output position's gradient goes to the first maximum of its window (row-major
// order; NaN never wins; a window of only -∞ or NaN gets none). A plain loop over the wasm heap
// that looks for the forward pass' maximum (an input of this kernel) rather than recomputing it:
// 12 ms on that pooling (16 ms when comparing values with a running maximum, whose branches the
// processor cannot predict).

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews } from './util';

type Attrs = {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function maxPoolGrad(params: Parameters<tf.KernelFunc>[0]): Info {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'dy' | 'input' | 'output'>;
  const dy = inputs.dy!;
  const input = inputs.input!;
  const output = inputs.output!;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as Attrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const dx = backend.makeOutput(input.shape, 'float32');
  const [out, x, g, y] = heapViews(backend, dx, input, dy, output) as Float32Array[];
  const rowStep = inWidth * channels;
  out.fill(0);
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * strideHeight - top;
      const rMin = Math.max(r0, 0);
      const rMax = Math.min(r0 + filterHeight, inHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = ow * strideWidth - left;
        const cMin = Math.max(c0, 0);
        const cMax = Math.min(c0 + filterWidth, inWidth);
        const corner = ((b * inHeight + rMin) * inWidth + cMin) * channels;
        for (let d = 0; d < channels; d++, gi++) {
          // the forward pass' maximum: its first occurrence is the first strict maximum (cpu's
          // choice), found with one comparison per value; a NaN or -∞ maximum takes the full search
          const m = y[gi];
          let at = -1;
          if (m > -Infinity) {
            search: for (let row = corner + d, r = rMin; r < rMax; r++, row += rowStep) {
              for (let i = row, c = cMin; c < cMax; c++, i += channels) {
                if (x[i] === m) {
                  at = i;
                  break search;
                }
              }
            }
          }
          if (at < 0) at = firstMaximum(x, corner + d, rMax - rMin, cMax - cMin, rowStep, channels);
          if (at >= 0) out[at] += g[gi];
        }
      }
    }
  }
  return dx;
}

/** The index of the first strict maximum of a window (NaN never wins), or -1 if it has none. */
function firstMaximum(x: Float32Array, start: number, rows: number, cols: number, rowStep: number, step: number): number {
  let best = -Infinity;
  let at = -1;
  for (let r = 0, row = start; r < rows; r++, row += rowStep) {
    for (let c = 0, i = row; c < cols; c++, i += step) {
      if (x[i] > best) {
        best = x[i];
        at = i;
      }
    }
  }
  return at;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
