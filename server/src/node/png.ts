// SVG to PNG for the pictures the command line writes (`nn plot`, `nn graph`): one renderer,
// resvg (a maintained Rust SVG renderer with prebuilt binaries on npm), no browser.
// The pictures themselves are drawn as SVG text by pure code; this file only rasterises them.

import { Resvg } from '@resvg/resvg-js';

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: the SVG's own width. */
  width?: number;
  /** Fill behind transparent parts, e.g. '#ffffff'. Default: transparent. */
  background?: string;
}

/** Renders SVG text to PNG bytes. Text uses the system's fonts (loaded once per call). */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: options.width ? { mode: 'width', value: options.width } : { mode: 'original' },
    background: options.background,
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
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
