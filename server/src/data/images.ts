// Image files (PNG and JPEG) for image_folder and nn predict: their size read from the header
// without decoding (PNG's IHDR chunk, JPEG's SOF marker), decoding with the size checked first,
// and resizing to the model's [height, width, channels].
//
// Resampling is by area: each output pixel is the mean of the input pixels its rectangle covers
// (box filter; when enlarging, each output pixel takes the one input pixel it falls on, i.e.
// nearest). Transparent pixels count as black (alpha premultiplied). Grey is
// 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's convert('L')).
//
// Every problem is a DataError naming the file: the decoders' own messages are not for people.

import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { DataError } from './errors';
import { rmsg } from '../core/runtime-messages';

/** The largest image read: 16 megapixels and 16384 pixels a side (a small file can claim a huge image). */
export const MAX_IMAGE_PIXELS = 16 * 2 ** 20;
export const MAX_IMAGE_SIDE = 16384;

export const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** channels stored in the file: 1 grey, 2 grey + alpha, 3 colour, 4 colour + alpha */
  channels: number;
}

/** PNG or JPEG by the first bytes; undefined for anything else. */
export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/**
 * The size of a PNG or JPEG from its first bytes (`head`: the file's start; 64 KB holds the
 * header of nearly every JPEG, whose SOF marker comes after its EXIF and tables). Undefined when
 * `head` ends before the header does and `complete` is false (read more and ask again).
 */
export function readImageHeader(head: Uint8Array, shown: string, complete: boolean): ImageHeader | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  // an empty file has no first bytes to judge: said as empty, not as another format
  if (b.length === 0 && complete) throw new DataError(shown, rmsg('emptyFile'));
  const format = imageFormat(b);
  if (!format) throw new DataError(shown, rmsg('notAnImage'));
  if (format === 'png') {
    if (b.length < 26) {
      if (!complete) return undefined;
      throw new DataError(shown, rmsg('pngCutBeforeHeader'));
    }
    if (b.toString('latin1', 12, 16) !== 'IHDR') throw new DataError(shown, rmsg('pngHeaderMisplaced'));
    return checkSize({ format, width: b.readUInt32BE(16), height: b.readUInt32BE(20), channels: PNG_CHANNELS[b[25]] ?? 0 }, shown);
  }
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) throw new DataError(shown, rmsg('jpegNoMarker', { at }));
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or start of scan before any frame header
    const length = b.readUInt16BE(at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 10 > b.length) {
        if (!complete) return undefined;
        break;
      }
      return checkSize({ format, height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7), channels: b[at + 9] }, shown);
    }
    at += 2 + length;
  }
  if (!complete && at + 4 > b.length) return undefined;
  throw new DataError(shown, rmsg('jpegNoFrame'));
}

function checkSize(h: ImageHeader, shown: string): ImageHeader {
  if (h.width === 0 || h.height === 0) throw new DataError(shown, rmsg('noPixels', { width: h.width, height: h.height }));
  if (h.width > MAX_IMAGE_SIDE || h.height > MAX_IMAGE_SIDE || h.width * h.height > MAX_IMAGE_PIXELS) {
    throw new DataError(shown, rmsg('imageTooLarge', { width: h.width, height: h.height, side: MAX_IMAGE_SIDE, megapixels: MAX_IMAGE_PIXELS / 2 ** 20 }));
  }
  return h;
}

/**
 * A PNG's chunks checked before decoding: every IHDR (a file can hold a second one that the
 * decoder would take) against the size limits, one IHDR only, pixel data present, no chunk
 * running past the end.
 */
function checkPngChunks(b: Buffer, shown: string): void {
  let headers = 0;
  let pixelData = false;
  let ended = false;
  for (let at = 8; at + 8 <= b.length; ) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR' && at + 16 <= b.length) {
      headers++;
      checkSize({ format: 'png', width: b.readUInt32BE(at + 8), height: b.readUInt32BE(at + 12), channels: 0 }, shown);
    }
    if (at + 12 + length > b.length) throw new DataError(shown, rmsg('pngChunkPastEnd', { chunk: type }));
    if (type === 'IDAT') pixelData = true;
    if (type === 'IEND') {
      ended = true;
      break;
    }
    at += 12 + length;
  }
  if (headers > 1) throw new DataError(shown, rmsg('pngHeaders', { n: headers }));
  if (headers === 0) throw new DataError(shown, rmsg('pngNoHeader'));
  if (!ended) throw new DataError(shown, rmsg('pngNoEnd'));
  if (!pixelData) throw new DataError(shown, rmsg('pngNoData'));
}

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes */
  data: Uint8Array;
}

/** A PNG or JPEG file's pixels as RGBA, its size checked before decoding. */
export function decodeImage(bytes: Uint8Array, shown: string): Rgba {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = readImageHeader(b, shown, true)!;
  if (head.format === 'png') {
    checkPngChunks(b, shown);
    try {
      const png = PNG.sync.read(b);
      return { width: png.width, height: png.height, data: png.data };
    } catch {
      throw new DataError(shown, rmsg('pngUndecodable'));
    }
  }
  try {
    const img = jpeg.decode(b, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 + 1, maxMemoryUsageInMB: 512 });
    if (img.width !== head.width || img.height !== head.height) throw new Error('size differs from the header');
    return { width: img.width, height: img.height, data: img.data };
  } catch {
    throw new DataError(shown, rmsg('jpegUndecodable'));
  }
}

/**
 * RGBA pixels resized by area to h × w and reduced to c channels (1 grey, 3 RGB), as values in
 * [0, 1], row-major [h, w, c], written into `out` at `offset`.
 */
export function resizeArea(img: Rgba, h: number, w: number, c: 1 | 3, out: Float32Array, offset = 0): void {
  const { width: W, height: H, data } = img;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * H) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * H) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * W) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * W) / w));
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * W + xx) * 4;
          const a = data[i + 3] / 255;
          r += data[i] * a;
          g += data[i + 1] * a;
          bl += data[i + 2] * a;
        }
      }
      const k = 255 * (y1 - y0) * (x1 - x0);
      const d = offset + (y * w + x) * c;
      if (c === 1) out[d] = (0.299 * r + 0.587 * g + 0.114 * bl) / k;
      else {
        out[d] = r / k;
        out[d + 1] = g / k;
        out[d + 2] = bl / k;
      }
    }
  }
}
