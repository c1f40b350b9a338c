// The model summary as a readable table in a webview: layer, output shape, parameters,
// mult-adds, with block rows grouping their layers, and the totals. No scripts; theme colours.

import * as vscode from 'vscode';
import type { SummaryResult } from '../../server/src/lsp/requests';
import { formatShape, formatNumber } from '../../server/src/core/format-values';
import { formatBytes } from '../../server/src/core/summary';
import { nonce, escapeHtml } from './html';

export class SummaryView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  show(model: string, result: SummaryResult): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('nn.summary', `Summary: ${model}`, vscode.ViewColumn.Beside, {
        enableScripts: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = `Summary: ${model}`;
    this.panel.webview.html = render(result, this.panel.webview);
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

const count = (n: number | null) => (n === null ? '?' : formatNumber(n));

export function render(r: SummaryResult, webview: { cspSource: string }): string {
  const s = r.summary;
  const n = nonce();
  const rows = s.rows
    .map((row) => {
      const cls = row.kind === 'block' ? 'block' : '';
      return `<tr class="${cls}"><td style="padding-left:${0.6 + row.depth * 1.2}em">${escapeHtml(row.name)} <span class="kind">${escapeHtml(row.kind)}</span></td><td class="shape">${escapeHtml(formatShape(row.shape))}</td><td class="num">${count(row.params)}</td><td class="num">${count(row.macs)}</td><td class="num line">${row.line}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${n}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
  h1 { font-size: 1.2em; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  th, td { padding: 0.25em 0.6em; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; white-space: nowrap; }
  th { color: var(--vscode-descriptionForeground); font-weight: normal; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .kind, .line { color: var(--vscode-descriptionForeground); }
  tr.block td { font-weight: 600; background: var(--vscode-editor-inactiveSelectionBackground); }
  .shape { color: var(--vscode-symbolIcon-typeParameterForeground, var(--vscode-foreground)); }
  dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
  dt { color: var(--vscode-descriptionForeground); }
  .errors { color: var(--vscode-errorForeground); }
</style></head><body>
<h1>${escapeHtml(s.name)}</h1>
<table>
<thead><tr><th>Layer</th><th>Output shape</th><th class="num">Params</th><th class="num">Mult-adds</th><th class="num">Line</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<dl>
<dt>Total params</dt><dd>${count(s.totalParams)} (${formatBytes(s.paramBytes)})</dd>
<dt>Trainable</dt><dd>${count(s.trainableParams)}</dd>
<dt>Non-trainable</dt><dd>${count(s.nonTrainableParams)}</dd>
<dt>Mult-adds per sample</dt><dd>${count(s.macs)}</dd>
<dt>Activations per sample</dt><dd>${formatBytes(s.activationBytes)}</dd>
</dl>
<p class="kind">Shapes leave out the batch dimension.</p>
${s.hasErrors ? '<p class="errors">The model has errors: values shown as ? could not be inferred.</p>' : ''}
</body></html>`;
}
