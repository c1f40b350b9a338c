// Code lenses: "Train" and "Summary" above each train block, and the parameter count with
// "Summary", and "Graph", above each model. The client implements the commands.

import type * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { toRange } from '../convert';
import { formatNumber } from '../../core/messages';
import { ui } from '../strings';
import { keywordSpan } from '../../core/syntax/ast';
import { sweepTitle } from './hover';

export const COMMANDS = { train: 'nn.train', summary: 'nn.showSummary', graph: 'nn.showGraph' } as const;

export function codeLenses(ctx: ServerContext, params: lsp.CodeLensParams): lsp.CodeLens[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const { snap, path, source } = place;
  const r = snap.file(path);
  const L = ctx.locale;
  const out: lsp.CodeLens[] = [];
  const uri = params.textDocument.uri;
  for (const t of r.trains) {
    const range = toRange(source.lines, t.decl.start, keywordSpan(t.decl).end);
    out.push({ range, command: { title: ui(L, 'lensTrain'), command: COMMANDS.train, arguments: [uri, t.name] } });
    if (t.model) out.push({ range, command: { title: ui(L, 'lensSummary'), command: COMMANDS.summary, arguments: [uri, t.model.name, t.model.file] } });
    // a sweep: how many trials nn train runs (hover on the block's name or a try lists them)
    if (t.sweep) out.push({ range, command: { title: sweepTitle(L, t.sweep.count), command: '' } });
  }
  for (const m of r.models) {
    const range = toRange(source.lines, m.decl.start, keywordSpan(m.decl).end);
    const total = m.totals.trainable === null || m.totals.nonTrainable === null ? null : m.totals.trainable + m.totals.nonTrainable;
    const title = total === null ? ui(L, 'lensSummary') : `${ui(L, 'lensSummary')} · ${formatNumber(total)} ${ui(L, 'lensParams')}`;
    out.push({ range, command: { title, command: COMMANDS.summary, arguments: [uri, m.name, m.file] } });
    out.push({ range, command: { title: ui(L, 'lensGraph'), command: COMMANDS.graph, arguments: [uri, m.name] } });
  }
  return out;
}
