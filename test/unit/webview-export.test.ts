// The chart's exports and pictures (client/webview/export.ts, images.ts): the CSV holds every
// logged value, the SVG is well formed and draws each line, the test images and weights decode
// to their pixels and colours, the boundary is drawn the right way up, and the confusion matrix
// is normalized by row.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toCsv, toSvg, niceTicks, logTicks, legendLayout, exportName, escapeXml } from '../../client/webview/export';
import { parseColor, mix, luminance, predictionPictures, weightPictures, boundaryPicture, toPixel, normalizeRows, decodeBase64, type Rgb } from '../../client/webview/images';
import { RunModel, charts, type Palette } from '../../client/webview/series';
import { parseEventLines } from '../../client/webview/events';
import { DEFAULT_UI } from '../../client/webview/messages';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';

const recorded = (name: string) => parseEventLines(fs.readFileSync(path.join(__dirname, '..', 'webview', 'fixtures', `${name}.jsonl`), 'utf8'));
const palette: Palette = { train: '#3794ff', val: '#d18616', lr: '#b180d7', series: ['#3794ff', '#d18616', '#89d185'], foreground: '#cccccc', muted: '#999999', grid: '#333333', background: '#1e1e1e' };

describe('webview: CSV and SVG export', () => {
  it('CSV: a row per run, fold and epoch with every series, then the logged batches', () => {
    const events = recorded('spiral');
    const run = new RunModel(events);
    const csv = toCsv([{ id: 'now', run }]).trim().split('\n');
    assert.equal(csv[0], 'run,fold,epoch,loss,accuracy,val_loss,val_accuracy,lr,batch_loss');
    const epochs = events.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[];
    const batches = events.filter((e) => e.type === 'batch') as Extract<TrainEvent, { type: 'batch' }>[];
    assert.equal(csv.length, 1 + epochs.length + batches.length);
    const e7 = epochs[6];
    assert.equal(csv[7], ['now', '', 7, e7.loss, e7.metrics.accuracy, e7.val!.loss, e7.val!.metrics.accuracy, e7.lr, ''].join(','));
    const b = batches[0];
    assert.equal(csv[1 + epochs.length], ['now', '', Number((b.epoch - 1 + b.batch / b.batches).toFixed(6)), '', '', '', '', '', b.loss].join(','));
  });

  it('CSV: folds numbered, several runs (the overlay) in one table, names quoted when they need it', () => {
    const k = new RunModel(recorded('kfold'));
    const csv = toCsv([{ id: 'k', run: k }, { id: 'old, "first"', run: new RunModel(recorded('spiral-earlier')) }]).trim().split('\n');
    const rows = csv.slice(1).map((l) => l.split(','));
    assert.deepEqual([...new Set(rows.filter((r) => r[0] === 'k' && r[2].indexOf('.') < 0).map((r) => r[1]))], ['1', '2', '3', '4', '5']);
    assert.equal(rows.filter((r) => r[0] === 'k' && r[1] === '3' && Number.isInteger(Number(r[2]))).length, 15);
    assert.ok(csv.some((l) => l.startsWith('"old, ""first""",,1,')));
  });

  it('ticks: round numbers covering the range; powers of ten on a log scale', () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(1, 60, 6), [10, 20, 30, 40, 50, 60]);
    assert.deepEqual(niceTicks(0.0123, 0.0456, 3), [0.02, 0.04]);
    assert.deepEqual(niceTicks(0.0123, 0.0456, 4), [0.02, 0.03, 0.04]);
    assert.deepEqual(niceTicks(3, 3), [3]);
    assert.deepEqual(logTicks(0.003, 2), [0.01, 0.1, 1]);
    assert.deepEqual(logTicks(0.2, 0.5), niceTicks(0.2, 0.5));
  });

  it('SVG: one panel per chart with a polyline per line, axes, legend; text escaped', () => {
    const run = new RunModel(recorded('spiral'));
    const list = charts(run, DEFAULT_UI, palette, [{ id: 'x', label: 'a <b> & "c"', run: new RunModel(recorded('spiral-earlier')) }]);
    const svg = toSvg(list, { title: 'spiral_deep <run>', palette });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1040" height="\d+" viewBox="0 0 1040 \d+"/);
    assert.ok(svg.trim().endsWith('</svg>'));
    // balanced groups, every element closed
    assert.equal((svg.match(/<g[ >]/g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length);
    assert.ok(!/<(polyline|line|rect|circle)[^>]*[^/]>/.test(svg), 'empty elements are self-closed');
    assert.ok(svg.includes('spiral_deep &lt;run&gt;') && svg.includes('a &lt;b&gt; &amp; &quot;c&quot;') && !svg.includes('a <b>'));
    const lines = list.reduce((n, c) => n + c.lines.length, 0);
    assert.ok((svg.match(/<polyline /g) ?? []).length >= lines, 'every line drawn');
    assert.equal((svg.match(/>epoch<\/text>/g) ?? []).length, list.length);
    for (const c of list) assert.ok(svg.includes(`>${escapeXml(c.title)}</text>`), c.title);
    // a point of loss at epoch 60 is inside its panel
    const pts = [...svg.matchAll(/<polyline points="([^"]+)"/g)].flatMap((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    assert.ok(pts.every(([x, y]) => x >= 0 && x <= 1040 && y >= 0 && Number.isFinite(y)));
  });

  it('SVG: a log scale places values by their logarithm; a line breaks where values are missing', () => {
    const chart = { id: 'loss', title: 'loss', log: true, lines: [{ label: 'loss', x: [1, 2, 3, 4], y: [1, 0.1, null, 0.01], color: '#ff0000', width: 2, alpha: 1, kind: 'epoch' as const }] };
    const svg = toSvg([chart], { title: 't', palette, panelWidth: 400, panelHeight: 300 });
    const polys = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    assert.equal(polys.length, 1, 'epochs 1-2 as a line');
    assert.equal((svg.match(/<circle /g) ?? []).length, 1, 'epoch 4 alone as a dot');
    const ys = [polys[0][0][1], polys[0][1][1], Number(/<circle cx="[\d.]+" cy="([\d.]+)"/.exec(svg)![1])];
    // equal steps in log10: 1 -> 0.1 -> 0.01
    assert.ok(Math.abs(ys[1] - ys[0] - (ys[2] - ys[1])) < 0.05, ys.join(', '));
    assert.ok(svg.includes('>0.01</text>') && svg.includes('>0.1</text>') && svg.includes('>1</text>'));
  });

  it('SVG: a run of a million batch points exports (no spread of every point into one call)', () => {
    const n = 1_000_000;
    const x = Array.from({ length: n }, (_, i) => i / 1000);
    const y = Array.from({ length: n }, (_, i) => 1 / (1 + i / 1000));
    const chart = { id: 'loss', title: 'loss', log: false, lines: [{ label: 'batch loss', x, y, color: '#ff0000', width: 1, alpha: 1, kind: 'batch' as const }] };
    const svg = toSvg([chart], { title: 'long', palette, panelWidth: 400, panelHeight: 300 });
    assert.match(svg, /<polyline points="/);
    // the axes span the data (x 0 to 1000, ticks at 0 and 500), and every coordinate is a number
    assert.ok(svg.includes('>0</text>') && svg.includes('>500</text>'), svg.slice(0, 400));
    assert.ok(!svg.includes('NaN') && !svg.includes('Infinity'));
  });

  it('legend entries flow into rows; export names are plain', () => {
    const l = legendLayout(['loss', 'val_loss', 'a much longer label than the others'], 200);
    assert.deepEqual(l.at[0], [0, 0]);
    assert.equal(l.at[1][1], 0);
    assert.equal(l.at[2][0], 0);
    assert.equal(l.rows, 2);
    assert.equal(legendLayout([], 100).rows, 0);
    assert.equal(exportName('spiral_deep', '2024-05-01T09-30-12', 'svg'), 'spiral_deep-2024-05-01-09-30-12.svg');
    assert.equal(exportName('a/b c', undefined, 'csv'), 'a-b-c.csv');
    assert.equal(exportName('', undefined, 'png'), 'training.png');
  });
});

describe('webview: pictures', () => {
  it('colours from the theme: hex and rgb() forms; mixing and luminance', () => {
    assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff]);
    assert.deepEqual(parseColor('#abc'), [0xaa, 0xbb, 0xcc]);
    assert.deepEqual(parseColor('#3794ffcc'), [0x37, 0x94, 0xff]);
    assert.deepEqual(parseColor('rgba(204, 204, 204, 0.7)'), [204, 204, 204]);
    assert.deepEqual(parseColor(' rgb(1 2 3) '), [1, 2, 3]);
    assert.equal(parseColor('var(--x)'), undefined);
    assert.deepEqual(mix([0, 0, 0], [200, 100, 50], 0.5), [100, 50, 25]);
    assert.equal(luminance([0, 0, 0]), 0);
    assert.equal(luminance([255, 255, 255]), 1);
  });

  it('test images decode to their pixels: gray for one channel', () => {
    const p = recorded('mlp').find((e) => e.type === 'predictions') as Extract<TrainEvent, { type: 'predictions' }>;
    const bytes = Buffer.from(p.images, 'base64');
    const pics = predictionPictures(p);
    assert.equal(pics.length, p.labels.length);
    assert.equal(pics[5].width, 28);
    for (const i of [0, 300, 783]) assert.deepEqual([...pics[5].data.subarray(i * 4, i * 4 + 4)], [bytes[5 * 784 + i], bytes[5 * 784 + i], bytes[5 * 784 + i], 255]);
    assert.deepEqual(decodeBase64(p.images), new Uint8Array(bytes));
  });

  it('three-channel images in colour', () => {
    const rgb = Buffer.from([10, 20, 30, 40, 50, 60]).toString('base64');
    const pics = predictionPictures({ type: 'predictions', shape: [1, 2, 3], images: rgb, labels: [0], predicted: [0], confidence: [1] });
    assert.deepEqual([...pics[0].data], [10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('weights: diverging colours (negative, zero, positive) for one channel; RGB stretched for three', () => {
    const neg: Rgb = [0, 0, 255];
    const zero: Rgb = [0, 0, 0];
    const pos: Rgb = [255, 128, 0];
    // one 1×3 image: -scale, 0, +scale
    const w: Extract<TrainEvent, { type: 'weights' }> = { type: 'weights', epoch: 1, layer: 'dense', kind: 'dense', shape: [1, 3, 1], units: 4, scale: [0.5], values: Buffer.from([0, 128, 255]).toString('base64') };
    const [pic] = weightPictures(w, neg, zero, pos);
    assert.deepEqual([...pic.data.subarray(0, 4)], [0, 0, 255, 255]);
    // 128 is 0.5/127.5 of the way to positive: all but zero
    assert.deepEqual([...pic.data.subarray(4, 8)], [...mix(zero, pos, 0.5 / 127.5), 255]);
    assert.deepEqual([...pic.data.subarray(8, 12)], [255, 128, 0, 255]);
    const rgb: Extract<TrainEvent, { type: 'weights' }> = { ...w, kind: 'conv2d', shape: [1, 2, 3], scale: [1], values: Buffer.from([100, 150, 200, 0, 50, 255]).toString('base64') };
    const [c] = weightPictures(rgb, neg, zero, pos);
    assert.deepEqual([...c.data], [100, 150, 200, 255, 0, 50, 255, 255]);
    // the real conv2d kernels of a run: one picture per filter sent
    const real = recorded('cnn').filter((e) => e.type === 'weights').pop() as Extract<TrainEvent, { type: 'weights' }>;
    const pics = weightPictures(real, neg, zero, pos);
    assert.equal(pics.length, real.scale.length);
    assert.deepEqual([pics[0].width, pics[0].height], [3, 3]);
  });

  it('the decision boundary: the event\'s first row (ymin) is the picture\'s bottom row; points land where they are', () => {
    const e: Extract<TrainEvent, { type: 'boundary' }> = { type: 'boundary', epoch: 1, extent: [-1, 1, -2, 2], size: 2, values: [0, 1, 1, 1] };
    const colors: Rgb[] = [[255, 0, 0], [0, 0, 255]];
    const pic = boundaryPicture(e, colors, [0, 0, 0], 1);
    const px = (r: number, c: number) => [...pic.data.subarray((r * 2 + c) * 4, (r * 2 + c) * 4 + 3)];
    assert.deepEqual(px(1, 0), [255, 0, 0], 'ymin, xmin: class 0');
    assert.deepEqual(px(0, 0), [0, 0, 255]);
    assert.deepEqual(boundaryPicture(e, colors, [0, 0, 0], 0.5).data.subarray(4 * 2, 4 * 2 + 3), new Uint8ClampedArray([128, 0, 0]));
    assert.deepEqual(toPixel(e.extent, 100, 200, -1, -2), [0, 200]);
    assert.deepEqual(toPixel(e.extent, 100, 200, 1, 2), [100, 0]);
    assert.deepEqual(toPixel(e.extent, 100, 200, 0, 0), [50, 100]);
  });

  it('the confusion matrix normalized by row (the share of each true class)', () => {
    assert.deepEqual(normalizeRows([
      [3, 1],
      [0, 0],
      [2, 8],
    ]), [
      [0.75, 0.25],
      [0, 0],
      [0.2, 0.8],
    ]);
    const real = (recorded('mlp').find((e) => e.type === 'end') as Extract<TrainEvent, { type: 'end' }>).test!.confusion!;
    for (const row of normalizeRows(real)) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  });
});
