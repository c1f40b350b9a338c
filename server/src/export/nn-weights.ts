// nn's weights as every export reads them: each tfjs weight by its full name (`dense/kernel`),
// shape and values, from a compiled model (the initial weights of a seed, as the trainer starts
// from them) or from a run's checkpoint. The targets convert them: export/pytorch/weights.ts
// into a state_dict, export/onnx/weights.ts into initializers.

import type { tf } from '../runtime/tf';
import { compileModel } from '../runtime/compile';
import { loadModel } from '../runtime/train/checkpoint';
import type { ModelDesc } from '../core/model';

/** One tfjs weight: its full name (`dense/kernel`), shape and values. */
export interface NnWeight {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/** A weight that has no place in the exported model, or a place with no weight. */
export class WeightError extends Error {}

/** nn's weights of a tfjs model, by their tfjs names, in the model's order. */
export function weightsOf(model: tf.LayersModel): NnWeight[] {
  return model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: Float32Array.from(w.read().dataSync() as Float32Array) }));
}

/** The weights nn starts training `desc` from with `seed` (every initializer seeded, as the trainer compiles it). */
export function initialWeights(desc: ModelDesc, seed: number): NnWeight[] {
  const { model } = compileModel(desc, { seed });
  try {
    return weightsOf(model);
  } finally {
    model.dispose();
  }
}

/** nn's weights of a run, as the tfjs checkpoint in `dir` holds them. */
export async function checkpointWeights(dir: string): Promise<NnWeight[]> {
  const model = await loadModel(dir);
  try {
    return weightsOf(model);
  } finally {
    model.dispose();
  }
}

/** `data` of `shape` with its axes reordered: axis i of the result is axis perm[i] of the input. */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i] * strides[i];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** The order that undoes `perm`: permute(permute(x, p), inverse(p)) is x. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}
