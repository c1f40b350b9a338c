// Building an ONNX graph: nodes in order, initializers (the weights, and constants such as
// shapes), and unique tensor names. Names read like the model: a layer's ops are `dense_1/MatMul`,
// its weights `dense_1/kernel` (tfjs' names), and its output tensor the layer's name.

import type { AttrP, NodeP, TensorP } from './proto';

export const float = (f: number): AttrP => ({ f });
export const int = (i: number): AttrP => ({ i });
export const ints = (v: readonly number[]): AttrP => ({ ints: v });
export const floats = (v: readonly number[]): AttrP => ({ floats: v });
export const string = (s: string): AttrP => ({ s });
export const strings = (v: readonly string[]): AttrP => ({ strings: v });

export class GraphBuilder {
  readonly nodes: NodeP[] = [];
  readonly initializers: TensorP[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  /** the layer being lowered: names its ops */
  private scope = '';
  /** the first node of the current scope */
  private scopeStart = 0;

  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.used.add(r);
  }

  /** A name not used yet: `base`, else `base_1`, `base_2`, ... */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Ops added from now on belong to the layer `name`. */
  enter(name: string): void {
    this.scope = name;
    this.scopeStart = this.nodes.length;
  }

  /** One op with one output; returns the output's name. */
  op(op: string, inputs: readonly string[], attrs?: Record<string, AttrP>): string {
    return this.opN(op, inputs, 1, attrs)[0];
  }

  /** One op with `outputs` outputs ('' where an optional output is not wanted: pass names instead). */
  opN(op: string, inputs: readonly string[], outputs: number | readonly (string | undefined)[], attrs?: Record<string, AttrP>): string[] {
    const name = this.unique(this.scope ? `${this.scope}/${op}` : op);
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => (i === 0 ? name : `${name}:${i}`)) : outputs.map((o, i) => (o === undefined ? `${name}:${i}` : o));
    for (const o of outs) if (o !== '') this.used.add(o);
    this.nodes.push({ name, op, inputs, outputs: outs, ...(attrs ? { attrs } : {}) });
    return outs;
  }

  /** A weight: a float initializer named after it. */
  weight(name: string, dims: readonly number[], data: Float32Array): string {
    const unique = this.unique(name);
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`weight '${name}': ${data.length} values for shape [${dims.join(', ')}]`);
    this.initializers.push({ name: unique, dims, data });
    return unique;
  }

  /** An int64 constant (a shape, axes, indices), shared by every op that needs the same values. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.unique(`const_i64_${this.constants.size}`);
    this.initializers.push({ name, dims, data: { int64: values } });
    this.constants.set(key, name);
    return name;
  }

  /** A float constant (a scalar when dims is []), shared like int64's. */
  float32(values: readonly number[] | Float32Array, dims: readonly number[] = []): string {
    const data = Float32Array.from(values);
    const key = `f${dims.join('x')}:${data.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.unique(`const_f32_${this.constants.size}`);
    this.initializers.push({ name, dims, data });
    this.constants.set(key, name);
    return name;
  }

  /**
   * Names the tensor `t` (the current layer's result) `name`: the op of this layer that made it
   * takes that name for its output, and the layer's later ops read it by that name. A tensor this
   * layer did not make (the layer passes its input on) is copied by an Identity.
   */
  name(t: string, name: string): string {
    const own = this.nodes.slice(this.scopeStart);
    const maker = own.find((n) => n.outputs.includes(t));
    if (!maker) return this.opN('Identity', [t], [name])[0];
    const rename = (xs: readonly string[]) => xs.map((x) => (x === t ? name : x));
    for (let i = this.scopeStart; i < this.nodes.length; i++) {
      const n = this.nodes[i];
      this.nodes[i] = { ...n, inputs: rename(n.inputs), outputs: rename(n.outputs) };
    }
    this.used.delete(t);
    return name;
  }
}
