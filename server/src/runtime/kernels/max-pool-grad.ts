// MaxPoolGrad for wasm. The stock kernel is slow (a generic 3-D pooling loop: 46 ms for the
// reference convnet's first pooling, [128, 26, 26, 32]) and wrong where a window holds no positive
// value: it starts each window's maximum at the smallest positive float instead of -∞, so such a
// window's gradient lands on the tensor's first element (and ties go to the last maximum). Here,
// as on cpu: each output position's gradient goes to the first maximum of its window (row-major
// order; NaN never wins; a window of only -∞ or NaN gets none). Plain loops over the wasm heap
// that look for the forward pass' maximum (an input of this kernel) rather than recomputing it,
// without data-dependent branches where windows do not overlap: 7 ms on that pooling (16 ms when
// comparing values with a running maximum, whose branches the processor cannot predict).

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews } from './util';

type Attrs = tf.MaxPoolGradAttrs;

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
  const disjoint = top === 0 && left === 0 && strideHeight === filterHeight && strideWidth === filterWidth;
  if (disjoint && outHeight * filterHeight <= inHeight && outWidth * filterWidth <= inWidth) {
    disjointWindows(out, x, g, y, info);
    return dx;
  }
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

/**
 * Windows that tile the input without overlapping (max_pool(2), the common case): every input
 * value belongs to at most one window, so each is written once, with its gradient or 0, and no
 * branch depends on the data: per window, `none` is 1 until the first value equal to the maximum
 * has taken the gradient (7 ms instead of 12 for the convnet's first pooling). Windows whose
 * maximum or gradient is not finite take the general search, so the result is the same.
 */
function disjointWindows(out: Float32Array, x: Float32Array, g: Float32Array, y: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const rowStep = inWidth * channels;
  // rows or columns past the last window get no gradient
  if (outHeight * filterHeight !== inHeight || outWidth * filterWidth !== inWidth) out.fill(0);
  const pairs = filterHeight === 2 && filterWidth === 2;
  const offsets = new Int32Array(filterHeight * filterWidth);
  for (let r = 0, k = 0; r < filterHeight; r++) for (let c = 0; c < filterWidth; c++) offsets[k++] = r * rowStep + c * channels;
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const corner = ((b * inHeight + oh * filterHeight) * inWidth + ow * filterWidth) * channels;
        for (let d = 0, base = corner; d < channels; d++, base++, gi++) {
          const m = y[gi];
          const grad = g[gi];
          if (m > -Infinity && Number.isFinite(grad)) {
            if (pairs) {
              // 2x2, written out: the loop below costs three times as much
              const i1 = base + channels;
              const i2 = base + rowStep;
              const i3 = i2 + channels;
              const e0 = +(x[base] === m);
              const e1 = +(x[i1] === m) * (1 - e0);
              const e2 = +(x[i2] === m) * (1 - e0 - e1);
              // the maximum is in the window (tfjs' MaxPool gradient passes the forward output):
              // not among the first three, it is the fourth (checking costs 30% here)
              const e3 = 1 - e0 - e1 - e2;
              out[base] = grad * e0 + 0; // + 0: no -0 where cpu has 0
              out[i1] = grad * e1 + 0;
              out[i2] = grad * e2 + 0;
              out[i3] = grad * e3 + 0;
              continue;
            }
            let none = 1;
            for (let k = 0; k < offsets.length; k++) {
              const i = base + offsets[k];
              const first = +(x[i] === m) * none;
              out[i] = grad * first + 0;
              none -= first;
            }
          } else {
            for (let k = 0; k < offsets.length; k++) out[base + offsets[k]] = 0;
            const at = firstMaximum(x, base, filterHeight, filterWidth, rowStep, channels);
            if (at >= 0) out[at] = grad;
          }
        }
      }
    }
  }
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
