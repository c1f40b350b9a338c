// Conv2DBackpropInput for wasm: the gradient of a 2-D convolution with respect to its input.
// The stock kernel is a scalar C++ loop (measured 163 ms of a 316 ms training step of the
// reference convnet). It is a convolution too, run here by the backend's XNNPACK Conv2D kernel:
//
//   dx[b, i, j, ci] = Σ_{kh, kw, co} dyUp[b, i + top - kh, j + left - kw, co] · W[kh, kw, ci, co]
//
// where dyUp is dy with s-1 zeros inserted between its rows and columns (stride s; dy itself when
// s = 1). That is a stride-1 correlation of dyUp with W rotated by 180° and its channel axes
// swapped ([kh, kw, co, ci]), padded by kh-1-top above and kw-1-left on the left, and below/right
// so the output has the input's size. NHWC only, like the wasm backend's own convolutions.

import { tf } from '../tf';
import { type Info, type KernelArgs, convWithPadding, free, reshape, run } from './util';

type Attrs = tf.Conv2DBackpropInputAttrs;

/** dy [b, oh, ow, c] with s-1 zero rows/columns after each row/column: [b, oh·sh, ow·sw, c]. */
function insertZeros(backend: KernelArgs<'dy'>['backend'], dy: Info, sh: number, sw: number): Info {
  const [b, oh, ow, c] = dy.shape;
  // along one axis: view as [outer, 1, inner], pad the middle axis to s, view back
  const spread = (x: Info, outer: number, inner: number, s: number, shape: number[]): Info => {
    const view = reshape(backend, x, [outer, 1, inner]);
    const padded = run(tf.PadV2, backend, { x: view }, { paddings: [[0, 0], [0, s - 1], [0, 0]], constantValue: 0 });
    const out = reshape(backend, padded, shape);
    free(backend, view, padded);
    return out;
  };
  const rows = sh > 1 ? spread(dy, b * oh, ow * c, sh, [b, oh * sh, ow, c]) : dy;
  if (sw === 1) return rows;
  const both = spread(rows, b * rows.shape[1] * ow, c, sw, [b, rows.shape[1], ow * sw, c]);
  if (rows !== dy) free(backend, rows);
  return both;
}

function conv2DBackpropInput(stock: tf.KernelConfig, params: Parameters<tf.KernelFunc>[0]): Info {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'dy' | 'filter'>;
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Attrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropInput on wasm supports NHWC only, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { inHeight, inWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = filterHeight - 1 - info.padInfo.top;
  const left = filterWidth - 1 - info.padInfo.left;
  // explicit padding wider than the filter (never from tfjs layers): the stock kernel
  if (top < 0 || left < 0) return stock.kernelFunc(params) as Info;
  const up = insertZeros(backend, dy, strideHeight, strideWidth);
  const [, upHeight, upWidth] = up.shape;
  // output rows = upHeight + top + bottom - filterHeight + 1 must be inHeight; negative when the
  // inserted zeros run past the input
  const bottom = inHeight - upHeight + filterHeight - 1 - top;
  const right = inWidth - upWidth + filterWidth - 1 - left;
  const flipped = run(tf.Reverse, backend, { x: filter }, { dims: [0, 1] });
  const rotated = run(tf.Transpose, backend, { x: flipped }, { perm: [0, 1, 3, 2] });
  const dx = convWithPadding(backend, up, rotated, { top, bottom, left, right }, [1, 1], inHeight, inWidth);
  if (up !== dy) free(backend, up);
  free(backend, flipped, rotated);
  return dx;
}

export function conv2DBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: (params) => conv2DBackpropInput(stock, params),
  };
}
