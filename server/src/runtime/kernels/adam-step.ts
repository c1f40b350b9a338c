// NnAdamStep: one Adam update of one variable as a single kernel, for wasm and cpu (a kernel of
// this project's own, registered through tfjs' kernel registry; FusedAdamOptimizer in
// runtime/train/adam.ts calls it). tfjs' AdamOptimizer spends 14 ops per variable and step (and a
// scalar tensor for each constant): 84 kernel calls a step for the reference MLP, about 0.75 ms of
// its 3.1 ms step on wasm. Here: one pass over the values, in wasm SIMD on the backend's memory
// (0.17 ms a step for the MLP's 109k values; the same loop in JavaScript took 1.5 ms for the first
// layer's 100k alone: scalar double division and square root). cpu runs the loop in JavaScript.
//
// The arithmetic is tfjs' own, in its order, each operation rounded to float32 as its kernels
// round (add, multiply, divide and square root are correctly rounded in float32, and a double
// result rounded to float32 is the correctly rounded float32 result for these operations), so the
// new values are the very bits AdamOptimizer.applyGradients computes:
//   m' = m·β1 + g·(1-β1)          v' = v·β2 + g²·(1-β2)
//   x' = (m'/(1-β1ᵗ)) / (√(v'/(1-β2ᵗ)) + ε) · (-lr) + x
// Inputs x (the variable), g (its gradient), m, v (the moments); outputs [x', m', v']. The
// constants come as attributes, already float32 (see adamConstants).

import { tf } from '../tf';
import { type Info, type KernelArgs, heapOffsets, heapViews, requireSameFloat32 } from './util';
import { type SimdFunction, type ValueType, addTo, atOrPast, op, simdKernel, until } from './wasm-simd';

export const ADAM_STEP = 'NnAdamStep';

/** The step's constants, each the float32 value tfjs' ops would use. */
export interface AdamConstants {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 - β1ᵗ and 1 - β2ᵗ, from the optimizer's float32 accumulators */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLr: number;
}

/** The constants as tfjs' AdamOptimizer makes them: JS numbers turned into float32 scalars. */
export function adamConstants(beta1: number, beta2: number, epsilon: number, lr: number, accBeta1: number, accBeta2: number): AdamConstants {
  const f = Math.fround;
  return {
    beta1: f(beta1),
    oneMinusBeta1: f(1 - beta1),
    beta2: f(beta2),
    oneMinusBeta2: f(1 - beta2),
    // sub(1, accBeta): float32 1 minus a float32 value, rounded once
    oneMinusAccBeta1: f(1 - f(accBeta1)),
    oneMinusAccBeta2: f(1 - f(accBeta2)),
    epsilon: f(epsilon),
    negLr: f(-lr),
  };
}

function step(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, xo: Float32Array, mo: Float32Array, vo: Float32Array, c: AdamConstants): void {
  const f = Math.fround;
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLr } = c;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    const m1 = f(f(m[i] * beta1) + f(gi * oneMinusBeta1));
    const v1 = f(f(v[i] * beta2) + f(f(gi * gi) * oneMinusBeta2));
    const mHat = f(m1 / oneMinusAccBeta1);
    const vHat = f(v1 / oneMinusAccBeta2);
    // the Float32Array stores round the last addition and the moments
    xo[i] = f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * negLr) + x[i];
    mo[i] = m1;
    vo[i] = v1;
  }
}

// The same arithmetic 4 lanes at a time, in wasm SIMD on the backend's memory (wasm-simd.ts):
// f32x4 add, mul, div and sqrt round each lane as the scalar float32 operations do.
const P = { x: 0, g: 1, m: 2, v: 3, xo: 4, mo: 5, vo: 6, bytes: 7 };
const CONSTANTS = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLr'] as const;
/** locals: the byte offset, the constants splatted to 4 lanes, and g, m', v' of the lanes in hand */
const I = 16;
const K = (c: (typeof CONSTANTS)[number]) => 17 + CONSTANTS.indexOf(c);
const [G, M1, V1] = [25, 26, 27];
const at = (p: number) => [op.localGet(p), op.localGet(I), op.i32Add];
const load = (p: number) => [...at(p), op.v128Load];

const ADAM_SIMD: SimdFunction = {
  name: 'adam',
  params: [...Array<ValueType>(8).fill('i32'), ...Array<ValueType>(8).fill('f32')],
  locals: ['i32', ...Array<ValueType>(8).fill('v128'), 'v128', 'v128', 'v128'],
  body: [
    ...CONSTANTS.flatMap((c, j) => [op.localGet(8 + j), op.f32x4Splat, op.localSet(K(c))]),
    ...until(atOrPast(I, P.bytes), [
      ...[...load(P.g), op.localSet(G)],
      // m' = m·β1 + g·(1-β1)
      ...[...load(P.m), op.localGet(K('beta1')), op.f32x4Mul, op.localGet(G), op.localGet(K('oneMinusBeta1')), op.f32x4Mul, op.f32x4Add, op.localSet(M1)],
      // v' = v·β2 + g²·(1-β2)
      ...[...load(P.v), op.localGet(K('beta2')), op.f32x4Mul, op.localGet(G), op.localGet(G), op.f32x4Mul, op.localGet(K('oneMinusBeta2')), op.f32x4Mul, op.f32x4Add, op.localSet(V1)],
      ...[...at(P.mo), op.localGet(M1), op.v128Store],
      ...[...at(P.vo), op.localGet(V1), op.v128Store],
      // x' = (m'/(1-β1ᵗ)) / (√(v'/(1-β2ᵗ)) + ε) · (-lr) + x
      ...at(P.xo),
      ...[op.localGet(M1), op.localGet(K('oneMinusAccBeta1')), op.f32x4Div],
      ...[op.localGet(V1), op.localGet(K('oneMinusAccBeta2')), op.f32x4Div, op.f32x4Sqrt, op.localGet(K('epsilon')), op.f32x4Add],
      ...[op.f32x4Div, op.localGet(K('negLr')), op.f32x4Mul, ...load(P.x), op.f32x4Add, op.v128Store],
      ...addTo(I, op.i32Const(16)),
    ]),
  ],
};

type AdamSimd = (x: number, g: number, m: number, v: number, xo: number, mo: number, vo: number, bytes: number, ...constants: number[]) => void;

const adamSimd = simdKernel<AdamSimd>(ADAM_SIMD);

function wasmKernel(params: Parameters<tf.KernelFunc>[0]): Info[] {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'x' | 'g' | 'm' | 'v'>;
  const { x, g, m, v } = inputs as Record<'x' | 'g' | 'm' | 'v', Info>;
  requireSameFloat32(ADAM_STEP, x, g, m, v);
  const outs = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput(x.shape, 'float32'), backend.makeOutput(x.shape, 'float32')];
  const offsets = heapOffsets(backend, x, g, m, v, ...outs);
  const c = attrs as unknown as AdamConstants;
  const n = tf.util.sizeFromShape(x.shape);
  const lanes = n - (n % 4);
  adamSimd(backend)(...(offsets as [number, number, number, number, number, number, number]), lanes * 4, ...CONSTANTS.map((k) => c[k]));
  if (lanes < n) {
    // the last 1-3 values, one at a time
    const views = heapViews(backend, x, g, m, v, ...outs) as Float32Array[];
    step(...(views.map((a) => a.subarray(lanes)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array]), c);
  }
  return outs;
}

function cpuKernel(params: Parameters<tf.KernelFunc>[0]): Info[] {
  const backend = params.backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info };
  const { x, g, m, v } = params.inputs as Record<'x' | 'g' | 'm' | 'v', Info>;
  requireSameFloat32(ADAM_STEP, x, g, m, v);
  const read = (t: Info) => backend.readSync(t.dataId) as Float32Array;
  const n = tf.util.sizeFromShape(x.shape);
  const [xo, mo, vo] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  step(read(x), read(g), read(m), read(v), xo, mo, vo, params.attrs as unknown as AdamConstants);
  return [xo, mo, vo].map((values) => backend.makeTensorInfo(x.shape, 'float32', values));
}

export const adamStepWasmConfig: tf.KernelConfig = { kernelName: ADAM_STEP, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc };
export const adamStepCpuConfig: tf.KernelConfig = { kernelName: ADAM_STEP, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc };
