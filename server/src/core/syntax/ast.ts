// The syntax tree. Every node has a span (UTF-16 offsets into its file's text). The parser
// produces a tree for any input: missing pieces are `Missing` expressions or absent optional
// fields, and the problems are listed in `ParsedFile.errors`.

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
export interface Arg extends Node {
  kind: 'Arg';
  /** set for `name: value` */
  name?: Ident;
  value: Expr;
}
export interface CallExpr extends Node {
  kind: 'Call';
  callee: Ident;
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
  | MissingExpr;

// ---- statements inside `model` and `block` bodies ----
export interface Body extends Node {
  kind: 'Body';
  stmts: Stmt[];
  closed: boolean;
}
export interface InputStmt extends Node {
  kind: 'Input';
  keyword: Node;
  shape: Expr;
}
export interface ResidualStmt extends Node {
  kind: 'Residual';
  keyword: Node;
  body: Body;
  shortcutKeyword?: Node;
  shortcut?: Body;
}
export interface Branch extends Node {
  kind: 'Branch';
  keyword: Node;
  body: Body;
}
export interface ParallelStmt extends Node {
  kind: 'Parallel';
  keyword: Node;
  /** `concat` or `add`; absent when not written */
  mode?: Ident;
  branches: Branch[];
  lbrace: number;
  closed: boolean;
}
export interface RepeatStmt extends Node {
  kind: 'Repeat';
  keyword: Node;
  count: Expr;
  body: Body;
}
/** A call in a body is a layer statement (a layer of the catalogue, or a block). */
export type Stmt = InputStmt | CallExpr | ResidualStmt | ParallelStmt | RepeatStmt;

// ---- train block entries ----
export interface SettingEntry extends Node {
  kind: 'Setting';
  key: Ident;
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
  keyword: Node;
  path?: StringLit;
}
export interface ConstDecl extends Node {
  kind: 'Const';
  keyword: Node;
  name?: Ident;
  value: Expr;
}
export interface ModelDecl extends Node {
  kind: 'Model';
  keyword: Node;
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
  keyword: Node;
  name?: Ident;
  params: Param[];
  body: Body;
}
export interface DatasetDecl extends Node {
  kind: 'Dataset';
  keyword: Node;
  name?: Ident;
  value: Expr;
}
export interface TrainDecl extends Node {
  kind: 'Train';
  keyword: Node;
  name?: Ident;
  entries: Entry[];
  lbrace: number;
  closed: boolean;
}
export type Decl = ImportDecl | ConstDecl | ModelDecl | BlockDecl | DatasetDecl | TrainDecl;
export type NamedDecl = ConstDecl | ModelDecl | BlockDecl | DatasetDecl | TrainDecl;

/** A written name that may refer to a declaration or a block parameter: a name used as a value, or a call's callee. */
export type NameUse = NameRef | Ident;

export interface ParsedFile {
  text: string;
  decls: Decl[];
  comments: Comment[];
  errors: SyntaxError[];
  /**
   * Every name used as a value and every callee in the tree, in source order: what names.ts
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
