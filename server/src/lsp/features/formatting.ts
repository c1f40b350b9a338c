// Formatting, of the whole document or of a range (the lines of the tokens in the range).

import type * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { format } from '../../core/format';
import { toRange } from '../convert';

export function formatDocument(ctx: ServerContext, params: lsp.DocumentFormattingParams): lsp.TextEdit[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const text = place.source.text;
  const r = format(text, place.source.parsed);
  if (!r || r.text === text) return [];
  return [{ range: toRange(place.source.lines, 0, text.length), newText: r.text }];
}

export function formatRange(ctx: ServerContext, params: lsp.DocumentRangeFormattingParams): lsp.TextEdit[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const { source } = place;
  const text = source.text;
  const r = format(text, source.parsed);
  if (!r) return [];
  // the lines the range touches (a range ending at a line's start does not touch that line)
  const { start, end } = params.range;
  const lastLine = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
  const from = source.lines.lineStart(start.line);
  const to = source.lines.lineEnd(lastLine);
  // the tokens that start on those lines, widened to whole lines in the input and the output
  let i = 0;
  while (i < r.starts.length && r.starts[i] < from) i++;
  let j = i;
  while (j < r.starts.length && r.starts[j] <= to) j++;
  if (i === j) return [];
  const first = r.starts[i];
  const last = r.starts[j - 1];
  const lineOf = (o: number) => source.lines.position(o).line;
  const inStart = source.lines.lineStart(lineOf(first));
  const inEnd = source.lines.lineEnd(lineOf(last));
  const outStart = r.text.lastIndexOf('\n', r.outStarts[i] - 1) + 1;
  let outEnd = r.text.indexOf('\n', r.outStarts[j - 1]);
  if (outEnd < 0) outEnd = r.text.length;
  let replacement = r.text.slice(outStart, outEnd);
  if (replacement.endsWith('\r')) replacement = replacement.slice(0, -1);
  if (replacement === text.slice(inStart, inEnd)) return [];
  return [{ range: toRange(source.lines, inStart, inEnd), newText: replacement }];
}
