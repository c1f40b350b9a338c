// The model graph webview in a real browser: dist/webview/graph.js in the page that
// client/src/chart-html.ts makes (the same CSP), fed the diagrams of the samples as the extension
// would (core/diagram.ts from the checked files), with screenshots in a dark and a light theme
// into test/webview/screenshots/graph-*.png.
//
// It fails when the page throws, logs an error, breaks its CSP, or draws fewer boxes than the
// layout has. It also clicks a layer (the reveal message, checked by the extension's parser),
// folds a group and all groups, restores folds from the saved state, switches the theme, and
// exports SVG (fixed colours) and PNG (twice the picture's size).
//
//   npm run test:webview      (builds first; needs Chromium)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Program } from '../../server/src/core/program';
import { Analysis } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import { describeDiagram, type Diagram } from '../../server/src/core/diagram';
import { PICTURE_STRINGS } from '../../server/src/picture/layout';
import { pngSize } from '../../server/src/node/png';
import { parseFromGraphWebview, GRAPH_UI, type ToGraphWebview, type FromGraphWebview } from '../../client/webview/graph-messages';
import { runScenarios, openPage, post, type Theme } from './browser';

const root = path.join(__dirname, '..', '..');
const shots = path.join(__dirname, 'screenshots');

const BROKEN = `model Broken {
  input [28, 28, 1]
  conv2d(8, 3)
  residual {
    conv2d(8, 3, padding: same, activation: rleu)
  }
  flatten()
  dnese(5)
  dense(10)
}
`;

function diagramOf(file: string): Diagram {
  const program = new Program(new NodeHost());
  program.loadWithImports(file);
  const r = new Analysis(program).analyzeFile(file);
  return describeDiagram(r.models[0], { lines: (f) => program.file(f)?.lines, diagnostics: r.diagnostics });
}

interface Scenario {
  name: string;
  theme: Theme;
  diagram: () => Diagram;
  lang?: 'en' | 'zh-cn';
}

const brokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nn-graph-')), 'broken.nn');
fs.writeFileSync(brokenFile, BROKEN);

const sample = (n: string) => () => diagramOf(path.join(root, 'samples', n));
const SCENARIOS: Scenario[] = [
  { name: 'graph-resnet-dark', theme: 'dark', diagram: sample('resnet.nn') },
  { name: 'graph-resnet-light', theme: 'light', diagram: sample('resnet.nn') },
  { name: 'graph-transformer-dark', theme: 'dark', diagram: sample('transformer.nn') },
  { name: 'graph-transformer-light-zh', theme: 'light', diagram: sample('transformer.nn'), lang: 'zh-cn' },
  { name: 'graph-lenet5-light', theme: 'light', diagram: sample('lenet5.nn') },
  { name: 'graph-broken-dark', theme: 'dark', diagram: () => diagramOf(brokenFile) },
];

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

type Posted = { __posted: unknown[]; __violations: string[]; __state: unknown };

async function drawn(page: Page, after = 0): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.drawn ?? 0) > n, after, { timeout: 20_000 });
}

const drawCount = (page: Page) => page.evaluate(() => Number(document.body.dataset.drawn ?? 0));

function message(d: Diagram, lang: 'en' | 'zh-cn' = 'en'): ToGraphWebview {
  return { type: 'diagram', uri: 'file:///w/model.nn', diagram: d, strings: PICTURE_STRINGS[lang], ui: GRAPH_UI[lang] };
}

async function verify(page: Page, label: string, errors: string[]): Promise<void> {
  const counts = await page.evaluate(() => ({ nodes: document.querySelectorAll('svg [data-node]').length, groups: document.querySelectorAll('svg .grp').length, folded: document.querySelectorAll('svg .node[data-group]').length }));
  check(counts.nodes > 0, `${label}: no layer drawn`);
  const violations = await page.evaluate(() => (window as unknown as Posted).__violations);
  check(violations.length === 0, `${label}: CSP violations ${violations.join('; ')}`);
  check(errors.length === 0, `${label}: ${errors.join('; ')}`);
  // the picture's style sheet applies (the CSP admits it with the nonce): boxes are filled with the theme's colour
  const fill = await page.locator('svg rect.box').first().evaluate((e) => getComputedStyle(e).fill);
  check(fill !== 'rgb(0, 0, 0)' && fill !== 'none', `${label}: box fill ${fill}: the picture's style is not applied`);
}

async function scenario(browser: Browser, origin: string, s: Scenario): Promise<void> {
  const d = s.diagram();
  const { page, errors } = await openPage(browser, origin, s.theme, 1000);
  // garbage and malformed messages are ignored
  await post(page, 'not a message');
  await post(page, { type: 'diagram', diagram: { ...d, nodes: [{ id: '<img>' }] }, ui: GRAPH_UI.en, strings: PICTURE_STRINGS.en, uri: 'x' });
  await post(page, message(d, s.lang));
  await drawn(page);
  await verify(page, s.name, errors);
  const nodes = await page.locator('svg [data-node]').count();
  check(nodes === d.nodes.length, `${s.name}: ${nodes} boxes drawn for ${d.nodes.length} nodes`);
  if (s.lang === 'zh-cn') check((await page.locator('button', { hasText: '导出 PNG' }).count()) === 1, `${s.name}: the buttons are not in Chinese`);
  await page.screenshot({ path: path.join(shots, `${s.name}.png`), fullPage: true });
  console.log(`${s.name}: ${path.relative(root, path.join(shots, `${s.name}.png`))}`);

  if (s.name === 'graph-resnet-dark') await interactions(browser, origin, page, d, errors);
  await page.close();
}

async function interactions(browser: Browser, origin: string, page: Page, d: Diagram, errors: string[]): Promise<void> {
  const label = 'graph-resnet interactions';
  // a click on a layer asks for its line
  const dense = d.nodes.find((n) => n.kind === 'dense')!;
  await page.locator(`svg [data-node="${dense.id}"] rect`).click();
  const posted = () => page.evaluate(() => (window as unknown as Posted).__posted as unknown[]);
  const reveal = (await posted()).map(parseFromGraphWebview).find((m): m is Extract<FromGraphWebview, { type: 'reveal' }> => m?.type === 'reveal');
  check(reveal?.id === dense.id, `${label}: clicking dense sent ${JSON.stringify(reveal)}`);
  // fold res_block(32, stride: 2) by its title: one box in place of its layers
  const block = d.groups.find((g) => g.label === 'res_block(32, stride: 2)')!;
  let n = await drawCount(page);
  await page.locator(`svg rect.fold[data-group="${block.id}"]`).click();
  await drawn(page, n);
  check((await page.locator(`svg .node[data-group="${block.id}"]`).count()) === 1, `${label}: the folded block is not one box`);
  check((await page.locator('svg [data-node]').count()) === d.nodes.length - 9, `${label}: folding left ${await page.locator('svg [data-node]').count()} layer boxes`);
  await page.screenshot({ path: path.join(shots, 'graph-resnet-folded-dark.png'), fullPage: true });
  const state = await page.evaluate(() => (window as unknown as Posted).__state);
  check(JSON.stringify((state as { folded?: string[] })?.folded) === JSON.stringify([block.id]), `${label}: saved state ${JSON.stringify(state)}`);
  // a reload restores the fold when the diagram comes again
  const restored = await openPage(browser, origin, 'dark', 1000, state);
  await post(restored.page, message(d));
  await drawn(restored.page);
  check((await restored.page.locator(`svg .node[data-group="${block.id}"]`).count()) === 1, `${label}: the fold was not restored`);
  await restored.page.close();
  // fold all, unfold all
  n = await drawCount(page);
  await page.getByRole('button', { name: 'Fold all', exact: true }).click();
  await drawn(page, n);
  check((await page.locator('svg .node[data-group]').count()) === 4, `${label}: fold all left ${await page.locator('svg .node[data-group]').count()} folded boxes`);
  await page.screenshot({ path: path.join(shots, 'graph-resnet-all-folded-dark.png'), fullPage: true });
  // a click on a folded box unfolds it
  n = await drawCount(page);
  await page.locator(`svg .node[data-group="${block.id}"] rect`).click();
  await drawn(page, n);
  check((await page.locator(`svg .node[data-group="${block.id}"]`).count()) === 0, `${label}: a click did not unfold`);
  n = await drawCount(page);
  await page.getByRole('button', { name: 'Unfold all', exact: true }).click();
  await drawn(page, n);
  // the theme changes under a live page: the boxes take the new colours
  const before = await page.locator('svg rect.box').first().evaluate((e) => getComputedStyle(e).fill);
  await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('light'));
  const after = await page.locator('svg rect.box').first().evaluate((e) => getComputedStyle(e).fill);
  check(before !== after, `${label}: the box colour stayed ${before} after a theme change`);
  await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('dark'));
  // exports: fixed colours in the SVG, a PNG at twice its size
  await page.getByRole('button', { name: 'Export SVG' }).click();
  await page.getByRole('button', { name: 'Export PNG' }).click();
  await page.waitForFunction(() => (window as unknown as Posted).__posted.filter((m) => (m as { type: string }).type === 'save').length === 2, undefined, { timeout: 20_000 });
  const saves = (await posted()).map(parseFromGraphWebview).filter((m): m is Extract<FromGraphWebview, { type: 'save' }> => m?.type === 'save');
  const svg = saves.find((m) => m.format === 'svg');
  const png = saves.find((m) => m.format === 'png');
  check(!!svg && !svg.data.includes('var(') && /<style>/.test(svg.data) && svg.name === 'SmallResNet.svg', `${label}: the SVG export ${svg?.data.slice(0, 200)}`);
  if (svg) fs.writeFileSync(path.join(shots, 'graph-resnet-export.svg'), svg.data);
  if (svg && png) {
    const bytes = Buffer.from(png.data, 'base64');
    fs.writeFileSync(path.join(shots, 'graph-resnet-export.png'), bytes);
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg.data)!;
    const size = pngSize(bytes);
    check(size.width === 2 * Number(w) && size.height === 2 * Number(h), `${label}: PNG ${size.width}×${size.height} for an SVG of ${w}×${h}`);
  } else check(false, `${label}: no PNG export`);
  check(errors.length === 0, `${label}: ${errors.join('; ')}`);
}

async function main(): Promise<void> {
  await runScenarios('graph', SCENARIOS, failures, scenario);
  fs.rmSync(path.dirname(brokenFile), { recursive: true, force: true });
  console.log(`\nall ${SCENARIOS.length} graph scenarios drawn; screenshots in ${path.relative(root, shots)}/`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
