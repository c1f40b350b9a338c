// Conv2DBackpropFilter for wasm: the gradient of a 2-D convolution with respect to its filter,
// which stock tfjs-backend-wasm does not have (tfjs issue 8474), so no convolutional network could
// train there.
//
//   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh - top, ow·s + kw - left, ci] · dy[b, oh, ow, co]
//
// Two ways, both on the backend's XNNPACK kernels, with the same matrix product inside
// (kh·kw·ci by co, summed over b·oh·ow); they differ in how the operands get into place, and
// XNNPACK packs (reorders) the right operand of every product anew, at about 4 ns a value:
// - byMatMul: dWᵀ [co, kh·kw·ci] = dyᵀ · cols, where the columns matrix [b·oh·ow, kh·kw·ci]
//   (row p: the input values the filter meets at output pixel p) is built by a loop over the
//   heap and packed, and dy is transposed (about 2 ns a value).
// - byConvolution: Conv2D(input = x as [ci, h, w, b], filter = dy as [oh, ow, b, co], stride 1,
//   dilation s, padding top/left as the forward pass), whose output [ci, kh, kw, co] is dW with its
//   axes reordered: x and dy are transposed, dy packed as the filter.
// byMatMul wins when the columns matrix is narrower than dy (kh·kw·ci < co: a first layer on
// one channel, 14 ms against 19 ms for the reference convnet's), byConvolution otherwise (its
// second layer: 24 ms against 40 ms); byMatMul also needs the matrix to stay under 64 MiB.
// With output channels in fours, byMatMul skips XNNPACK: its product is a sum of rank-one
// updates done in wasm SIMD (below), 5.8 ms for that first layer.
// NHWC only, like the wasm backend's own convolutions.

import { tf } from '../tf';
import { type Info, type KernelArgs, convWithPadding, free, heapOffsets, heapViews, reshape, run } from './util';
import { type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

type Attrs = tf.Conv2DBackpropFilterAttrs;

type Backend = KernelArgs<'x'>['backend'];

/** dW as a convolution (see the header); needs no buffer beyond transposed copies of x and dy. */
function byConvolution(backend: Backend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  // bottom/right padding that makes the output exactly filterHeight × filterWidth; negative when
  // the forward pass never reached the last rows/columns of x
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  const xT = run(tf.Transpose, backend, { x }, { perm: [3, 1, 2, 0] });
  const dyT = run(tf.Transpose, backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const grad = convWithPadding(backend, xT, dyT, { top, bottom, left, right }, [strideHeight, strideWidth], filterHeight, filterWidth);
  free(backend, xT, dyT);
  const dW = run(tf.Transpose, backend, { x: grad }, { perm: [1, 2, 0, 3] });
  free(backend, grad);
  return dW;
}

/** dWᵀ = dyᵀ · cols (see the header), transposed back. */
function byMatMul(backend: Backend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const pixels = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;
  const cols = backend.makeOutput([1, pixels, taps], 'float32');
  const [c, v] = heapViews(backend, cols, x) as Float32Array[];
  // taps that reach into the padding read zeros: clear the matrix once, then copy what is inside
  if (top > 0 || left > 0 || info.padInfo.bottom > 0 || info.padInfo.right > 0) c.fill(0);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, o += taps) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const r = oh * strideHeight + kh - top;
          if (r < 0 || r >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const col = ow * strideWidth + kw - left;
            if (col < 0 || col >= inWidth) continue;
            const from = ((b * inHeight + r) * inWidth + col) * inChannels;
            const to = o + (kh * filterWidth + kw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) c[to + ci] = v[from + ci];
          }
        }
      }
    }
  }
  if (outChannels % 4 === 0) {
    // dW [taps, co] is the layout of [kh, kw, ci, co]: accumulate into it, no transposes
    const dW = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
    heapViews(backend, dW)[0].fill(0);
    const [colsAt, dyAt, dWAt] = heapOffsets(backend, cols, dy, dW);
    rankOneUpdates(backend)(colsAt, dyAt, dWAt, pixels, taps * 4, outChannels * 4);
    free(backend, cols);
    return dW;
  }
  const dy3 = reshape(backend, dy, [1, pixels, outChannels]);
  const product = run(tf.BatchMatMul, backend, { a: dy3, b: cols }, { transposeA: true, transposeB: false });
  const t = run(tf.Transpose, backend, { x: product }, { perm: [0, 2, 1] });
  const dW = reshape(backend, t, [filterHeight, filterWidth, inChannels, outChannels]);
  free(backend, cols, dy3, product, t);
  return dW;
}

// dW += cols[p]ᵀ · dy[p] for every pixel p (a row of taps times a row of co), in wasm SIMD four
// output channels at a time, accumulating in dW itself (float32, summed over pixels in order, as
// XNNPACK's product sums its inner dimension). XNNPACK's product needs one operand transposed
// (dy: 2 ns a value) and the other packed (4 ns a value) for a product whose inner dimension is
// every pixel of the batch; this reads both once, in place. The reference convnet's first layer
// (9 taps, 32 channels, 86,528 pixels): 15 ms -> 4 ms.
const [COLS, DY, OUT, PIXELS, TAP_BYTES, CO_BYTES] = [0, 1, 2, 3, 4, 5];
const [ROW, TAP, TAPS_END, J, XV] = [6, 7, 8, 9, 10];
const RANK_ONE_UPDATES: SimdFunction = {
  name: 'updates',
  params: Array<ValueType>(6).fill('i32'),
  locals: ['i32', 'i32', 'i32', 'i32', 'v128'],
  body: until(
    [op.localGet(PIXELS), op.i32Eqz],
    [
      ...[op.localGet(OUT), op.localSet(ROW), op.localGet(COLS), op.localSet(TAP)],
      ...[op.localGet(COLS), op.localGet(TAP_BYTES), op.i32Add, op.localSet(TAPS_END)],
      ...until(atOrPast(TAP, TAPS_END), [
        ...[op.localGet(TAP), op.f32Load, op.f32x4Splat, op.localSet(XV), op.i32Const(0), op.localSet(J)],
        ...until(atOrPast(J, CO_BYTES), [
          // row[j..j+4] += x · dy[j..j+4]
          ...[op.localGet(ROW), op.localGet(J), op.i32Add],
          ...[op.localGet(ROW), op.localGet(J), op.i32Add, op.v128Load],
          ...[op.localGet(XV), op.localGet(DY), op.localGet(J), op.i32Add, op.v128Load, op.f32x4Mul, op.f32x4Add, op.v128Store],
          ...addTo(J, op.i32Const(16)),
        ]),
        ...addTo(ROW, op.localGet(CO_BYTES)),
        ...addTo(TAP, op.i32Const(4)),
      ]),
      ...addTo(COLS, op.localGet(TAP_BYTES)),
      ...addTo(DY, op.localGet(CO_BYTES)),
      ...addTo(PIXELS, op.i32Const(-1)),
    ],
  ),
};
const rankOneUpdates = simdKernel<(cols: number, dy: number, out: number, pixels: number, tapBytes: number, coBytes: number) => void>(RANK_ONE_UPDATES);

/** The largest columns matrix byMatMul may build (floats: 64 MiB). */
const MAX_COLUMN_FLOATS = 1 << 24;

export type FilterGradientWay = 'auto' | 'matmul' | 'convolution';
let way: FilterGradientWay = 'auto';

/** Forces one way (tests check both); returns the previous setting. */
export function setFilterGradientWay(w: FilterGradientWay): FilterGradientWay {
  const previous = way;
  way = w;
  return previous;
}

function conv2DBackpropFilter(params: Parameters<tf.KernelFunc>[0]): Info {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'x' | 'dy'>;
  const x = inputs.x!;
  const dy = inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Attrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const auto = taps < info.outChannels && info.batchSize * info.outHeight * info.outWidth * taps <= MAX_COLUMN_FLOATS;
  return way === 'matmul' || (way === 'auto' && auto) ? byMatMul(backend, x, dy, info) : byConvolution(backend, x, dy, info);
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
