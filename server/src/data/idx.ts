// The IDX format of MNIST: a magic number (two zero bytes, a type, the number of dimensions),
// the dimensions as big-endian 32-bit integers, then the values. Files may be gzipped.

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import * as buffer from 'node:buffer';
import { DataError, fileProblem, openDataFile, readOpen, atRecord } from './errors';
import { rmsg, type RuntimeMessage } from '../core/runtime-messages';

export const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'unsigned byte', bytes: 1 },
  0x09: { name: 'signed byte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
};

export interface IdxHeader {
  type: number;
  dims: number[];
  /** where the values start */
  offset: number;
  /** the file's size, when it is not gzipped (from readIdxHeader: what the values must fit in) */
  size?: number;
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export function parseIdxHeader(b: Uint8Array, file: string): IdxHeader {
  if (b.length < 4) throw new DataError(file, rmsg('idxShort', { bytes: b.length }));
  if (b[0] !== 0 || b[1] !== 0 || !IDX_TYPES[b[2]]) {
    // the file's bytes are not shown: a data path can name any file
    throw new DataError(file, rmsg('idxNoMagic'));
  }
  const nd = b[3];
  if (nd === 0 || nd > 4) throw new DataError(file, rmsg('idxDims', { n: nd }));
  if (b.length < 4 + 4 * nd) throw new DataError(file, rmsg('idxHeaderCut'));
  const dims: number[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { type: b[2], dims, offset: 4 + 4 * nd };
}

/** How much of a file is read for its header: enough for a gzip header and 20 unpacked bytes. */
const HEAD_BYTES = 4096;

/**
 * The unpacked start of a gzipped file, enough for the IDX header. At most HEAD_BYTES of packed
 * data are unpacked (deflate expands at most about 1,032 times: 4 MB at worst).
 */
function gunzipHead(packed: Uint8Array, shown: string): Uint8Array {
  try {
    return zlib.gunzipSync(packed.subarray(0, HEAD_BYTES), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (e) {
    throw new DataError(shown, rmsg('gzipBroken', { why: (e as Error).message }));
  }
}

/** Just the header, without reading or unpacking the whole file. `shown` names the file in messages. */
export function readIdxHeader(path: string, shown = path): IdxHeader {
  const fd = openDataFile(path, shown);
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, 0);
    } catch (e) {
      throw new DataError(shown, fileProblem(e));
    }
    const head: Uint8Array = buf.subarray(0, n);
    if (n === 0) throw new DataError(shown, rmsg('emptyFile'));
    if (isGzip(head)) return parseIdxHeader(gunzipHead(head, shown), shown);
    return { ...parseIdxHeader(head, shown), size: fs.fstatSync(fd).size };
  } finally {
    fs.closeSync(fd);
  }
}

export interface IdxArray {
  /** the IDX type code (0x08 unsigned byte, ...; see IDX_TYPES) */
  type: number;
  dims: number[];
  /** unsigned bytes as stored (images, labels); other types converted to float32 */
  data: Uint8Array | Float32Array;
  /** the whole file as read, unpacked (header and values; `data` of bytes is a view of it) */
  bytes: Uint8Array;
}

/** The bytes an IDX file holds, unpacked, by its header: the header and every value. */
export function promisedBytes(h: IdxHeader): number {
  return h.offset + h.dims.reduce((a, d) => a * d, 1) * IDX_TYPES[h.type].bytes;
}

function records(h: IdxHeader): { count: number; shape?: string } {
  return { count: h.dims[0], ...(h.dims.length > 1 ? { shape: `[${h.dims.slice(1).join(', ')}]` } : {}) };
}

function pastPromise(h: IdxHeader, shown: string): DataError {
  return new DataError(shown, rmsg('idxMore', { ...records(h), bytes: promisedBytes(h) }));
}

/**
 * The whole file, checked: the values must be exactly what the header promises, no fewer (a
 * truncated file) and no more. The header is read first and `check` (when given) judges it before
 * anything else is read; a gzipped file is unpacked with the promised size as its limit, so a
 * small file that unpacks to gigabytes (a gzip bomb) stops there. `shown` names the file in messages.
 */
export function readIdx(path: string, shown = path, check?: (h: IdxHeader) => void): IdxArray {
  const fd = openDataFile(path, shown);
  let b: Uint8Array;
  let h: IdxHeader;
  try {
    const size = fs.fstatSync(fd).size;
    const head = readOpen(fd, Math.min(size, HEAD_BYTES));
    if (head.length === 0) throw new DataError(shown, rmsg('emptyFile'));
    if (isGzip(head)) {
      h = parseIdxHeader(gunzipHead(head, shown), shown);
      check?.(h);
      const want = promisedBytes(h);
      if (want >= buffer.constants.MAX_LENGTH) throw new DataError(shown, rmsg('idxTooBig', { ...records(h), bytes: want }));
      try {
        b = zlib.gunzipSync(readOpen(fd, size), { maxOutputLength: want + 1 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw pastPromise(h, shown);
        throw new DataError(shown, rmsg('gzipBroken', { why: (e as Error).message }));
      }
    } else {
      h = parseIdxHeader(head, shown);
      check?.(h);
      // the size is known: nothing is read when it is not what the header promises
      checkHeld(h, size, shown);
      if (size > promisedBytes(h)) throw pastPromise(h, shown);
      b = readOpen(fd, size);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(shown, fileProblem(e));
  } finally {
    fs.closeSync(fd);
  }
  checkHeld(h, b.length, shown);
  if (b.length > promisedBytes(h)) throw pastPromise(h, shown);
  const count = h.dims.reduce((a, d) => a * d, 1);
  if (h.type === 0x08) return { type: h.type, dims: h.dims, data: new Uint8Array(b.buffer, b.byteOffset + h.offset, count), bytes: b };
  const view = new DataView(b.buffer, b.byteOffset + h.offset);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    switch (h.type) {
      case 0x09:
        out[i] = view.getInt8(i);
        break;
      case 0x0b:
        out[i] = view.getInt16(2 * i, false);
        break;
      case 0x0c:
        out[i] = view.getInt32(4 * i, false);
        break;
      case 0x0d:
        out[i] = view.getFloat32(4 * i, false);
        break;
      default:
        out[i] = view.getFloat64(8 * i, false);
    }
  }
  return { type: h.type, dims: h.dims, data: out, bytes: b };
}

/** Checks that a file of `bytes` bytes (unpacked) holds every value its header promises. */
export function checkHeld(h: IdxHeader, bytes: number, shown: string): void {
  const count = h.dims.reduce((a, d) => a * d, 1);
  const size = IDX_TYPES[h.type].bytes;
  if (bytes < promisedBytes(h)) {
    const records = h.dims.length ? Math.floor((bytes - h.offset) / size / (count / (h.dims[0] || 1))) : 0;
    throw new DataError(shown, rmsg('idxTruncated', { count: h.dims[0], shape: `[${h.dims.slice(1).join(', ')}]`, held: records }));
  }
}

/** The shape of one image [height, width, channels] from the dimensions of an images file. */
export function imageShape(dims: number[], shown: string): number[] {
  if (dims.length < 3) throw new DataError(shown, rmsg('idxImageDims', { dims: `[${dims.join(', ')}]` }));
  return [dims[1], dims[2], dims[3] ?? 1];
}

/** Checks the dimensions of a labels file against the number of images they label. */
export function checkLabelDims(dims: number[], images: number, shown: string, imagesShown: string): void {
  if (dims.length !== 1) throw new DataError(shown, rmsg('idxLabelDims', { dims: `[${dims.join(', ')}]` }));
  if (dims[0] !== images) throw new DataError(shown, rmsg('idxLabelCount', { labels: dims[0], images, file: imagesShown }));
}

/** Checks that an images file holds unsigned bytes (what the loader reads) and at least one image. */
export function checkImages(type: number, count: number, shown: string): void {
  if (type !== 0x08) throw new DataError(shown, rmsg('idxType', { type: IDX_TYPES[type].name }));
  if (count === 0) throw new DataError(shown, rmsg('idxNoImages'));
}

/** What the classes of a set are: a built-in set's, or as many as the training labels say. */
export interface Classes {
  count: number;
  why: RuntimeMessage;
}

/**
 * The largest of the first `n` labels, each checked to be a class index (and below
 * `classes.count`, when given), naming the file and record.
 */
export function labelMax(labels: ArrayLike<number>, n: number, shown: string, classes?: Classes): number {
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0) throw new DataError(shown, rmsg('labelNotClass', { label: v }), atRecord(i));
    if (classes && v >= classes.count) throw new DataError(shown, rmsg('labelOutside', { label: v, classes: classes.count, why: classes.why }), atRecord(i));
    if (v > max) max = v;
  }
  return max;
}

/** The classes training labels whose largest is `max` give; one class cannot be trained on. */
export function classesOfLabels(max: number, shown: string): Classes {
  if (max === 0) throw new DataError(shown, rmsg('allLabelsZero'));
  return { count: max + 1, why: rmsg('trainingLabelsHave', { file: shown, classes: max + 1 }) };
}

/** Checks that test images have the shape of the training images. */
export function checkTestImageShape(shape: number[], train: number[], shown: string): void {
  if (shape.join('x') !== train.join('x')) throw new DataError(shown, rmsg('testImageSize', { test: shape.join('x'), train: train.join('x') }));
}

/** Write an IDX file (for tests and tools). */
export function encodeIdx(dims: number[], values: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  const view = new DataView(head.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + values.length);
  out.set(head);
  out.set(values, head.length);
  return out;
}
