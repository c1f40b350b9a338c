// The extension's own requests: a model's summary and its picture, and the workspace's train blocks.

import type { ServerContext } from '../context';
import type { GraphParams, GraphResult, SummaryParams, SummaryResult, TrainBlocksResult } from '../requests';
import type { ModelGraph } from '../../core/graph';
import { summarize, formatSummary } from '../../core/summary';
import { describeDiagram } from '../../core/diagram';
import { localize } from '../../core/diagnostics';
import { pathToUri } from '../convert';

export function summary(ctx: ServerContext, p: SummaryParams): SummaryResult | null {
  const place = ctx.place(p.uri);
  if (!place) return null;
  const { snap } = place;
  const m = findModel(ctx, p);
  if (!m) return null;
  const s = summarize(m, (f) => snap.source(f)?.lines);
  const rows = s.rows.map(({ node: _node, ...rest }) => rest);
  return { summary: { ...s, rows }, text: formatSummary(s) };
}

/** A model named in a request: declared in the document, or in a file it imports. */
function findModel(ctx: ServerContext, p: { uri: string; model: string }): ModelGraph | undefined {
  const place = ctx.place(p.uri);
  if (!place) return undefined;
  const { snap, path } = place;
  const r = snap.file(path);
  return r.models.find((x) => x.name === p.model) ?? snap.models().find((x) => x.name === p.model) ?? r.trains.find((t) => t.model?.name === p.model)?.model;
}

export function graph(ctx: ServerContext, p: GraphParams): GraphResult | null {
  const place = ctx.place(p.uri);
  const m = findModel(ctx, p);
  if (!place || !m) return null;
  const { snap } = place;
  // the model's own file's diagnostics: errors in it, and those its block calls cause there
  const diagnostics = snap.file(m.file).diagnostics;
  return { diagram: describeDiagram(m, { lines: (f) => snap.source(f)?.lines, diagnostics, message: (d) => localize(d, ctx.locale) }) };
}

export function trainBlocks(ctx: ServerContext): TrainBlocksResult {
  const snap = ctx.workspace.current();
  const trains: TrainBlocksResult['trains'] = [];
  for (const f of ctx.workspace.workspaceFiles()) {
    if (!snap.source(f)) continue;
    for (const t of snap.file(f).trains) {
      trains.push({ uri: pathToUri(f), file: f, name: t.name, model: t.model?.name, data: t.data?.name, ok: !t.hasErrors });
    }
  }
  return { trains };
}
