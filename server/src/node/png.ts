// SVG to PNG for the pictures the command line writes (`nn plot`, `nn graph`): one renderer,
// resvg (a maintained Rust SVG renderer with prebuilt binaries on npm), no browser.
// The pictures themselves are drawn as SVG text by pure code; this file only rasterises them.
// Text uses the system's fonts; resvg finds only those in the usual font folders, so a font with
// Chinese glyphs (the pictures' words in Chinese, a layer named in Chinese) is also looked up in the
// places distributions install one (and through fontconfig by the command line: cli/fonts.ts, as
// this folder runs no programs), and loaded by its file. Without one, Chinese shows as boxes
// (docs/cli.md says what to install).

import * as fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: the SVG's own width. */
  width?: number;
  /** Fill behind transparent parts, e.g. '#ffffff'. Default: transparent. */
  background?: string;
  /** Load the fonts of the usual font folders (default true; the tests turn it off to see the Chinese font's own effect). */
  systemFonts?: boolean;
  /** Font files to load besides: default, the Chinese font of the usual places (findCjkFont without fontconfig). */
  fontFiles?: readonly string[];
}

/** Where distributions and systems install fonts with Chinese glyphs (Noto CJK, WenQuanYi, Droid, macOS, Windows). */
export const CJK_FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc',
  '/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  '/usr/share/fonts/google-droid/DroidSansFallbackFull.ttf',
  '/usr/share/fonts/truetype/arphic/uming.ttc',
  '/System/Library/Fonts/PingFang.ttc',
  '/System/Library/Fonts/STHeiti Light.ttc',
  'C:\\Windows\\Fonts\\msyh.ttc',
  'C:\\Windows\\Fonts\\simsun.ttc',
];

/** How the font files are found: fontconfig's list (undefined when fc-list cannot run), and whether a file exists. */
export interface FontProbe {
  fcList(): string | undefined;
  exists(file: string): boolean;
}

/** Whether a font file is there. */
export function fontFileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The font file with Chinese glyphs to load, if the system has one: of the files fontconfig lists
 * for Chinese (`fc-list :lang=zh file`, whose order varies), the first by path, a Regular face
 * preferred, so the same fonts give the same picture; else the first of CJK_FONT_FILES that exists.
 */
export function findCjkFont(probe: FontProbe): string | undefined {
  const listed = (probe.fcList() ?? '')
    .split('\n')
    .map((l) => l.trim().replace(/:$/, ''))
    .filter((f) => f !== '' && /\.(ttf|otf|ttc|otc)$/i.test(f) && probe.exists(f))
    .sort();
  return listed.find((f) => /regular|microhei|zenhei|fallback/i.test(f)) ?? listed[0] ?? CJK_FONT_FILES.find((f) => probe.exists(f));
}

let usualCjkFont: { file: string | undefined } | undefined;

/** Renders SVG text to PNG bytes. Text uses the system's fonts, and a Chinese one where there is one (looked up once a process). */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  usualCjkFont ??= { file: findCjkFont({ fcList: () => undefined, exists: fontFileExists }) };
  const fontFiles = options.fontFiles ?? (usualCjkFont.file ? [usualCjkFont.file] : []);
  const resvg = new Resvg(svg, {
    fitTo: options.width ? { mode: 'width', value: options.width } : { mode: 'original' },
    background: options.background,
    font: { loadSystemFonts: options.systemFonts ?? true, fontFiles: [...fontFiles], defaultFontFamily: 'DejaVu Sans' },
  });
  return Buffer.from(resvg.render().asPng());
}

/** Width and height of PNG bytes, read from the IHDR chunk (for tests and messages). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
