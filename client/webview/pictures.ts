// The training chart's pictures as SVG text, from runs' events (RunModel): the curves (several runs
// overlaid), the learning rate, the decision boundary, the regression fit, the confusion matrix,
// the test predictions and the first layer's weights. `nn plot` writes them to files (light
// palette, FILE_PALETTE); the chart webview shows the regression fit from here and draws its other
// pictures from the same computations (images.ts: colours, pixels, cells). Pure: no DOM, no Node.
//
// CHARTS is the one table of chart names: `nn plot --chart NAME` reads it; a new picture is one entry.

import { toSvg, niceTicks, escapeXml, legendLayout } from './export';
import { charts, fmt, runLabel, type Palette, type Chart, type Line, type RunModel } from './series';
import { say } from './chart-words';
import { layersSvg, lastFoldLayers } from './layers';
import { boundaryPicture, predictionPictures, weightPictures, confusionCells, diverging, parseColor, luminance, pngDataUrl, toPixel, type Rgb, type Picture } from './images';

/** The colours of pictures written to files: a light background, VS Code's light chart colours. */
export const FILE_PALETTE: Palette = {
  train: '#1a85ff',
  val: '#d18616',
  lr: '#652d90',
  series: ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803', '#2aa198', '#d16d9e', '#7f8c8d', '#8c564b'],
  foreground: '#3b3b3b',
  muted: '#717171',
  grid: '#e5e5e5',
  background: '#ffffff',
};

/** How strongly the decision boundary's class colours show over the background. */
export const BOUNDARY_ALPHA = 0.38;

/** The weights' colour map (and the regression heat map's): negative, zero, positive. */
export function weightColors(p: Palette): { negative: Rgb; zero: Rgb; positive: Rgb } {
  return { negative: rgb(p.series[0]), zero: rgb(p.background), positive: rgb(p.series[1]) };
}

/** Fonts for files: the usual UI fonts, then CJK ones for Chinese (a PNG needs one installed: resvg uses the system's fonts). */
const FONT = 'system-ui, -apple-system, Segoe UI, DejaVu Sans, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif';

const rgb = (css: string): Rgb => parseColor(css) ?? [128, 128, 128];
const hex = (c: Rgb) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const r2 = (v: number) => Math.round(v * 100) / 100;

// ---------------------------------------------------------------- strings

/** Every word the pictures write, in each language of the editor (one table: the webview has no other Chinese yet). */
export const PLOT_STRINGS = {
  en: {
    epoch: 'epoch',
    learningRate: 'learning rate',
    boundary: 'Decision boundary',
    fit: 'Regression fit',
    confusion: 'Confusion matrix (test)',
    predictions: 'Test predictions: {0} of {1} right',
    weights: 'First layer: {0}',
    training: 'training',
    validation: 'validation',
    test: 'test',
    fitted: 'prediction',
    target: 'target',
    cls: 'class {0}',
    trueAxis: 'true',
    predictedAxis: 'predicted',
    trueClass: 'true: {0}',
    negative: 'negative',
    positive: 'positive',
    unit: 'unit {0}',
    filter: 'filter {0}',
    noCurves: 'the run has no finished epochs yet',
    noBoundary: 'a decision boundary needs classification with 2-D inputs (input [2]); this run has none',
    noFit: 'a regression fit needs regression with 1 or 2 inputs and one target; this run has none',
    noConfusion: 'a confusion matrix needs a classification run that finished with a test split',
    noPredictions: 'test predictions need image classification with a test split, at the end of the run',
    noWeights: "first-layer weights are drawn for image models (a dense layer on the pixels, or a conv2d); this run's model is not one",
    noLayers: 'the Layers view needs a run trained with layer_stats (the setting, or nn train --layer-stats epoch); this run has no statistics',
  },
  zh: {
    epoch: '轮次',
    learningRate: '学习率',
    boundary: '决策边界',
    fit: '回归拟合',
    confusion: '混淆矩阵（测试集）',
    predictions: '测试预测：{1} 个中对 {0} 个',
    weights: '第一层：{0}',
    training: '训练',
    validation: '验证',
    test: '测试',
    fitted: '预测',
    target: '目标',
    cls: '类别 {0}',
    trueAxis: '真实',
    predictedAxis: '预测',
    trueClass: '真实：{0}',
    negative: '负',
    positive: '正',
    unit: '单元 {0}',
    filter: '卷积核 {0}',
    noCurves: '该运行还没有完成的轮次',
    noBoundary: '决策边界需要二维输入（input [2]）的分类；该运行没有',
    noFit: '回归拟合需要一个或两个输入、一个目标的回归；该运行没有',
    noConfusion: '混淆矩阵需要一个带测试集并已完成的分类运行',
    noPredictions: '测试预测需要带测试集的图像分类，在运行结束时生成',
    noWeights: '第一层权重只为图像模型绘制（像素上的 dense 层或 conv2d）；该运行的模型不是',
    noLayers: '“网络各层”视图需要用 layer_stats 训练的运行（设置项，或 nn train --layer-stats epoch）；该运行没有统计',
  },
} as const satisfies Record<string, Record<string, string>>;

export type PlotLanguage = keyof typeof PLOT_STRINGS;
export type PlotStrings = { [K in keyof (typeof PLOT_STRINGS)['en']]: string };


// ---------------------------------------------------------------- runs and their labels

/** One run to draw: its events folded (RunModel) and the name the legend gives it. */
export interface PlotRun {
  label: string;
  run: RunModel;
}

/** A run's config.json flattened: `optimizer` its name, `optimizer.lr` an argument (`args` left out of the key). */
export function flattenConfig(v: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const fn = typeof o.name === 'string' && o.args && typeof o.args === 'object' && !Array.isArray(o.args);
    if (fn) {
      out.set(prefix, String(o.name));
      flattenConfig(o.args, prefix, out);
    } else for (const [k, x] of Object.entries(o)) flattenConfig(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, typeof v === 'string' ? v : JSON.stringify(v));
  return out;
}

/** Settings that say nothing about what was tried: where the run came from, its bookkeeping (a sweep's trial number). */
const NOT_SETTINGS = /^(version|file|command|backendNote|data\.source|data\.samples|standardize|pixelNormalize|imageBackground|trial)(\.|$)/;
/** config.json's record of --set and a sweep's values: the settings they changed show them already. */
const OVERRIDES = 'overrides.';

/**
 * A label for each run by what differs between the runs' configurations ("lr 0.01", "lr 0.1"):
 * each differing setting as its last name and value, the full key where another setting has the same last name.
 * Runs whose configurations are the same (or unknown) are named by their folder (`ids`).
 */
export function runLabels(configs: readonly (unknown | undefined)[], ids: readonly string[]): string[] {
  const flat = configs.map((c) => (c === undefined ? undefined : flattenConfig(c)));
  const all = [...new Set(flat.flatMap((f) => (f ? [...f.keys()] : [])))].filter((k) => !NOT_SETTINGS.test(k));
  const keys = all.filter((k) => !k.startsWith(OVERRIDES));
  const differing = (ks: string[]) => (configs.length > 1 ? ks.filter((k) => new Set(flat.map((f) => f?.get(k) ?? '–')).size > 1) : []);
  const signature = (f: Map<string, string> | undefined, ks: string[]) => ks.map((k) => f?.get(k) ?? '–').join('\u0000');
  let differ = differing(keys);
  // a sweep's trials differ in their settings (optimizer.lr) and again in their overrides: named once, by
  // the setting; an override is named only where no setting tells two runs apart (a dataset's argument
  // that config.json does not record)
  const overrides = differing(all.filter((k) => k.startsWith(OVERRIDES)));
  const apart = (i: number, j: number, ks: string[]) => signature(flat[i], ks) !== signature(flat[j], ks);
  if (overrides.length && flat.some((_, i) => flat.some((__, j) => j > i && !apart(i, j, differ) && apart(i, j, overrides)))) differ = [...differ, ...overrides];
  const short = (k: string) => k.split('.').pop()!;
  const names = differ.map((k) => (k.startsWith(OVERRIDES) ? k.slice(OVERRIDES.length) : keys.filter((o) => short(o) === short(k)).length > 1 ? k : short(k)));
  const labels = flat.map((f, i) => (f && differ.length ? differ.map((k, j) => `${names[j]} ${f.get(k) ?? '–'}`).join(', ') : runLabel(ids[i])));
  // the same label twice (runs alike in everything shown): add the folder
  return labels.map((l, i) => (labels.indexOf(l) !== labels.lastIndexOf(l) && !l.includes(runLabel(ids[i])) ? `${l} (${runLabel(ids[i])})` : l));
}

// ---------------------------------------------------------------- the table of charts

export interface PlotContext {
  runs: readonly PlotRun[];
  palette: Palette;
  strings: PlotStrings;
  /** the picture's heading */
  title: string;
}

/** An SVG document, or why the runs have nothing to draw for this chart. */
export type Drawn = { svg: string } | { missing: string };

interface ChartSpec {
  /** what the chart shows, for --help and the docs */
  doc: string;
  draw: (c: PlotContext) => Drawn;
}

export const CHARTS = {
  curves: { doc: 'loss and each metric, training and validation, per epoch (several runs overlaid)', draw: (c) => curves(c, false) },
  lr: { doc: 'the learning rate per epoch', draw: (c) => curves(c, true) },
  boundary: { doc: 'the decision boundary of 2-D classification, with the training points', draw: (c) => perRun(c, boundaryPanel) },
  fit: { doc: 'regression on 1 or 2 inputs: the data points with the fitted curve, or a heat map of the prediction', draw: (c) => perRun(c, fitPanel) },
  confusion: { doc: 'the confusion matrix on the test split', draw: (c) => perRun(c, confusionPanel) },
  predictions: { doc: 'the first test images with their predicted and true classes', draw: (c) => perRun(c, predictionsPanel) },
  weights: { doc: "the first layer's weights as images (image models)", draw: (c) => perRun(c, weightsPanel) },
  layers: { doc: 'inside the network (layer_stats): gradient norm per layer, activation histograms, dead and saturated units', draw: (c) => perRun(c, layersPanel) },
} satisfies Record<string, ChartSpec>;

export type ChartName = keyof typeof CHARTS;

export const CHART_NAMES = Object.keys(CHARTS) as ChartName[];

export function isChartName(s: string): s is ChartName {
  return Object.hasOwn(CHARTS, s);
}

// ---------------------------------------------------------------- curves

const NO_UI = { smoothing: 0, log: false, batches: false, overlay: [] };

/** The curves: one run as the chart draws it; several with a colour per run, validation dashed. */
function curves(c: PlotContext, lr: boolean): Drawn {
  let list: Chart[];
  if (c.runs.length === 1) list = charts(c.runs[0].run, NO_UI, c.palette);
  else {
    list = [];
    const groups = [...new Set(c.runs.flatMap((r) => r.run.groups)), 'lr'];
    for (const g of groups) {
      const names = g === 'lr' ? ['lr'] : [g, `val_${g}`];
      const lines: Line[] = [];
      c.runs.forEach((r, k) => {
        const fold = r.run.folds[r.run.folds.length - 1] ?? 0;
        for (const name of names) {
          const p = r.run.series(fold, name);
          if (!p) continue;
          const val = name.startsWith('val_');
          lines.push({ label: `${name} · ${r.label}`, x: p.x, y: p.y.map((v) => (Number.isFinite(v) ? v : null)), color: c.palette.series[k % c.palette.series.length], width: 2, alpha: 1, ...(val ? { dash: [6, 4] } : {}), kind: 'epoch' });
        }
      });
      if (lines.length) list.push({ id: g, title: g === 'lr' ? 'learning rate' : g, log: false, lines });
    }
  }
  list = list.filter((ch) => (ch.id === 'lr') === lr).map((ch) => (ch.id === 'lr' ? { ...ch, title: c.strings.learningRate } : ch));
  if (!list.length) return { missing: c.strings.noCurves };
  return { svg: toSvg(list, { title: c.title, palette: c.palette, xLabel: c.strings.epoch, font: FONT }) };
}

// ---------------------------------------------------------------- pictures of one run

/** A drawn panel: its size and its SVG elements (drawn from 0, 0). */
interface Panel {
  width: number;
  height: number;
  body: string;
}

type PanelDrawer = (r: PlotRun, p: Palette, s: PlotStrings) => Panel | string;

/** One panel per run side by side, under the title; the first run that lacks the picture says why. */
function perRun(c: PlotContext, draw: PanelDrawer): Drawn {
  const panels: Panel[] = [];
  for (const r of c.runs) {
    const p = draw(r, c.palette, c.strings);
    if (typeof p === 'string') return { missing: c.runs.length > 1 ? `${r.label}: ${p}` : p };
    panels.push(c.runs.length > 1 ? withHeading(p, r.label, c.palette) : p);
  }
  const top = 36;
  // wide enough for the title (about 8.5 px a character at 15 px)
  const W = Math.max(
    panels.reduce((w, p) => w + p.width, 0),
    Math.ceil(24 + c.title.length * 8.5),
  );
  const H = top + Math.max(...panels.map((p) => p.height));
  const out = [svgOpen(W, H, c.palette), `<text x="12" y="23" font-size="15" font-weight="600" fill="${escapeXml(c.palette.foreground)}">${escapeXml(c.title)}</text>`];
  let x = 0;
  for (const p of panels) {
    out.push(`<g transform="translate(${x},${top})">`, p.body, '</g>');
    x += p.width;
  }
  out.push('</svg>');
  return { svg: out.join('\n') + '\n' };
}

function svgOpen(W: number, H: number, p: Palette): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="${escapeXml(p.background)}"/>`,
  ].join('\n');
}

function withHeading(p: Panel, label: string, pal: Palette): Panel {
  return { width: p.width, height: p.height + 18, body: `<text x="12" y="12" font-weight="600" fill="${escapeXml(pal.foreground)}">${escapeXml(label)}</text>\n<g transform="translate(0,18)">${p.body}</g>` };
}

const text = (x: number, y: number, s: string, fill: string, extra = '') => `<text x="${r2(x)}" y="${r2(y)}" fill="${escapeXml(fill)}"${extra}>${escapeXml(s)}</text>`;

/** A plot box with ticks and labels on both axes; X and Y map data to the box. */
function axes(box: { x: number; y: number; w: number; h: number }, ext: [number, number, number, number], p: Palette, xLabel: string, yLabel: string): { svg: string[]; X: (v: number) => number; Y: (v: number) => number } {
  const [x0, x1, y0, y1] = ext;
  const X = (v: number) => r2(box.x + ((v - x0) / (x1 - x0 || 1)) * box.w);
  const Y = (v: number) => r2(box.y + box.h - ((v - y0) / (y1 - y0 || 1)) * box.h);
  const svg: string[] = [];
  const grid = escapeXml(p.grid);
  for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(box.w / 70)))) {
    svg.push(`<line x1="${X(t)}" y1="${box.y + box.h}" x2="${X(t)}" y2="${box.y + box.h + 4}" stroke="${escapeXml(p.muted)}"/>`, text(X(t), box.y + box.h + 16, fmt(t), p.muted, ' text-anchor="middle"'));
  }
  for (const t of niceTicks(y0, y1, Math.max(2, Math.floor(box.h / 45)))) {
    svg.push(`<line x1="${box.x - 4}" y1="${Y(t)}" x2="${box.x}" y2="${Y(t)}" stroke="${escapeXml(p.muted)}"/>`, text(box.x - 6, Y(t) + 4, fmt(t), p.muted, ' text-anchor="end"'));
  }
  svg.push(`<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="none" stroke="${grid}"/>`);
  svg.push(text(box.x + box.w / 2, box.y + box.h + 32, xLabel, p.muted, ' text-anchor="middle"'));
  svg.push(text(14, box.y + box.h / 2, yLabel, p.muted, ` text-anchor="middle" transform="rotate(-90 14 ${r2(box.y + box.h / 2)})"`));
  return { svg, X, Y };
}

/** Swatches with labels in a row (wrapping), from `y`; returns the elements and the height used. */
function legend(items: { label: string; mark: (x: number, y: number) => string }[], x: number, y: number, width: number, p: Palette): { svg: string; height: number } {
  const lay = legendLayout(
    items.map((i) => i.label),
    width,
  );
  const svg = items.map((it, i) => {
    const lx = x + lay.at[i][0];
    const ly = y + lay.at[i][1] * 15;
    return `${it.mark(lx + 9, ly - 4)}\n${text(lx + 22, ly, it.label, p.foreground)}`;
  });
  return { svg: svg.join('\n'), height: lay.rows * 15 };
}

/** The image as an SVG <image> of its PNG, scaled without smoothing. */
function image(pic: Picture, x: number, y: number, w: number, h: number): string {
  return `<image x="${r2(x)}" y="${r2(y)}" width="${r2(w)}" height="${r2(h)}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${pngDataUrl(pic)}"/>`;
}

/** Marks that tell the splits apart in black and white too: a circle, a square, a diamond. */
const MARKS = {
  train: (x: number, y: number, fill: string, edge: string) => `<circle cx="${r2(x)}" cy="${r2(y)}" r="2.8" fill="${fill}" stroke="${edge}" stroke-width="0.7"/>`,
  validation: (x: number, y: number, fill: string, edge: string) => `<rect x="${r2(x - 2.6)}" y="${r2(y - 2.6)}" width="5.2" height="5.2" fill="${fill}" stroke="${edge}" stroke-width="0.7"/>`,
  test: (x: number, y: number, fill: string, edge: string) => `<path d="M${r2(x)} ${r2(y - 3.6)}L${r2(x + 3.6)} ${r2(y)}L${r2(x)} ${r2(y + 3.6)}L${r2(x - 3.6)} ${r2(y)}Z" fill="${fill}" stroke="${edge}" stroke-width="0.7"/>`,
};

const edgeOf = (p: Palette) => (luminance(rgb(p.background)) > 0.5 ? '#000000' : '#ffffff');

function classKey(classes: number, names: readonly string[] | undefined, p: Palette, s: PlotStrings, x: number, y: number, width: number): { svg: string; height: number } {
  return legend(
    Array.from({ length: classes }, (_, k) => ({ label: names?.[k] ?? say(s.cls, k), mark: (mx: number, my: number) => `<circle cx="${r2(mx)}" cy="${r2(my)}" r="4" fill="${escapeXml(p.series[k % p.series.length])}"/>` })),
    x,
    y,
    width,
    p,
  );
}

const M = { l: 56, t: 26, r: 16 };

function boundaryPanel(r: PlotRun, p: Palette, s: PlotStrings): Panel | string {
  const b = r.run.boundary;
  if (!b) return s.noBoundary;
  const pts = r.run.points;
  const size = 320;
  const box = { x: M.l, y: M.t, w: size, h: size };
  const out: string[] = [text(M.l, 16, `${s.boundary} · ${s.epoch} ${b.epoch}${b.fold ? ` · fold ${b.fold}` : ''}`, p.foreground, ' font-weight="600"')];
  // the same picture the chart puts on its canvas, as runs of equal cells per row
  const pic = boundaryPicture(b, p.series.map(rgb), rgb(p.background), BOUNDARY_ALPHA);
  const cell = size / pic.width;
  for (let y = 0; y < pic.height; y++) {
    let x = 0;
    while (x < pic.width) {
      const o = (y * pic.width + x) * 4;
      let e = x + 1;
      while (e < pic.width && [0, 1, 2].every((k) => pic.data[(y * pic.width + e) * 4 + k] === pic.data[o + k])) e++;
      out.push(`<rect x="${r2(box.x + x * cell)}" y="${r2(box.y + y * cell)}" width="${r2((e - x) * cell + 0.3)}" height="${r2(cell + 0.3)}" fill="${hex([pic.data[o], pic.data[o + 1], pic.data[o + 2]])}"/>`);
      x = e;
    }
  }
  const ax = axes(box, b.extent, p, 'x₁', 'x₂');
  out.push(...ax.svg);
  if (pts) {
    const edge = edgeOf(p);
    pts.x.forEach((x, i) => {
      const [px, py] = toPixel(b.extent, size, size, x, pts.y[i]);
      if (px < 0 || py < 0 || px > size || py > size) return;
      out.push(`<circle cx="${r2(box.x + px)}" cy="${r2(box.y + py)}" r="2.6" fill="${escapeXml(p.series[pts.labels[i] % p.series.length])}" stroke="${edge}" stroke-opacity="0.55" stroke-width="0.8"/>`);
    });
  }
  const classes = r.run.start?.classes ?? b.values.reduce((m, v) => Math.max(m, v), 0) + 1;
  const key = classKey(classes, r.run.end?.test?.classNames, p, s, M.l, M.t + size + 52, size);
  out.push(key.svg);
  return { width: M.l + size + M.r, height: M.t + size + 52 + key.height, body: out.join('\n') };
}

/** The Layers view of a run trained with layer_stats (the chart's own drawing, webview/layers.ts), nested as a panel. */
function layersPanel(r: PlotRun, p: Palette, s: PlotStrings): Panel | string {
  const events = lastFoldLayers(r.run.layers);
  if (!events.length) return s.noLayers;
  const svg = layersSvg(events, { palette: p, width: 760, locale: s === PLOT_STRINGS.zh ? 'zh-cn' : 'en' });
  const size = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  if (!size) return s.noLayers;
  return { width: Number(size[1]), height: Number(size[2]), body: svg.replace(/^<\?xml[^>]*>\s*/, '') };
}

function fitPanel(r: PlotRun, p: Palette, s: PlotStrings): Panel | string {
  const f = r.run.fit;
  if (!f) return s.noFit;
  const data = r.run.fitPoints;
  const splits = (['train', 'validation', 'test'] as const).filter((k) => data?.[k]);
  const name = { train: s.training, validation: s.validation, test: s.test };
  const size = 320;
  const box = { x: M.l, y: M.t, w: size, h: size };
  const edge = edgeOf(p);
  const out: string[] = [text(M.l, 16, `${s.fit} · ${s.epoch} ${f.epoch}${f.fold ? ` · fold ${f.fold}` : ''}`, p.foreground, ' font-weight="600"')];
  let legendItems: { label: string; mark: (x: number, y: number) => string }[];
  if (f.inputs === 1) {
    const xs = [...f.x, ...splits.flatMap((k) => data![k]!.x)];
    const ys = [...f.values, ...splits.flatMap((k) => data![k]!.t)];
    const ext = padded(range(xs), range(ys));
    const ax = axes(box, ext, p, 'x', 'y');
    out.push(...ax.svg);
    const color = { train: p.series[0], validation: p.series[1], test: p.series[2] };
    for (const k of splits) {
      const d = data![k]!;
      d.x.forEach((x, i) => out.push(MARKS[k](ax.X(x), ax.Y(d.t[i]), escapeXml(color[k]), edge).replace('/>', ' fill-opacity="0.75" stroke-opacity="0.5"/>')));
    }
    const fitted = p.series[4];
    out.push(`<polyline points="${f.x.map((x, i) => `${ax.X(x)},${ax.Y(f.values[i])}`).join(' ')}" fill="none" stroke="${escapeXml(fitted)}" stroke-width="2.5" stroke-linejoin="round"/>`);
    legendItems = [
      ...splits.map((k) => ({ label: name[k], mark: (x: number, y: number) => MARKS[k](x, y, escapeXml(color[k]), edge) })),
      { label: s.fitted, mark: (x: number, y: number) => `<line x1="${r2(x - 9)}" y1="${r2(y)}" x2="${r2(x + 9)}" y2="${r2(y)}" stroke="${escapeXml(fitted)}" stroke-width="2.5"/>` },
    ];
  } else {
    // a heat map of the prediction over the plane, the points coloured by their targets on the same scale
    const [lo, hi] = range([...f.values, ...splits.flatMap((k) => data![k]!.t)]);
    const { negative, zero, positive } = weightColors(p);
    const colour = (v: number) => hex(diverging(hi > lo ? ((v - lo) / (hi - lo)) * 2 - 1 : 0, negative, zero, positive));
    const n = f.size;
    const cell = size / n;
    for (let row = 0; row < n; row++) {
      for (let c = 0; c < n; c++) out.push(`<rect x="${r2(box.x + c * cell)}" y="${r2(box.y + (n - 1 - row) * cell)}" width="${r2(cell + 0.3)}" height="${r2(cell + 0.3)}" fill="${colour(f.values[row * n + c])}"/>`);
    }
    const ax = axes(box, f.extent, p, 'x₁', 'x₂');
    out.push(...ax.svg);
    for (const k of splits) {
      const d = data![k]!;
      d.x.forEach((x, i) => {
        const [px, py] = toPixel(f.extent, size, size, x, d.y![i]);
        if (px >= 0 && py >= 0 && px <= size && py <= size) out.push(MARKS[k](box.x + px, box.y + py, colour(d.t[i]), edge));
      });
    }
    // the colour bar
    const bx = box.x + size + 12;
    for (let i = 0; i < 32; i++) out.push(`<rect x="${bx}" y="${r2(box.y + (size * i) / 32)}" width="10" height="${r2(size / 32 + 0.3)}" fill="${colour(hi - ((hi - lo) * (i + 0.5)) / 32)}"/>`);
    out.push(text(bx + 14, box.y + 8, fmt(hi), p.muted), text(bx + 14, box.y + size, fmt(lo), p.muted));
    legendItems = splits.map((k) => ({ label: name[k], mark: (x: number, y: number) => MARKS[k](x, y, escapeXml(p.background), edge) }));
  }
  const key = legend(legendItems, M.l, M.t + size + 52, size, p);
  out.push(key.svg);
  return { width: M.l + size + M.r + (f.inputs === 2 ? 56 : 0), height: M.t + size + 52 + key.height, body: out.join('\n') };
}

function range(v: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

function padded(x: [number, number], y: [number, number]): [number, number, number, number] {
  const px = (x[1] - x[0]) * 0.04 || 1;
  const py = (y[1] - y[0]) * 0.06 || 1;
  return [x[0] - px, x[1] + px, y[0] - py, y[1] + py];
}

function confusionPanel(r: PlotRun, p: Palette, s: PlotStrings): Panel | string {
  const t = r.run.end?.test;
  if (!t?.confusion) return s.noConfusion;
  const m = t.confusion;
  const k = m.length;
  const names = Array.from({ length: k }, (_, i) => t.classNames?.[i] ?? String(i));
  const cell = Math.max(22, Math.min(48, Math.floor(420 / k)));
  const left = 24 + Math.min(110, 8 + Math.max(...names.map((n) => n.length)) * 6.4);
  const top = 44 + Math.min(90, 8 + Math.max(...names.map((n) => n.length)) * 6.4);
  const cells = confusionCells(m, rgb(p.background), rgb(p.train));
  const out: string[] = [text(12, 16, s.confusion, p.foreground, ' font-weight="600"')];
  cells.forEach((row, i) =>
    row.forEach((c, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${hex(c.fill)}" stroke="${escapeXml(p.grid)}"/>`);
      out.push(text(x + cell / 2, y + cell / 2 + 4, String(c.count), c.text, ` text-anchor="middle"${i === j ? ' font-weight="600"' : ''}${cell < 30 ? ' font-size="9"' : ''}`));
    }),
  );
  names.forEach((n, i) => {
    out.push(text(left - 6, top + i * cell + cell / 2 + 4, n, p.foreground, ' text-anchor="end"'));
    const x = left + i * cell + cell / 2 + 4;
    out.push(text(x, top - 6, n, p.foreground, ` transform="rotate(-60 ${r2(x)} ${top - 6})"`));
  });
  out.push(text(left + (k * cell) / 2, 34, `${s.predictedAxis} →`, p.muted, ' text-anchor="middle"'));
  out.push(text(12, top + (k * cell) / 2, `${s.trueAxis} →`, p.muted, ` text-anchor="middle" transform="rotate(90 12 ${r2(top + (k * cell) / 2)})"`));
  return { width: Math.max(12 + s.confusion.length * 7, left + k * cell + 24), height: top + k * cell + 16, body: out.join('\n') };
}

function predictionsPanel(r: PlotRun, p: Palette, s: PlotStrings): Panel | string {
  const e = r.run.predictions;
  if (!e) return s.noPredictions;
  const pics = predictionPictures(e);
  const px = 64;
  const cols = Math.min(8, pics.length);
  const cw = px + 24;
  const ch = px + 34;
  const wrong = p.series[4];
  const right = e.predicted.filter((c, i) => c === e.labels[i]).length;
  const name = (k: number) => e.classNames?.[k] ?? say(s.cls, k);
  const out: string[] = [text(12, 16, say(s.predictions, right, e.labels.length), p.foreground, ' font-weight="600"')];
  pics.forEach((pic, i) => {
    const x = 12 + (i % cols) * cw;
    const y = 28 + Math.floor(i / cols) * ch;
    const ok = e.predicted[i] === e.labels[i];
    out.push(image(pic, x, y, px, (px * pic.height) / pic.width));
    if (!ok) out.push(`<rect x="${x - 1}" y="${y - 1}" width="${px + 2}" height="${px + 2}" fill="none" stroke="${escapeXml(wrong)}" stroke-width="2"/>`);
    out.push(text(x, y + px + 13, `${ok ? '' : '✗ '}${name(e.predicted[i])}`, ok ? p.foreground : wrong, ' font-size="10"'));
    out.push(text(x, y + px + 25, ok ? `${Math.round(e.confidence[i] * 100)}%` : say(s.trueClass, name(e.labels[i])), p.muted, ' font-size="10"'));
  });
  return { width: 24 + cols * cw, height: 36 + Math.ceil(pics.length / cols) * ch, body: out.join('\n') };
}

function weightsPanel(r: PlotRun, p: Palette, s: PlotStrings): Panel | string {
  const w = r.run.weights;
  if (!w) return s.noWeights;
  const { negative, zero, positive } = weightColors(p);
  const pics = weightPictures(w, negative, zero, positive);
  const px = w.kind === 'dense' ? 56 : Math.max(40, w.shape[1] * 8);
  const cols = Math.min(8, pics.length);
  const gap = 6;
  const out: string[] = [text(12, 16, `${say(s.weights, w.layer)} · ${s.epoch} ${w.epoch}`, p.foreground, ' font-weight="600"')];
  pics.forEach((pic, i) => {
    const x = 12 + (i % cols) * (px + gap);
    const y = 28 + Math.floor(i / cols) * (px + gap);
    out.push(`<g><title>${escapeXml(`${say(w.kind === 'dense' ? s.unit : s.filter, i + 1)}: ±${fmt(w.scale[i])}`)}</title>${image(pic, x, y, px, (px * pic.height) / pic.width)}</g>`);
  });
  const y = 28 + Math.ceil(pics.length / cols) * (px + gap) + 8;
  const bar = Array.from({ length: 64 }, (_, i) => `<rect x="${r2(80 + i * 2)}" y="${y}" width="2.3" height="10" fill="${hex(diverging((i / 63) * 2 - 1, negative, zero, positive))}"/>`);
  out.push(text(74, y + 9, s.negative, p.muted, ' text-anchor="end"'), ...bar, text(80 + 128 + 6, y + 9, s.positive, p.muted));
  return { width: Math.max(300, 24 + cols * (px + gap)), height: y + 20, body: out.join('\n') };
}

/** The fit picture alone (the chart webview shows it in its palette). */
export function fitSvg(run: RunModel, palette: Palette, strings: PlotStrings = PLOT_STRINGS.en): string | undefined {
  const p = fitPanel({ label: '', run }, palette, strings);
  if (typeof p === 'string') return undefined;
  return [svgOpen(p.width, p.height, palette), p.body, '</svg>'].join('\n') + '\n';
}
