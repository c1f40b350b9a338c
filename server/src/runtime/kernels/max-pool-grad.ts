// MaxPoolGrad for wasm. The stock kernel is slow (a generic 3-D pooling loop: 46 ms for the
// reference convnet's first pooling, [128, 26, 26, 32]) and wrong where a window holds no positive
// value: it starts each window's maximum at the smallest positive float instead of -∞, so such a
// window's gradient lands on the tensor's first element (and ties go to the last maximum). Here,
// as on cpu: each output position's gradient goes to the first maximum of its window (row-major
// order; NaN never wins; a window of only -∞ or NaN gets none). A plain loop over the wasm heap:
// 16 ms on that pooling.

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
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as Attrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const dx = backend.makeOutput(input.shape, 'float32');
  const [out, x, g] = heapViews(backend, dx, input, dy) as Float32Array[];
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
          let best = -Infinity;
          let at = -1;
          for (let r = rMin, row = corner + d; r < rMax; r++, row += inWidth * channels) {
            for (let c = cMin, i = row; c < cMax; c++, i += channels) {
              const v = x[i];
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) out[at] += g[gi];
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
