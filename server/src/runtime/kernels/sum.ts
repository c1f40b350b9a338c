// Sum (and Mean) for wasm, when it adds up leading axes: the bias gradients of every dense and convolutional
// layer (dy [b, h, w, c] summed to [c]). The stock kernel reduces only trailing axes, so it first
// transposes the whole tensor ([b·h·w, c] to [c, b·h·w]): 6 to 8 ms for the reference convnet's
// first layer, [128, 26, 26, 32]. Here rows are added into one row of float64 accumulators, eight
// rows at a time (a row at a time spends its time reloading the accumulators: 3.7 ms): 1.2 ms.
// Rounded to float32 once at the end, as the cpu backend does, so at least as accurate as the
// stock kernel. Other reductions go to the stock kernel.

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews, size } from './util';

/** How many leading axes `axis` names (0, 1, ..., k-1 with k below the rank), else undefined. */
function leadingAxes(axis: number | number[], rank: number): number | undefined {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return undefined;
  return axes.length;
}

/** The column sums of v as a [rows, width] matrix. */
function columnSums(v: Float32Array, rows: number, width: number): Float64Array {
  const acc = new Float64Array(width);
  const w = width;
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    for (let j = 0, k = r * w; j < w; j++, k++) {
      acc[j] += v[k] + v[k + w] + v[k + 2 * w] + v[k + 3 * w] + v[k + 4 * w] + v[k + 5 * w] + v[k + 6 * w] + v[k + 7 * w];
    }
  }
  for (; r < rows; r++) {
    for (let j = 0, k = r * w; j < w; j++, k++) acc[j] += v[k];
  }
  return acc;
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
  const [o, v] = heapViews(backend, out, x) as Float32Array[];
  const rows = size(x.shape.slice(0, lead));
  const sums = columnSums(v, rows, size(rest));
  if (mean) for (let j = 0; j < sums.length; j++) sums[j] /= rows;
  o.set(sums);
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
