// FusedBatchNorm (batch norm's normalisation: offset + (x − mean)·scale / √(variance + ε)) for wasm,
// with per-channel parameters. Stock wasm's loop is scalar and steps four wrapping indices per
// value: 22 ms of a 350 ms training step of bench:bn's convnet (2.8 M values at its first batch
// norm), measured under load. Here: the square root once per channel, then one pass over x in
// SIMD, four channels at a time. The formula is the stock loop's source, in its order, each
// operation rounded to float32; the compiled stock loop rounds about one value in three by a unit
// differently (its exact float code is not known here), so the values equal cpu's and stock's up
// to rounding (kernels.test.ts compares with both; a wrong channel is an error of the values' size).
//
// Taken when x is float32 with its channels last in groups of four, and mean, variance, scale and
// offset are all there, each of one value per channel (batch norm in training and in inference);
// anything else runs the stock kernel.

import { tf } from '../tf';
import { type Info, type KernelArgs, free, heapOffsets, heapViews, size } from './util';
import { type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

// params: x, out, end (out's offset after its last value), p (the per-channel table: mean, scale,
// √(variance + ε) and offset, C values each), cb (C in bytes); locals: j (the channel's byte
// offset in a row) and the table's four rows' starts
const [X, OUT, END, P, CB, J, PS, PD, PO] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const row = (base: number) => [op.localGet(base), op.localGet(J), op.i32Add, op.v128Load];
const BATCH_NORM_SIMD: SimdFunction = {
  name: 'batchNorm',
  params: Array<ValueType>(5).fill('i32'),
  locals: ['i32', 'i32', 'i32', 'i32'],
  body: [
    ...[op.localGet(P), op.localGet(CB), op.i32Add, op.localSet(PS)],
    ...[op.localGet(PS), op.localGet(CB), op.i32Add, op.localSet(PD)],
    ...[op.localGet(PD), op.localGet(CB), op.i32Add, op.localSet(PO)],
    ...until(atOrPast(OUT, END), [
      ...[op.i32Const(0), op.localSet(J)],
      ...until(atOrPast(J, CB), [
        // out = offset + ((x − mean)·scale) / √(variance + ε)
        ...[op.localGet(OUT), ...row(PO)],
        ...[op.localGet(X), op.v128Load, ...row(P), op.f32x4Sub, ...row(PS), op.f32x4Mul, ...row(PD), op.f32x4Div],
        ...[op.f32x4Add, op.v128Store],
        ...[X, OUT, J].flatMap((p) => addTo(p, op.i32Const(16))),
      ]),
    ]),
  ],
};
const batchNormSimd = simdKernel<(x: number, out: number, end: number, p: number, cb: number) => void>(BATCH_NORM_SIMD);

type Inputs = KernelArgs<'x' | 'mean' | 'variance' | 'scale' | 'offset'>;

export function batchNormConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const { inputs, backend, attrs } = params as unknown as Inputs;
    const { x, mean, variance, scale, offset } = inputs;
    const c = x ? x.shape[x.shape.length - 1] : 0;
    const perChannel = (t: Info | undefined) => t !== undefined && t.dtype === 'float32' && size(t.shape) === c && t.shape.length <= x!.shape.length;
    if (!x || x.dtype !== 'float32' || x.shape.length < 1 || c % 4 !== 0 || size(x.shape) === 0 || ![mean, variance, scale, offset].every(perChannel)) {
      return stock.kernelFunc(params) as Info;
    }
    const eps = Math.fround((attrs as unknown as { varianceEpsilon: number }).varianceEpsilon);
    const out = backend.makeOutput(x.shape, 'float32');
    const table = backend.makeOutput([4 * c], 'float32');
    const [m, v, s, o, t] = heapViews(backend, mean!, variance!, scale!, offset!, table) as Float32Array[];
    for (let i = 0; i < c; i++) {
      t[i] = m[i];
      t[c + i] = s[i];
      // float32 sum, float32 square root (correctly rounded, as the stock loop's)
      t[2 * c + i] = Math.sqrt(Math.fround(v[i] + eps));
      t[3 * c + i] = o[i];
    }
    const [xAt, outAt, tAt] = heapOffsets(backend, x, out, table);
    batchNormSimd(backend)(xAt, outAt, outAt + size(x.shape) * 4, tAt, c * 4);
    free(backend, table);
    return out;
  };
  return { kernelName: tf.FusedBatchNorm, backendName: 'wasm', kernelFunc };
}
