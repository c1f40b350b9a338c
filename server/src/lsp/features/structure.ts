// Folding ranges (bodies, train blocks, runs of comments) and selection ranges (from the word at
// the cursor out through its enclosing nodes to the declaration).

import * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { allNodes, pathAt } from '../../core/syntax/walk';

export function foldingRanges(ctx: ServerContext, params: lsp.FoldingRangeParams): lsp.FoldingRange[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const { source } = place;
  const line = (o: number) => source.lines.position(o).line;
  const out: lsp.FoldingRange[] = [];
  for (const n of allNodes(source.parsed)) {
    if (n.kind === 'Body' || n.kind === 'Train' || n.kind === 'Parallel' || n.kind === 'List' || (n.kind === 'Call' && n.args.length > 1)) {
      const s = line(n.start);
      const e = line(n.end);
      // fold up to the line before the closing bracket, so it stays visible
      if (e - 1 > s) out.push({ startLine: s, endLine: e - 1 });
    }
  }
  // runs of two or more comment lines
  const comments = source.parsed.comments;
  for (let i = 0; i < comments.length; ) {
    let j = i;
    while (j + 1 < comments.length && line(comments[j + 1].start) === line(comments[j].start) + 1) j++;
    if (j > i) out.push({ startLine: line(comments[i].start), endLine: line(comments[j].start), kind: lsp.FoldingRangeKind.Comment });
    i = j + 1;
  }
  return out;
}

export function selectionRanges(ctx: ServerContext, params: lsp.SelectionRangeParams): lsp.SelectionRange[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const { source } = place;
  return params.positions.map((p) => {
    const offset = source.lines.offset(p);
    let range: lsp.SelectionRange = { range: { start: source.lines.position(0), end: source.lines.position(source.text.length) } };
    let last: { start: number; end: number } | undefined;
    for (const n of pathAt(source.parsed, offset)) {
      if (last && last.start === n.start && last.end === n.end) continue;
      range = { range: { start: source.lines.position(n.start), end: source.lines.position(n.end) }, parent: range };
      last = n;
    }
    return range;
  });
}
