// Core results -> LSP types. Offsets in the core are UTF-16 code units, what LSP positions
// count by default, so a line index converts both ways without re-encoding.

import { URI } from 'vscode-uri';
import * as lsp from 'vscode-languageserver';
import type { LineIndex } from '../core/text';
import type { Diagnostic, TextEdit, Fix } from '../core/diagnostics';
import { localize, localizeFix } from '../core/diagnostics';
import type { Locale } from '../core/messages';

export function uriToPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}

export function toRange(lines: LineIndex, start: number, end: number): lsp.Range {
  return { start: lines.position(start), end: lines.position(end) };
}

export function toOffset(lines: LineIndex, p: lsp.Position): number {
  return lines.offset(p);
}

const SEVERITY: Record<Diagnostic['severity'], lsp.DiagnosticSeverity> = {
  error: lsp.DiagnosticSeverity.Error,
  warning: lsp.DiagnosticSeverity.Warning,
  info: lsp.DiagnosticSeverity.Information,
  hint: lsp.DiagnosticSeverity.Hint,
};

export type LinesOf = (path: string) => LineIndex | undefined;

export function toDiagnostic(d: Diagnostic, lines: LineIndex, linesOf: LinesOf, locale: Locale): lsp.Diagnostic {
  const out: lsp.Diagnostic = {
    range: toRange(lines, d.start, d.end),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'nn',
    message: localize(d, locale),
  };
  if (d.unnecessary) out.tags = [lsp.DiagnosticTag.Unnecessary];
  const related = d.related.flatMap((r) => {
    const l = linesOf(r.file);
    return l ? [{ location: { uri: pathToUri(r.file), range: toRange(l, r.start, r.end) }, message: localize(r, locale) }] : [];
  });
  if (related.length) out.relatedInformation = related;
  return out;
}

export function toWorkspaceEdit(edits: TextEdit[], linesOf: LinesOf): lsp.WorkspaceEdit | undefined {
  const changes: Record<string, lsp.TextEdit[]> = {};
  for (const e of edits) {
    const l = linesOf(e.file);
    if (!l) return undefined;
    (changes[pathToUri(e.file)] ??= []).push({ range: toRange(l, e.start, e.end), newText: e.newText });
  }
  return { changes };
}

export function fixTitle(f: Fix, locale: Locale): string {
  return localizeFix(f, locale);
}
