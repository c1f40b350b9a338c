// Generic traversal of the syntax tree: the children of any node, and the chain of nodes that
// contain an offset (innermost last). Editor features read positions through these.
//
// A call's function name, a named argument's name and a setting's key are text in the tree
// (ast.ts); here they are children of their node as `Ident`s, made when asked, so an editor
// feature finds the word at the cursor as it finds any other node. An `Ident` child of a `Call`
// is its callee, of an `Arg` its name, of a `Setting` its key.

import * as A from './ast';

export type AnyNode =
  | A.Decl
  | A.Stmt
  | A.Expr
  | A.Body
  | A.Branch
  | A.Entry
  | A.NamedArg
  | A.Param
  | A.Ident
  | A.StringLit;

/** The direct children of a node, in source order. */
export function children(n: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  // arrays are passed whole, never spread: a body of 200,000 statements would overflow the stack as arguments
  const push = (...xs: (AnyNode | readonly AnyNode[] | undefined)[]) => {
    for (const x of xs) {
      if (!x) continue;
      if (Array.isArray(x)) for (const y of x as readonly AnyNode[]) out.push(y);
      else out.push(x as AnyNode);
    }
  };
  switch (n.kind) {
    case 'Import':
      push(n.path);
      break;
    case 'Const':
    case 'Dataset':
      push(n.name, n.value);
      break;
    case 'Model':
      push(n.name, n.body);
      break;
    case 'Block':
      push(n.name, n.params, n.body);
      break;
    case 'Train':
      push(n.name, n.entries);
      break;
    case 'Param':
      push(n.name, n.default);
      break;
    case 'Body':
      push(n.stmts);
      break;
    case 'Input':
      push(n.shape);
      break;
    case 'Residual':
      push(n.body, n.shortcut);
      break;
    case 'Parallel':
      push(n.mode, n.branches);
      break;
    case 'Branch':
      push(n.body);
      break;
    case 'Repeat':
      push(n.count, n.body);
      break;
    case 'Setting':
      push(ident(n.key, A.keySpan(n)), n.value);
      break;
    case 'CallEntry':
      push(n.call);
      break;
    case 'Call':
      push(ident(n.callee, A.calleeSpan(n)), n.args);
      break;
    case 'Arg':
      push(ident(n.name, A.argNameSpan(n)), n.value);
      break;
    case 'List':
      push(n.items);
      break;
    case 'Unary':
      push(n.arg);
      break;
    case 'Binary':
      push(n.left, n.right);
      break;
    case 'Paren':
      push(n.expr);
      break;
    case 'Try':
      push(n.values);
      break;
    default:
      break;
  }
  return out;
}

/** A word kept as text in the tree, as an `Ident` node. */
function ident(text: string, span: A.Node): A.Ident {
  return { kind: 'Ident', text, start: span.start, end: span.end };
}

/**
 * The nodes containing `offset`, outermost first. An offset at the end of a node counts as inside
 * it (the cursor just after `dense` is on `dense`).
 */
export function pathAt(file: A.ParsedFile, offset: number): AnyNode[] {
  const path: AnyNode[] = [];
  let level: AnyNode[] = file.decls;
  for (;;) {
    // the last match wins: at `a(|` the cursor is at the end of `a` and the start of the args
    let next: AnyNode | undefined;
    for (const n of level) if (n.start <= offset && offset <= n.end) next = n;
    if (!next) return path;
    path.push(next);
    level = children(next);
  }
}

/** Every node of the file, depth first (declarations first). */
export function* allNodes(file: A.ParsedFile): Generator<AnyNode> {
  const stack: AnyNode[] = [...file.decls].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    const cs = children(n);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
  }
}
