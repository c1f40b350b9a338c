// `train` blocks and `dataset` declarations resolved into configurations: the settings checked
// against their types, the model expanded, the dataset described. The checks that relate them
// (loss vs output, monitors, ...) are in checks/training.ts; the runtime trains from these.

import * as A from './syntax/ast';
import type { DatasetSpec, DataInfo, ParamSpec } from './catalog/types';
import { TRAIN_SETTINGS, TRAIN_CALLS } from './catalog/settings';
import { findSpec } from './catalog';
import { type Loc, type Value, type Sink, loc, report, evaluate, type ConstTable } from './values';
import { coerce, bindCall, replaceFix, type Bound, type BindCtx } from './bind';
import type { ModelGraph } from './graph';
import type { Program } from './program';
import { suggest } from './suggest';
import { insertLineAfter, fix } from './fixes';
import type { Fix } from './diagnostics';
import { sweepAxes, gridCount, MAX_TRIALS, type Sweep } from './sweep';

export interface DataRef {
  /** the declared name, or the function name when written inline */
  name: string;
  spec: DatasetSpec;
  fn: Bound;
  /** what the dataset gives; fields are missing where unknown (an unreadable file, say) */
  info: Partial<DataInfo>;
  /** the file whose folder relative data paths start from */
  file: string;
  /** the dataset's declaration, when declared */
  decl?: A.DatasetDecl;
}

export interface TrainConfig {
  name: string;
  file: string;
  decl: A.TrainDecl;
  model?: ModelGraph;
  data?: DataRef;
  loss?: Bound;
  /** adam() when not written */
  optimizer?: Bound;
  epochs: number;
  batchSize: number;
  validation?: number | DataRef;
  metrics: Bound[];
  schedule?: Bound;
  kfold?: number;
  augment: Bound[];
  seed?: number;
  shuffle: boolean;
  clipNorm?: number;
  /** per-layer statistics while training: false (off), 'epoch' (once an epoch) or every N batches */
  layerStats: false | 'epoch' | number;
  earlyStopping?: Bound;
  checkpoint?: Bound;
  /** values to try (`try [..]`): the trials of a sweep; absent when the block trains once */
  sweep?: Sweep;
  /** errors were reported in this train block or in what it uses (set by the analysis after its checks) */
  hasErrors: boolean;
}

export interface TrainContext {
  program: Program;
  consts: ConstTable;
  model(decl: A.ModelDecl, file: string): ModelGraph;
  dataset(decl: A.DatasetDecl, file: string): DataRef | undefined;
}

const SETTING_BY_NAME: ReadonlyMap<string, ParamSpec> = new Map(TRAIN_SETTINGS.map((p) => [p.name, p]));
/**
 * A setting's position in TRAIN_SETTINGS: a train block's entries and values are kept in arrays in
 * that order. An object keyed by setting names, written one computed key at a time, made every
 * store a slow generic one.
 */
const SETTING_INDEX: ReadonlyMap<string, number> = new Map(TRAIN_SETTINGS.map((p, i) => [p.name, i]));
function settingIndices<K extends string>(names: readonly K[]): Readonly<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const n of names) {
    const i = SETTING_INDEX.get(n);
    if (i === undefined) throw new Error(`not a train setting: ${n}`);
    out[n] = i;
  }
  return out;
}
/** The index of each setting resolveTrain reads (a name that is not a setting fails on load). */
const I = settingIndices(['model', 'data', 'loss', 'optimizer', 'epochs', 'batch_size', 'validation', 'metrics', 'schedule', 'kfold', 'augment', 'seed', 'shuffle', 'clip_norm', 'trials', 'layer_stats'] as const);
const SETTING_ALIASES: ReadonlyMap<string, string> = new Map(TRAIN_SETTINGS.flatMap((p) => (p.aliases ?? []).map((a) => [a, p.name] as [string, string])));

/** Describe a dataset from its bound function, reporting an unreadable file at the call. */
export function describeData(fn: Bound, name: string, file: string, program: Program, sink: Sink, decl?: A.DatasetDecl): DataRef {
  const spec = fn.spec as DatasetSpec;
  const known = spec.params.every((p) => !p.required || fn.args[p.name] !== undefined);
  let info: Partial<DataInfo> = {};
  if (known) {
    const r = spec.describe(fn.args, program.dataHost, file);
    if (r.ok) info = r.info;
    else report(sink, fn.at, 'NN416', 'dataProblem', { problem: r.problem });
  }
  checkTestFiles(fn, file, program, sink);
  return { name, spec, fn, info, file, decl };
}

/**
 * A test file that is the training file it stands beside (idx's `test_images` = `images`): the
 * test split is then the training data. Found by the parameters' names (`test_X` beside `X`).
 */
function checkTestFiles(fn: Bound, file: string, program: Program, sink: Sink): void {
  for (const p of fn.spec.params) {
    if (!p.name.startsWith('test_') || p.type.t !== 'string') continue;
    const of = p.name.slice('test_'.length);
    const test = fn.args[p.name];
    const train = fn.args[of];
    const at = fn.given[p.name];
    if (typeof test !== 'string' || typeof train !== 'string' || !at) continue;
    if (program.host.resolve(file, test) === program.host.resolve(file, train)) report(sink, at, 'NN422', 'testIsTrainingData', { param: p.name, file: test, of });
  }
}

export function resolveDataset(decl: A.DatasetDecl, file: string, program: Program, consts: ConstTable, sink: Sink): DataRef | undefined {
  const v = evaluate(decl.value, { file }, program, consts, sink);
  const bc: BindCtx = { program, sink, file };
  const fn = coerce(v, { t: 'fn', category: 'dataset', what: 'dataset' }, 'dataset', bc) as Bound | undefined;
  if (!fn) return undefined;
  return describeData(fn, decl.name?.text ?? fn.spec.name, file, program, sink, decl);
}

function example(key: string, program: Program, file: string): string {
  const first = (kind: string) => program.visible(file).find((s) => s.decl.kind === kind)?.decl.name?.text;
  switch (key) {
    case 'model':
      return first('Model') ?? 'MyModel';
    case 'data':
      return first('Dataset') ?? 'spiral(n: 1000)';
    default:
      return 'cross_entropy';
  }
}

export function resolveTrain(ctx: TrainContext, decl: A.TrainDecl, file: string, s: Sink): TrainConfig {
  const { program } = ctx;
  const bc: BindCtx = { program, sink: s, file };
  // a train block's values may be values to try
  const env = { file, sweep: true };
  /** the first entry of each setting, by index in TRAIN_SETTINGS */
  const written: (A.SettingEntry | undefined)[] = new Array(TRAIN_SETTINGS.length);
  /** the first call of each callback, by index in TRAIN_CALLS */
  const calls: (A.CallEntry | undefined)[] = new Array(TRAIN_CALLS.length);

  for (const e of decl.entries) {
    if (e.kind === 'Setting') {
      const key = e.key;
      const i = SETTING_INDEX.get(key);
      if (i === undefined) {
        const at = loc(file, A.keySpan(e));
        const sug = suggest(key, TRAIN_SETTINGS.map((p) => p.name), SETTING_ALIASES);
        report(s, at, 'NN402', 'unknownSetting', { key, suggestion: sug }, { fixes: sug ? replaceFix(program, at, key, sug) : [] });
        evaluate(e.value, env, program, ctx.consts, s);
        continue;
      }
      if (written[i]) {
        report(s, loc(file, A.keySpan(e)), 'NN418', 'duplicateSetting', { key });
        continue;
      }
      written[i] = e;
    } else {
      const name = e.call.callee;
      const i = (TRAIN_CALLS as readonly string[]).indexOf(name);
      if (i < 0) {
        const at = loc(file, A.calleeSpan(e.call));
        const sug = suggest(name, [...TRAIN_CALLS], new Map([['earlystopping', 'early_stopping'], ['EarlyStopping', 'early_stopping'], ['ModelCheckpoint', 'checkpoint']]));
        report(s, at, 'NN402', 'unknownSetting', { key: name, suggestion: sug }, { fixes: sug ? replaceFix(program, at, name, sug) : [] });
        continue;
      }
      if (calls[i]) {
        report(s, loc(file, A.calleeSpan(e.call)), 'NN418', 'duplicateSetting', { key: name });
        continue;
      }
      calls[i] = e;
    }
  }

  /** each setting's value after checking, by index in TRAIN_SETTINGS */
  const values: unknown[] = new Array(TRAIN_SETTINGS.length);
  for (let i = 0; i < TRAIN_SETTINGS.length; i++) {
    const p = TRAIN_SETTINGS[i];
    const e = written[i];
    if (e) {
      const v: Value = evaluate(e.value, env, program, ctx.consts, s);
      values[i] = coerce(v, p.type, p.name, bc);
    } else if (p.required) {
      const ex = example(p.name, program, file);
      const last = decl.entries[decl.entries.length - 1];
      const fixes: Fix[] = last ? fix('fixAdd', { text: `${p.name}: ${ex}` }, [insertLineAfter(program, loc(file, last), `${p.name}: ${ex}`)]) : [];
      report(s, loc(file, A.nameOrKeyword(decl)), 'NN401', 'missingSetting', { key: p.name, example: `${p.name}: ${ex}` }, { fixes });
    } else {
      values[i] = p.default;
    }
  }
  const callBound = (name: (typeof TRAIN_CALLS)[number]): Bound | undefined => {
    const e = calls[TRAIN_CALLS.indexOf(name)];
    if (!e) return undefined;
    const v = evaluate(e.call, env, program, ctx.consts, s) as Value & { k: 'call' };
    return bindCall(findSpec('callback', name)!, v, bc);
  };

  const modelRef = values[I.model] as (Value & { k: 'ref' }) | undefined;
  const model = modelRef && modelRef.decl.kind === 'Model' ? ctx.model(modelRef.decl, modelRef.declFile) : undefined;
  const data = toData(values[I.data], ctx, program, s, file);
  const validation = typeof values[I.validation] === 'number' ? (values[I.validation] as number) : toData(values[I.validation], ctx, program, s, file);
  const sweep = sweepOf(ctx, decl, file, values[I.trials] as number | undefined, values[I.seed], written[I.trials], s);
  let optimizer = values[I.optimizer] as Bound | undefined;
  if (!written[I.optimizer]) {
    const at = loc(file, A.nameOrKeyword(decl));
    optimizer = bindCall(findSpec('optimizer', 'adam')!, { k: 'word', v: 'adam', ...at }, bc);
  }
  return {
    name: decl.name?.text ?? '',
    file,
    decl,
    model,
    data,
    loss: values[I.loss] as Bound | undefined,
    optimizer,
    epochs: (values[I.epochs] as number | undefined) ?? 10,
    batchSize: (values[I.batch_size] as number | undefined) ?? 32,
    validation,
    metrics: (values[I.metrics] as Bound[] | undefined) ?? [],
    schedule: values[I.schedule] as Bound | undefined,
    kfold: values[I.kfold] as number | undefined,
    augment: (values[I.augment] as Bound[] | undefined) ?? [],
    seed: values[I.seed] as number | undefined,
    shuffle: (values[I.shuffle] as boolean | undefined) ?? true,
    clipNorm: values[I.clip_norm] as number | undefined,
    layerStats: layerStatsOf(values[I.layer_stats]),
    earlyStopping: callBound('early_stopping'),
    checkpoint: callBound('checkpoint'),
    sweep,
    hasErrors: false,
  };
}

/** The sweep of a train block, when it has values to try; NN442-NN444 reported at `trials` or the first `try`. */
function sweepOf(ctx: TrainContext, decl: A.TrainDecl, file: string, trials: number | undefined, seed: unknown, trialsAt: A.SettingEntry | undefined, s: Sink): Sweep | undefined {
  const { program } = ctx;
  const quiet: Sink = () => undefined;
  const axes = sweepAxes(decl, program.text(file), (e) => {
    const v = evaluate(e, { file }, program, ctx.consts, quiet);
    return v.k === 'num' ? v.v : undefined;
  });
  if (!axes.length) {
    if (trialsAt) report(s, loc(file, A.keySpan(trialsAt)), 'NN444', 'trialsWithoutTry', {});
    return undefined;
  }
  if (trials !== undefined) return { axes, random: { trials, seed: typeof seed === 'number' ? seed : 0 }, count: trials };
  const count = gridCount(axes);
  if (count === undefined) {
    const range = axes.find((a) => a.range)!;
    report(s, loc(file, range.at), 'NN443', 'rangeNeedsTrials', {});
    return undefined;
  }
  if (count > MAX_TRIALS) {
    let exact = 1;
    for (const a of axes) exact *= a.values!.length;
    report(s, loc(file, axes[0].at), 'NN442', 'sweepTooLarge', { trials: exact, max: MAX_TRIALS });
    return undefined;
  }
  return { axes, count };
}

/** layer_stats' value: true is once an epoch, a number every that many batches. */
function layerStatsOf(v: unknown): false | 'epoch' | number {
  return v === true ? 'epoch' : typeof v === 'number' ? v : false;
}

/** The setting or callback in effect: the first written, when it is known (unknown ones are reported, not used). */
function entryOf(cfg: TrainConfig, key: string): A.Entry | undefined {
  const entries = cfg.decl.entries;
  if (SETTING_BY_NAME.has(key)) {
    const s = entries.find((e) => e.kind === 'Setting' && e.key === key);
    if (s) return s;
  }
  if (!(TRAIN_CALLS as readonly string[]).includes(key)) return undefined;
  return entries.find((e) => e.kind === 'CallEntry' && e.call.callee === key);
}

/** Where a setting's key, or a callback's name, is written in the train block (undefined when it is not). */
export function settingKeyAt(cfg: TrainConfig, key: string): Loc | undefined {
  const e = entryOf(cfg, key);
  return e && loc(cfg.file, e.kind === 'Setting' ? A.keySpan(e) : A.calleeSpan(e.call));
}

/** Where a setting's value is written (undefined when it is not). */
export function settingValueAt(cfg: TrainConfig, key: string): Loc | undefined {
  const e = entryOf(cfg, key);
  return e?.kind === 'Setting' ? loc(cfg.file, e.value) : undefined;
}

function toData(v: unknown, ctx: TrainContext, program: Program, sink: Sink, file: string): DataRef | undefined {
  if (v === undefined) return undefined;
  const asRef = v as Value;
  if (typeof v === 'object' && v !== null && 'k' in v && asRef.k === 'ref') {
    return asRef.decl.kind === 'Dataset' ? ctx.dataset(asRef.decl, asRef.declFile) : undefined;
  }
  const fn = v as Bound;
  return describeData(fn, inlineName(fn), file, program, sink);
}

/** A dataset written in place (not declared): its function, with its file when it reads one: csv("houses.csv"). */
function inlineName(fn: Bound): string {
  const p = fn.spec.params.find((q) => q.required && q.type.t === 'string' && typeof fn.args[q.name] === 'string');
  return p ? `${fn.spec.name}("${fn.args[p.name] as string}")` : fn.spec.name;
}
