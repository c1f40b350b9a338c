// Sweeps and overrides: the values of a train block named by keys (`batch_size`, `model`, and
// dotted for arguments: `optimizer.lr`, `early_stopping.patience`), the values to try written
// there (`try [0.1, 0.01]`, `try log_uniform(0.0001, 0.1)`), the trials they make (grid: every
// combination; random: `trials: N` draws), and a value put in place of one (`nn train --set`).
//
// One mechanism for both: a trial is a set of overrides, and an override is an edit of the
// train block's text, which is then analysed again by the same checker. So a value given on the
// command line or drawn by a sweep is checked exactly as one written in the file is.

import * as A from './syntax/ast';
import { parse } from './syntax/parser';
import { TRAIN_SETTINGS, TRAIN_CALLS } from './catalog/settings';
import { findSpec } from './catalog';
import type { PType } from './catalog/types';
import { paramOfArg, specForType } from './cursor';

/** The most trials a sweep may have (NN442). */
export const MAX_TRIALS = 1000;

/** One place of a train block that has values to try. */
export interface SweepAxis {
  /** the key of the value (`optimizer.lr`) */
  key: string;
  /** the `try` expression */
  at: A.TryExpr;
  /** the values as written (source text), for `try [..]` */
  values?: string[];
  /** for `try uniform(..)`/`try log_uniform(..)`; `int` when the value is a whole number */
  range?: { lo: number; hi: number; log: boolean; int: boolean };
}

export interface Sweep {
  axes: SweepAxis[];
  /** random search (`trials: N`), drawn with `seed`; grid search when absent */
  random?: { trials: number; seed: number };
  /** how many trials: the product of the values' counts (grid), or `trials` */
  count: number;
}

/** A trial: the key of each value to try and the value it takes (source text). */
export type Trial = Record<string, string>;

/** A value of a train block found by its key (visit's callback). */
interface Place {
  key: string;
  expr: A.Expr;
  type?: PType;
}

const SETTING_TYPES: ReadonlyMap<string, PType> = new Map(TRAIN_SETTINGS.map((p) => [p.name, p.type]));

/** Every value of a train block with its key: settings, callbacks, and the arguments of the calls in them, at any depth. */
export function valuesOf(decl: A.TrainDecl, visit: (p: Place) => void): void {
  const seen = new Set<string>();
  for (const e of decl.entries) {
    if (e.kind === 'Setting') {
      // only the first of a key counts (a second one is NN418)
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      walk(e.key, e.value, SETTING_TYPES.get(e.key), visit);
    } else {
      const name = e.call.callee;
      if (seen.has(name)) continue;
      seen.add(name);
      visit({ key: name, expr: e.call });
      const spec = (TRAIN_CALLS as readonly string[]).includes(name) ? findSpec('callback', name) : undefined;
      for (const a of e.call.args) {
        const p = spec && paramOfArg(spec, e.call, a);
        if (p) walk(`${name}.${p.name}`, A.argValue(a), p.type, visit);
      }
    }
  }
}

function walk(key: string, expr: A.Expr, type: PType | undefined, visit: (p: Place) => void, depth = 0): void {
  visit({ key, expr, type });
  let e = expr;
  while (e.kind === 'Paren') e = e.expr;
  if (e.kind !== 'Call' || !type || depth > 8) return;
  const spec = specForType(type, e.callee);
  if (!spec) return;
  for (const a of e.args) {
    const p = paramOfArg(spec, e, a);
    if (p) walk(`${key}.${p.name}`, A.argValue(a), p.type, visit, depth + 1);
  }
}

/**
 * The values to try of a train block (in the order written). `number` evaluates a range's end
 * (undefined when it is not a number: the analysis reports that).
 */
export function sweepAxes(decl: A.TrainDecl, text: string, number: (e: A.Expr) => number | undefined): SweepAxis[] {
  const axes: SweepAxis[] = [];
  valuesOf(decl, ({ key, expr, type }) => {
    if (expr.kind !== 'Try') return;
    const vs = expr.values;
    if (vs.kind === 'List') {
      // one line each: a value is given to --set, which takes one line
      if (vs.items.length) axes.push({ key, at: expr, values: vs.items.map((i) => text.slice(i.start, i.end).replace(/\s*[\r\n]+\s*/g, ' ')) });
      return;
    }
    if (vs.kind !== 'Call' || vs.args.length !== 2) return;
    const lo = number(A.argValue(vs.args[0]));
    const hi = number(A.argValue(vs.args[1]));
    const log = vs.callee === 'log_uniform';
    // a range that is wrong (NN441) is no axis: it is reported once, where it is written
    if (lo === undefined || hi === undefined || !(lo < hi) || (log && lo <= 0) || !numeric(type)) return;
    axes.push({ key, at: expr, range: { lo, hi, log, int: type?.t === 'int' } });
  });
  return axes;
}

/** Whether a value of this type can be a number (a range's values are). */
export function numeric(t: PType | undefined): boolean {
  return !!t && (t.t === 'int' || t.t === 'float' || (t.t === 'oneOf' && t.options.some((o) => o.t === 'int' || o.t === 'float')));
}

/** How many trials a grid of these axes makes (MAX_TRIALS + 1 once it is past the cap), or undefined when one is a range. */
export function gridCount(axes: readonly SweepAxis[]): number | undefined {
  let n = 1;
  for (const a of axes) {
    if (!a.values) return undefined;
    n = Math.min(n * a.values.length, MAX_TRIALS + 1);
  }
  return n;
}

/**
 * The trials of a sweep, in order: a grid's combinations with the last axis changing fastest, or
 * `trials` random draws from `random` (uniform in [0, 1): the caller's seeded generator, made
 * with the sweep's seed) — each list value equally likely, a range uniform, or uniform in its
 * logarithm for log_uniform.
 */
export function trialsOf(sweep: Sweep, random: () => number): Trial[] {
  const out: Trial[] = [];
  if (!sweep.random) {
    const idx = new Array<number>(sweep.axes.length).fill(0);
    for (let t = 0; t < sweep.count; t++) {
      const trial: Trial = {};
      sweep.axes.forEach((a, i) => (trial[a.key] = a.values![idx[i]]));
      out.push(trial);
      for (let i = idx.length - 1; i >= 0; i--) {
        if (++idx[i] < sweep.axes[i].values!.length) break;
        idx[i] = 0;
      }
    }
    return out;
  }
  for (let t = 0; t < sweep.random.trials; t++) {
    const trial: Trial = {};
    for (const a of sweep.axes) {
      if (a.values) {
        trial[a.key] = a.values[Math.min(a.values.length - 1, Math.floor(random() * a.values.length))];
        continue;
      }
      const { lo, hi, log, int } = a.range!;
      const u = random();
      const x = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
      trial[a.key] = int ? String(Math.min(Math.round(x), Math.floor(hi))) : String(Number(x.toPrecision(3)));
    }
    out.push(trial);
  }
  return out;
}

/** A trial's values as one line: `optimizer.lr=0.01 model=Deep`. */
export function trialText(trial: Trial): string {
  return Object.entries(trial)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

// ---- overrides ----

/** An edit of a file's text. */
export interface TextChange {
  start: number;
  end: number;
  newText: string;
}

/** Why an override cannot be put in place. */
export type OverrideProblem =
  | { kind: 'key'; key: string }
  | { kind: 'value'; key: string; value: string }
  | { kind: 'notCall'; key: string; at: string };

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Whether a key is written as one: names joined by dots. */
export function isKey(key: string): boolean {
  return KEY.test(key);
}

/** Whether `value` is one expression of the language, nothing more (no brace, comment or second value). */
export function isValue(value: string): boolean {
  if (/[\r\n{}#]/.test(value)) return false;
  const text = `const v = ${value}`;
  const p = parse(text);
  return p.errors.length === 0 && p.decls.length === 1 && p.decls[0].kind === 'Const' && p.decls[0].value.end === text.trimEnd().length;
}

/**
 * The edit that gives the value at `key` of a train block the source text `value`: it replaces
 * the value written there (a `try` included), or adds the setting, callback or argument where it
 * is not written (`optimizer.lr` without an optimizer adds `optimizer: adam(lr: ...)`, adam being
 * the default). The result is to be analysed again: what the value means is the checker's to say.
 */
export function overrideChange(decl: A.TrainDecl, key: string, value: string): TextChange | OverrideProblem {
  if (!isKey(key)) return { kind: 'key', key };
  if (!isValue(value)) return { kind: 'value', key, value };
  const places = new Map<string, A.Expr>();
  valuesOf(decl, (p) => places.set(p.key, p.expr));
  const found = places.get(key);
  if (found) return { start: found.start, end: found.end, newText: value };
  const parts = key.split('.');
  const head = parts[0];
  const isCallback = (TRAIN_CALLS as readonly string[]).includes(head);
  const end = decl.closed ? decl.end - 1 : decl.end;
  if (parts.length === 1) {
    return { start: end, end, newText: `  ${isCallback ? value : `${key}: ${value}`}\n` };
  }
  // the longest written prefix of the key must be a call: the argument is added to it
  for (let n = parts.length - 1; n >= 1; n--) {
    const prefix = parts.slice(0, n).join('.');
    const at = places.get(prefix);
    if (!at) continue;
    let call = at;
    while (call.kind === 'Paren') call = call.expr;
    if (call.kind !== 'Call' || n !== parts.length - 1) return { kind: 'notCall', key, at: prefix };
    const arg = `${parts[n]}: ${value}`;
    return { start: call.argsEnd, end: call.argsEnd, newText: call.args.length ? `, ${arg}` : arg };
  }
  if (parts.length !== 2) return { kind: 'notCall', key, at: head };
  if (isCallback) return { start: end, end, newText: `  ${head}(${parts[1]}: ${value})\n` };
  if (head === 'optimizer') return { start: end, end, newText: `  optimizer: adam(${parts[1]}: ${value})\n` };
  return { kind: 'notCall', key, at: head };
}

/** A value of an override as config.json records it: a number or true/false as such, anything else as written. */
export function overrideJson(value: string): string | number | boolean {
  const v = value.trim();
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** An override recorded in config.json back as source text. */
export function overrideText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}
