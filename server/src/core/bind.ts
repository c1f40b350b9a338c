// Checking values against parameter types, and binding call arguments to a function's
// parameters. The result is normalised JS values (numbers, strings, arrays, bound functions);
// `undefined` stands for "unknown", after an error was reported or when a value depends on a
// block parameter that is not bound yet. Only this file turns Values into arguments.

import type { PType, FnSpec, BoundFn, Args, Category, ParamSpec, Written } from './catalog/types';
import { findSpec, specsOf, CATEGORY_NAMES } from './catalog';
import { LAYER_ONLY_ACTIVATIONS } from './catalog/common';
import { type Value, type Loc, type Sink, type CallArg, type Env, type ConstTable, report, describeValue, calleeLoc, evaluate } from './values';
import type { Program } from './program';
import type { Fix } from './diagnostics';
import { suggest } from './suggest';
import { numeric } from './sweep';
import { fix } from './fixes';
import { type NamedDecl, type CallExpr, type Arg, type BlockDecl, type Param, argNameSpan, argValue, calleeSpan } from './syntax/ast';

export interface BindCtx {
  program: Program;
  sink: Sink;
  /** the file whose names are visible, for suggestions */
  file: string;
  /** block parameters in scope, for suggestions */
  params?: ReadonlyMap<string, unknown>;
}

export type Given = Readonly<Record<string, CallArg | undefined>>;

/** No arguments written (shared, so a call without arguments allocates nothing for them). */
export const NONE_GIVEN: Readonly<Record<string, never>> = Object.freeze({});

export interface Bound extends BoundFn {
  /** the arguments written at the call, by parameter: their span and value */
  given: Given;
  /** the call (or bare name) itself */
  at: Loc;
  /** the function's name as written */
  readonly calleeAt: Loc;
}

/** What bindCall returns: `calleeAt` is made when read (only to report a problem there), not for every call. */
class BoundCall implements Bound {
  constructor(
    readonly spec: FnSpec,
    readonly args: Args,
    readonly given: Given,
    readonly at: Value & { k: 'call' | 'word' },
  ) {}

  get calleeAt(): Loc {
    return this.at.k === 'call' ? calleeLoc(this.at) : this.at;
  }
}

/** Where a written argument's value is. */
export function valueAt(b: { given: Given }, name: string): Loc | undefined {
  return b.given[name]?.value;
}

/** The argument written for parameter `name` in a call, found in the syntax: the one bindCall binds to it. */
export function writtenArg(spec: FnSpec, call: CallExpr, name: string): Arg | undefined {
  const t = table(spec);
  let position = 0;
  for (let i = 0; i < call.args.length; i++) {
    if (paramOf(t, spec.name, call, i, position, '', undefined)?.name === name) return call.args[i];
    position = nextPosition(call.args[i], position);
  }
  return undefined;
}

/**
 * The parameters a call's written arguments bind to, by bindCall's rules (an unknown name, a
 * positional argument after a named one, a surplus one bind to nothing): the `given` of the
 * call's Bound with `true` for values. What a layer's weights are recomputed from (graph.ts).
 */
export function writtenParams(spec: FnSpec, call: CallExpr): Written {
  const t = table(spec);
  let out: Record<string, true> | undefined;
  let position = 0;
  for (let i = 0; i < call.args.length; i++) {
    const param = paramOf(t, spec.name, call, i, position, '', undefined);
    position = nextPosition(call.args[i], position);
    if (param) (out ??= {})[param.name] = true;
  }
  return out ?? NONE_GIVEN;
}

/** What matching arguments to parameters needs: parameters by position and by name (`P` is a function's ParamSpec, or a block's Param). */
interface Matcher<P> {
  positional: readonly P[];
  /** the names of `positional` */
  positionalNames: readonly string[];
  byName: ReadonlyMap<string, P>;
  /** other names people write, for "did you mean" */
  aliases: ReadonlyMap<string, string>;
  names: string[];
  /**
   * The named-only parameter whose values include this word (`relu` of `activation:`, `same` of
   * `padding:`): a surplus positional argument written as that word was meant for it, as in
   * Keras' `Dense(8, 'relu')`. Absent where no parameter is named-only with a list of values.
   */
  namedByValue?: ReadonlyMap<string, string>;
}

/** Parameters by position and by name, computed once per function. */
interface ParamTable extends Matcher<ParamSpec> {
  /**
   * Every parameter with its default, in order. Frozen: a call that binds no argument shares it
   * (most layer calls in a model, `relu()` or `activation: relu`, write none); one that binds
   * some gets a copy (one shape per function).
   */
  defaults: Args;
  /** how each parameter is named in messages, "dense(units)": made once, not per argument */
  labels: Map<ParamSpec, string>;
}
const TABLES = new WeakMap<FnSpec, ParamTable>();
function table(spec: FnSpec): ParamTable {
  let t = TABLES.get(spec);
  if (!t) {
    const aliases = new Map<string, string>();
    for (const p of spec.params) for (const al of p.aliases ?? []) aliases.set(al, p.name);
    const positional = spec.params.filter((p) => !p.namedOnly);
    const namedByValue = new Map<string, string>();
    for (const p of spec.params) if (p.namedOnly && p.type.t === 'enum') for (const v of p.type.values) if (!namedByValue.has(v)) namedByValue.set(v, p.name);
    t = {
      positional,
      positionalNames: positional.map((p) => p.name),
      byName: new Map(spec.params.map((p) => [p.name, p])),
      aliases,
      names: spec.params.map((p) => p.name),
      defaults: Object.freeze(Object.fromEntries(spec.params.map((p) => [p.name, p.required ? undefined : p.default]))),
      labels: new Map(spec.params.map((p) => [p, `${spec.name}(${p.name})`])),
      ...(namedByValue.size ? { namedByValue } : {}),
    };
    TABLES.set(spec, t);
  }
  return t;
}

const NO_ALIASES: ReadonlyMap<string, string> = new Map();
const BLOCK_MATCHERS = new WeakMap<BlockDecl, Matcher<Param>>();
/** A block's parameters for matching a call's arguments: all positional, none with aliases; made once per block. */
export function blockMatcher(block: BlockDecl): Matcher<Param> {
  let m = BLOCK_MATCHERS.get(block);
  if (!m) {
    const names = block.params.map((p) => p.name.text);
    m = { positional: block.params, positionalNames: names, byName: new Map(block.params.map((p) => [p.name.text, p])), aliases: NO_ALIASES, names };
    BLOCK_MATCHERS.set(block, m);
  }
  return m;
}

/**
 * The positional slot a positional argument written after a named one (`i`-th of the call) was
 * probably meant for: the one it would fill if the named arguments were not there, unless a
 * named argument gives that parameter. Binding binds such an argument to nothing (NN208); its fix
 * names it after this slot, and hover and completion show this parameter, so the two agree.
 */
function intendedPosition<P>(t: Matcher<P>, call: CallExpr, i: number): number | undefined {
  let k = 0;
  for (let j = 0; j < i; j++) if (call.args[j].kind !== 'Arg') k++;
  const name = t.positionalNames[k];
  if (name === undefined || call.args.some((a) => a.kind === 'Arg' && a.name === name)) return undefined;
  return k;
}

/** The parameters of `spec` an argument can fill by position, in order (made once per function). */
export function positionalParams(spec: FnSpec): readonly ParamSpec[] {
  return table(spec).positional;
}

/** The parameter `intendedPosition` gives for the `i`-th argument of a call of `spec`. */
export function intendedParam(spec: FnSpec, call: CallExpr, i: number): ParamSpec | undefined {
  const t = table(spec);
  const k = intendedPosition(t, call, i);
  return k === undefined ? undefined : t.positional[k];
}

/** A fix that writes `name: ` before a positional argument (at `at`), titled with the result. */
function nameArgumentFix(program: Program, at: Loc, name: string): Fix[] {
  const value = program.text(at.file).slice(at.start, at.end);
  const shown = value.length > 24 ? `${value.slice(0, 23)}…` : value;
  return fix('fixWrite', { text: `${name}: ${shown}` }, [{ file: at.file, start: at.start, end: at.start, newText: `${name}: ` }]);
}

/** A fix that replaces a misspelt word, offered only when the text there is that word. */
export function replaceFix(program: Program, at: Loc, word: string, replacement: string): Fix[] {
  if (program.text(at.file).slice(at.start, at.end) !== word) return [];
  return fix('fixChangeTo', { text: replacement }, [{ file: at.file, start: at.start, end: at.end, newText: replacement }], true);
}

export function rangeText(t: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean }): string | undefined {
  const { min, max } = t;
  if (min !== undefined && max !== undefined) return `in ${t.minOpen ? '(' : '['}${min}, ${max}${t.maxOpen ? ')' : ']'}`;
  if (min !== undefined) return t.minOpen ? `greater than ${min}` : `at least ${min}`;
  if (max !== undefined) return t.maxOpen ? `less than ${max}` : `at most ${max}`;
  return undefined;
}

function inRange(v: number, t: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean }): boolean {
  if (t.min !== undefined && (t.minOpen ? v <= t.min : v < t.min)) return false;
  if (t.max !== undefined && (t.maxOpen ? v >= t.max : v > t.max)) return false;
  return true;
}

export function expectedText(t: PType): string {
  switch (t.t) {
    case 'int':
      return 'a whole number';
    case 'float':
      return 'a number';
    case 'bool':
      return 'true or false';
    case 'string':
      return 'a string in quotes';
    case 'word':
      return `a ${t.what} such as val_loss`;
    case 'enum':
      return `a ${t.what} (${t.values.join(', ')})`;
    case 'ints':
      return t.n === 1 ? 'a whole number' : `a whole number or a list of ${t.n}`;
    case 'shape':
      return 'a shape such as [28, 28, 1]';
    case 'floats':
      return t.n ? `a list of ${t.n} numbers` : 'a list of numbers';
    case 'fn':
      return `a ${t.what}`;
    case 'list':
      return `a list of ${expectedText(t.of).replace(/^an? /, '')}s`;
    case 'ref':
      return `a ${t.kind} name`;
    case 'oneOf':
      return t.expected;
  }
}

function declKind(d: NamedDecl): string {
  return d.kind === 'Const' ? 'constant' : d.kind.toLowerCase();
}

/** An undeclared bare word where a name or number was expected. */
function unknownName(v: Value & { k: 'word' }, c: BindCtx, kinds?: string[]): void {
  const candidates = [...(c.params?.keys() ?? [])];
  for (const s of c.program.visible(c.file)) if (!kinds || kinds.includes(declKind(s.decl))) candidates.push(s.decl.name!.text);
  const s = suggest(v.v, candidates);
  report(c.sink, v, 'NN101', 'unknownName', { name: v.v, suggestion: s }, { fixes: s ? replaceFix(c.program, v, v.v, s) : [] });
}

function wrong(v: Value, t: PType, what: string, c: BindCtx): undefined {
  if (v.k === 'word' && (t.t === 'int' || t.t === 'float' || t.t === 'ints' || t.t === 'floats' || t.t === 'shape' || t.t === 'bool')) {
    unknownName(v, c);
    return undefined;
  }
  report(c.sink, v, 'NN205', 'wrongType', { what, expected: expectedText(t), got: describeValue(v) });
  return undefined;
}

function isInt(v: number): boolean {
  return Number.isInteger(v);
}

/** Each item of a list checked against `item`: the normalised items, or undefined when one failed (all are reported). */
function coerceItems(items: readonly Value[], item: PType, what: string, c: BindCtx): unknown[] | undefined {
  const out = new Array<unknown>(items.length);
  let ok = true;
  for (let i = 0; i < items.length; i++) if ((out[i] = coerce(items[i], item, what, c)) === undefined) ok = false;
  return ok ? out : undefined;
}

/** The type of one element of an `ints` type: made once per type, not per element. */
const INT_ITEM = new WeakMap<PType, PType>();
function intItem(t: PType & { t: 'ints' }): PType {
  let i = INT_ITEM.get(t);
  if (!i) INT_ITEM.set(t, (i = { t: 'int', min: t.min }));
  return i;
}
const FLOAT: PType = { t: 'float' };

/** Check a value against a type; return the normalised value, or undefined after reporting. */
export function coerce(v: Value, t: PType, what: string, c: BindCtx): unknown {
  if (v.k === 'unknown') return undefined;
  if (v.k === 'try') return coerceTry(v, t, what, c);
  switch (t.t) {
    case 'int':
    case 'float': {
      if (v.k !== 'num') return wrong(v, t, what, c);
      if (t.t === 'int' && !isInt(v.v)) {
        report(c.sink, v, 'NN205', 'wrongType', { what, expected: 'a whole number', got: String(v.v) });
        return undefined;
      }
      if (!inRange(v.v, t)) {
        report(c.sink, v, 'NN206', 'outOfRange', { what, expected: rangeText(t)!, got: String(v.v) });
        return undefined;
      }
      return v.v;
    }
    case 'bool':
      return v.k === 'bool' ? v.v : wrong(v, t, what, c);
    case 'string':
      return v.k === 'str' ? v.v : wrong(v, t, what, c);
    case 'word':
      return v.k === 'word' || v.k === 'str' ? v.v : wrong(v, t, what, c);
    case 'enum': {
      if (v.k !== 'word' && v.k !== 'str') return wrong(v, t, what, c);
      if (t.values.includes(v.v)) return v.v;
      if (t.what === 'activation' && (LAYER_ONLY_ACTIVATIONS as readonly string[]).includes(v.v)) {
        report(c.sink, v, 'NN207', 'activationNotAvailable', { value: v.v });
        return undefined;
      }
      const s = suggest(v.v, t.values);
      report(c.sink, v, 'NN207', 'unknownValue', { what: t.what, value: v.v, suggestion: s, options: [...t.values] }, { fixes: s ? replaceFix(c.program, v, v.v, s) : [] });
      return undefined;
    }
    case 'ints': {
      if (v.k === 'num') {
        const r = coerce(v, intItem(t), what, c);
        return r === undefined ? undefined : new Array<number>(t.n).fill(r as number);
      }
      if (v.k === 'list') {
        if (v.items.length !== t.n) return wrong(v, t, what, c);
        return coerceItems(v.items, intItem(t), what, c);
      }
      return wrong(v, t, what, c);
    }
    case 'shape': {
      if (v.k !== 'list') {
        if (v.k === 'num' && !t.allowMinusOne) {
          const fixes: Fix[] =
            c.program.text(v.file).slice(v.start, v.end) === String(v.v)
              ? fix('fixWrite', { text: `[${v.v}]` }, [{ file: v.file, start: v.start, end: v.end, newText: `[${v.v}]` }], true)
              : [];
          report(c.sink, v, 'NN309', 'invalidShape', { got: describeValue(v) }, { fixes });
          return undefined;
        }
        return wrong(v, t, what, c);
      }
      if (v.items.length === 0) {
        report(c.sink, v, 'NN309', 'invalidShape', { got: '[]' });
        return undefined;
      }
      // sized up front: an array grown by push keeps room for 17 elements, and shapes are kept
      const dims = new Array<number>(v.items.length);
      let ok = true;
      for (let k = 0; k < dims.length; k++) {
        const i = v.items[k];
        if (i.k === 'unknown') {
          ok = false;
          continue;
        }
        if (i.k !== 'num' || !isInt(i.v) || !(i.v >= 1 || (t.allowMinusOne && i.v === -1))) {
          if (i.k === 'word') unknownName(i, c);
          else report(c.sink, i, 'NN309', 'invalidShape', { got: describeValue(i) });
          ok = false;
          continue;
        }
        dims[k] = i.v;
      }
      return ok ? dims : undefined;
    }
    case 'floats': {
      if (v.k !== 'list' || (t.n !== undefined && v.items.length !== t.n)) return wrong(v, t, what, c);
      return coerceItems(v.items, FLOAT, what, c);
    }
    case 'list':
      return coerceItems(v.k === 'list' ? v.items : [v], t.of, what, c);
    case 'ref': {
      if (v.k === 'word') {
        unknownName(v, c, [t.kind]);
        return undefined;
      }
      if (v.k !== 'ref') return wrong(v, t, what, c);
      const kind = declKind(v.decl);
      if (kind !== t.kind) {
        report(c.sink, v, 'NN107', 'wrongKindOfName', { name: v.decl.name!.text, is: kind, expected: t.kind });
        return undefined;
      }
      return v;
    }
    case 'fn':
      return coerceFn(v, t, what, c);
    case 'oneOf': {
      const option = t.options.find((o) => fits(v, o));
      if (!option) {
        if (v.k === 'word') {
          // neither a declared name nor a known function: suggest from both
          const fnOption = t.options.find((o) => o.t === 'fn');
          const refOption = t.options.find((o) => o.t === 'ref');
          const candidates = [
            ...(fnOption && fnOption.t === 'fn' ? specsOf(fnOption.category).map((s) => s.name) : []),
            ...(refOption && refOption.t === 'ref' ? c.program.visible(c.file).filter((s) => declKind(s.decl) === refOption.kind).map((s) => s.decl.name!.text) : []),
          ];
          const s = suggest(v.v, candidates);
          report(c.sink, v, 'NN101', 'unknownName', { name: v.v, suggestion: s }, { fixes: s ? replaceFix(c.program, v, v.v, s) : [] });
          return undefined;
        }
        report(c.sink, v, 'NN205', 'wrongType', { what, expected: t.expected, got: describeValue(v) });
        return undefined;
      }
      return coerce(v, option, what, c);
    }
  }
}

/** Does the value's form match this alternative of a `oneOf`? */
function fits(v: Value, t: PType): boolean {
  switch (t.t) {
    case 'int':
    case 'float':
      return v.k === 'num';
    case 'bool':
      return v.k === 'bool';
    case 'string':
      return v.k === 'str';
    case 'word':
    case 'enum':
      return v.k === 'word' || v.k === 'str';
    case 'ints':
      return v.k === 'num' || v.k === 'list';
    case 'shape':
    case 'floats':
    case 'list':
      return v.k === 'list';
    case 'ref':
      return v.k === 'ref';
    case 'fn':
      return v.k === 'call' || (v.k === 'word' && findSpec(t.category, v.v) !== undefined);
    case 'oneOf':
      return t.options.some((o) => fits(v, o));
  }
}

function coerceFn(v: Value, t: PType & { t: 'fn' }, what: string, c: BindCtx): Bound | undefined {
  let name: string;
  if (v.k === 'call') name = v.name;
  else if (v.k === 'word') name = v.v;
  else return wrong(v, t, what, c);
  const spec = findSpec(t.category, name);
  const nameAt = v.k === 'call' ? calleeLoc(v) : v;
  if (!spec || (t.accepts && !t.accepts(spec))) {
    const options = specsOf(t.category)
      .filter((s) => !t.accepts || t.accepts(s))
      .map((s) => s.name);
    const s = suggest(name, options);
    report(c.sink, nameAt, spec ? 'NN205' : 'NN207', 'unknownFunction', { name, what: t.what, suggestion: s, options }, { fixes: s ? replaceFix(c.program, nameAt, name, s) : [] });
    return undefined;
  }
  return bindCall(spec, v, c);
}

/**
 * The parameter the `i`-th written argument of a call binds to: by name, or by position among
 * the parameters that are not named-only. `position` is the number of positional arguments before
 * it, or -1 once a named one came before. Undefined, after reporting, for an unknown name, a
 * positional argument after a named one, and a surplus one (the first surplus one reports them all).
 * `file` is where the call is written; `c` where problems are reported, undefined to only match.
 */
export function paramOf<P>(t: Matcher<P>, callee: string, call: CallExpr, i: number, position: number, file: string, c: BindCtx | undefined): P | undefined {
  const a = call.args[i];
  if (a.kind === 'Arg') {
    const param = t.byName.get(a.name);
    if (!param && c) {
      const s = suggest(a.name, t.names, t.aliases);
      const nameAt: Loc = { file, ...argNameSpan(a) };
      report(c.sink, nameAt, 'NN201', 'unknownArgument', { name: a.name, callee, suggestion: s, options: t.names }, { fixes: s ? replaceFix(c.program, nameAt, a.name, s) : [] });
    }
    return param;
  }
  if (position < 0) {
    if (c) {
      const k = intendedPosition(t, call, i);
      const fixes = k === undefined ? [] : nameArgumentFix(c.program, { file, start: a.start, end: a.end }, t.positionalNames[k]);
      report(c.sink, { file, start: a.start, end: a.end }, 'NN208', 'positionalAfterNamed', {}, { fixes });
    }
    return undefined;
  }
  if (position === t.positional.length && c) {
    // the first surplus argument: one report from it to the last positional one
    let end = a.end;
    let surplus = 0;
    for (let j = i; j < call.args.length; j++) {
      if (call.args[j].kind === 'Arg') continue;
      end = call.args[j].end;
      surplus++;
    }
    const meant = surplus === 1 ? meantByValue(t, a) : undefined;
    if (meant) {
      const at: Loc = { file, start: a.start, end: a.end };
      const edit = { file, start: a.start, end: a.end, newText: `${meant.param}: ${meant.value}` };
      report(c.sink, at, 'NN203', 'surplusNamedByValue', { callee, max: t.positional.length, value: meant.value, param: meant.param }, { fixes: fix('fixWrite', { text: edit.newText }, [edit], true) });
    } else report(c.sink, { file, start: a.start, end }, 'NN203', 'tooManyArguments', { callee, max: t.positional.length });
  }
  return t.positional[position];
}

/**
 * The named-only parameter a positional argument written as one of its values (`relu`, `'relu'`)
 * was meant for (see Matcher.namedByValue), with the value as it is written unquoted.
 */
function meantByValue<P>(t: Matcher<P>, a: CallExpr['args'][number]): { param: string; value: string } | undefined {
  if (!t.namedByValue || a.kind === 'Arg') return undefined;
  const v = argValue(a);
  const word = v.kind === 'Name' ? v.text : v.kind === 'String' ? v.value : undefined;
  const param = word === undefined ? undefined : t.namedByValue.get(word);
  return param === undefined ? undefined : { param, value: word! };
}

/** meantByValue for an argument of a call of `spec`. */
export function namedByValue(spec: FnSpec, a: CallExpr['args'][number]): { param: string; value: string } | undefined {
  return meantByValue(table(spec), a);
}

/** The `position` for the argument after `a` (see paramOf). */
export function nextPosition(a: Arg, position: number): number {
  return a.kind === 'Arg' ? -1 : position < 0 ? position : position + 1;
}

/**
 * The index of the first required parameter from `from` on that no argument was written for, or
 * -1. Reported at the function's name, and not while the call's ')' is missing: it is being
 * typed, and that is reported already.
 */
function missingFrom(spec: FnSpec, given: Readonly<Record<string, unknown>> | undefined, from: number): number {
  for (let i = from; i < spec.params.length; i++) if (spec.params[i].required && !given?.[spec.params[i].name]) return i;
  return -1;
}

/**
 * Bind a call's arguments to a function's parameters: positional in order (named-only ones
 * excluded), then by name. Reports unknown, repeated, surplus and missing arguments; fills
 * defaults. A bare name (`relu`, `adam`) is a call without arguments.
 */
export function bindCall(spec: FnSpec, v: Value & { k: 'call' | 'word' }, c: BindCtx): Bound {
  const t = table(spec);
  // a copy of the defaults once an argument binds (Args is read-only everywhere else)
  let args: Record<string, unknown> | undefined;
  let given: Record<string, CallArg> | undefined;
  if (v.k === 'call') {
    let position = 0;
    for (let i = 0; i < v.args.length; i++) {
      const a = v.args[i];
      const param = paramOf(t, spec.name, v.node, i, position, a.file, c);
      position = nextPosition(v.node.args[i], position);
      if (!param) continue;
      if (given?.[param.name]) {
        report(c.sink, a, 'NN204', 'duplicateArgument', { name: param.name });
        continue;
      }
      (given ??= {})[param.name] = a;
      (args ??= { ...t.defaults })[param.name] = coerce(a.value, param.type, t.labels.get(param)!, c);
    }
  }
  const bound = new BoundCall(spec, args ?? t.defaults, given ?? NONE_GIVEN, v);
  if (v.k !== 'call' || v.node.closed) {
    for (let i = missingFrom(spec, given, 0); i >= 0; i = missingFrom(spec, given, i + 1)) {
      report(c.sink, bound.calleeAt, 'NN202', 'missingArgument', { name: spec.params[i].name, callee: spec.name });
    }
  }
  return bound;
}

/** A layer statement's arguments, bound (`bindLayer`). */
export interface LayerBinding {
  args: Args;
  /**
   * Where each written argument's value is, by parameter: where a problem with it is reported.
   * bindLayer puts the values themselves here (a value is located).
   */
  given: Readonly<Record<string, Loc | undefined>>;
}

/**
 * Bind a layer statement's arguments as bindCall binds a call's, reporting the same problems,
 * but from the syntax: only the arguments' values are evaluated, with no value for the call and
 * no record per argument. Layer statements are most of a model's calls, and what an analysis
 * allocates is what its garbage collections cost (ARCHITECTURE.md, invariant 11). The result is
 * written to `out` (graph.ts keeps one context for every layer's inference).
 */
export function bindLayer(spec: FnSpec, call: CallExpr, env: Env, program: Program, consts: ConstTable, c: BindCtx, out: LayerBinding): void {
  const t = table(spec);
  const file = env.file;
  let args: Record<string, unknown> | undefined;
  let given: Record<string, Value> | undefined;
  let position = 0;
  for (let i = 0; i < call.args.length; i++) {
    const a = call.args[i];
    const value = evaluate(argValue(a), env, program, consts, c.sink);
    const param = paramOf(t, spec.name, call, i, position, file, c);
    position = nextPosition(a, position);
    if (!param) continue;
    if (given?.[param.name]) {
      report(c.sink, { file, start: a.start, end: a.end }, 'NN204', 'duplicateArgument', { name: param.name });
      continue;
    }
    (given ??= {})[param.name] = value;
    (args ??= { ...t.defaults })[param.name] = coerce(value, param.type, t.labels.get(param)!, c);
  }
  if (call.closed) {
    for (let i = missingFrom(spec, given, 0); i >= 0; i = missingFrom(spec, given, i + 1)) {
      report(c.sink, { file, ...calleeSpan(call) }, 'NN202', 'missingArgument', { name: spec.params[i].name, callee: spec.name });
    }
  }
  out.args = args ?? t.defaults;
  out.given = given ?? NONE_GIVEN;
}

export function categoryName(c: Category): string {
  return CATEGORY_NAMES[c];
}

/**
 * Values to try, each checked as one value written there would be; the analysis goes on with the
 * first (a range's lower end). A range is for number settings only.
 */
function coerceTry(v: Value & { k: 'try' }, t: PType, what: string, c: BindCtx): unknown {
  if (v.range) {
    if (!numeric(t)) {
      report(c.sink, v, 'NN441', 'rangeNotNumber', { what });
      return undefined;
    }
    const lo = coerce(v.range.lo, t, what, c);
    const hi = coerce(v.range.hi, t, what, c);
    return lo === undefined || hi === undefined ? undefined : lo;
  }
  let first: unknown;
  for (const item of v.items ?? []) {
    const r = coerce(item, t, what, c);
    if (first === undefined) first = r;
  }
  return first;
}
