// Chinese on the extension's surfaces: every word table of the webviews (chart, Layers view, fit
// pictures, summary, compare, graph) complete in Chinese with no English left; the chart's status
// line and curves, and the summary page, rendered in Chinese; the summary page's indentation by
// class under its CSP, its Line column naming a block's file, its kind apart from the name; the
// status bar keeping "done" after the process ends; VS Code's own surfaces (package.nls, the
// vscode.l10n bundle, snippets) in Chinese. The pages in Chromium: test/webview/*.ts.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHART_WORDS, testWeights, chartLang } from '../../client/webview/chart-words';
import { LAYERS_LABELS } from '../../client/webview/layers';
import { PLOT_STRINGS } from '../../client/webview/pictures';
import { COMPARE_UI } from '../../client/webview/compare-messages';
import { GRAPH_UI, GRAPH_PANEL_WORDS } from '../../client/webview/graph-messages';
import { PICTURE_STRINGS } from '../../server/src/picture/layout';
import { SUMMARY_WORDS, renderSummary, rowPlace } from '../../client/src/summary-html';
import { TrainingStatus, type StatusItem } from '../../client/src/training-status';
import { chartHtml } from '../../client/src/chart-html';
import { RunModel, statusText, charts, type Palette } from '../../client/webview/series';
import { parseEventLines } from '../../client/webview/events';
import { DEFAULT_UI } from '../../client/webview/messages';
import { testLabels, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { summarize } from '../../server/src/core/summary';
import { LineIndex } from '../../server/src/core/text';
import type { SummaryResult } from '../../server/src/lsp/requests';
import { analyzeText } from '../helpers';
import { englishLeft } from '../zh-check';

const root = path.join(__dirname, '..', '..');
const CJK = /[\u4e00-\u9fff]/;
const recorded = (name: string) => parseEventLines(fs.readFileSync(path.join(root, 'test', 'webview', 'fixtures', `${name}.jsonl`), 'utf8'));
const palette: Palette = { train: '#0000ff', val: '#ff8000', lr: '#800080', series: ['#111111', '#222222'], foreground: '#eeeeee', muted: '#999999', grid: '#333333', background: '#000000' };

/** Code a Chinese word of the webviews keeps: names written in .nn files and settings. */
const CODE = ['layer_stats', 'true', 'train', 'sigmoid', 'tanh', 'input', 'dense', 'conv2d', 'val_loss', 'text_csv', 'epoch', 'fashion-mnist', 'mnist', 'spiral', 'model', 'data', 'loss', 'cross_entropy'];

/** Every word table of the webviews and their panels: [surface, English, Chinese]. */
const TABLES: [string, Record<string, string>, Record<string, string>][] = [
  ['chart (chart-words.ts)', CHART_WORDS.en, CHART_WORDS['zh-cn']],
  ['Layers view (layers.ts)', LAYERS_LABELS.en, LAYERS_LABELS['zh-cn']],
  ['pictures (pictures.ts)', PLOT_STRINGS.en, PLOT_STRINGS.zh],
  ['summary (summary-html.ts)', SUMMARY_WORDS.en, SUMMARY_WORDS['zh-cn']],
  ['compare (compare-messages.ts)', { ...COMPARE_UI.en }, { ...COMPARE_UI['zh-cn'] }],
  ['graph page (graph-messages.ts)', { ...GRAPH_UI.en }, { ...GRAPH_UI['zh-cn'] }],
  ['graph panel (graph-messages.ts)', GRAPH_PANEL_WORDS.en, GRAPH_PANEL_WORDS['zh-cn']],
  ['graph picture (picture/layout.ts)', { ...PICTURE_STRINGS.en }, { ...PICTURE_STRINGS['zh-cn'] }],
];

const holes = (s: string) => (s.match(/\{\d\}/g) ?? []).sort().join();

describe('webviews in Chinese: the word tables', () => {
  for (const [surface, en, zh] of TABLES) {
    it(`${surface}: every word has its Chinese, with the same {n} and no English left`, () => {
      assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort(), 'the same keys');
      for (const [k, e] of Object.entries(en)) {
        const z = zh[k];
        assert.equal(typeof z, 'string', `${k} has no Chinese`);
        assert.equal(holes(z), holes(e), `${k}: the placeholders of "${e}" and "${z}"`);
        // a word with letters in it is Chinese in Chinese; one without (a number's format, a
        // separator) may be the same in both
        if (englishLeft(e, CODE).length) assert.match(z, CJK, `${k}: "${z}" is not Chinese`);
        assert.deepEqual(englishLeft(z, CODE), [], `${k}: English left in "${z}"`);
      }
    });
  }

  it('the page language from <html lang>: Chinese for every zh tag, English otherwise', () => {
    assert.equal(chartLang('zh-cn'), 'zh-cn');
    assert.equal(chartLang('zh-TW'), 'zh-cn');
    assert.equal(chartLang('en'), 'en');
    assert.equal(chartLang(''), 'en');
    assert.equal(chartLang(null), 'en');
    assert.match(chartHtml({ cspSource: 's', nonce: 'n', script: 's/a.js', style: 's/a.css', lang: 'zh-cn' }), /<html lang="zh-cn">/);
    assert.match(chartHtml({ cspSource: 's', nonce: 'n', script: 's/a.js', style: 's/a.css' }), /<html lang="en">/);
  });

  it('whose weights a test result is: the English words are protocol.ts testLabels\', the Chinese differ', () => {
    const ends = [{ epochs: 9 }, { epochs: 9, testEpoch: 4 }, { epochs: 9, testEpoch: 4, lastTest: { loss: 1, metrics: {} } }];
    for (const end of ends) {
      assert.deepEqual(testWeights(end, CHART_WORDS.en), testLabels(end));
      const zh = testWeights(end, CHART_WORDS['zh-cn']);
      assert.match(zh.test, CJK);
      assert.deepEqual(englishLeft(`${zh.test} ${zh.last ?? ''}`), []);
    }
  });
});

describe('webviews in Chinese: what the chart writes', () => {
  const code = (events: TrainEvent[]) =>
    events.flatMap((e) => (e.type === 'start' ? [e.train, e.model, e.data, e.backend, ...(e.metrics ?? [])] : [])).join(' ').match(/[A-Za-z][\w-]*/g) ?? [];

  for (const name of ['spiral', 'kfold', 'mlp', 'cubic']) {
    it(`${name}: the status line and the charts' titles and lines, in Chinese`, () => {
      const events = recorded(name);
      const w = CHART_WORDS['zh-cn'];
      const run = new RunModel(events, w);
      const status = statusText(run, w);
      assert.match(status, CJK);
      assert.deepEqual(englishLeft(status, [...code(events), 'accuracy', 'r2', 'mae']), [], status);
      const list = charts(run, { ...DEFAULT_UI, batches: true }, palette, [], w);
      assert.ok(list.length >= 2);
      assert.equal(list.find((c) => c.id === 'lr')?.title, '学习率');
      assert.equal(list.find((c) => c.id === 'loss')?.title, '损失');
      for (const c of list) for (const l of c.lines) assert.deepEqual(englishLeft(l.label, ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'r2', 'val_r2', 'lr']), [], l.label);
      // the English chart is as it was
      assert.match(statusText(new RunModel(events)), /done in [\d.]+ s/);
    });
  }

  it('a warning in the messages is in the page\'s language', () => {
    const warning: TrainEvent = { type: 'warning', code: 'NN430', message: 'vanishing' } as TrainEvent;
    assert.deepEqual(new RunModel([warning], CHART_WORDS['zh-cn']).logs, ['警告 NN430：vanishing']);
    assert.deepEqual(new RunModel([warning]).logs, ['warning NN430: vanishing']);
  });
});

describe('summary view', () => {
  const BLOCKS = 'block inner(n) {\n  dense(n)\n  relu()\n}\nblock pair(n) {\n  dense(n, activation: relu)\n  inner(n)\n}\n';
  const MAIN = 'import "blocks.nn"\nmodel M {\n  input [8]\n  pair(8)\n  dense(2)\n}\n';
  const result = (): SummaryResult => {
    const r = analyzeText(MAIN, { 'blocks.nn': BLOCKS });
    const s = summarize(r.models[0], (f) => new LineIndex(f.endsWith('blocks.nn') ? BLOCKS : MAIN));
    return { summary: { ...s, rows: s.rows.map(({ node: _n, ...rest }) => rest) }, text: '' };
  };
  const page = { cspSource: 'https://src', nonce: 'abc123' };

  it('indents nested rows by a class its own style sheet defines: no style attribute, which its CSP drops', () => {
    const r = result();
    const html = renderSummary(r, page);
    const body = html.slice(html.indexOf('<body>'));
    assert.ok(!/\sstyle=/.test(body), 'no inline style attribute');
    const depths = [...new Set(r.summary.rows.map((x) => x.depth))];
    assert.ok(depths.length >= 3, `nested rows: depths ${depths}`);
    const sheet = /<style nonce="abc123">([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    for (const d of depths) {
      assert.match(body, new RegExp(`class="name depth-${d}"`));
      assert.match(sheet, new RegExp(`td\\.depth-${d} \\{ padding-left: ${(0.6 + d * 1.2).toFixed(1)}em; \\}`));
    }
    // the CSP admits that sheet (its nonce) and nothing inline
    const csp = /content="([^"]*)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /style-src https:\/\/src 'nonce-abc123';/);
    assert.ok(!/unsafe-inline/.test(csp));
  });

  it('the Line column names the file of a block\'s rows written in another file', () => {
    const r = result();
    const html = renderSummary(r, page);
    const imported = r.summary.rows.filter((x) => x.file !== r.summary.file);
    assert.ok(imported.length >= 3, 'the block\'s rows come from blocks.nn');
    for (const row of imported) assert.ok(html.includes(`>blocks.nn:${row.line}</td>`), `blocks.nn:${row.line}`);
    assert.deepEqual([...new Set(imported.map((x) => x.line))].sort(), [2, 3, 6, 7], 'the lines of blocks.nn');
    const own = r.summary.rows.find((x) => x.file === r.summary.file && x.kind === 'dense')!;
    assert.equal(rowPlace(own, r.summary.file), String(own.line));
  });

  it('the kind is a column of its own, coloured apart from the name', () => {
    const html = renderSummary(result(), page);
    assert.match(html, /<td class="name depth-\d">dense_?\d*<\/td><td class="kind">dense<\/td>/);
    assert.match(html, /td\.kind \{ color: var\(--vscode-symbolIcon-functionForeground/);
    assert.ok(!/<td[^>]*>[^<]*<span class="kind">/.test(html), 'no kind inside the name\'s cell');
  });

  it('in Chinese: every heading, total and note', () => {
    const r = result();
    r.summary.hasErrors = true;
    const html = renderSummary(r, page, 'zh-cn');
    assert.match(html, /<html lang="zh-cn">/);
    const words = [...html.matchAll(/<(th|dt|p)[^>]*>([^<]*)</g)].map((m) => m[2]);
    assert.ok(words.length >= 13);
    for (const w of words) assert.deepEqual(englishLeft(w), [], w);
    assert.match(html, /<td class="kind">块<\/td>/);
  });
});

describe('status bar of training', () => {
  class Item implements StatusItem {
    text = '';
    tooltip: string | object | undefined;
    visible = false;
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
  }
  const en = (m: string, ...a: (string | number)[]) => m.replace(/\{(\d)\}/g, (_, i: string) => String(a[Number(i)]));
  const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  const zh = (m: string, ...a: (string | number)[]) => {
    assert.ok(bundle[m], `"${m}" has no Chinese in l10n/bundle.l10n.zh-cn.json`);
    return en(bundle[m], ...a);
  };
  const start = { type: 'start', train: 't', file: 'f.nn', model: 'M', data: 'd', backend: 'wasm', runDir: '/r', epochs: 2, batchSize: 4, samples: { train: 8, validation: 0, test: 4 }, params: 3, task: 'classification', metrics: ['accuracy'] } as TrainEvent;
  const epoch = { type: 'epoch', epoch: 1, epochs: 2, loss: 0.5, metrics: { accuracy: 0.8 }, lr: 0.1, seconds: 1, samplesPerSecond: 8, best: true, tensors: 1 } as TrainEvent;
  const end = { type: 'end', seconds: 2, epochs: 2, test: { loss: 0.3, metrics: { accuracy: 0.91 } } } as unknown as TrainEvent;

  it('"done · test acc" stays shown after the training process ends', () => {
    const item = new Item();
    const s = new TrainingStatus<object>(item, en);
    const run = {};
    for (const e of [start, epoch, end]) s.update(run, 't', e);
    assert.equal(item.text, '$(check) NN t: done · test acc 91.0%');
    s.closed(run, 't', 0);
    assert.ok(item.visible, 'still shown');
    assert.equal(item.text, '$(check) NN t: done · test acc 91.0%');
    // the next run takes it
    s.update({}, 'u', start);
    assert.match(item.text, /NN u: starting \(wasm\)/);
  });

  it('a process that dies without its last event says so, and stops spinning', () => {
    const item = new Item();
    const s = new TrainingStatus<object>(item, en);
    const run = {};
    s.update(run, 't', start);
    s.update(run, 't', epoch);
    s.closed(run, 't', 0);
    assert.ok(item.visible);
    assert.equal(item.text, '$(warning) NN t: ended without a result');
  });

  it('in Chinese through the l10n bundle', () => {
    const item = new Item();
    const s = new TrainingStatus<object>(item, zh);
    const run = {};
    s.update(run, 't', start);
    assert.equal(item.text, '$(sync~spin) NN t：正在启动（wasm）');
    s.update(run, 't', { type: 'batch', epoch: 1, batch: 2, batches: 4, loss: 0.25 } as TrainEvent);
    s.update(run, 't', epoch);
    assert.equal(item.text, '$(sync~spin) NN t · 第 1/2 轮 · 损失 0.5000 · 准确率 80.0%');
    s.update(run, 't', end);
    assert.equal(item.text, '$(check) NN t：完成 · 测试准确率 91.0%');
    s.update(run, 't', { type: 'error', message: 'x' } as TrainEvent);
    assert.equal(item.text, '$(error) NN t：失败');
  });
});

describe('VS Code surfaces in Chinese', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const nlsEn = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const nlsZh = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;

  it('every command title, setting, task property and workspace note is a package.nls key with its Chinese', () => {
    const texts: [string, string][] = [
      ['displayName', pkg.displayName],
      ['description', pkg.description],
      ...pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]),
      ...Object.entries(pkg.contributes.configuration.properties).map(([k, p]) => [k, (p as { description: string }).description]),
      ...pkg.contributes.taskDefinitions.flatMap((t: { properties: Record<string, { description: string }> }) => Object.entries(t.properties).map(([k, p]) => [`task ${k}`, p.description])),
      ['untrusted', pkg.capabilities.untrustedWorkspaces.description],
      ['virtual', pkg.capabilities.virtualWorkspaces.description],
    ];
    assert.ok(texts.length >= 30);
    for (const [where, text] of texts) {
      const key = /^%(.+)%$/.exec(text)?.[1];
      assert.ok(key, `${where}: "${text}" is not localized (a %key% of package.nls.json)`);
      assert.ok(nlsEn[key], `${where}: ${key} is not in package.nls.json`);
      assert.match(nlsZh[key] ?? '', CJK, `${where}: ${key} has no Chinese in package.nls.zh-cn.json`);
    }
    assert.deepEqual(Object.keys(nlsZh).sort(), Object.keys(nlsEn).sort());
  });

  it('every vscode.l10n.t message of the extension has its Chinese in l10n/, and no notification, pick or prompt is a bare English literal', () => {
    assert.equal(pkg.l10n, './l10n');
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const dir = path.join(root, 'client', 'src');
    const seen = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/\b(?:l10n\.t|this\.t|t)\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
        const msg = (m[1] ?? m[2]).replace(/\\'/g, "'");
        seen.add(msg);
        assert.match(bundle[msg] ?? '', CJK, `${f}: "${msg}" has no Chinese in l10n/bundle.l10n.zh-cn.json`);
        assert.equal(holes(bundle[msg]), holes(msg), `${f}: the placeholders of "${msg}"`);
      }
      assert.ok(!/show(Warning|Information|Error)Message\(\s*[`'"]/.test(src), `${f}: a notification's text is a bare literal`);
      assert.ok(!/(placeHolder|prompt|openLabel): [`'"]/.test(src), `${f}: a pick's or prompt's text is a bare literal`);
    }
    assert.ok(seen.size >= 30, `${seen.size} messages`);
    for (const k of Object.keys(bundle)) assert.ok(seen.has(k), `"${k}" in the bundle is not used`);
  });

  it('snippets say what they are in Chinese too (VS Code has no way to localize them: both languages)', () => {
    const snippets = JSON.parse(fs.readFileSync(path.join(root, 'snippets', 'nn.json'), 'utf8')) as Record<string, { description: string }>;
    for (const [name, s] of Object.entries(snippets)) assert.match(s.description, CJK, name);
  });
});
