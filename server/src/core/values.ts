// Values of expressions, and the evaluator. Expressions are evaluated in an environment: the
// file whose declarations are in scope and, inside a block, the block's parameters. A bare name
// that is not declared evaluates to a `word`: whether that is fine (an enum member such as
// `relu`) or an unknown name depends on where it is used, which `bind.ts` decides.

import type * as A from './syntax/ast';
import type { NamedDecl } from './syntax/ast';
import type { Program } from './program';
import { makeDiagnostic, type Diagnostic, type Code, type Fix, type Related } from './diagnostics';
import type { MessageId, MessageArgs } from './messages';

export interface Loc {
  file: string;
  start: number;
  end: number;
}

export type Value =
  | { k: 'num'; v: number; at: Loc }
  | { k: 'str'; v: string; at: Loc }
  | { k: 'bool'; v: boolean; at: Loc }
  | { k: 'word'; v: string; at: Loc }
  | { k: 'list'; items: Value[]; at: Loc }
  | { k: 'call'; name: string; args: CallArg[]; node: A.CallExpr; at: Loc; calleeAt: Loc }
  | { k: 'ref'; decl: NamedDecl; file: string; at: Loc }
  /** not known: an unbound block parameter, or an error that was already reported */
  | { k: 'unknown'; at: Loc };

export interface CallArg {
  name?: A.Ident;
  value: Value;
  at: Loc;
}

export type Sink = (d: Diagnostic) => void;

export interface Env {
  /** the file whose names are in scope */
  file: string;
  /** block parameters, when inside a block */
  params?: Map<string, Value>;
  /** records which parameters were read (for the unused-parameter hint) */
  usedParams?: Set<string>;
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
    case 'unknown':
      return 'an unknown value';
  }
}

/** Constant values are computed once per program; cycles are reported once. */
export class ConstTable {
  private readonly values = new Map<A.ConstDecl, Value>();
  private readonly visiting = new Set<A.ConstDecl>();

  constructor(
    private readonly program: Program,
    private readonly sink: Sink,
  ) {}

  get(decl: A.ConstDecl, file: string, at: Loc): Value {
    const known = this.values.get(decl);
    if (known) return { ...known, at } as Value;
    if (this.visiting.has(decl)) {
      report(this.sink, loc(file, decl.name ?? decl), 'NN108', 'constCycle', { name: decl.name?.text ?? '?' });
      return { k: 'unknown', at };
    }
    this.visiting.add(decl);
    const v = evaluate(decl.value, { file }, this.program, this, this.sink);
    this.visiting.delete(decl);
    this.values.set(decl, v);
    return { ...v, at } as Value;
  }
}

export function evaluate(e: A.Expr, env: Env, program: Program, consts: ConstTable, sink: Sink): Value {
  const at = loc(env.file, e);
  switch (e.kind) {
    case 'Number':
      return { k: 'num', v: e.value, at };
    case 'String':
      return { k: 'str', v: e.value, at };
    case 'Bool':
      return { k: 'bool', v: e.value, at };
    case 'Missing':
      return { k: 'unknown', at };
    case 'Paren': {
      const v = evaluate(e.expr, env, program, consts, sink);
      return { ...v, at } as Value;
    }
    case 'List':
      return { k: 'list', items: e.items.map((i) => evaluate(i, env, program, consts, sink)), at };
    case 'Call':
      return {
        k: 'call',
        name: e.callee.text,
        node: e,
        at,
        calleeAt: loc(env.file, e.callee),
        args: e.args.map((a) => ({ name: a.name, value: evaluate(a.value, env, program, consts, sink), at: loc(env.file, a) })),
      };
    case 'Name': {
      const name = e.name.text;
      const param = env.params?.get(name);
      if (param) {
        // keep where the value was written (the call site's argument), so problems point there
        env.usedParams?.add(name);
        return param;
      }
      const sym = program.lookup(env.file, name);
      if (!sym) return { k: 'word', v: name, at };
      if (sym.decl.kind === 'Const') return consts.get(sym.decl, sym.file, at);
      return { k: 'ref', decl: sym.decl, file: sym.file, at };
    }
    case 'Unary': {
      const v = evaluate(e.arg, env, program, consts, sink);
      if (v.k === 'unknown') return { k: 'unknown', at };
      if (v.k !== 'num') {
        report(sink, v.at, 'NN209', 'arithmeticOnNonNumber', { got: describeValue(v) });
        return { k: 'unknown', at };
      }
      return { k: 'num', v: e.op === '-' ? -v.v : v.v, at };
    }
    case 'Binary': {
      const l = evaluate(e.left, env, program, consts, sink);
      const r = evaluate(e.right, env, program, consts, sink);
      for (const side of [l, r]) {
        if (side.k !== 'num' && side.k !== 'unknown') {
          report(sink, side.at, 'NN209', 'arithmeticOnNonNumber', { got: describeValue(side) });
          return { k: 'unknown', at };
        }
      }
      if (l.k !== 'num' || r.k !== 'num') return { k: 'unknown', at };
      switch (e.op) {
        case '+':
          return { k: 'num', v: l.v + r.v, at };
        case '-':
          return { k: 'num', v: l.v - r.v, at };
        case '*':
          return { k: 'num', v: l.v * r.v, at };
        case '/':
          if (r.v === 0) {
            report(sink, r.at, 'NN209', 'divisionByZero', {});
            return { k: 'unknown', at };
          }
          return { k: 'num', v: l.v / r.v, at };
      }
    }
  }
}
