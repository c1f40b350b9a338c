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

/** Keras' bias as ONNX's B: one bias [gates·units] is the input bias in `order` and a zero recurrent bias; a GRU's two with reset_after, [2, 3·units], are both. */
export function gateBias(b: NnWeight | undefined, units: number, order: readonly number[]): Float32Array {
  const gu = order.length * units;
  const out = new Float32Array(2 * gu);
  // a GRU with reset_after has two rows, [2, g·u]: the input's bias, then the recurrent one's
  const rows = b ? b.data.length / gu : 0;
  for (let row = 0; row < rows; row++) {
    order.forEach((from, to) => out.set(b!.data.subarray(row * gu + from * units, row * gu + (from + 1) * units), row * gu + to * units));
  }
  return out;
}
