// The compare webview ("NN: Compare Runs") in a real browser: dist/webview/compare.js in the page
// that client/src/chart-html.ts makes (the same CSP), fed what the extension sends: the rows of run
// folders written here and read by run-table.ts (a learning-rate sweep, a model sweep, a --set
// run, a stopped and a damaged one), and the curves read by chart-files.ts. Screenshots in a dark
// and a light theme, English and Chinese, into test/webview/screenshots/compare-*.png.
//
// It fails when the page throws, logs an error, breaks its CSP, or when the table, its sorting,
// filtering, ticks (the select message, checked by the extension's parser), "open" (the open
// message), the metric select, the parallel coordinates or the curves do not do what they should.
//
//   npm run test:webview      (builds first; needs Chromium)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findRuns, readRun } from '../../server/src/runtime/train/run-table';
import { readRunEvents } from '../../client/src/chart-files';
import { COMPARE_UI, parseFromCompareWebview, type CompareRow, type ToCompareWebview, type FromCompareWebview } from '../../client/webview/compare-messages';
import { runScenarios, openPage, post, type Theme } from './browser';

const root = path.join(__dirname, '..', '..');
const shots = path.join(__dirname, 'screenshots');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-compare-'));

/** A run folder as `nn train` leaves it: config.json, metrics.jsonl (start, epochs), report.json when it finished. */
function writeRun(dir: string, train: string, overrides: Record<string, string | number>, o: { rate: number; ceiling: number; epochs: number; finished?: boolean; lr?: number }): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(work, 'model_selection.nn');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ file, train, backend: 'tfjs', overrides }));
  const start = { type: 'start', train, file, model: String(overrides.model ?? 'Wide'), data: 'spiral(n: 400)', backend: 'tfjs-wasm', runDir: dir, epochs: o.epochs, batchSize: 32, samples: { train: 256, validation: 64, test: 80 }, params: 242, task: 'classification', classes: 2, metrics: ['accuracy'] };
  const lines: unknown[] = [start];
  let best = Infinity;
  for (let e = 1; e <= o.epochs; e++) {
    const acc = o.ceiling - (o.ceiling - 0.5) * Math.exp(-o.rate * e);
    const valLoss = 0.75 - (acc - 0.5) * 0.9 + 0.01 * Math.sin(e);
    const isBest = valLoss < best;
    if (isBest) best = valLoss;
    lines.push({ type: 'epoch', epoch: e, epochs: o.epochs, loss: valLoss - 0.03, metrics: { accuracy: acc + 0.02 }, val: { loss: valLoss, metrics: { accuracy: acc } }, lr: o.lr ?? 0.005, seconds: 0.04, samplesPerSecond: 6400, best: isBest, tensors: 9 });
  }
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  if (o.finished !== false) {
    fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ outcome: 'done', epochs: o.epochs, bestEpoch: o.epochs, test: { loss: 0.5, metrics: { accuracy: o.ceiling - 0.04 } }, timings: { trainingSeconds: o.epochs * 0.04 } }));
  } else fs.mkdirSync(path.join(dir, 'last'));
}

const runs = path.join(work, 'runs');
const sweep = path.join(runs, 'lr_sweep', '2026-12-06T22-18-51');
writeRun(path.join(sweep, 'trial-01'), 'lr_sweep', { 'optimizer.lr': 0.05 }, { rate: 0.5, ceiling: 0.69, epochs: 40, lr: 0.05 });
writeRun(path.join(sweep, 'trial-02'), 'lr_sweep', { 'optimizer.lr': 0.005 }, { rate: 0.12, ceiling: 0.84, epochs: 40 });
writeRun(path.join(sweep, 'trial-03'), 'lr_sweep', { 'optimizer.lr': 0.0005 }, { rate: 0.03, ceiling: 0.9, epochs: 40, lr: 0.0005 });
const models = path.join(runs, 'width_vs_depth', '2026-12-06T22-19-05');
writeRun(path.join(models, 'trial-01'), 'width_vs_depth', { model: 'Wide' }, { rate: 0.1, ceiling: 0.78, epochs: 40 });
writeRun(path.join(models, 'trial-02'), 'width_vs_depth', { model: 'Deep' }, { rate: 0.15, ceiling: 0.95, epochs: 40 });
writeRun(path.join(runs, 'batch_sizes', '2026-12-06T22-20-00'), 'batch_sizes', { batch_size: 64, 'optimizer.lr': 0.005 }, { rate: 0.2, ceiling: 0.8, epochs: 25 });
writeRun(path.join(runs, 'batch_sizes', '2026-12-06T22-21-00'), 'batch_sizes', {}, { rate: 0.2, ceiling: 0.72, epochs: 12, finished: false });
const damaged = path.join(runs, 'regularization', '2026-12-06T22-22-00');
fs.mkdirSync(damaged, { recursive: true });
fs.writeFileSync(path.join(damaged, 'config.json'), '{"train": "regularization", ');

const rows: CompareRow[] = findRuns([runs]).map((dir) => ({ ...readRun(dir), name: path.relative(work, dir).split(path.sep).join('/') }));
const curvesOf = (dirs: string[]) => ({ type: 'curves', curves: dirs.map((dir) => ({ dir, events: readRunEvents(dir, (e) => e.type === 'start' || e.type === 'epoch') ?? [] })) }) satisfies ToCompareWebview;
const table = (lang: 'en' | 'zh-cn' = 'en', list = rows): ToCompareWebview => ({ type: 'runs', runs: list, ui: COMPARE_UI[lang] });

interface Scenario {
  name: string;
  theme: Theme;
  lang?: 'en' | 'zh-cn';
}

const SCENARIOS: Scenario[] = [
  { name: 'compare-dark', theme: 'dark' },
  { name: 'compare-light-zh', theme: 'light', lang: 'zh-cn' },
  { name: 'compare-empty-dark', theme: 'dark' },
];

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

type Posted = { __posted: unknown[]; __violations: string[]; __state: unknown };

const drawCount = (page: Page) => page.evaluate(() => Number(document.body.dataset.drawn ?? 0));
async function drawn(page: Page, after: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.drawn ?? 0) > n, after, { timeout: 20_000 });
}
const posted = async (page: Page) => (await page.evaluate(() => (window as unknown as Posted).__posted)).map(parseFromCompareWebview);
const bodyRows = (page: Page) => page.locator('tbody tr');
const columnTexts = (page: Page, key: string) =>
  page.evaluate((k) => {
    const i = [...document.querySelectorAll('thead th')].findIndex((th) => (th as HTMLElement).dataset.key === k);
    return [...document.querySelectorAll('tbody tr')].map((tr) => tr.children[i]?.textContent ?? '');
  }, key);

async function verify(page: Page, label: string, errors: string[]): Promise<void> {
  const violations = await page.evaluate(() => (window as unknown as Posted).__violations);
  check(violations.length === 0, `${label}: CSP violations ${violations.join('; ')}`);
  check(errors.length === 0, `${label}: ${errors.join('; ')}`);
}

async function scenario(browser: Browser, origin: string, s: Scenario): Promise<void> {
  const { page, errors } = await openPage(browser, origin, s.theme, 1200);
  let n = await drawCount(page);
  // garbage and malformed messages are ignored: a row with a bad status refuses the table
  await post(page, 'not a message');
  await post(page, { type: 'runs', runs: [{ ...rows[0], status: '<img src=x>' }], ui: COMPARE_UI.en });
  if (s.name === 'compare-empty-dark') {
    await post(page, table('en', []));
    await drawn(page, n);
    check((await page.locator('.notice').textContent()) === COMPARE_UI.en.noRuns, `${s.name}: no notice of an empty workspace`);
    check((await bodyRows(page).count()) === 0, `${s.name}: rows drawn from garbage`);
    check(!(await page.locator('.table').isVisible()) && !(await page.locator('h3').first().isVisible()), `${s.name}: an empty table and plots shown`);
    await verify(page, s.name, errors);
    await page.screenshot({ path: path.join(shots, `${s.name}.png`), fullPage: true });
    console.log(`${s.name}: ${path.relative(root, path.join(shots, `${s.name}.png`))}`);
    await page.close();
    return;
  }
  await post(page, table(s.lang));
  await drawn(page, n);
  check((await bodyRows(page).count()) === rows.length, `${s.name}: ${await bodyRows(page).count()} rows for ${rows.length} runs`);
  const damagedRow = rows.find((r) => r.dir === damaged)!;
  check(damagedRow.status === 'failed' && (await page.locator(`tr[data-dir="${damaged}"] td.status.failed`).getAttribute('title')) === damagedRow.reason, `${s.name}: the damaged run's reason is not its status's tooltip`);
  if (s.lang === 'zh-cn') check((await page.locator('th', { hasText: '状态' }).count()) === 1 && (await page.locator('td.status', { hasText: '完成' }).count()) === 6, `${s.name}: the table is not in Chinese`);
  // parallel coordinates: an axis per setting and the metric, a line per run
  const axes = await page.locator('.parallel g.axis').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-axis')));
  check(JSON.stringify(axes) === JSON.stringify(['batch_size', 'model', 'optimizer.lr', 'val_accuracy']), `${s.name}: axes ${JSON.stringify(axes)}`);
  check((await page.locator('.parallel path.run').count()) === rows.length, `${s.name}: ${await page.locator('.parallel path.run').count()} lines for ${rows.length} runs`);
  check((await page.locator('.parallel path.run.best').getAttribute('data-dir')) === path.join(models, 'trial-02'), `${s.name}: the best line is not Deep's`);

  // tick three runs: the select message, then the curves the extension sends
  const picks = [path.join(sweep, 'trial-01'), path.join(sweep, 'trial-02'), path.join(sweep, 'trial-03')];
  for (const d of picks) {
    n = await drawCount(page);
    await page.locator(`input[type=checkbox][data-dir="${d}"]`).check();
    await drawn(page, n);
  }
  const select = (await posted(page)).filter((m): m is Extract<FromCompareWebview, { type: 'select' }> => m?.type === 'select').pop();
  check(JSON.stringify(select?.dirs) === JSON.stringify(picks), `${s.name}: the last select message ${JSON.stringify(select)}`);
  n = await drawCount(page);
  await post(page, curvesOf(picks));
  await drawn(page, n);
  const curveLines = await page.locator('.curves svg polyline').count();
  check(curveLines === 3, `${s.name}: ${curveLines} curves for 3 ticked runs`);
  const legend = await page.locator('.curves svg text').allTextContents();
  check(legend.some((t) => t === 'lr_sweep · optimizer.lr=0.0005 (val_accuracy)'), `${s.name}: the curves' legend ${JSON.stringify(legend.slice(-4))}`);
  if (s.lang === 'zh-cn') {
    const heads = await page.locator('.parallel text[font-weight="600"]').allTextContents();
    check(heads.includes('optimizer.lr（对数）'), `${s.name}: the log axis is not marked in Chinese: ${JSON.stringify(heads)}`);
  }
  // the curves' axis in the page's language
  const axis = s.lang === 'zh-cn' ? COMPARE_UI['zh-cn'].epoch : 'epoch';
  check(legend.includes(axis) && (s.lang !== 'zh-cn' || !legend.includes('epoch')), `${s.name}: the curves' axis is not "${axis}": ${JSON.stringify(legend.filter((w) => /^[a-z\u4e00-\u9fff]+$/.test(w)))}`);
  // the ticked runs' lines in the parallel plot take their curve's colour
  const colours = await page.locator('.curves svg polyline').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
  const picked = await page.locator(`.parallel path.run[data-dir="${picks[0]}"]`).getAttribute('stroke');
  check(picked === colours[0], `${s.name}: the ticked run's line is ${picked}, its curve ${colours[0]}`);
  await verify(page, s.name, errors);
  await page.screenshot({ path: path.join(shots, `${s.name}.png`), fullPage: true });
  console.log(`${s.name}: ${path.relative(root, path.join(shots, `${s.name}.png`))}`);
  if (s.name === 'compare-dark') await interactions(browser, origin, page, errors, picks);
  await page.close();
}

async function interactions(browser: Browser, origin: string, page: Page, errors: string[], picks: string[]): Promise<void> {
  const label = 'compare interactions';
  // sort by val_accuracy: best first, then the other way round; the damaged row (no value) last both times
  let n = await drawCount(page);
  await page.locator('th[data-key="val_accuracy"]').click();
  await drawn(page, n);
  let acc = await columnTexts(page, 'val_accuracy');
  const values = acc.filter((t) => t !== '-').map(Number);
  check(JSON.stringify(values) === JSON.stringify([...values].sort((a, b) => b - a)) && acc[acc.length - 1] === '-', `${label}: sorted best first ${JSON.stringify(acc)}`);
  n = await drawCount(page);
  await page.locator('th[data-key="val_accuracy"]').click();
  await drawn(page, n);
  acc = await columnTexts(page, 'val_accuracy');
  const up = acc.filter((t) => t !== '-').map(Number);
  check(JSON.stringify(up) === JSON.stringify([...up].sort((a, b) => a - b)) && acc[acc.length - 1] === '-', `${label}: sorted the other way ${JSON.stringify(acc)}`);
  check((await page.locator('th[data-key="val_accuracy"]').getAttribute('aria-sort')) === 'ascending', `${label}: aria-sort`);
  // sort by a text column
  n = await drawCount(page);
  await page.locator('th[data-key="train"]').click();
  await drawn(page, n);
  const trains = await columnTexts(page, 'train');
  check(JSON.stringify(trains) === JSON.stringify([...trains].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))), `${label}: sorted by train ${JSON.stringify(trains)}`);
  // filter: by train block, by setting, by status; words combine
  for (const [text, expected] of [
    ['lr_sweep', 3],
    ['model=deep', 1],
    ['stopped', 1],
    ['failed', 1],
    ['batch_sizes optimizer.lr', 1],
    ['model_selection', rows.length - 1],
    ['nothing-like-this', 0],
  ] as const) {
    n = await drawCount(page);
    await page.locator('input.filter').fill(text);
    await drawn(page, n);
    const count = await bodyRows(page).count();
    check(count === expected, `${label}: filter '${text}' left ${count} rows, not ${expected}`);
  }
  n = await drawCount(page);
  await page.locator('input.filter').fill('lr_sweep');
  await drawn(page, n);
  check((await page.locator('.count').textContent()) === `3 of ${rows.length} runs`, `${label}: the count ${await page.locator('.count').textContent()}`);
  check((await page.locator('.parallel path.run').count()) === 3, `${label}: the parallel plot does not follow the filter`);
  await page.screenshot({ path: path.join(shots, 'compare-filtered-dark.png'), fullPage: true });
  // the metric select: the plot's last axis and the curves follow it
  n = await drawCount(page);
  await page.locator('.bar select').selectOption('val_loss');
  await drawn(page, n);
  const last = await page.locator('.parallel g.axis').last().getAttribute('data-axis');
  check(last === 'val_loss', `${label}: the metric axis is ${last}`);
  const legend = await page.locator('.curves svg text').allTextContents();
  check(legend.some((t) => t.endsWith('(val_loss)')), `${label}: the curves did not switch to val_loss`);
  await page.screenshot({ path: path.join(shots, 'compare-val-loss-dark.png'), fullPage: true });
  // "open" asks for that run's chart
  await page.locator(`tr[data-dir="${picks[2]}"] button.open`).click();
  const open = (await posted(page)).filter((m) => m?.type === 'open').pop();
  check(JSON.stringify(open) === JSON.stringify({ type: 'open', dir: picks[2] }), `${label}: open sent ${JSON.stringify(open)}`);
  // a click on a line of the plot unticks its run
  n = await drawCount(page);
  await page.locator(`.parallel path.run[data-dir="${picks[1]}"]`).dispatchEvent('click');
  await drawn(page, n);
  const select = (await posted(page)).filter((m): m is Extract<FromCompareWebview, { type: 'select' }> => m?.type === 'select').pop();
  check(JSON.stringify(select?.dirs) === JSON.stringify([picks[0], picks[2]]), `${label}: a click on a line sent ${JSON.stringify(select)}`);
  // the theme changes under a live page: the plot takes the new background
  const bg = () => page.locator('.parallel svg > rect').first().getAttribute('fill');
  const before = await bg();
  await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('light'));
  const after = await bg();
  check(before !== after, `${label}: the plot's background stayed ${before} after a theme change`);
  await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('dark'));
  // a run folder that appears (a sweep's next trial): the table grows, the sort and filter stay
  n = await drawCount(page);
  const extra: CompareRow = { ...rows[0], train: 'lr_sweep', dir: path.join(sweep, 'trial-04'), name: 'runs/lr_sweep/2026-12-06T22-18-51/trial-04', status: 'running', overrides: { 'optimizer.lr': 0.01 }, epochs: 3 };
  await post(page, table('en', [...rows, extra]));
  await drawn(page, n);
  check((await bodyRows(page).count()) === 4, `${label}: the new trial did not join the filtered table`);
  // the state survives a reload: sort, filter, metric, ticks
  const state = await page.evaluate(() => (window as unknown as Posted).__state);
  const restored = await openPage(browser, origin, 'dark', 1200, state);
  const m = await drawCount(restored.page);
  await post(restored.page, table('en'));
  await drawn(restored.page, m);
  check((await restored.page.locator('input.filter').inputValue()) === 'lr_sweep', `${label}: the filter was not restored`);
  check((await restored.page.locator('.bar select').inputValue()) === 'val_loss', `${label}: the metric was not restored`);
  check((await restored.page.locator('input[type=checkbox]:checked').count()) === 2, `${label}: the ticks were not restored`);
  const again = (await posted(restored.page)).filter((x) => x?.type === 'select').pop();
  check(JSON.stringify(again) === JSON.stringify({ type: 'select', dirs: [picks[0], picks[2]] }), `${label}: a restored page asks for ${JSON.stringify(again)}`);
  await restored.page.close();
  check(errors.length === 0, `${label}: ${errors.join('; ')}`);
}

async function main(): Promise<void> {
  await runScenarios('compare', SCENARIOS, failures, scenario);
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`\nall ${SCENARIOS.length} compare scenarios drawn; screenshots in ${path.relative(root, shots)}/`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
