// What nn train, evaluate and predict share: finding a train block in a checked file, choosing
// the backend, loading data, and reading a run folder back.

import { replicable } from '../runtime/train/replicas';
import { describeModel } from '../core/model';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Program } from '../core/program';
import { analyzeFiles, importedSyntaxErrors, type FileAnalysis } from '../core/analyze';
import { declarationsUsedBy, inDeclarations } from '../core/names';
import { type TrainConfig, settingKeyAt } from '../core/train';
import { summarize, formatSummary, formatBytes } from '../core/summary';
import { trainingMemory } from '../core/memory';
import { render, type Locale } from '../core/messages';
import { parse } from '../core/syntax/parser';
import type { TrainDecl } from '../core/syntax/ast';
import { overrideChange, overrideText, type OverrideProblem, type TextChange } from '../core/sweep';
import { NodeHost } from '../node/host';
import { loadData, alignValidation, DATA_CACHE } from '../data/load';
import type { LoadedData, LoadOptions } from '../data/types';
import { selectBackend, BackendError, type BackendInfo, type BackendLog, type BackendPreference } from '../runtime/backend';
import { WASM_MAX_THREADS } from '../runtime/wasm-threads';
import { DataError } from '../data/errors';
import * as fs from 'node:fs';
import { CheckpointError, readJson } from '../runtime/train/checkpoint';
import { object, opt, int } from '../runtime/train/schema';
import { readRunConfig as readRunFolderConfig, type RunConfig } from '../runtime/train/run-config';

export type { RunConfig };
import type { LayersModel } from '../runtime/tf';
import { UsageError, type Parsed } from './args';
import { shownPath } from './files';
import { SWEEP_FILE } from './sweep';
import { words, cliLang } from './i18n';
import { localize } from '../core/diagnostics';
import { renderRuntime, renderStored, rmsg, type RuntimeMessage } from '../core/runtime-messages';

/** A failure that is the user's to fix (not a usage error): printed, exit 1. */
export class CliError extends Error {}

/** Print a failure that is the user's to fix (bad data, no backend, ...) and return exit code 1; rethrow anything else. */
export function userError(cmd: string, e: unknown, err: (s: string) => void): number {
  if (e instanceof CliError || e instanceof DataError || e instanceof BackendError || e instanceof CheckpointError) {
    err(`nn ${cmd}: ${errorText(e)}`);
    return 1;
  }
  throw e;
}

/** A user's error in the command's locale: a data problem rendered from its message id; the others as they were said. */
export function errorText(e: Error): string {
  if (e instanceof DataError) return e.text(cliLang());
  const said = (e as { said?: RuntimeMessage }).said;
  return said ? renderRuntime(said, cliLang()) : e.message;
}

export interface Checked {
  cfg: TrainConfig;
  analysis: FileAnalysis;
  summary: string;
  /** `file:line:col: severity code: message` for every diagnostic, the file's and those found in the files it uses */
  diagnostics: string[];
  /** errors among them in what the train block uses (itself, its model, datasets, constants, the blocks and imports they use): these refuse it */
  errors: number;
  /** errors among them elsewhere (another train block, an unused model): `nn check` reports them; they do not stop this block */
  otherErrors: number;
  /** the texts analysed, as written (before --set): each file's SHA-256 by its absolute path (`sourceHashes`) */
  sources: Record<string, string>;
}

/**
 * The SHA-256 of the text of `file` and of every file it imports (transitively), by absolute
 * path, as the analysis reads them (the host's text): what a sweep's trials must train from
 * (cli/sweep.ts). A file that cannot be read has no entry. `program` is one that read them.
 */
export function sourceHashes(file: string, program = new Program(new NodeHost())): Record<string, string> {
  program.loadWithImports(path.resolve(file));
  const out: Record<string, string> = {};
  for (const f of program.files().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) out[f.path] = createHash('sha256').update(f.text, 'utf8').digest('hex');
  return out;
}

/**
 * `checkedTrain` for the file and train block a run folder records. They are not on the command
 * line, so a file moved or renamed since, or a train block renamed, is a user error naming the
 * run (exit 1), not a usage error.
 */
export function checkedRun(rc: RunConfig, runDir: string, train = rc.train): Checked {
  try {
    return checkedTrain(rc.file, train, recordedOverrides(rc));
  } catch (e) {
    if (e instanceof UsageError) throw new CliError(words().runMoved(e.message, runDir, rc.train, rc.file));
    throw e;
  }
}

/** The overrides a run folder records (--set, a sweep's trial), as source text to put in place again. */
export function recordedOverrides(rc: RunConfig): [string, string][] {
  return Object.entries(rc.overrides ?? {}).map(([k, v]) => [k, overrideText(v)]);
}

/** The shape of one sample a saved model takes (without the batch axis). */
export function inputShape(model: LayersModel): number[] {
  return model.inputs[0].shape.slice(1).map((d) => d ?? 1);
}

/** Refuses data whose samples are not the shape the run's saved model takes (the dataset changed since the run). */
export function checkDataFitsModel(model: LayersModel, data: LoadedData, runDir: string): void {
  const takes = inputShape(model);
  if (takes.join(',') !== data.featureShape.join(',')) {
    throw new CliError(words().dataShapeChanged(`[${data.featureShape.join(', ')}]`, runDir, `[${takes.join(', ')}]`));
  }
  // and its outputs: one per class (or one for two classes), or one per target value
  const units = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  const fits = data.task === 'classification' ? units === data.classes || (units === 1 && data.classes === 2) : units === data.targetDims;
  if (!fits) {
    throw new CliError(words().dataOutputsChanged(data.task === 'classification' ? data.classes : undefined, data.targetDims, runDir, units ?? 0));
  }
}

/** Values put in place of the train block's (`--set KEY=VALUE`, a sweep's trial): key and source text, applied in order. */
export type Overrides = readonly (readonly [string, string])[];

/**
 * Analyze a file and pick its train block (by name, or the only one). With `overrides`, the train
 * block's values at those keys are replaced in the text (core/sweep.ts overrideChange) and the
 * file is analysed again: a value is checked as one written in the file, and a problem in it is
 * reported as `--set KEY: ...`. An override that cannot be put in place is a CliError.
 */
export function checkedTrain(file: string, name: string | undefined, overrides: Overrides = []): Checked {
  const abs = path.resolve(file);
  const host = new NodeHost();
  let program = new Program(host);
  let results = analyzeFiles(program, [abs]);
  let analysis = results[0];
  if (!analysis.source) throw new UsageError(words().cannotReadQuoted(file));
  let cfg = pickTrain(file, analysis, name);
  const original = analysis.source.lines;
  const sources = sourceHashes(abs, program);
  /** the edits made, in order, each with the key it puts in place */
  const edits: (TextChange & { key: string })[] = [];
  if (overrides.length) {
    let text = analysis.source.text;
    for (const [key, value] of overrides) {
      const decl = parse(text).decls.find((d): d is TrainDecl => d.kind === 'Train' && d.name?.text === cfg.name);
      const change = decl && overrideChange(decl, key, value);
      if (!change) throw new CliError(words().setGone(key, cfg.name, file));
      if ('kind' in change) throw new CliError(overrideProblem(change, cfg.name));
      text = text.slice(0, change.start) + change.newText + text.slice(change.end);
      edits.push({ ...change, key });
    }
    host.overlay.set(abs, text);
    program = new Program(host);
    results = analyzeFiles(program, [abs]);
    analysis = results[0];
    cfg = pickTrain(file, analysis, cfg.name);
  }
  const used = declarationsUsedBy(program, cfg.decl, cfg.file);
  const all = [...results.flatMap((r) => r.diagnostics), ...importedSyntaxErrors(program, used, new Set([abs]))];
  const diagnostics: string[] = [];
  let errors = 0;
  let otherErrors = 0;
  for (const d of all) {
    const at = d.file === abs && edits.length ? beforeEdits(d.start, edits) : undefined;
    if (at?.key !== undefined) {
      diagnostics.push(`--set ${at.key}: ${words().severity(d.severity)} ${d.code}: ${localize(d, cliLang())}`);
    } else {
      const p = at ? original.position(at.offset) : program.file(d.file)!.lines.position(d.start);
      diagnostics.push(`${d.file === abs ? file : shownPath(d.file, file)}:${p.line + 1}:${p.character + 1}: ${words().severity(d.severity)} ${d.code}: ${localize(d, cliLang())}`);
    }
    if (d.severity === 'error') {
      if (inDeclarations(d, used)) errors++;
      else otherErrors++;
    }
  }
  const summary = cfg.model ? formatSummary(summarize(cfg.model, (f) => program.file(f)?.lines), `${file}`) : '';
  return { cfg, analysis, summary, diagnostics, errors, otherErrors, sources };
}

function pickTrain(file: string, analysis: FileAnalysis, name: string | undefined): TrainConfig {
  const names = analysis.trains.map((t) => t.name);
  if (name !== undefined) {
    const cfg = analysis.trains.find((t) => t.name === name);
    if (!cfg) throw new UsageError(words().noTrainNamed(file, name, names));
    return cfg;
  }
  if (names.length === 1) return analysis.trains[0];
  if (!names.length) throw new UsageError(words().noTrainBlock(file));
  throw new UsageError(words().severalTrains(file, names));
}

/**
 * Where an offset of the edited text was before the edits: in the text an edit put in (its key),
 * or at an offset of the file as written.
 */
function beforeEdits(offset: number, edits: readonly (TextChange & { key: string })[]): { key?: string; offset: number } {
  let o = offset;
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i];
    const newEnd = e.start + e.newText.length;
    if (o >= e.start && o < newEnd) return { key: e.key, offset: e.start };
    if (o >= newEnd) o += e.end - e.start - e.newText.length;
  }
  return { offset: o };
}

function overrideProblem(p: OverrideProblem, train: string): string {
  switch (p.kind) {
    case 'key':
      return words().setNotKey(p.key);
    case 'value':
      return words().setNotValue(p.key, p.value);
    case 'notCall':
      return words().setNotCall(p.key, p.at, train);
  }
}

/** The memory training can have: the machine's free memory or the container's limit, whichever is less, at most 4 GiB on wasm. */
export function availableMemory(backend: string): { bytes: number; limit: 'free' | 'container' | 'wasm' } {
  let bytes = os.freemem();
  let limit: 'free' | 'container' | 'wasm' = 'free';
  const constrained = process.constrainedMemory?.() ?? 0;
  if (constrained > 0 && constrained < bytes) [bytes, limit] = [constrained, 'container'];
  const wasm = 4 * 2 ** 30;
  return backend === 'wasm' && wasm < bytes ? { bytes: wasm, limit: 'wasm' } : { bytes, limit };
}

/**
 * NN420 as a line (`file:line:col: error NN420: ...` at the train block's model) when training
 * `checked` would need more memory than `available` bytes (on `threads` threads that split the batch:
 * BackendInfo.replicas); undefined when it fits or is not known.
 */
export function memoryRefusal(file: string, checked: Checked, available: { bytes: number; limit: 'free' | 'container' | 'wasm' }, locale: Locale = 'en', threads = 1): string | undefined {
  const cfg = checked.cfg;
  const m = trainingMemory(cfg, threads);
  if (!m) return undefined;
  // the helpers' copies are on their own heaps: they count against the machine, not wasm's 4 GiB
  const machine = threads > 1 && available.limit === 'wasm' ? availableMemory('machine') : available;
  if (m.heap <= available.bytes && m.total <= machine.bytes) return undefined;
  // what does not fit: this thread's engine (its 4 GiB), or everything with the copies (the machine)
  const heapShort = m.heap > available.bytes;
  const short = heapShort ? available : machine;
  const message = render(
    {
      id: 'notEnoughMemory',
      args: {
        train: cfg.name,
        need: formatBytes(heapShort ? m.heap : m.total),
        weights: formatBytes(m.weights),
        optimizer: cfg.optimizer?.spec.name ?? 'adam',
        activations: formatBytes(m.activations),
        batch: m.batch,
        data: formatBytes(m.data),
        ...(m.copies > 0 && !heapShort ? { copies: formatBytes(m.copies), others: m.threads - 1 } : {}),
        available: formatBytes(short.bytes),
        limit: short.limit,
      },
    },
    locale,
  );
  const at = settingKeyAt(cfg, 'model')?.start ?? cfg.decl.start;
  const p = checked.analysis.source!.lines.position(at);
  return `${file}:${p.line + 1}:${p.character + 1}: ${locale === 'en' ? 'error' : '错误'} NN420: ${message}`;
}

export function backendPreference(args: Parsed): BackendPreference {
  const b = args.flags.get('backend') ?? 'auto';
  if (b === 'auto' || b === 'tensorflow' || b === 'wasm' || b === 'cpu') return b;
  throw new UsageError(words().mustBeOneOf('backend', ['auto', 'tensorflow', 'wasm', 'cpu'], String(b)));
}

/**
 * The backend asked for (--backend, default auto) with --threads if given; `log` hears what auto
 * tried and why it moved on. `work`, the multiply-adds of a step's forward pass (stepWork), sets
 * the default thread count; `split`, that training may split batches among the threads (splitsBatches).
 */
export function chooseBackend(args: Parsed, log?: BackendLog, work?: number, split = false): Promise<BackendInfo> {
  return selectBackend(backendPreference(args), log, intFlag(args, 'threads', 1, WASM_MAX_THREADS), work, split);
}

/** Training `cfg` on several threads may split its batches (runtime/train/replicas.ts): its model has no batch statistics. */
export function splitsBatches(cfg: TrainConfig): boolean {
  return cfg.model !== undefined && !cfg.hasErrors && replicable(describeModel(cfg.model));
}

/** The multiply-adds of a training step's forward pass (a batch through the model), when known. */
export function stepWork(cfg: TrainConfig): number | undefined {
  const macs = cfg.model?.totals.macs;
  return typeof macs === 'number' ? macs * cfg.batchSize : undefined;
}

export function intFlag(args: Parsed, name: string, min: number, max?: number): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UsageError(words().wholeNumber(name, min, max, String(v)));
  }
  return n;
}

/**
 * `runDir`: the run whose data is loaded (nn evaluate, nn predict, a resumed run, a sweep's trial):
 * its runs folder's cache is used, not one made beside the .nn file where the run was not.
 */
export function loadOptions(args: Parsed, log: NonNullable<LoadOptions['log']>, runDir?: string): LoadOptions {
  const dataPath = args.flags.get('data-path');
  const runs = args.flags.get('runs');
  return {
    dataPath: typeof dataPath === 'string' ? path.resolve(dataPath) : undefined,
    download: !args.flags.has('no-download'),
    log,
    // decoded image folders are cached beside the run folders (--runs), by default runs/ beside the .nn file
    ...(typeof runs === 'string' ? { dataCacheDir: path.join(path.resolve(runs), DATA_CACHE) } : runDir !== undefined ? { dataCacheDir: runsCacheOf(runDir) } : {}),
  };
}

/** The data cache of the runs folder that holds a run: runs/<train>/<time>, or a sweep's runs/<train>/<time>/trial-01. */
export function runsCacheOf(runDir: string): string {
  const run = path.resolve(runDir);
  const up = fs.existsSync(path.join(path.dirname(run), SWEEP_FILE)) ? 3 : 2;
  let runs = run;
  for (let i = 0; i < up; i++) runs = path.dirname(runs);
  return path.join(runs, DATA_CACHE);
}

/** What loading the data says, printed by `print` in the command line's language. */
export function loadNotes(print: (s: string) => void): NonNullable<LoadOptions['log']> {
  return (message, msg) => print(renderStored(msg, cliLang(), message));
}

/** Load the train block's data (and its validation dataset, when it names one). */
export async function loadTrainData(cfg: TrainConfig, opts: LoadOptions): Promise<{ data: LoadedData; validation?: LoadedData }> {
  if (!cfg.data) throw new CliError(renderRuntime(rmsg('noData', { train: cfg.name }), cliLang()));
  const data = await loadData(cfg.data, opts);
  const validation = cfg.validation !== undefined && typeof cfg.validation !== 'number' ? alignValidation(data, await loadData(cfg.validation, opts)) : undefined;
  return { data, validation };
}

/**
 * The brightness of the training images' background, in [0, 1] before normalization: the mean
 * of the border pixels of up to 1,000 training images. nn predict compares a PNG's with it (a
 * digit drawn dark on white, for a model trained on light digits on black). Undefined when the
 * data is not images.
 */
export function imageBackground(data: LoadedData): number | undefined {
  if (!data.image || data.featureShape.length !== 3 || data.train.n === 0) return undefined;
  const [h, w, c] = data.featureShape;
  const size = h * w * c;
  const n = Math.min(data.train.n, 1000);
  const pn = data.pixelNormalize;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const border = borderMean(data.train.x.subarray(i * size, (i + 1) * size), h, w, c);
    sum += pn ? border * pn.std + pn.mean : border;
    count++;
  }
  return Number((sum / count).toFixed(4));
}

/** The mean of an [h, w, c] image's border pixels (every channel). */
export function borderMean(x: ArrayLike<number>, h: number, w: number, c: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    const edgeRow = y === 0 || y === h - 1;
    for (let xx = 0; xx < w; xx += edgeRow || xx === w - 1 ? 1 : Math.max(1, w - 1)) {
      for (let k = 0; k < c; k++) sum += x[(y * w + xx) * c + k];
      count += c;
    }
  }
  return sum / count;
}

/** The run config of the run folder named on the command line: a path that is no run folder is a usage error. */
export function readRunConfig(runDir: string): RunConfig {
  return readRunFolderConfig(runDir, (m) => new UsageError(renderRuntime(m, cliLang())));
}

/** The folder of the weights to evaluate or predict with: best/ (of the best fold with k-fold), else last/. */
export function weightsDir(runDir: string, checkpointDir: (d: string) => string | undefined): string {
  const best = checkpointDir(path.join(runDir, 'best'));
  if (best) return best;
  const last = checkpointDir(path.join(runDir, 'last'));
  if (last) return last;
  throw new CliError(words().noSavedWeights(runDir));
}

/** The epoch whose weights a checkpoint folder holds (best/meta.json, last/state.json); undefined when it does not say. */
export function weightsEpoch(dir: string): number | undefined {
  for (const f of ['meta.json', 'state.json']) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) continue;
    const epoch = readJson(file, object<{ epoch?: number }>({ epoch: opt(int(0)) })).epoch;
    return epoch;
  }
  return undefined;
}
