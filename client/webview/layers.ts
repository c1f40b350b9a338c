// The Layers view: what `layer_stats` recorded inside the network (`layers` events), drawn as one
// SVG document: the gradient norm of each layer over training on a log scale (vanishing
// gradients show as the early layers' lines falling away below the last one's), each layer's
// activation histogram as a heat strip over time, and the shares of dead (ReLU) and saturated
// (sigmoid, tanh) units. Pure: text in, text out, no DOM; the chart's webview shows it and
// `nn plot RUN --chart layers` writes it.

import type { Histogram, TrainEvent } from '../../server/src/runtime/train/protocol';
import { escapeXml, niceTicks, logTicks, legendLayout } from './export';
import { fmt, type Palette } from './series';
import { parseColor, mix, rgba, type Rgb } from './images';

type LayersEvent = Extract<TrainEvent, { type: 'layers' }>;

/** Every label of the view, in each language the editor speaks. */
export const LAYERS_LABELS = {
  en: {
    title: 'Layers',
    gradients: 'Gradient norm per layer (log scale)',
    gradientsNote: "An early layer's line far below the last layer's: vanishing gradients. Lines that shoot up: exploding gradients.",
    histograms: 'Activations per layer over training (histograms)',
    histogramsNote: 'Each column is the histogram of a layer\u2019s outputs on the probe batch at that time; the stronger the colour, the more values there.',
    shares: 'Dead and saturated units',
    sharesNote: 'Dead: ReLU units that are zero for every probe sample. Saturated: sigmoid or tanh outputs within 0.01 of their limits.',
    epoch: 'epoch',
    dead: 'dead',
    saturated: 'saturated',
    none: 'No layer statistics in this run: add layer_stats: true to the train block.',
    noShares: 'no ReLU, sigmoid or tanh layer',
  },
  'zh-cn': {
    title: '网络各层',
    gradients: '每层的梯度范数（对数刻度）',
    gradientsNote: '前面某层的曲线远低于最后一层：梯度消失。曲线急剧上升：梯度爆炸。',
    histograms: '每层激活值随训练的变化（直方图）',
    histogramsNote: '每一列是该时刻这一层在探测批量上输出的直方图；颜色越浓，值越多。',
    shares: '死亡单元与饱和单元',
    sharesNote: '死亡：对每个探测样本都输出零的 ReLU 单元。饱和：离极限不到 0.01 的 sigmoid 或 tanh 输出。',
    epoch: '轮次',
    dead: '死亡',
    saturated: '饱和',
    none: '这次运行没有各层的统计：在 train 块中加上 layer_stats: true。',
    noShares: '没有 ReLU、sigmoid 或 tanh 层',
  },
} as const satisfies Record<string, Record<string, string>>;

export type LayersLocale = keyof typeof LAYERS_LABELS;

export interface LayersSvgOptions {
  palette: Palette;
  /** the drawing's width in pixels (default 760) */
  width?: number;
  locale?: LayersLocale;
  /** a heading above the charts (the run), when given */
  title?: string;
  font?: string;
}

/** The `layers` events of a run's last fold (all of them without k-fold), in order. */
export function lastFoldLayers(events: readonly TrainEvent[]): LayersEvent[] {
  const all = events.filter((e): e is LayersEvent => e.type === 'layers');
  const fold = all.reduce((m, e) => Math.max(m, e.fold ?? 0), 0);
  return all.filter((e) => (e.fold ?? 0) === fold);
}

/** Where an event sits in training, in epochs: epoch - 1 + batch / batches. */
export const progressOf = (e: LayersEvent): number => e.epoch - 1 + e.batch / e.batches;

/**
 * A histogram's counts spread over `bins` equal bins from `lo` to `hi`, each source bin's count
 * shared by overlap (a histogram of one value, min = max, puts it in the bin holding it).
 */
export function rebin(h: Histogram, lo: number, hi: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  const span = hi - lo;
  const at = (v: number) => (span > 0 ? Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / span) * bins))) : 0);
  const n = h.counts.length;
  const w = (h.max - h.min) / n;
  h.counts.forEach((c, i) => {
    if (!c) return;
    if (w <= 0 || span <= 0) {
      out[at(h.min)] += c;
      return;
    }
    const a = h.min + i * w;
    const b = a + w;
    for (let k = at(a); k <= at(b); k++) {
      const ka = lo + (k / bins) * span;
      const kb = ka + span / bins;
      const overlap = Math.max(0, Math.min(b, kb) - Math.max(a, ka));
      out[k] += (c * overlap) / w;
    }
  });
  return out;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** A power of ten as a log axis labels it: 0.01, 1, 100, then 1e-5, 1e6. */
export function logLabel(t: number): string {
  const k = Math.round(Math.log10(t));
  return Math.abs(Math.log10(t) - k) < 1e-9 && (k < -3 || k > 3) ? `1e${k}` : fmt(t);
}

interface Series {
  label: string;
  color: string;
  dash?: string;
  points: [number, number][];
}

/** A line chart of `series` at (ox, oy) of w × h: x in epochs, y linear from 0 to 1 as percent, or log. */
function lineChart(series: readonly Series[], ox: number, oy: number, w: number, h: number, p: Palette, o: { log: boolean; xLabel: string; id: string }): string[] {
  const legend = legendLayout(
    series.map((s) => s.label),
    w - 70,
  );
  const m = { l: 58, r: 12, t: 6, b: 34 + legend.rows * 15 };
  const iw = w - m.l - m.r;
  const ih = h - m.t - m.b;
  const grid = escapeXml(p.grid);
  const muted = escapeXml(p.muted);
  const out: string[] = [`<g transform="translate(${ox},${oy})">`];
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!o.log || y > 0));
  if (!pts.length) {
    out.push(`<text x="${m.l + iw / 2}" y="${m.t + ih / 2}" text-anchor="middle" fill="${muted}">–</text>`, '</g>');
    return out;
  }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of pts) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (!o.log) [y0, y1] = [0, 1];
  if (x0 === x1) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  if (y0 === y1) [y0, y1] = [y0 / 2, y1 * 2];
  const ty = o.log ? Math.log10 : (v: number) => v;
  const [a, b] = [ty(y0), ty(y1)];
  const X = (x: number) => r2(m.l + ((x - x0) / (x1 - x0)) * iw);
  const Y = (y: number) => r2(m.t + ih - ((ty(y) - a) / (b - a)) * ih);
  for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(iw / 70)))) {
    out.push(`<line x1="${X(t)}" y1="${m.t}" x2="${X(t)}" y2="${m.t + ih}" stroke="${grid}"/>`, `<text x="${X(t)}" y="${m.t + ih + 14}" text-anchor="middle" fill="${muted}">${escapeXml(fmt(t))}</text>`);
  }
  const yTicks = o.log ? logTicks(y0, y1) : [0, 0.25, 0.5, 0.75, 1];
  for (const t of yTicks) {
    const label = o.log ? logLabel(t) : `${Math.round(t * 100)}%`;
    out.push(`<line x1="${m.l}" y1="${Y(t)}" x2="${m.l + iw}" y2="${Y(t)}" stroke="${grid}"/>`, `<text x="${m.l - 6}" y="${Y(t) + 4}" text-anchor="end" fill="${muted}">${escapeXml(label)}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${iw}" height="${ih}" fill="none" stroke="${grid}"/>`);
  out.push(`<text x="${m.l + iw / 2}" y="${m.t + ih + 28}" text-anchor="middle" fill="${muted}">${escapeXml(o.xLabel)}</text>`);
  out.push(`<clipPath id="${o.id}"><rect x="${m.l - 3}" y="${m.t - 3}" width="${iw + 6}" height="${ih + 6}"/></clipPath>`, `<g clip-path="url(#${o.id})">`);
  for (const s of series) {
    const runs: string[][] = [[]];
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || (o.log && y <= 0)) {
        if (runs[runs.length - 1].length) runs.push([]);
      } else runs[runs.length - 1].push(`${X(x)},${Y(y)}`);
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    for (const r of runs) {
      if (r.length === 1) out.push(`<circle cx="${r[0].split(',')[0]}" cy="${r[0].split(',')[1]}" r="2.2" fill="${escapeXml(s.color)}"/>`);
      else if (r.length > 1) out.push(`<polyline points="${r.join(' ')}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.6"${dash} stroke-linejoin="round"/>`);
    }
  }
  out.push('</g>');
  series.forEach((s, i) => {
    const lx = m.l + legend.at[i][0];
    const ly = h - m.b + 46 + legend.at[i][1] * 15;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<line x1="${r2(lx)}" y1="${ly - 4}" x2="${r2(lx + 18)}" y2="${ly - 4}" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}/>`, `<text x="${r2(lx + 22)}" y="${ly}" fill="${escapeXml(p.foreground)}">${escapeXml(s.label)}</text>`);
  });
  out.push('</g>');
  return out;
}

const STRIP_BINS = 20;

/** The Layers view of `events` (a run's `layers` events, as lastFoldLayers gives them) as an SVG document. */
export function layersSvg(events: readonly LayersEvent[], o: LayersSvgOptions): string {
  const L = LAYERS_LABELS[o.locale ?? 'en'];
  const p = o.palette;
  const W = o.width ?? 760;
  const font = escapeXml(o.font ?? 'system-ui, -apple-system, Segoe UI, sans-serif');
  const fg = escapeXml(p.foreground);
  const muted = escapeXml(p.muted);
  const head = o.title ? 30 : 0;
  const parts: string[] = [];
  let y = head;
  const heading = (text: string, note: string) => {
    parts.push(`<text x="12" y="${y + 16}" font-weight="600" fill="${fg}">${escapeXml(text)}</text>`, `<text x="12" y="${y + 31}" fill="${muted}">${escapeXml(note)}</text>`);
    y += 38;
  };
  if (!events.length) {
    parts.push(`<text x="12" y="${y + 20}" fill="${muted}">${escapeXml(L.none)}</text>`);
    y += 36;
  } else {
    // the layers as the last event lists them; each keeps its colour in every part
    const names = events[events.length - 1].layers.map((l) => l.name);
    const color = (i: number) => p.series[i % p.series.length];
    const label = (i: number) => {
      const act = events[events.length - 1].layers[i].activation;
      return act ? `${names[i]} (${act})` : names[i];
    };
    const at = (e: LayersEvent, name: string) => e.layers.find((l) => l.name === name);

    // 1. gradient norms, log scale
    heading(L.gradients, L.gradientsNote);
    const grads: Series[] = names.flatMap((n, i) => (events.some((e) => at(e, n)?.weights) ? [{ label: label(i), color: color(i), points: events.flatMap((e): [number, number][] => (at(e, n)?.weights ? [[progressOf(e), at(e, n)!.weights!.gradNorm]] : [])) }] : []));
    const gh = 250 + legendLayout(grads.map((s) => s.label), W - 70).rows * 15;
    parts.push(...lineChart(grads, 0, y, W, gh, p, { log: true, xLabel: L.epoch, id: 'layers-grad' }));
    y += gh + 8;

    // 2. activation histograms as heat strips: one row per layer, one column per event
    heading(L.histograms, L.histogramsNote);
    const lm = 150;
    const rm = 64;
    const sw = W - lm - rm;
    const rowH = 30;
    const cw = sw / events.length;
    const bg = parseColor(p.background) ?? [0, 0, 0];
    names.forEach((n, i) => {
      const hs = events.map((e) => at(e, n)?.activations.histogram);
      let lo = Infinity;
      let hi = -Infinity;
      for (const h of hs) {
        if (!h || !h.counts.some((c) => c > 0)) continue;
        lo = Math.min(lo, h.min);
        hi = Math.max(hi, h.max);
      }
      const top = y + i * (rowH + 6);
      parts.push(`<text x="${lm - 8}" y="${top + rowH / 2 + 4}" text-anchor="end" fill="${fg}">${escapeXml(label(i))}</text>`);
      parts.push(`<rect x="${lm}" y="${top}" width="${sw}" height="${rowH}" fill="${escapeXml(p.background)}" stroke="${escapeXml(p.grid)}"/>`);
      if (!(lo <= hi)) return;
      const tint: Rgb = parseColor(color(i)) ?? [128, 128, 128];
      hs.forEach((h, k) => {
        if (!h) return;
        const counts = rebin(h, lo, hi, STRIP_BINS);
        const most = Math.max(...counts);
        if (most <= 0) return;
        counts.forEach((c, b) => {
          if (c <= 0) return;
          // the square root lets the few values in the tails show beside a peak
          const shade = mix(bg, tint, Math.sqrt(c / most));
          const bh = rowH / STRIP_BINS;
          parts.push(`<rect x="${r2(lm + k * cw)}" y="${r2(top + rowH - (b + 1) * bh)}" width="${r2(cw + 0.3)}" height="${r2(bh + 0.3)}" fill="${rgba(shade, 1)}"/>`);
        });
      });
      parts.push(`<text x="${lm + sw + 6}" y="${top + 9}" fill="${muted}" font-size="10">${escapeXml(fmt(hi))}</text>`, `<text x="${lm + sw + 6}" y="${top + rowH}" fill="${muted}" font-size="10">${escapeXml(fmt(lo))}</text>`);
    });
    y += names.length * (rowH + 6);
    const first = progressOf(events[0]);
    const last = progressOf(events[events.length - 1]);
    parts.push(`<text x="${lm}" y="${y + 10}" fill="${muted}">${escapeXml(`${L.epoch} ${fmt(first)}`)}</text>`, `<text x="${lm + sw}" y="${y + 10}" text-anchor="end" fill="${muted}">${escapeXml(`${L.epoch} ${fmt(last)}`)}</text>`);
    y += 24;

    // 3. dead and saturated shares
    heading(L.shares, L.sharesNote);
    const shares: Series[] = names.flatMap((n, i) => {
      const out: Series[] = [];
      if (events.some((e) => at(e, n)?.activations.dead !== undefined)) out.push({ label: `${names[i]} ${L.dead}`, color: color(i), points: events.flatMap((e): [number, number][] => (at(e, n)?.activations.dead !== undefined ? [[progressOf(e), at(e, n)!.activations.dead!]] : [])) });
      if (events.some((e) => at(e, n)?.activations.saturated !== undefined)) out.push({ label: `${names[i]} ${L.saturated}`, color: color(i), dash: '5 3', points: events.flatMap((e): [number, number][] => (at(e, n)?.activations.saturated !== undefined ? [[progressOf(e), at(e, n)!.activations.saturated!]] : [])) });
      return out;
    });
    if (shares.length) {
      const sh = 190 + legendLayout(shares.map((s) => s.label), W - 70).rows * 15;
      parts.push(...lineChart(shares, 0, y, W, sh, p, { log: false, xLabel: L.epoch, id: 'layers-shares' }));
      y += sh + 8;
    } else {
      parts.push(`<text x="12" y="${y + 12}" fill="${muted}">${escapeXml(L.noShares)}</text>`);
      y += 24;
    }
  }
  const H = Math.ceil(y + 8);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${font}" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="${escapeXml(p.background)}"/>`,
    ...(o.title ? [`<text x="12" y="21" font-size="15" font-weight="600" fill="${fg}">${escapeXml(o.title)}</text>`] : []),
    ...parts,
    '</svg>',
  ].join('\n') + '\n';
}
