// Human-readable forms of the catalogue: signatures, parameter types, defaults. Shared by the
// generated reference (docs/reference.md), hover and signature help.

import type { FnSpec, ParamSpec, PType, BoundFn } from './types';

/** The words a parameter type is written with, per language (docs-zh.ts has the Chinese). */
export interface TypeWords {
  int: string;
  number: string;
  text: string;
  shape: string;
  /** a shape in which one dimension may be -1 */
  shapeMinusOne: string;
  /** a value of kind `n` within `range`: "number in [0, 1)" */
  inRange(n: string, range: string): string;
  /** what a word or function parameter takes: `PType.what` ('activation', 'loss') */
  what(w: string): string;
  /** the name of a declared model or dataset */
  ref(kind: 'model' | 'dataset'): string;
}

export const TYPE_WORDS_EN: TypeWords = {
  int: 'int',
  number: 'number',
  text: 'text',
  shape: 'shape',
  shapeMinusOne: 'shape, one dimension may be -1',
  inRange: (n, range) => `${n} in ${range}`,
  what: (w) => w,
  ref: (kind) => `${kind} name`,
};

export function typeText(t: PType, w: TypeWords = TYPE_WORDS_EN): string {
  switch (t.t) {
    case 'int':
      return t.min !== undefined && t.max !== undefined ? `${w.int} ${t.min}..${t.max}` : t.min !== undefined ? `${w.int} ≥ ${t.min}` : w.int;
    case 'float':
      if (t.min !== undefined && t.max !== undefined) return w.inRange(w.number, `${t.minOpen ? '(' : '['}${t.min}, ${t.max}${t.maxOpen ? ')' : ']'}`);
      if (t.min !== undefined) return `${w.number} ${t.minOpen ? '>' : '≥'} ${t.min}`;
      if (t.max !== undefined) return `${w.number} ${t.maxOpen ? '<' : '≤'} ${t.max}`;
      return w.number;
    case 'bool':
      return 'true | false';
    case 'string':
      return `"${w.text}"`;
    case 'word':
      return w.what(t.what);
    case 'enum':
      return t.values.join(' | ');
    case 'ints':
      return t.n === 1 ? w.int : `${w.int} | [${new Array(t.n).fill(w.int).join(', ')}]`;
    case 'shape':
      return t.allowMinusOne ? w.shapeMinusOne : w.shape;
    case 'floats':
      return t.n ? `[${new Array(t.n).fill(w.number).join(', ')}]` : `[${w.number}, …]`;
    case 'fn':
      return w.what(t.what);
    case 'list':
      return `[${typeText(t.of, w)}, …]`;
    case 'ref':
      return w.ref(t.kind);
    case 'oneOf':
      return t.options.map((o) => typeText(o, w)).join(' | ');
  }
}

export function valueText(v: unknown): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.length > 1 && v.every((x) => x === v[0]) ? String(v[0]) : `[${v.map(valueText).join(', ')}]`;
  if (typeof v === 'object' && v !== null && 'spec' in v) return boundText(v as BoundFn);
  return String(v);
}

function boundText(b: BoundFn): string {
  const args = b.spec.params.filter((p) => b.given[p.name] !== undefined).map((p) => `${p.name}: ${valueText(b.args[p.name])}`);
  return `${b.spec.name}(${args.join(', ')})`;
}

export function paramText(p: ParamSpec): string {
  if (p.required) return p.name;
  const d = valueText(p.default);
  return d ? `${p.name}: ${d}` : `${p.name}?`;
}

/** `dense(units, activation: linear, use_bias: true, kernel_regularizer?, bias_regularizer?)` */
export function signature(spec: FnSpec): string {
  return `${spec.name}(${spec.params.map(paramText).join(', ')})`;
}
