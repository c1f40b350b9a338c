// CIFAR-10 and CIFAR-100 in their binary format (https://www.cs.toronto.edu/~kriz/cifar.html):
//
// - cifar10: cifar-10-batches-bin/ with data_batch_1.bin .. data_batch_5.bin (10,000 images each),
//   test_batch.bin (10,000) and batches.meta.txt (the 10 class names, one a line). Each record is
//   1 label byte, then 3072 pixel bytes: the 1024 red values of the 32x32 image row by row, then
//   the green, then the blue.
// - cifar100: cifar-100-binary/ with train.bin (50,000), test.bin (10,000), fine_label_names.txt
//   (100 names) and coarse_label_names.txt (20). Each record is the coarse label byte, the fine
//   label byte, then 3072 pixel bytes as above; `labels: fine` (default) or `coarse` picks one.
//
// Found as mnist is (builtin.ts): the `path:` argument (that folder or its cifar-10-batches-bin/
// subfolder), the nn.data.path setting, NN_DATA, /usr/share/datasets/<folder>, the download
// cache, then a download of the official .tar.gz (checked against its MD5) into the cache, whose
// files are unpacked there (written to temporary files and renamed) and the archive removed.
//
// Files are checked before use: each holds whole records (a size that is not a multiple of the
// record is a damaged file), the known number of images (unless the tests' `anyContent`), every
// label is a class index, the names file holds one name per class. Problems name the file and
// the record.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';
import type { LoadOptions } from './types';
import type { BuiltinOverrides } from './builtin';
import { DataError, readDataFile, atRecord } from './errors';
import { rmsg } from '../core/runtime-messages';
import { defaultCacheDir, download, isFile, mirrorBase, removeStaleParts, say, syncFolder } from './builtin';

export type CifarName = 'cifar10' | 'cifar100';

export interface CifarSpec {
  name: CifarName;
  title: string;
  /** the folder the archive unpacks to; also the name under NN_DATA, the cache and a mirror */
  folder: string;
  /** the official location of the archive, ending in / */
  base: string;
  archive: string;
  /** MD5 of the official archive */
  md5: string;
  train: string[];
  test: string;
  /** images in each training file and in the test file */
  records: { train: number; test: number };
  /** label bytes before the pixels */
  labelBytes: number;
  /** the class-name files and class counts, by label kind */
  labels: Record<string, { file: string; offset: number; classes: number }>;
}

export const CIFAR: Record<CifarName, CifarSpec> = {
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10',
    folder: 'cifar-10-batches-bin',
    base: 'https://www.cs.toronto.edu/~kriz/',
    archive: 'cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: 'test_batch.bin',
    records: { train: 10_000, test: 10_000 },
    labelBytes: 1,
    labels: { fine: { file: 'batches.meta.txt', offset: 0, classes: 10 } },
  },
  cifar100: {
    name: 'cifar100',
    title: 'CIFAR-100',
    folder: 'cifar-100-binary',
    base: 'https://www.cs.toronto.edu/~kriz/',
    archive: 'cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    train: ['train.bin'],
    test: 'test.bin',
    records: { train: 50_000, test: 10_000 },
    labelBytes: 2,
    labels: { fine: { file: 'fine_label_names.txt', offset: 1, classes: 100 }, coarse: { file: 'coarse_label_names.txt', offset: 0, classes: 20 } },
  },
};

const PIXELS = 32 * 32 * 3;

/** Every file a complete set has. */
function fileNames(spec: CifarSpec): string[] {
  return [...spec.train, spec.test, ...Object.values(spec.labels).map((l) => l.file)];
}

function missingIn(dir: string, spec: CifarSpec): string[] {
  return fileNames(spec).filter((f) => !isFile(path.join(dir, f)));
}

/** The first folder holding the whole set; a folder with some of its files but not all is an error. */
function completeIn(dirs: string[], spec: CifarSpec): string | undefined {
  for (const d of dirs) {
    const missing = missingIn(d, spec);
    if (missing.length === 0) return d;
    if (missing.length < fileNames(spec).length) throw new DataError(d, rmsg('someFiles', { title: spec.title, missing: missing.join(', '), gz: false }));
  }
  return undefined;
}

/** Finds (or downloads and unpacks) the folder of a CIFAR set. */
export async function locateCifar(spec: CifarSpec, pathArg: string | undefined, fromDir: string, opts: LoadOptions, over: BuiltinOverrides = {}): Promise<{ dir: string; source: string }> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const found = (dir: string) => {
    say(log, rmsg('usingData', { name: spec.name, where: dir }));
    return { dir, source: dir };
  };
  if (pathArg !== undefined) {
    const root = path.resolve(fromDir, pathArg);
    const dirs = [path.join(root, spec.folder), root];
    const d = completeIn(dirs, spec);
    if (d) return found(d);
    throw new DataError(pathArg, rmsg('noFilesIn', { title: spec.title, dirs, expected: fileNames(spec).join(', '), archive: spec.archive }));
  }
  const looked: string[] = [];
  for (const [what, root] of [['nn.data.path', opts.dataPath], ['NN_DATA', env.NN_DATA]] as const) {
    if (!root) continue;
    const dirs = [path.join(path.resolve(root), spec.folder), path.resolve(root)];
    looked.push(...dirs.map((d) => `${d} (${what})`));
    const d = completeIn(dirs, spec);
    if (d) return found(d);
  }
  // the advice when nothing is found is to unpack the archive into one of these folders: the archive
  // holds its own folder (cifar-10-batches-bin/), so that folder inside them is looked in too
  const system = path.join(over.systemRoot ?? '/usr/share/datasets', spec.folder);
  looked.push(system);
  const s = completeIn([system, path.join(system, spec.folder)], spec);
  if (s) return found(s);
  const cache = path.join(opts.cacheDir ?? defaultCacheDir(), spec.folder);
  looked.push(cache);
  if (missingIn(cache, spec).length === 0) return found(cache);
  const unpackedInCache = path.join(cache, spec.folder);
  if (missingIn(unpackedInCache, spec).length === 0) return found(unpackedInCache);
  if (opts.download === false) {
    throw new DataError(spec.name, rmsg('notFoundOffline', { title: spec.title, looked: looked.join(', '), url: `${spec.base}${spec.archive}` }));
  }
  const base = mirrorBase(spec, env);
  removeStaleParts(cache);
  const archive = path.join(cache, spec.archive);
  await download(new URL(spec.archive, base), archive, over.archiveMd5 ?? spec.md5, { log, timeoutMs: over.timeoutMs ?? 30_000, cache });
  try {
    await unpack(archive, cache, spec);
  } finally {
    fs.rmSync(archive, { force: true });
  }
  say(log, rmsg('unpacked', { n: fileNames(spec).length, dir: cache }));
  return { dir: cache, source: `${base.href}${spec.archive} (downloaded into ${cache})` };
}

/**
 * Unpacks the set's files from a .tar.gz (ustar) into `dest`, each through a temporary file; the
 * archive's folders are dropped, only the set's own file names are written.
 */
export async function unpack(archive: string, dest: string, spec: CifarSpec): Promise<void> {
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(fs.readFileSync(archive));
  } catch (e) {
    throw new DataError(archive, rmsg('notGzip', { why: (e as Error).message }));
  }
  const wanted = new Set(fileNames(spec));
  const got = new Set<string>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.toString('latin1', from, from + len).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const name = (field(345, 155) ? `${field(345, 155)}/` : '') + field(0, 100);
    if (!Number.isFinite(size) || at + 512 + size > tar.length) throw new DataError(archive, rmsg('archiveEntryPastEnd', { entry: name }));
    const base = name.split('/').pop()!;
    if ((type === '0' || type === '') && wanted.has(base)) {
      const file = path.join(dest, base);
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
      try {
        fs.writeFileSync(tmp, tar.subarray(at + 512, at + 512 + size));
        fs.renameSync(tmp, file);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      got.add(base);
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  const missing = [...wanted].filter((f) => !got.has(f));
  if (missing.length) throw new DataError(archive, rmsg('archiveLacks', { missing: missing.join(', '), title: spec.title }));
  await syncFolder(dest);
}

/** The class names of a set from its names file: one a line, blank lines at the end ignored. */
export function cifarClassNames(dir: string, spec: CifarSpec, labels: string): string[] {
  const l = spec.labels[labels];
  const file = path.join(dir, l.file);
  const names = readDataFile(file, file).toString('utf8').split(/\r?\n/).map((s) => s.trim());
  while (names.length && names[names.length - 1] === '') names.pop();
  if (names.length !== l.classes || names.some((n) => n === '')) {
    throw new DataError(file, rmsg('classNameLines', { lines: names.length, blank: names.some((n) => n === ''), title: spec.title, classes: l.classes }));
  }
  return names;
}

export interface CifarRead {
  /** n × 32 × 32 × 3 pixel bytes, [h, w, c] */
  pixels: Uint8Array;
  labels: Int32Array;
  n: number;
}

/**
 * Reads up to `limit` records from the files in order (only the files needed), as [h, w, c]
 * bytes; every label is checked against the class count, naming the file and record.
 */
export function readCifarFiles(files: string[], spec: CifarSpec, labels: string, expected: number | undefined, limit?: number): CifarRead {
  const l = spec.labels[labels];
  const rec = spec.labelBytes + PIXELS;
  const parts: { bytes: Buffer; n: number; file: string }[] = [];
  let total = 0;
  for (const file of files) {
    if (limit !== undefined && total >= limit) break;
    const bytes = readDataFile(file, file);
    if (bytes.length === 0 || bytes.length % rec !== 0) {
      throw new DataError(file, rmsg('notWholeRecords', { bytes: bytes.length, title: spec.title, record: rec, labelBytes: spec.labelBytes }));
    }
    const n = bytes.length / rec;
    if (expected !== undefined && n !== expected) throw new DataError(file, rmsg('wrongImageCount', { n, title: spec.title, want: expected }));
    const take = limit === undefined ? n : Math.min(n, limit - total);
    parts.push({ bytes, n: take, file });
    total += take;
  }
  const pixels = new Uint8Array(total * PIXELS);
  const out = new Int32Array(total);
  let i = 0;
  for (const p of parts) {
    for (let r = 0; r < p.n; r++, i++) {
      const at = r * rec;
      const label = p.bytes[at + l.offset];
      if (label >= l.classes) throw new DataError(p.file, rmsg('cifarLabelOutside', { label, classes: l.classes, title: spec.title }), atRecord(r));
      out[i] = label;
      // planes of 1024 red, green, blue values -> interleaved [h, w, c]
      const src = at + spec.labelBytes;
      const dst = i * PIXELS;
      for (let k = 0; k < 1024; k++) {
        pixels[dst + 3 * k] = p.bytes[src + k];
        pixels[dst + 3 * k + 1] = p.bytes[src + 1024 + k];
        pixels[dst + 3 * k + 2] = p.bytes[src + 2048 + k];
      }
    }
  }
  return { pixels, labels: out, n: total };
}
