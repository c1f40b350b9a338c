// nn's weights (tfjs names and layouts) as ONNX initializers: each layer takes its weights by
// their tfjs names (`take`), converting the layout where ONNX's op wants another (convolution
// kernels [out, in, *k]; recurrent weights one matrix per direction, gates in ONNX's order,
// input and recurrent biases apart). Every weight must be taken, and every weight taken must
// exist: a mismatch is a WeightError, never a silently missing or zero weight.

import type { LayerNodeDesc } from '../../core/model';
import { permute, WeightError, type NnWeight } from '../nn-weights';

export class WeightSource {
  private readonly byName: Map<string, NnWeight>;
  private readonly taken = new Set<string>();

  constructor(weights: readonly NnWeight[]) {
    this.byName = new Map(weights.map((w) => [w.name, w]));
  }

  /** The weight `<layer>/<suffix>` (`dense/kernel`), checked against the shape the description gives. */
  take(node: LayerNodeDesc, suffix: string): NnWeight {
    const name = `${node.name}/${suffix}`;
    const w = this.byName.get(name);
    if (!w) throw new WeightError(`no weight '${name}' for layer '${node.name}' (${node.kind})`);
    const desc = node.weights.find((d) => d.name === suffix);
    if (desc && desc.shape.join(',') !== w.shape.join(',')) throw new WeightError(`weight '${name}' has shape [${w.shape.join(', ')}]; the model gives [${desc.shape.join(', ')}]`);
    this.taken.add(name);
    return w;
  }

  /** Throws when a weight was given that no layer took. */
  finish(): void {
    const left = [...this.byName.keys()].filter((n) => !this.taken.has(n));
    if (left.length > 0) throw new WeightError(`weights of no layer: ${left.join(', ')}`);
  }
}

/** A tfjs kernel [*k, in, out] as ONNX's Conv weight [out, in, *k]. */
export function convKernel(w: NnWeight): { data: Float32Array; shape: number[] } {
  return permute(w.data, w.shape, w.shape.length === 3 ? [2, 1, 0] : [3, 2, 0, 1]);
}

/**
 * A recurrent kernel [in, gates·units] (gate blocks in Keras' order) as ONNX's [gates·units, in]
 * with the blocks in `order` (ONNX's gate i is Keras' gate order[i]).
 */
export function gateMatrix(w: NnWeight, units: number, order: readonly number[]): Float32Array {
  const t = permute(w.data, w.shape, [1, 0]);
  const rows = t.shape[1];
  const out = new Float32Array(t.data.length);
  order.forEach((from, to) => out.set(t.data.subarray(from * units * rows, (from + 1) * units * rows), to * units * rows));
  return out;
}

/** Keras' one bias [gates·units] as ONNX's B: the input bias in `order`, then a zero recurrent bias. */
export function gateBias(b: NnWeight | undefined, units: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(2 * order.length * units);
  if (b) order.forEach((from, to) => out.set(b.data.subarray(from * units, (from + 1) * units), to * units));
  return out;
}
