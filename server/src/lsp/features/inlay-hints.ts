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
    // block calls in this file: the output of the block's last layer, and the layers' total,
    // for each call of the block that holds the site (a block line inside a block called three
    // times is three calls: keyed by the path of call sites down to this one)
    const calls = new Map<string, { start: number; end: number; last: LayerNode; params: number | null }>();
    for (const n of m.nodes) {
      if (n.kind === 'input') continue;
      const p = add0(n.trainable, n.nonTrainable);
      if (n.file === path) add(n.statement.start, n.statement.end, n, p);
      let key = '';
      for (const s of n.sites) {
        key += `${s.file}:${s.start};`;
        if (s.file !== path) continue;
        const c = calls.get(key);
        if (!c) calls.set(key, { start: s.start, end: s.end, last: n, params: p });
        else {
          c.last = n;
          c.params = c.params === null || p === null ? null : c.params + p;
        }
      }
    }
    for (const c of calls.values()) add(c.start, c.end, c.last, c.params);
  }
  const range = params.range;
  const from = source.lines.offset(range.start);
  const to = source.lines.offset(range.end);
  const out: lsp.InlayHint[] = [];
  for (const h of hints.values()) {
    if (h.end < from || h.end > to) continue;
    const parts = hintParts(h, showShapes, showParams, ui(ctx.locale, 'params'));
    if (!parts.length) continue;
    const shapes = [...new Set(h.shapes)];
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

/**
 * What a line's hint says. One call, or calls that agree: its shape and its count. Calls that
 * differ: what holds for all of them (a common count after the shapes), else each call's shape
 * with its own count, in call order, so a count is never another call's or a sum of calls.
 */
function hintParts(h: Hint, showShapes: boolean, showParams: boolean, unit: string): string[] {
  const calls = [...new Map(h.shapes.map((s, i) => [`${s}\u0000${h.params[i]}`, { shape: s, params: h.params[i] }])).values()];
  const shapes = [...new Set(calls.map((c) => c.shape))];
  const params = [...new Set(calls.map((c) => c.params))];
  const count = (p: number | null) => (p !== null && p > 0 ? formatNumber(p) : null);
  const parts: string[] = [];
  const knownShape = !(shapes.length === 1 && shapes[0] === '?');
  if (params.length > 1 && showParams && calls.some((c) => count(c.params) !== null)) {
    // the counts differ between calls: each call's shape and count together
    const each = calls.map((c) => (showShapes && knownShape ? `${c.shape} ${count(c.params) ?? '?'}` : count(c.params) ?? '?'));
    const shown = each.length > 3 ? [...each.slice(0, 3), '…'] : each;
    return [`${showShapes && knownShape ? '→ ' : ''}${shown.join(' | ')} ${unit}`];
  }
  if (showShapes && knownShape) parts.push(`→ ${formatShapes(shapes)}`);
  const p = params.length === 1 ? count(params[0]) : null;
  if (showParams && p !== null) parts.push(`${p} ${unit}`);
  return parts;
}
