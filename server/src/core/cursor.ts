// What the language expects at a place in the text: which function a call is, which parameter
// an argument binds to, which type a value should have. Editor features (hover, completion,
// signature help) ask here, so they agree with the checker.

import type * as A from './syntax/ast';
import type { AnyNode } from './syntax/walk';
import type { FnSpec, ParamSpec, PType } from './catalog/types';
import { findSpec } from './catalog';
import { LAYER_BY_NAME } from './catalog/layers';
import { TRAIN_SETTINGS } from './catalog/settings';
import type { Program } from './program';
import { intendedParam, positionalParams } from './bind';

/** What a call refers to: a catalogue function, a user block, or nothing known. */
export type Callee =
  | { kind: 'spec'; spec: FnSpec }
  | { kind: 'block'; decl: A.BlockDecl; file: string }
  | { kind: 'unknown' };

export interface Expected {
  type: PType;
  /** the parameter (or train setting) the value is for */
  param?: ParamSpec;
  /** the function the parameter belongs to; undefined for train settings */
  owner?: FnSpec;
}

const SETTINGS: ReadonlyMap<string, ParamSpec> = new Map(TRAIN_SETTINGS.map((p) => [p.name, p]));

export function trainSetting(name: string): ParamSpec | undefined {
  return SETTINGS.get(name);
}

/**
 * The parameter an argument of a call binds to: by name, or by position among the positional
 * ones. A positional argument after a named one binds to nothing (NN208): it gets the parameter
 * that error's fix names it after (`intendedParam`), so hover and completion show what the fix does.
 */
export function paramOfArg(spec: FnSpec, call: A.CallExpr, arg: A.Arg): ParamSpec | undefined {
  if (arg.kind === 'Arg') return spec.params.find((p) => p.name === arg.name);
  const i = call.args.indexOf(arg);
  if (i < 0) return undefined;
  for (let j = 0; j < i; j++) if (call.args[j].kind === 'Arg') return intendedParam(spec, call, i);
  return positionalParams(spec)[i];
}

/**
 * The index of the parameter the argument at `offset` fills (for signature help), of a catalogue
 * function or of a block: the one it binds to, or else the next positional slot after the
 * arguments before it, if no name was used there.
 */
export function activeParam(callee: Callee, call: A.CallExpr, offset: number): number | undefined {
  if (callee.kind === 'unknown') return undefined;
  const written = call.args.find((a) => a.start <= offset && offset <= a.end);
  if (callee.kind === 'block') {
    // a block's parameters are all positional and named
    const names = callee.decl.params.map((p) => p.name.text);
    if (written?.kind === 'Arg') return names.indexOf(written.name);
    const positional = call.args.filter((a) => a.kind !== 'Arg');
    return written ? positional.indexOf(written) : call.args.filter((a) => a.end <= offset && a.kind !== 'Arg').length;
  }
  const spec = callee.spec;
  const p = written ? paramOfArg(spec, call, written) : undefined;
  if (p) return spec.params.indexOf(p);
  const before = call.args.filter((a) => a.end <= offset);
  if (before.some((a) => a.kind === 'Arg')) return undefined;
  const next = positionalParams(spec)[before.length];
  return next ? spec.params.indexOf(next) : undefined;
}

/** The function a call at `path[i]` is, from where it is written. */
export function calleeOf(path: AnyNode[], i: number, program: Program, file: string): Callee {
  const call = path[i] as A.CallExpr;
  const name = call.callee;
  const parent = path[i - 1];
  if (parent?.kind === 'Body') {
    const spec = LAYER_BY_NAME.get(name);
    if (spec) return { kind: 'spec', spec };
    const sym = program.lookup(file, name);
    if (sym && sym.decl.kind === 'Block') return { kind: 'block', decl: sym.decl, file: sym.file };
    return { kind: 'unknown' };
  }
  if (parent?.kind === 'CallEntry') {
    const spec = findSpec('callback', name);
    return spec ? { kind: 'spec', spec } : { kind: 'unknown' };
  }
  const e = expectedAt(path, i, program, file);
  const spec = e && specForType(e.type, name);
  return spec ? { kind: 'spec', spec } : { kind: 'unknown' };
}

/** The function named `name` among those a type accepts. */
export function specForType(t: PType, name: string): FnSpec | undefined {
  switch (t.t) {
    case 'fn': {
      const s = findSpec(t.category, name);
      return s && (!t.accepts || t.accepts(s)) ? s : undefined;
    }
    case 'list':
      return specForType(t.of, name);
    case 'oneOf':
      for (const o of t.options) {
        const s = specForType(o, name);
        if (s) return s;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The type expected of the expression at `path[i]`, from its context. */
export function expectedAt(path: AnyNode[], i: number, program: Program, file: string): Expected | undefined {
  const parent = path[i - 1];
  if (!parent) return undefined;
  switch (parent.kind) {
    case 'Arg':
    case 'Call': {
      // a named argument's value, or a positional argument (the call's child); not the callee
      if (parent.kind === 'Call' && path[i].kind === 'Ident') return undefined;
      const at = parent.kind === 'Arg' ? i - 2 : i - 1;
      const callee = calleeOf(path, at, program, file);
      if (callee.kind !== 'spec') return undefined;
      const param = paramOfArg(callee.spec, path[at] as A.CallExpr, parent.kind === 'Arg' ? parent : (path[i] as A.Arg));
      return param && { type: param.type, param, owner: callee.spec };
    }
    case 'Setting': {
      if (path[i] !== parent.value) return undefined;
      const param = SETTINGS.get(parent.key);
      return param && { type: param.type, param };
    }
    case 'Try':
      // try [..] stands for one value: its list's items are of the type the value is
      return expectedAt(path, i - 1, program, file);
    case 'List': {
      if (path[i - 2]?.kind === 'Try') return expectedAt(path, i - 2, program, file);
      const outer = expectedAt(path, i - 1, program, file);
      if (!outer) return undefined;
      const t = outer.type.t === 'oneOf' ? outer.type.options.find((o) => o.t === 'list' || o.t === 'floats' || o.t === 'shape' || o.t === 'ints') : outer.type;
      if (!t) return undefined;
      if (t.t === 'list') return { ...outer, type: t.of };
      if (t.t === 'floats') return { ...outer, type: { t: 'float' } };
      if (t.t === 'ints' || t.t === 'shape') return { ...outer, type: { t: 'int' } };
      return undefined;
    }
    case 'Dataset':
      return path[i] === parent.value ? { type: { t: 'fn', category: 'dataset', what: 'dataset' } } : undefined;
    case 'Input':
      return { type: { t: 'shape', allowMinusOne: false } };
    case 'Repeat':
      return path[i] === parent.count ? { type: { t: 'int', min: 1 } } : undefined;
    case 'Paren':
    case 'Unary':
    case 'Binary':
      return { type: { t: 'float' } };
    default:
      return undefined;
  }
}

/** Inside which call's parentheses is `offset`? The innermost, with its index in the path. */
export function enclosingCall(path: AnyNode[], offset: number): number | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i];
    if (n.kind === 'Call' && offset >= n.argsStart && offset <= (n.closed ? n.argsEnd : n.end)) return i;
  }
  return undefined;
}
