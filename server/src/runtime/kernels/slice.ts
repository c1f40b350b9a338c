// Slice for wasm, and SplitV and Unpack, which stock wasm builds on its Slice function directly
// (not through the registry). The stock Slice first reads the whole source tensor out of the heap
// (readSync copies it) and then copies the part it wants: a slice costs as much as its source,
// whatever its size (31 ms for 64 rows of a 12,800 x 784 tensor; ../shared/notes/tfjs-backends.md).
// An LSTM splits its gates at every time step, forward and backward. Here the part is copied
// straight from a view of the heap, row by row of its last axis. Strings stay stock.

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews, size } from './util';

/** Copies the box `begin`..`begin + extent` of `x` (shape `shape`) into `out`, in row-major order. */
function copyBox(x: tf.TypedArray, shape: number[], begin: number[], extent: number[], out: tf.TypedArray): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides(shape);
  const row = extent[rank - 1];
  // index of the current row over the leading axes, as an odometer
  const at = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  const rows = size(extent.slice(0, -1));
  for (let r = 0, o = 0; r < rows; r++, o += row) {
    let from = begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) from += (begin[a] + at[a]) * strides[a];
    out.set(x.subarray(from, from + row), o);
    for (let a = rank - 2; a >= 0; a--) {
      if (++at[a] < extent[a]) break;
      at[a] = 0;
    }
  }
}

/** The box of `x` from `begin` of size `extent` (already parsed: no -1), as a new tensor. */
function sliceBox(backend: KernelArgs<'x'>['backend'], x: Info, begin: number[], extent: number[]): Info {
  const out = backend.makeOutput(extent, x.dtype);
  if (size(extent) === 0) return out;
  // views after the allocation, which may have moved the heap
  const [xv, ov] = heapViews(backend, x, out);
  if (tf.slice_util.isSliceContinous(x.shape, begin, extent)) {
    const from = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    ov.set(xv.subarray(from, from + size(extent)));
  } else {
    copyBox(xv, x.shape, begin, extent, ov);
  }
  return out;
}

const onHeap = (x: Info) => x.dtype !== 'string' && x.shape.length > 0;

export function sliceConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const { inputs, backend, attrs } = params as unknown as KernelArgs<'x'>;
    const x = inputs.x!;
    if (!onHeap(x)) return stock.kernelFunc(params) as Info;
    const { begin, size: sizes } = attrs as unknown as tf.SliceAttrs;
    const [b, extent] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, sizes);
    return sliceBox(backend, x, b, extent);
  };
  return { kernelName: tf.Slice, backendName: 'wasm', kernelFunc };
}

/** Consecutive parts of `x` along `axis`, of the sizes given. */
function split(backend: KernelArgs<'x'>['backend'], x: Info, axis: number, sizes: number[]): Info[] {
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const extent = [...x.shape];
    extent[axis] = s;
    const part = sliceBox(backend, x, [...begin], extent);
    begin[axis] += s;
    return part;
  });
}

export function splitVConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info[] => {
    const { inputs, backend, attrs } = params as unknown as KernelArgs<'x'>;
    const x = inputs.x!;
    if (!onHeap(x)) return stock.kernelFunc(params) as Info[];
    const { numOrSizeSplits, axis } = attrs as unknown as tf.SplitVAttrs;
    const a = tf.util.parseAxisParam(axis, x.shape)[0];
    return split(backend, x, a, tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, a));
  };
  return { kernelName: tf.SplitV, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export function unpackConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info[] => {
    const { inputs, backend, attrs } = params as unknown as KernelArgs<'value'>;
    const value = inputs.value!;
    if (!onHeap(value)) return stock.kernelFunc(params) as Info[];
    const a = tf.util.parseAxisParam((attrs as unknown as tf.UnpackAttrs).axis, value.shape)[0];
    const outShape = value.shape.filter((_, i) => i !== a);
    // each piece is a slice of size 1 along the axis, seen without it (the backend counts the data once)
    return split(backend, value, a, new Array<number>(value.shape[a]).fill(1)).map((t) => ({ dataId: t.dataId, dtype: t.dtype, shape: outShape }));
  };
  return { kernelName: tf.Unpack, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
