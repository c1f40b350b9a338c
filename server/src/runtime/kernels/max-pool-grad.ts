// MaxPoolGrad for wasm. The stock kernel is slow (a generic 3-D pooling loop: 46 ms for the
// reference convnet's first pooling, [128, 26, 26, 32]) and wrong where a window holds no positive
// value: it starts each window's maximum at the smallest positive float instead of -∞, so such a
// window's gradient lands on the tensor's first element (and ties go to the last maximum). Here,
// as on cpu: each output position's gradient goes to the first maximum of its window (row-major
// order; NaN never wins; a window of only -∞ or NaN gets none). Plain loops over the wasm heap
// that look for the forward pass' maximum (an input of this kernel) rather than recomputing it,
// without data-dependent branches where windows do not overlap: 7 ms on that pooling (16 ms when
// comparing values with a running maximum, whose branches the processor cannot predict); 2x2
// windows over channels in fours (max_pool(2) after a convolution) run in wasm SIMD: 1.7 ms.

import { tf } from '../tf';
import { type Info, type KernelArgs, heapOffsets, heapViews } from './util';
import { type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

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
    if (!(filterHeight === 2 && filterWidth === 2 && channels % 4 === 0 && pairsSimd(backend, dx, input, dy, output, info))) disjointWindows(out, x, g, y, info);
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

// 2x2 windows, 4 channels at a time in wasm SIMD (wasm-simd.ts), for one row of windows: the
// same choice as disjointWindows' 2x2 case, with lane masks (e1 = [x1 = m] and not e0, ...; the
// last value takes what the first three did not) and the gradient and-ed with them (+ 0: no -0).
// Returns 0 if a lane had a maximum of -∞ or NaN or a gradient that is not finite: those windows
// need the general search, and the caller redoes the tensor with disjointWindows. 7 ms -> 1.7 ms
// for the reference convnet's first pooling gradient.
const [X, G, Y, O, OUT_W, CB, RS] = [0, 1, 2, 3, 4, 5, 6];
const [OW, END, M, GV, E, E1, ANY, OK, NEG_INF, ZERO] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const loadAt = (p: number, ...plus: number[]) => [op.localGet(p), ...plus.flatMap((q) => [op.localGet(q), op.i32Add]), op.v128Load];
const storeMasked = (mask: number, negate: boolean, ...plus: number[]) => [
  op.localGet(O),
  ...plus.flatMap((q) => [op.localGet(q), op.i32Add]),
  ...[op.localGet(GV), op.localGet(mask), negate ? op.v128AndNot : op.v128And, op.localGet(ZERO), op.f32x4Add, op.v128Store],
];

const POOL_ROW: SimdFunction = {
  name: 'row',
  params: Array<ValueType>(7).fill('i32'),
  result: 'i32',
  locals: ['i32', 'i32', ...Array<ValueType>(8).fill('v128')],
  body: [
    ...[op.f32Const(0), op.f32x4Splat, op.localSet(ZERO)],
    ...[op.f32Const(-Infinity), op.f32x4Splat, op.localSet(NEG_INF)],
    ...[op.localGet(ZERO), op.localGet(ZERO), op.f32x4Eq, op.localSet(OK)],
    ...until(atOrPast(OW, OUT_W), [
      ...[op.localGet(X), op.localGet(CB), op.i32Add, op.localSet(END)],
      ...until(atOrPast(X, END), [
        ...[...loadAt(Y), op.localSet(M), ...loadAt(G), op.localSet(GV)],
        // ok &= m > -∞ and g - g = 0 (g finite)
        ...[op.localGet(OK), op.localGet(M), op.localGet(NEG_INF), op.f32x4Gt, op.v128And],
        ...[op.localGet(GV), op.localGet(GV), op.f32x4Sub, op.localGet(ZERO), op.f32x4Eq, op.v128And, op.localSet(OK)],
        // top left, top right, bottom left: each the first equal to m that no earlier one was
        ...[...loadAt(X), op.localGet(M), op.f32x4Eq, op.localSet(E), ...storeMasked(E, false)],
        ...[...loadAt(X, CB), op.localGet(M), op.f32x4Eq, op.localGet(E), op.v128AndNot, op.localSet(E1), ...storeMasked(E1, false, CB)],
        ...[op.localGet(E), op.localGet(E1), op.v128Or, op.localSet(ANY)],
        ...[...loadAt(X, RS), op.localGet(M), op.f32x4Eq, op.localGet(ANY), op.v128AndNot, op.localSet(E), ...storeMasked(E, false, RS)],
        ...[op.localGet(ANY), op.localGet(E), op.v128Or, op.localSet(ANY)],
        // bottom right: the rest
        ...storeMasked(ANY, true, RS, CB),
        ...[X, O, G, Y].flatMap((p) => addTo(p, op.i32Const(16))),
      ]),
      // the window's second column was done with its first
      ...addTo(X, op.localGet(CB)),
      ...addTo(O, op.localGet(CB)),
      ...addTo(OW, op.i32Const(1)),
    ]),
    op.localGet(OK),
    op.i32x4AllTrue,
  ],
};

const poolRow = simdKernel<(x: number, g: number, y: number, out: number, outWidth: number, channelBytes: number, rowBytes: number) => number>(POOL_ROW);

/** 2x2 disjoint windows of float32 data, channels a multiple of 4; false: redo with disjointWindows. */
function pairsSimd(backend: KernelArgs<'x'>['backend'], dx: Info, input: Info, dy: Info, output: Info, info: tf.backend_util.Conv2DInfo): boolean {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  // rows or columns past the last window get no gradient
  if (outHeight * 2 !== inHeight || outWidth * 2 !== inWidth) (heapViews(backend, dx)[0] as Float32Array).fill(0);
  const [o, x, g, y] = heapOffsets(backend, dx, input, dy, output);
  const row = poolRow(backend);
  const channelBytes = channels * 4;
  const inRow = inWidth * channelBytes;
  const outRow = outWidth * channelBytes;
  let ok = 1;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const at = (b * inHeight + 2 * oh) * inRow;
      const gAt = (b * outHeight + oh) * outRow;
      ok &= row(x + at, g + gAt, y + gAt, o + at, outWidth, channelBytes, inRow);
    }
  }
  return ok === 1;
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
