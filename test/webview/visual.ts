// The chart webview in a real browser: serves dist/webview/chart.js and chart.css in the page that
// client/src/chart-html.ts makes (the same CSP, the test server as the webview's source), with a
// stubbed acquireVsCodeApi and VS Code's theme variables set the way VS Code sets them, feeds it
// recorded events (test/webview/fixtures, from record.ts) one by one as the extension would,
// and takes screenshots in a dark and a light theme into test/webview/screenshots/.
//
// It fails when the page throws, logs an error, breaks its CSP, or renders nothing: each
// scenario says which charts and panels must be there and checks that their canvases are drawn.
// It also exports CSV, SVG and PNG (checked with the extension's own message parser), restores a
// page from its saved state, and switches the theme of a live page.
//
//   npm run test:webview      (builds first; needs Chromium: apt-get install -y chromium)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readHistory } from '../../client/src/chart-files';
import { parseFromWebview, type ToWebview } from '../../client/webview/messages';
import { parseEventLines } from '../../client/webview/events';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { runScenarios, openPage, post, type Theme } from './browser';
import { englishLeft } from '../zh-check';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures');
const shots = path.join(__dirname, 'screenshots');

const events = (name: string): TrainEvent[] => parseEventLines(fs.readFileSync(path.join(fixtures, `${name}.jsonl`), 'utf8'));

/** The earlier runs as the extension reads them: written as run folders, read back with readHistory. */
function historyOf(train: string, runs: Record<string, TrainEvent[]>, current: string): ToWebview {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-history-'));
  try {
    for (const [id, evs] of Object.entries(runs)) {
      fs.mkdirSync(path.join(dir, train, id), { recursive: true });
      // the run's log as the trainer writes it, with a line cut short at the end as a crash leaves it
      const lines = evs.filter((e) => e.type !== 'batch' && e.type !== 'boundary').map((e) => JSON.stringify(e));
      fs.writeFileSync(path.join(dir, train, id, 'metrics.jsonl'), lines.join('\n') + '\n{"type":"epoch","epo');
    }
    return { type: 'history', train, runs: readHistory(path.join(dir, train, current), train) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Scenario {
  name: string;
  theme: Theme;
  fixture: string;
  history?: Record<string, string>;
  /** chart ids that must be drawn */
  charts: string[];
  /** selectors that must be on the page */
  panels: string[];
  /** page width */
  width?: number;
  /** feed only this share of the events: a run still training */
  share?: number;
  /** before the screenshot */
  then?: (page: Page) => Promise<void>;
  /** VS Code's display language: every word of the page in it */
  lang?: 'en' | 'zh-cn';
}

const SCENARIOS: Scenario[] = [
  { name: 'spiral-dark', theme: 'dark', fixture: 'spiral', history: { '2020-01-01T10-00-00': 'spiral-earlier' }, charts: ['loss', 'accuracy', 'lr'], panels: ['canvas.boundary', 'table.confusion'] },
  { name: 'spiral-light', theme: 'light', fixture: 'spiral', history: { '2020-01-01T10-00-00': 'spiral-earlier' }, charts: ['loss', 'accuracy', 'lr'], panels: ['canvas.boundary', 'table.confusion'] },
  {
    name: 'spiral-smooth-log-dark',
    theme: 'dark',
    fixture: 'spiral',
    charts: ['loss', 'accuracy', 'lr'],
    panels: ['canvas.boundary'],
    then: async (page) => {
      await page.locator('input[type=range]').fill('0.8');
      await page.getByLabel('Log scale').check();
    },
  },
  { name: 'spiral-live-dark', theme: 'dark', fixture: 'spiral', share: 0.5, charts: ['loss', 'accuracy', 'lr'], panels: ['canvas.boundary'] },
  { name: 'kfold-dark', theme: 'dark', fixture: 'kfold', charts: ['loss', 'accuracy', 'lr'], panels: ['table.folds', 'canvas.boundary'] },
  { name: 'mlp-dark', theme: 'dark', fixture: 'mlp', charts: ['loss', 'accuracy', 'lr'], panels: ['table.confusion', '.predictions canvas', '.weights canvas'] },
  { name: 'mlp-light', theme: 'light', fixture: 'mlp', charts: ['loss', 'accuracy', 'lr'], panels: ['table.confusion', '.predictions canvas', '.weights canvas'] },
  // regression on one input: the data of each split and the fitted curve; while training, the curve of an earlier epoch
  { name: 'cubic-dark', theme: 'dark', fixture: 'cubic', charts: ['loss', 'r2', 'lr'], panels: ['svg.fit polyline', 'svg.fit circle', 'svg.fit rect[width="5.2"]', 'svg.fit path'] },
  { name: 'cubic-light', theme: 'light', fixture: 'cubic', charts: ['loss', 'r2', 'lr'], panels: ['svg.fit polyline'] },
  {
    name: 'cubic-live-dark',
    theme: 'dark',
    fixture: 'cubic',
    share: 0.4,
    charts: ['loss', 'r2', 'lr'],
    panels: ['svg.fit polyline'],
    then: async (page) => {
      // the curve follows the training: the fit shown is an epoch's before the last
      const title = (await page.locator('svg.fit text').first().textContent()) ?? '';
      const epoch = Number(/epoch (\d+)/.exec(title)?.[1]);
      check(epoch > 0 && epoch < 40, `cubic-live: the fit shown is "${title}"`);
    },
  },
  // regression on two inputs: a heat map of the prediction
  { name: 'plane-dark', theme: 'dark', fixture: 'plane', charts: ['loss', 'r2', 'lr'], panels: ['svg.fit rect', 'svg.fit circle'] },
  { name: 'cnn-dark', theme: 'dark', fixture: 'cnn', charts: ['loss', 'accuracy', 'lr'], panels: ['table.confusion', '.predictions canvas', '.weights canvas'], width: 900 },
  // layer_stats: the Layers view, a deep sigmoid stack whose early layers' gradients vanish, and a healthy relu network
  { name: 'layers-dark', theme: 'dark', fixture: 'layers', charts: ['loss', 'accuracy', 'lr'], panels: ['.layers svg polyline', '.layers svg rect', '.log li'] },
  { name: 'layers-light', theme: 'light', fixture: 'layers', charts: ['loss', 'accuracy', 'lr'], panels: ['.layers svg polyline', '.layers svg rect'] },
  { name: 'layers-relu-dark', theme: 'dark', fixture: 'layers-relu', charts: ['loss', 'accuracy', 'lr'], panels: ['.layers svg polyline', '.layers svg rect'] },
  // a narrow editor column: every plot fits, the last epochs included
  { name: 'spiral-narrow-dark', theme: 'dark', fixture: 'spiral', charts: ['loss', 'accuracy', 'lr'], panels: ['canvas.boundary'], width: 340 },
  // a Chinese VS Code: every word of the page in Chinese (the status, the controls, the panels, the Layers view)
  { name: 'spiral-dark-zh', theme: 'dark', fixture: 'spiral', history: { '2020-01-01T10-00-00': 'spiral-earlier' }, charts: ['loss', 'accuracy', 'lr'], panels: ['canvas.boundary', 'table.confusion'], lang: 'zh-cn' },
  { name: 'spiral-live-light-zh', theme: 'light', fixture: 'spiral', share: 0.5, charts: ['loss', 'accuracy', 'lr'], panels: ['canvas.boundary'], lang: 'zh-cn' },
  { name: 'mlp-light-zh', theme: 'light', fixture: 'mlp', charts: ['loss', 'accuracy', 'lr'], panels: ['table.confusion', '.predictions canvas', '.weights canvas'], lang: 'zh-cn' },
  { name: 'kfold-dark-zh', theme: 'dark', fixture: 'kfold', charts: ['loss', 'accuracy', 'lr'], panels: ['table.folds', 'canvas.boundary'], lang: 'zh-cn' },
  { name: 'cubic-dark-zh', theme: 'dark', fixture: 'cubic', charts: ['loss', 'r2', 'lr'], panels: ['svg.fit polyline'], lang: 'zh-cn' },
  { name: 'layers-dark-zh', theme: 'dark', fixture: 'layers', charts: ['loss', 'accuracy', 'lr'], panels: ['.layers svg polyline', '.layers svg rect', '.log li'], lang: 'zh-cn' },
  { name: 'cnn-narrow-light-zh', theme: 'light', fixture: 'cnn', charts: ['loss', 'accuracy', 'lr'], panels: ['table.confusion', '.weights canvas'], width: 360, lang: 'zh-cn' },
];

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

/** Waits for what the page draws: its queued frame (chart.ts renders in one), the images it decodes, the frame after. */
async function settle(page: Page): Promise<void> {
  const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await frames();
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await frames();
}

/** Distinct colours on a canvas: a blank (or single-colour) canvas has one or two. */
async function canvasColours(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (list) =>
    (list as HTMLCanvasElement[]).map((c) => {
      const g = c.getContext('2d');
      if (!g || !c.width || !c.height) return 0;
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    }),
  );
}

async function feed(page: Page, s: Scenario): Promise<void> {
  const evs = events(s.fixture);
  const start = evs.find((e) => e.type === 'start') as Extract<TrainEvent, { type: 'start' }>;
  await post(page, { type: 'run', train: start.train, events: [] } satisfies ToWebview);
  // garbage and malformed messages are ignored
  await post(page, { type: 'event', event: { type: 'epoch', epoch: 'one' } });
  await post(page, 'not a message');
  for (const e of evs.slice(0, Math.round(evs.length * (s.share ?? 1)))) await post(page, { type: 'event', runDir: start.runDir, event: e } satisfies ToWebview);
  if (s.history) {
    const runs = Object.fromEntries(Object.entries(s.history).map(([id, f]) => [id, events(f)]));
    await post(page, historyOf(start.train, runs, path.basename(start.runDir)));
  }
  await settle(page);
}

async function verify(page: Page, s: Scenario, errors: string[], label = s.name): Promise<void> {
  for (const id of s.charts) {
    const colours = await canvasColours(page, `figure[data-chart="${id}"] canvas`);
    check(colours.length === 1 && colours[0] > 3, `${label}: chart ${id} is not drawn (${colours.join(', ') || 'missing'})`);
  }
  for (const sel of s.panels) check((await page.locator(sel).count()) > 0, `${label}: ${sel} is missing`);
  for (const c of await canvasColours(page, '.extras canvas')) check(c > 1, `${label}: a blank picture`);
  const status = await page.evaluate(() => document.querySelector('.status')?.textContent ?? null);
  const [running, done] = s.lang === 'zh-cn' ? [/第 \d+\/\d+ 轮 · 损失/, /用时 [\d.]+ 秒完成/] : [/epoch \d+\/\d+ · loss/, /done in/];
  check(!!status && (s.share ? running.test(status) && !done.test(status) : done.test(status)), `${label}: status says "${status}"`);
  // every plot inside the page's width: a narrow column shows every epoch, none cut off at the right
  const cut = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll('figure[data-chart] canvas, .layers svg')].filter((c) => c.getBoundingClientRect().right > w + 1).map((c) => `${c.closest('[data-chart]')?.getAttribute('data-chart') ?? 'layers'} ends at ${Math.round(c.getBoundingClientRect().right)} of ${w} px`);
  });
  check(cut.length === 0, `${label}: cut off at the right: ${cut.join('; ')}`);
  // nor does the page scroll sideways (a wide table scrolls in its own panel)
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(scroll <= 1, `${label}: the page scrolls ${scroll} px sideways`);
  if (s.lang === 'zh-cn') await chineseOnly(page, s, label);
  if (s.share) check((await page.locator('table.confusion').count()) === 0, `${label}: a confusion matrix before the end`);
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  check(violations.length === 0, `${label}: CSP violations ${violations.join('; ')}`);
  check(errors.length === 0, `${label}: ${errors.join('; ')}`);
}

/** The names a run brings (model, data, backend, train block, metrics, layers, classes, messages of the runtime): code in a Chinese page too. */
function runCode(s: Scenario): string[] {
  const out: string[] = [];
  for (const e of events(s.fixture)) {
    if (e.type === 'start') out.push(e.train, e.model, e.data, e.backend, ...(e.metrics ?? []));
    if (e.type === 'weights') out.push(e.layer);
    if (e.type === 'predictions') out.push(...(e.classNames ?? []));
    if (e.type === 'layers') out.push(...e.layers.flatMap((l) => [l.name, l.activation ?? '']));
    if (e.type === 'end') out.push(...(e.test?.classNames ?? []), ...Object.keys(e.test?.metrics ?? {}));
  }
  const words = out.join(' ').match(/[A-Za-z][\w-]*/g) ?? [];
  return [...words, 'val', 'loss', 'lr', 'accuracy', 'r2', 'mae', 'mse', 'k', 'x', 'y', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'dense', 'conv2d'];
}

/** The page's text (and its tooltips, labels and the Layers view's SVG) in Chinese: no English word left but the run's own names. */
async function chineseOnly(page: Page, s: Scenario, label: string): Promise<void> {
  const texts = await page.evaluate(() => {
    const out = [document.body.innerText, document.title];
    for (const e of document.querySelectorAll('[title], [aria-label]')) out.push(e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? '');
    for (const t of document.querySelectorAll('svg text')) out.push(t.textContent ?? '');
    return out;
  });
  // the runtime's own messages (the log) are English: the known gap of ARCHITECTURE.md invariant 14
  const logs = await page.evaluate(() => [...document.querySelectorAll('.log li')].map((l) => l.textContent ?? ''));
  const code = runCode(s);
  const left = englishLeft(texts.join('\n').split('\n').filter((l) => !logs.some((m) => m.includes(l) && l.length > 12)).join('\n'), code);
  check(left.length === 0, `${label}: English left in the Chinese page: ${left.join(', ')}`);
  check(await page.evaluate(() => document.documentElement.lang === 'zh-cn'), `${label}: <html lang> is not zh-cn`);
}

async function exports(page: Page, label: string): Promise<void> {
  for (const f of ['CSV', 'SVG', 'PNG']) await page.getByRole('button', { name: f, exact: true }).click();
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'save').length === 3, undefined, { timeout: 10_000 });
  const saves = (await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'save'))).map(parseFromWebview);
  for (const [i, format] of (['csv', 'svg', 'png'] as const).entries()) {
    const m = saves[i];
    check(m?.type === 'save' && m.format === format, `${label}: the ${format} export is not a valid save message`);
    if (m?.type !== 'save') continue;
    const file = path.join(shots, `${label}-export.${format}`);
    fs.writeFileSync(file, format === 'png' ? Buffer.from(m.data, 'base64') : m.data);
  }
  const csv = saves[0]?.type === 'save' ? saves[0].data : '';
  check(/^run,fold,epoch,loss,/.test(csv) && csv.split('\n').length > 8, `${label}: CSV export ${csv.slice(0, 80)}`);
}

async function main(): Promise<void> {
  await runScenarios('chart', SCENARIOS, failures, scenario);
  console.log(`\nall ${SCENARIOS.length} scenarios drawn; screenshots in ${path.relative(root, shots)}/`);
}

async function scenario(browser: Browser, origin: string, s: Scenario): Promise<void> {
  const { page, errors } = await openPage(browser, origin, s.theme, s.width, undefined, s.lang);
  await feed(page, s);
  if (s.then) {
    await s.then(page);
    await settle(page);
  }
  const known = failures.length;
  await verify(page, s, errors);
  await page.screenshot({ path: path.join(shots, `${s.name}.png`), fullPage: true });
  console.log(`${s.name}: ${path.relative(root, path.join(shots, `${s.name}.png`))}`);
  if (failures.length > known) {
    // nothing more to try on a page that did not draw
    await page.close();
    return;
  }

  if (s.name === 'spiral-dark' || s.name === 'mlp-light') await exports(page, s.name);

  if (s.name === 'spiral-dark') {
    // the theme changes under a live page: the curves take the new colours
    const before = await page.locator('.u-legend .u-marker').first().evaluate((e) => getComputedStyle(e).borderColor);
    await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('light'));
    await settle(page);
    const after = await page.locator('.u-legend .u-marker').first().evaluate((e) => getComputedStyle(e).borderColor);
    check(before !== after, `theme change: the legend colour stayed ${before}`);
    await page.screenshot({ path: path.join(shots, 'spiral-theme-switched.png'), fullPage: true });
    check(errors.length === 0, `theme change: ${errors.join('; ')}`);
  }

  if (s.name === 'mlp-dark' || s.name === 'spiral-dark') {
    // a reload: a new page gets the saved state back and draws it before the extension says anything
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    check(!!state && Array.isArray((state as { events?: unknown[] }).events), `${s.name}: no state saved`);
    const restored = await openPage(browser, origin, s.theme, s.width, state);
    await settle(restored.page);
    await verify(restored.page, s, restored.errors, `${s.name} restored`);
    await restored.page.screenshot({ path: path.join(shots, `${s.name}-restored.png`), fullPage: true });
    await restored.page.close();
  }
  await page.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
