// What the webview tests in Chromium share: VS Code's theme variables as VS Code sets them (dark
// and light), the stub of the webview API that the page gets instead of VS Code's, the server of
// the page, opening it and posting to it.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chartHtml } from '../../client/src/chart-html';

const root = path.join(__dirname, '..', '..');

const DARK: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': 'rgba(204, 204, 204, 0.7)',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-errorForeground': '#f85149',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-progressBar-background': '#0078d4',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-editor-font-family': 'Menlo, Monaco, "Courier New", monospace',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-editorLineNumber-foreground': '#6e7681',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-editor-selectionBackground': '#264f78',
};

const LIGHT: Record<string, string> = {
  ...DARK,
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editor-background': '#ffffff',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-errorForeground': '#f85149',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-editorWidget-border': '#c8c8c8',
  '--vscode-editorLineNumber-foreground': '#6e7681',
  '--vscode-inputValidation-errorBackground': '#f2dede',
  '--vscode-editor-selectionBackground': '#add6ff',
};

export const THEMES = { dark: { vars: DARK, cls: 'vscode-dark' }, light: { vars: LIGHT, cls: 'vscode-light' } };
export type Theme = keyof typeof THEMES;

/** The stub of VS Code's webview API, and the theme as VS Code applies it (CSSOM, not style attributes: the CSP forbids those). */
export function stubScript(): string {
  return `
window.__posted = [];
window.__violations = [];
window.__state = undefined;
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
const params = new URLSearchParams(location.search);
const themes = ${JSON.stringify(THEMES)};
window.__setTheme = (name) => {
  const t = themes[name];
  for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
  document.body.className = t.cls;
};
window.__setTheme(params.get('theme') || 'dark');
const initial = sessionStorage.getItem('state');
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  setState: (s) => { window.__state = s; },
  getState: () => (initial ? JSON.parse(initial) : undefined),
});
`;
}

/** A local server of the page a webview panel gets (chart-html.ts, the same CSP, this server as its source) for `dist/webview/<name>.js` and `.css`, with the stub first. */
export function serve(name: 'chart' | 'graph' | 'compare'): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = `http://${req.headers.host}`;
    const files: Record<string, [string, string]> = {
      [`/dist/webview/${name}.js`]: [path.join(root, 'dist', 'webview', `${name}.js`), 'text/javascript'],
      [`/dist/webview/${name}.css`]: [path.join(root, 'dist', 'webview', `${name}.css`), 'text/css'],
    };
    if (url.pathname === '/') {
      const nonce = 'N' + Math.random().toString(36).slice(2);
      // the page's language as the extension writes it (VS Code's display language)
      const lang = url.searchParams.get('lang') === 'zh-cn' ? 'zh-cn' : 'en';
      const html = chartHtml({ cspSource: origin, nonce, script: `${origin}/dist/webview/${name}.js`, style: `${origin}/dist/webview/${name}.css`, lang }).replace('<body>', `<body>\n<script nonce="${nonce}" src="${origin}/stub.js"></script>`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else if (url.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(stubScript());
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (files[url.pathname]) {
      res.writeHead(200, { 'content-type': files[url.pathname][1] }).end(fs.readFileSync(files[url.pathname][0]));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

export async function openPage(browser: Browser, origin: string, theme: Theme, width = 1200, state?: unknown, lang: 'en' | 'zh-cn' = 'en'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  if (state !== undefined) await page.addInitScript((s) => sessionStorage.setItem('state', s), JSON.stringify(state));
  await page.goto(`${origin}/?theme=${theme}&lang=${lang}`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return { page, errors };
}

export async function post(page: Page, m: unknown): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m);
}

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Runs each scenario in one Chromium against the page of dist/webview/<name>.js; a scenario that
 * throws is a failure, and the process exits 1 listing `failures` (the scenarios' own checks too).
 */
export async function runScenarios<S extends { name: string }>(name: 'chart' | 'graph' | 'compare', scenarios: S[], failures: string[], run: (browser: Browser, origin: string, s: S) => Promise<void>): Promise<void> {
  if (!fs.existsSync(path.join(root, 'dist', 'webview', `${name}.js`))) throw new Error('build first: npm run build');
  fs.mkdirSync(path.join(__dirname, 'screenshots'), { recursive: true });
  const browser = await launch();
  const { server, origin } = await serve(name);
  try {
    for (const s of scenarios) {
      try {
        await run(browser, origin, s);
      } catch (e) {
        failures.push(`${s.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  exitOnFailures(failures);
}

/** Chromium as every webview test starts it. */
export function launch(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}

/** Lists the problems found and exits 1 when there are any. */
export function exitOnFailures(failures: readonly string[]): void {
  if (!failures.length) return;
  console.error(`\n${failures.length} problem${failures.length === 1 ? '' : 's'}:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
