// Inlay hints: the output shape after every layer line (`→ [128]`), and optionally its parameter
// count. A layer inside a block shows the shapes of the block's calls; a block call shows the
// block's output there. Layers after a broken one keep their hints wherever shapes are known.

import * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import type { LayerNode } from '../../core/graph';
import { formatShape, formatNumber } from '../../core/messages';
import { formatShapes } from '../../core/format-values';
import { ui } from '../strings';

interface Hint {
  /** where the statement (or the block call) ends */
  end: number;
  shapes: string[];
  params: (number | null)[];
  names: string[];
}

export function inlayHints(ctx: ServerContext, params: lsp.InlayHintParams): lsp.InlayHint[] {
  const { shapes: showShapes, parameters: showParams } = ctx.settings.inlayHints;
  if (!showShapes && !showParams) return [];
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const { snap, path, source } = place;
  snap.file(path);
  // blocks of this file get their shapes from the models that call them, wherever they are
  for (const importer of snap.importers(path)) snap.file(importer);
  const hints = new Map<number, Hint>();
  const add = (key: number, end: number, node: LayerNode, params: number | null) => {
    let h = hints.get(key);
    if (!h) hints.set(key, (h = { end, shapes: [], params: [], names: [] }));
    h.shapes.push(formatShape(node.shape));
    h.params.push(params);
    h.names.push(node.name);
  };
  for (const m of snap.models()) {
    // block calls in this file: the output of the block's last layer, and the layers' total
    const calls = new Map<number, { end: number; last: LayerNode; params: number | null }>();
    for (const n of m.nodes) {
      if (n.kind === 'input') continue;
      if (n.file === path) add(n.statement.start, n.statement.end, n, add0(n.trainable, n.nonTrainable));
      for (const s of n.sites) {
        if (s.file !== path) continue;
        const c = calls.get(s.start);
        const p = add0(n.trainable, n.nonTrainable);
        if (!c) calls.set(s.start, { end: s.end, last: n, params: p });
        else {
          c.last = n;
          c.params = c.params === null || p === null ? null : c.params + p;
        }
      }
    }
    for (const [start, c] of calls) add(start, c.end, c.last, c.params);
  }
  const range = params.range;
  const from = source.lines.offset(range.start);
  const to = source.lines.offset(range.end);
  const out: lsp.InlayHint[] = [];
  for (const h of hints.values()) {
    if (h.end < from || h.end > to) continue;
    const parts: string[] = [];
    const shapes = [...new Set(h.shapes)];
    if (showShapes && !(shapes.length === 1 && shapes[0] === '?')) {
      parts.push(`→ ${formatShapes(shapes)}`);
    }
    const ps = [...new Set(h.params)];
    if (showParams && ps.length === 1 && ps[0] !== null && ps[0] > 0) parts.push(`${formatNumber(ps[0])} ${ui(ctx.locale, 'params')}`);
    if (!parts.length) continue;
    out.push({
      position: source.lines.position(h.end),
      label: parts.join('  '),
      kind: lsp.InlayHintKind.Type,
      paddingLeft: true,
      tooltip: shapes.length > 1 ? `${ui(ctx.locale, 'inBlockCalledFrom')}: ${[...new Set(h.names)].join(', ')}` : undefined,
    });
  }
  return out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

function add0(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}
