// Exports of the curves: CSV of every series as logged (not smoothed), and an SVG drawn from the
// data (uPlot draws to canvas; the SVG is made here, so it scales and edits cleanly). The PNG is
// this SVG rasterized by the webview. Pure: tested in Node.

import { fmt, runLabel, type Chart, type Palette, type RunModel } from './series';

/** One run for the CSV: its id (folder name, or "current") and its model. */
export interface CsvRun {
  id: string;
  run: RunModel;
}

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Every series of the runs in one table: a row per run, fold and epoch with a column per series
 * (loss, val_loss, each metric and its val_ twin, lr), then a row per logged batch with its
 * fractional epoch (epoch - 1 + batch / batches) in `epoch` and its loss in `batch_loss`.
 */
export function toCsv(runs: readonly CsvRun[]): string {
  const names: string[] = [];
  for (const { run } of runs) for (const n of run.names) if (!names.includes(n)) names.push(n);
  // learning rate last, as in the charts
  names.sort((a, b) => Number(a === 'lr') - Number(b === 'lr'));
  const header = ['run', 'fold', 'epoch', ...names, 'batch_loss'];
  const rows: string[] = [header.map(csvCell).join(',')];
  for (const { id, run } of runs) {
    const kfold = run.kfold > 0;
    for (const f of run.folds) {
      const byEpoch = new Map<number, Map<string, number>>();
      for (const n of names) {
        const p = run.series(f, n);
        p?.x.forEach((x, i) => {
          if (!byEpoch.has(x)) byEpoch.set(x, new Map());
          byEpoch.get(x)!.set(n, p.y[i]);
        });
      }
      for (const x of [...byEpoch.keys()].sort((a, b) => a - b)) {
        const m = byEpoch.get(x)!;
        rows.push([id, kfold ? f : undefined, x, ...names.map((n) => m.get(n)), undefined].map(csvCell).join(','));
      }
    }
    for (const [f, b] of [...run.batches].sort((a, c) => a[0] - c[0])) {
      b.x.forEach((x, i) => rows.push([id, kfold ? f : undefined, Number(x.toFixed(6)), ...names.map(() => undefined), b.y[i]].map(csvCell).join(',')));
    }
  }
  return rows.join('\n') + '\n';
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten in [min, max] (min > 0); with fewer than two, the linear ticks. */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(Math.log10(min) - 1e-9); k <= Math.floor(Math.log10(max) + 1e-9); k++) out.push(Number(Math.pow(10, k).toPrecision(12)));
  return out.length >= 2 ? out : niceTicks(min, max);
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface SvgOptions {
  title: string;
  palette: Palette;
  /** width of one chart panel, and the panels per row */
  panelWidth?: number;
  panelHeight?: number;
  columns?: number;
  font?: string;
  /** the x axis' label (default "epoch") */
  xLabel?: string;
  /** written in a chart with nothing to draw (default "no values") */
  noValues?: string;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** The charts as one SVG document: a grid of panels, each with axes, ticks, its lines and a legend. */
export function toSvg(list: readonly Chart[], o: SvgOptions): string {
  const pw = o.panelWidth ?? 520;
  const ph = o.panelHeight ?? 300;
  const cols = Math.max(1, Math.min(o.columns ?? 2, list.length));
  const rows = Math.ceil(list.length / cols);
  const top = 36;
  const W = cols * pw;
  const H = top + rows * ph;
  const p = o.palette;
  const font = escapeXml(o.font ?? 'system-ui, -apple-system, Segoe UI, sans-serif');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${font}" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="${escapeXml(p.background)}"/>`,
    `<text x="12" y="23" font-size="15" font-weight="600" fill="${escapeXml(p.foreground)}">${escapeXml(o.title)}</text>`,
  ];
  list.forEach((c, i) => parts.push(panel(c, (i % cols) * pw, top + Math.floor(i / cols) * ph, pw, ph, p, i, o.xLabel ?? 'epoch', o.noValues ?? 'no values')));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Legend entries flowed into rows of `width`: [x, row] of each (a swatch of 22 px, then ~6.2 px a character). */
export function legendLayout(labels: readonly string[], width: number): { at: [number, number][]; rows: number } {
  const at: [number, number][] = [];
  let x = 0;
  let row = 0;
  for (const l of labels) {
    const w = 22 + l.length * 6.2 + 18;
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    at.push([x, row]);
    x += w;
  }
  return { at, rows: labels.length ? row + 1 : 0 };
}

function panel(c: Chart, ox: number, oy: number, w: number, h: number, p: Palette, index: number, xLabel: string, noValues: string): string {
  const legend = legendLayout(
    c.lines.map((l) => l.label),
    w - 58 - 16,
  );
  const m = { l: 58, r: 16, t: 24, b: 40 + legend.rows * 15 };
  const pts = c.lines.flatMap((l) => l.x.map((x, i) => [x, l.y[i]] as const)).filter((q): q is readonly [number, number] => q[1] !== null && Number.isFinite(q[1]));
  const out: string[] = [`<g transform="translate(${ox},${oy})">`, `<text x="${m.l}" y="16" font-weight="600" fill="${escapeXml(p.foreground)}">${escapeXml(c.title)}</text>`];
  const iw = w - m.l - m.r;
  const ih = h - m.t - m.b;
  if (pts.length) {
    // a loop, not Math.min(...): a long run has more points than a call can take arguments
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const [x, y] of pts) {
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
    if (y0 === y1) [y0, y1] = c.log ? [y0 / 2, y1 * 2] : [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1];
    const ty = c.log ? (v: number) => Math.log10(v) : (v: number) => v;
    const [a, b] = [ty(y0), ty(y1)];
    const X = (x: number) => r2(m.l + ((x - x0) / (x1 - x0)) * iw);
    const Y = (y: number) => r2(m.t + ih - ((ty(y) - a) / (b - a)) * ih);
    const grid = escapeXml(p.grid);
    const muted = escapeXml(p.muted);
    for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(iw / 70)))) {
      out.push(`<line x1="${X(t)}" y1="${m.t}" x2="${X(t)}" y2="${m.t + ih}" stroke="${grid}"/>`, `<text x="${X(t)}" y="${m.t + ih + 14}" text-anchor="middle" fill="${muted}">${escapeXml(fmt(t))}</text>`);
    }
    for (const t of c.log ? logTicks(y0, y1) : niceTicks(y0, y1, Math.max(2, Math.floor(ih / 45)))) {
      out.push(`<line x1="${m.l}" y1="${Y(t)}" x2="${m.l + iw}" y2="${Y(t)}" stroke="${grid}"/>`, `<text x="${m.l - 6}" y="${Y(t) + 4}" text-anchor="end" fill="${muted}">${escapeXml(fmt(t))}</text>`);
    }
    out.push(`<rect x="${m.l}" y="${m.t}" width="${iw}" height="${ih}" fill="none" stroke="${grid}"/>`);
    // the axis label outside the clipped plot area (inside it, it was cut away)
    out.push(`<text x="${m.l + iw / 2}" y="${m.t + ih + 30}" text-anchor="middle" fill="${muted}">${escapeXml(xLabel)}</text>`);
    out.push(`<clipPath id="plot-${index}"><rect x="${m.l}" y="${m.t}" width="${iw}" height="${ih}"/></clipPath>`, `<g clip-path="url(#plot-${index})">`);
    for (const l of c.lines) {
      // a line breaks where a value is missing, as on screen
      const runs: string[][] = [[]];
      l.x.forEach((x, i) => {
        const y = l.y[i];
        if (y === null || !Number.isFinite(y)) {
          if (runs[runs.length - 1].length) runs.push([]);
        } else runs[runs.length - 1].push(`${X(x)},${Y(y)}`);
      });
      const dash = l.dash ? ` stroke-dasharray="${l.dash.join(' ')}"` : '';
      for (const r of runs) {
        if (r.length === 1) out.push(`<circle cx="${r[0].split(',')[0]}" cy="${r[0].split(',')[1]}" r="2" fill="${escapeXml(l.color)}" fill-opacity="${l.alpha}"/>`);
        else if (r.length > 1) out.push(`<polyline points="${r.join(' ')}" fill="none" stroke="${escapeXml(l.color)}" stroke-opacity="${l.alpha}" stroke-width="${l.width}"${dash} stroke-linejoin="round"/>`);
      }
    }
    out.push('</g>');
  } else {
    out.push(`<text x="${m.l + iw / 2}" y="${m.t + ih / 2}" text-anchor="middle" fill="${escapeXml(p.muted)}">${escapeXml(noValues)}</text>`);
  }
  // legend: under the axis, entries flowing into rows
  c.lines.forEach((l, i) => {
    const lx = m.l + legend.at[i][0];
    const ly = h - m.b + 46 + legend.at[i][1] * 15;
    const dash = l.dash ? ` stroke-dasharray="${l.dash.join(' ')}"` : '';
    out.push(`<line x1="${r2(lx)}" y1="${ly - 4}" x2="${r2(lx + 18)}" y2="${ly - 4}" stroke="${escapeXml(l.color)}" stroke-opacity="${l.alpha}" stroke-width="${Math.max(1.5, l.width)}"${dash}/>`);
    out.push(`<text x="${r2(lx + 22)}" y="${ly}" fill="${escapeXml(p.foreground)}">${escapeXml(l.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** The file name for an export of a train block's run: letters, digits, dot, dash and underscore only. */
export function exportName(train: string, runId: string | undefined, ext: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  const base = [clean(train) || 'training', runId ? clean(runLabel(runId).replace(/[ :]/g, '-')) : ''].filter(Boolean).join('-');
  return `${base.slice(0, 100)}.${ext}`;
}
