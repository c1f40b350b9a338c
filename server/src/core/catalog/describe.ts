// Human-readable forms of the catalogue: signatures, parameter types, defaults. Shared by the
// generated reference (docs/reference.md), hover and signature help.

import type { FnSpec, ParamSpec, PType, BoundFn } from './types';

export function typeText(t: PType): string {
  switch (t.t) {
    case 'int':
      return t.min !== undefined && t.max !== undefined ? `int ${t.min}..${t.max}` : t.min !== undefined ? `int ≥ ${t.min}` : 'int';
    case 'float':
      if (t.min !== undefined && t.max !== undefined) return `number in ${t.minOpen ? '(' : '['}${t.min}, ${t.max}${t.maxOpen ? ')' : ']'}`;
      if (t.min !== undefined) return `number ${t.minOpen ? '>' : '≥'} ${t.min}`;
      if (t.max !== undefined) return `number ${t.maxOpen ? '<' : '≤'} ${t.max}`;
      return 'number';
    case 'bool':
      return 'true | false';
    case 'string':
      return '"text"';
    case 'word':
      return t.what;
    case 'enum':
      return t.values.join(' | ');
    case 'ints':
      return t.n === 1 ? 'int' : `int | [${new Array(t.n).fill('int').join(', ')}]`;
    case 'shape':
      return t.allowMinusOne ? 'shape, one dimension may be -1' : 'shape';
    case 'floats':
      return t.n ? `[${new Array(t.n).fill('number').join(', ')}]` : '[number, …]';
    case 'fn':
      return t.what;
    case 'list':
      return `[${typeText(t.of)}, …]`;
    case 'ref':
      return `${t.kind} name`;
    case 'oneOf':
      return t.options.map(typeText).join(' | ');
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
