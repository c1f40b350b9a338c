// BatchMatMul for wasm. The stock kernel sends a product to XNNPACK only when neither operand is
// transposed and both have batch size 1; otherwise it runs a scalar loop. Backprop asks for
// transposed products all the time (dx = dy·Wᵀ, dW = xᵀ·dy), so training spent most of its time
// there. When the right operand is a single matrix (batch size 1, the weights of a layer), this
// kernel transposes explicitly (the backend's transpose), folds the left operand's batch into rows
// ([..., m, k] -> [1, rows, k], exact since the right operand is shared), and calls the stock
// kernel on its fast path. A batched right operand (attention scores) stays on the stock kernel:
// its loop runs as fast on transposed operands as on plain ones (measured on attention-sized
// products), so a transposed copy would buy nothing there.

import { tf, type BackendWasm } from '../tf';
import { wasmThreads } from '../wasm-threads';
import { gemm, gemmFits } from './gemm';
import { type Info, type KernelArgs, free, reshape, size, transposeLast2 } from './util';

type Inputs = KernelArgs<'a' | 'b'>;

/**
 * Transposed copies of right operands, by the source's data and shape, kept while the source
 * lives. A recurrent layer's backward pass multiplies by its recurrent kernel transposed at every
 * time step, and XNNPACK packs a right operand anew for every new tensor (its operators are cached
 * by tensor): with the same copy, it packs once a batch instead of once a step. Tensor data is
 * immutable, so a copy stays right while its source lives; copies of freed sources are freed at the
 * next product, and at most KEPT copies are kept.
 */
const transposed = new WeakMap<BackendWasm, Map<object, Map<string, Info>>>();
const KEPT = 16;

function transposedCopy(backend: BackendWasm, b: Info): Info {
  let bySource = transposed.get(backend);
  if (!bySource) transposed.set(backend, (bySource = new Map()));
  let count = 0;
  for (const [source, copies] of bySource) {
    if (backend.dataIdMap.has(source)) {
      count += copies.size;
      continue;
    }
    for (const c of copies.values()) free(backend, c);
    bySource.delete(source);
  }
  const key = b.shape.join(',');
  const hit = bySource.get(b.dataId)?.get(key);
  if (hit) return hit;
  if (count >= KEPT) {
    // the oldest source's copies go (Maps iterate in insertion order)
    const [source, copies] = bySource.entries().next().value!;
    for (const c of copies.values()) free(backend, c);
    bySource.delete(source);
  }
  const copy = transposeLast2(backend, b);
  const copies = bySource.get(b.dataId) ?? new Map<string, Info>();
  copies.set(key, copy);
  bySource.set(b.dataId, copies);
  return copy;
}

/** The operands as [1, rows, k] and [1, k, n], or undefined when the stock kernel should run. */
export function foldForFastPath(args: Inputs): { a: Info; b: Info; outShape: number[]; temps: Info[] } | undefined {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  if (size(outerB) !== 1) return undefined;
  if (!transposeA && !transposeB && size(outerA) === 1) return undefined;
  const [ra, ca] = a.shape.slice(-2);
  const [rb, cb] = b.shape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const [kb, n] = transposeB ? [cb, rb] : [rb, cb];
  // mismatched or empty operands: the stock kernel reports them as tfjs does
  if (k !== kb || m * k * n === 0) return undefined;
  const temps: Info[] = [];
  const at = transposeA ? transposeLast2(backend, a) : a;
  // a right operand is usually weights, multiplied again before they change: its copy is kept
  const bt = transposeB ? transposedCopy(backend, b) : b;
  if (transposeA) temps.push(at);
  const a3 = reshape(backend, at, [1, size(outerA) * m, k]);
  const b3 = reshape(backend, bt, [1, k, n]);
  temps.push(a3, b3);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n];
  return { a: a3, b: b3, outShape, temps };
}

/** On more than one thread, nn's product takes products of at most this many rows (of all of A's matrices). */
export const SHARED_ROWS = 64;

/** The product by gemm.ts, or undefined where it does not apply. */
function ownProduct(args: Inputs): Info | undefined {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const outerA = a.shape.slice(0, -2);
  const [ra, ca] = a.shape.slice(-2);
  const [rb, cb] = b.shape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const [kb, n] = transposeB ? [cb, rb] : [rb, cb];
  // mismatched or empty operands: the stock kernel reports them as tfjs does
  if (k !== kb || m * k * n === 0 || !gemmFits(a, b, n)) return undefined;
  const batch = size(outerA);
  if (wasmThreads() > 1 && batch * m > SHARED_ROWS) return undefined;
  const bt = transposeB ? transposedCopy(backend, b) : b;
  const out = backend.makeOutput([...tf.broadcast_util.assertAndGetBroadcastShape(outerA, b.shape.slice(0, -2)), m, n], 'float32');
  gemm(backend, a, bt, out, { batch, m, k, n, transposeA });
  return out;
}

export function batchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const args = params as unknown as Inputs;
    const own = ownProduct(args);
    if (own) return own;
    const fold = foldForFastPath(args);
    if (!fold) return stock.kernelFunc(params) as Info;
    const { backend } = args;
    const out = stock.kernelFunc({ inputs: { a: fold.a, b: fold.b }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;
    const result = reshape(backend, out, fold.outShape);
    free(backend, out, ...fold.temps);
    return result;
  };
  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc };
}
