// A checked dataset (core DataRef) turned into training data: typed arrays, one row per sample.
//
// Splits, in the order they are made (the sizes are those `describe()` in catalog/datasets.ts
// promises: test = round(n · test), train = min(n - test, limit)):
// - generated and CSV data: the `test` fraction is a random subset of the rows chosen by the
//   dataset's seed (both parts keep their original order; generated rows are already in random
//   order); then `limit` keeps the first N training rows.
// - IDX and the built-in sets: the training files, cut to the first `limit` records; the test
//   split is the test files (never limited).
// Normalization comes after splitting:
// - CSV `normalize: true`: each feature minus its mean, divided by its standard deviation, both
//   measured on the training split as it is trained on (after `limit`), applied to both splits
//   and recorded in `standardize`; a constant feature has standard deviation 0 and is divided by
//   1 (recorded as std 1).
// - images: pixel bytes / 255 into [0, 1], then with `normalize: [mean, std]` (x - mean) / std,
//   recorded in `pixelNormalize`.
// Labels stay class indices (Int32Array) also with `one_hot: true`, which only sets `oneHot`: the
// trainer expands them.

import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { DataRef } from '../core/train';
import type { Args } from '../core/catalog/types';
import type { LoadedData, LoadOptions, Split } from './types';
import { DataError, unknownArgument } from './errors';
import { rmsg, type RuntimeMessage } from '../core/runtime-messages';
import { generate, ArgReader } from './synthetic';
import { readCsvFile, csvOptionsOf, classKeys } from './csv';
import { readIdx, imageShape, checkLabelDims, checkTestImageShape, checkImages, labelMax, classesOfLabels, type Classes } from './idx';
import { locateBuiltin, BUILTINS, type BuiltinName, type BuiltinOverrides, type FileSet } from './builtin';
import { firstRows, splitRows } from './batches';
import { rngFor, STREAM } from './random';
import { readImageFolder, channelsOf, DATA_CACHE } from './image-folder';
import { readTextCsv, textRulesOf, buildVocab, vocabIndex, encodeText, type TextRules } from './text';
import { CIFAR, locateCifar, cifarClassNames, readCifarFiles, type CifarName, type CifarRead } from './cifar';

/** Loads the data of a checked dataset. `over` is for tests (download checksums, folders). */
export async function loadData(ref: DataRef, opts: LoadOptions = {}, over: BuiltinOverrides = {}): Promise<LoadedData> {
  const dir = path.dirname(ref.file);
  for (const p of ref.spec.params) {
    if (p.required && ref.fn.args[p.name] === undefined) throw unknownArgument(ref.spec.name, p.name);
  }
  switch (ref.spec.source) {
    case 'synthetic':
      return loadSynthetic(ref);
    case 'file':
      if (ref.spec.name === 'csv') return loadCsv(ref, dir);
      if (ref.spec.name === 'text_csv') return loadTextCsv(ref, dir);
      return ref.spec.name === 'image_folder' ? loadImageFolder(ref, dir, opts) : loadIdx(ref, dir);
    case 'builtin':
      return loadBuiltin(ref, dir, opts, over);
  }
}

function limitOf(args: Args): number | undefined {
  return typeof args.limit === 'number' ? args.limit : undefined;
}

/**
 * Holds out round(n · fraction) rows, chosen by the seed, as the test split. `shown` names the
 * data in the error when nothing would be left to train on.
 */
function holdOut(all: Split, a: ArgReader, shown: string): { train: Split; test?: Split } {
  const f = a.num('test');
  const nTest = Math.round(all.n * f);
  if (nTest === 0) return { train: all };
  if (nTest >= all.n) throw new DataError(shown, rmsg('testHoldsAll', { fraction: f, n: all.n }));
  const perm = rngFor(a.num('seed'), STREAM.split).permutation(all.n);
  const isTest = new Uint8Array(all.n);
  for (let i = 0; i < nTest; i++) isTest[perm[i]] = 1;
  // `all` is this loader's own: the training rows are moved up in place (a table of hundreds of
  // MB is not copied again), the test rows copied out; both in file order
  return splitRows(all, isTest);
}

function limited(s: Split, limit: number | undefined): Split {
  return limit === undefined ? s : firstRows(s, limit);
}

function loadSynthetic(ref: DataRef): LoadedData {
  const args = ref.fn.args;
  const g = generate(ref.spec.name, args);
  const { train, test } = holdOut(g, new ArgReader(ref.spec.name, args), ref.name);
  return {
    name: ref.name,
    featureShape: g.featureShape,
    task: g.task,
    ...(g.task === 'classification' ? { classes: g.classes, ...(g.classNames ? { classNames: g.classNames } : {}) } : { targetDims: g.targetDims }),
    oneHot: args.one_hot === true,
    image: false,
    train: limited(train, limitOf(args)),
    ...(test ? { test } : {}),
    source: `generated (seed ${String(args.seed)})`,
  };
}

function loadCsv(ref: DataRef, dir: string): LoadedData {
  const args = ref.fn.args;
  const shown = args.path as string;
  const file = path.resolve(dir, shown);
  const t = readCsvFile(file, shown, csvOptionsOf(args));
  const classification = t.task === 'classification';
  if (!classification && args.one_hot === true) {
    throw new DataError(shown, rmsg('oneHotRegression', { column: t.labelColumn }));
  }
  const all: Split = { x: t.features, y: classification ? t.classes! : t.targets!, n: t.rows };
  const split = holdOut(all, new ArgReader(ref.spec.name, args), shown);
  const train = limited(split.train, limitOf(args));
  const test = split.test;
  const standardize = args.normalize === true ? standardizeFeatures(train, test, t.featureNames.length) : undefined;
  return {
    name: ref.name,
    featureShape: [t.featureNames.length],
    task: t.task,
    ...(classification ? { classes: t.classNames!.length, classNames: t.classNames } : { targetDims: 1 }),
    oneHot: args.one_hot === true,
    image: false,
    train,
    ...(test ? { test } : {}),
    source: file,
    ...(standardize ? { standardize } : {}),
  };
}

/**
 * A text CSV's row numbers split as its texts are: the test fraction held out by the seed, the
 * training split cut to `limit`. The vocabulary is built from the training rows; the editor's
 * probe counts their tokens through this too, so the two agree.
 */
export function textSplits(n: number, labels: Split['y'], args: Args, shown: string): { train: Split; test?: Split } {
  const rows: Split = { x: Float32Array.from({ length: n }, (_, i) => i), y: labels, n };
  const split = holdOut(rows, new ArgReader('text_csv', args), shown);
  return { train: limited(split.train, limitOf(args)), ...(split.test ? { test: split.test } : {}) };
}

/**
 * Labelled texts (text.ts): the rows split by the seed, the training split cut to `limit`, the
 * vocabulary built from the training texts only, every text made `length` token ids.
 */
function loadTextCsv(ref: DataRef, dir: string): LoadedData {
  const args = ref.fn.args;
  const shown = args.path as string;
  const file = path.resolve(dir, shown);
  const t = readTextCsv(file, shown, args.text as string, args.label as string);
  // split row numbers, then make each split's texts ids
  const split = textSplits(t.texts.length, t.labels, args, shown);
  const trainRows = split.train;
  const base = textRulesOf(args);
  const rules: TextRules = { ...base, vocab: buildVocab(Array.from(trainRows.x, (i) => t.texts[i]), base, args.vocab as number) };
  const index = vocabIndex(rules.vocab);
  const encode = (s: Split): Split => {
    const x = new Float32Array(s.n * rules.length);
    for (let r = 0; r < s.n; r++) encodeText(t.texts[s.x[r]], rules, index, x, r * rules.length);
    return { x, y: s.y, n: s.n };
  };
  return {
    name: ref.name,
    featureShape: [rules.length],
    task: 'classification',
    classes: t.classNames.length,
    classNames: t.classNames,
    oneHot: args.one_hot === true,
    image: false,
    train: encode(trainRows),
    ...(split.test ? { test: encode(split.test) } : {}),
    source: file,
    text: rules,
  };
}

/**
 * A separate validation dataset prepared as the training data is:
 * - its features standardized with the training data's statistics when the training data's are
 *   (as its test split and `nn predict`'s inputs are), whatever its own `normalize` says: each
 *   dataset used its own statistics, so validation saw other inputs than the model was trained on;
 * - its classes numbered as the training data's. Each dataset numbers its own class names in
 *   sorted order, so a validation file without one of the training classes numbered the others
 *   differently, and its accuracy compared the wrong classes. A class the training data does not
 *   have is an error naming the validation file.
 */
export function alignValidation(data: LoadedData, validation: LoadedData): LoadedData {
  if (data.text || validation.text) {
    // each text dataset builds its own vocabulary: the same word would have other ids
    throw new DataError(validation.source, rmsg('textValidation'));
  }
  return alignClasses(data, alignStandardization(data, validation));
}

function alignStandardization(data: LoadedData, validation: LoadedData): LoadedData {
  const to = data.standardize;
  const from = validation.standardize;
  if (!to && !from) return validation;
  const f = to?.mean.length ?? from!.mean.length;
  // back to the file's values, then with the training data's statistics (if any)
  const redo = (s: Split): Split => {
    const x = new Float32Array(s.x.length);
    for (let i = 0; i < x.length; i++) {
      const raw = from ? s.x[i] * from.std[i % f] + from.mean[i % f] : s.x[i];
      x[i] = to ? (raw - to.mean[i % f]) / to.std[i % f] : raw;
    }
    return { ...s, x };
  };
  const out: LoadedData = { ...validation, train: redo(validation.train), ...(validation.test ? { test: redo(validation.test) } : {}) };
  if (to) out.standardize = to;
  else delete out.standardize;
  return out;
}

function alignClasses(data: LoadedData, validation: LoadedData): LoadedData {
  const names = data.classNames;
  const theirs = validation.classNames;
  if (data.task !== 'classification' || validation.task !== 'classification' || !names || !theirs) return validation;
  if (theirs.length === names.length && theirs.every((c, i) => c === names[i])) return validation;
  // numeric class names match by value, as one file's classes do (1 and 1.0)
  const index = new Map(classKeys(names).map((c, i) => [c, i]));
  const map = classKeys(theirs).map((c) => index.get(c));
  const unknown = theirs.find((_, i) => map[i] === undefined);
  if (unknown !== undefined) throw new DataError(validation.source, rmsg('unknownClass', { name: unknown, classes: names.join(', ') }));
  const renumber = (s: Split): Split => ({ ...s, y: Int32Array.from(s.y, (k) => map[k]!) });
  return { ...validation, classes: names.length, classNames: names, train: renumber(validation.train), ...(validation.test ? { test: renumber(validation.test) } : {}) };
}

/** (x - mean) / std per feature, with the training split's statistics, in place on both splits. */
function standardizeFeatures(train: Split, test: Split | undefined, f: number): { mean: number[]; std: number[] } {
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  const x = train.x;
  for (let i = 0; i < x.length; i++) mean[i % f] += x[i];
  for (let k = 0; k < f; k++) mean[k] /= train.n;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - mean[i % f];
    sq[i % f] += d * d;
  }
  const std = Array.from(sq, (s) => Math.sqrt(s / train.n) || 1);
  for (const s of test ? [train, test] : [train]) {
    for (let i = 0; i < s.x.length; i++) s.x[i] = (s.x[i] - mean[i % f]) / std[i % f];
  }
  return { mean: Array.from(mean), std };
}

// ---- images ----

interface FileName {
  abs: string;
  shown: string;
}

/** pixel byte -> value: v / 255, then (x - mean) / std when normalize is given */
function pixelTable(normalize: unknown, shown: string): { lut: Float32Array; pixelNormalize?: { mean: number; std: number } } {
  const lut = new Float32Array(256);
  let pn: { mean: number; std: number } | undefined;
  if (Array.isArray(normalize)) {
    const [mean, std] = normalize as number[];
    if (!(std > 0)) throw new DataError(shown, rmsg('normalizeStd', { mean, std }));
    pn = { mean, std };
  }
  for (let v = 0; v < 256; v++) lut[v] = pn ? (v / 255 - pn.mean) / pn.std : v / 255;
  return { lut, ...(pn ? { pixelNormalize: pn } : {}) };
}

/** Pixel bytes through the table (a plain loop: Float32Array.from with a function is 20 times slower). */
function scaled(bytes: Uint8Array, lut: Float32Array): Float32Array {
  const x = new Float32Array(bytes.length);
  for (let i = 0; i < x.length; i++) x[i] = lut[bytes[i]];
  return x;
}

interface ImageSet {
  split: Split;
  shape: number[];
  /** largest label over all records (also those past `limit`) */
  maxLabel: number;
}

/**
 * Reads an images file and its labels file: the first `limit` records become the split. Every
 * label is checked to be a class index below `classes` (when known), naming the file and record.
 */
function readImageSet(
  images: FileName,
  labels: FileName,
  lut: Float32Array,
  limit: number | undefined,
  classes: Classes | undefined,
  checkShape: (shape: number[], records: number) => void,
  known?: { images: string; labels: string; title: string },
): ImageSet {
  // each header is judged before its file is read or unpacked
  const img = readIdx(images.abs, images.shown, (h) => {
    checkShape(imageShape(h.dims, images.shown), h.dims[0]);
    checkImages(h.type, h.dims[0], images.shown);
  });
  const shape = imageShape(img.dims, images.shown);
  const n = img.dims[0];
  const lab = readIdx(labels.abs, labels.shown, (h) => checkLabelDims(h.dims, n, labels.shown, images.shown));
  if (known) {
    checkContent(img.bytes, known.images, images.shown, known.title);
    checkContent(lab.bytes, known.labels, labels.shown, known.title);
  }
  const maxLabel = labelMax(lab.data, n, labels.shown, classes);
  const m = limit === undefined ? n : Math.min(n, limit);
  const x = scaled((img.data as Uint8Array).subarray(0, m * shape[0] * shape[1] * shape[2]), lut);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) y[i] = lab.data[i];
  return { split: { x, y, n: m }, shape, maxLabel };
}

interface ImageFiles {
  images: FileName;
  labels: FileName;
  testImages?: FileName;
  testLabels?: FileName;
}

/** What a built-in dataset must be. */
interface Expected {
  classes: { count: number; why: RuntimeMessage };
  shape: number[];
  title: string;
  /** the number of training and test images */
  records?: { train: number; test: number };
  /** SHA-256 of each file unpacked, where known */
  sha256?: FileSet;
}

/** A built-in set's file has the content of the official one (its SHA-256 unpacked). */
function checkContent(bytes: Uint8Array, sha256: string, shown: string, title: string): void {
  if (crypto.createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new DataError(shown, rmsg('notOfficial', { title }));
  }
}

/** A built-in set's images file holds exactly its known number of images (checked on the header, before unpacking). */
function checkRecords(expected: Expected | undefined, records: number, which: 'train' | 'test', shown: string): void {
  const want = expected?.records?.[which];
  if (expected && want !== undefined && records !== want) {
    throw new DataError(shown, rmsg('wrongRecords', { records, title: expected.title, test: which === 'test', want }));
  }
}

/** Training and test image sets; the classes those of a built-in set, or the training labels' largest + 1 (idx). */
function readImageFiles(files: ImageFiles, args: Args, expected: Expected | undefined) {
  const { lut, pixelNormalize } = pixelTable(args.normalize, files.images.shown);
  const fixed = expected?.classes;
  const train = readImageSet(files.images, files.labels, lut, limitOf(args), fixed, (shape, records) => {
    if (expected && shape.join('x') !== expected.shape.join('x')) {
      throw new DataError(files.images.shown, rmsg('wrongImageShape', { shape: shape.join('x'), title: expected.title, expected: expected.shape.join('x') }));
    }
    checkRecords(expected, records, 'train', files.images.shown);
  }, expected?.sha256 && { images: expected.sha256.trainImages, labels: expected.sha256.trainLabels, title: expected.title });
  const classes = fixed ?? classesOfLabels(train.maxLabel, files.labels.shown);
  let test: ImageSet | undefined;
  if (files.testImages && files.testLabels) {
    const shown = files.testImages.shown;
    test = readImageSet(files.testImages, files.testLabels, lut, undefined, classes, (shape, records) => {
      checkTestImageShape(shape, train.shape, shown);
      checkRecords(expected, records, 'test', shown);
    }, expected?.sha256 && { images: expected.sha256.testImages, labels: expected.sha256.testLabels, title: expected.title });
  }
  return { train, test, classes: classes.count, pixelNormalize };
}

function loadIdx(ref: DataRef, dir: string): LoadedData {
  const args = ref.fn.args;
  const at = (k: string): FileName | undefined => (typeof args[k] === 'string' ? { abs: path.resolve(dir, args[k] as string), shown: args[k] as string } : undefined);
  const [testImages, testLabels] = [at('test_images'), at('test_labels')];
  if (!testImages !== !testLabels) throw new DataError((testImages ?? testLabels)!.shown, rmsg('testBoth'));
  const files: ImageFiles = { images: at('images')!, labels: at('labels')!, testImages, testLabels };
  if (typeof args.test !== 'number') return images(ref, readImageFiles(files, args, undefined), files.images.abs);
  if (testImages) throw new DataError(testImages.shown, rmsg('testFilesAndFraction'));
  // a test: fraction is held out as CSV rows are (chosen by the seed), then limit cuts the training split
  const r = readImageFiles(files, { ...args, limit: undefined }, undefined);
  const split = holdOut(r.train.split, new ArgReader(ref.spec.name, args), files.images.shown);
  const kept = { ...r, train: { ...r.train, split: limited(split.train, limitOf(args)) }, test: split.test && { ...r.train, split: split.test } };
  return images(ref, kept, files.images.abs);
}

async function loadBuiltin(ref: DataRef, dir: string, opts: LoadOptions, over: BuiltinOverrides): Promise<LoadedData> {
  const args = ref.fn.args;
  if (ref.spec.name === 'cifar10' || ref.spec.name === 'cifar100') return loadCifar(ref, dir, opts, over);
  const spec = BUILTINS[ref.spec.name as BuiltinName];
  const found = await locateBuiltin(spec.name, typeof args.path === 'string' ? args.path : undefined, dir, opts, over);
  const f = (abs: string): FileName => ({ abs, shown: abs });
  const files: ImageFiles = { images: f(found.files.trainImages), labels: f(found.files.trainLabels), testImages: f(found.files.testImages), testLabels: f(found.files.testLabels) };
  const r = readImageFiles(files, args, { classes: { count: 10, why: rmsg('datasetHas', { title: spec.title, classes: 10 }) }, shape: [28, 28, 1], title: spec.title, ...(over.anyContent ? {} : { records: { train: 60000, test: 10000 }, sha256: spec.unpackedSha256 }) });
  return { ...images(ref, r, found.source), classNames: spec.classNames };
}

/**
 * An image folder: decoded (or read from the cache), split by the `test` fraction with the seed,
 * the training split cut to `limit`, pixels scaled (and normalized) as the IDX images are.
 */
function loadImageFolder(ref: DataRef, dir: string, opts: LoadOptions): LoadedData {
  const args = ref.fn.args;
  const shown = args.path as string;
  const root = path.resolve(dir, shown);
  const size = Array.isArray(args.size) ? (args.size as [number, number]) : undefined;
  const channels = channelsOf(args, shown);
  const cacheDir = opts.dataCacheDir === null ? undefined : (opts.dataCacheDir ?? path.join(dir, 'runs', DATA_CACHE));
  const d = readImageFolder(root, shown, size, channels, cacheDir, opts.log, [path.join(dir, 'runs'), ...(cacheDir ? [path.dirname(cacheDir)] : [])]);
  const { lut, pixelNormalize } = pixelTable(args.normalize, shown);
  const split = holdOut({ x: scaled(d.pixels, lut), y: d.labels, n: d.n }, new ArgReader(ref.spec.name, args), shown);
  return {
    name: ref.name,
    featureShape: [...d.shape],
    task: 'classification',
    classes: d.classNames.length,
    classNames: d.classNames,
    oneHot: args.one_hot === true,
    image: true,
    train: limited(split.train, limitOf(args)),
    ...(split.test ? { test: split.test } : {}),
    source: root,
    ...(pixelNormalize ? { pixelNormalize } : {}),
  };
}

/**
 * CIFAR-10 or CIFAR-100 (cifar.ts): the training files read up to `limit` images, the test file
 * whole, pixels scaled (and normalized) as other images are.
 */
async function loadCifar(ref: DataRef, dir: string, opts: LoadOptions, over: BuiltinOverrides): Promise<LoadedData> {
  const args = ref.fn.args;
  const spec = CIFAR[ref.spec.name as CifarName];
  const labels = typeof args.labels === 'string' ? args.labels : 'fine';
  const found = await locateCifar(spec, typeof args.path === 'string' ? args.path : undefined, dir, opts, over);
  const classNames = cifarClassNames(found.dir, spec, labels);
  const expected = (k: 'train' | 'test') => (over.anyContent ? undefined : spec.records[k]);
  const train = readCifarFiles(spec.train.map((f) => path.join(found.dir, f)), spec, labels, expected('train'), limitOf(args));
  const test = readCifarFiles([path.join(found.dir, spec.test)], spec, labels, expected('test'));
  const { lut, pixelNormalize } = pixelTable(args.normalize, spec.name);
  const scale = (r: CifarRead): Split => ({ x: scaled(r.pixels, lut), y: r.labels, n: r.n });
  return {
    name: ref.name,
    featureShape: [32, 32, 3],
    task: 'classification',
    classes: classNames.length,
    classNames,
    oneHot: args.one_hot === true,
    image: true,
    train: scale(train),
    test: scale(test),
    source: found.source,
    ...(pixelNormalize ? { pixelNormalize } : {}),
  };
}

export { DATA_CACHE };

function images(ref: DataRef, r: ReturnType<typeof readImageFiles>, source: string): LoadedData {
  return {
    name: ref.name,
    featureShape: r.train.shape,
    task: 'classification',
    classes: r.classes,
    oneHot: ref.fn.args.one_hot === true,
    image: true,
    train: r.train.split,
    ...(r.test ? { test: r.test.split } : {}),
    source,
    ...(r.pixelNormalize ? { pixelNormalize: r.pixelNormalize } : {}),
  };
}
