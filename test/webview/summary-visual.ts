// The model summary page in a real browser, under its own Content-Security-Policy: the page that
// client/src/summary-html.ts makes for a model whose block (from another file) calls a block, in
// VS Code's theme variables (dark and light) and in English and Chinese. It fails when the CSP
// blocks anything (an inline style attribute, as the indentation once was), when nested rows are
// not indented deeper than their block, when the kind has the name's colour, when a block's rows
// do not name their file, or when the Chinese page has English left; screenshots in
// test/webview/screenshots/summary-*.png.
//
//   npm run test:webview      (builds first; needs Chromium: apt-get install -y chromium)

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { renderSummary, type SummaryLang } from '../../client/src/summary-html';
import { summarize } from '../../server/src/core/summary';
import { LineIndex } from '../../server/src/core/text';
import type { SummaryResult } from '../../server/src/lsp/requests';
import { analyzeText } from '../helpers';
import { englishLeft } from '../zh-check';
import { THEMES, launch, exitOnFailures, type Theme } from './browser';

const shots = path.join(__dirname, 'screenshots');

const BLOCKS = `block conv_bn(filters) {
  conv2d(filters, 3, padding: same, use_bias: false)
  batch_norm()
  relu()
}
block stage(filters) {
  conv_bn(filters)
  conv_bn(filters)
  max_pool(2)
}
`;
const MAIN = `import "blocks.nn"
model Small {
  input [32, 32, 3]
  stage(16)
  stage(32)
  flatten()
  dense(10)
}
`;

function result(): SummaryResult {
  const r = analyzeText(MAIN, { 'blocks.nn': BLOCKS });
  const s = summarize(r.models[0], (f) => new LineIndex(f.endsWith('blocks.nn') ? BLOCKS : MAIN));
  return { summary: { ...s, rows: s.rows.map(({ node: _n, ...rest }) => rest) }, text: '' };
}

const SCENARIOS: { name: string; theme: Theme; lang: SummaryLang }[] = [
  { name: 'summary-dark', theme: 'dark', lang: 'en' },
  { name: 'summary-light-zh', theme: 'light', lang: 'zh-cn' },
];

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};

async function main(): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  const r = result();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const lang = url.searchParams.get('lang') === 'zh-cn' ? 'zh-cn' : 'en';
    res.writeHead(200, { 'content-type': 'text/html' }).end(renderSummary(r, { cspSource: `http://${req.headers.host}`, nonce: 'N' + Math.random().toString(36).slice(2) }, lang));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await launch();
  try {
    for (const s of SCENARIOS) {
      const page = await browser.newPage({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      // VS Code sets its theme variables on <html> (CSSOM, which the CSP allows); the page has no script of its own
      await page.addInitScript((t) => {
        document.addEventListener('DOMContentLoaded', () => {
          for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
          document.body.className = t.cls;
          document.body.style.background = t.vars['--vscode-editor-background'];
        });
      }, THEMES[s.theme]);
      await page.goto(`${origin}/?lang=${s.lang}`);
      await page.waitForLoadState('load');
      const rows = await page.$$eval('tbody tr', (trs) =>
        trs.map((tr) => {
          const name = tr.querySelector('td.name') as HTMLElement;
          const kind = tr.querySelector('td.kind') as HTMLElement;
          const depth = Number(/depth-(\d+)/.exec(name.className)?.[1]);
          return { depth, pad: parseFloat(getComputedStyle(name).paddingLeft), name: getComputedStyle(name).color, kind: getComputedStyle(kind).color, line: tr.querySelector('td.line')?.textContent ?? '' };
        }),
      );
      const label = s.name;
      check(rows.length >= 10, `${label}: ${rows.length} rows`);
      check(new Set(rows.map((x) => x.depth)).size >= 3, `${label}: no block inside a block`);
      for (const d of [1, 2]) {
        const pads = (k: number) => rows.filter((x) => x.depth === k).map((x) => x.pad);
        check(Math.min(...pads(d)) > Math.max(...pads(d - 1)), `${label}: rows at depth ${d} (${pads(d)}) are not indented deeper than at ${d - 1} (${pads(d - 1)})`);
      }
      check(rows.every((x) => x.kind !== x.name), `${label}: the kind has the name's colour`);
      check(rows.filter((x) => x.depth > 0).every((x) => /^blocks\.nn:\d+$/.test(x.line)), `${label}: a block's rows do not name blocks.nn: ${rows.map((x) => x.line).join(' ')}`);
      check(errors.length === 0, `${label}: ${errors.join('; ')}`);
      if (s.lang === 'zh-cn') {
        const text = await page.evaluate(() => [...document.querySelectorAll('th, dt, p')].map((e) => e.textContent ?? '').join('\n'));
        const left = englishLeft(text);
        check(left.length === 0, `${label}: English left: ${left.join(', ')}`);
      }
      const file = path.join(shots, `${s.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`${s.name}: ${path.relative(path.join(__dirname, '..', '..'), file)}`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  exitOnFailures(failures);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
