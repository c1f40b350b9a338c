// The model summary's page, apart from VS Code's API so tests can render it (test/unit and
// test/webview/summary-visual.ts in Chromium): layer, kind, output shape, parameters, mult-adds
// and where each row is written (file:line when a block's rows come from another file), block
// rows grouping their layers, and the totals, in English or Chinese (one word table). No scripts;
// theme colours. The CSP admits the page's own style sheet (by its nonce) and nothing inline: a
// row's indentation is a class (depth-N) that sheet defines, never a style attribute, which the
// CSP would drop.

import { formatShape, formatNumber } from '../../server/src/core/format-values';
import { formatBytes } from '../../server/src/core/summary';
import type { SummaryResult } from '../../server/src/lsp/requests';
import { escapeHtml } from './html';

export type SummaryLang = 'en' | 'zh-cn';

const EN = {
  /** the tab's title: `{0}` the model */
  title: 'Summary: {0}',
  layer: 'Layer',
  kind: 'Kind',
  shape: 'Output shape',
  params: 'Params',
  macs: 'Mult-adds',
  line: 'Line',
  totalParams: 'Total params',
  trainable: 'Trainable',
  nonTrainable: 'Non-trainable',
  macsPerSample: 'Mult-adds per sample',
  activations: 'Activations per sample',
  batchNote: 'Shapes leave out the batch dimension.',
  errors: 'The model has errors: values shown as ? could not be inferred.',
  block: 'block',
};

export type SummaryWords = { readonly [K in keyof typeof EN]: string };

export const SUMMARY_WORDS: Record<SummaryLang, SummaryWords> = {
  en: EN,
  'zh-cn': {
    title: '摘要：{0}',
    layer: '层',
    kind: '类型',
    shape: '输出形状',
    params: '参数',
    macs: '乘加次数',
    line: '位置',
    totalParams: '参数总数',
    trainable: '可训练',
    nonTrainable: '不可训练',
    macsPerSample: '每个样本的乘加次数',
    activations: '每个样本的激活值',
    batchNote: '形状不含批量维度。',
    errors: '模型有错误：显示为 ? 的值无法推断。',
    block: '块',
  },
};

const count = (n: number | null) => (n === null ? '?' : formatNumber(n));
const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

/** Where a row is written: its line, with its file's name when that is not the model's file (a block imported from another). */
export function rowPlace(row: { file: string; line: number }, modelFile: string): string {
  return row.file && row.file !== modelFile ? `${baseName(row.file)}:${row.line}` : String(row.line);
}

export function renderSummary(r: SummaryResult, page: { cspSource: string; nonce: string }, lang: SummaryLang = 'en'): string {
  const s = r.summary;
  const w = SUMMARY_WORDS[lang];
  const n = page.nonce;
  const depths = [...new Set(s.rows.map((row) => Math.max(0, Math.floor(row.depth))))].sort((a, b) => a - b);
  const indent = depths.map((d) => `  td.depth-${d} { padding-left: ${(0.6 + d * 1.2).toFixed(1)}em; }`).join('\n');
  const rows = s.rows
    .map((row) => {
      const cls = row.kind === 'block' ? ' class="block"' : '';
      const kind = row.kind === 'block' ? w.block : row.kind;
      return `<tr${cls}><td class="name depth-${Math.max(0, Math.floor(row.depth))}">${escapeHtml(row.name)}</td><td class="kind">${escapeHtml(kind)}</td><td class="shape">${escapeHtml(formatShape(row.shape))}</td><td class="num">${count(row.params)}</td><td class="num">${count(row.macs)}</td><td class="num line" title="${escapeHtml(row.file)}">${escapeHtml(rowPlace(row, s.file))}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${page.cspSource} 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${n}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
  h1 { font-size: 1.2em; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  th, td { padding: 0.25em 0.6em; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; white-space: nowrap; }
  th { color: var(--vscode-descriptionForeground); font-weight: normal; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .line, .note { color: var(--vscode-descriptionForeground); }
  td.kind { color: var(--vscode-symbolIcon-functionForeground, var(--vscode-textLink-foreground, #b180d7)); font-style: italic; }
  tr.block td { font-weight: 600; background: var(--vscode-editor-inactiveSelectionBackground); }
  .shape { color: var(--vscode-symbolIcon-typeParameterForeground, var(--vscode-foreground)); }
  dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
  dt { color: var(--vscode-descriptionForeground); }
  .errors { color: var(--vscode-errorForeground); }
${indent}
</style></head><body>
<h1>${escapeHtml(s.name)}</h1>
<table>
<thead><tr><th>${w.layer}</th><th>${w.kind}</th><th>${w.shape}</th><th class="num">${w.params}</th><th class="num">${w.macs}</th><th class="num">${w.line}</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<dl>
<dt>${w.totalParams}</dt><dd>${count(s.totalParams)} (${formatBytes(s.paramBytes)})</dd>
<dt>${w.trainable}</dt><dd>${count(s.trainableParams)}</dd>
<dt>${w.nonTrainable}</dt><dd>${count(s.nonTrainableParams)}</dd>
<dt>${w.macsPerSample}</dt><dd>${count(s.macs)}</dd>
<dt>${w.activations}</dt><dd>${formatBytes(s.activationBytes)}</dd>
</dl>
<p class="note">${w.batchNote}</p>
${s.hasErrors ? `<p class="errors">${w.errors}</p>` : ''}
</body></html>`;
}
