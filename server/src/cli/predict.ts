// nn predict RUN_DIR INPUT... [--index N] [--invert] [--json]: the run's best weights on new inputs.
// An INPUT is comma-separated numbers (one sample of a flat model, e.g. a CSV row without its
// label, standardized as the training data was), a PNG or JPEG image (decoded in pure JS, made grey
// or RGB as the model's input wants, resized by area averaging, scaled to [0, 1] and normalized
// as the training data was), or for a text_csv model a text (made token ids with the run's
// vocabulary); a folder is each image under it, in path order, leaving out what image_folder leaves
// out (data/image-names.ts leftOutName: hidden files and folders, macOS's __MACOSX/ and ._ files), with
// the same notes. --index N predicts sample N of the data's test split instead. A token
// model's (one whose input an embedding reads) numbers must be token ids: whole, in [0, vocab).
// An image whose background is light where the training images' is dark (or the other way) is
// warned of; --invert reads its pixels inverted (1 - v). Other image formats (GIF, WebP, ...) are
// refused: no decoder for them is among nn's dependencies. A text none of whose words is in the
// vocabulary is warned of (the model sees only <unk>); one with no words at all is refused.
// Prints the 3 most probable classes with their names, or the predicted value(s); long inputs
// are shown shortened, a test sample with its input and its true label or value.

import { readDataFile } from '../data/errors';
import { isNumber } from '../data/csv';
import { thresholdFor } from '../runtime/train/losses';
import * as path from 'node:path';
import { decodeImage, resizeArea } from '../data/images';
import { extensionIn, isImageName, namedWhenLeftOut, OTHER_IMAGE_EXTENSIONS } from '../data/image-names';
import { imagesIn, leftOutNotes } from '../data/image-folder';
import { renderRuntime, rmsg, type RuntimeMessage } from '../core/runtime-messages';
import { encodeText, tokenize } from '../data/text';
import { isFile, isFolder } from '../data/builtin';
import { tf, type Tensor } from '../runtime/tf';
import { loadModel, checkpointDir } from '../runtime/train/checkpoint';
import { UsageError, type Parsed } from './args';
import { words, wordsOf, cliLang, colon, type CliWords } from './i18n';
import { borderMean, checkedRun, checkDataFitsModel, inputShape, chooseBackend, intFlag, loadOptions, loadNotes, loadTrainData, readRunConfig, weightsDir, userError, CliError, type RunConfig } from './common';

export interface Prediction {
  input: string;
  /** an image that does not look like the training images (its background), a text of unknown words; English (JSON output) */
  warning?: string;
  /** classification: the top classes, most probable first */
  top?: { class: number; name?: string; probability?: number; score?: number }[];
  /** regression: the predicted values */
  values?: number[];
}

export async function predictCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [runDir, ...inputs] = args.positionals;
  if (!runDir) throw new UsageError(words().predictNeeds('run'));
  const index = intFlag(args, 'index', 0);
  if (index === undefined && !inputs.length) throw new UsageError(words().predictNeeds('inputs'));
  const invert = args.flags.get('invert') === true;
  const rc = readRunConfig(runDir);
  try {
    // a few samples through the model: too little work to share among threads (unless --threads)
    await chooseBackend(args, undefined, 0);
    const dir = weightsDir(runDir, checkpointDir);
    const model = await loadModel(dir);
    const shape = inputShape(model);
    const vocab = tokenVocab(model);
    checkSpacedNumbers(inputs, shape);
    const given = rc.text ? inputs : imageInputs(inputs, err);
    const rows: { input: string; shown: string; x: Float32Array; background?: Background; unknown?: UnknownWords }[] = given.map((i) => ({ input: i, shown: rc.text ? shortText(i) : shortInput(i), ...readInput(i, shape, rc, vocab, invert) }));
    if (index !== undefined) {
      const { cfg, errors } = checkedRun(rc, runDir);
      if (errors > 0) throw new CliError(words().hasErrorsNow(rc.file));
      const { data } = await loadTrainData(cfg, loadOptions(args, loadNotes(err), runDir));
      // rows of another width would be cut into the model's input size without a word
      checkDataFitsModel(model, data, runDir);
      const test = data.test;
      if (!test || index >= test.n) throw new CliError(words().indexOutside(index, test?.n ?? 0));
      const w = shape.reduce((a, b) => a * b, 1);
      const x = test.x.slice(index * w, index * w + w);
      // the JSON's input stays English; the line for a person is in the locale
      const sample = (w: CliWords) => `${w.testSample(index)} ${describeSample(x, shape, data.image, rc, w)} ${trueValue(test, index, data.targetDims ?? 1, data.classNames, w)}`;
      rows.push({ input: sample(wordsOf('en')), shown: sample(words()), x });
    }
    const warning = (r: (typeof rows)[number], w: CliWords) => (r.background ? backgroundWarning(r.background, w) : r.unknown ? unknownWarning(r.unknown, w) : undefined);
    const preds = rows.map((r) => {
      const said = warning(r, wordsOf('en'));
      return { ...predictOne(model, shape, r.input, r.x, rc), ...(said ? { warning: said } : {}) };
    });
    model.dispose();
    if (args.flags.has('json')) out(JSON.stringify({ run: runDir, weights: dir, predictions: preds }));
    else
      preds.forEach((p, i) => {
        const said = warning(rows[i], words());
        if (said) err(`nn predict: ${words().warningPrefix}${colon()}${said}`);
        out(formatPrediction({ ...p, input: rows[i].shown }));
      });
    return 0;
  } catch (e) {
    return userError('predict', e, err);
  }
}

/**
 * The inputs with each folder made its images (image-folder.ts imagesIn: every image under it,
 * in path order), leaving out what image_folder leaves out (data/image-names.ts leftOutName), with
 * its notes: a `__MACOSX` folder among the inputs (from `nn predict RUN photos/*`) is left out whole.
 */
function imageInputs(inputs: readonly string[], err: (s: string) => void): string[] {
  const note = loadNotes(err);
  const say = (m: RuntimeMessage) => note(renderRuntime(m, 'en'), m);
  const out: string[] = [];
  for (const input of inputs) {
    if (!isFolder(input)) {
      out.push(input);
      continue;
    }
    // only macOS's __MACOSX, which `photos/*` expands to: a hidden folder the user names (.samples,
    // ~/x/.cache) is read as asked (a shell's * never expands to a name starting with '.')
    const name = path.basename(input);
    if (namedWhenLeftOut(name)) {
      for (const m of leftOutNotes(path.dirname(input), { folders: [name], files: [] })) say(m);
      continue;
    }
    const { images, leftOut, skipped } = imagesIn(input, input);
    const shown = input.replace(/[\\/]+$/, '');
    for (const m of leftOutNotes(shown, leftOut)) say(m);
    if (skipped.n) say(rmsg('imagesSkipped', { folder: shown, n: skipped.n, kinds: skipped.kinds.join(', ') }));
    out.push(...images.map((im) => im.shown));
  }
  // every input left out: nothing to predict (--index alone gives none)
  if (inputs.length && !out.length) throw new UsageError(words().predictNeeds('inputs'));
  return out;
}

/** Numbers as the command line gives them: up to 8 as written, more as the first 6 and how many. */
function shortInput(input: string): string {
  const cells = input.split(',');
  if (cells.length <= 8) return input;
  return `${cells.slice(0, 6).join(',')},... ${words().numbersShortened(cells.length)}`;
}

/** A text as the command line gives it: up to 60 characters as written, longer ones cut with '...' (a comma is a text's, not a separator). */
function shortText(input: string): string {
  const chars = [...input];
  return chars.length <= 60 ? input : `${chars.slice(0, 57).join('')}...`;
}

/** A test sample's input, as it was before standardization: its values (shortened), or its image size. */
function describeSample(x: Float32Array, shape: number[], image: boolean, rc: RunConfig, w: CliWords): string {
  if (image && shape.length === 3) return w.imageOf(shape[0], shape[1], shape[2]);
  const st = rc.standardize;
  const values = Array.from(x, (v, i) => (st ? v * (st.std[i] || 1) + st.mean[i] : v)).map((v) => Number(v.toPrecision(6)));
  return `[${values.length <= 8 ? values.join(', ') : `${values.slice(0, 6).join(', ')}, ... ${w.valuesShortened(values.length)}`}]`;
}

/** A test sample's true label, or its true value(s). */
function trueValue(test: { y: Int32Array | Float32Array }, index: number, dims: number, classNames: string[] | undefined, w: CliWords): string {
  if (test.y instanceof Int32Array) {
    const label = test.y[index];
    return w.trueLabel(label, classNames ? classNames[label] : undefined);
  }
  const values = Array.from(test.y.subarray(index * dims, (index + 1) * dims), (v) => Number(v.toPrecision(6)));
  return w.trueValues(values.join(', '), values.length);
}

/**
 * Numbers given as separate arguments (`1.4 0.2`) or with spaces in one (`"1.4 0.2"`) where the
 * model takes several numbers a sample: said as such, with the input written with commas.
 */
function checkSpacedNumbers(inputs: string[], shape: number[]): void {
  const w = shape.reduce((a, b) => a * b, 1);
  if (w > 1 && inputs.length > 1 && inputs.every((i) => isNumber(i))) {
    const n = inputs.length;
    throw new CliError(words().spacedArgs(n, w, `[${shape.join(', ')}]`, inputs.length === w ? inputs.join(',') : undefined));
  }
  for (const i of inputs) {
    const parts = i.trim().split(/[\s,]+/);
    if (/\s/.test(i.trim()) && parts.every((p) => isNumber(p))) throw new CliError(words().spacedNumbers(i, parts.join(',')));
  }
}

function predictOne(model: tf.LayersModel, shape: number[], input: string, x: Float32Array, rc: RunConfig): Prediction {
  const outv = tf.tidy(() => Array.from((model.predict(tf.tensor(x, [1, ...shape])) as Tensor).dataSync()));
  if (rc.data.task !== 'classification') return { input, values: outv };
  const loss = rc.loss;
  const logits = loss.args.from_logits !== false;
  let probs: number[] | undefined;
  if (outv.length === 1) {
    // one unit: the score of class 1
    const p1 = loss.name === 'binary_cross_entropy' ? (logits ? 1 / (1 + Math.exp(-outv[0])) : outv[0]) : undefined;
    // other losses: the cut training's accuracy used (0.5 for mse on classes 0 and 1, else 0)
    const c = p1 !== undefined ? (p1 > 0.5 ? 1 : 0) : outv[0] > thresholdFor(loss.name, loss.args.from_logits) ? 1 : 0;
    const name = rc.data.classNames?.[c];
    return { input, top: [{ class: c, ...(name ? { name } : {}), ...(p1 !== undefined ? { probability: c === 1 ? p1 : 1 - p1 } : { score: outv[0] }) }] };
  }
  if (loss.name === 'cross_entropy') probs = logits ? softmax(outv) : outv;
  const order = outv.map((_, i) => i).sort((a, b) => outv[b] - outv[a]).slice(0, 3);
  return {
    input,
    top: order.map((c) => {
      const name = rc.data.classNames?.[c];
      return { class: c, ...(name ? { name } : {}), ...(probs ? { probability: probs[c] } : { score: outv[c] }) };
    }),
  };
}

function softmax(z: number[]): number[] {
  const m = z.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function formatPrediction(p: Prediction): string {
  if (p.values) return `${p.input}${colon()}${p.values.map((v) => Number(v.toPrecision(6))).join(', ')}`;
  const parts = p.top!.map((t) => {
    const label = t.name ? `${t.class} ${t.name}` : words().classN(t.class);
    return t.probability !== undefined ? `${label} ${(t.probability * 100).toFixed(1)}%` : `${label} ${words().score(t.score!.toFixed(3))}`;
  });
  return `${p.input}${colon()}${parts.join(cliLang() === 'en' ? ', ' : '，')}`;
}

/**
 * A token model's vocabulary: the input ids must be whole numbers in [0, vocab) for every
 * embedding that reads the model's input (the smallest of their vocabularies); undefined when no
 * embedding reads it.
 */
export function tokenVocab(model: tf.LayersModel): number | undefined {
  let vocab: number | undefined;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Embedding' || layer.input !== model.inputs[0]) continue;
    const n = (layer.getConfig() as { inputDim?: unknown }).inputDim;
    if (typeof n === 'number') vocab = Math.min(vocab ?? n, n);
  }
  return vocab;
}

/** Image files nn cannot decode: no decoder for them is among its dependencies (pngjs reads PNG, jpeg-js JPEG). */
const isOtherImage = (input: string) => extensionIn(input, OTHER_IMAGE_EXTENSIONS) !== undefined;

/**
 * One input argument as the model's input values; `vocab`: a token model's, its ids are checked
 * against it; `invert`: an image's pixels are read as 1 - v. An image that does not look like
 * the training images comes with a warning.
 */
export function readInput(input: string, shape: number[], rc: RunConfig, vocab?: number, invert = false): { x: Float32Array; background?: Background; unknown?: UnknownWords } {
  const w = shape.reduce((a, b) => a * b, 1);
  // a text model's input is a text, made token ids as its training texts were
  if (rc.text) {
    if (invert) throw new UsageError(words().invertForImages);
    if (input.trim() === '') throw new CliError(words().emptyText);
    // an image file's name would be read as the words of a sentence
    if ((isImageName(input) || isOtherImage(input)) && isFile(input)) throw new CliError(words().textModelImage(input));
    const read = tokenize(input, rc.text).slice(0, rc.text.length);
    // all padding: the model would answer as for an empty text
    if (read.length === 0) throw new CliError(words().textNoWords(input));
    const x = encodeText(input, rc.text);
    // every id <unk>: the prediction is the model's answer to no known word at all
    const unknown = x.subarray(0, read.length).every((id) => id === 1);
    return { x, ...(unknown ? { unknown: { input: shortText(input), tokens: read.length, chars: rc.text.tokenize === 'chars', vocab: rc.text.vocab.length } } : {}) };
  }
  if (isOtherImage(input)) {
    throw new CliError(words().otherImage(input, input.slice(input.lastIndexOf('.') + 1).toUpperCase()));
  }
  if (isImageName(input)) {
    if (shape.length !== 3) throw new CliError(words().notImageModel(input, `[${shape.join(', ')}]`));
    return imageInput(readDataFile(input, input), input, shape as [number, number, number], rc, invert);
  }
  if (invert) throw new UsageError(words().invertForImages);
  const cells = input.split(',');
  const bad = cells.findIndex((s) => !isNumber(s));
  if (input.trim() === '' || bad >= 0) {
    // Number('') is 0: an empty value would have been read as a zero
    throw new CliError(cells.length > 1 && cells[bad].trim() === '' ? words().emptyValue(input, bad + 1) : words().notInput(input));
  }
  const values = cells.map(Number);
  if (values.length !== w) throw new CliError(words().wrongCount(shortInput(input), values.length, w, `[${shape.join(', ')}]`));
  if (vocab !== undefined) {
    // an embedding looks its ids up: another number is no token (tfjs failed inside GatherV2, or cut 1.5 to 1)
    const i = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= vocab);
    if (i >= 0) throw new CliError(words().notTokenId(input, i + 1, cells[i].trim(), vocab));
    return { x: Float32Array.from(values) };
  }
  const st = rc.standardize;
  return { x: Float32Array.from(values, (v, i) => (st ? (v - st.mean[i]) / (st.std[i] || 1) : v)) };
}

/**
 * A PNG or JPEG as [h, w, c] values: decoded with its size checked first (data/images.ts),
 * grey (c = 1) or RGB (c = 3), area-resized as image_folder resizes, scaled to [0, 1], inverted
 * when asked, and normalized; with a warning when its background and the training images' are
 * of opposite brightness.
 */
export function imageInput(bytes: Buffer, name: string, [h, w, c]: [number, number, number], rc: RunConfig, invert = false): { x: Float32Array; background?: Background } {
  if (c !== 1 && c !== 3) throw new CliError(words().imageChannels(name, c));
  const out = new Float32Array(h * w * c);
  resizeArea(decodeImage(bytes, name), h, w, c, out);
  if (invert) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  const norm = rc.pixelNormalize;
  const background = unlikeTraining(name, borderMean(out, h, w, c), rc.imageBackground, invert);
  if (norm) for (let i = 0; i < out.length; i++) out[i] = (out[i] - norm.mean) / norm.std;
  return { x: out, ...(background ? { background } : {}) };
}

/**
 * A PNG's background (its border, in [0, 1]) against the training images': of opposite
 * brightness (one below 0.5, the other above, at least 0.5 apart), the model sees an image
 * unlike any it learned from, and says a confident wrong answer.
 */
function unlikeTraining(name: string, png: number, training: number | undefined, invert: boolean): Background | undefined {
  if (training === undefined || Math.abs(png - training) < 0.5) return undefined;
  return { name, png, training, invert };
}

/** A text none of whose words (those the model reads) is in the run's vocabulary. */
export interface UnknownWords {
  input: string;
  tokens: number;
  chars: boolean;
  vocab: number;
}

function unknownWarning(u: UnknownWords, w: CliWords): string {
  return w.unknownWords(u.input, u.tokens, u.chars, u.vocab);
}

/** An image whose background is of the opposite brightness to the training images'. */
export interface Background {
  name: string;
  png: number;
  training: number;
  invert: boolean;
}

/** The warning for such an image, in a locale's words. */
export function backgroundWarning(b: Background, w: CliWords): string {
  return w.backgroundWarning(b.name, b.invert, b.png >= 0.5, b.png.toFixed(2), b.training >= 0.5, b.training.toFixed(2));
}
