// What the editor and `nn check` learn from a data file without training: the shape of its
// samples, its classes, its size; or the problem that stops it from loading. Results are cached
// by path, size and modification time.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Args, DataProbe, DataInfo, DataKind } from '../core/catalog/types';
import { DataError, fileProblem, type Fence } from './errors';
import { rmsg } from '../core/runtime-messages';
import { readIdxHeader, readIdx, promisedBytes, imageShape, checkLabelDims, checkTestImageShape, checkImages, checkHeld, labelMax, classesOfLabels } from './idx';
import { readCsvFile, csvOptionsOf } from './csv';
import { readTextCsv, textRulesOf, tokenize } from './text';
import { textSplits } from './load';
import { leftOutName } from './image-names';
import { listImageFolder, imageHeaderOf, sameSize, stampOf, channelsOf, isRunsFolder, TooManyEntries } from './image-folder';

/**
 * Files larger than this are not read whole while editing; their shapes stay unknown. The probe
 * runs on the server's thread: a 16 MB CSV takes about a second to read, a 60 MB one 5 to 10.
 */
const PROBE_LIMIT = 16 * 2 ** 20;

const cache = new Map<string, { stamp: string; result: DataProbe }>();

function stamp(files: string[]): string | undefined {
  try {
    return files.map((f) => {
      const s = fs.statSync(f);
      return `${f}:${s.size}:${s.mtimeMs}`;
    }).join('|');
  } catch {
    return undefined;
  }
}

function cached(key: string, files: string[], compute: () => DataProbe): DataProbe {
  const st = stamp(files);
  const hit = cache.get(key);
  if (st && hit && hit.stamp === st) return hit.result;
  const result = compute();
  if (st) cache.set(key, { stamp: st, result });
  return result;
}

function attempt(f: () => Partial<DataInfo> | undefined): DataProbe {
  try {
    const info = f();
    return info ? { ok: true, info } : { ok: true, info: {} };
  } catch (e) {
    if (e instanceof DataError) return { ok: false, problem: e.said };
    throw e;
  }
}

/** What a probe says of a data file it may not read (`allowed` said no). */
function notAllowed(shown: string, fence: Fence): DataProbe {
  return { ok: false, problem: rmsg(fence === 'check' ? 'outsideChecked' : 'outsideWorkspace', { file: shown }) };
}

/**
 * `allowed`: which files may be read (an untrusted workspace's folders, nn check's without
 * --trust: `fence` says which); asked before the cache, so trusting the workspace later reads them.
 */
export function probeData(kind: DataKind, args: Args, dir: string, allowed?: (abs: string) => boolean, fence: Fence = 'workspace'): DataProbe | undefined {
  if (kind === 'image_folder') return probeImageFolder(args, dir, allowed, fence);
  if (kind === 'text_csv') return probeTextCsv(args, dir, allowed, fence);
  if (kind === 'csv') {
    if (typeof args.path !== 'string') return undefined;
    const file = path.resolve(dir, args.path);
    if (allowed && !allowed(file)) return notAllowed(args.path, fence);
    return cached(`csv:${file}:${String(args.label)}:${String(args.header)}:${String(args.task)}`, [file], () =>
      attempt(() => {
        let size: number;
        try {
          size = fs.statSync(file).size;
        } catch (e) {
          throw new DataError(args.path as string, fileProblem(e));
        }
        if (size > PROBE_LIMIT) return undefined;
        const t = readCsvFile(file, args.path as string, csvOptionsOf(args));
        return {
          features: [t.featureNames.length],
          featureType: 'float',
          target: t.task === 'classification' ? { kind: 'classes', count: t.classNames!.length } : { kind: 'values', dims: 1 },
          train: t.rows,
          image: false,
        };
      }),
    );
  }
  const names = ['images', 'labels', 'test_images', 'test_labels'].filter((k) => typeof args[k] === 'string');
  if (!names.includes('images') || !names.includes('labels')) return undefined;
  const files = names.map((k) => path.resolve(dir, args[k] as string));
  const shown = (k: string) => args[k] as string;
  const refused = allowed && names.find((_, i) => !allowed(files[i]));
  if (refused) return notAllowed(shown(refused), fence);
  return cached(`idx:${files.join('|')}:${typeof args.test === 'number'}`, files, () =>
    attempt(() => {
      if (names.includes('test_images') !== names.includes('test_labels')) {
        throw new DataError(shown(names.includes('test_images') ? 'test_images' : 'test_labels'), rmsg('testBoth'));
      }
      if (names.includes('test_images') && typeof args.test === 'number') throw new DataError(shown('test_images'), rmsg('testFilesAndFraction'));
      const at = (k: string) => path.resolve(dir, args[k] as string);
      return probeIdxSet(
        { abs: at('images'), shown: shown('images') },
        { abs: at('labels'), shown: shown('labels') },
        names.includes('test_images') ? { abs: at('test_images'), shown: shown('test_images') } : undefined,
        names.includes('test_labels') ? { abs: at('test_labels'), shown: shown('test_labels') } : undefined,
      );
    }),
  );
}

interface FileName {
  abs: string;
  shown: string;
}

function probeIdxSet(images: FileName, labels: FileName, testImages: FileName | undefined, testLabels: FileName | undefined): Partial<DataInfo> {
  // the checks the loader makes that need no pixels: the images' headers, every label
  const img = readIdxHeader(images.abs, images.shown);
  const shape = imageShape(img.dims, images.shown);
  const n = img.dims[0];
  checkImages(img.type, n, images.shown);
  if (img.size !== undefined) checkHeld(img, img.size, images.shown);
  const labHead = readIdxHeader(labels.abs, labels.shown);
  checkLabelDims(labHead.dims, n, labels.shown, images.shown);
  // labels too many to read while editing: the classes stay unknown
  if (promisedBytes(labHead) > PROBE_LIMIT) return { features: shape, featureType: 'float', train: n, image: true };
  const lab = readIdx(labels.abs, labels.shown, (h) => checkLabelDims(h.dims, n, labels.shown, images.shown));
  const classes = classesOfLabels(labelMax(lab.data, n, labels.shown), labels.shown);
  let test: number | null = null;
  if (testImages && testLabels) {
    const ti = readIdxHeader(testImages.abs, testImages.shown);
    checkTestImageShape(imageShape(ti.dims, testImages.shown), shape, testImages.shown);
    checkImages(ti.type, ti.dims[0], testImages.shown);
    if (ti.size !== undefined) checkHeld(ti, ti.size, testImages.shown);
    const tlHead = readIdxHeader(testLabels.abs, testLabels.shown);
    checkLabelDims(tlHead.dims, ti.dims[0], testLabels.shown, testImages.shown);
    if (promisedBytes(tlHead) > PROBE_LIMIT) return { features: shape, featureType: 'float', target: { kind: 'classes', count: classes.count }, train: n, image: true };
    const tl = readIdx(testLabels.abs, testLabels.shown, (h) => checkLabelDims(h.dims, ti.dims[0], testLabels.shown, testImages.shown));
    labelMax(tl.data, ti.dims[0], testLabels.shown, classes);
    test = ti.dims[0];
  }
  return { features: shape, featureType: 'float', target: { kind: 'classes', count: classes.count }, train: n, test, image: true };
}

/**
 * The most images whose headers the probe reads (64 KB each at most, on the server's thread);
 * past it, the shape is the first image's and the other sizes are checked when training loads them.
 */
const PROBE_IMAGES = 20_000;
/** The most files and folders the probe lists (a path such as "/" would walk a whole disk). */
const PROBE_ENTRIES = 200_000;
/** The most folders whose times the probe compares before listing again. */
const PROBE_FOLDERS = 2_000;
const folderCache = new Map<string, { stamp: string; folders: string | undefined; result: DataProbe }>();

/**
 * The modification times of a folder and every folder under it (no file is stat'ed: 10,000 images
 * took 150 ms to stat on each analysis). An image rewritten in place under the same name changes
 * no folder: the editor sees it when a folder next changes, training always does.
 */
const TOO_MANY = 'too many folders';

function foldersStamp(root: string, runs: readonly string[]): string | undefined {
  const parts: string[] = [];
  let tooMany = false;
  const walk = (dir: string, depth: number): boolean => {
    let st: fs.Stats;
    let entries: fs.Dirent[];
    try {
      st = fs.statSync(dir);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    parts.push(`${dir}:${st.mtimeMs}`);
    if (parts.length > PROBE_FOLDERS) {
      tooMany = true;
      return false;
    }
    if (depth > 16) return true;
    for (const d of entries) {
      if (leftOutName(d.name)) continue;
      if (d.isDirectory() || d.isSymbolicLink()) {
        const p = path.join(dir, d.name);
        if (d.isSymbolicLink()) {
          let linked = false;
          try {
            linked = fs.statSync(p).isDirectory();
          } catch {
            // a dangling link or a loop: not a folder
          }
          if (!linked) continue;
        }
        // nn's runs folder among the class folders is not listed: its runs would change the stamp at every training
        if (depth === 0 && isRunsFolder(p, runs)) continue;
        if (!walk(p, depth + 1)) return false;
      }
    }
    return true;
  };
  const ok = walk(root, 0);
  return tooMany ? TOO_MANY : ok ? parts.join('|') : undefined;
}

/** An image folder's classes, count and shape from the files' headers, without decoding any image. */
function probeImageFolder(args: Args, dir: string, allowed: ((abs: string) => boolean) | undefined, fence: Fence): DataProbe | undefined {
  if (typeof args.path !== 'string') return undefined;
  const shownRoot = args.path;
  const root = path.resolve(dir, shownRoot);
  if (allowed && !allowed(root)) return notAllowed(shownRoot, fence);
  const size = Array.isArray(args.size) ? (args.size as number[]) : undefined;
  const key = `image_folder:${root}:${size ? size.join('x') : ''}`;
  let list: ReturnType<typeof listImageFolder>;
  let channels: number;
  try {
    channels = channelsOf(args, shownRoot);
  } catch (e) {
    if (e instanceof DataError) return { ok: false, problem: e.said };
    throw e;
  }
  // the folders' modification times first: a file added, removed or renamed changes its folder's
  const runs = [path.join(dir, 'runs')];
  const folders = foldersStamp(root, runs);
  // more folders than the editor compares (a path such as "/"): the shape stays unknown, training lists them
  if (folders === TOO_MANY) return { ok: true, info: {} };
  try {
    const known = folderCache.get(key);
    if (folders !== undefined && known?.folders === folders) return withChannels(known.result, channels);
    list = listImageFolder(root, shownRoot, PROBE_ENTRIES, allowed, fence, runs);
  } catch (e) {
    // too many files to list on the editor's thread: the shape stays unknown, training lists them all
    const result: DataProbe | undefined = e instanceof TooManyEntries ? { ok: true, info: {} } : e instanceof DataError ? { ok: false, problem: e.said } : undefined;
    if (!result) throw e;
    // kept until a folder changes: a bad folder is not listed again on every check
    if (folders !== undefined) folderCache.set(key, { stamp: '', folders, result });
    return result;
  }
  const stamp = stampOf(list);
  const hit = folderCache.get(key);
  if (hit && hit.stamp === stamp) {
    hit.folders = folders;
    return withChannels(hit.result, channels);
  }
  const result = attempt(() => {
    let first: { shown: string; width: number; height: number } | undefined;
    const shown = list.images.slice(0, PROBE_IMAGES);
    for (const im of shown) {
      const h = imageHeaderOf(im);
      const at = { shown: im.shown, width: h.width, height: h.height };
      if (!first) first = at;
      else if (!size) sameSize(first, at);
    }
    const shape = size ? [size[0], size[1]] : [first!.height, first!.width];
    return { features: [...shape, 0], featureType: 'float', target: { kind: 'classes', count: list.classNames.length }, train: list.images.length, test: null, image: true };
  });
  folderCache.set(key, { stamp, folders, result });
  return withChannels(result, channels);
}

/** The channels are the argument's, not the files': one probe serves both. */
function withChannels(r: DataProbe, channels: number): DataProbe {
  if (!r.ok || !r.info.features) return r;
  return { ok: true, info: { ...r.info, features: [r.info.features[0], r.info.features[1], channels] } };
}

/** A text CSV's classes and rows (files over the probe's limit are not read: those stay unknown). */
function probeTextCsv(args: Args, dir: string, allowed: ((abs: string) => boolean) | undefined, fence: Fence): DataProbe | undefined {
  if (typeof args.path !== 'string' || typeof args.text !== 'string' || typeof args.label !== 'string') return undefined;
  const shown = args.path;
  const file = path.resolve(dir, shown);
  if (allowed && !allowed(file)) return notAllowed(shown, fence);
  const rules = textRulesOf(args);
  return cached(`text_csv:${file}:${args.text}:${args.label}:${rules.tokenize}:${rules.lowercase}:${args.test}:${args.seed}:${args.limit}`, [file], () =>
    attempt(() => {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch (e) {
        throw new DataError(shown, fileProblem(e));
      }
      if (size > PROBE_LIMIT) return undefined;
      const t = readTextCsv(file, shown, args.text as string, args.label as string);
      // the distinct tokens of the training texts (those the vocabulary is built from), with <pad> and <unk>
      const distinct = new Set<string>();
      const train = textSplits(t.texts.length, t.labels, args, shown).train;
      for (let r = 0; r < train.n; r++) for (const tok of tokenize(t.texts[train.x[r]], rules)) distinct.add(tok);
      return { target: { kind: 'classes', count: t.classNames.length }, train: t.texts.length, tokens: distinct.size + 2 };
    }),
  );
}
