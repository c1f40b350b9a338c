// The extension's own requests: a model's summary, and the workspace's train blocks.

import type { ServerContext } from '../context';
import type { SummaryParams, SummaryResult, TrainBlocksResult } from '../requests';
import { summarize, formatSummary } from '../../core/summary';
import { pathToUri } from '../convert';

export function summary(ctx: ServerContext, p: SummaryParams): SummaryResult | null {
  const place = ctx.place(p.uri);
  if (!place) return null;
  const { snap, path } = place;
  const r = snap.file(path);
  // the model may be declared in an imported file
  const m = r.models.find((x) => x.name === p.model) ?? snap.models().find((x) => x.name === p.model) ?? r.trains.find((t) => t.model?.name === p.model)?.model;
  if (!m) return null;
  const s = summarize(m, (f) => snap.source(f)?.lines);
  const rows = s.rows.map(({ node: _node, ...rest }) => rest);
  return { summary: { ...s, rows }, text: formatSummary(s) };
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
