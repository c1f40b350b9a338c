// Go to definition, find references, document highlights and rename: models, blocks, datasets,
// constants and block parameters, across every file of the workspace.

import * as lsp from 'vscode-languageserver';
import type { ServerContext, Place } from '../context';
import type { Target } from '../../core/names';
import type { Loc } from '../../core/values';
import { toRange, pathToUri } from '../convert';
import { isKeyword } from '../../core/syntax/lexer';
import { LAYER_BY_NAME } from '../../core/catalog/layers';
import { isName, nameKey } from '../../core/syntax/lexer';
import type { Snapshot } from '../workspace';

interface Occurrence {
  target: Target;
  at: Loc;
}

function sameTarget(a: Target, b: Target): boolean {
  return a.kind === 'decl' && b.kind === 'decl' ? a.decl === b.decl : a.kind === 'param' && b.kind === 'param' ? a.param === b.param : false;
}

/** The user-declared thing named at the place's offset: a reference or a declaration's own name. */
function targetAt(place: Place): Occurrence | undefined {
  const { snap, path, source, offset } = place;
  const within = (n: { start: number; end: number }) => n.start <= offset && offset <= n.end;
  for (const r of snap.analysis.references(path)) if (within(r.at)) return r;
  for (const d of source.parsed.decls) {
    if (d.kind === 'Import' || !d.name) continue;
    if (within(d.name)) return { target: { kind: 'decl', decl: d, file: path }, at: { file: path, start: d.name.start, end: d.name.end } };
    if (d.kind === 'Block') {
      for (const p of d.params) {
        if (within(p.name)) return { target: { kind: 'param', param: p, block: d, file: path }, at: { file: path, start: p.name.start, end: p.name.end } };
      }
    }
  }
  return undefined;
}

function declarationOf(t: Target): Loc {
  if (t.kind === 'param') return { file: t.file, start: t.param.name.start, end: t.param.name.end };
  const name = t.decl.name!;
  return { file: t.file, start: name.start, end: name.end };
}

/** The declaration and every reference, in every file loaded in the snapshot. */
function occurrences(snap: Snapshot, t: Target): Loc[] {
  const out: Loc[] = [declarationOf(t)];
  const files = t.kind === 'param' ? [t.file] : snap.program.files().map((f) => f.path);
  for (const f of files) for (const r of snap.analysis.references(f)) if (sameTarget(r.target, t)) out.push(r.at);
  return out;
}

function location(snap: Snapshot, l: Loc): lsp.Location | undefined {
  const src = snap.source(l.file);
  return src && { uri: pathToUri(l.file), range: toRange(src.lines, l.start, l.end) };
}

export function definition(ctx: ServerContext, params: lsp.DefinitionParams): lsp.Location | null {
  const place = ctx.place(params.textDocument.uri, params.position);
  const o = place && targetAt(place);
  return (o && location(place.snap, declarationOf(o.target))) ?? null;
}

export function references(ctx: ServerContext, params: lsp.ReferenceParams): lsp.Location[] {
  const place = ctx.place(params.textDocument.uri, params.position);
  const o = place && targetAt(place);
  if (!o) return [];
  const decl = declarationOf(o.target);
  return occurrences(place.snap, o.target)
    .filter((l) => params.context.includeDeclaration || !(l.file === decl.file && l.start === decl.start))
    .flatMap((l) => location(place.snap, l) ?? []);
}

export function highlights(ctx: ServerContext, params: lsp.DocumentHighlightParams): lsp.DocumentHighlight[] {
  const place = ctx.place(params.textDocument.uri, params.position);
  const o = place && targetAt(place);
  if (!o) return [];
  const decl = declarationOf(o.target);
  return occurrences(place.snap, o.target)
    .filter((l) => l.file === place.path)
    .map((l) => ({
      range: toRange(place.source.lines, l.start, l.end),
      kind: l.start === decl.start && l.file === decl.file ? lsp.DocumentHighlightKind.Write : lsp.DocumentHighlightKind.Read,
    }));
}

export function prepareRename(ctx: ServerContext, params: lsp.PrepareRenameParams): lsp.PrepareRenameResult | null {
  const place = ctx.place(params.textDocument.uri, params.position);
  const o = place && targetAt(place);
  if (!o) return null;
  return { range: toRange(place.source.lines, o.at.start, o.at.end), placeholder: place.source.text.slice(o.at.start, o.at.end) };
}

export function rename(ctx: ServerContext, params: lsp.RenameParams): lsp.WorkspaceEdit | null {
  const place = ctx.place(params.textDocument.uri, params.position);
  const o = place && targetAt(place);
  if (!o) return null;
  // written as the language compares names (NFC): a name typed decomposed is the same name
  const name = nameKey(params.newName);
  const bad = (message: string) => new lsp.ResponseError(lsp.ErrorCodes.InvalidParams, message);
  if (!isName(name)) throw bad(`'${name}' is not a name: use letters (of any script), digits and _, not starting with a digit`);
  if (isKeyword(name)) throw bad(`'${name}' is a keyword`);
  const t = o.target;
  if (t.kind === 'decl' && t.decl.kind === 'Block' && LAYER_BY_NAME.has(name)) throw bad(`'${name}' is a built-in layer`);
  if (t.kind === 'param') {
    if (t.block.params.some((p) => p.name.text === name && p !== t.param)) throw bad(`block '${t.block.name?.text}' already has a parameter '${name}'`);
  } else {
    // the new name must not collide where the declaration is visible: its file and the files importing it
    for (const f of [t.file, ...place.snap.importers(t.file)]) {
      const clash = place.snap.program.lookup(f, name);
      if (clash && clash.decl !== t.decl) throw bad(`'${name}' is already declared in ${clash.file.split(/[\\/]/).pop()}`);
    }
  }
  const changes: Record<string, lsp.TextEdit[]> = {};
  for (const l of occurrences(place.snap, t)) {
    const src = place.snap.source(l.file);
    if (!src) continue;
    (changes[pathToUri(l.file)] ??= []).push({ range: toRange(src.lines, l.start, l.end), newText: name });
  }
  return { changes };
}

