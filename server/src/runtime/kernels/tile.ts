// Tile for wasm, when it repeats the whole tensor along leading axes ([1, 1, 1, c] to
// [b, h, w, c]: a per-channel value spread over a batch of images, as the gradients of Mean and of
// batch norm ask). The stock kernel computes every output element's source index, one division
// per axis per element: 410 ms of a 1 s training step of a convnet with two batch norms, measured
// by tf.profile. Here the input's data is copied whole, each copy doubling the filled part
// (copyWithin). Other tilings go to the stock kernel.

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews, size } from './util';

/** How many copies of the whole input the tiling is, or undefined when it is not one. */
export function wholeCopies(shape: readonly number[], reps: readonly number[]): number | undefined {
  if (reps.length !== shape.length) return undefined;
  // leading axes where the input has size 1 and is repeated; every axis after them kept as it is
  let k = 0;
  while (k < shape.length && shape[k] === 1) k++;
  for (let i = k; i < reps.length; i++) if (reps[i] !== 1) return undefined;
  return size(reps.slice(0, k));
}

function tile(stock: tf.KernelConfig, params: Parameters<tf.KernelFunc>[0]): Info {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'x'>;
  const x = inputs.x!;
  const { reps } = attrs as { reps: number[] };
  const copies = wholeCopies(x.shape, reps);
  if (copies === undefined || x.dtype === 'string') return stock.kernelFunc(params) as Info;
  const out = backend.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype);
  const [o, v] = heapViews(backend, out, x);
  const n = v.length;
  if (n === 0 || copies === 0) return out;
  o.set(v);
  for (let filled = n, total = n * copies; filled < total; filled *= 2) o.copyWithin(filled, 0, Math.min(filled, total - filled));
  return out;
}

export function tileConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return { kernelName: tf.Tile, backendName: 'wasm', kernelFunc: (params) => tile(stock, params) };
}
