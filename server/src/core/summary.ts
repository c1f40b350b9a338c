// Model summaries: the per-layer table of Keras' model.summary() and torchinfo, computed from a
// model graph. Layers from a block call are grouped under a row for the call, indented.

import type { ModelGraph, LayerNode } from './graph';
import type { Shape } from './shape';
import { formatShape, formatNumber } from './format-values';
import type { Locale } from './messages';
import { type LineIndex, displayWidth, padEndColumns, padStartColumns } from './text';

export interface SummaryRow {
  /** layer name (unique in the model) or block name for a block row */
  name: string;
  /** the layer kind, or 'block' */
  kind: string;
  depth: number;
  shape: Shape | null;
  params: number | null;
  trainable: number | null;
  nonTrainable: number | null;
  macs: number | null;
  /** 1-based line of the statement, in the file where it is written */
  line: number;
  file: string;
  node?: LayerNode;
}

export interface ModelSummary {
  name: string;
  file: string;
  line: number;
  inputShape: Shape | null;
  rows: SummaryRow[];
  totalParams: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  macs: number | null;
  /** bytes of float32 weights */
  paramBytes: number | null;
  /** bytes of float32 layer outputs for one sample, forward pass */
  activationBytes: number | null;
  hasErrors: boolean;
}

const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

export function summarize(m: ModelGraph, lines: (file: string) => LineIndex | undefined): ModelSummary {
  const lineOf = (file: string, offset: number) => (lines(file)?.position(offset).line ?? 0) + 1;
  const rows: SummaryRow[] = [];
  // open block rows, one per depth, with the call site that started them
  const open: { row: SummaryRow; site: object }[] = [];
  for (const n of m.nodes) {
    let keep = 0;
    while (keep < open.length && keep < n.sites.length && open[keep].site === n.sites[keep]) keep++;
    open.length = keep;
    for (let d = keep; d < n.sites.length; d++) {
      const site = n.sites[d];
      const row: SummaryRow = {
        name: n.blocks[d],
        kind: 'block',
        depth: d,
        shape: null,
        params: 0,
        trainable: 0,
        nonTrainable: 0,
        macs: 0,
        line: lineOf(site.file, site.start),
        file: site.file,
      };
      rows.push(row);
      open.push({ row, site });
    }
    const params = add(n.trainable, n.nonTrainable);
    for (const o of open) {
      o.row.shape = n.shape;
      o.row.params = add(o.row.params, params);
      o.row.trainable = add(o.row.trainable, n.trainable);
      o.row.nonTrainable = add(o.row.nonTrainable, n.nonTrainable);
      o.row.macs = add(o.row.macs, n.macs);
    }
    rows.push({
      name: n.name,
      kind: n.kind,
      depth: n.sites.length,
      shape: n.shape,
      params,
      trainable: n.trainable,
      nonTrainable: n.nonTrainable,
      macs: n.macs,
      line: lineOf(n.at.file, n.at.start),
      file: n.at.file,
      node: n,
    });
  }
  const t = m.totals;
  const total = add(t.trainable, t.nonTrainable);
  return {
    name: m.name,
    file: m.file,
    line: lineOf(m.file, m.decl.start),
    inputShape: m.inputShape,
    rows,
    totalParams: total,
    trainableParams: t.trainable,
    nonTrainableParams: t.nonTrainable,
    macs: t.macs,
    paramBytes: total === null ? null : total * 4,
    activationBytes: t.activations === null ? null : t.activations * 4,
    hasErrors: m.hasErrors,
  };
}

export function formatBytes(n: number | null): string {
  if (n === null) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}

function count(n: number | null): string {
  return n === null ? '?' : formatNumber(n);
}

function short(n: number | null): string {
  if (n === null) return '?';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)} K`;
  return String(n);
}

/** The words of the summary table, per locale (a Chinese table reads as Keras' summary does in English). */
const SUMMARY_WORDS: Record<Locale, { head: [string, string, string, string]; model: string; total: string; trainable: string; nonTrainable: string; macs: string; activations: string; batch: string; errors: string }> = {
  en: {
    head: ['Layer (type)', 'Output shape', 'Param #', 'Mult-adds'],
    model: 'Model',
    total: 'Total params',
    trainable: 'Trainable params',
    nonTrainable: 'Non-trainable params',
    macs: 'Mult-adds per sample',
    activations: 'Activations per sample (forward)',
    batch: 'Shapes exclude the batch dimension.',
    errors: 'The model has errors: values shown as ? could not be inferred.',
  },
  'zh-cn': {
    head: ['层（类型）', '输出形状', '参数个数', '乘加次数'],
    model: '模型',
    total: '参数总数',
    trainable: '可训练参数',
    nonTrainable: '不可训练参数',
    macs: '每个样本的乘加次数',
    activations: '每个样本的激活值（前向）',
    batch: '形状不含批量维度。',
    errors: '模型有错误：显示为 ? 的值无法推断。',
  },
};

/** The summary as a text table, for terminals and the editor's summary view (run folders keep English). */
export function formatSummary(s: ModelSummary, where?: string, locale: Locale = 'en'): string {
  const w = SUMMARY_WORDS[locale];
  const colon = locale === 'en' ? ': ' : '：';
  const head = [...w.head];
  const body = s.rows.map((r) => [
    `${'  '.repeat(r.depth)}${r.name} (${r.kind})`,
    formatShape(r.shape),
    count(r.params),
    count(r.macs),
  ]);
  // by display width: a block or layer named in Chinese takes two columns a character
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...body.map((b) => displayWidth(b[i]))));
  const fmt = (cols: string[]) => cols.map((c, i) => (i < 2 ? padEndColumns(c, widths[i]) : padStartColumns(c, widths[i]))).join('   ');
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const out: string[] = [];
  out.push(`${w.model}${colon}${s.name}${where ? `  (${where})` : ''}`);
  out.push('━'.repeat(width));
  out.push(fmt(head));
  out.push('━'.repeat(width));
  for (const b of body) out.push(fmt(b));
  out.push('━'.repeat(width));
  out.push(`${w.total}${colon}${count(s.totalParams)} (${formatBytes(s.paramBytes)})`);
  out.push(`${w.trainable}${colon}${count(s.trainableParams)} (${formatBytes(s.trainableParams === null ? null : s.trainableParams * 4)})`);
  out.push(`${w.nonTrainable}${colon}${count(s.nonTrainableParams)} (${formatBytes(s.nonTrainableParams === null ? null : s.nonTrainableParams * 4)})`);
  out.push(`${w.macs}${colon}${count(s.macs)} (${short(s.macs)})`);
  out.push(`${w.activations}${colon}${formatBytes(s.activationBytes)}`);
  out.push(w.batch);
  if (s.hasErrors) out.push(w.errors);
  return out.join('\n');
}
