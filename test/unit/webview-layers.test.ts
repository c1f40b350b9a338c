// The Layers view's drawing (client/webview/layers.ts): histograms moved onto a common range keep
// their counts, gradient norms sit on a log scale by their logarithm, one heat strip per layer and
// one column per measurement, dead and saturated shares drawn where a layer has them, labels in
// both languages, and the drawing renders (resvg) from a recorded run.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layersSvg, lastFoldLayers, rebin, progressOf, logLabel, LAYERS_LABELS } from '../../client/webview/layers';
import { RunModel, type Palette } from '../../client/webview/series';
import { parseEventLines } from '../../client/webview/events';
import { escapeXml } from '../../client/webview/export';
import { svgToPng, pngSize } from '../../server/src/node/png';
import type { TrainEvent, LayerStats } from '../../server/src/runtime/train/protocol';

type LayersEvent = Extract<TrainEvent, { type: 'layers' }>;

const palette: Palette = { train: '#3794ff', val: '#d18616', lr: '#b180d7', series: ['#ff0000', '#00ff00', '#0000ff'], foreground: '#cccccc', muted: '#999999', grid: '#333333', background: '#000000' };
const recorded = (name: string) => parseEventLines(fs.readFileSync(path.join(__dirname, '..', 'webview', 'fixtures', `${name}.jsonl`), 'utf8'));

function layer(name: string, gradNorm: number | undefined, extra: Partial<LayerStats['activations']> = {}, activation?: string): LayerStats {
  const hist = { min: 0, max: 1, counts: [1, 3, 0, 4] };
  return {
    name,
    kind: 'dense',
    ...(activation ? { activation } : {}),
    ...(gradNorm !== undefined ? { weights: { norm: 1, gradNorm, updateRatio: 0.01, count: 8, histogram: hist } } : {}),
    activations: { mean: 0.5, std: 0.2, units: 4, histogram: hist, ...extra },
  };
}

const event = (epoch: number, layers: LayerStats[], fold?: number): LayersEvent => ({ type: 'layers', epoch, batch: 4, batches: 4, probe: 8, layers, ...(fold ? { fold } : {}) });

describe('webview: the Layers view', () => {
  it('moves a histogram onto another range keeping its counts', () => {
    const h = { min: 0, max: 2, counts: [2, 4] };
    assert.deepEqual(rebin(h, 0, 2, 2), [2, 4]);
    assert.deepEqual(rebin(h, 0, 2, 4), [1, 1, 2, 2]);
    assert.deepEqual(rebin(h, 0, 4, 2), [6, 0]);
    assert.deepEqual(rebin({ min: 3, max: 3, counts: [5, 0] }, 0, 4, 4), [0, 0, 0, 5]);
    const spread = rebin({ min: -1.3, max: 2.9, counts: [3, 0, 7, 1, 9] }, -2, 5, 20);
    assert.ok(Math.abs(spread.reduce((a, b) => a + b, 0) - 20) < 1e-9);
  });

  it('places gradient norms by their logarithm, one line per layer with weights, in its colour', () => {
    const events = [1, 2, 3].map((e) => event(e, [layer('first', 1e-6 * e, {}, 'sigmoid'), layer('act', undefined, {}, 'sigmoid'), layer('last', 1e-2 * e)]));
    const svg = layersSvg(events, { palette, title: 'deep <net>' });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="760" height="\d+"/);
    assert.ok(svg.includes('deep &lt;net&gt;') && !svg.includes('deep <net>'));
    assert.equal((svg.match(/<g[ >]/g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length);
    assert.ok(!/<(polyline|line|rect|circle)[^>]*[^/]>/.test(svg), 'empty elements are self-closed');
    const lines = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="([^"]+)"/g)].map((m) => ({ color: m[2], pts: m[1].split(' ').map((p) => p.split(',').map(Number)) }));
    // the gradient chart: 'first' red, 'last' blue (the colour of the third layer); the activation layer has no weights
    const first = lines.find((l) => l.color === '#ff0000')!;
    const last = lines.find((l) => l.color === '#0000ff')!;
    assert.ok(first && last && !lines.some((l) => l.color === '#00ff00'), JSON.stringify(lines.map((l) => l.color)));
    // four decades apart at every point: the same distance, and a doubling is log10(2) of a decade
    const decade = (first.pts[0][1] - last.pts[0][1]) / 4;
    assert.ok(decade > 0);
    first.pts.forEach((p, i) => assert.ok(Math.abs(p[1] - last.pts[i][1] - 4 * decade) < 0.05, `point ${i}`));
    assert.ok(Math.abs(first.pts[0][1] - first.pts[1][1] - Math.log10(2) * decade) < 0.05);
    // x: where in training each was measured
    assert.deepEqual(events.map(progressOf), [1, 2, 3]);
    assert.ok(first.pts[0][0] < first.pts[1][0] && first.pts[1][0] < first.pts[2][0]);
    for (const t of ['1e-6', '1e-5', '0.001', '0.01']) assert.ok(svg.includes(`>${t}</text>`), t);
    // a heat strip per layer: three labels, and coloured cells for each of the three measurements
    for (const n of ['first (sigmoid)', 'act (sigmoid)', 'last']) assert.ok(svg.includes(`>${escapeXml(n)}</text>`), n);
  });

  it('draws the dead and saturated shares of the layers that have them, and says when none does', () => {
    const events = [1, 2].map((e) => event(e, [layer('r', 1, { dead: 0.25 * e }, 'relu'), layer('s', 1, { saturated: 0.5 }, 'sigmoid'), layer('o', 1)]));
    const svg = layersSvg(events, { palette });
    assert.ok(svg.includes('>r dead</text>') && svg.includes('>s saturated</text>') && !svg.includes('>o dead</text>'));
    assert.ok(svg.includes('stroke-dasharray="5 3"'), 'saturated is dashed');
    assert.ok(svg.includes('>100%</text>'));
    const none = layersSvg([event(1, [layer('o', 1)])], { palette });
    assert.ok(none.includes(LAYERS_LABELS.en.noShares));
  });

  it('speaks English and Chinese, and says how to turn the statistics on when a run has none', () => {
    const events = [event(1, [layer('a', 0.1, { dead: 0 }, 'relu')])];
    const zh = layersSvg(events, { palette, locale: 'zh-cn' });
    for (const label of [LAYERS_LABELS['zh-cn'].gradients, LAYERS_LABELS['zh-cn'].histograms, LAYERS_LABELS['zh-cn'].shares]) assert.ok(zh.includes(escapeXml(label)), label);
    assert.ok(!zh.includes(LAYERS_LABELS.en.gradients));
    assert.deepEqual(Object.keys(LAYERS_LABELS['zh-cn']).sort(), Object.keys(LAYERS_LABELS.en).sort());
    assert.ok(layersSvg([], { palette }).includes('layer_stats: true'));
    assert.equal(logLabel(1e-5), '1e-5');
    assert.equal(logLabel(0.01), '0.01');
    assert.equal(logLabel(1e6), '1e6');
  });

  it('takes the last fold, and draws a recorded run that renders', () => {
    const folded = [event(1, [layer('a', 1)], 1), event(2, [layer('a', 1)], 1), event(1, [layer('a', 2)], 2)];
    assert.deepEqual(lastFoldLayers(folded), [folded[2]]);
    const events = recorded('layers');
    const run = new RunModel(events);
    assert.equal(run.layers.length, 15);
    assert.ok(run.logs.some((l) => /^warning NN430: the gradients of 'dense' are \d orders of magnitude smaller/.test(l)), run.logs.join('\n'));
    const svg = layersSvg(lastFoldLayers(run.layers), { palette, title: 'deep_sigmoid_net' });
    // nine layers with weights: nine gradient lines, and eight saturated shares (the sigmoid layers)
    const grads = new Set([...svg.matchAll(/<polyline [^>]*stroke="([^"]+)" stroke-width="1.6" stroke-linejoin/g)].map((m) => m[1]));
    assert.ok(grads.size >= 3);
    assert.equal((svg.match(/ saturated<\/text>/g) ?? []).length, 8);
    const png = svgToPng(svg);
    const size = pngSize(png);
    assert.equal(size.width, 760);
    assert.ok(size.height > 600, `${size.height}`);
  });
});
