// THE run config: what a run folder's config.json records about the run (the train block resolved,
// with every default and the seed used, the data's shape and classes, the normalization to apply
// again when predicting). The trainer writes it (`runConfigOf`); resume, evaluate and predict read
// it back through `readRunConfig`, which checks every field: a config.json edited by hand or
// damaged is a message naming the file and the field, never a crash further on.
//
// Versioned: `version` is RUN_CONFIG_VERSION. A config.json without one was written before it was
// recorded, in this same format (version 1). A change to the fields that an older nn would read
// wrongly takes a new version, and this module reads the older ones it can.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainConfig } from '../../core/train';
import type { LoadedData } from '../../data/types';
import type { TextRules } from '../../data/text';
import { readJson, CheckpointError } from './checkpoint';
import { rmsg, type RuntimeMessage } from '../../core/runtime-messages';
import { int, num, str, bool, oneOf, opt, list, record, object, either, refine, type Check } from './schema';
import { isName } from '../../core/syntax/lexer';

export const RUN_CONFIG_VERSION = 1;

/** A catalogue function as recorded: its name and its arguments (nested functions recorded the same way). */
export interface FnRecord {
  name: string;
  args: Record<string, unknown>;
}

export interface RunConfig {
  version: typeof RUN_CONFIG_VERSION;
  train: string;
  /** the .nn file, absolute */
  file: string;
  model: string;
  data: {
    name: string;
    source: string;
    featureShape: number[];
    task: 'classification' | 'regression';
    classes?: number;
    classNames?: string[];
    samples: { train: number; test: number };
  };
  loss: FnRecord;
  optimizer: FnRecord;
  epochs: number;
  batchSize: number;
  /** a fraction of the training data, or the name of the validation dataset */
  validation?: number | string;
  metrics: FnRecord[];
  schedule?: FnRecord;
  kfold?: number;
  augment: FnRecord[];
  seed: number;
  shuffle: boolean;
  clipNorm?: number;
  earlyStopping?: FnRecord;
  checkpoint?: FnRecord;
  backend: string;
  /** feature standardization (CSV normalize: true), one mean and std per feature */
  standardize?: { mean: number[]; std: number[] };
  /** pixel normalization after scaling to [0, 1] */
  pixelNormalize?: { mean: number; std: number };
  /** texts made token ids (text_csv): the rules and vocabulary nn predict applies to a sentence */
  text?: TextRules;
  /** the command line that started the run */
  command?: string;
  /** image data: the training images' background brightness in [0, 1] (nn predict compares a PNG's) */
  imageBackground?: number;
  /** the torch engine: its device and processes */
  device?: string;
  processes?: number;
  /**
   * values that differ from the train block as written (`nn train --set`, a sweep's trial): key
   * (`optimizer.lr`) to value, a number or true/false as such, anything else as source text.
   * Resume, evaluate and predict put them in place again (cli/common.ts checkedTrain).
   */
  overrides?: Record<string, string | number | boolean>;
  /** a trial of a sweep: its number, from 1 (its folder is in the sweep's folder) */
  trial?: number;
}

type Bound = { spec: { name: string }; args: Record<string, unknown> };

function describeFn(b: Bound): FnRecord {
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b.args)) {
    if (v === undefined) continue;
    args[k] = v && typeof v === 'object' && 'spec' in v ? describeFn(v as Bound) : v;
  }
  return { name: b.spec.name, args };
}

/** The run config of a run about to start (a checked train block with its model, loss and optimizer). */
export function runConfigOf(
  cfg: TrainConfig,
  data: LoadedData,
  run: Pick<RunConfig, 'epochs' | 'seed' | 'backend' | 'command' | 'imageBackground' | 'device' | 'processes' | 'overrides' | 'trial'>,
): RunConfig {
  return {
    version: RUN_CONFIG_VERSION,
    train: cfg.name,
    file: cfg.file,
    model: cfg.model!.name,
    data: { name: data.name, source: data.source, featureShape: data.featureShape, task: data.task, classes: data.classes, classNames: data.classNames, samples: { train: data.train.n, test: data.test?.n ?? 0 } },
    loss: describeFn(cfg.loss!),
    optimizer: describeFn(cfg.optimizer!),
    epochs: run.epochs,
    batchSize: cfg.batchSize,
    validation: typeof cfg.validation === 'number' ? cfg.validation : cfg.validation?.name,
    metrics: cfg.metrics.map(describeFn),
    schedule: cfg.schedule && describeFn(cfg.schedule),
    kfold: cfg.kfold,
    augment: cfg.augment.map(describeFn),
    seed: run.seed,
    shuffle: cfg.shuffle,
    clipNorm: cfg.clipNorm,
    earlyStopping: cfg.earlyStopping && describeFn(cfg.earlyStopping),
    checkpoint: cfg.checkpoint && describeFn(cfg.checkpoint),
    backend: run.backend,
    standardize: data.standardize,
    pixelNormalize: data.pixelNormalize,
    ...(data.text ? { text: data.text } : {}),
    command: run.command,
    ...(run.imageBackground === undefined ? {} : { imageBackground: run.imageBackground }),
    ...(run.device === undefined ? {} : { device: run.device }),
    ...(run.processes === undefined ? {} : { processes: run.processes }),
    ...(run.overrides && Object.keys(run.overrides).length ? { overrides: run.overrides } : {}),
    ...(run.trial === undefined ? {} : { trial: run.trial }),
  };
}

/** An override's value in config.json: a number, true/false, or source text. */
const overrideValue: Check<string | number | boolean> = (v, at) => (typeof v === 'number' || typeof v === 'boolean' ? v : str(10_000)(v, at));

const fn: Check<FnRecord> = object<FnRecord>({ name: str(100), args: record((v) => v) });
const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

const dataCheck: Check<RunConfig['data']> = refine(
  object<RunConfig['data']>({
    name: str(),
    source: str(),
    featureShape: refine(list(int(1), 1, 8), (s) => (product(s) > 2 ** 31 ? { expected: rmsg('expSampleShapeSize'), found: `[${s.join(', ')}]` } : undefined)),
    task: oneOf('classification', 'regression'),
    classes: opt(int(2, 2 ** 24)),
    classNames: opt(list(str(), 2, 2 ** 24)),
    samples: object({ train: int(1), test: int(0) }),
  }),
  (d) => {
    if (d.task === 'classification' && d.classes === undefined) return { at: 'classes', expected: rmsg('expClasses'), found: undefined };
    if (d.classNames && d.classNames.length !== d.classes) return { at: 'classNames', expected: rmsg('expClassNames', { n: d.classes ?? 0 }), found: d.classNames };
    return undefined;
  },
);

const runConfigCheck: Check<RunConfig> = refine(
  object<RunConfig>({
    // written from 1 on; a run of before has none and is in this format
    version: (v, at) => (v === undefined ? RUN_CONFIG_VERSION : int(RUN_CONFIG_VERSION, RUN_CONFIG_VERSION)(v, at)) as typeof RUN_CONFIG_VERSION,
    train: refine(str(200), (t) => (isName(t) ? undefined : { expected: rmsg('expTrainName'), found: t })),
    file: refine(str(), (f) => (path.isAbsolute(f) ? undefined : { expected: rmsg('expNnPath'), found: f })),
    model: str(200),
    data: dataCheck,
    loss: fn,
    optimizer: fn,
    epochs: int(1),
    batchSize: int(1),
    validation: opt(either(num(0), str())),
    metrics: list(fn),
    schedule: opt(fn),
    kfold: opt(int(2, 1000)),
    augment: list(fn),
    seed: int(Number.MIN_SAFE_INTEGER),
    shuffle: bool,
    clipNorm: opt(num(0)),
    earlyStopping: opt(fn),
    checkpoint: opt(fn),
    backend: str(100),
    standardize: opt(object({ mean: list(num()), std: list(num(0)) })),
    pixelNormalize: opt(object({ mean: num(), std: refine(num(0), (s) => (s > 0 ? undefined : { expected: rmsg('expPositive'), found: s })) })),
    text: opt(object<TextRules>({ tokenize: oneOf('words', 'chars'), lowercase: bool, length: int(1), vocab: list(str(), 2, 10_000_000) })),
    command: opt((v, at) => (typeof v === 'string' ? v : str()(v, at))),
    imageBackground: opt(num(0)),
    device: opt(str(100)),
    processes: opt(int(1, 1024)),
    overrides: opt(record(overrideValue)),
    trial: opt(int(1, 100_000)),
  }),
  (c) => {
    const features = product(c.data.featureShape);
    if (c.standardize && c.standardize.mean.length !== features) return { at: 'standardize.mean', expected: rmsg('expPerFeature', { n: features, shape: c.data.featureShape.join(', ') }), found: c.standardize.mean };
    if (c.standardize && c.standardize.std.length !== features) return { at: 'standardize.std', expected: rmsg('expPerFeature', { n: features, shape: c.data.featureShape.join(', ') }), found: c.standardize.std };
    return undefined;
  },
);

/** A run config read back as JSON, checked; throws a SchemaError naming the field. */
export function checkRunConfig(v: unknown): RunConfig {
  const c = runConfigCheck(v, '');
  c.version = RUN_CONFIG_VERSION;
  return c;
}

/**
 * The config.json of a run folder, checked field by field. `runDir` that is not a folder, or has
 * no config.json, is `notARun`'s error (the command's usage); a damaged or changed config.json is
 * a CheckpointError naming it and the field.
 */
export function readRunConfig(runDir: string, notARun: (message: RuntimeMessage) => Error = (m) => new CheckpointError(m)): RunConfig {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(runDir);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) throw notARun(rmsg('notRunFolder', { dir: runDir, why: st ? 'notFolder' : 'notFound' }));
  const file = path.join(runDir, 'config.json');
  if (!fs.existsSync(file) && !isLink(file)) throw notARun(rmsg('notRunFolder', { dir: runDir, why: 'noConfig' }));
  return readJson(file, checkRunConfig);
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
