// The training loop: a checked `train` block and its loaded data -> a trained model, events as it
// goes, and a run folder (runs.ts). A custom loop rather than model.fit, because the language
// asks for what fit lacks: restoring the best weights, decoupled weight decay, exact epoch
// metrics, NaN detection before a broken step is applied, a stop that finishes the batch, and
// checkpoints that resume mid-epoch.
//
// One step, all inside tf.tidy: the batch is gathered into reusable typed arrays, the model is
// applied in training mode (dropout on, batch norm on batch statistics), the loss plus the
// layers' l1/l2 penalties is differentiated with tf.variableGrads, the loss is read back and
// checked to be finite, then the gradients are clipped (clip_norm: global norm) and the
// optimizer steps. Shuffling, splits and folds are seeded (server/src/data/batches.ts): the
// order of epoch e is a function of (seed, e), so a resumed run needs no generator state.

import * as path from 'node:path';
import { tf, type Tensor, type LayersModel } from '../tf';
import type { TrainConfig } from '../../core/train';
import type { LoadedData, Split } from '../../data/types';
import { epochOrder, gatherBatch, validationSplit, validationSplitInPlace, kfold, takeRows, SplitError } from '../../data/batches';
import { Augmenter, augmentationsOf, type Augmentation } from '../../data/augment';
import type { BackendInfo } from '../backend';
import { compileModel } from '../compile';
import { describeModel, type ModelDesc } from '../../core/model';
import type { DropoutNoise } from '../layers/dropout';
import { subSeed, STREAM } from '../../data/random';
import type { TrainEvent, Evaluation, MetricValues } from './protocol';
import { TrainOptimizer, clipByGlobalNorm, type NamedGrads } from './optimizers';
import { Schedule } from './schedules';
import { Monitor, overfitting, bestMonitor, formatMonitored, type Mode } from './monitor';
import { MetricsAccumulator } from './metrics';
import { makeTask, batchTensors, trainingGrads, evaluateSplit, predictRows, notFiniteAdvice, overfittingAdvice, type Task } from './evaluate';
import { RunFolder, RunError, withRunLock, type ResumeState } from './runs';
import { runConfigOf, type RunConfig } from './run-config';
import { pointsEvent, predictionsEvent, weightsEvent, fitPointsEvent, fitGrid, fitEvent, planeGrid, BOUNDARY_SIZE, type FitGrid } from './visuals';
import { checkpointDir, loadModel, type StepHook } from './checkpoint';
import { LayerProbe, type WeightMeasure } from './layer-stats';
import { LayerWarnings } from './layer-warnings';
import { rmsg, renderRuntime, type RuntimeMessage } from '../../core/runtime-messages';
import { Replicas, ReplicaError, replicable } from './replicas';

/** What training needs besides the block and its data, on any engine. */
export interface RunOptions {
  /** every event, in order */
  emit: (e: TrainEvent) => void;
  /** the run folder: created when new, continued when resuming */
  runDir: string;
  /** override the block's epochs / seed */
  epochs?: number;
  seed?: number;
  /** the validation data, when `validation:` names a dataset (loaded by the caller) */
  validationData?: Split;
  /** continue the run in runDir from its last/ checkpoint */
  resume?: boolean;
  /** polled after every batch: true stops after it (last/ is saved, `stopped` emitted) */
  stopRequested?: () => boolean;
  /** the model summary table, for summary.txt */
  summaryText?: string;
  /** notes gathered before training (loading the data, ...), sent as log events right after start */
  notes?: Note[];
  /** the command line, for config.json */
  command?: string;
  /** image data: the training images' background brightness, for config.json (nn predict compares with it) */
  imageBackground?: number;
  /** for config.json: values that differ from the train block as written (--set, a sweep's trial) */
  overrides?: Record<string, string | number | boolean>;
  /** for config.json: the trial's number, when this run is a trial of a sweep */
  trial?: number;
}

export interface TrainOptions extends RunOptions {
  backend: BackendInfo;
  /** minimum milliseconds between batch events (default 100: at most 10 a second) */
  batchEventInterval?: number;
  /** minimum milliseconds between decision-boundary events (default 200); the last epoch always sends one */
  boundaryInterval?: number;
  /** image models: minimum milliseconds between first-layer weights events after an epoch (default 1000); the end always sends one */
  weightsInterval?: number;
  /** test hook for the atomic checkpoint writer */
  checkpointHook?: StepHook;
  /**
   * the data is the trainer's (nn train loaded it for this run): its training rows may be
   * reordered in place for the validation split, not copied (a copy kept a second table of a
   * 300 MB CSV for the whole run). Otherwise the caller's data is left as it was.
   */
  ownsData?: boolean;
}

export type Outcome = 'completed' | 'early_stopped' | 'stopped' | 'not_finite';

export interface TrainResult {
  outcome: Outcome;
  runDir: string;
  /** the end event (absent when the loss stopped being finite) */
  end?: Extract<TrainEvent, { type: 'end' }>;
  message?: string;
  /** the trained model (best weights restored when asked); the caller disposes it */
  model?: LayersModel;
}

/** A run that cannot train as asked; `said` renders it in the user's locale. */
/** What a train block says when its data is too small for its validation split or its folds. */
export function splitRefusal(train: string, e: SplitError): RuntimeMessage {
  const d = e.detail;
  return d.kind === 'validation' ? rmsg('validationTooFew', { train, fraction: d.fraction, n: d.n, none: d.none }) : rmsg('kfoldTooFew', { train, k: d.k, n: d.n });
}

export class TrainError extends Error {
  readonly said?: RuntimeMessage;
  constructor(m: string | RuntimeMessage) {
    super(typeof m === 'string' ? m : renderRuntime(m, 'en'));
    if (typeof m !== 'string') this.said = m;
  }
}

interface FoldData {
  train: Split;
  val?: Split;
}


/**
 * Train, holding the run folder's lock (runs.ts `lockRun`) from before its first file is read
 * or written to after its last: a second process on the same run is refused.
 */
export async function train(cfg: TrainConfig, data: LoadedData, opts: TrainOptions): Promise<TrainResult> {
  return withRunLock(opts.runDir, !opts.resume, () => trainLocked(cfg, data, opts));
}

async function trainLocked(cfg: TrainConfig, data: LoadedData, opts: TrainOptions): Promise<TrainResult> {
  if (cfg.hasErrors || !cfg.model || !cfg.loss || !cfg.optimizer) throw new TrainError(rmsg('trainHasErrors', { train: cfg.name, file: cfg.file }));
  const run = new RunFolder(opts.runDir, opts.checkpointHook);
  const runConfig = opts.resume ? run.config() : undefined;
  const resume = runConfig ? run.readResume(runConfig) : undefined;
  if (resume && (resume.train !== cfg.name || resume.file !== cfg.file)) {
    throw new TrainError(rmsg('resumeOtherRun', { run: opts.runDir, train: resume.train, file: resume.file, wantTrain: cfg.name, wantFile: cfg.file }));
  }
  if (resume && opts.seed !== undefined && opts.seed !== resume.seed) {
    throw new TrainError(rmsg('resumeSeed', { seed: resume.seed, given: opts.seed }));
  }
  const seed = resume?.seed ?? opts.seed ?? cfg.seed ?? Math.floor(Math.random() * 2 ** 31);
  const epochs = opts.epochs ?? resume?.epochs ?? cfg.epochs;
  // a finished run goes on only to train more epochs than it did (one model, not k folds, and not
  // after early stopping, which would stop again): resuming it otherwise rewrote its report.json
  // with the history of nothing, or of one more epoch
  const finished = resume ? run.finished() : undefined;
  if (finished && (finished.outcome !== 'completed' || cfg.kfold || epochs <= finished.epochs)) {
    throw new TrainError(rmsg('resumeFinished', { run: opts.runDir, outcome: finished.outcome, epochs: finished.epochs, more: finished.outcome === 'completed' && !cfg.kfold }));
  }
  if (runConfig) {
    const changed = changedSinceRun(runConfig, cfg, data);
    if (changed.length) throw new TrainError(rmsg('resumeChanged', { run: opts.runDir, changes: changed }));
  }
  // equal is refused too when it stopped inside the next epoch: its weights are past epoch N
  if (resume && (epochs < resume.epoch || (epochs === resume.epoch && resume.batch > 0))) {
    throw new TrainError(rmsg('resumeEpochs', { run: opts.runDir, epoch: resume.epoch, batch: resume.batch, ...(cfg.kfold ? { fold: resume.fold + 1 } : {}), epochs }));
  }
  const folds = cfg.kfold;

  // the training points drawn, taken before a split in place reorders the rows (ownsData)
  const points = pointsEvent(data);
  // the data of each fold (one "fold" without k-fold)
  const foldData: FoldData[] = [];
  // too few samples to split ("validation: 0.1 of 4 samples leaves no validation samples") is the
  // user's data, not a bug: said as such, before a run folder is written
  const splitting = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SplitError) throw new TrainError(splitRefusal(cfg.name, e));
      if (e instanceof RangeError) throw new TrainError(`train '${cfg.name}': ${e.message}`);
      throw e;
    }
  };
  if (folds) {
    for (const f of splitting(() => kfold(data.train.n, folds, seed))) foldData.push({ train: takeRows(data.train, f.train), val: takeRows(data.train, f.val) });
  } else if (typeof cfg.validation === 'number') {
    const fraction = cfg.validation;
    const s = splitting(() => (opts.ownsData ? validationSplitInPlace : validationSplit)(data.train, fraction, seed));
    foldData.push({ train: s.train, val: s.val });
  } else {
    foldData.push({ train: data.train, val: opts.validationData });
  }
  const validated = foldData[0].val !== undefined;
  // best/ gone (deleted, lost): the best so far is forgotten and chosen again from the next epoch,
  // which best/ then holds. Kept, it waited for an epoch to beat weights no longer there, and the
  // run failed at its end on the missing best/. A best/ that cannot be read is refused here.
  const bestGone = resume && resume.best.bestEpoch !== null ? run.missingBest(folds ? `fold-${resume.fold + 1}` : '') : undefined;
  const goneNote = bestGone && resume ? rmsg('bestGoneOnResume', { missing: bestGone, epoch: resume.best.bestEpoch!, monitor: bestMonitor(cfg, validated).name, value: formatMonitored(resume.best.best), from: resume.epoch + 1 }) : undefined;
  if (bestGone && resume) resume.best = { best: null, bestEpoch: null, wait: 0 };
  // k-fold: an earlier fold whose best/ is gone is no candidate for the run's best/ (promoteBestFold passes over it)
  const foldsGone = resume && folds ? Array.from({ length: resume.fold }, (_, k) => ({ fold: k + 1, missing: run.missingBest(`fold-${k + 1}`, k + 1) })).filter((g) => g.missing !== undefined) : [];
  if (cfg.validation !== undefined && typeof cfg.validation !== 'number' && !opts.validationData) {
    throw new TrainError(rmsg('validationNotLoaded', { train: cfg.name }));
  }

  const emitted: TrainEvent[] = [];
  // live-only events are not written to metrics.jsonl: batches, boundaries, weights during training
  const emit = (e: TrainEvent, live = e.type === 'batch' || e.type === 'boundary') => {
    emitted.push(e);
    opts.emit(e);
    // after the watcher has it: a full disk fails the run here, and the watcher still heard the event
    if (!live) run.log(e);
  };

  const cut = resume ? run.repairLog() : 0;
  if (!resume) {
    run.create(runConfigOf(cfg, data, { epochs, seed, backend: opts.backend.name, command: opts.command, imageBackground: opts.imageBackground, overrides: opts.overrides, trial: opts.trial }), opts.summaryText ?? '');
  }

  const metricNames = cfg.metrics.map((m) => m.spec.name);
  const params = countParams(cfg);
  emit({
    type: 'start',
    train: cfg.name,
    file: cfg.file,
    model: cfg.model.name,
    data: data.name,
    backend: opts.backend.name,
    backendNote: opts.backend.note,
    ...(opts.backend.said ? { backendMsg: opts.backend.said } : {}),
    runDir: opts.runDir,
    epochs,
    batchSize: cfg.batchSize,
    samples: { train: foldData[0].train.n, validation: foldData[0].val?.n ?? 0, test: data.test?.n ?? 0 },
    params,
    task: data.task,
    ...(data.classes !== undefined ? { classes: data.classes } : {}),
    metrics: metricNames,
    ...(folds ? { kfold: folds } : {}),
    ...(resume ? { resumedFrom: resume.epoch } : {}),
    ...(resume && resume.batch > 0 ? { resumedBatch: resume.batch } : {}),
  });
  for (const n of opts.notes ?? []) emit({ type: 'log', ...noteText(n) });
  if (cut) emit({ type: 'log', ...said(rmsg('partialLine', { bytes: cut })) });
  if (goneNote) emit({ type: 'log', ...said(goneNote) });
  for (const g of foldsGone) emit({ type: 'log', ...said(rmsg('foldBestGone', { missing: g.missing!, fold: g.fold })) });
  if (points) emit(points);
  const fitPoints = fitPointsEvent(data, foldData[0].train, foldData[0].val);
  if (fitPoints) emit(fitPoints);

  const started = Date.now();
  let stats = { samples: resume?.samples ?? 0, seconds: resume?.seconds ?? 0 };
  const foldResults: Evaluation[] = resume?.foldResults ?? [];
  let last: FoldOutcome | undefined;
  // several threads on a model that can be split: helper threads, started with the first fold, for every fold
  const threads: Threads = { count: opts.backend.replicas ?? 1 };
  try {
    for (let f = resume?.fold ?? 0; f < foldData.length; f++) {
      if (folds) emit({ type: 'fold', fold: f + 1, folds });
      if (last) last.model.dispose();
      const r = new FoldRun(cfg, data, opts, run, emit, seed, epochs, f, folds, foldData[f], validated, stats, foldResults, resume && resume.fold === f ? resume : undefined, threads);
      last = await r.run();
      stats = last.stats;
      if (last.outcome === 'not_finite' || last.outcome === 'stopped') break;
      if (folds && last.finalVal) foldResults.push(last.finalVal);
    }
    const outcome = last!.outcome;
    if (outcome === 'not_finite') {
      last!.model.dispose();
      return { outcome, runDir: opts.runDir, message: last!.message };
    }
    // a requested stop ends with `stopped` (last/ is saved); `end` and the report belong to a finished run
    if (outcome === 'stopped') return { outcome, runDir: opts.runDir, model: last!.model };

    const seconds = (Date.now() - started) / 1000;
    const end: Extract<TrainEvent, { type: 'end' }> = {
      type: 'end',
      epochs: last!.epochsRun,
      seconds,
      samplesPerSecond: stats.seconds > 0 ? stats.samples / stats.seconds : 0,
      runDir: opts.runDir,
    };
    if (last!.bestEpoch !== undefined) end.bestEpoch = last!.bestEpoch;
    const model = last!.model;
    if (folds) {
      end.folds = summarizeFolds(foldResults);
      const bm = bestMonitor(cfg, validated);
      const best = run.promoteBestFold(folds, new Monitor(bm.name, bm.mode, 0).max);
      if (best) emit({ type: 'log', ...said(rmsg('bestFold', { dir: best })) });
    } else if (data.test && data.test.n > 0) {
      // the test result is that of the saved weights (best/), which nn evaluate and nn predict use,
      // labelled with their epoch; the last epoch's weights are measured too when they differ
      const saved = last!.savedEpoch;
      const lastTest = last!.lastTest ?? (await evaluateSplit(model, last!.task, data.test, undefined, threads.replicas));
      if (saved !== undefined && saved !== last!.epochsRun) {
        const best = await loadSaved(path.join(opts.runDir, 'best'));
        try {
          end.test = await evaluateSplit(best, makeTask(best, data, cfg.loss, cfg.metrics), data.test, undefined, threads.replicas);
          end.testEpoch = saved;
          end.lastTest = lastTest;
          const predictions = predictionsEvent(best, data);
          if (predictions) emit(predictions);
        } finally {
          best.dispose();
        }
      } else {
        end.test = lastTest;
        end.testEpoch = last!.epochsRun;
        const predictions = predictionsEvent(model, data);
        if (predictions) emit(predictions);
      }
    }
    const weights = weightsEvent(model, data, last!.epochsRun, folds);
    if (weights) emit(weights);
    // the whole run's epochs (a resumed run's begin before it stopped): one model's, not k folds'
    const history = [...(resume ? run.epochsBefore(resume.fold, resume.epoch) : []), ...emitted.filter((e) => e.type === 'epoch')];
    const over = folds ? undefined : overfitting(history);
    if (over) emit({ type: 'log', ...said(overfittingAdvice(cfg, data.image, over)) });
    emit(end);
    run.writeReport({
      train: cfg.name,
      outcome,
      test: end.test,
      testEpoch: end.testEpoch,
      lastTest: end.lastTest,
      folds: end.folds,
      bestEpoch: end.bestEpoch,
      bestMonitor: bestMonitor(cfg, validated).name,
      epochs: end.epochs,
      timings: { seconds, trainingSeconds: stats.seconds, samples: stats.samples, samplesPerSecond: end.samplesPerSecond },
      backend: opts.backend.name,
      // a resumed run's history begins with the epochs logged before it stopped
      history,
    });
    return { outcome, runDir: opts.runDir, end, model };
  } catch (e) {
    // a helper thread that fails while the finished run is measured on the test split: its checkpoints are written
    if (e instanceof ReplicaError && last) {
      const kept = keptNote(opts.runDir, { ...(last.savedEpoch !== undefined ? { best: last.savedEpoch } : {}), last: where(last.epochsRun, 0) });
      throw new TrainError(rmsg('replicaStoppedKept', { why: e.said, kept, run: opts.runDir }));
    }
    throw e;
  } finally {
    // the helper threads end with the run, however it ends (the test is evaluated on them)
    threads.replicas?.dispose();
  }
}

/** The threads a run trains on: `count` replicas of the model (runtime/train/replicas.ts) when above 1, started by the first fold. */
interface Threads {
  count: number;
  replicas?: Replicas;
}

interface FoldOutcome {
  outcome: Outcome;
  model: LayersModel;
  task: Task;
  epochsRun: number;
  bestEpoch?: number;
  /** the epoch of the weights in best/ */
  savedEpoch?: number;
  /** without k-fold: the test split on the weights of the last epoch (before early stopping restores others) */
  lastTest?: Evaluation;
  finalVal?: Evaluation;
  message?: string;
  stats: { samples: number; seconds: number };
}

/** One model trained on one fold (or the whole run without k-fold). */
class FoldRun {
  private readonly model: LayersModel;
  /** where the dropout masks of each step come from (seeded per step in `run`) */
  private readonly noise: DropoutNoise;
  private readonly task: Task;
  private readonly optimizer: TrainOptimizer;
  private readonly schedule: Schedule;
  private readonly best: Monitor;
  private readonly early?: Monitor;
  private restoreWeights: Tensor[] | undefined;
  private readonly variables: tf.Variable[];
  private lastBatchEvent = 0;
  private lastBoundary = 0;
  private lastWeights = -Infinity;
  private lastYield = Date.now();
  private readonly grid?: { extent: [number, number, number, number]; x: Float32Array };
  /** regression on 1 or 2 inputs: where the fit is predicted */
  private readonly fitGrid?: FitGrid;
  /** the latest boundary and fit sent live and not yet in metrics.jsonl: written when the fold ends, however it ends */
  private readonly unlogged = new Map<'boundary' | 'fit', TrainEvent>();
  private readonly augmentations: Augmentation[];
  /** what this run has saved so far (a resumed run: what the earlier part saved), for the message of a stop on a non-finite value */
  private readonly saved: { best?: number; last?: RuntimeMessage } = {};
  /** layer_stats: the probe of the layers and the warnings drawn from it (absent when off) */
  private readonly inside?: { probe: LayerProbe; warnings: LayerWarnings; every: 'epoch' | number };
  private readonly desc: ModelDesc;
  /** the helper threads that train on parts of each batch, when the run has several threads */
  private replicas: Replicas | undefined;
  private xBuf: Float32Array;
  private yBuf: Int32Array | Float32Array;

  constructor(
    private readonly cfg: TrainConfig,
    private readonly data: LoadedData,
    private readonly opts: TrainOptions,
    private readonly folder: RunFolder,
    private readonly emit: (e: TrainEvent, live?: boolean) => void,
    private readonly seed: number,
    private readonly epochs: number,
    private readonly fold: number,
    private readonly folds: number | undefined,
    private readonly split: FoldData,
    validated: boolean,
    private stats: { samples: number; seconds: number },
    private readonly foldResults: Evaluation[],
    private readonly resume: ResumeState | undefined,
    private readonly threads: Threads,
  ) {
    const desc = describeModel(cfg.model!);
    this.desc = desc;
    const compiled = compileModel(desc, { seed });
    this.model = compiled.model;
    this.noise = compiled.noise;
    this.task = makeTask(this.model, data, cfg.loss!, cfg.metrics);
    this.optimizer = TrainOptimizer.from(cfg.optimizer!);
    this.schedule = new Schedule(cfg.schedule, this.optimizer.baseLr, epochs);
    const bm = bestMonitor(cfg, validated);
    this.best = new Monitor(bm.name, bm.mode, 0);
    const es = cfg.earlyStopping;
    if (es) this.early = new Monitor(es.args.monitor as string, es.args.mode as Mode, es.args.min_delta as number);
    this.variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.xBuf = new Float32Array(cfg.batchSize * this.task.xw);
    this.yBuf = this.task.classification ? new Int32Array(cfg.batchSize) : new Float32Array(cfg.batchSize * this.task.yw);
    this.augmentations = augmentationsOf(cfg.augment);
    if (data.task === 'classification' && data.featureShape.length === 1 && data.featureShape[0] === 2) this.grid = planeGrid(split.train, BOUNDARY_SIZE);
    this.fitGrid = fitGrid(data, split.train);
    if (cfg.layerStats !== false) this.inside = { probe: new LayerProbe(this.model, desc, split.train.x, split.train.n, data.featureShape), warnings: new LayerWarnings(), every: cfg.layerStats };
  }

  private get foldTag(): { fold?: number } {
    return this.folds ? { fold: this.fold + 1 } : {};
  }

  private get dir(): string {
    return this.folds ? `fold-${this.fold + 1}` : '';
  }

  async run(): Promise<FoldOutcome> {
    await this.startReplicas();
    try {
      return await this.trainEpochs();
    } catch (e) {
      // a helper thread that fails outside a step (evaluating): a step's failure is said where it saves last/
      if (e instanceof ReplicaError) throw new TrainError(rmsg('replicaStoppedKept', { why: e.said, kept: this.keptNote(), run: this.opts.runDir }));
      throw e;
    }
  }

  /** The fold's epochs, from where a resumed run stopped, then its last measurements. */
  private async trainEpochs(): Promise<FoldOutcome> {
    let startEpoch = 0;
    let startBatch = 0;
    let partial: MetricsAccumulator | undefined;
    if (this.resume) {
      const r = this.resume;
      await this.folder.loadLast(this.model, this.optimizer);
      this.schedule.restore(r.schedule);
      this.best.restore(r.best);
      if (this.early && r.early) this.early.restore(r.early);
      const restore = this.folder.readRestoreWeights(this.model);
      if (restore) this.restoreWeights = this.model.weights.map((w) => restore[w.originalName]);
      startEpoch = r.epoch;
      startBatch = r.batch;
      this.saved.last = where(r.epoch, r.batch);
      this.saved.best = this.best.bestEpoch ?? undefined;
      if (r.accumulator) {
        partial = new MetricsAccumulator(this.task.metrics);
        const fresh = partial.state();
        const a = r.accumulator;
        const dims = (s: typeof a) => JSON.stringify([s.confusion?.map((row) => row.length), s.topHits.map((h) => h[0]), s.ySum.length, s.ySq.length, s.dimSq.length]);
        if (dims(a) !== dims(fresh)) throw new RunError(rmsg('runFileDamaged', { file: path.join(this.opts.runDir, 'last', 'state.json'), problem: rmsg('accumulatorMisfit') }));
        partial.restore(a);
      }
    }
    const es = this.cfg.earlyStopping;
    const every = (this.cfg.checkpoint?.args.every as number | undefined) ?? 1;
    const n = this.split.train.n;
    const bs = this.cfg.batchSize;
    const batches = Math.ceil(n / bs);
    // state.json says where in an epoch it stopped: never past the epoch's last batch
    if (startBatch >= batches) throw new RunError(rmsg('runFileDamaged', { file: path.join(this.opts.runDir, 'last', 'state.json'), problem: rmsg('batchOutside', { batch: startBatch, batches }) }));
    let epochsRun = startEpoch;
    let finalVal: Evaluation | undefined;
    let outcome: Outcome = 'completed';

    for (let e = startEpoch; e < this.epochs; e++) {
      const t0 = Date.now();
      this.optimizer.learningRate = this.schedule.lrFor(e);
      const lr = this.optimizer.learningRate;
      const order = this.cfg.shuffle ? epochOrder(n, subSeed(this.seed, this.fold), e) : identity(n);
      const acc = partial ?? new MetricsAccumulator(this.task.metrics);
      partial = undefined;
      let trainMs = 0;
      let b = e === startEpoch ? startBatch : 0;
      for (; b < batches; b++) {
        const from = b * bs;
        const to = Math.min(n, from + bs);
        const s0 = performance.now();
        const rows = gatherBatch(this.split.train, order, from, to, this.xBuf, this.yBuf);
        // training batches only, fresh every epoch; seeded per batch so a run resumed mid-epoch sees the same
        if (this.augmentations.length) new Augmenter(this.augmentations, this.data.featureShape, this.data.image, subSeed(this.seed, this.fold, e, b), this.data.pixelNormalize).apply(this.xBuf, rows);
        // the dropout masks too, from (seed, fold, epoch, batch) like the augmentation
        const inside = this.inside;
        const measure = inside !== undefined && (inside.every === 'epoch' ? b === batches - 1 : (e * batches + b + 1) % inside.every === 0);
        let measured: (WeightMeasure | undefined)[] | undefined;
        const stepSeed = subSeed(this.seed, STREAM.dropout, this.fold, e, b);
        const measuring = measure ? (m: (WeightMeasure | undefined)[]) => (measured = m) : undefined;
        let loss: number;
        try {
          loss = this.replicas ? await this.stepReplicated(rows, acc, stepSeed, measuring) : this.noise.step(stepSeed, () => this.step(rows, acc, measuring));
        } catch (err) {
          if (!(err instanceof ReplicaError)) throw err;
          // the batch was not applied: last/ resumes at it
          this.stats.seconds += trainMs / 1000;
          await this.saveLast(e, b, acc);
          throw new TrainError(rmsg('replicaStopped', { why: err.said, run: this.opts.runDir }));
        }
        trainMs += performance.now() - s0;
        if (!Number.isFinite(loss)) {
          const m = said(rmsg('lossNotFinite', { loss: String(loss), epoch: e + 1, batch: b + 1, advice: notFiniteAdvice(this.cfg.optimizer!, lr), kept: this.keptNote() }));
          this.flushPictures();
          this.emit({ type: 'stopped', reason: 'not_finite', epoch: e + 1, ...m });
          this.emit({ type: 'error', ...m, file: this.cfg.file });
          return this.outcome('not_finite', epochsRun, finalVal, m.message);
        }
        this.stats.samples += rows;
        if (measured) {
          // the statistics' cost counts as training time: samples/s says what they cost
          const i0 = performance.now();
          this.inspect(measured, e + 1, b + 1, batches);
          trainMs += performance.now() - i0;
        }
        const now = Date.now();
        if (now - this.lastBatchEvent >= (this.opts.batchEventInterval ?? 100)) {
          this.lastBatchEvent = now;
          this.emit({ type: 'batch', epoch: e + 1, batch: b + 1, batches, loss, lr, ...this.foldTag });
        }
        if (now - this.lastYield >= 50) {
          // let signals, sockets and timers through
          await new Promise((r) => setImmediate(r));
          this.lastYield = Date.now();
        }
        if (this.opts.stopRequested?.() && b < batches - 1) {
          this.stats.seconds += trainMs / 1000;
          await this.saveLast(e, b + 1, acc);
          this.flushPictures();
          this.emit({ type: 'stopped', reason: 'requested', epoch: e + 1, ...said(rmsg('stoppedInEpoch', { epoch: e + 1, batch: b + 1, run: this.opts.runDir })) });
          return this.outcome('stopped', epochsRun, finalVal);
        }
      }
      this.stats.seconds += trainMs / 1000;
      const values: Record<string, number> = { loss: acc.loss, ...acc.values() };
      let val: Evaluation | undefined;
      if (this.split.val) {
        val = await evaluateSplit(this.model, this.task, this.split.val, undefined, this.replicas);
        values.val_loss = val.loss;
        for (const [k, v] of Object.entries(val.metrics)) values[`val_${k}`] = v;
      }
      finalVal = val;
      epochsRun = e + 1;
      const improved = this.best.update(values, e + 1);
      const reduced = this.schedule.observe(values);
      const seconds = (Date.now() - t0) / 1000;
      this.emit({
        type: 'epoch',
        epoch: e + 1,
        epochs: this.epochs,
        loss: acc.loss,
        metrics: acc.values(),
        ...(val ? { val } : {}),
        lr,
        seconds,
        samplesPerSecond: trainMs > 0 ? (acc.count * 1000) / trainMs : 0,
        best: improved,
        tensors: tf.memory().numTensors,
        ...this.foldTag,
      });
      if (reduced !== undefined) this.emit({ type: 'log', ...said(rmsg('reduceOnPlateau', { monitor: String(this.schedule.monitorName), from: lr, to: reduced })) });
      // the last step of an epoch can break the weights with a finite loss: never save those
      const advice = () => ({ epoch: e + 1, advice: notFiniteAdvice(this.cfg.optimizer!, lr), kept: this.keptNote() });
      const broken = val && !Number.isFinite(val.loss) ? rmsg('valLossNotFinite', { loss: String(val.loss), ...advice() }) : !this.weightsFinite() ? rmsg('weightsNotFinite', advice()) : undefined;
      if (broken) {
        const m = said(broken);
        this.flushPictures();
        this.emit({ type: 'stopped', reason: 'not_finite', epoch: e + 1, ...m });
        this.emit({ type: 'error', ...m, file: this.cfg.file });
        return this.outcome('not_finite', epochsRun, finalVal, m.message);
      }
      let stop = false;
      if (this.early) {
        const better = this.early.update(values, e + 1);
        if (better && es!.args.restore_best === true) this.keepRestoreWeights();
        stop = this.early.wait >= (es!.args.patience as number) && this.early.wait > 0;
      }
      // asked once an epoch (a test's stopRequested counts its calls)
      const requested = this.opts.stopRequested?.() === true;
      // the epoch a run ends at, however it ends, always sends its pictures (and logs them)
      this.pictures(e + 1, e === this.epochs - 1 || stop || requested);
      this.weights(e + 1);
      if (improved) await this.saveBest(e + 1, values);
      const lastEpoch = stop || e === this.epochs - 1;
      if ((e + 1) % every === 0 || lastEpoch) await this.saveLast(e + 1, 0, undefined);
      if (stop) {
        outcome = 'early_stopped';
        const bestE = this.early!.bestEpoch;
        this.emit({
          type: 'stopped',
          reason: 'early_stopping',
          epoch: e + 1,
          ...said(rmsg('earlyStopped', { monitor: this.early!.name, wait: this.early!.wait, best: formatMonitored(this.early!.best), bestEpoch: bestE ?? 0, restored: es!.args.restore_best === true })),
        });
        break;
      }
      if (requested && e < this.epochs - 1) {
        if ((e + 1) % every !== 0) await this.saveLast(e + 1, 0, undefined);
        this.emit({ type: 'stopped', reason: 'requested', epoch: e + 1, ...said(rmsg('stoppedAfterEpoch', { epoch: e + 1, run: this.opts.runDir })) });
        return this.outcome('stopped', epochsRun, finalVal);
      }
    }
    // the last epoch's weights on the test split, before early stopping puts others in their place
    const test = this.data.test;
    const lastTest = !this.folds && test && test.n > 0 && this.restoreWeights ? await evaluateSplit(this.model, this.task, test, undefined, this.replicas) : undefined;
    if (this.restoreWeights) this.model.setWeights(this.restoreWeights);
    // restored weights, or a fold resumed after its last epoch: measure what the fold ends with
    if (this.split.val && (this.restoreWeights || !finalVal)) finalVal = await evaluateSplit(this.model, this.task, this.split.val, undefined, this.replicas);
    return { ...this.outcome(outcome, epochsRun, finalVal), lastTest };
  }

  private outcome(outcome: Outcome, epochsRun: number, finalVal: Evaluation | undefined, message?: string): FoldOutcome {
    this.flushPictures();
    tf.dispose(this.restoreWeights ?? []);
    this.restoreWeights = undefined;
    this.optimizer.dispose();
    const bestEpoch = this.early?.bestEpoch ?? this.best.bestEpoch ?? undefined;
    return { outcome, model: this.model, task: this.task, epochsRun, bestEpoch: bestEpoch ?? undefined, savedEpoch: this.best.bestEpoch ?? undefined, finalVal, message, stats: this.stats };
  }

  /** What a stop on a non-finite value leaves: the checkpoints written before it, or that there are none. */
  private keptNote(): RuntimeMessage {
    return keptNote(path.join(this.opts.runDir, this.dir), this.saved);
  }

  /** layer_stats: the `layers` event of the step just measured, and the warnings it raises. */
  private inspect(measured: (WeightMeasure | undefined)[], epoch: number, batch: number, batches: number): void {
    const ev = this.inside!.probe.event(measured, { epoch, batch, batches, ...this.foldTag });
    this.emit(ev);
    for (const w of this.inside!.warnings.check(ev)) this.emit(w);
  }

  /**
   * One training step on the first `rows` rows of the batch buffers; returns the batch loss.
   * With `measured`, the layers' gradients and update are measured around the optimizer's step
   * (layer_stats) and handed to it.
   */
  private step(rows: number, acc: MetricsAccumulator, measured?: (m: (WeightMeasure | undefined)[]) => void): number {
    return tf.tidy(() => {
      const { xs, ys } = batchTensors(this.task, this.xBuf, this.yBuf, rows);
      let out: Float32Array | undefined;
      const { value, grads } = trainingGrads(this.model, this.task.lossFn, xs, ys, this.variables, (o) => (out = o));
      const loss = value.dataSync()[0];
      if (!Number.isFinite(loss)) return loss;
      // the optimizers match their slots to variables by position: keep the variables' order
      const ordered: NamedGrads = {};
      for (const v of this.variables) if (grads[v.name]) ordered[v.name] = grads[v.name];
      this.update(ordered, measured);
      acc.add(out!, this.yBuf, rows, loss);
      return loss;
    });
  }

  /**
   * The step's update from the batch's gradients (in the variables' order): clipped (clip_norm),
   * then the optimizer's; with `measured`, the layers' gradients and update are measured around
   * it (layer_stats) and handed to it.
   */
  private update(ordered: NamedGrads, measured?: (m: (WeightMeasure | undefined)[]) => void): void {
    const update = () => {
      if (this.cfg.clipNorm !== undefined) ordered = clipByGlobalNorm(ordered, this.cfg.clipNorm);
      this.optimizer.apply(ordered, this.variables);
    };
    if (measured) measured(this.inside!.probe.measureStep(ordered, this.variables, update));
    else update();
  }

  /** With several threads: the helpers (replicas.ts) for this fold's model, started by the run's first fold. */
  private async startReplicas(): Promise<void> {
    const t = this.threads;
    if (t.count < 2 || !replicable(this.desc)) return;
    if (!t.replicas) {
      const loss = this.cfg.loss!;
      t.replicas = await Replicas.start(t.count, {
        desc: this.desc,
        seed: this.seed,
        loss: { name: loss.spec.name, args: JSON.parse(JSON.stringify(loss.args)) as Record<string, unknown> },
        classification: this.task.classification,
        // as makeTask gives its loss: the classes of classification data only
        ...(this.task.classification && this.data.classes !== undefined ? { classes: this.data.classes } : {}),
        units: this.task.units,
        featureShape: this.task.featureShape,
        xw: this.task.xw,
        yw: this.task.yw,
        batchSize: this.cfg.batchSize,
      }, this.model).catch((e: unknown) => {
        throw e instanceof ReplicaError ? new TrainError(rmsg('replicasNotStarted', { why: e.said })) : e;
      });
    }
    this.replicas = t.replicas;
    this.xBuf = t.replicas.x;
    this.yBuf = t.replicas.y;
  }

  /**
   * `step` on several threads: this thread trains on the first shard of the batch while the
   * helpers train on theirs; the gradients are averaged by rows, then clipped and applied here.
   */
  private async stepReplicated(rows: number, acc: MetricsAccumulator, seed: number, measured?: (m: (WeightMeasure | undefined)[]) => void): Promise<number> {
    const rep = this.replicas!;
    const own = rep.begin(this.model, rows, seed);
    const mine = this.noise.step(
      seed,
      () =>
        tf.tidy(() => {
          const { xs, ys } = batchTensors(this.task, this.xBuf, this.yBuf, own.rows);
          return trainingGrads(this.model, this.task.lossFn, xs, ys, this.variables, (o) => rep.out.set(o, 0));
        }),
      own,
    );
    let helpers;
    try {
      helpers = await rep.end();
    } catch (e) {
      tf.dispose([mine.value, ...Object.values(mine.grads)]);
      throw e;
    }
    return tf.tidy(() => {
      let sum = mine.value.dataSync()[0]! * own.rows;
      helpers.shard.forEach((s, h) => (sum += s.rows > 0 ? helpers.loss[h]! * s.rows : 0));
      const loss = sum / rows;
      const present = this.variables.filter((v) => mine.grads[v.name]);
      const combined = rep.combine(
        present.map((v) => mine.grads[v.name]!),
        present.map((v) => this.variables.indexOf(v)),
        own.rows,
        helpers,
        rows,
      );
      tf.dispose([mine.value, ...Object.values(mine.grads)]);
      if (!Number.isFinite(loss)) return loss;
      const ordered: NamedGrads = {};
      present.forEach((v, i) => (ordered[v.name] = combined[i]!));
      this.update(ordered, measured);
      acc.add(rep.out.subarray(0, rows * rep.outWidth), this.yBuf, rows, loss);
      return loss;
    });
  }

  private weightsFinite(): boolean {
    return tf.tidy(() => tf.addN(this.model.weights.map((w) => tf.sum(tf.logicalNot(tf.isFinite(w.read())).toFloat()))).dataSync()[0] === 0);
  }

  private keepRestoreWeights(): void {
    tf.dispose(this.restoreWeights ?? []);
    this.restoreWeights = this.model.getWeights().map((w) => tf.keep(w.clone()));
  }

  /** The latest pictures sent live and not logged, logged (sent again): a run that stops keeps its last ones, before its `stopped` event. */
  private flushPictures(): void {
    for (const e of this.unlogged.values()) this.emit(e, false);
    this.unlogged.clear();
  }

  /**
   * The decision boundary (2-D classification) and the fit (regression on 1 or 2 inputs), live at
   * most every boundaryInterval ms; the last epoch's (force) goes to metrics.jsonl too.
   */
  private pictures(epoch: number, force: boolean): void {
    if (!this.grid && !this.fitGrid) return;
    const now = Date.now();
    if (!force && now - this.lastBoundary < (this.opts.boundaryInterval ?? 200)) return;
    this.lastBoundary = now;
    const send = (e: TrainEvent | undefined, kind: 'boundary' | 'fit') => {
      if (!e) return;
      this.emit(e, !force);
      if (force) this.unlogged.delete(kind);
      else this.unlogged.set(kind, e);
    };
    if (this.grid) send(this.boundary(epoch), 'boundary');
    if (this.fitGrid) send(fitEvent(this.model, this.fitGrid, epoch, this.folds ? this.fold + 1 : undefined), 'fit');
  }

  private boundary(epoch: number): TrainEvent {
    const size = BOUNDARY_SIZE;
    const out = predictRows(this.model, [2], this.grid!.x, size * size);
    const values = new Array<number>(size * size);
    const u = this.task.units;
    for (let i = 0; i < size * size; i++) {
      if (u === 1) values[i] = out[i] > this.task.metrics.threshold ? 1 : 0;
      else {
        let best = 0;
        for (let j = 1; j < u; j++) if (out[i * u + j] > out[i * u + best]) best = j;
        values[i] = best;
      }
    }
    return { type: 'boundary', epoch, extent: this.grid!.extent, size, values, ...this.foldTag };
  }

  /** Image models: the first layer's weights now and then (live only; train() sends the final ones). */
  private weights(epoch: number): void {
    const now = Date.now();
    if (now - this.lastWeights < (this.opts.weightsInterval ?? 1000)) return;
    this.lastWeights = now;
    const w = weightsEvent(this.model, this.data, epoch, this.folds ? this.fold + 1 : undefined);
    if (w) this.emit(w, true);
  }

  private async saveBest(epoch: number, values: MetricValues): Promise<void> {
    const p = await this.folder.saveBest(this.model, this.dir, { epoch, monitor: this.best.name, value: values[this.best.name], values });
    this.saved.best = epoch;
    this.emit({ type: 'checkpoint', kind: 'best', epoch, path: p });
  }

  private async saveLast(epoch: number, batch: number, acc: MetricsAccumulator | undefined): Promise<void> {
    const state: ResumeState = {
      version: 1,
      train: this.cfg.name,
      file: this.cfg.file,
      seed: this.seed,
      epochs: this.epochs,
      fold: this.fold,
      epoch,
      batch,
      accumulator: acc?.state(),
      schedule: this.schedule.state(),
      best: this.best.state(),
      early: this.early?.state(),
      foldResults: this.foldResults,
      samples: this.stats.samples,
      seconds: this.stats.seconds,
    };
    const p = await this.folder.saveLast(this.model, this.optimizer, state, this.restoreWeights);
    this.saved.last = where(epoch, batch);
    this.emit({ type: 'checkpoint', kind: 'last', epoch, path: p });
  }
}

/** The weights a run saved in `dir` (best/), loaded as nn evaluate loads them. */
async function loadSaved(dir: string): Promise<LayersModel> {
  const d = checkpointDir(dir);
  if (!d) throw new TrainError(rmsg('bestMissing', { dir }));
  return loadModel(d);
}

/** Where a last/ checkpoint stands: after an epoch, or inside one. */
/**
 * The end of the message of a stop on a non-finite value, for both engines: the checkpoints
 * written before it (`last` says where: "after epoch 3", "epoch 4, batch 7"), or that there are none.
 */
export function keptNote(folder: string, saved: { best?: number; last?: RuntimeMessage }): RuntimeMessage {
  if (saved.best === undefined && !saved.last) return rmsg('noCheckpoints');
  return rmsg('keptCheckpoints', { folder, ...(saved.best !== undefined ? { best: saved.best } : {}), ...(saved.last ? { last: saved.last } : {}) });
}

function where(epoch: number, batch: number): RuntimeMessage {
  return batch > 0 ? rmsg('inEpoch', { epoch: epoch + 1, batch }) : rmsg('afterEpoch', { epoch });
}

/** A note before training: English text, or English with the message id it renders from in a reader's locale. */
export type Note = string | { message: string; msg?: RuntimeMessage };

/** A note as a log event's text. */
export function noteText(n: Note): { message: string; msg?: RuntimeMessage } {
  return typeof n === 'string' ? { message: n } : n;
}

/** An event's text: English in `message` (run folders, --json, older readers), and `msg` for a reader's locale. */
export function said(m: RuntimeMessage): { message: string; msg: RuntimeMessage } {
  return { message: renderRuntime(m, 'en'), msg: m };
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function summarizeFolds(results: Evaluation[]): { results: Evaluation[]; mean: MetricValues; std: MetricValues } {
  const names = ['loss', ...Object.keys(results[0]?.metrics ?? {})];
  const mean: MetricValues = {};
  const std: MetricValues = {};
  for (const k of names) {
    const xs = results.map((r) => (k === 'loss' ? r.loss : r.metrics[k]));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    mean[k] = m;
    // population standard deviation over the folds (numpy's default, as scikit-learn reports it)
    std[k] = Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length);
  }
  return { results, mean, std };
}

function countParams(cfg: TrainConfig): number {
  const t = cfg.model!.totals;
  return (t.trainable ?? 0) + (t.nonTrainable ?? 0);
}

/**
 * What a resumed run would train differently from how it started, by its config.json: the data
 * (samples, their shape, the classes), the batch size (last/ records a batch index), the loss,
 * the validation split and the folds. A changed model shows in its weights (loadLast), another
 * optimizer in its state; the optimizer's arguments (a learning rate) may change.
 */
function changedSinceRun(saved: RunConfig, cfg: TrainConfig, data: LoadedData): { what: string; before: string; now: string }[] {
  const out: { what: string; before: string; now: string }[] = [];
  const compare = (what: string, before: unknown, now: unknown) => {
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(now)) out.push({ what, before: JSON.stringify(before), now: JSON.stringify(now) });
  };
  compare('samples', saved.data.samples, { train: data.train.n, test: data.test?.n ?? 0 });
  compare('sample shape', saved.data.featureShape, data.featureShape);
  compare('classes', saved.data.classes, data.classes);
  compare('batch_size', saved.batchSize, cfg.batchSize);
  // by name: a default that changes between nn versions must not make old runs unresumable
  compare('loss', saved.loss.name, cfg.loss!.spec.name);
  compare('validation', saved.validation, typeof cfg.validation === 'number' ? cfg.validation : cfg.validation?.name);
  compare('kfold', saved.kfold, cfg.kfold);
  return out;
}

