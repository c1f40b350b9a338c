// Pixels for the chart's pictures: test images and first-layer weights decoded from their events,
// the decision boundary as a heat map of the predicted class, colours from the theme, and the
// confusion matrix normalized by row. Everything returns RGBA bytes or numbers; the webview puts
// them on canvases (putImageData: no image URLs). Pure: tested in Node.

import type { Ev } from './series';

export type Rgb = [number, number, number];

/** #rgb, #rrggbb, #rrggbbaa, rgb(...) or rgba(...) to [r, g, b] (alpha ignored); undefined otherwise. */
export function parseColor(css: string): Rgb | undefined {
  const s = css.trim();
  let m = /^#([0-9a-f]{3,4})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return [1, 2, 3].map((i) => Math.max(0, Math.min(255, Math.round(Number(m![i]))))) as Rgb;
  return undefined;
}

export function rgba(c: Rgb, a: number): string {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;
}

/** The colour `a` of the way from `from` to `to`. */
export function mix(from: Rgb, to: Rgb, a: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(from[i] + (to[i] - from[i]) * a)) as Rgb;
}

/** Relative luminance (WCAG), 0 for black to 1 for white. */
export function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface Picture {
  width: number;
  height: number;
  /** RGBA, row-major */
  data: Uint8ClampedArray<ArrayBuffer>;
}

/** The test images of a predictions event: gray for one channel, colour for three. */
export function predictionPictures(e: Ev<'predictions'>): Picture[] {
  const [h, w, c] = e.shape;
  const bytes = decodeBase64(e.images);
  return e.labels.map((_, k) => {
    const data = new Uint8ClampedArray(h * w * 4);
    for (let i = 0; i < h * w; i++) {
      const o = (k * h * w + i) * c;
      const [r, g, b] = c >= 3 ? [bytes[o], bytes[o + 1], bytes[o + 2]] : [bytes[o], bytes[o], bytes[o]];
      data.set([r, g, b, 255], i * 4);
    }
    return { width: w, height: h, data };
  });
}

/**
 * The weights as pictures. One channel: a diverging map, `negative` for the most negative weight
 * of the image, `zero` for 0, `positive` for the largest (each image on its own scale, so a unit's
 * pattern shows whatever its size). Three channels: RGB, each image stretched to 0-255.
 * Other channel counts: their mean, on the diverging map.
 */
export function weightPictures(e: Ev<'weights'>, negative: Rgb, zero: Rgb, positive: Rgb): Picture[] {
  const [h, w, c] = e.shape;
  const bytes = decodeBase64(e.values);
  const size = h * w * c;
  return e.scale.map((_, k) => {
    const q = bytes.subarray(k * size, (k + 1) * size);
    const data = new Uint8ClampedArray(h * w * 4);
    if (c === 3) {
      let lo = 255;
      let hi = 0;
      for (const v of q) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const span = hi - lo || 1;
      for (let i = 0; i < h * w; i++) data.set([((q[i * 3] - lo) / span) * 255, ((q[i * 3 + 1] - lo) / span) * 255, ((q[i * 3 + 2] - lo) / span) * 255, 255], i * 4);
    } else {
      for (let i = 0; i < h * w; i++) {
        let s = 0;
        for (let j = 0; j < c; j++) s += q[i * c + j];
        const col = diverging((s / c - 127.5) / 127.5, negative, zero, positive);
        data.set([col[0], col[1], col[2], 255], i * 4);
      }
    }
    return { width: w, height: h, data };
  });
}

/**
 * The decision boundary as a size × size picture: each cell the colour of its predicted class
 * over the background, at `alpha`. The event's rows go from ymin up; picture rows go down, so
 * row 0 of the picture is the event's last row.
 */
export function boundaryPicture(e: Ev<'boundary'>, classColors: readonly Rgb[], background: Rgb, alpha = 0.35): Picture {
  const n = e.size;
  const data = new Uint8ClampedArray(n * n * 4);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const cls = e.values[(n - 1 - r) * n + c];
      const col = mix(background, classColors[cls % classColors.length], alpha);
      data.set([col[0], col[1], col[2], 255], (r * n + c) * 4);
    }
  }
  return { width: n, height: n, data };
}

/** Where a data point falls on a picture of `width` × `height` pixels spanning the boundary's extent. */
export function toPixel(extent: readonly [number, number, number, number], width: number, height: number, x: number, y: number): [number, number] {
  const [x0, x1, y0, y1] = extent;
  return [((x - x0) / (x1 - x0)) * width, height - ((y - y0) / (y1 - y0)) * height];
}

/** The diverging colour map of weights and regression heat maps: -1 `negative`, 0 `zero`, 1 `positive` (clamped). */
export function diverging(v: number, negative: Rgb, zero: Rgb, positive: Rgb): Rgb {
  return v < 0 ? mix(zero, negative, Math.min(1, -v)) : mix(zero, positive, Math.min(1, v));
}

/** A cell of the confusion matrix: its count, its share of the row, its fill and a readable text colour on it. */
export interface ConfusionCell {
  count: number;
  share: number;
  fill: Rgb;
  text: '#000000' | '#ffffff';
}

/** The confusion matrix's cells as the chart and `nn plot` colour them: the share of the row, from `background` to `accent`. */
export function confusionCells(m: readonly (readonly number[])[], background: Rgb, accent: Rgb): ConfusionCell[][] {
  const norm = normalizeRows(m);
  return m.map((row, i) =>
    row.map((count, j) => {
      const fill = mix(background, accent, norm[i][j]);
      return { count, share: norm[i][j], fill, text: luminance(fill) > 0.35 ? '#000000' : '#ffffff' };
    }),
  );
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A picture as PNG bytes (RGBA, 8 bits, zlib with stored blocks: no compression, which small
 * pictures do not need), so an SVG file can hold it as a data: URL. Pure: no zlib, no canvas.
 */
export function encodePng(p: Picture): Uint8Array {
  const row = p.width * 4 + 1;
  const raw = new Uint8Array(row * p.height);
  for (let y = 0; y < p.height; y++) raw.set(p.data.subarray(y * p.width * 4, (y + 1) * p.width * 4), y * row + 1); // filter 0
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const zlib = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  zlib[0] = 0x78;
  zlib[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const chunk = raw.subarray(b * 65535, Math.min(raw.length, (b + 1) * 65535));
    zlib[o++] = b === blocks - 1 ? 1 : 0;
    zlib[o++] = chunk.length & 0xff;
    zlib[o++] = chunk.length >>> 8;
    zlib[o++] = ~chunk.length & 0xff;
    zlib[o++] = (~chunk.length >>> 8) & 0xff;
    zlib.set(chunk, o);
    o += chunk.length;
  }
  let a = 1;
  let d = 0;
  for (const v of raw) {
    a = (a + v) % 65521;
    d = (d + a) % 65521;
  }
  const adler = ((d << 16) | a) >>> 0;
  zlib.set([adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff], o);
  const chunks: [string, Uint8Array][] = [
    ['IHDR', Uint8Array.from([...u32(p.width), ...u32(p.height), 8, 6, 0, 0, 0])],
    ['IDAT', zlib],
    ['IEND', new Uint8Array(0)],
  ];
  const out = new Uint8Array(8 + chunks.reduce((n, [, d]) => n + 12 + d.length, 0));
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  o = 8;
  for (const [type, data] of chunks) {
    out.set(u32(data.length), o);
    for (let i = 0; i < 4; i++) out[o + 4 + i] = type.charCodeAt(i);
    out.set(data, o + 8);
    out.set(u32(crc32(out, o + 4, o + 8 + data.length)), o + 8 + data.length);
    o += 12 + data.length;
  }
  return out;
}

function u32(v: number): number[] {
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** A picture as a data: URL of its PNG. */
export function pngDataUrl(p: Picture): string {
  const bytes = encodePng(p);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(bin)}`;
}

/** Each row divided by its sum (the share of each true class predicted as each class); rows of zeros stay zero. */
export function normalizeRows(m: readonly (readonly number[])[]): number[][] {
  return m.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
}
