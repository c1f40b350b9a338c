// Checks of JSON read back from files (the run folder's config.json, state.json, ...): each check
// returns the value with its type or throws a SchemaError that says which field, what it holds and
// what it must be. Nothing read from a file reaches the trainer or tfjs unchecked.

import { renderRuntime, rmsg, type Found, type RuntimeMessage } from '../../core/runtime-messages';

/** A field of the wrong type or out of its range: `at` is its path (`data.featureShape[2]`); `said` the problem as a message id (English in `message`). */
export class SchemaError extends Error {
  readonly said: RuntimeMessage;
  constructor(
    readonly at: string,
    readonly expected: RuntimeMessage,
    readonly found: unknown,
  ) {
    const said = rmsg('schemaField', { at, ...(found === undefined ? {} : { found: describe(found) }), expected });
    super(renderRuntime(said, 'en'));
    this.said = said;
  }
}

export type Check<T> = (v: unknown, at: string) => T;

/** A value in a few characters, for a message: a type, or a short number or string. */
function describe(v: unknown): Found {
  if (v === null) return { text: 'null' };
  if (typeof v === 'number') return { text: String(v) };
  if (typeof v === 'string') return v.length <= 20 ? { text: JSON.stringify(v) } : { type: 'string' };
  if (Array.isArray(v)) return { list: v.length };
  return { type: typeof v };
}

const join = (at: string, key: string | number) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

export function int(min = 0, max = Number.MAX_SAFE_INTEGER): Check<number> {
  const what = max === Number.MAX_SAFE_INTEGER ? (min === Number.MIN_SAFE_INTEGER ? rmsg('expWhole', {}) : rmsg('expWhole', { min })) : rmsg('expWhole', { min, max });
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new SchemaError(at, what, v);
    return v;
  };
}

/** A finite number, at least `min`. */
export function num(min = -Infinity): Check<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new SchemaError(at, min === -Infinity ? rmsg('expNumber', {}) : rmsg('expNumber', { min }), v);
    return v;
  };
}

/** A measured value: JSON writes NaN and Infinity as null. */
export const measured: Check<number | null> = (v, at) => {
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) throw new SchemaError(at, rmsg('expNumberOrNull'), v);
  return v;
};

export function str(max = 10_000): Check<string> {
  return (v, at) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new SchemaError(at, rmsg('expText', { max }), v);
    return v;
  };
}

export const bool: Check<boolean> = (v, at) => {
  if (typeof v !== 'boolean') throw new SchemaError(at, rmsg('expBool'), v);
  return v;
};

export function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, at) => {
    if (!values.includes(v as T)) throw new SchemaError(at, rmsg('expOneOf', { values: values.map((x) => JSON.stringify(x)).join(', ') }), v);
    return v as T;
  };
}

/** Accepts what `a` or `b` accepts (the error is b's). */
export function either<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
  return (v, at) => {
    try {
      return a(v, at);
    } catch (e) {
      if (!(e instanceof SchemaError)) throw e;
      return b(v, at);
    }
  };
}

export function opt<T>(c: Check<T>): Check<T | undefined> {
  return (v, at) => (v === undefined ? undefined : c(v, at));
}

export function list<T>(c: Check<T>, min = 0, max = 100_000_000): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) throw new SchemaError(at, max === 100_000_000 ? rmsg('expList', { min }) : rmsg('expList', { min, max }), v);
    for (let i = 0; i < v.length; i++) c(v[i], join(at, i));
    return v as T[];
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object with any keys, each value checked by `c`. */
export function record<T>(c: Check<T>): Check<Record<string, T>> {
  return (v, at) => {
    if (!isObject(v)) throw new SchemaError(at, rmsg('expObject'), v);
    for (const [k, x] of Object.entries(v)) c(x, join(at, k));
    return v as Record<string, T>;
  };
}

type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

/** An object with these fields (others are ignored); an optional field is an `opt` check. */
export function object<T>(shape: Shape<T>): Check<T> {
  return (v, at) => {
    if (!isObject(v)) throw new SchemaError(at, rmsg('expObject'), v);
    for (const k of Object.keys(shape) as (keyof T & string)[]) shape[k](v[k], join(at, k));
    return v as T;
  };
}

/** A further check of a value that has its type: `test` returns what is wrong, or undefined. */
export function refine<T>(c: Check<T>, test: (v: T) => { at?: string; expected: RuntimeMessage; found: unknown } | undefined): Check<T> {
  return (v, at) => {
    const value = c(v, at);
    const wrong = test(value);
    if (wrong) throw new SchemaError(wrong.at === undefined ? at : join(at, wrong.at), wrong.expected, wrong.found);
    return value;
  };
}
