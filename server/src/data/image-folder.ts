// image_folder(path, size, channels): one subfolder per class, as torchvision's ImageFolder.
//
// - Classes are the subfolders of `path`, sorted by their names (code point order, as Python's
//   sorted()); class k is the k-th name. Not classes: folders whose names start with '.' (.git,
//   .ipynb_checkpoints) and macOS's __MACOSX (image-names.ts leftOutName, the rule nn predict follows
//   too), named in a note; nn's own runs folder among them (a .nn file beside the class folders).
//   Files directly in `path` are not images of any class and are ignored, as ImageFolder does.
// - In each class folder, the files ending as image-names.ts IMAGE_EXTENSIONS says (.png, .jpg, .jpeg,
//   .jfif, .jpe, any case; subfolders searched too) are its images, in sorted path order; other
//   files (.txt) are ignored, images of other formats (.gif, .webp, ...) left out with a note, and
//   so are the folders and files leftOutName leaves out (the AppleDouble `._cat.png` is macOS's
//   metadata, not an image). A class with no image is an error naming the folder (and the other
//   files it holds, if any).
// - Each image is decoded (PNG or JPEG by its content, whatever its extension says), resized by
//   area to `size` (images.ts resizeArea) and reduced to `channels`; stored as bytes 0-255.
//   Without `size`, every image must have the first image's size: another size is an error naming
//   both files.
// - The probe (for the editor) reads only the headers (PNG IHDR, JPEG SOF): classes, count,
//   shape, and the problems a header shows (not an image, damaged header, mixed sizes).
//
// Cache: the decoded bytes of a folder are kept in `cacheDir` (the runs folder's .data-cache/), in
// one file per folder, size and channels; the file records every image's path, size in bytes
// and modification time, and is used only when all of them are as recorded (a file added,
// removed, replaced or touched decodes the folder again). It is written to a temporary file and
// renamed into place; a cache that cannot be written or read is noted in the log and the folder
// is decoded (training does not depend on it).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import type { Args } from '../core/catalog/types';
import { DataError, fileProblem, ioProblem, openDataFile, readDataFile, type Fence } from './errors';
import { rmsg, renderRuntime, type RuntimeMessage } from '../core/runtime-messages';
import type { LoadOptions } from './types';
import { isFolder } from './builtin';
import { decodeImage, readImageHeader, resizeArea, type ImageHeader } from './images';
import { IMAGE_EXTENSIONS, OTHER_IMAGE_EXTENSIONS, extensionIn, isImageName, leftOutName, namedWhenLeftOut } from './image-names';

export interface FolderImage {
  /** absolute path */
  abs: string;
  /** as messages name it: the folder as written, then class/file */
  shown: string;
  label: number;
  size: number;
  mtimeMs: number;
}

export interface FolderListing {
  classNames: string[];
  images: FolderImage[];
  /** images of other formats (GIF, WebP, ...) in the class folders, left out: how many, and their extensions */
  skipped: { n: number; kinds: string[] };
  /**
   * What leftOutName left out, as shown under the folder (`__MACOSX`, `cat/.ipynb_checkpoints`):
   * the folders, and the files named as images (`cat/._001.png`; a .DS_Store is no image and not named)
   */
  leftOut: { folders: string[]; files: string[] };
}

/** The channels argument: 1 (grey) or 3 (RGB); the catalogue's range 1..3 lets 2 through to here. */
export function channelsOf(args: Args, shown: string): 1 | 3 {
  const c = args.channels ?? 3;
  if (c !== 1 && c !== 3) throw new DataError(shown, rmsg('channels', { channels: String(c) }));
  return c;
}

function readDir(abs: string, shown: string): fs.Dirent[] {
  try {
    return fs.readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new DataError(shown, rmsg('isFileNotFolder'));
    throw new DataError(shown, code === 'ENOENT' ? rmsg('folderNotFound') : fileProblem(e));
  }
}

function isDir(abs: string, d: fs.Dirent): boolean {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** Folders under a class folder are read this deep at most, and this many entries in all. */
const MAX_DEPTH = 16;
const MAX_ENTRIES = 2_000_000;

/** A folder too large to list (the editor's probe lists fewer entries than training does). */
export class TooManyEntries extends DataError {}

/** The folder in a runs folder that holds decoded data (image folders); not a train block's name, so never a run's. */
export const DATA_CACHE = '.data-cache';

/**
 * nn's own runs folder inside the image folder (a .nn file written among its class folders, with
 * image_folder(".")): one of `runs`, or a folder holding a data cache. Not a class: the second run
 * found a class 'runs' of JSON files.
 */
export function isRunsFolder(abs: string, runs: readonly string[]): boolean {
  return runs.some((r) => path.resolve(r) === abs) || isFolder(path.join(abs, DATA_CACHE));
}

/**
 * Lists the classes and their images (with sizes and modification times); problems name the
 * folder. `runs`: the runs folders of the .nn file, left out where they lie among the class folders.
 */
export function listImageFolder(
  root: string,
  shownRoot: string,
  maxEntries = MAX_ENTRIES,
  allowed?: (abs: string) => boolean,
  fence: Fence = 'workspace',
  runs: readonly string[] = [],
): FolderListing {
  const entries = readDir(root, shownRoot);
  // an untrusted workspace reads nothing outside its folders: a link below the root to elsewhere is refused
  const inside = (abs: string, d: fs.Dirent, shown: string) => {
    if (!allowed || !d.isSymbolicLink()) return;
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch {
      return; // a dangling link: not read
    }
    if (!allowed(real)) throw new DataError(shown, rmsg(fence === 'check' ? 'linkOutsideChecked' : 'linkOutsideWorkspace'));
  };
  for (const d of entries) if (!leftOutName(d.name)) inside(path.join(root, d.name), d, `${shownRoot.replace(/[\\/]+$/, '')}/${d.name}`);
  const leftOut = { folders: [] as string[], files: [] as string[] };
  for (const d of entries) if (namedWhenLeftOut(d.name) && isDir(path.join(root, d.name), d)) leftOut.folders.push(d.name);
  const classNames = entries
    .filter((d) => !leftOutName(d.name) && isDir(path.join(root, d.name), d) && !isRunsFolder(path.join(root, d.name), runs))
    .map((d) => d.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classNames.length === 0) {
    const images = entries.filter((d) => isImageName(d.name)).length;
    throw new DataError(shownRoot, rmsg('noClassFolders', { images }));
  }
  if (classNames.length < 2) throw new DataError(shownRoot, rmsg('oneClassFolder', { name: classNames[0] }));
  const images: FolderImage[] = [];
  const seen = { entries: 0, max: maxEntries, shown: shownRoot };
  const skipped = { n: 0, kinds: [] as string[] };
  classNames.forEach((name, label) => {
    const shownClass = `${shownRoot.replace(/[\\/]+$/, '')}/${name}`;
    const { files, others } = walkImages(path.join(root, name), shownClass, seen, { folders: leftOut.folders, files: leftOut.files, prefix: `${name}/` }, skipped, (p, d, r) => inside(p, d, `${shownClass}/${r}`));
    if (files.length === 0) {
      const exts = [...new Set(others.map((o) => (o.includes('.') ? o.slice(o.lastIndexOf('.')).toLowerCase() : o)))].slice(0, 5);
      throw new DataError(`${shownClass}/`, rmsg('classWithoutImages', { name, others: others.length, kinds: exts.join(', '), exts: IMAGE_EXTENSIONS.join(', ') }));
    }
    files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const f of files) {
      const abs = path.join(root, name, f);
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch (e) {
        throw new DataError(`${shownClass}/${f}`, fileProblem(e));
      }
      if (!st.isFile()) throw new DataError(`${shownClass}/${f}`, rmsg('notRegularFile'));
      images.push({ abs, shown: `${shownClass}/${f}`, label, size: st.size, mtimeMs: st.mtimeMs });
    }
  });
  leftOut.folders.sort();
  leftOut.files.sort();
  return { classNames, images, skipped, leftOut };
}

/**
 * The images of a folder given to nn predict: every file under it named as an image (image-names.ts
 * isImageName), in sorted path order, each shown as `shown/path`; what leftOutName leaves out is
 * left out as image_folder leaves it (leftOutNotes says what). A folder with no image is an error
 * naming it.
 */
export function imagesIn(
  root: string,
  shown: string,
  maxEntries = MAX_ENTRIES,
): { images: { abs: string; shown: string }[]; leftOut: { folders: string[]; files: string[] }; skipped: { n: number; kinds: string[] } } {
  const base = shown.replace(/[\\/]+$/, '');
  const leftOut = { folders: [] as string[], files: [] as string[] };
  const skipped = { n: 0, kinds: [] as string[] };
  const found = walkImages(root, base, { entries: 0, max: maxEntries, shown }, { ...leftOut, prefix: '' }, skipped).files;
  if (found.length === 0) {
    throw new DataError(shown, rmsg('folderWithoutImages', { exts: IMAGE_EXTENSIONS.join(', '), others: leftOut.files.length, ...(skipped.n ? { unread: skipped.n, kinds: skipped.kinds.join(', ') } : {}) }));
  }
  found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  leftOut.folders.sort();
  leftOut.files.sort();
  return { images: found.map((r) => ({ abs: path.join(root, r), shown: `${base}/${r}` })), leftOut, skipped };
}

/**
 * The images under a folder (`shownBase` as its name is shown), in the order read: their paths
 * below it, and the other files' names; on the way, what leftOutName leaves out and a note names
 * goes to `leftOut` (its paths after `prefix`), images of other formats are counted in `skipped`,
 * and `visit` sees every entry that is read (image_folder's check of links). Entries are counted
 * in `seen` against its most, and folders are followed MAX_DEPTH deep at most: a link to a folder
 * above (a loop), or a path such as "/" that holds a whole disk.
 */
function walkImages(
  root: string,
  shownBase: string,
  seen: { entries: number; max: number; shown: string },
  leftOut: { folders: string[]; files: string[]; prefix: string },
  skipped: { n: number; kinds: string[] },
  visit: (abs: string, d: fs.Dirent, rel: string) => void = () => {},
): { files: string[]; others: string[] } {
  const files: string[] = [];
  const others: string[] = [];
  const walk = (abs: string, rel: string, depth: number) => {
    const shownHere = rel ? `${shownBase}/${rel}` : shownBase;
    if (depth > MAX_DEPTH) throw new DataError(shownHere, rmsg('nestedTooDeep', { depth: MAX_DEPTH }));
    for (const d of readDir(abs, shownHere)) {
      if (++seen.entries > seen.max) throw new TooManyEntries(seen.shown, rmsg('tooManyEntries', { max: seen.max }));
      const p = path.join(abs, d.name);
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (leftOutName(d.name)) {
        if (!namedWhenLeftOut(d.name)) continue;
        if (isDir(p, d)) leftOut.folders.push(`${leftOut.prefix}${r}`);
        else if (isImageName(d.name)) leftOut.files.push(`${leftOut.prefix}${r}`);
        continue;
      }
      visit(p, d, r);
      if (isDir(p, d)) walk(p, r, depth + 1);
      else if (isImageName(d.name)) files.push(r);
      else {
        others.push(d.name);
        countOtherFormat(d.name, skipped);
      }
    }
  };
  walk(root, '', 0);
  return { files, others };
}

/** The most names a note lists (then how many more). */
const NAMES_SHOWN = 3;

function someNames(names: readonly string[]): { names: string; more: number } {
  return { names: names.slice(0, NAMES_SHOWN).join(', '), more: Math.max(0, names.length - NAMES_SHOWN) };
}

/** Counts `name` in `skipped` when it is an image of a format nn has no decoder for (.gif, .webp, ...). */
function countOtherFormat(name: string, skipped: { n: number; kinds: string[] }): void {
  const other = extensionIn(name, OTHER_IMAGE_EXTENSIONS);
  if (!other) return;
  skipped.n++;
  if (!skipped.kinds.includes(other)) skipped.kinds.push(other);
}

/** The notes that say what leftOutName left out of a folder of images (none when nothing was). */
export function leftOutNotes(folder: string, leftOut: { folders: readonly string[]; files: readonly string[] }): RuntimeMessage[] {
  const out: RuntimeMessage[] = [];
  if (leftOut.folders.length) out.push(rmsg('foldersLeftOut', { folder, n: leftOut.folders.length, ...someNames(leftOut.folders) }));
  if (leftOut.files.length) out.push(rmsg('hiddenImagesLeftOut', { folder, n: leftOut.files.length, ...someNames(leftOut.files) }));
  return out;
}

/** How much of a file the probe reads for its header. */
const HEAD_BYTES = 64 * 1024;

/** The most read looking for a header that is not in the first 64 KB (a JPEG's frame after large metadata). */
const MAX_HEADER_SEARCH = 4 * 2 ** 20;

/** An image's header, from its first 64 KB (up to 4 MB when the header lies further: no file is read whole for its header). */
export function imageHeaderOf(img: FolderImage): ImageHeader {
  // opened without blocking and checked to be a regular file (a FIFO swapped in would block the editor)
  const fd = openDataFile(img.abs, img.shown);
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, img.size));
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const h = readImageHeader(head.subarray(0, n), img.shown, n >= img.size);
    if (h) return h;
  } finally {
    fs.closeSync(fd);
  }
  if (img.size > MAX_HEADER_SEARCH) throw new DataError(img.shown, rmsg('noImageHeader', { mb: MAX_HEADER_SEARCH / 2 ** 20 }));
  return readImageHeader(readDataFile(img.abs, img.shown), img.shown, true)!;
}

/** Images all of one size when `size` is not given: another size names both files. */
export function sameSize(first: { shown: string; width: number; height: number }, other: { shown: string; width: number; height: number }): void {
  if (other.width !== first.width || other.height !== first.height) {
    throw new DataError(
      other.shown,
      rmsg('imageSizesDiffer', { width: other.width, height: other.height, first: first.shown, firstWidth: first.width, firstHeight: first.height }),
    );
  }
}

export interface DecodedFolder {
  classNames: string[];
  /** n × h × w × c bytes */
  pixels: Uint8Array;
  labels: Int32Array;
  n: number;
  shape: [number, number, number];
  /** true when read from the cache */
  cached: boolean;
}

/** Decodes every image of a listing into bytes [n, h, w, c]. */
function decodeAll(list: FolderListing, size: [number, number] | undefined, channels: 1 | 3): Omit<DecodedFolder, 'cached'> {
  const n = list.images.length;
  let h = size?.[0] ?? 0;
  let w = size?.[1] ?? 0;
  let pixels: Uint8Array | undefined;
  let first: { shown: string; width: number; height: number } | undefined;
  let scratch = new Float32Array(0);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const im = list.images[i];
    const rgba = decodeImage(readDataFile(im.abs, im.shown), im.shown);
    if (!size) {
      if (!first) {
        first = { shown: im.shown, width: rgba.width, height: rgba.height };
        h = rgba.height;
        w = rgba.width;
      } else sameSize(first, { shown: im.shown, width: rgba.width, height: rgba.height });
    }
    const per = h * w * channels;
    if (!pixels) {
      pixels = new Uint8Array(n * per);
      scratch = new Float32Array(per);
    }
    resizeArea(rgba, h, w, channels, scratch);
    const base = i * per;
    for (let k = 0; k < per; k++) pixels[base + k] = Math.round(scratch[k] * 255);
    labels[i] = im.label;
  }
  return { classNames: list.classNames, pixels: pixels!, labels, n, shape: [h, w, channels] };
}

/** What the cache file's validity rests on: every image's path, size and modification time. */
export function stampOf(list: FolderListing): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify(list.classNames));
  for (const im of list.images) hash.update(`${im.abs}\0${im.label}\0${im.size}\0${im.mtimeMs}\n`);
  return hash.digest('hex');
}

const MAGIC = 'nn-image-folder-cache 1\n';

function cacheFile(cacheDir: string, root: string, size: [number, number] | undefined, channels: number): string {
  const key = crypto.createHash('sha256').update(`${path.resolve(root)}\0${size ? size.join('x') : 'native'}\0${channels}`).digest('hex').slice(0, 24);
  return path.join(cacheDir, `image_folder-${key}.bin`);
}

interface CacheHeader {
  stamp: string;
  classNames: string[];
  n: number;
  shape: [number, number, number];
}

function readCache(file: string, stamp: string): Omit<DecodedFolder, 'cached'> | undefined {
  let b: Buffer;
  try {
    b = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (b.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const end = b.indexOf(10, MAGIC.length);
  if (end < 0) return undefined;
  let h: CacheHeader;
  try {
    h = JSON.parse(b.toString('utf8', MAGIC.length, end)) as CacheHeader;
  } catch {
    return undefined;
  }
  if (h.stamp !== stamp) return undefined;
  const per = h.shape[0] * h.shape[1] * h.shape[2];
  // labels (int32) start on a 4-byte boundary after the header line
  const labelsAt = Math.ceil((end + 1) / 4) * 4;
  if (b.length !== labelsAt + h.n * 4 + h.n * per) return undefined;
  const labels = new Int32Array(h.n);
  for (let i = 0; i < h.n; i++) labels[i] = b.readInt32LE(labelsAt + 4 * i);
  const pixels = new Uint8Array(b.buffer, b.byteOffset + labelsAt + h.n * 4, h.n * per);
  return { classNames: h.classNames, pixels, labels, n: h.n, shape: h.shape };
}

function writeCache(file: string, stamp: string, d: Omit<DecodedFolder, 'cached'>): void {
  const header = Buffer.from(MAGIC + JSON.stringify({ stamp, classNames: d.classNames, n: d.n, shape: d.shape } satisfies CacheHeader) + '\n', 'utf8');
  const labelsAt = Math.ceil(header.length / 4) * 4;
  const out = Buffer.alloc(labelsAt + d.n * 4 + d.pixels.length);
  header.copy(out, 0);
  for (let i = 0; i < d.n; i++) out.writeInt32LE(d.labels[i], labelsAt + 4 * i);
  out.set(d.pixels, labelsAt + d.n * 4);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
  try {
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * The folder's images decoded, from the cache when every file is as it was (cacheDir undefined:
 * no cache). `log` hears where they came from and any trouble with the cache (English, and the message id).
 */
export function readImageFolder(
  root: string,
  shownRoot: string,
  size: [number, number] | undefined,
  channels: 1 | 3,
  cacheDir: string | undefined,
  log: NonNullable<LoadOptions['log']> = () => {},
  runs: readonly string[] = [],
): DecodedFolder {
  const say = (m: RuntimeMessage) => log(renderRuntime(m, 'en'), m);
  const list = listImageFolder(root, shownRoot, MAX_ENTRIES, undefined, 'workspace', runs);
  // torchvision would have read some of them: a folder's images are not left out without a word
  if (list.skipped.n > 0) say(rmsg('imagesSkipped', { folder: shownRoot, n: list.skipped.n, kinds: list.skipped.kinds.join(', ') }));
  for (const m of leftOutNotes(shownRoot, list.leftOut)) say(m);
  const file = cacheDir === undefined ? undefined : cacheFile(cacheDir, root, size, channels);
  const stamp = stampOf(list);
  if (file) {
    const hit = readCache(file, stamp);
    if (hit) {
      say(rmsg('imagesFromCache', { folder: shownRoot, n: hit.n, file }));
      return { ...hit, cached: true };
    }
  }
  const d = decodeAll(list, size, channels);
  if (file) {
    try {
      writeCache(file, stamp, d);
      say(rmsg('imagesCached', { folder: shownRoot, n: d.n, file }));
    } catch (e) {
      say(rmsg('imagesNotCached', { folder: shownRoot, file, why: ioProblem(e) }));
    }
  }
  return { ...d, cached: false };
}
