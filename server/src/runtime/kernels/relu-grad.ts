// NnReluGrad: the gradient of ReLU, dx = dy · step(x), as one kernel of this project's (wasm and
// cpu; gradients/relu.ts calls it where the backend has it). tfjs' own gradient is three kernels,
// dy · cast(step(x)), each a pass over the layer's activations: 3.7 ms a step for the reference
// convnet's first layer on wasm, where this is one pass in SIMD.
//
// The same values as tfjs', bit for bit: step(x) is 1 where x > 0, NaN where x is NaN, else 0, and
// the product is dy times that (so -0 for a negative dy, NaN for an infinite dy where x ≤ 0).

import { tf } from '../tf';
import { type Info, type KernelArgs, heapOffsets, heapViews, requireSameFloat32 } from './util';
import { type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

export const RELU_GRAD = 'NnReluGrad';

function step(x: number): number {
  return x > 0 ? 1 : Number.isNaN(x) ? NaN : 0;
}

// four values at a time: s = (1 and [x > 0]) or (x and [x ≠ x]), dx = dy · s
const [DY, X, OUT, END, S, XV, ONE, ZERO] = [0, 1, 2, 3, 4, 5, 6, 7];
const RELU_GRAD_SIMD: SimdFunction = {
  name: 'reluGrad',
  // dy, x, out: byte offsets; end: out's offset after the last group of four
  params: Array<ValueType>(4).fill('i32'),
  locals: ['v128', 'v128', 'v128', 'v128'],
  body: [
    ...[op.f32Const(1), op.f32x4Splat, op.localSet(ONE), op.f32Const(0), op.f32x4Splat, op.localSet(ZERO)],
    ...until(atOrPast(OUT, END), [
      ...[op.localGet(X), op.v128Load, op.localSet(XV)],
      ...[op.localGet(ONE), op.localGet(XV), op.localGet(ZERO), op.f32x4Gt, op.v128And],
      ...[op.localGet(XV), op.localGet(XV), op.localGet(XV), op.f32x4Ne, op.v128And, op.v128Or, op.localSet(S)],
      ...[op.localGet(OUT), op.localGet(DY), op.v128Load, op.localGet(S), op.f32x4Mul, op.v128Store],
      ...[DY, X, OUT].flatMap((p) => addTo(p, op.i32Const(16))),
    ]),
  ],
};
const reluGradSimd = simdKernel<(dy: number, x: number, out: number, end: number) => void>(RELU_GRAD_SIMD);

function wasmKernel(params: Parameters<tf.KernelFunc>[0]): Info {
  const { inputs, backend } = params as unknown as KernelArgs<'dy' | 'x'>;
  const { dy, x } = inputs as Record<'dy' | 'x', Info>;
  requireSameFloat32(RELU_GRAD, dy, x);
  const out = backend.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const lanes = n - (n % 4);
  const [dyAt, xAt, outAt] = heapOffsets(backend, dy, x, out);
  reluGradSimd(backend)(dyAt, xAt, outAt, outAt + lanes * 4);
  if (lanes < n) {
    const [g, v, o] = heapViews(backend, dy, x, out) as Float32Array[];
    for (let i = lanes; i < n; i++) o[i] = g[i] * step(v[i]);
  }
  return out;
}

function cpuKernel(params: Parameters<tf.KernelFunc>[0]): Info {
  const backend = params.backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info };
  const { dy, x } = params.inputs as Record<'dy' | 'x', Info>;
  requireSameFloat32(RELU_GRAD, dy, x);
  const g = backend.readSync(dy.dataId) as Float32Array;
  const v = backend.readSync(x.dataId) as Float32Array;
  const o = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) o[i] = g[i] * step(v[i]);
  return backend.makeTensorInfo(x.shape, 'float32', o);
}

export const reluGradWasmConfig: tf.KernelConfig = { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc };
export const reluGradCpuConfig: tf.KernelConfig = { kernelName: RELU_GRAD, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc };
