// What completion offers at a place in the text, decided here so that the editor's completion
// (lsp/features/completion.ts) only turns the answer into items: a file path inside a string
// (which files, from the parameter the string is for), the values of a type after `name:` or in a
// list, a call's arguments, a model or block's statements, a train block's settings, or
// declarations at the top level. The replaced word's span comes with it.

import * as A from './syntax/ast';
import { pathAt, type AnyNode } from './syntax/walk';
import { Lexer, T } from './syntax/lexer';
import { calleeOf, enclosingCall, expectedAt, trainSetting, type Callee } from './cursor';
import type { FnSpec, PType } from './catalog/types';
import type { Host, Program, SourceFile } from './program';

export type CompletionSite =
  /** a path inside a string: `folder` is what was typed up to its last `/`; files ending in `extensions` (none: folders only) */
  | { kind: 'path'; typed: string; start: number; folder: string; extensions: readonly string[]; inImport: boolean }
  /** the values of a type (after `name:`, in a list, or for the next positional parameter) */
  | { kind: 'values'; type: PType; owner: FnSpec | undefined }
  /** a call's argument names not given yet, and the next positional parameter's values */
  | { kind: 'arguments'; call: A.CallExpr; callee: Callee }
  | { kind: 'branch' }
  | { kind: 'settings'; train: A.TrainDecl }
  /** layers, blocks and keywords; `first`: nothing written yet in a model (input goes first) */
  | { kind: 'statements'; first: boolean }
  | { kind: 'declarations' }
  | { kind: 'none' };

/** A name's characters (syntax/lexer.ts); a surrogate half counts, so a name beyond the BMP is scanned whole. */
const isIdent = (c: string | undefined) => c !== undefined && /[\p{ID_Continue}\u200c\u200d\ud800-\udfff]/u.test(c);

/** What to offer at `offset` of `file`, and the word it replaces (`start`..`end`). */
export function completionSite(file: SourceFile, offset: number, program: Program): { site: CompletionSite; start: number; end: number } {
  const text = file.text;
  const str = stringAt(text, offset);
  if (str) return { site: pathSite(file, str, program), start: str.start, end: offset };
  let ws = offset;
  while (ws > 0 && isIdent(text[ws - 1])) ws--;
  let we = offset;
  while (isIdent(text[we])) we++;
  let b = ws - 1;
  while (b >= 0 && (text[b] === ' ' || text[b] === '\t')) b--;
  const before = b < 0 ? '\n' : text[b];
  const nodes = pathAt(file.parsed, ws > 0 ? ws - 1 : 0).filter((n) => n.start <= offset);
  return { site: siteAt(file, program, nodes, before, b, ws), start: ws, end: we };
}

function siteAt(file: SourceFile, program: Program, nodes: AnyNode[], before: string, b: number, ws: number): CompletionSite {
  const text = file.text;
  const path = file.path;
  const decl = nodes[0] as A.Decl | undefined;
  const callIndex = enclosingCall(nodes, ws);
  // a value after `name:`
  if (before === ':') {
    let k = b - 1;
    while (k >= 0 && /\s/.test(text[k])) k--;
    let ks = k;
    while (ks > 0 && isIdent(text[ks - 1])) ks--;
    const key = text.slice(ks, k + 1);
    if (callIndex !== undefined) {
      const callee = calleeOf(nodes, callIndex, program, path);
      const p = callee.kind === 'spec' ? callee.spec.params.find((x) => x.name === key) : undefined;
      return p && callee.kind === 'spec' ? { kind: 'values', type: p.type, owner: callee.spec } : { kind: 'none' };
    }
    if (decl?.kind === 'Train') {
      const p = trainSetting(key);
      return p ? { kind: 'values', type: p.type, owner: undefined } : { kind: 'none' };
    }
    return { kind: 'none' };
  }
  // inside a list written as a value
  const listIndex = lastIndexOf(nodes, 'List');
  if ((before === '[' || before === ',') && listIndex !== undefined && (callIndex === undefined || listIndex > callIndex)) {
    const e = expectedAt([...nodes.slice(0, listIndex + 1), { kind: 'Missing', start: ws, end: ws }], listIndex + 1, program, path);
    return e ? { kind: 'values', type: e.type, owner: e.owner } : { kind: 'none' };
  }
  // an argument of a call: names not given yet, and values for the next positional parameter
  if ((before === '(' || before === ',') && callIndex !== undefined) {
    return { kind: 'arguments', call: nodes[callIndex] as A.CallExpr, callee: calleeOf(nodes, callIndex, program, path) };
  }
  // a statement, a setting or a declaration
  const atStatement = before === '\n' || before === '{' || before === '}' || before === ';' || before === ')' || before === ']';
  if (!atStatement) return { kind: 'none' };
  const bodyOwner = [...nodes].reverse().find((n) => n.kind === 'Body' || n.kind === 'Train' || n.kind === 'Parallel');
  if (bodyOwner?.kind === 'Parallel') return { kind: 'branch' };
  if (bodyOwner?.kind === 'Train' && ws > (bodyOwner as A.TrainDecl).lbrace) return { kind: 'settings', train: bodyOwner as A.TrainDecl };
  if (bodyOwner?.kind === 'Body' && decl && (decl.kind === 'Model' || decl.kind === 'Block')) {
    return { kind: 'statements', first: decl.kind === 'Model' && decl.body.stmts.every((s) => s.start >= ws) };
  }
  if (!decl || ws >= decl.end || ws <= decl.start) return { kind: 'declarations' };
  return { kind: 'none' };
}

function lastIndexOf(nodes: AnyNode[], kind: string): number | undefined {
  for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i].kind === kind) return i;
  return undefined;
}

/** The string literal the cursor is in (also an unclosed one): its contents up to the cursor. */
function stringAt(text: string, offset: number): { typed: string; start: number } | undefined {
  const lexer = new Lexer(text);
  for (let t = lexer.next(); t.kind !== T.EOF && t.start < offset; t = lexer.next()) {
    if (t.kind === T.String && t.start < offset && (offset < t.end || (offset === t.end && text[t.end - 1] !== '"'))) {
      return { typed: text.slice(t.start + 1, offset), start: t.start + 1 };
    }
  }
  return undefined;
}

/** A path in an import statement (.nn files), or in a string argument the catalogue types as a path. */
function pathSite(file: SourceFile, s: { typed: string; start: number }, program: Program): CompletionSite {
  const folder = s.typed.includes('/') ? s.typed.slice(0, s.typed.lastIndexOf('/') + 1) : '';
  const nodes = pathAt(file.parsed, s.start);
  if (nodes[0]?.kind === 'Import') return { kind: 'path', ...s, folder, extensions: ['.nn'], inImport: true };
  const last = nodes.length - 1;
  const t = last > 0 && nodes[last].kind === 'String' ? expectedAt(nodes, last, program, file.path)?.type : undefined;
  const options = t?.t === 'oneOf' ? t.options : t ? [t] : [];
  const pathType = options.find((o): o is Extract<PType, { t: 'string' }> => o.t === 'string' && o.path !== undefined);
  if (!pathType) return { kind: 'none' };
  return { kind: 'path', ...s, folder, extensions: pathType.path === 'folder' ? [] : pathType.path!, inImport: false };
}

/**
 * The entries a path site offers, listed through the host: folders, and files with one of the
 * site's endings (an import does not offer the file it is written in); hidden entries and
 * node_modules are left out.
 */
export function pathCandidates(site: Extract<CompletionSite, { kind: 'path' }>, host: Host, fromFile: string): { label: string; folder: boolean }[] {
  const entries = host.listFolder(fromFile, site.folder) ?? [];
  const out: { label: string; folder: boolean }[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (!e.folder && !site.extensions.some((x) => e.name.endsWith(x))) continue;
    if (!e.folder && site.inImport && e.path === fromFile) continue;
    out.push({ label: e.folder ? `${e.name}/` : e.name, folder: e.folder });
  }
  return out;
}
