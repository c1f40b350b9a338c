// The syntax tree. Every node has a span (UTF-16 offsets into its file's text). The parser
// produces a tree for any input: missing pieces are `Missing` expressions or absent optional
// fields, and the problems are listed in `ParsedFile.errors`.
//
// The tree is dense: a word whose place follows from its node is kept as text, not as a node of
// its own. A call's function name, a named argument's name and a setting's key start where their
// node starts; a keyword starts its statement or declaration. `calleeSpan`, `argNameSpan`,
// `keySpan` and `keywordSpan` give their spans, and `walk.ts` presents the names as `Ident` nodes
// to editor features. A positional argument is its expression, with no node around it. An editor
// keeps every tree alive, and each object in it is copied by the young-generation collections
// that run during an analysis (ARCHITECTURE.md, invariant 11).

import type { Comment } from './lexer';
import type { Code, Message } from '../diagnostics';

export interface SyntaxError {
  start: number;
  end: number;
  code: Code;
  msg: Message;
  /** an edit that repairs it, when obvious */
  fix?: { msg: Message; start: number; end: number; newText: string };
}

export interface Node {
  start: number;
  end: number;
}

export interface Ident extends Node {
  kind: 'Ident';
  text: string;
}

// ---- expressions ----
export interface NumberLit extends Node {
  kind: 'Number';
  value: number;
}
export interface StringLit extends Node {
  kind: 'String';
  value: string;
}
export interface BoolLit extends Node {
  kind: 'Bool';
  value: boolean;
}
/** A name used as a value (its own span is the name's). */
export interface NameRef extends Node {
  kind: 'Name';
  text: string;
}
/** A named argument, `name: value`. */
export interface NamedArg extends Node {
  kind: 'Arg';
  /** written at `start` (`argNameSpan`) */
  name: string;
  value: Expr;
}
/** An argument as written: a positional one is its expression itself, a named one a `NamedArg`. */
export type Arg = Expr | NamedArg;
export interface CallExpr extends Node {
  kind: 'Call';
  /** the function's name, written at `start` (`calleeSpan`) */
  callee: string;
  args: Arg[];
  /** offset just after '(' (where a first argument goes) */
  argsStart: number;
  /** offset of ')' (or where it should be) */
  argsEnd: number;
  closed: boolean;
}
export interface ListExpr extends Node {
  kind: 'List';
  items: Expr[];
}
export interface UnaryExpr extends Node {
  kind: 'Unary';
  op: '-' | '+';
  arg: Expr;
}
export interface BinaryExpr extends Node {
  kind: 'Binary';
  op: '+' | '-' | '*' | '/';
  left: Expr;
  right: Expr;
}
export interface ParenExpr extends Node {
  kind: 'Paren';
  expr: Expr;
}
/**
 * Values to try (a sweep), `try [0.1, 0.01]` or `try log_uniform(0.0001, 0.1)`: only as a train
 * block's value or an argument of a call there. `values` is the list or the range as written.
 */
export interface TryExpr extends Node {
  kind: 'Try';
  values: Expr;
}
/** Where an expression was required but none was written. Zero-width or covering bad tokens. */
export interface MissingExpr extends Node {
  kind: 'Missing';
}
export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | NameRef
  | CallExpr
  | ListExpr
  | UnaryExpr
  | BinaryExpr
  | ParenExpr
  | TryExpr
  | MissingExpr;

// ---- statements inside `model` and `block` bodies ----
export interface Body extends Node {
  kind: 'Body';
  stmts: Stmt[];
  closed: boolean;
}
export interface InputStmt extends Node {
  kind: 'Input';
  shape: Expr;
}
export interface ResidualStmt extends Node {
  kind: 'Residual';
  body: Body;
  shortcutKeyword?: Node;
  shortcut?: Body;
}
export interface Branch extends Node {
  kind: 'Branch';
  body: Body;
}
export interface ParallelStmt extends Node {
  kind: 'Parallel';
  /** `concat` or `add`; absent when not written */
  mode?: Ident;
  branches: Branch[];
  lbrace: number;
  closed: boolean;
}
export interface RepeatStmt extends Node {
  kind: 'Repeat';
  count: Expr;
  body: Body;
}
/** A call in a body is a layer statement (a layer of the catalogue, or a block). */
export type Stmt = InputStmt | CallExpr | ResidualStmt | ParallelStmt | RepeatStmt;

// ---- train block entries ----
export interface SettingEntry extends Node {
  kind: 'Setting';
  /** the setting's name, written at `start` (`keySpan`) */
  key: string;
  value: Expr;
}
export interface CallEntry extends Node {
  kind: 'CallEntry';
  call: CallExpr;
}
export type Entry = SettingEntry | CallEntry;

// ---- declarations ----
export interface ImportDecl extends Node {
  kind: 'Import';
  path?: StringLit;
}
export interface ConstDecl extends Node {
  kind: 'Const';
  name?: Ident;
  value: Expr;
}
export interface ModelDecl extends Node {
  kind: 'Model';
  name?: Ident;
  body: Body;
}
export interface Param extends Node {
  kind: 'Param';
  name: Ident;
  default?: Expr;
}
export interface BlockDecl extends Node {
  kind: 'Block';
  name?: Ident;
  params: Param[];
  body: Body;
}
export interface DatasetDecl extends Node {
  kind: 'Dataset';
  name?: Ident;
  value: Expr;
}
export interface TrainDecl extends Node {
  kind: 'Train';
  name?: Ident;
  entries: Entry[];
  lbrace: number;
  closed: boolean;
}
export type Decl = ImportDecl | ConstDecl | ModelDecl | BlockDecl | DatasetDecl | TrainDecl;
export type NamedDecl = ConstDecl | ModelDecl | BlockDecl | DatasetDecl | TrainDecl;

/** A written name that may refer to a declaration or a block parameter: a name used as a value, or a call (its callee). */
export type NameUse = NameRef | CallExpr;

export interface ParsedFile {
  text: string;
  decls: Decl[];
  comments: Comment[];
  errors: SyntaxError[];
  /**
   * Every name used as a value and every call in the tree, in source order: what names.ts
   * resolves for references, rename and the unused hint, without walking the tree.
   */
  names: NameUse[];
}

export function declKindName(d: Decl): string {
  switch (d.kind) {
    case 'Import':
      return 'import';
    case 'Const':
      return 'constant';
    case 'Model':
      return 'model';
    case 'Block':
      return 'block';
    case 'Dataset':
      return 'dataset';
    case 'Train':
      return 'train';
  }
}

/** The keyword that starts each kind of statement and declaration. */
export const KEYWORD_OF_KIND = {
  Import: 'import',
  Const: 'const',
  Model: 'model',
  Block: 'block',
  Dataset: 'dataset',
  Train: 'train',
  Input: 'input',
  Residual: 'residual',
  Parallel: 'parallel',
  Branch: 'branch',
  Repeat: 'repeat',
} as const;

/** A node that starts with its keyword. */
export type Keyworded = Decl | InputStmt | ResidualStmt | ParallelStmt | RepeatStmt | Branch;

/** The span of a word of `length` characters written at `start`: names are ASCII, one UTF-16 unit per character. */
function wordAt(start: number, length: number): Node {
  return { start, end: start + length };
}

/** Where a statement's or declaration's keyword is written: it starts the node. */
export function keywordSpan(n: Keyworded): Node {
  return wordAt(n.start, KEYWORD_OF_KIND[n.kind].length);
}

/** Where a call's function name is written. */
export function calleeSpan(c: CallExpr): Node {
  return wordAt(c.start, c.callee.length);
}

/** Where a setting's key is written. */
export function keySpan(e: SettingEntry): Node {
  return wordAt(e.start, e.key.length);
}

/** Where a named argument's name is written. */
export function argNameSpan(a: NamedArg): Node {
  return wordAt(a.start, a.name.length);
}

/** An argument's name: undefined for a positional one. */
export function argName(a: Arg): string | undefined {
  return a.kind === 'Arg' ? a.name : undefined;
}

/** An argument's value. */
export function argValue(a: Arg): Expr {
  return a.kind === 'Arg' ? a.value : a;
}

/** Where a declaration is pointed at: its name, or its keyword when the name is missing. */
export function nameOrKeyword(d: NamedDecl): Node {
  return d.name ?? keywordSpan(d);
}
