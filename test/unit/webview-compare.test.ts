// The compare view ("NN: Compare Runs"): its messages both ways and its saved state, checked; the
// parallel coordinates (axes, positions, the SVG); the folders it reads (the `runs` roots); the
// command's title in English and Chinese.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFromCompareWebview, parseToCompareWebview, parseCompareState, parseRow, COMPARE_UI, MAX_CURVES, type CompareRow } from '../../client/webview/compare-messages';
import { parallelAxes, axisPosition, parallelSvg, type ParallelRun } from '../../client/webview/parallel';
import type { Palette } from '../../client/webview/series';
import * as os from 'node:os';
import { runRoots, readHistory, isRunDirOf, loadCurves, runEventsOrProblem } from '../../client/src/chart-files';
import { readRun, reasonText } from '../../server/src/runtime/train/run-table';
import { MAX_RUN_FILE_BYTES } from '../../server/src/runtime/train/run-files';
import { renderRuntime } from '../../server/src/core/runtime-messages';
import { englishLeft } from '../nn-cli';

const root = path.join(__dirname, '..', '..');

const row = (o: Partial<CompareRow> = {}): CompareRow => ({
  dir: '/w/runs/lr_sweep/2026-01-01T10-00-00/trial-1',
  name: 'runs/lr_sweep/2026-01-01T10-00-00/trial-1',
  file: '/w/model_selection.nn',
  train: 'lr_sweep',
  status: 'done',
  overrides: { 'optimizer.lr': 0.05 },
  epochs: 20,
  bestEpoch: 18,
  val: { loss: 0.2, accuracy: 0.93 },
  engine: 'tfjs',
  seconds: 4.2,
  ...o,
});

const epoch = (n: number, acc: number) => ({ type: 'epoch', epoch: n, epochs: 3, loss: 1 - acc, metrics: { accuracy: acc }, val: { loss: 1.1 - acc, metrics: { accuracy: acc } }, lr: 0.01, seconds: 0.1, samplesPerSecond: 100, best: true, tensors: 3 });

const PALETTE: Palette = { train: '#3794ff', val: '#d18616', lr: '#b180d7', series: ['#3794ff', '#d18616', '#89d185'], foreground: '#cccccc', muted: '#999999', grid: '#333333', background: '#1f1f1f' };

describe('compare view messages', () => {
  it('takes from the webview only ready, open of a folder, and a select of at most MAX_CURVES folders', () => {
    assert.deepEqual(parseFromCompareWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromCompareWebview({ type: 'open', dir: '/w/runs/t/1' }), { type: 'open', dir: '/w/runs/t/1' });
    assert.deepEqual(parseFromCompareWebview({ type: 'select', dirs: ['/a', '/b', '/a'] }), { type: 'select', dirs: ['/a', '/b'] });
    assert.deepEqual(parseFromCompareWebview({ type: 'select', dirs: [] }), { type: 'select', dirs: [] });
    const many = Array.from({ length: MAX_CURVES + 1 }, (_, i) => `/r/${i}`);
    assert.equal(parseFromCompareWebview({ type: 'select', dirs: many }), undefined, 'more curves than allowed');
    for (const m of [
      null,
      'ready',
      [],
      { type: 'open' },
      { type: 'open', dir: '' },
      { type: 'open', dir: 12 },
      { type: 'open', dir: '/a\nb' },
      { type: 'open', dir: 'x'.repeat(5000) },
      { type: 'select', dirs: '/a' },
      { type: 'select', dirs: ['/a', 3] },
      { type: 'save', format: 'svg', name: 'a.svg', data: '<svg>' },
      { type: 'run', command: 'rm -rf /' },
    ])
      assert.equal(parseFromCompareWebview(m), undefined, JSON.stringify(m));
  });

  it('takes from the extension a table of well-formed rows with its strings, and curves of checked events', () => {
    const m = parseToCompareWebview({ type: 'runs', runs: [row(), row({ status: 'failed', reason: 'config.json is not valid JSON', val: undefined, bestEpoch: undefined, trial: 2 })], ui: COMPARE_UI['zh-cn'] });
    assert.ok(m && m.type === 'runs');
    assert.equal(m.runs.length, 2);
    assert.equal(m.runs[1].reason, 'config.json is not valid JSON');
    assert.equal(m.ui.noRuns, COMPARE_UI['zh-cn'].noRuns);
    // one bad row refuses the table: a table with holes would mislead
    for (const bad of [
      { status: 'exploded' },
      { epochs: '3' },
      { val: { accuracy: 'high' } },
      { overrides: { lr: [1] } },
      { overrides: null },
      { seconds: Number.NaN },
      { dir: '' },
      { name: undefined },
    ])
      assert.equal(parseToCompareWebview({ type: 'runs', runs: [row(), { ...row(), ...bad }], ui: COMPARE_UI.en }), undefined, JSON.stringify(bad));
    assert.equal(parseToCompareWebview({ type: 'runs', runs: [row()], ui: { ...COMPARE_UI.en, open: 3 } }), undefined, 'strings checked');
    assert.equal(parseToCompareWebview({ type: 'runs', runs: [row()] }), undefined);
    // extra fields of a row are not carried over
    assert.equal((parseRow({ ...row(), html: '<img>' }) as unknown as Record<string, unknown>).html, undefined);

    const c = parseToCompareWebview({ type: 'curves', curves: [{ dir: '/w/runs/t/1', events: [epoch(1, 0.5), { type: 'epoch', epoch: 'x' }, epoch(2, 0.6)] }] });
    assert.ok(c && c.type === 'curves');
    assert.equal(c.curves[0].events.length, 2, 'malformed events are dropped');
    assert.equal(parseToCompareWebview({ type: 'curves', curves: [{ dir: 5, events: [] }] }), undefined);
    assert.equal(parseToCompareWebview({ type: 'curves', curves: [{ dir: '/a', events: 'x' }] }), undefined);
    assert.equal(parseToCompareWebview({ type: 'diagram' }), undefined);
  });

  it('restores its sort, filter, metric and ticks from a saved state, and nothing else', () => {
    assert.deepEqual(parseCompareState(undefined), { filter: '', selected: [] });
    assert.deepEqual(parseCompareState({ sort: { key: 'val_accuracy', desc: true }, filter: 'lr_sweep done', metric: 'val_loss', selected: ['/a', 3, '/b'], extra: 1 }), {
      sort: { key: 'val_accuracy', desc: true },
      filter: 'lr_sweep done',
      metric: 'val_loss',
      selected: ['/a', '/b'],
    });
    assert.deepEqual(parseCompareState({ sort: { key: 3 }, filter: 7, selected: 'x' }), { filter: '', selected: [] });
    assert.equal(parseCompareState({ selected: Array.from({ length: 50 }, (_, i) => `/r/${i}`) }).selected.length, MAX_CURVES);
  });

  it('has every string in English and Chinese, and the command title in both', () => {
    assert.deepEqual(Object.keys(COMPARE_UI['zh-cn']).sort(), Object.keys(COMPARE_UI.en).sort());
    for (const [k, v] of Object.entries(COMPARE_UI['zh-cn'])) assert.ok(v.length > 0 && (v !== (COMPARE_UI.en as unknown as Record<string, string>)[k] || /^[{}0-9 /]+$/.test(v)), `${k} is not translated`);
    const en = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
    const zh = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8'));
    assert.equal(en['nn.compareRuns.title'], 'Compare Runs');
    assert.ok(/[\u4e00-\u9fff]/.test(zh['nn.compareRuns.title']));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.ok(pkg.contributes.commands.some((c: { command: string; title: string }) => c.command === 'nn.compareRuns' && c.title === '%nn.compareRuns.title%'));
  });
});

describe('parallel coordinates', () => {
  const runs: ParallelRun[] = [
    { label: 'a', settings: { 'optimizer.lr': 0.05, model: 'Wide' }, value: 0.9 },
    { label: 'b', settings: { 'optimizer.lr': 0.005, model: 'Deep' }, value: 0.95 },
    { label: 'c', settings: { 'optimizer.lr': 0.0005 }, value: 0.7 },
    { label: 'd', settings: { batch_size: 32 } },
  ];

  it('has an axis per setting (numbers on a scale, log when they span a factor of 20, words as categories) and the metric last', () => {
    const axes = parallelAxes(runs, 'val_accuracy');
    assert.deepEqual(
      axes.map((a) => [a.key, a.kind, a.asWritten]),
      [
        ['batch_size', 'number', true],
        ['model', 'category', true],
        ['optimizer.lr', 'log', true],
        ['val_accuracy', 'number', false],
      ],
    );
    assert.deepEqual(axes[1].categories, ['Deep', 'Wide']);
    assert.deepEqual([axes[3].min, axes[3].max], [0.7, 0.95]);
    // a narrow numeric range is linear; mixed numbers and words are categories
    const lin = parallelAxes([{ label: 'x', settings: { d: 0.1 } }, { label: 'y', settings: { d: 0.5 } }], 'm');
    assert.deepEqual([lin[0].kind, lin.length], ['number', 1], 'no metric axis when no run has the metric');
    assert.equal(parallelAxes([{ label: 'x', settings: { k: 2 } }, { label: 'y', settings: { k: 'auto' } }], 'm')[0].kind, 'category');
  });

  it('places values on their axis: log spacing, categories evenly, as written at the foot', () => {
    const [batch, model, lr, metric] = parallelAxes(runs, 'val_accuracy');
    const at = (a: typeof lr, v: Parameters<typeof axisPosition>[1]) => axisPosition(a, v)!;
    // 0.0005, 0.005, 0.05: equal steps on a log axis, above the "as written" mark
    assert.ok(Math.abs(at(lr, 0.005) - (at(lr, 0.0005) + at(lr, 0.05)) / 2) < 1e-9);
    assert.equal(at(lr, 0.05), 1);
    assert.ok(at(lr, 0.0005) > 0);
    assert.equal(at(lr, undefined), 0, 'a run that left it as written');
    assert.ok(at(model, 'Deep') < at(model, 'Wide'));
    assert.equal(axisPosition(model, 'Tall'), undefined);
    assert.equal(at(batch, 32), 0.14 + 0.86 * 0.5, 'one value: the middle of its span');
    assert.equal(at(metric, 0.7), 0);
    assert.equal(at(metric, 0.95), 1);
    assert.equal(axisPosition(metric, undefined), undefined);
  });

  it('draws a path per run with its tooltip, the best in the text colour, picked runs in theirs, and escapes every name', () => {
    const svg = parallelSvg(
      [...runs, { label: '<script>', settings: { model: 'A&B' }, value: 0.8, color: '#89d185' }],
      { metric: 'val_accuracy', higherIsBetter: true, palette: PALETTE, width: 700, height: 300, asWritten: 'as written' },
    );
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="700" height="300"'));
    const paths = [...svg.matchAll(/<path class="run( best)?" data-run="(\d+)" d="([^"]+)" stroke="([^"]+)"/g)];
    assert.equal(paths.length, 5);
    const byRun = new Map(paths.map((p) => [Number(p[2]), { best: !!p[1], d: p[3], stroke: p[4] }]));
    assert.equal(byRun.get(1)!.best, true, 'b has the best val_accuracy');
    assert.equal(byRun.get(1)!.stroke, PALETTE.foreground);
    assert.equal(byRun.get(4)!.stroke, '#89d185');
    assert.equal(byRun.get(0)!.stroke, PALETTE.train);
    // a run through every axis: 4 points, one segment; d (no metric) breaks before the metric axis
    assert.equal(byRun.get(0)!.d.split('L').length, 4);
    assert.equal(byRun.get(3)!.d.split('L').length, 3);
    assert.ok(svg.includes('&lt;script&gt;') && !svg.includes('<script>'));
    assert.ok(svg.includes('A&amp;B'));
    assert.ok(svg.includes('optimizer.lr (log)'));
    assert.ok(svg.includes('>0.0005</text>') && !svg.includes('e-4'), 'settings as written, not in exponent form');
    assert.ok(svg.includes('>as written</text>'));
    assert.ok(svg.includes('<title>b · val_accuracy 0.95</title>'));
    // the path order: weaker under stronger, picked runs on top
    assert.deepEqual(
      paths.map((p) => Number(p[2])),
      [3, 2, 0, 1, 4],
    );
    // lower is better for a loss: the smallest is the best
    const loss = parallelSvg(runs, { metric: 'val_loss', higherIsBetter: false, palette: PALETTE, width: 700, height: 300, asWritten: '-' });
    assert.match(loss, /<path class="run best" data-run="2"/);
  });

  it('draws no lines and no metric axis for runs without settings or values', () => {
    const svg = parallelSvg([{ label: 'a', settings: {} }], { metric: 'val_accuracy', higherIsBetter: true, palette: PALETTE, width: 300, height: 200, asWritten: '-' });
    assert.ok(!svg.includes('<path'));
    assert.ok(!svg.includes('class="axis"'));
  });
});

describe('compare view folders', () => {
  it('reads the runs folders that hold the config.json files found, each once', () => {
    const j = (...p: string[]) => path.join(path.sep, 'w', ...p);
    assert.deepEqual(
      runRoots([j('runs', 'a', 't1', 'config.json'), j('runs', 'b', 's', 'trial-01', 'config.json'), j('sub', 'runs', 'c', 't', 'config.json'), j('elsewhere', 'x', 'config.json'), j('runs', 'config.json')]),
      [j('runs'), j('sub', 'runs')],
    );
  });

  it('a run whose metrics.jsonl is over the run-file limit: its curves are not left out silently but said, naming the run and the file, in English and Chinese', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-compare-'));
    try {
      const ok = path.join(tmp, 'runs', 't', '2026-01-01T10-00-00');
      const big = path.join(tmp, 'runs', 't', '2026-01-01T11-00-00');
      const start = { type: 'start', train: 't', file: '/w/m.nn', model: 'M', data: 'd', backend: 'cpu', runDir: ok, epochs: 2, batchSize: 8, samples: { train: 8, validation: 2, test: 0 }, params: 3, task: 'classification', metrics: ['accuracy'] };
      for (const d of [ok, big]) {
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify({ train: 't', file: '/w/m.nn' }));
        fs.writeFileSync(path.join(d, 'metrics.jsonl'), [start, epoch(1, 0.5)].map((e) => JSON.stringify(e)).join('\n') + '\n');
      }
      // a sparse file: over the limit without writing 256 MB
      fs.truncateSync(path.join(big, 'metrics.jsonl'), MAX_RUN_FILE_BYTES + 2 ** 20);
      const { curves, unreadable } = loadCurves([ok, big]);
      assert.deepEqual(
        curves.map((c) => c.dir),
        [ok],
      );
      assert.equal(unreadable.length, 1);
      assert.equal(unreadable[0].dir, big);
      assert.equal(unreadable[0].problem.id, 'runFileTooLarge');
      const file = path.join(big, 'metrics.jsonl');
      assert.equal(renderRuntime(unreadable[0].problem, 'en'), `${file} is 257.0 MB, more than the 256.0 MB that nn reads of a run folder's file`);
      const zh = renderRuntime(unreadable[0].problem, 'zh-cn');
      assert.ok(zh.startsWith(`${file} 有 257.0 MB，`), zh);
      assert.deepEqual(englishLeft(zh, ['nn', 'MB']), [], zh);
      // opening its chart says the same
      assert.deepEqual(runEventsOrProblem(big), { problem: unreadable[0].problem });
      // and its row in the table is failed, with the reason in the view's language
      const r = readRun(big);
      assert.equal(r.status, 'failed');
      assert.equal(reasonText(r, 'en'), renderRuntime(unreadable[0].problem, 'en'));
      assert.equal(reasonText(r, 'zh-cn'), zh);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("a sweep trial's chart: its sweep folder is a run folder of the train block, and the other trials are its earlier runs", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-compare-'));
    try {
      const sweep = path.join(tmp, 'runs', 'lr_sweep', '2026-01-01T10-00-00');
      for (const t of ['trial-01', 'trial-02', 'trial-03']) {
        fs.mkdirSync(path.join(sweep, t), { recursive: true });
        const start = { type: 'start', train: 'lr_sweep', file: '/w/m.nn', model: 'M', data: 'd', backend: 'cpu', runDir: path.join(sweep, t), epochs: 2, batchSize: 8, samples: { train: 8, validation: 2, test: 0 }, params: 3, task: 'classification', metrics: ['accuracy'] };
        fs.writeFileSync(path.join(sweep, t, 'metrics.jsonl'), [start, epoch(1, 0.5), epoch(2, 0.6)].map((e) => JSON.stringify(e)).join('\n') + '\n');
      }
      fs.writeFileSync(path.join(sweep, 'sweep.json'), '{}');
      const trial = path.join(sweep, 'trial-02');
      assert.equal(isRunDirOf(trial, 'lr_sweep'), true);
      assert.equal(isRunDirOf(path.dirname(trial), 'lr_sweep'), true);
      assert.deepEqual(
        readHistory(trial, 'lr_sweep').map((h) => h.id),
        ['trial-03', 'trial-01'],
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
