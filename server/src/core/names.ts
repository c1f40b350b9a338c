// Names: what every written name refers to (for go-to-definition, references, rename and the
// unused hint), and the checks on declarations themselves: duplicates, imports, unused.

import * as A from './syntax/ast';
import type { Program, SourceFile, ReadProblem } from './program';
import { type Sink, report, loc, type Loc } from './values';
import { LAYER_BY_NAME } from './catalog/layers';
import { makeRelated } from './diagnostics';

export type Target =
  | { kind: 'decl'; decl: A.NamedDecl; file: string }
  | { kind: 'param'; param: A.Param; block: A.BlockDecl; file: string };

export interface Reference {
  at: Loc;
  target: Target;
}

type ParamScope = { block: A.BlockDecl; names: Map<string, A.Param> };

/** A written name: an identifier, or a name used as a value. */
export type Named = { text: string; start: number; end: number };

/**
 * Visit every written name in `file` that refers to something: a declaration (visible from the
 * file) or a block parameter. The one walk behind references, rename and the unused hint. It
 * goes through the parser's list of names (in source order), not the tree: inside a block's
 * body, the block's parameters come first; a callee that is a layer refers to no declaration.
 */
export function walkNames(
  program: Program,
  file: SourceFile,
  visit: (id: Named, decl: { decl: A.NamedDecl; file: string } | undefined, param: { param: A.Param; block: A.BlockDecl } | undefined) => void,
): void {
  const path = file.path;
  const decls = file.parsed.decls;
  let d = 0;
  /** the block whose body the current name is in, with its parameters */
  let scope: ParamScope | undefined;
  for (const use of file.parsed.names) {
    if (use.kind === 'Call' && LAYER_BY_NAME.has(use.callee)) continue;
    const id: Named = use.kind === 'Call' ? { text: use.callee, ...A.calleeSpan(use) } : use;
    // the declaration the name is in (names and declarations are both in source order)
    while (d < decls.length && decls[d].end <= id.start) d++;
    const decl = decls[d];
    if (decl && decl.kind === 'Block' && decl.params.length && id.start >= decl.body.start && id.end <= decl.body.end) {
      if (scope?.block !== decl) scope = { block: decl, names: new Map(decl.params.map((p) => [p.name.text, p])) };
      const p = scope.names.get(id.text);
      if (p) {
        visit(id, undefined, { param: p, block: decl });
        continue;
      }
    }
    const sym = program.lookup(path, id.text);
    if (sym) visit(id, sym, undefined);
  }
}

/** Every name in `file` that refers to a declaration or a block parameter (for the editor). */
export function collectReferences(program: Program, file: SourceFile): Reference[] {
  const refs: Reference[] = [];
  walkNames(program, file, (id, decl, param) => {
    const at = loc(file.path, id);
    if (param) refs.push({ at, target: { kind: 'param', param: param.param, block: param.block, file: file.path } });
    else if (decl) refs.push({ at, target: { kind: 'decl', decl: decl.decl, file: decl.file } });
  });
  return refs;
}

/**
 * The declarations `root` (declared in `file`) uses, directly or through others, itself
 * included, each with its file: a train block's model, datasets, constants, the blocks they call,
 * wherever they are declared. Every declaration of a used name in its file counts: a name declared
 * twice is ambiguous, so its duplicates are part of what uses it.
 */
export function declarationsUsedBy(program: Program, root: A.NamedDecl, file: string): Map<A.NamedDecl, string> {
  const used = new Map<A.NamedDecl, string>();
  const refs = new Map<string, Reference[]>();
  const todo: [A.NamedDecl, string][] = [[root, file]];
  const add = (d: A.NamedDecl, f: string) => {
    if (used.has(d)) return;
    used.set(d, f);
    todo.push([d, f]);
  };
  used.set(root, file);
  while (todo.length) {
    const [d, f] = todo.pop()!;
    const source = program.file(f);
    if (!source) continue;
    if (d.name) for (const same of source.decls.get(d.name.text) ?? []) add(same, f);
    let list = refs.get(f);
    if (!list) refs.set(f, (list = collectReferences(program, source)));
    for (const r of list) if (r.target.kind === 'decl' && r.at.start >= d.start && r.at.end <= d.end) add(r.target.decl, r.target.file);
  }
  return used;
}

/** Whether a diagnostic is in one of these declarations (by its file and start). */
export function inDeclarations(d: { file: string; start: number }, decls: ReadonlyMap<A.NamedDecl, string>): boolean {
  for (const [decl, file] of decls) if (file === d.file && d.start >= decl.start && d.start < decl.end) return true;
  return false;
}

/** Declarations some name in these files refers to. */
export function usedDeclarations(program: Program, files: SourceFile[]): Set<A.NamedDecl> {
  const used = new Set<A.NamedDecl>();
  for (const f of files) walkNames(program, f, (_id, decl) => decl && used.add(decl.decl));
  return used;
}

/** A name declared twice in one file, or a block named like a built-in layer. */
export function checkDuplicates(file: SourceFile, sink: Sink): void {
  for (const [name, decls] of file.decls) {
    for (const d of decls.slice(1)) {
      report(sink, loc(file.path, d.name!), 'NN102', 'duplicateDecl', { name, kind: kindName(decls[0]) }, {
        related: [makeRelated(loc(file.path, decls[0].name!), 'firstDeclaredHere', {})],
      });
    }
    for (const d of decls) {
      if (d.kind === 'Block' && LAYER_BY_NAME.has(name)) report(sink, loc(file.path, d.name!), 'NN102', 'duplicateDecl', { name, kind: 'built-in layer' });
    }
  }
}

function kindName(d: A.NamedDecl): string {
  return d.kind === 'Const' ? 'constant' : d.kind.toLowerCase();
}

/** Imports that cannot be read, that import their own file, or that close a cycle. */
export function checkImports(program: Program, file: SourceFile, sink: Sink): void {
  for (const i of file.imports) {
    if (!i.decl.path) continue;
    const at = loc(file.path, i.decl.path);
    if (!i.decl.path.value || !i.target || !program.file(i.target)) {
      reportUnread(sink, at, i.decl.path.value, i.target ? program.problem(i.target) : undefined);
      continue;
    }
    if (i.target === file.path) {
      report(sink, at, 'NN106', 'importSelf', {});
      continue;
    }
    const chain = findPath(program, i.target, file.path);
    if (chain) {
      report(sink, at, 'NN106', 'importCycle', { chain: [file.path, ...chain].map(baseName) });
      continue;
    }
    const broken = firstSyntaxErrors(program, i.target);
    if (broken) {
      const line = broken.file.lines.position(broken.file.parsed.errors[0].start).line + 1;
      const via = broken.file.path === i.target ? undefined : baseName(broken.via);
      report(sink, at, 'NN113', 'importHasSyntaxErrors', { path: broken.file.path === i.target ? i.decl.path.value : baseName(broken.file.path), count: broken.file.parsed.errors.length, line, ...(via ? { via } : {}) });
    }
  }
}

/** The first file with syntax errors among `from` and the files it imports (breadth first), and who imports it. */
function firstSyntaxErrors(program: Program, from: string): { file: SourceFile; via: string } | undefined {
  const queue: { path: string; via: string }[] = [{ path: from, via: from }];
  const seen = new Set([from]);
  while (queue.length) {
    const { path, via } = queue.shift()!;
    const f = program.file(path);
    if (!f) continue;
    if (f.parsed.errors.length) return { file: f, via };
    for (const i of f.imports)
      if (i.target && !seen.has(i.target)) {
        seen.add(i.target);
        queue.push({ path: i.target, via: path });
      }
  }
  return undefined;
}

/** NN105 for a file that could not be read: not found, or refused by the host (and why). */
export function reportUnread(sink: Sink, at: Loc, path: string, problem: ReadProblem | undefined): void {
  if (!problem) report(sink, at, 'NN105', 'importNotFound', { path });
  else if (problem.kind === 'not-regular') report(sink, at, 'NN105', 'importNotRegular', { path, what: problem.what });
  else if (problem.kind === 'too-large') report(sink, at, 'NN105', 'importTooLarge', { path, size: problem.size, limit: problem.limit });
  else if (problem.kind === 'outside-workspace') report(sink, at, 'NN105', 'importOutsideWorkspace', { path });
  else if (problem.kind === 'outside-checked') report(sink, at, 'NN105', 'importOutsideChecked', { path });
  else if (problem.kind === 'unreadable') report(sink, at, 'NN105', 'importUnreadable', { path, why: problem.why });
  else report(sink, at, 'NN105', 'importBinary', { path });
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** A chain of imports from `from` to `to`, if there is one. */
function findPath(program: Program, from: string, to: string): string[] | undefined {
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const p = queue.shift()!;
    if (p === to) {
      const chain = [p];
      let c = p;
      while (prev.has(c)) {
        c = prev.get(c)!;
        chain.unshift(c);
      }
      return chain;
    }
    for (const i of program.file(p)?.imports ?? []) {
      if (i.target && !seen.has(i.target)) {
        seen.add(i.target);
        prev.set(i.target, p);
        queue.push(i.target);
      }
    }
  }
  return undefined;
}

/** Constants, blocks and datasets nobody refers to (models and trains are entry points). */
export function checkUnused(file: SourceFile, used: ReadonlySet<A.NamedDecl>, sink: Sink): void {
  for (const [name, decls] of file.decls) {
    const d = decls[0];
    if (d.kind !== 'Const' && d.kind !== 'Block' && d.kind !== 'Dataset') continue;
    if (!used.has(d)) report(sink, loc(file.path, d.name!), 'NN103', 'unusedDecl', { name, kind: kindName(d) }, { unnecessary: true });
  }
}
