// The chart's pictures as SVG (client/webview/pictures.ts) and `nn plot`: each picture from
// recorded runs (axes, ticks, one polyline per series, legends naming runs by what differs), the
// PNG encoder of the images inside, the regression fit the trainer records, and the command's
// files, sizes, exit codes and messages.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { CHARTS, CHART_NAMES, FILE_PALETTE, PLOT_STRINGS, isChartName, runLabels, fitSvg, type PlotRun, type ChartName } from '../../client/webview/pictures';
import { encodePng, decodeBase64, predictionPictures } from '../../client/webview/images';
import { RunModel } from '../../client/webview/series';
import { parseEventLines } from '../../client/webview/events';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { pngSize } from '../../server/src/node/png';
import { runNn } from '../nn-cli';

const recorded = (name: string) => parseEventLines(fs.readFileSync(path.join(__dirname, '..', 'webview', 'fixtures', `${name}.jsonl`), 'utf8'));
const en = PLOT_STRINGS.en;
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

function draw(chart: ChartName, runs: PlotRun[]): string {
  const d = CHARTS[chart].draw({ runs, palette: FILE_PALETTE, strings: en, title: 'T' });
  assert.ok('svg' in d, `no ${chart}: ${'missing' in d ? d.missing : ''}`);
  return d.svg;
}

/** The SVG's width and height attributes. */
function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
}

const line = (n: number, x0: number, x1: number) => Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));

/** A regression run's events: 1-D data on y = 2x + 1 and its fit. */
function regressionEvents(inputs: 1 | 2): TrainEvent[] {
  const start: TrainEvent = { type: 'start', train: 'fit', file: 'f.nn', model: 'M', data: 'd', backend: 'cpu', runDir: '/r', epochs: 1, batchSize: 8, samples: { train: 5, validation: 2, test: 3 }, params: 2, task: 'regression', metrics: [] };
  if (inputs === 1) {
    const x = line(5, -1, 1);
    return [
      start,
      { type: 'fitPoints', inputs: 1, train: { x, t: x.map((v) => 2 * v + 1) }, validation: { x: [0.1, 0.3], t: [1.2, 1.6] }, test: { x: [-0.2, 0.2, 0.6], t: [0.6, 1.4, 2.2] } },
      { type: 'fit', epoch: 7, inputs: 1, x: line(64, -1.1, 1.1), values: line(64, -1.2, 3.2) },
    ];
  }
  return [
    start,
    { type: 'fitPoints', inputs: 2, train: { x: [0, 1], y: [0, 1], t: [0, 2] } },
    { type: 'fit', epoch: 2, inputs: 2, extent: [-1, 2, -1, 2], size: 4, values: line(16, 0, 2) },
  ];
}

describe('nn plot: the pictures as SVG', () => {
  it('the curves of one run: a panel per quantity with axes, ticks, a polyline per series and its legend', () => {
    const svg = draw('curves', [{ label: 'a', run: new RunModel(recorded('spiral')) }]);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /fill="#ffffff"/, 'a light background for files');
    // loss, val_loss, accuracy, val_accuracy: each one unbroken line
    assert.equal(count(svg, /<polyline /g), 4);
    for (const l of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) assert.match(svg, new RegExp(`>${l}</text>`));
    assert.equal(count(svg, />epoch<\/text>/g), 2, 'the x axis is labelled in each panel');
    assert.match(svg, />60<\/text>/, 'a tick at the last epoch');
    assert.doesNotMatch(svg, /learning rate/, 'the learning rate is its own chart');
    const lr = draw('lr', [{ label: 'a', run: new RunModel(recorded('spiral')) }]);
    assert.equal(count(lr, /<polyline /g), 1);
    assert.match(lr, />learning rate</);
  });

  it('several runs overlaid: a colour per run, named in the legend by what differs between their configs', () => {
    const labels = runLabels(
      [
        { train: 't', optimizer: { name: 'adam', args: { lr: 0.01 } }, seed: 1, command: 'nn train a', file: '/a.nn' },
        { train: 't', optimizer: { name: 'adam', args: { lr: 0.1 } }, seed: 1, command: 'nn train b', file: '/b.nn' },
      ],
      ['2026-01-01T10-00-00', '2026-01-01T11-00-00'],
    );
    assert.deepEqual(labels, ['lr 0.01', 'lr 0.1']);
    const svg = draw('curves', [
      { label: labels[0], run: new RunModel(recorded('spiral')) },
      { label: labels[1], run: new RunModel(recorded('spiral-earlier')) },
    ]);
    assert.equal(count(svg, /<polyline /g), 8, 'four series of each run');
    for (const l of ['loss · lr 0.01', 'val_loss · lr 0.01', 'loss · lr 0.1', 'val_accuracy · lr 0.1']) assert.ok(svg.includes(`>${l}</text>`), l);
    const colours = new Set([...svg.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]+)"/g)].map((m) => m[1]));
    assert.equal(colours.size, 2, 'one colour per run');
    assert.equal(count(svg, /<polyline [^>]*stroke-dasharray/g), 4, 'validation dashed');
  });

  it('run labels: an optimizer changed, settings in several places, and runs alike named by their folders', () => {
    const a = { optimizer: { name: 'sgd', args: { lr: 0.1 } }, schedule: { name: 'step', args: { lr: 0.5 } }, batchSize: 32 };
    const b = { optimizer: { name: 'adam', args: { lr: 0.1 } }, schedule: { name: 'step', args: { lr: 0.2 } }, batchSize: 64 };
    assert.deepEqual(runLabels([a, b], ['r1', 'r2']), ['optimizer sgd, schedule.lr 0.5, batchSize 32', 'optimizer adam, schedule.lr 0.2, batchSize 64']);
    assert.deepEqual(runLabels([a, a], ['2026-01-01T10-00-00', 'x']), ['2026-01-01 10:00:00', 'x']);
    assert.deepEqual(runLabels([a], ['2026-01-01T10-00-00']), ['2026-01-01 10:00:00'], 'one run: its folder');
    // a sweep's trials: the setting tried, once (config.json records it again in overrides, and the trial number)
    const trial = (lr: number, n: number) => ({ ...a, optimizer: { name: 'sgd', args: { lr } }, overrides: { 'optimizer.lr': lr }, trial: n });
    assert.deepEqual(runLabels([trial(0.05, 1), trial(0.005, 2)], ['trial-01', 'trial-02']), ['optimizer.lr 0.05', 'optimizer.lr 0.005']);
    // an override that no recorded setting shows tells them apart by itself
    const data = (n: number, t: number) => ({ ...a, data: { name: 'spiral', samples: { train: n } }, overrides: { data: `spiral(n: ${n})` }, trial: t });
    assert.deepEqual(runLabels([data(100, 1), data(200, 2)], ['trial-01', 'trial-02']), ['data spiral(n: 100)', 'data spiral(n: 200)']);
  });

  it('the decision boundary: cells of the predicted class, the training points, axes and the class key', () => {
    const run = new RunModel(recorded('spiral'));
    const svg = draw('boundary', [{ label: 'a', run }]);
    assert.equal(count(svg, /<circle cx="[\d.]+" cy="[\d.]+" r="2.6"/g), run.points!.x.length);
    assert.ok(count(svg, /<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#[0-9a-f]{6}"\/>/g) >= 40, 'at least a run of cells per row');
    assert.match(svg, />Decision boundary · epoch 60</);
    assert.match(svg, />class 0</);
    assert.match(svg, />class 1</);
    assert.match(svg, />x₁</);
  });

  it('the confusion matrix: a cell per pair with its count, coloured by the share of its row', () => {
    const run = new RunModel(recorded('spiral'));
    const m = run.end!.test!.confusion!;
    const svg = draw('confusion', [{ label: 'a', run }]);
    assert.equal(count(svg, /<rect x="[\d.]+" y="[\d.]+" width="\d+" height="\d+" fill="#/g), m.length * m.length);
    for (const row of m) for (const v of row) assert.ok(svg.includes(`>${v}</text>`));
    assert.match(svg, />predicted →</);
  });

  it('test predictions and first-layer weights: images as PNG data, with their labels', () => {
    const run = new RunModel(recorded('mlp'));
    const svg = draw('predictions', [{ label: 'a', run }]);
    const p = run.predictions!;
    assert.equal(count(svg, /<image /g), p.labels.length);
    const right = p.predicted.filter((c, i) => c === p.labels[i]).length;
    assert.ok(svg.includes(`Test predictions: ${right} of ${p.labels.length} right`));
    const wrong = p.labels.length - right;
    assert.equal(count(svg, /✗ /g), wrong);
    // the first image decodes to the picture the chart puts on its canvas
    const url = /href="data:image\/png;base64,([^"]+)"/.exec(svg)![1];
    const png = PNG.sync.read(Buffer.from(decodeBase64(url)));
    const pic = predictionPictures(p)[0];
    assert.deepEqual([png.width, png.height], [pic.width, pic.height]);
    assert.deepEqual([...png.data], [...pic.data]);
    const w = draw('weights', [{ label: 'a', run }]);
    assert.equal(count(w, /<image /g), run.weights!.scale.length);
    assert.match(w, />negative</);
  });

  it('encodePng: a PNG that a decoder reads back pixel for pixel, also past one stored block', () => {
    const width = 190;
    const height = 100; // 76,100 bytes of scanlines: two stored blocks
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
    const bytes = encodePng({ width, height, data });
    assert.deepEqual(pngSize(bytes), { width, height });
    const png = PNG.sync.read(Buffer.from(bytes));
    assert.deepEqual([...png.data], [...data]);
  });

  it('the regression fit: the data of each split with its own mark, and the fitted curve', () => {
    const run = new RunModel(regressionEvents(1));
    const svg = draw('fit', [{ label: 'a', run }]);
    assert.equal(count(svg, /<circle /g), 5 + 1, 'training points, and the legend');
    assert.equal(count(svg, /<rect x="[\d.]+" y="[\d.]+" width="5.2"/g), 2 + 1, 'validation points, and the legend');
    assert.equal(count(svg, /<path d="M/g), 3 + 1, 'test points, and the legend');
    const curve = /<polyline points="([^"]+)"/.exec(svg)![1].split(' ');
    assert.equal(curve.length, 64, 'the fitted curve through every predicted point');
    for (const l of ['training', 'validation', 'test', 'prediction', 'Regression fit · epoch 7']) assert.ok(svg.includes(`>${l}</text>`), l);
    assert.equal(fitSvg(run, FILE_PALETTE), fitSvg(run, FILE_PALETTE), 'the chart webview shows the same picture');
    // two inputs: a heat map, 4 × 4 cells and a colour bar
    const heat = draw('fit', [{ label: 'a', run: new RunModel(regressionEvents(2)) }]);
    assert.equal(count(heat, /<rect x="[\d.]+" y="[\d.]+" width="80.3" height="80.3"/g), 16);
    assert.equal(count(heat, /<rect x="[\d.]+" y="[\d.]+" width="10"/g), 32, 'the colour bar');
    assert.ok(heat.includes('>2</text>') && heat.includes('>0</text>'), 'the bar is labelled with the range');
  });

  it('a run without a picture says why, in English and Chinese', () => {
    const reg = new RunModel(regressionEvents(1));
    const cls = new RunModel(recorded('spiral'));
    const missing = (chart: ChartName, run: RunModel, lang: 'en' | 'zh' = 'en') => {
      const d = CHARTS[chart].draw({ runs: [{ label: 'a', run }], palette: FILE_PALETTE, strings: PLOT_STRINGS[lang], title: 'T' });
      assert.ok('missing' in d, chart);
      return d.missing;
    };
    assert.match(missing('boundary', reg), /2-D inputs/);
    assert.match(missing('boundary', reg, 'zh'), /决策边界/);
    assert.match(missing('fit', cls), /regression with 1 or 2 inputs/);
    assert.match(missing('confusion', reg), /classification/);
    assert.match(missing('predictions', cls), /image classification/);
    assert.match(missing('weights', cls), /image models/);
    assert.match(missing('curves', new RunModel([])), /no finished epochs/);
    for (const k of Object.keys(PLOT_STRINGS.en)) assert.ok((PLOT_STRINGS.zh as Record<string, string>)[k], `zh lacks ${k}`);
  });

  it('the chart names are one typed table', () => {
    assert.deepEqual(CHART_NAMES, ['curves', 'lr', 'boundary', 'fit', 'confusion', 'predictions', 'weights', 'layers']);
    assert.ok(isChartName('fit'));
    assert.ok(!isChartName('toString'), 'not a name from the prototype');
  });
});

describe('nn plot: the command', function () {
  this.timeout(60_000);
  let tmp: string;
  let run: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-plot-'));
    const r = await runNn(['train', path.join(__dirname, '..', '..', 'samples', 'polynomial_regression.nn'), '--epochs', '3', '--runs', tmp, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    run = path.join(tmp, 'fit_cubic', fs.readdirSync(path.join(tmp, 'fit_cubic'))[0]);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the trainer records the fit: its points and the last epoch\'s curve are in metrics.jsonl', () => {
    const events = parseEventLines(fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8'));
    const pts = events.find((e) => e.type === 'fitPoints');
    const fits = events.filter((e) => e.type === 'fit');
    assert.ok(pts && pts.type === 'fitPoints' && pts.inputs === 1);
    // polynomial(n: 300), validation 0.2 of the training part: every split there, at most 400 points
    assert.ok(pts.train.x.length > 100 && pts.validation!.x.length > 10 && pts.test!.x.length > 10);
    assert.equal(fits.length, 1, 'the live fits are not all logged: the last one is');
    const f = fits[0];
    assert.ok(f.type === 'fit' && f.inputs === 1 && f.epoch === 3 && f.x.length === 64);
  });

  it('a run that stops early keeps the boundary of the epoch it stopped at in metrics.jsonl', async () => {
    const file = path.join(tmp, 'early.nn');
    fs.writeFileSync(
      file,
      'model Tiny {\n  input [2]\n  dense(4, activation: tanh)\n  dense(2)\n}\ntrain early {\n  model: Tiny\n  data: circle(n: 200, noise: 0.05)\n  loss: cross_entropy\n  optimizer: adam(lr: 0.03)\n  epochs: 20\n  early_stopping(monitor: loss, patience: 1, min_delta: 100)\n}\n',
    );
    const r = await runNn(['train', file, '--runs', tmp, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const dir = path.join(tmp, 'early', fs.readdirSync(path.join(tmp, 'early'))[0]);
    const events = parseEventLines(fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8'));
    const stopped = events.find((e) => e.type === 'stopped');
    assert.ok(stopped && stopped.type === 'stopped' && stopped.reason === 'early_stopping' && stopped.epoch < 20);
    const b = events.filter((e) => e.type === 'boundary');
    assert.equal(b.length, 1);
    assert.equal(b[0].type === 'boundary' && b[0].epoch, stopped.epoch);
    const out = path.join(tmp, 'early.svg');
    assert.equal((await runNn(['plot', dir, '--out', out, '--chart', 'boundary'])).code, 0);
  });

  it('writes SVG and PNG; the PNG has the SVG\'s size', async () => {
    const svgFile = path.join(tmp, 'fit.svg');
    let r = await runNn(['plot', run, '--out', svgFile, '--chart', 'fit']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const svg = fs.readFileSync(svgFile, 'utf8');
    assert.match(svg, /<polyline /);
    const pngFile = path.join(tmp, 'curves.png');
    r = await runNn(['plot', run, '--out', pngFile, '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const size = pngSize(fs.readFileSync(pngFile));
    const svgCurves = CHARTS.curves.draw({ runs: [{ label: 'x', run: new RunModel(parseEventLines(fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8'))) }], palette: FILE_PALETTE, strings: en, title: 't' });
    assert.ok('svg' in svgCurves);
    assert.deepEqual(size, svgSize(svgCurves.svg));
    assert.deepEqual(JSON.parse(r.out[0]), { out: pngFile, chart: 'curves', runs: [run], labels: [path.basename(run).replace(/T(\d\d)-(\d\d)-(\d\d)/, ' $1:$2:$3')], ...size });
  });

  it('overlays runs named by what differs; a stopped run plots what it has', async () => {
    const other = path.join(tmp, 'fit_cubic', 'other');
    fs.cpSync(run, other, { recursive: true });
    const cfg = JSON.parse(fs.readFileSync(path.join(other, 'config.json'), 'utf8'));
    cfg.optimizer.args.lr = 0.5;
    fs.writeFileSync(path.join(other, 'config.json'), JSON.stringify(cfg));
    // stopped after its first epoch: no end, no fit
    const lines = fs.readFileSync(path.join(other, 'metrics.jsonl'), 'utf8').split('\n');
    fs.writeFileSync(path.join(other, 'metrics.jsonl'), lines.filter((l) => !/"type":"(end|fit)"/.test(l) && !/"type":"epoch","epoch":[23]/.test(l)).join('\n'));
    const out = path.join(tmp, 'two.svg');
    const r = await runNn(['plot', run, other, '--out', out]);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.match(r.out[0], /2 runs: lr 0.05 \| lr 0.5/);
    const svg = fs.readFileSync(out, 'utf8');
    assert.ok(svg.includes('>loss · lr 0.5</text>'));
    assert.ok(svg.includes('<circle'), 'the stopped run: one epoch, a point');
    const fit = await runNn(['plot', other, '--out', out, '--chart', 'fit']);
    assert.equal(fit.code, 1);
    assert.match(fit.err.join('\n'), /no fit chart: a regression fit needs/);
  });

  it("a sweep's folder plots its trials, named once by the value each tried (not again by its overrides or trial number)", async () => {
    const sweep = path.join(tmp, 'fit_cubic', 'sweep');
    fs.mkdirSync(sweep);
    fs.writeFileSync(path.join(sweep, 'sweep.json'), '{}');
    const empty = await runNn(['plot', sweep, '--out', path.join(tmp, 'sweep.svg')]);
    assert.equal(empty.code, 1);
    assert.match(empty.err[0], /the sweep .*sweep has no trial folders yet/);
    [0.05, 0.01].forEach((lr, i) => {
      const t = path.join(sweep, `trial-0${i + 1}`);
      fs.cpSync(run, t, { recursive: true });
      const cfg = JSON.parse(fs.readFileSync(path.join(t, 'config.json'), 'utf8'));
      Object.assign(cfg, { overrides: { 'optimizer.lr': lr }, trial: i + 1 });
      cfg.optimizer.args.lr = lr;
      fs.writeFileSync(path.join(t, 'config.json'), JSON.stringify(cfg));
    });
    const out = path.join(tmp, 'sweep.svg');
    const r = await runNn(['plot', sweep, '--out', out]);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.match(r.out[0], /2 runs: lr 0\.05 \| lr 0\.01\)$/);
    assert.ok(fs.readFileSync(out, 'utf8').includes('>val_loss · lr 0.01</text>'));
  });

  it('the Layers view of a run trained with layer_stats (the drawing of the chart), and why a run without them has none', async () => {
    const r = await runNn(['train', path.join(__dirname, '..', '..', 'samples', 'polynomial_regression.nn'), '--epochs', '2', '--runs', path.join(tmp, 'stats'), '--backend', 'cpu', '--layer-stats', 'epoch', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const withStats = path.join(tmp, 'stats', 'fit_cubic', fs.readdirSync(path.join(tmp, 'stats', 'fit_cubic'))[0]);
    const out = path.join(tmp, 'layers.svg');
    const ok = await runNn(['plot', withStats, '--out', out, '--chart', 'layers']);
    assert.equal(ok.code, 0, ok.err.join('\n'));
    const svg = fs.readFileSync(out, 'utf8');
    assert.match(svg, /Gradient norm/i);
    assert.match(svg, />dense</);
    assert.equal(count(svg, /<svg/g), 2, 'the Layers view nested in the picture');
    const none = await runNn(['plot', run, '--out', path.join(tmp, 'none.svg'), '--chart', 'layers']);
    assert.equal(none.code, 1);
    assert.match(none.err[0], /the Layers view needs a run trained with layer_stats/);
  });

  it('bad input: exit 2 for usage, 1 for what the runs lack or a file that cannot be written', async () => {
    const out = path.join(tmp, 'x.svg');
    const missing = await runNn(['plot', path.join(tmp, 'nope'), '--out', out]);
    assert.equal(missing.code, 2);
    assert.match(missing.err[0], /'.*nope' is not a run folder \(not found\)/);
    const chart = await runNn(['plot', run, '--out', out, '--chart', 'pie']);
    assert.equal(chart.code, 2);
    assert.match(chart.err[0], /unknown chart 'pie'; the charts are: curves, lr, boundary, fit, confusion, predictions, weights, layers/);
    const nodata = await runNn(['plot', run, '--out', out, '--chart', 'boundary']);
    assert.equal(nodata.code, 1);
    assert.match(nodata.err[0], /nn plot: no boundary chart: a decision boundary needs classification with 2-D inputs/);
    const zh = await runNn(['plot', run, '--out', out, '--chart', 'boundary', '--lang', 'zh']);
    assert.equal(zh.code, 1);
    assert.match(zh.err[0], /决策边界需要二维输入/);
    assert.equal((await runNn(['plot', run, '--out', out, '--lang', 'fr'])).code, 2);
    const unwritable = await runNn(['plot', run, '--out', path.join(tmp, 'no', 'such', 'x.svg')]);
    assert.equal(unwritable.code, 1);
    assert.match(unwritable.err[0], /cannot write .*x\.svg: its folder does not exist/);
    assert.equal((await runNn(['plot', run, '--out', path.join(tmp, 'x.jpg')])).code, 2);
    assert.equal((await runNn(['plot', run])).code, 2);
    assert.equal((await runNn(['plot', '--out', out])).code, 2);
    assert.ok(!fs.existsSync(out), 'nothing written on a failure');
    const noLog = path.join(tmp, 'fit_cubic', 'nolog');
    fs.cpSync(run, noLog, { recursive: true });
    fs.rmSync(path.join(noLog, 'metrics.jsonl'));
    const r = await runNn(['plot', noLog, '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.err[0], /has no readable metrics.jsonl/);
  });
});
