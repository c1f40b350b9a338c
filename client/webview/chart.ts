// The training chart webview: loss, validation loss, every metric and the learning rate as uPlot
// charts, live per batch and epoch, with smoothing, a log scale and earlier runs overlaid; per-fold
// curves and the mean ± std for k-fold; the decision boundary for 2-D data; the confusion matrix;
// test predictions and the first layer's weights for image models; the Layers view (layer_stats,
// drawn by layers.ts); CSV, SVG and PNG export.
// Colours are the theme's (re-read when it changes). State survives a reload (setState).
// Every message is checked (messages.ts); the logic lives in pure modules tested in Node.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { EventLog } from './events';
import { parseToWebview, parseState, DEFAULT_UI, type UiState, type HistoryRun, type ExportFormat, type ChartState } from './messages';
import { RunModel, charts, align, statusText, progress, fmt, runLabel, type Palette, type Overlay, type Chart, type Line, type Ev } from './series';
import { toCsv, toSvg, exportName } from './export';
import { layersSvg, lastFoldLayers } from './layers';
import { fitSvg, weightColors, BOUNDARY_ALPHA, PLOT_STRINGS } from './pictures';
import { CHART_WORDS, chartLang, say, testWeights } from './chart-words';
import { themePalette } from './theme';
import { rgba, luminance, predictionPictures, weightPictures, boundaryPicture, toPixel, confusionCells, diverging, type Rgb, type Picture } from './images';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();

/** The page's language (client/src/chart-html.ts writes VS Code's display language into <html lang>), and its words. */
const lang = chartLang(document.documentElement.lang);
const W = CHART_WORDS[lang];
document.title = W.title;

/** Saved events beyond this many characters of JSON are left out of the state; the extension reloads metrics.jsonl instead. */
const MAX_STATE_CHARS = 4_000_000;

// ---------------------------------------------------------------- state

let train = '';
let runDir: string | undefined;
const log = new EventLog();
let run = new RunModel([], W);
let history: HistoryRun[] = [];
let overlays: Overlay[] = [];
let ui: UiState = { ...DEFAULT_UI };

function runId(dir: string | undefined): string | undefined {
  return dir?.split(/[\\/]/).filter(Boolean).pop();
}

function reset(t: string, dir: string | undefined, events: readonly TrainEvent[]): void {
  if (t !== train) history = []; // another block's earlier runs are not this one's
  train = t;
  runDir = dir;
  log.clear();
  for (const e of events) log.push(e);
  run = new RunModel(log.events, W);
  if (!runDir && run.start) runDir = run.start.runDir;
  setOverlays();
}

function take(e: TrainEvent, dir: string | undefined): void {
  if (e.type === 'start') {
    const resumed = e.resumedFrom !== undefined && e.runDir === runDir;
    if (!resumed) {
      reset(e.train, e.runDir, []);
    }
    train = e.train;
    runDir = e.runDir;
  } else if (dir && runDir && dir !== runDir) {
    return; // an event of another run than the one shown
  }
  log.push(e);
  run.add(e);
}

function setOverlays(): void {
  const current = runId(runDir);
  overlays = history
    .filter((h) => h.id !== current && ui.overlay.includes(h.id))
    .map((h) => ({ id: h.id, label: runLabel(h.id), run: new RunModel(h.events, W) }));
}

// ---------------------------------------------------------------- theme

let palette: Palette;
let rgbOf: (css: string) => Rgb;

function readTheme(): void {
  ({ palette, rgbOf } = themePalette());
}

const stroke = (l: Line) => (l.alpha >= 1 ? l.color : rgba(rgbOf(l.color), l.alpha));

// ---------------------------------------------------------------- page

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

const title = el('h1', {}, W.title);
const status = el('div', { class: 'status', role: 'status' });
const bar = el('div');
const smoothing = el('input', { type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': W.smoothing });
const smoothingOut = el('output');
const logScale = el('input', { type: 'checkbox' });
const batches = el('input', { type: 'checkbox' });
const overlayBox = el('span', { class: 'overlay' });
const buttons = (['csv', 'svg', 'png'] as const).map((f) => {
  const b = el('button', { title: say(W.saveAs, f.toUpperCase()) }, f.toUpperCase());
  b.addEventListener('click', () => {
    exportNote.textContent = '';
    exportAs(f).catch((e: unknown) => (exportNote.textContent = say(W.exportFailed, f.toUpperCase(), e instanceof Error ? e.message : String(e))));
  });
  return b;
});
const exportNote = el('span', { class: 'export-note', role: 'alert' });
const empty = el('div', { class: 'empty' }, W.empty);
const chartsBox = el('section', { class: 'charts', 'aria-label': W.curves });
const extras = el('section', { class: 'extras' });
const logList = el('ul');
const logSummary = el('summary');
const logBox = el('details', { class: 'log' }, logSummary, logList);

document.body.append(
  el(
    'header',
    {},
    el('div', { class: 'title-row' }, title, el('div', { class: 'actions' }, exportNote, ...buttons)),
    status,
    el('div', { class: 'progress' }, bar),
    el(
      'div',
      { class: 'controls' },
      el('label', { title: W.smoothingTip }, W.smoothing, smoothing, smoothingOut),
      el('label', {}, logScale, W.logScale),
      el('label', { title: W.batchesTip }, batches, W.batches),
      overlayBox,
    ),
  ),
  empty,
  chartsBox,
  extras,
  logBox,
);

smoothing.addEventListener('input', () => {
  ui.smoothing = Number(smoothing.value);
  changed();
});
logScale.addEventListener('change', () => {
  ui.log = logScale.checked;
  changed();
});
batches.addEventListener('change', () => {
  ui.batches = batches.checked;
  changed();
});

function changed(): void {
  saveState();
  render();
}

function syncControls(): void {
  smoothing.value = String(ui.smoothing);
  smoothingOut.value = ui.smoothing.toFixed(2);
  logScale.checked = ui.log;
  batches.checked = ui.batches;
}

function renderOverlayControls(): void {
  const current = runId(runDir);
  const others = history.filter((h) => h.id !== current);
  const items: Node[] = [el('span', {}, W.earlierRuns)];
  if (!others.length) items.push(el('span', { class: 'none' }, W.none));
  others.forEach((h) => {
    const box = el('input', { type: 'checkbox' });
    box.checked = ui.overlay.includes(h.id);
    box.addEventListener('change', () => {
      ui.overlay = box.checked ? [...ui.overlay, h.id] : ui.overlay.filter((id) => id !== h.id);
      setOverlays();
      changed();
    });
    const last = [...h.events].reverse().find((e): e is Ev<'epoch'> => e.type === 'epoch');
    const tip = last ? `${say(W.historyTip, last.epoch, fmt(last.loss))}${last.val ? say(W.historyVal, fmt(last.val.loss)) : ''}` : W.noEpochs;
    items.push(el('label', { title: tip }, box, runLabel(h.id)));
  });
  overlayBox.replaceChildren(...items);
}

// ---------------------------------------------------------------- curves

interface Plot {
  key: string;
  figure: HTMLElement;
  host: HTMLElement;
  plot: uPlot;
}
const plots = new Map<string, Plot>();

/** What fixes a uPlot's options; a change rebuilds it, anything else is setData. */
const plotKey = (c: Chart) => JSON.stringify([c.log, c.lines.map((l) => [l.label, l.color, l.alpha, l.width, l.dash, l.kind])]);

/** The learning rate is a lower chart: it matters less than the curves it drives. */
const plotHeight = (id: string) => (id === 'lr' ? 150 : 230);

function plotOptions(c: Chart, width: number): uPlot.Options {
  const font = `11px ${getComputedStyle(document.body).fontFamily}`;
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: palette.muted,
    font,
    labelFont: font,
    labelSize: 18,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1, size: 4 },
  });
  const integer = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];
  return {
    width,
    height: plotHeight(c.id),
    scales: { x: { time: false }, y: c.log ? { distr: 3, log: 10 } : {} },
    series: [
      { label: W.epoch, value: (_u, v) => (v == null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(2)) },
      ...c.lines.map((l) => ({
        label: l.label,
        stroke: stroke(l),
        width: l.width,
        ...(l.dash ? { dash: l.dash } : {}),
        spanGaps: true,
        ...(l.kind === 'epoch' ? {} : { points: { show: false } }),
        value: (_u: uPlot, v: number | null) => (v == null ? '–' : fmt(v)),
      })),
    ],
    axes: [
      { ...axis(W.epoch), size: 34, incrs: integer, values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? String(s) : '')) },
      { ...axis(c.title), size: 60, values: (_u, splits) => splits.map((s) => (s == null ? '' : fmt(s))) },
    ],
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 6 } },
  };
}

function renderCharts(list: Chart[]): void {
  const seen = new Set<string>();
  const figures: HTMLElement[] = [];
  for (const c of list) {
    seen.add(c.id);
    const { x, ys } = align(c.lines);
    const data = [x, ...ys] as uPlot.AlignedData;
    let p = plots.get(c.id);
    const key = plotKey(c);
    if (p && p.key !== key) {
      p.plot.destroy();
      p = undefined;
    }
    if (!p) {
      const host = el('div', { class: 'plot' });
      const figure = el('figure', { class: 'panel', 'data-chart': c.id }, host);
      figure.style.margin = '0';
      chartsBox.append(figure);
      // as wide as its cell (a narrow column's plots are narrow: the last epochs stay in sight)
      const width = Math.max(120, Math.floor(host.clientWidth || chartsBox.clientWidth || 400));
      p = { key, figure, host, plot: new uPlot(plotOptions(c, width), data, host) };
      plots.set(c.id, p);
    } else {
      p.plot.setData(data);
    }
    figures.push(p.figure);
  }
  for (const [id, p] of plots) {
    if (!seen.has(id)) {
      p.plot.destroy();
      plots.delete(id);
    }
  }
  // keep the order of the list
  chartsBox.replaceChildren(...figures);
}

function resizePlots(): void {
  for (const p of plots.values()) {
    const w = Math.floor(p.host.clientWidth);
    if (w > 0 && Math.abs(w - p.plot.width) > 1) p.plot.setSize({ width: w, height: p.plot.height });
  }
}
new ResizeObserver(() => resizePlots()).observe(chartsBox);

// ---------------------------------------------------------------- pictures

function pictureCanvas(p: Picture, cssWidth: number, cls = 'pixels'): HTMLCanvasElement {
  const c = el('canvas', { class: cls });
  c.width = p.width;
  c.height = p.height;
  c.getContext('2d')!.putImageData(new ImageData(p.data, p.width, p.height), 0, 0);
  c.style.width = `${cssWidth}px`;
  c.style.height = `${Math.round((cssWidth * p.height) / p.width)}px`;
  return c;
}

function panel(heading: string, ...children: Node[]): HTMLElement {
  return el('div', { class: 'panel' }, el('h2', {}, heading), ...children);
}

const classRgbs = () => palette.series.map(rgbOf);

function className(names: string[] | undefined, k: number): string {
  return names?.[k] ?? say(W.cls, k);
}

function boundaryPanel(b: Ev<'boundary'>, points: Ev<'points'> | undefined): HTMLElement {
  const size = 300;
  const dpr = window.devicePixelRatio || 1;
  const canvas = el('canvas', { class: 'boundary', role: 'img', 'aria-label': W.boundaryLabel });
  canvas.width = size * dpr;
  canvas.height = size * dpr;
  canvas.style.width = canvas.style.height = `${size}px`;
  const g = canvas.getContext('2d')!;
  g.scale(dpr, dpr);
  const pic = boundaryPicture(b, classRgbs(), rgbOf(palette.background), BOUNDARY_ALPHA);
  const src = pictureCanvas(pic, pic.width);
  g.imageSmoothingEnabled = true;
  g.drawImage(src, 0, 0, size, size);
  if (points) {
    const edge = luminance(rgbOf(palette.background)) > 0.5 ? 'rgba(0, 0, 0, 0.55)' : 'rgba(255, 255, 255, 0.7)';
    points.x.forEach((x, i) => {
      const [px, py] = toPixel(b.extent, size, size, x, points.y[i]);
      g.beginPath();
      g.arc(px, py, 2.6, 0, Math.PI * 2);
      g.fillStyle = palette.series[points.labels[i] % palette.series.length];
      g.fill();
      g.lineWidth = 0.8;
      g.strokeStyle = edge;
      g.stroke();
    });
  }
  const classes = run.start?.classes ?? b.values.reduce((m, v) => Math.max(m, v), 0) + 1;
  const key = el('div', { class: 'scale' }, ...Array.from({ length: classes }, (_, k) => {
    const swatch = el('span');
    swatch.style.cssText = `display:inline-block;width:0.8em;height:0.8em;border-radius:50%;background:${palette.series[k % palette.series.length]}`;
    return el('span', {}, swatch, ` ${say(W.cls, k)} `);
  }));
  const [x0, x1, y0, y1] = b.extent;
  return panel(
    `${say(W.boundary, b.epoch)}${b.fold ? say(W.fold, b.fold) : ''}`,
    canvas,
    key,
    el('p', { class: 'caption' }, say(W.boundaryCaption, fmt(x0), fmt(x1), fmt(y0), fmt(y1), points ? say(W.boundaryPoints, points.x.length) : W.boundaryNoPoints)),
  );
}

/** `weights`: whose result it is (testLabels): the saved best epoch's. */
function confusionPanel(m: number[][], names: string[] | undefined, weights: string): HTMLElement {
  const cells = confusionCells(m, rgbOf(palette.background), rgbOf(palette.train));
  const total = m.flat().reduce((a, b) => a + b, 0);
  const right = m.reduce((a, row, i) => a + row[i], 0);
  const head = el('tr', {}, el('th', { class: 'axis' }, W.confusionAxes), ...m.map((_, j) => el('th', { class: 'pred', title: className(names, j) }, className(names, j))));
  const rows = m.map((row, i) =>
    el(
      'tr',
      {},
      el('th', { class: 'true' }, className(names, i)),
      ...row.map((v, j) => {
        const cell = cells[i][j];
        const td = el('td', { title: say(W.confusionCell, className(names, i), className(names, j), v, (cell.share * 100).toFixed(1)) }, String(v));
        td.style.background = rgba(cell.fill, 1);
        td.style.color = cell.text;
        if (i === j) td.style.fontWeight = '600';
        return td;
      }),
    ),
  );
  return panel(
    say(W.confusion, weights),
    el('table', { class: 'confusion' }, el('thead', {}, head), el('tbody', {}, ...rows)),
    el('p', { class: 'caption' }, say(W.confusionCaption, right, total, total ? ((right / total) * 100).toFixed(1) : '0')),
  );
}

function foldsPanel(end: Ev<'end'>): HTMLElement {
  const f = end.folds!;
  const names = Object.keys(f.mean);
  const head = el('tr', {}, el('th', {}, W.foldColumn), ...names.map((n) => el('th', {}, `val_${n === 'loss' ? 'loss' : n}`)));
  const rows = f.results.map((r, i) => el('tr', {}, el('td', {}, String(i + 1)), ...names.map((n) => el('td', {}, fmt(n === 'loss' ? r.loss : r.metrics[n])))));
  const mean = el('tr', { class: 'mean' }, el('td', {}, W.meanStd), ...names.map((n) => el('td', {}, `${fmt(f.mean[n])} ± ${fmt(f.std[n])}`)));
  return panel(
    say(W.folds, f.results.length),
    el('table', { class: 'folds' }, el('thead', {}, head), el('tbody', {}, ...rows, mean)),
    el('p', { class: 'caption' }, W.foldsCaption),
  );
}

function predictionsPanel(p: Ev<'predictions'>): HTMLElement {
  const pics = predictionPictures(p);
  const cells = pics.map((pic, i) => {
    const ok = p.predicted[i] === p.labels[i];
    const name = className(p.classNames, p.predicted[i]);
    const truth = className(p.classNames, p.labels[i]);
    return el(
      'div',
      { class: `prediction${ok ? '' : ' wrong'}`, title: say(W.predictionTip, truth, name, (p.confidence[i] * 100).toFixed(0)) },
      pictureCanvas(pic, 56),
      el('div', { class: 'label' }, `${ok ? '' : '✗ '}${name}`),
      el('div', { class: 'truth' }, ok ? `${(p.confidence[i] * 100).toFixed(0)}%` : say(W.trueClass, truth)),
    );
  });
  const right = p.predicted.filter((c, i) => c === p.labels[i]).length;
  return panel(say(W.predictions, right, p.labels.length), el('div', { class: 'grid predictions' }, ...cells), el('p', { class: 'caption' }, W.predictionsCaption));
}

function weightsPanel(w: Ev<'weights'>): HTMLElement {
  const { negative: neg, zero, positive: pos } = weightColors(palette);
  const pics = weightPictures(w, neg, zero, pos);
  const px = w.kind === 'dense' ? 56 : Math.max(48, w.shape[1] * 8);
  const cells = pics.map((pic, i) => {
    const c = pictureCanvas(pic, px);
    c.title = say(w.kind === 'dense' ? W.unitTip : W.filterTip, i + 1, fmt(w.scale[i]));
    return c;
  });
  const gradient = el('canvas', { class: 'pixels' });
  gradient.width = 64;
  gradient.height = 1;
  const gg = gradient.getContext('2d')!;
  for (let i = 0; i < 64; i++) {
    const v = (i / 63) * 2 - 1;
    gg.fillStyle = rgba(diverging(v, neg, zero, pos), 1);
    gg.fillRect(i, 0, 1, 1);
  }
  const what = say(w.kind === 'dense' ? W.denseWhat : W.convWhat, w.scale.length, w.units, w.shape[0], w.shape[1]);
  const explain = w.kind === 'dense' ? W.denseExplain : W.convExplain;
  return panel(
    `${say(W.weights, w.layer, w.epoch)}${w.fold ? say(W.fold, w.fold) : ''}`,
    el('div', { class: 'grid weights' }, ...cells),
    el('div', { class: 'scale' }, W.negative, gradient, W.positive),
    el('p', { class: 'caption' }, say(W.weightsCaption, what, w.shape[2] === 3 ? W.colourChannels : explain)),
  );
}

/** layer_stats: the Layers view (layers.ts draws it; the chart shows its SVG). */
function layersPanel(): HTMLElement {
  const host = el('div', { class: 'layers', role: 'img', 'aria-label': W.layersLabel });
  const width = Math.max(520, Math.min(1000, Math.floor((extras.clientWidth || document.body.clientWidth || 800) - 8)));
  host.innerHTML = layersSvg(lastFoldLayers(run.layers), { palette, width, locale: lang, font: getComputedStyle(document.body).fontFamily });
  return panel(say(W.layers, run.layers.length), host);
}

/** Regression on 1 or 2 inputs: the data with the fitted curve (or the heat map), the picture `nn plot --chart fit` writes, in the theme's colours. */
function fitPanel(): HTMLElement | undefined {
  const svg = fitSvg(run, palette, lang === 'zh-cn' ? PLOT_STRINGS.zh : PLOT_STRINGS.en);
  if (!svg) return undefined;
  // our own SVG text (every string in it escaped), parsed as XML: no script, no style attribute
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const node = document.importNode(doc.documentElement, true);
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', W.fitLabel);
  node.classList.add('fit');
  const two = run.fit?.inputs === 2;
  return el(
    'div',
    { class: 'panel' },
    node,
    el('p', { class: 'caption' }, two ? W.fitCaption2 : W.fitCaption1),
  );
}

let extrasKey: unknown[] = [];

function renderExtras(): void {
  const end = run.end;
  const key = [run.boundary, run.points, end, run.predictions, run.weights, run.fit, run.fitPoints, palette, run.layers.length, run.layers[0]];
  if (key.length === extrasKey.length && key.every((k, i) => k === extrasKey[i])) return;
  extrasKey = key;
  const parts: HTMLElement[] = [];
  if (run.boundary) parts.push(boundaryPanel(run.boundary, run.points));
  const fit = fitPanel();
  if (fit) parts.push(fit);
  if (end?.test?.confusion) parts.push(confusionPanel(end.test.confusion, end.test.classNames, testWeights(end, W).test));
  if (end?.folds) parts.push(foldsPanel(end));
  if (run.predictions) parts.push(predictionsPanel(run.predictions));
  if (run.weights) parts.push(weightsPanel(run.weights));
  if (run.layers.length) parts.push(layersPanel());
  extras.replaceChildren(...parts);
}

function renderLog(): void {
  const lines = [...(run.start?.backendNote ? [run.start.backendNote] : []), ...run.logs];
  logBox.hidden = lines.length === 0;
  logSummary.textContent = say(W.messages, lines.length);
  if (logList.childElementCount !== lines.length) logList.replaceChildren(...lines.map((l) => el('li', run.error?.message === l ? { class: 'error' } : {}, l)));
}

// ---------------------------------------------------------------- render

let pending = false;

function render(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    draw();
  });
}

function draw(): void {
  title.textContent = train ? say(W.training, train) : W.title;
  status.textContent = statusText(run, W);
  status.classList.toggle('failed', !!run.error);
  bar.style.width = `${(progress(run) * 100).toFixed(1)}%`;
  syncControls();
  const list = charts(run, ui, palette, overlays, W);
  empty.hidden = list.length > 0 || !!run.start;
  for (const b of buttons) b.disabled = list.length === 0;
  renderCharts(list);
  renderExtras();
  renderLog();
}

function themeChanged(): void {
  readTheme();
  for (const p of plots.values()) p.plot.destroy();
  plots.clear();
  chartsBox.replaceChildren();
  draw();
}

// ---------------------------------------------------------------- export

function currentCharts(): Chart[] {
  return charts(run, ui, palette, overlays, W);
}

function svgText(): string {
  return toSvg(currentCharts(), { title: `${train || 'training'}${runDir ? ` · ${runLabel(runId(runDir)!)}` : ''}`, palette, xLabel: W.epoch, noValues: W.noValues, font: getComputedStyle(document.body).fontFamily });
}

/** The SVG drawn on a canvas at twice its size: the PNG's base64. */
async function pngBase64(svg: string): Promise<string> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth * 2;
  c.height = img.naturalHeight * 2;
  const g = c.getContext('2d')!;
  g.scale(2, 2);
  g.drawImage(img, 0, 0);
  return c.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

async function exportAs(format: ExportFormat): Promise<void> {
  const name = exportName(train, runId(runDir), format);
  let data: string;
  if (format === 'csv') data = toCsv([{ id: runId(runDir) ?? 'current', run }, ...overlays.map((o) => ({ id: o.id, run: o.run }))]);
  else if (format === 'svg') data = svgText();
  else data = await pngBase64(svgText());
  vscode.postMessage({ type: 'save', format, name, data });
}

// ---------------------------------------------------------------- state and messages

let saveTimer: ReturnType<typeof setTimeout> | undefined;

function saveState(now = false): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = undefined;
  const write = () => {
    const events = log.events;
    const state: ChartState = { train, ...(runDir ? { runDir } : {}), ui };
    // a large run is reloaded from its metrics.jsonl by the extension instead
    if (JSON.stringify(events).length <= MAX_STATE_CHARS) state.events = events;
    vscode.setState(state);
  };
  if (now) write();
  else saveTimer = setTimeout(write, 1000);
}

window.addEventListener('message', (m: MessageEvent) => {
  const msg = parseToWebview(m.data);
  if (!msg) return; // not ours, or malformed
  if (msg.type === 'run') reset(msg.train, msg.runDir, msg.events);
  else if (msg.type === 'event') take(msg.event, msg.runDir);
  else {
    if (msg.train !== train && train) return;
    history = msg.runs;
    const current = runId(runDir);
    const ids = history.filter((h) => h.id !== current).map((h) => h.id);
    // the newest earlier run is drawn unless one the user chose is still there
    if (!ui.overlay.some((id) => ids.includes(id))) ui.overlay = ids.slice(0, 1);
    setOverlays();
    renderOverlayControls();
  }
  if (msg.type === 'run') renderOverlayControls();
  const final = msg.type === 'event' && (msg.event.type === 'end' || msg.event.type === 'stopped' || msg.event.type === 'error');
  saveState(final || msg.type !== 'event');
  render();
});

new MutationObserver(themeChanged).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new MutationObserver(themeChanged).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

readTheme();
const saved = parseState(vscode.getState());
if (saved) {
  ui = saved.ui ?? { ...DEFAULT_UI };
  reset(saved.train, saved.runDir, saved.events ?? []);
}
renderOverlayControls();
draw();
vscode.postMessage({ type: 'ready' });
