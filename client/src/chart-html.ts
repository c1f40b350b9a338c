// The chart panel's HTML and webview options, apart from VS Code's API so a unit test can check
// them: a strict Content-Security-Policy (nothing by default; the script and the style sheet only
// with this page's nonce and from the webview's own source; images only from there or data:),
// scripts on, and local resources only from the extension's dist/webview.

import { escapeHtml } from './html';

/** The one folder (under the extension) the webview may load from. */
export const WEBVIEW_DIR = ['dist', 'webview'] as const;

export function chartPanelOptions<U>(extensionUri: U, joinPath: (base: U, ...segments: string[]) => U): { enableScripts: true; retainContextWhenHidden: true; localResourceRoots: U[] } {
  return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [joinPath(extensionUri, ...WEBVIEW_DIR)] };
}

export interface ChartHtmlParts {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  /** webview URIs of dist/webview/chart.js and chart.css */
  script: string;
  style: string;
  /** the page's title (default: NN Training) */
  title?: string;
  /** the page's language, which its script shows its words in (default: en) */
  lang?: 'en' | 'zh-cn';
}

export function chartCsp(p: Pick<ChartHtmlParts, 'cspSource' | 'nonce'>): string {
  return `default-src 'none'; img-src ${p.cspSource} data:; style-src ${p.cspSource} 'nonce-${p.nonce}'; script-src 'nonce-${p.nonce}';`;
}

export function chartHtml(p: ChartHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="${p.lang ?? 'en'}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(chartCsp(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title ?? 'NN Training')}</title>
<link rel="stylesheet" nonce="${p.nonce}" href="${escapeHtml(p.style)}">
</head><body>
<script nonce="${p.nonce}" src="${escapeHtml(p.script)}"></script>
</body></html>
`;
}
