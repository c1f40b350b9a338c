// Parallel coordinates of runs: one vertical axis per setting that some run changed (a sweep's
// values, --set), then the chosen metric; each run a line through its values. Numbers on a scale
// (logarithmic when they are positive and span a factor of 20 or more, as learning rates do),
// words and booleans as categories; a run that left a setting as written sits at the axis's
// "as written" mark. Lines are stronger the better the run's metric; the best is drawn in the
// text colour, runs picked for the curves in their curve's colour. Pure: tested in Node.

import { escapeXml, niceTicks, logTicks } from './export';
import { fmt, type Palette } from './series';

export type Setting = string | number | boolean;

export interface ParallelRun {
  /** the run's label (its tooltip) */
  label: string;
  settings: Record<string, Setting>;
  /** the metric; undefined when the run has none */
  value?: number;
  /** drawn in this colour (a run whose curve is shown) */
  color?: string;
}

export interface Axis {
  key: string;
  kind: 'number' | 'log' | 'category';
  min: number;
  max: number;
  /** a category axis: its values, bottom to top */
  categories: string[];
  /** some run left it as written: the axis has that mark at its foot */
  asWritten: boolean;
}

/** Where the "as written" mark sits and where an axis's own values begin (fractions of its height from the foot). */
const WRITTEN_AT = 0;
const VALUES_FROM = 0.14;

const isNum = (v: Setting | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The axes of the settings (keys in alphabetical order), then the metric's (key `metric`) when a run has it. */
export function parallelAxes(runs: readonly ParallelRun[], metric: string): Axis[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.settings)))].sort();
  const axes: Axis[] = keys.map((key) => {
    const values = runs.map((r) => r.settings[key]).filter((v): v is Setting => v !== undefined);
    const asWritten = values.length < runs.length;
    if (values.length && values.every(isNum)) {
      const min = Math.min(...values);
      const max = Math.max(...values);
      const log = min > 0 && max / min >= 20;
      return { key, kind: log ? 'log' : 'number', min, max, categories: [], asWritten };
    }
    const categories = [...new Set(values.map(String))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return { key, kind: 'category', min: 0, max: Math.max(0, categories.length - 1), categories, asWritten };
  });
  const scores = runs.map((r) => r.value).filter(isNum);
  if (scores.length) axes.push({ key: metric, kind: 'number', min: Math.min(...scores), max: Math.max(...scores), categories: [], asWritten: false });
  return axes;
}

/** Where a value sits on an axis: 0 at its foot, 1 at its top; undefined when it cannot be placed. */
export function axisPosition(a: Axis, v: Setting | undefined): number | undefined {
  const from = a.asWritten ? VALUES_FROM : 0;
  const span = (t: number) => from + (1 - from) * t;
  if (v === undefined) return a.asWritten ? WRITTEN_AT : undefined;
  if (a.kind === 'category') {
    const i = a.categories.indexOf(String(v));
    if (i < 0) return undefined;
    return span(a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1));
  }
  if (!isNum(v)) return undefined;
  if (a.max === a.min) return span(0.5);
  const t = a.kind === 'log' ? (Math.log10(v) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min);
  return span(t);
}

/** A setting's number as a file writes it (0.0005, not 5.00e-4); the metric's as the chart writes numbers. */
const settingText = (v: number) => String(Number(v.toPrecision(4)));

/** The labelled marks of an axis: [position, text]. */
function axisTicks(a: Axis, asWritten: string, metric: boolean): [number, string][] {
  const label = metric ? fmt : settingText;
  const out: [number, string][] = [];
  if (a.asWritten) out.push([WRITTEN_AT, asWritten]);
  if (a.kind === 'category') for (const c of a.categories) out.push([axisPosition(a, c)!, c]);
  else if (a.min === a.max) out.push([axisPosition(a, a.min)!, label(a.min)]);
  else {
    const ticks = a.kind === 'log' ? logTicks(a.min, a.max) : niceTicks(a.min, a.max, 4);
    for (const t of ticks) if (t >= a.min - 1e-12 && t <= a.max + 1e-12) out.push([axisPosition(a, t)!, label(t)]);
    // the ends are values runs have: labelled too when no tick lands there
    for (const v of [a.min, a.max]) if (!out.some(([p]) => Math.abs(p - axisPosition(a, v)!) < 0.06)) out.push([axisPosition(a, v)!, label(v)]);
  }
  return out;
}

export interface ParallelOptions {
  metric: string;
  /** larger values of the metric are better */
  higherIsBetter: boolean;
  palette: Palette;
  width: number;
  height: number;
  /** the label of the "as written" mark */
  asWritten: string;
  /** after the name of an axis on a log scale (default " (log)") */
  logScale?: string;
  font?: string;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/**
 * The plot as an SVG document. Each run's line is a `<path class="run" data-run="i">` (i its
 * index in `runs`) with a `<title>`; a run lacking a value on an axis breaks its line there.
 */
export function parallelSvg(runs: readonly ParallelRun[], o: ParallelOptions): string {
  const axes = parallelAxes(runs, o.metric);
  const p = o.palette;
  const W = Math.max(200, o.width);
  const H = Math.max(140, o.height);
  const m = { l: 70, r: 70, t: 34, b: 22 };
  const ih = H - m.t - m.b;
  const X = (i: number) => r2(axes.length <= 1 ? W / 2 : m.l + (i * (W - m.l - m.r)) / (axes.length - 1));
  const Y = (t: number) => r2(m.t + ih * (1 - t));
  const font = escapeXml(o.font ?? 'system-ui, -apple-system, Segoe UI, sans-serif');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${font}" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="${escapeXml(p.background)}"/>`,
  ];
  // the metric's spread: how strong each line is
  const metricAxis = runs.some((r) => isNum(r.value)) ? axes[axes.length - 1] : undefined;
  const scores = runs.map((r) => r.value).filter(isNum);
  const best = scores.length ? (o.higherIsBetter ? Math.max(...scores) : Math.min(...scores)) : undefined;
  const goodness = (v: number | undefined): number => {
    if (!isNum(v)) return -1; // no metric: under every run that has one
    if (!metricAxis || metricAxis.max === metricAxis.min) return 1;
    const t = (v - metricAxis.min) / (metricAxis.max - metricAxis.min);
    return o.higherIsBetter ? t : 1 - t;
  };
  // lines under the axes; the weakest first, so the best lie on top, the picked ones over all
  const order = runs.map((_, i) => i).sort((a, b) => Number(!!runs[a].color) - Number(!!runs[b].color) || goodness(runs[a].value) - goodness(runs[b].value));
  out.push('<g class="runs" fill="none" stroke-linejoin="round" stroke-linecap="round">');
  for (const i of order) {
    const r = runs[i];
    const pieces: string[][] = [[]];
    axes.forEach((a, k) => {
      const pos = k === axes.length - 1 && a === metricAxis ? (isNum(r.value) ? axisPosition(a, r.value) : undefined) : axisPosition(a, r.settings[a.key]);
      if (pos === undefined) {
        if (pieces[pieces.length - 1].length) pieces.push([]);
      } else pieces[pieces.length - 1].push(`${X(k)},${Y(pos)}`);
    });
    const d = pieces
      .filter((q) => q.length)
      .map((q) => (q.length === 1 ? `M${q[0]}h0.01` : `M${q.join('L')}`))
      .join('');
    if (!d) continue;
    const g = goodness(r.value);
    const isBest = best !== undefined && r.value === best;
    const color = r.color ?? (isBest ? p.foreground : p.train);
    const opacity = r.color || isBest ? 1 : r2(0.25 + 0.6 * Math.max(0, g));
    const width = r.color ? 2.5 : isBest ? 2.25 : 1.5;
    const title = `${r.label}${isNum(r.value) ? ` · ${o.metric} ${fmt(r.value)}` : ''}`;
    out.push(`<path class="run${isBest ? ' best' : ''}" data-run="${i}" d="${d}" stroke="${escapeXml(color)}" stroke-opacity="${opacity}" stroke-width="${width}"><title>${escapeXml(title)}</title></path>`);
  }
  out.push('</g>');
  const fg = escapeXml(p.foreground);
  const muted = escapeXml(p.muted);
  const bg = escapeXml(p.background);
  axes.forEach((a, k) => {
    const x = X(k);
    const anchor = k === axes.length - 1 && axes.length > 1 ? 'end' : 'start';
    const dx = anchor === 'end' ? -6 : 6;
    out.push(`<g class="axis" data-axis="${escapeXml(a.key)}">`, `<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ih}" stroke="${muted}"/>`);
    out.push(`<text x="${x}" y="${m.t - 14}" text-anchor="middle" font-weight="600" fill="${fg}">${escapeXml(a.key)}${a.kind === 'log' ? escapeXml(o.logScale ?? ' (log)') : ''}</text>`);
    for (const [pos, text] of axisTicks(a, o.asWritten, a === metricAxis)) {
      const y = Y(pos);
      const label = text.length > 18 ? `${text.slice(0, 17)}…` : text;
      out.push(`<line x1="${x - 3}" y1="${y}" x2="${x + 3}" y2="${y}" stroke="${muted}"/>`);
      out.push(`<text x="${r2(x + dx)}" y="${r2(y + 4)}" text-anchor="${anchor}" fill="${pos === WRITTEN_AT && a.asWritten ? muted : fg}" stroke="${bg}" stroke-width="3" paint-order="stroke"${pos === WRITTEN_AT && a.asWritten ? ' font-style="italic"' : ''}>${escapeXml(label)}</text>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
