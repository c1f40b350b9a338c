// Values of expressions, and the evaluator. Expressions are evaluated in an environment: the
// file whose declarations are in scope and, inside a block, the block's parameters. A bare name
// that is not declared evaluates to a `word`: whether that is fine (an enum member such as
// `relu`) or an unknown name depends on where it is used, which `bind.ts` decides.

import * as A from './syntax/ast';
import type { NamedDecl } from './syntax/ast';
import type { Program } from './program';
import { makeDiagnostic, type Diagnostic, type Code, type Fix, type Related } from './diagnostics';
import type { MessageId, MessageArgs } from './messages';

export interface Loc {
  file: string;
  start: number;
  end: number;
}

/**
 * A value carries where it was written (it is a Loc itself: one object, not two). A value bound
 * to a block parameter keeps the location of the argument at the call.
 */
export type Value = Loc &
  (
    | { k: 'num'; v: number }
    | { k: 'str'; v: string }
    | { k: 'bool'; v: boolean }
    | { k: 'word'; v: string }
    | { k: 'list'; items: Value[] }
    /** `nodeFile`: where `node` is written; a constant's call is used (located) in other files too */
    | { k: 'call'; name: string; args: CallArg[]; node: A.CallExpr; nodeFile: string }
    | { k: 'ref'; decl: NamedDecl; declFile: string }
    /**
     * values to try (a sweep): `items` from `try [..]`, or a range of numbers from
     * `try uniform(lo, hi)` / `try log_uniform(lo, hi)` (its ends as written)
     */
    | { k: 'try'; items?: Value[]; range?: { lo: Value & { k: 'num' }; hi: Value & { k: 'num' }; log: boolean } }
    /** not known: an unbound block parameter, or an error that was already reported */
    | { k: 'unknown' }
  );

/** One written argument: its span (name included: a name is written at `start`) and its value. */
export interface CallArg extends Loc {
  name?: string;
  value: Value;
}

/** Where a call's function name is written (in the constant's file, for a constant's call used elsewhere). */
export function calleeLoc(v: Value & { k: 'call' }): Loc {
  return loc(v.nodeFile, A.calleeSpan(v.node));
}

export type Sink = (d: Diagnostic) => void;

export interface Env {
  /** the file whose names are in scope */
  file: string;
  /** block parameters, when inside a block */
  params?: Map<string, Value>;
  /** records which parameters were read (for the unused-parameter hint) */
  usedParams?: Set<string>;
  /** a train block's value, or an argument of a call in it: where `try` may be written */
  sweep?: boolean;
}

export function loc(file: string, n: { start: number; end: number }): Loc {
  return { file, start: n.start, end: n.end };
}

export function report<K extends MessageId>(
  sink: Sink,
  at: Loc,
  code: Code,
  id: K,
  args: MessageArgs<K>,
  extra?: { fixes?: Fix[]; related?: Related[]; unnecessary?: boolean },
): void {
  sink(makeDiagnostic(at.file, at, code, id, args, extra));
}

/** How a value reads in a message: "-3", "\"abc\"", "'relu'", "a list", "model 'Mlp'". */
export function describeValue(v: Value): string {
  switch (v.k) {
    case 'num':
      return String(v.v);
    case 'str':
      return JSON.stringify(v.v);
    case 'bool':
      return String(v.v);
    case 'word':
      return `'${v.v}'`;
    case 'list':
      return v.items.every((i) => i.k === 'num') && v.items.length <= 6 ? `[${v.items.map(describeValue).join(', ')}]` : 'a list';
    case 'call':
      return `${v.name}(…)`;
    case 'ref':
      return `${v.decl.kind.toLowerCase()} '${v.decl.name?.text ?? '?'}'`;
    case 'try':
      return 'values to try';
    case 'unknown':
      return 'an unknown value';
  }
}

/** How an analysis memoises one declaration's result (analyze.ts: computed once, or reused). */
export type Memo = <T>(decl: A.ConstDecl, compute: () => T) => T;

const VISITING = Symbol('visiting');

/** Constant values are computed once per program; cycles are reported once. */
export class ConstTable {
  /** each constant's value, or VISITING while it is computed (a use then is a cycle) */
  private readonly values = new Map<A.ConstDecl, Value | typeof VISITING>();

  constructor(
    private readonly program: Program,
    private readonly sink: Sink,
    private readonly memo: Memo = (_, compute) => compute(),
  ) {}

  /** The constant's value, located at `at` (where it is used). */
  get(decl: A.ConstDecl, file: string, at: Loc): Value {
    const v = this.value(decl, file);
    return v ? relocate(v, at) : { k: 'unknown', file: at.file, start: at.start, end: at.end };
  }

  /** The constant's value where it is written (computed once); undefined in a cycle, reported once. */
  value(decl: A.ConstDecl, file: string): Value | undefined {
    const known = this.values.get(decl);
    if (known === VISITING) {
      report(this.sink, loc(file, decl.name ?? decl), 'NN108', 'constCycle', { name: decl.name?.text ?? '?' });
      return undefined;
    }
    if (known) return known;
    // being computed: marked in the same table, not a set beside it (one lookup less per constant)
    this.values.set(decl, VISITING);
    const v = this.memo(decl, () => evaluate(decl.value, { file }, this.program, this, this.sink));
    this.values.set(decl, v);
    return v;
  }
}

function relocate(v: Value, at: Loc): Value {
  return { ...v, file: at.file, start: at.start, end: at.end };
}

export function evaluate(e: A.Expr, env: Env, program: Program, consts: ConstTable, sink: Sink): Value {
  const file = env.file;
  const start = e.start;
  const end = e.end;
  switch (e.kind) {
    case 'Number':
      return { k: 'num', v: e.value, file, start, end };
    case 'String':
      return { k: 'str', v: e.value, file, start, end };
    case 'Bool':
      return { k: 'bool', v: e.value, file, start, end };
    case 'Missing':
      return { k: 'unknown', file, start, end };
    case 'Paren':
      return relocate(evaluate(e.expr, env, program, consts, sink), { file, start, end });
    // lists made at their exact size (an array grown by push keeps room for 17 elements): a
    // bound call keeps its value, with its arguments. Loops, not map: no closure per call.
    case 'List': {
      const items = new Array<Value>(e.items.length);
      const inner = env.sweep ? { ...env, sweep: false } : env;
      for (let i = 0; i < items.length; i++) items[i] = evaluate(e.items[i], inner, program, consts, sink);
      return { k: 'list', items, file, start, end };
    }
    case 'Try':
      return evaluateTry(e, env, program, consts, sink);
    case 'Call': {
      const args = new Array<CallArg>(e.args.length);
      for (let i = 0; i < args.length; i++) {
        const a = e.args[i];
        args[i] = { name: A.argName(a), value: evaluate(A.argValue(a), env, program, consts, sink), file, start: a.start, end: a.end };
      }
      return { k: 'call', name: e.callee, node: e, nodeFile: file, args, file, start, end };
    }
    case 'Name': {
      const name = e.text;
      const param = env.params?.get(name);
      if (param) {
        // keep where the value was written (the call site's argument), so problems point there
        env.usedParams?.add(name);
        return param;
      }
      const sym = program.lookup(file, name);
      if (!sym) return { k: 'word', v: name, file, start, end };
      if (sym.decl.kind === 'Const') return consts.get(sym.decl, sym.file, { file, start, end });
      return { k: 'ref', decl: sym.decl, declFile: sym.file, file, start, end };
    }
    case 'Unary': {
      const v = evaluate(e.arg, env.sweep ? { ...env, sweep: false } : env, program, consts, sink);
      if (v.k === 'unknown') return { k: 'unknown', file, start, end };
      if (v.k !== 'num') {
        report(sink, v, 'NN209', 'arithmeticOnNonNumber', { got: describeValue(v) });
        return { k: 'unknown', file, start, end };
      }
      return { k: 'num', v: e.op === '-' ? -v.v : v.v, file, start, end };
    }
    case 'Binary': {
      const operand = env.sweep ? { ...env, sweep: false } : env;
      const l = evaluate(e.left, operand, program, consts, sink);
      const r = evaluate(e.right, operand, program, consts, sink);
      for (const side of [l, r]) {
        if (side.k !== 'num' && side.k !== 'unknown') {
          report(sink, side, 'NN209', 'arithmeticOnNonNumber', { got: describeValue(side) });
          return { k: 'unknown', file, start, end };
        }
      }
      if (l.k !== 'num' || r.k !== 'num') return { k: 'unknown', file, start, end };
      switch (e.op) {
        case '+':
          return { k: 'num', v: l.v + r.v, file, start, end };
        case '-':
          return { k: 'num', v: l.v - r.v, file, start, end };
        case '*':
          return { k: 'num', v: l.v * r.v, file, start, end };
        case '/':
          if (r.v === 0) {
            report(sink, r, 'NN209', 'divisionByZero', {});
            return { k: 'unknown', file, start, end };
          }
          return { k: 'num', v: l.v / r.v, file, start, end };
      }
    }
  }
}

/** The ranges `try` takes, by function name: log_uniform draws the logarithm uniformly. */
export const TRY_RANGES: ReadonlyMap<string, { log: boolean }> = new Map([
  ['uniform', { log: false }],
  ['log_uniform', { log: true }],
]);

/**
 * `try [..]` or `try uniform(lo, hi)`: values to try, where a train block's value goes (env.sweep).
 * Anywhere else it is reported (NN440) and its values are still evaluated, so their names resolve.
 */
function evaluateTry(e: A.TryExpr, env: Env, program: Program, consts: ConstTable, sink: Sink): Value {
  const file = env.file;
  const at = { file, start: e.start, end: e.end };
  const inner = env.sweep ? { ...env, sweep: false } : env;
  if (!env.sweep) {
    report(sink, loc(file, { start: e.start, end: e.start + 3 }), 'NN440', env.sweep === false ? 'tryNested' : 'tryNotHere', {});
    evaluate(e.values, inner, program, consts, sink);
    return { k: 'unknown', ...at };
  }
  const vs = e.values;
  if (vs.kind === 'List') {
    if (vs.items.length === 0) {
      report(sink, loc(file, vs), 'NN441', 'emptyTry', {});
      return { k: 'unknown', ...at };
    }
    const items = new Array<Value>(vs.items.length);
    for (let i = 0; i < items.length; i++) items[i] = evaluate(vs.items[i], inner, program, consts, sink);
    return { k: 'try', items, ...at };
  }
  const range = vs.kind === 'Call' ? TRY_RANGES.get(vs.callee) : undefined;
  if (vs.kind !== 'Call' || !range || vs.args.length !== 2 || vs.args.some((a) => A.argName(a) !== undefined)) {
    report(sink, loc(file, vs), 'NN441', 'badTry', {});
    evaluate(vs, inner, program, consts, sink);
    return { k: 'unknown', ...at };
  }
  const lo = evaluate(vs.args[0] as A.Expr, inner, program, consts, sink);
  const hi = evaluate(vs.args[1] as A.Expr, inner, program, consts, sink);
  if (lo.k === 'unknown' || hi.k === 'unknown') return { k: 'unknown', ...at };
  if (lo.k !== 'num' || hi.k !== 'num') {
    report(sink, lo.k !== 'num' ? lo : hi, 'NN441', 'badTry', {});
    return { k: 'unknown', ...at };
  }
  if (!(lo.v < hi.v) || (range.log && lo.v <= 0)) {
    report(sink, loc(file, vs), 'NN441', 'badRange', { lo: lo.v, hi: hi.v, log: range.log });
    return { k: 'unknown', ...at };
  }
  return { k: 'try', range: { lo, hi, log: range.log }, ...at };
}
