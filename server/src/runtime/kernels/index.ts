// This project's kernels, registered through tfjs' kernel registry (the supported way to add or
// replace a backend's kernels). For wasm: two fill gaps (kernels stock wasm lacks, without which
// CNNs and embeddings cannot train there), the others replace stock kernels that are slow, or
// wrong, for what backprop asks of them. For cpu: one replaces a wrong stock kernel. On both,
// kernels of this project's own names: NnAdamStep (a whole Adam update of a variable) and
// NnReluGrad (ReLU's gradient in one pass).
// `unregisterWasmKernels` puts stock wasm back, so a benchmark can compare both.

import { tf } from '../tf';
import { adamStepCpuConfig, adamStepWasmConfig } from './adam-step';
import { batchMatMulConfig } from './batch-mat-mul';
import { batchNormConfig } from './batch-norm';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { samePaddingConfig } from './conv2d-same-padding';
import { fusedMatMulConfig } from './fused-mat-mul';
import { castConfig, identityConfig } from './identity';
import { maxPoolGradConfig } from './max-pool-grad';
import { reluGradCpuConfig, reluGradWasmConfig } from './relu-grad';
import { resizeNearestNeighborGradCpuConfig, resizeNearestNeighborGradWasmConfig } from './resize-nearest-neighbor-grad';
import { sliceConfig, splitVConfig, unpackConfig } from './slice';
import { meanConfig, sumConfig } from './sum';
import { tileConfig } from './tile';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/**
 * A kernel that stock tfjs has; the factory gets the stock config, to delegate to it. The stock
 * kernel's setup (run when the backend starts) stays attached, so the stock kernel works whether
 * ours was registered before the backend started or not, and after unregistering.
 */
type Replacement = [name: string, make: (stock: tf.KernelConfig) => tf.KernelConfig];

/** Kernels stock wasm does not have. */
const WASM_ADDED: tf.KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig, adamStepWasmConfig, reluGradWasmConfig];

const WASM_REPLACED: Replacement[] = [
  [tf.BatchMatMul, batchMatMulConfig],
  [tf._FusedMatMul, fusedMatMulConfig],
  [tf.Conv2D, samePaddingConfig],
  [tf.FusedConv2D, samePaddingConfig],
  [tf.Conv2DBackpropInput, conv2DBackpropInputConfig],
  [tf.MaxPoolGrad, () => maxPoolGradConfig],
  [tf.ResizeNearestNeighborGrad, () => resizeNearestNeighborGradWasmConfig],
  [tf.FusedBatchNorm, batchNormConfig],
  [tf.Sum, sumConfig],
  [tf.Mean, meanConfig],
  [tf.Tile, tileConfig],
  [tf.Identity, identityConfig],
  [tf.Cast, castConfig],
  [tf.Slice, sliceConfig],
  [tf.SplitV, splitVConfig],
  [tf.Unpack, unpackConfig],
];

const CPU_REPLACED: Replacement[] = [[tf.ResizeNearestNeighborGrad, () => resizeNearestNeighborGradCpuConfig]];

/** Kernels stock cpu does not have. */
const CPU_ADDED: tf.KernelConfig[] = [adamStepCpuConfig, reluGradCpuConfig];

export const WASM_KERNELS: readonly string[] = [...WASM_ADDED.map((k) => k.kernelName), ...WASM_REPLACED.map(([name]) => name)];

/** The stock configs of replaced kernels while ours are registered, by backend. */
const stock = { wasm: new Map<string, tf.KernelConfig>(), cpu: new Map<string, tf.KernelConfig>() };

function replace(backend: 'wasm' | 'cpu', table: Replacement[]): void {
  for (const [name] of table) {
    if (!tf.getKernel(name, backend)) throw new Error(`${backend} has no '${name}' kernel to replace: load its backend first`);
  }
  for (const [name, make] of table) {
    const original = tf.getKernel(name, backend);
    const mine = make(original);
    if (mine.setupFunc || mine.disposeFunc) throw new Error(`${name}: a replacement kernel takes the stock kernel's setup`);
    stock[backend].set(name, original);
    tf.unregisterKernel(name, backend);
    tf.registerKernel({ ...mine, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc });
  }
}

function restore(backend: 'wasm' | 'cpu'): void {
  for (const [name, original] of stock[backend]) {
    tf.unregisterKernel(name, backend);
    tf.registerKernel(original);
  }
  stock[backend].clear();
}

export function wasmKernelsRegistered(): boolean {
  return stock.wasm.size > 0;
}

/** Registers this project's wasm kernels (idempotent). Call before or after the backend starts. */
export function registerWasmKernels(): void {
  if (wasmKernelsRegistered()) return;
  for (const k of WASM_ADDED) {
    if (tf.getKernel(k.kernelName, 'wasm')) throw new Error(`wasm already has a '${k.kernelName}' kernel: this tfjs is not the version these kernels were written for`);
  }
  replace('wasm', WASM_REPLACED);
  for (const k of WASM_ADDED) tf.registerKernel(k);
}

/** Restores stock wasm: removes the added kernels and puts the replaced ones back. */
export function unregisterWasmKernels(): void {
  if (!wasmKernelsRegistered()) return;
  for (const k of WASM_ADDED) tf.unregisterKernel(k.kernelName, 'wasm');
  restore('wasm');
}

/** Registers this project's cpu kernels (idempotent). */
export function registerCpuKernels(): void {
  if (stock.cpu.size > 0) return;
  replace('cpu', CPU_REPLACED);
  for (const k of CPU_ADDED) tf.registerKernel(k);
}

/** Restores stock cpu kernels. */
export function unregisterCpuKernels(): void {
  if (stock.cpu.size > 0) for (const k of CPU_ADDED) tf.unregisterKernel(k.kernelName, 'cpu');
  restore('cpu');
}
