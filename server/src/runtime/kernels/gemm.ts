// A matrix product C = A·B in wasm SIMD on the backend's memory, for BatchMatMul (batch-mat-mul.ts)
// where the right operand is one matrix: a layer's weights (forward), its transposed weights (the
// input's gradient), or the output's gradient (the weights' gradient, with A the layer's input
// read transposed in place). XNNPACK, behind the stock kernel, packs the right operand into its own
// layout when it first meets it and keeps the packing while that tensor lives; in training the
// weights are new tensors every step, so it packs them every step: 0.3 ms for the reference MLP's
// first layer (784x128) of a 3.2 ms step, twice the time of its product, and not shared between
// threads. And A must be transposed into a copy first for the weights' gradient. Here neither:
// B is read in place, row by row, A through its strides.
//
// The loop is XNNPACK's: blocks of 4 rows by 8 columns of C in eight 4-lane accumulators from
// zero, adding A[i, k]·B[k, j] for k in order (multiply, then add: wasm has no fused multiply-add
// in its SIMD), so every value is the one XNNPACK computes, bit for bit, whatever its threads
// (they split C's blocks, never a sum); kernels.test.ts compares the two. 1.1-1.5x XNNPACK's speed
// even when XNNPACK has its packing at hand (34.6 GFLOP/s against 31 on 64x784x128 here), about
// 2x when it has to pack. It runs on the calling thread only: with more threads, XNNPACK is
// faster for products of many rows (its packing costs once, its arithmetic is shared).
//
// Columns come in blocks of 8 and then one of 4, rows in blocks of 4 and then single rows, each
// block shape its own function (the number of columns must be a multiple of 4).

import { tf, type BackendWasm } from '../tf';
import { type Info, heapOffsets } from './util';
import { type Code, type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

type Gemm = (a: number, rs: number, ks: number, k: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number) => void;

// params: a (A[0, 0]), rs, ks (bytes between A's rows, between its consecutive k), k, b (B[0, 0]),
// ldb (bytes between B's rows), c (C[0, 0]), ldc (bytes between C's rows), m, n (C's rows and
// columns, multiples of the block's)
const [PA, RS, KS, K, PB, LDB, PC, LDC, M, N] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// locals: i, j, the k counter, B's row pointer, C's pointer, the splatted A value, B's lanes (2),
// the block's A row pointers (up to 4), then the accumulators
const [I, J, KK, BP, CP, S, B0, B1] = [10, 11, 12, 13, 14, 15, 16, 17];
const ROW = (r: number) => 18 + r;
const get = op.localGet;
const set = op.localSet;

/** The function for blocks of `rows` rows (4 or 1) by 4·`halves` columns (8 or 4). */
function gemmFunction(rows: number, halves: number): SimdFunction {
  const ACC = (r: number, h: number) => 22 + r * halves + h;
  const bLanes = [B0, B1].slice(0, halves);
  const body: Code[] = [
    ...[op.i32Const(0), set(I)],
    ...until(atOrPast(I, M), [
      ...[op.i32Const(0), set(J)],
      ...until(atOrPast(J, N), [
        ...Array.from({ length: rows * halves }, (_, q) => [op.f32Const(0), op.f32x4Splat, set(22 + q)]).flat(),
        // the block's rows of A: a + i·rs, then + rs each
        ...[get(PA), get(I), get(RS), op.i32Mul, op.i32Add, set(ROW(0))],
        ...Array.from({ length: rows - 1 }, (_, r) => [get(ROW(r)), get(RS), op.i32Add, set(ROW(r + 1))]).flat(),
        ...[get(PB), get(J), op.i32Const(4), op.i32Mul, op.i32Add, set(BP)],
        ...[op.i32Const(0), set(KK)],
        ...until(atOrPast(KK, K), [
          ...bLanes.flatMap((lane, h) => [get(BP), ...(h ? [op.i32Const(16 * h), op.i32Add] : []), op.v128Load, set(lane)]),
          ...Array.from({ length: rows }, (_, r) => [
            ...[get(ROW(r)), op.v128Load32Splat, set(S)],
            ...bLanes.flatMap((lane, h) => [get(ACC(r, h)), get(S), get(lane), op.f32x4Mul, op.f32x4Add, set(ACC(r, h))]),
            ...addTo(ROW(r), get(KS)),
          ]).flat(),
          ...addTo(BP, get(LDB)),
          ...addTo(KK, op.i32Const(1)),
        ]),
        // C's block: c + i·ldc + j·4, a row every ldc
        ...[get(PC), get(I), get(LDC), op.i32Mul, op.i32Add, get(J), op.i32Const(4), op.i32Mul, op.i32Add, set(CP)],
        ...Array.from({ length: rows }, (_, r) => [
          ...bLanes.flatMap((_, h) => [get(CP), ...(h ? [op.i32Const(16 * h), op.i32Add] : []), get(ACC(r, h)), op.v128Store]),
          ...addTo(CP, get(LDC)),
        ]).flat(),
        ...addTo(J, op.i32Const(4 * halves)),
      ]),
      ...addTo(I, op.i32Const(rows)),
    ]),
  ];
  return {
    name: 'gemm',
    params: Array<ValueType>(10).fill('i32'),
    locals: [...Array<ValueType>(5).fill('i32'), 'v128', 'v128', 'v128', ...Array<ValueType>(4).fill('i32'), ...Array<ValueType>(rows * halves).fill('v128')],
    body,
  };
}

const KERNELS = { '4x8': simdKernel<Gemm>(gemmFunction(4, 2)), '4x4': simdKernel<Gemm>(gemmFunction(4, 1)), '1x8': simdKernel<Gemm>(gemmFunction(1, 2)), '1x4': simdKernel<Gemm>(gemmFunction(1, 1)) };

/**
 * C[m, n] = A[m, k]·B[k, n] into `out` (made by the caller, [..., m, n], float32), for `batch`
 * matrices of A (and of C) against one B. A is [batch, m, k], or [batch, k, m] read transposed
 * (`transposeA`); B is [k, n] in rows. n must be a multiple of 4.
 */
export function gemm(backend: BackendWasm, a: Info, b: Info, out: Info, dims: { batch: number; m: number; k: number; n: number; transposeA: boolean }): void {
  const { batch, m, k, n, transposeA } = dims;
  if (n % 4 !== 0) throw new Error(`gemm: ${n} columns, not a multiple of 4`);
  const [aAt, bAt, cAt] = heapOffsets(backend, a, b, out);
  // bytes between A's rows, between its consecutive k
  const [rs, ks] = transposeA ? [4, m * 4] : [k * 4, 4];
  const n8 = n - (n % 8);
  const m4 = m - (m % 4);
  for (let t = 0; t < batch; t++) {
    const a0 = aAt + t * m * k * 4;
    const c0 = cAt + t * m * n * 4;
    const call = (shape: keyof typeof KERNELS, row: number, col: number, rows: number, cols: number) => {
      if (rows > 0 && cols > 0) KERNELS[shape](backend)(a0 + row * rs, rs, ks, k, bAt + col * 4, n * 4, c0 + (row * n + col) * 4, n * 4, rows, cols);
    };
    call('4x8', 0, 0, m4, n8);
    call('4x4', 0, n8, m4, n - n8);
    call('1x8', m4, 0, m - m4, n8);
    call('1x4', m4, n8, m - m4, n - n8);
  }
}

/** How the product fits `gemm`: B one float32 matrix with columns in fours, A float32. */
export function gemmFits(a: Info, b: Info, n: number): boolean {
  return a.dtype === 'float32' && b.dtype === 'float32' && n % 4 === 0 && tf.util.sizeFromShape(b.shape.slice(0, -2)) === 1;
}
