// Code actions: the quick fixes the core attached to diagnostics, for the diagnostics at the
// requested range.

import * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { toDiagnostic, toWorkspaceEdit, fixTitle } from '../convert';

export function codeActions(ctx: ServerContext, params: lsp.CodeActionParams): lsp.CodeAction[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  if (params.context.only && !params.context.only.some((k) => lsp.CodeActionKind.QuickFix.startsWith(k))) return [];
  const { snap, path, source } = place;
  const from = source.lines.offset(params.range.start);
  const to = source.lines.offset(params.range.end);
  const out: lsp.CodeAction[] = [];
  for (const d of snap.diagnostics(path)) {
    if (!d.fixes.length || d.end < from || d.start > to) continue;
    const diagnostic = toDiagnostic(d, source.lines, ctx.linesOf, ctx.locale);
    for (const f of d.fixes) {
      const edit = toWorkspaceEdit(f.edits, ctx.linesOf);
      if (!edit) continue;
      out.push({ title: fixTitle(f, ctx.locale), kind: lsp.CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: f.preferred, edit });
    }
  }
  return out;
}
