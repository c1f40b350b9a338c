// Sum (and Mean) for wasm, when it adds up leading axes: the bias gradients of every dense and convolutional
// layer (dy [b, h, w, c] summed to [c]). The stock kernel reduces only trailing axes, so it first
// transposes the whole tensor ([b·h·w, c] to [c, b·h·w]): 6 to 8 ms for the reference convnet's
// first layer, [128, 26, 26, 32]. Here rows are added into one row of float64 accumulators, eight
// rows at a time (a row at a time spends its time reloading the accumulators: 3.7 ms): 1.2 ms.
// Rounded to float32 once at the end, as the cpu backend does, so at least as accurate as the
// stock kernel. Other reductions go to the stock kernel. The eight-row groups of an even number of
// columns run in wasm SIMD, two columns at a time in float64 lanes, adding in the order the
// JavaScript loop adds (the same sums, bit for bit: kernels.test.ts compares them): batch norm
// sums and averages its activations six times a layer and step (moments, gradient, bias), 25 ms
// of a 200 ms step of bench:bn's convnet in JavaScript, under load.

import { tf } from '../tf';
import { type Info, type KernelArgs, free, heapOffsets, heapViews, size } from './util';
import { type Code, type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

/** How many leading axes `axis` names (0, 1, ..., k-1 with k below the rank), else undefined. */
function leadingAxes(axis: number | number[], rank: number): number | undefined {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return undefined;
  return axes.length;
}

/** Adds the rows of v (a [rows, width] matrix) from row `from` on into acc, eight at a time and then one at a time. */
function addRows(v: Float32Array, rows: number, width: number, acc: Float64Array, from = 0): void {
  const w = width;
  let r = from;
  for (; r + 8 <= rows; r += 8) {
    for (let j = 0, k = r * w; j < w; j++, k++) {
      acc[j] += v[k] + v[k + w] + v[k + 2 * w] + v[k + 3 * w] + v[k + 4 * w] + v[k + 5 * w] + v[k + 6 * w] + v[k + 7 * w];
    }
  }
  for (; r < rows; r++) {
    for (let j = 0, k = r * w; j < w; j++, k++) acc[j] += v[k];
  }
}

/** The column sums of v as a [rows, width] matrix, in JavaScript (the cpu-side reference of the SIMD path). */
export function columnSums(v: Float32Array, rows: number, width: number): Float64Array {
  const acc = new Float64Array(width);
  addRows(v, rows, width, acc);
  return acc;
}

// The eight-row groups in SIMD: params v (x's byte offset), acc (the float64 accumulators' byte
// offset), end (v's offset after the last group), wb (a row in bytes); locals: the group's eight row pointers, the accumulator pointer, a sum in hand.
const [V, ACC, END, WB] = [0, 1, 2, 3];
const R = (i: number) => 4 + i;
const [A, SUM, GROUP_END] = [12, 13, 14];
const promoted = (p: number): Code[] => [op.localGet(p), op.v128Load64Zero, op.f64x2PromoteLowF32x4];
const COLUMN_SUMS_SIMD: SimdFunction = {
  name: 'columnSums',
  params: Array<ValueType>(4).fill('i32'),
  locals: [...Array<ValueType>(8).fill('i32'), 'i32', 'v128', 'i32'],
  body: [
    ...until(atOrPast(V, END), [
      // the group's rows and where its first row ends
      ...[op.localGet(V), op.localSet(R(0))],
      ...[1, 2, 3, 4, 5, 6, 7].flatMap((i) => [op.localGet(R(i - 1)), op.localGet(WB), op.i32Add, op.localSet(R(i))]),
      ...[op.localGet(ACC), op.localSet(A), op.localGet(V), op.localGet(WB), op.i32Add, op.localSet(GROUP_END)],
      ...until(atOrPast(R(0), GROUP_END), [
        // (((v0 + v1) + v2) + ... + v7), then acc += it: the JavaScript loop's order
        ...promoted(R(0)),
        ...[1, 2, 3, 4, 5, 6, 7].flatMap((i) => [...promoted(R(i)), op.f64x2Add]),
        op.localSet(SUM),
        ...[op.localGet(A), op.localGet(A), op.v128Load, op.localGet(SUM), op.f64x2Add, op.v128Store],
        ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => addTo(R(i), op.i32Const(8))),
        ...addTo(A, op.i32Const(16)),
      ]),
      // the next group starts after this one's eighth row
      ...[op.localGet(R(7)), op.localSet(V)],
    ]),
  ],
};
const columnSumsSimd = simdKernel<(v: number, acc: number, end: number, wb: number) => void>(COLUMN_SUMS_SIMD);

/** The sums (divided by `rows` for a mean, in float64) rounded into o. */
function finish(o: Float32Array, sums: Float64Array, rows: number): void {
  if (rows !== 1) for (let j = 0; j < sums.length; j++) sums[j] /= rows;
  o.set(sums);
}

/** Sum, or Mean (`mean`: the sums divided by the rows, in float64 before the rounding). */
function sum(stock: tf.KernelConfig, params: Parameters<tf.KernelFunc>[0], mean = false): Info {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'x'>;
  const x = inputs.x!;
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  const lead = leadingAxes(axis, x.shape.length);
  if (lead === undefined || x.dtype !== 'float32') return stock.kernelFunc(params) as Info;
  const rest = x.shape.slice(lead);
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...rest] : rest, 'float32');
  const rows = size(x.shape.slice(0, lead));
  const width = size(rest);
  if (width % 2 === 0 && rows >= 8) {
    // float64 accumulators on the heap (two float32 slots each), the groups of eight rows in SIMD, the rest here
    const scratch = backend.makeOutput([2 * width], 'float32');
    const [xAt, accAt] = heapOffsets(backend, x, scratch);
    if (accAt % 8 === 0) {
      const groups = rows - (rows % 8);
      const [o, v, raw] = heapViews(backend, out, x, scratch) as Float32Array[];
      new Float64Array(raw.buffer, raw.byteOffset, width).fill(0);
      columnSumsSimd(backend)(xAt, accAt, xAt + groups * width * 4, width * 4);
      const sums = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + width * 8));
      free(backend, scratch);
      addRows(v, rows, width, sums, groups);
      finish(o, sums, mean ? rows : 1);
      return out;
    }
    free(backend, scratch);
  }
  const [o, v] = heapViews(backend, out, x) as Float32Array[];
  finish(o, columnSums(v, rows, width), mean ? rows : 1);
  return out;
}

export function sumConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: (params) => sum(stock, params) };
}

/**
 * Mean over leading axes: batch norm's moments in training (x [b, h, w, c] to [c], twice a
 * layer and step). The stock kernel transposes first, as Sum's does: 88 ms of a 1 s step of a
 * convnet with two batch norms, measured by tf.profile on this machine under load.
 */
export function meanConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return { kernelName: tf.Mean, backendName: 'wasm', kernelFunc: (params) => sum(stock, params, true) };
}
