// Shared by this project's wasm kernels: running the wasm backend's own kernels on tensor infos
// (the way tfjs' backends compose kernels, without going through the engine), and freeing the
// intermediates they make.

import { tf, type BackendWasm } from '../tf';

export type Info = tf.TensorInfo;
export type Attrs = tf.NamedAttrMap;

export interface KernelArgs<I extends string> {
  inputs: Partial<Record<I, Info>>;
  backend: BackendWasm;
  attrs: Attrs;
}

/** Runs kernel `name` of the wasm backend as currently registered. */
export function run(name: string, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: Attrs = {}): Info {
  return tf.getKernel(name, 'wasm').kernelFunc({ inputs, backend, attrs }) as Info;
}

/** The same data seen with another shape (no copy; the backend counts the reference). */
export function reshape(backend: BackendWasm, x: Info, shape: number[]): Info {
  return run(tf.Reshape, backend, { x }, { shape });
}

/** Swaps the last two axes (a copy, by the backend's transpose). */
export function transposeLast2(backend: BackendWasm, x: Info): Info {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return run(tf.Transpose, backend, { x }, { perm });
}

/** Frees intermediates (each drops one reference to its data). */
export function free(backend: BackendWasm, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/**
 * The backend's Conv2D, stride 1, padded by `top`/`left` and by `bottom`/`right`, which the
 * callers choose to make the output exactly height × width; when that takes negative padding
 * (input rows or columns no output reaches), the output is computed larger and cut.
 */
export function convWithPadding(backend: BackendWasm, x: Info, filter: Info, pads: { top: number; bottom: number; left: number; right: number }, dilations: [number, number], height: number, width: number): Info {
  const { top, bottom, left, right } = pads;
  const pad = [
    [0, 0],
    [top, Math.max(bottom, 0)],
    [left, Math.max(right, 0)],
    [0, 0],
  ];
  const out = run(tf.Conv2D, backend, { x, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations });
  if (bottom >= 0 && right >= 0) return out;
  const cut = run(tf.Slice, backend, { x: out }, { begin: [0, 0, 0, 0], size: [-1, height, width, -1] });
  free(backend, out);
  return cut;
}

/**
 * Views of the wasm heap holding these tensors. Call after the kernel's last allocation: an
 * allocation may grow the heap, which detaches views made before. Data that still lives on another
 * backend is moved here first (that allocates too), so all views are made after all moves.
 */
export function heapViews(backend: BackendWasm, ...infos: Info[]): tf.TypedArray[] {
  for (const t of infos) backend.dataIdMap.get(t.dataId);
  return infos.map((t) => backend.typedArrayFromHeap(t));
}

/** Where these tensors' data start on the wasm heap (byte offsets), moved here first if need be. */
export function heapOffsets(backend: BackendWasm, ...infos: Info[]): number[] {
  return infos.map((t) => backend.dataIdMap.get(t.dataId)!.memoryOffset);
}

/** Element-wise kernels of this project's: every operand float32, all of one shape. */
export function requireSameFloat32(kernel: string, first: Info, ...rest: Info[]): void {
  for (const t of [first, ...rest]) {
    if (t.dtype !== 'float32') throw new Error(`${kernel}: float32 only, got ${t.dtype}`);
    if (t.shape.length !== first.shape.length || t.shape.some((d, i) => d !== first.shape[i])) throw new Error(`${kernel}: shapes differ (${first.shape} and ${t.shape})`);
  }
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
