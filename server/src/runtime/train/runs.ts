// The folder of one training run: runs/<train name>/<timestamp>/ with
//   config.json    the resolved configuration (every setting with its defaults, the seed used)
//   summary.txt    the model's summary table
//   metrics.jsonl  every event but batch, and the boundaries, fits and weights sent during
//                  training (the last boundary and fit, however the run ends, and the final
//                  weights are there), one JSON object a line. Append-only: a resumed run adds a
//                  start event with resumedFrom, then epochs again from there (an epoch logged
//                  before a kill and after its checkpoint appears twice; the later one counts)
//   best/          the best weights so far (model.json, weights.bin, meta.json); with k-fold,
//                  fold-<k>/best/ per fold
//   last/          the last weights and what resuming needs: optimizer.json + optimizer.bin (the
//                  optimizer's slots and step count, tfjs getWeights), state.json (epoch and batch
//                  reached, seed, schedule, early-stopping and best-monitor state, partial epoch
//                  metrics, k-fold results so far), restore.json + restore.bin (early stopping's
//                  best weights, when restore_best)
//   report.json    at the end: test results with the confusion matrix, best epoch, timings, history
// Checkpoint folders are written atomically (checkpoint.ts).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, type LayersModel, type Tensor } from '../tf';
import { parseEvent, type TrainEvent, type Evaluation } from './protocol';
import type { TrainOptimizer } from './optimizers';
import type { ScheduleState } from './schedules';
import type { MonitorState } from './monitor';
import type { AccumulatorState } from './metrics';
import { writeDirAtomic, writeSynced, makeDirs, appendLine, readJson, readBytes, readTensors, ioProblem, noLink, manifestCheck, CheckpointError, checkpointDir, checkWeightFiles, modelFiles, loadWeightsInto, encodeTensors, type Files, type StepHook } from './checkpoint';
import { damaged } from './run-files';
import { rmsg } from '../../core/runtime-messages';
import { readRunConfig, type RunConfig } from './run-config';
import { MAX_RUN_FILE_BYTES } from './run-files';
import { LOCK_FILE, alive } from './run-table';

export { LOCK_FILE };
import { int, num, measured, str, oneOf, opt, list, record, object, refine, either, type Check } from './schema';
import { isName } from '../../core/syntax/lexer';
import { entriesNamed } from '../../node/unicode-paths';
import { isFolder } from '../../data/builtin';

export interface ResumeState {
  version: 1;
  train: string;
  file: string;
  seed: number;
  epochs: number;
  /** the fold in progress (0 without k-fold) */
  fold: number;
  /** epochs completed in this fold; with `batch` > 0, batches of the next epoch completed too */
  epoch: number;
  batch: number;
  /** metrics of the partial epoch (batch > 0) */
  accumulator?: AccumulatorState;
  schedule: ScheduleState;
  best: MonitorState;
  early?: MonitorState;
  /** validation results of the folds finished before this one */
  foldResults: Evaluation[];
  /** samples trained and seconds spent training so far (for samples per second) */
  samples: number;
  seconds: number;
}

const monitorCheck: Check<MonitorState> = object<MonitorState>({ best: measured, bestEpoch: either((v, at) => (v === null ? null : int(1)(v, at)), int(1)), wait: int(0) });

const evaluationCheck: Check<Evaluation> = object<Evaluation>({
  loss: measured as Check<number>,
  metrics: record(measured) as Check<Evaluation['metrics']>,
  confusion: opt(list(list(int(0)))),
  classNames: opt(list(str())),
});

const resumeCheck: Check<ResumeState> = refine(
  object<ResumeState>({
    version: (v) => {
      if (v !== 1) throw new StateVersion(String(v));
      return 1;
    },
    train: str(200),
    file: str(),
    seed: int(Number.MIN_SAFE_INTEGER),
    epochs: int(1),
    fold: int(0, 999),
    epoch: int(0),
    batch: int(0, 2 ** 31),
    accumulator: opt(
      object<AccumulatorState>({
        lossSum: num(),
        n: int(0),
        confusion: opt(list(list(int(0)))),
        topHits: list(list(int(0), 2, 2) as unknown as Check<[number, number]>),
        absErr: num(0),
        sqErr: num(0),
        ySum: list(num()),
        ySq: list(num(0)),
        dimSq: list(num(0)),
      }),
    ),
    schedule: object<ScheduleState>({ lr: num(0), plateau: opt(monitorCheck) }),
    best: monitorCheck,
    early: opt(monitorCheck),
    foldResults: list(evaluationCheck),
    samples: num(0),
    seconds: num(0),
  }),
  (s) => (s.epoch > s.epochs ? { at: 'epoch', expected: rmsg('expEpoch', { epochs: s.epochs }), found: s.epoch } : undefined),
);

/** What report.json says of the run's end (the rest of it is for people and tools). */
interface ReportHead {
  outcome: 'completed' | 'early_stopped';
  epochs: number;
}

const reportCheck = object<ReportHead>({ outcome: oneOf('completed', 'early_stopped'), epochs: int(0) });

/** best/meta.json: the epoch and the monitored value the best weights were saved at. */
const metaCheck = object<{ epoch: number; monitor: string; value: number | null }>({ epoch: int(1), monitor: str(200), value: measured });

const optimizerJsonCheck = object<{ optimizer: string; weights: tf.io.WeightsManifestEntry[] }>({ optimizer: str(100), weights: manifestCheck });

/** A run folder that cannot be used as asked (nothing to resume, another train block's run). */
export class RunError extends CheckpointError {}

/** last/state.json of another version than this nn reads (readResume names the file). */
class StateVersion extends Error {
  constructor(readonly version: string) {
    super(`version ${version}`);
  }
}

/**
 * A new run folder under root/<train>/, created: named after the time, made unique. It is made
 * here with an exclusive mkdir, so runs started in the same second by several processes each
 * get their own (looking for a free name first let two runs share one). `train` is a train
 * block's name, which the language makes an identifier; anything else (a path such as ../x) is
 * refused, so a run never writes outside root.
 */
export function newRunDir(root: string, train: string, now = new Date()): string {
  if (!isName(train)) throw new RunError(rmsg('notTrainName', { train }));
  const stamp = now.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, '');
  // the train block's folder as it is spelled on disk (a Mac's NFD), not a second one beside it
  const base = path.join(root, trainFolders(root, train)[0] ?? train, stamp);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      if (i === 1) makeDirs(path.dirname(base));
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CheckpointError(rmsg('cannotCreateRunFolder', { dir, why: ioProblem(e) }));
    }
  }
}

/**
 * Takes the run folder's lock for this process: `train.lock`, created exclusively, holds its pid
 * and host. A run folder locked by a live process is refused, naming it (two processes training
 * one run overwrote each other's weights and interleaved their epochs in metrics.jsonl); a lock
 * left by a process that died (a kill) is taken over. Returns the release.
 */
/**
 * `f`, holding the run folder's lock (`lockRun`) from before its first file is read or written to
 * after its last, on any engine; a new run's folder is made first.
 */
export async function withRunLock<T>(runDir: string, create: boolean, f: () => Promise<T>): Promise<T> {
  if (create) {
    try {
      makeDirs(runDir);
    } catch (e) {
      throw new CheckpointError(rmsg('cannotCreateRunFolder', { dir: runDir, why: ioProblem(e) }));
    }
  }
  const release = lockRun(runDir);
  try {
    return await f();
  } finally {
    release();
  }
}

export function lockRun(runDir: string, hooks: { beforeTakeover?: () => void } = {}): () => void {
  const file = path.join(runDir, LOCK_FILE);
  const me = `${process.pid} ${os.hostname()}\n`;
  const exclusive = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  for (let tries = 0; ; tries++) {
    try {
      const fd = fs.openSync(file, exclusive, 0o666);
      try {
        fs.writeSync(fd, me);
      } finally {
        fs.closeSync(fd);
      }
      HELD.add(file);
      return () => {
        HELD.delete(file);
        try {
          if (fs.readFileSync(file, 'utf8') === me) fs.unlinkSync(file);
        } catch {
          // gone already, or the folder with it: nothing is held
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RunError(rmsg('notRunFolder', { dir: runDir, why: 'notFound' }));
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CheckpointError(rmsg('cannotLock', { file, why: ioProblem(e) }));
    }
    let stale: string;
    try {
      stale = readBytes(file, { max: 4096 }).toString('utf8');
    } catch {
      if (tries > 2) throw new RunError(rmsg('lockUnreadable', { dir: runDir, file }));
      continue; // released meanwhile: try again
    }
    const [pid, host] = stale.trim().split(' ');
    const n = Number(pid);
    const valid = /^[1-9]\d{0,9}$/.test(pid ?? '');
    // a lock is made empty and then written: one that has no pid yet is being taken, not left over
    if (!valid && lockAge(file) < 10_000) throw new RunError(rmsg('lockBeingTaken', { dir: runDir }));
    if (valid && host !== undefined && host !== os.hostname()) throw new RunError(rmsg('lockOtherHost', { dir: runDir, pid: n, host: host.slice(0, 100), file }));
    // our own pid in a lock we did not take is left from an earlier life of this pid (a restarted
    // container's process 1): not another nn train, and not to be killed
    if (valid && alive(n) && (n !== process.pid || HELD.has(file))) throw new RunError(rmsg('lockOtherProcess', { dir: runDir, pid: n }));
    if (tries > 2) throw new RunError(rmsg('lockTakeover', { dir: runDir, file }));
    // the process that held it is gone (killed): take it over, one process at a time. Two that
    // both saw the stale lock each removed it and made their own, the later removing the earlier's
    // fresh lock: both trained the run. The takeover is itself an exclusive file, and the stale
    // lock is removed only while it still says what was read.
    hooks.beforeTakeover?.();
    const takeover = `${file}.takeover`;
    let tfd: number;
    try {
      tfd = fs.openSync(takeover, exclusive, 0o666);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CheckpointError(rmsg('cannotLock', { file: takeover, why: ioProblem(e) }));
      // another process is taking it over now; one that died doing so left it long ago
      if (lockAge(takeover) > 10_000) fs.rmSync(takeover, { force: true });
      else sleep(200);
      continue;
    }
    try {
      fs.closeSync(tfd);
      let now: string | undefined;
      try {
        now = readBytes(file, { max: 4096 }).toString('utf8');
      } catch {
        now = undefined; // gone: the next try creates it
      }
      if (now === stale) fs.rmSync(file, { force: true });
    } finally {
      fs.rmSync(takeover, { force: true });
    }
  }
}

/** The run locks this process holds (a lock with our pid that is not here is a previous life's). */
const HELD = new Set<string>();

/** Milliseconds since a lock file was last written (Infinity when it cannot be read). */
function lockAge(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Blocks this thread for `ms` (a lock taken over by another process is waited for, briefly). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The folders of root that hold the runs of `train`: its name as the language writes it (NFC), and
 * any spelled in another Unicode normal form (made on macOS, which stores names decomposed, then
 * copied), its own spelling first. Compared in NFC, never renamed.
 */
export function trainFolders(root: string, train: string): string[] {
  return entriesNamed(root, train)
    .filter((e) => isFolder(path.join(root, e.name)))
    .map((e) => e.name);
}

/** The most recent run of `train` under root that can be resumed (has last/). */
export function latestRun(root: string, train: string): string | undefined {
  // only the folders themselves: a run that is a symbolic link (to anywhere) is not one of these runs,
  // and resuming it wrote outside the runs folder
  const runs = trainFolders(root, train)
    .map((name) => path.join(root, name))
    .flatMap((dir) =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !/\.(tmp|old)$/.test(d.name) && checkpointDir(path.join(dir, d.name, 'last')))
        .map((d) => path.join(dir, d.name)),
    )
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs || path.basename(a).localeCompare(path.basename(b)));
  return runs[runs.length - 1];
}

export class RunFolder {
  constructor(
    readonly dir: string,
    private readonly hook?: StepHook,
  ) {}

  create(config: RunConfig, summary: string): void {
    try {
      makeDirs(this.dir);
      writeSynced(path.join(this.dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
      writeSynced(path.join(this.dir, 'summary.txt'), summary + '\n');
      writeSynced(path.join(this.dir, 'metrics.jsonl'), '');
    } catch (e) {
      throw new CheckpointError(rmsg('cannotCreateRunFolder', { dir: this.dir, why: ioProblem(e) }));
    }
  }

  config(): RunConfig {
    return readRunConfig(this.dir);
  }

  /**
   * A process killed while appending to metrics.jsonl can leave half a line at its end: cut it,
   * so that the resumed run's lines follow whole ones. Returns the bytes cut.
   */
  repairLog(): number {
    const file = path.join(this.dir, 'metrics.jsonl');
    if (!noLink(file)) return 0;
    const text = readBytes(file, { max: MAX_RUN_FILE_BYTES });
    try {
      if (text.length === 0 || text[text.length - 1] === 0x0a) return 0;
      const keep = text.lastIndexOf(0x0a) + 1;
      fs.truncateSync(file, keep);
      return text.length - keep;
    } catch (e) {
      throw new CheckpointError(rmsg('cannotRepair', { file, why: ioProblem(e) }));
    }
  }

  /** The outcome report.json records: a run that has one has finished (stopped and broken runs have none). */
  finished(): ReportHead | undefined {
    const file = path.join(this.dir, 'report.json');
    if (!noLink(file)) return undefined;
    return readJson(file, reportCheck);
  }

  /**
   * The epoch events logged before the point a resumed run continues from (fold `fold`, 0-based,
   * after `epoch` epochs): the history the resumed run's report begins with. The log keeps
   * epochs a killed run trained past its last checkpoint; those are trained again and left out.
   */
  epochsBefore(fold: number, epoch: number): Extract<TrainEvent, { type: 'epoch' }>[] {
    // a run resumed before may have logged an epoch twice: the last one logged is the one kept
    const kept = new Map<string, Extract<TrainEvent, { type: 'epoch' }>>();
    for (const e of this.logged()) {
      if (e.type !== 'epoch' || !Number.isInteger(e.epoch) || !(e.fold === undefined || Number.isInteger(e.fold))) continue;
      const f = (e.fold ?? 1) - 1;
      if (f < fold || (f === fold && e.epoch <= epoch)) kept.set(`${f}:${e.epoch}`, e);
    }
    return [...kept.values()];
  }

  /**
   * k-fold: the fold (1-based) that last/ was last saved in, as the log says: the fold event
   * before the last checkpoint event of last/ (1 when there is none). For the torch engine, whose
   * last/ holds weights only (its state is in PyTorch's last.pt).
   */
  foldOfLast(): number {
    let fold = 1;
    let saved = 1;
    for (const e of this.logged()) {
      if (e.type === 'fold' && Number.isInteger(e.fold)) fold = e.fold;
      else if (e.type === 'checkpoint' && e.kind === 'last') saved = fold;
    }
    return saved;
  }

  /** The events of metrics.jsonl, in order; a line that is not one (cut short by a kill) is passed over. */
  private logged(): TrainEvent[] {
    const file = path.join(this.dir, 'metrics.jsonl');
    if (!noLink(file)) return [];
    return readBytes(file, { max: MAX_RUN_FILE_BYTES })
      .toString('utf8')
      .split('\n')
      .map((line) => parseEvent(line))
      .filter((e): e is TrainEvent => e !== undefined);
  }

  log(e: TrainEvent): void {
    appendLine(path.join(this.dir, 'metrics.jsonl'), JSON.stringify(e));
  }

  writeReport(report: object): void {
    const file = path.join(this.dir, 'report.json');
    try {
      writeFileAtomic(file, JSON.stringify(report, null, 2) + '\n');
    } catch (e) {
      throw new CheckpointError(rmsg('cannotWriteFile', { file, why: ioProblem(e) }));
    }
  }

  /** A sub-folder of the run (fold-2/) that checkpoints are written into: never a link out of the run. */
  private inside(sub: string): string {
    const d = path.join(this.dir, sub);
    if (sub) noLink(d);
    return d;
  }

  async saveBest(model: LayersModel, sub: string, meta: object): Promise<string> {
    const dir = path.join(this.inside(sub), 'best');
    writeDirAtomic(dir, { ...(await modelFiles(model)), 'meta.json': JSON.stringify(meta, null, 2) }, this.hook);
    return dir;
  }

  async saveLast(model: LayersModel, optimizer: TrainOptimizer, state: ResumeState, restore: Tensor[] | undefined): Promise<string> {
    const files: Files = await modelFiles(model);
    const opt = await optimizer.encodeState();
    files['optimizer.bin'] = opt.bin;
    files['optimizer.json'] = JSON.stringify({ optimizer: optimizer.name, weights: opt.specs });
    if (restore) {
      const r = await encodeTensors(model.weights.map((w, i) => ({ name: w.originalName, tensor: restore[i] })));
      files['restore.bin'] = r.bin;
      files['restore.json'] = JSON.stringify({ weights: r.specs });
    }
    // written last into the folder: a folder with state.json is complete (the rename makes it so anyway)
    files['state.json'] = JSON.stringify(state, null, 2);
    const dir = path.join(this.dir, 'last');
    writeDirAtomic(dir, files, this.hook);
    return dir;
  }

  /**
   * best/ of a fold (`sub`; the run's own without k-fold) when a run is resumed: undefined when
   * its files can be read; else what is missing, best/ itself or its weights file (deleted to
   * save space, or lost). A best/ that is there but cannot be read (cut short) is refused before
   * any training: the run ended on it after all its epochs, and whether to lose it is the user's
   * choice. `doneFold`: the number of an earlier fold, which trains no more (the refusal says so).
   */
  missingBest(sub: string, doneFold?: number): string | undefined {
    const dir = path.join(this.inside(sub), 'best');
    const d = checkpointDir(dir);
    if (!d) return dir;
    const weights = path.join(d, 'weights.bin');
    if (!noLink(weights)) return weights;
    try {
      checkWeightFiles(d);
    } catch (e) {
      if (e instanceof CheckpointError) throw new RunError(rmsg('bestUnreadableOnResume', { dir: d, problem: e.said, ...(doneFold !== undefined ? { fold: doneFold } : {}) }));
      throw e;
    }
    return undefined;
  }

  /** k-fold: copy the best of the folds' best/ checkpoints to the run's best/ (for evaluate and predict). */
  promoteBestFold(folds: number, higherIsBetter: boolean): string | undefined {
    let chosen: { dir: string; value: number } | undefined;
    for (let k = 1; k <= folds; k++) {
      const d = checkpointDir(path.join(this.inside(`fold-${k}`), 'best'));
      // a fold's best/ whose weights are gone (deleted) is no candidate: best/ would have none
      if (!d || !noLink(path.join(d, 'weights.bin'))) continue;
      const value = readJson(path.join(d, 'meta.json'), metaCheck, 2 ** 20).value;
      // a fold whose best value was not finite is not the best
      if (value === null) continue;
      if (!chosen || (higherIsBetter ? value > chosen.value : value < chosen.value)) chosen = { dir: d, value };
    }
    if (!chosen) return undefined;
    const files: Files = {};
    for (const f of fs.readdirSync(chosen.dir)) files[f] = readBytes(path.join(chosen.dir, f), { max: Infinity });
    const dir = path.join(this.dir, 'best');
    writeDirAtomic(dir, files, this.hook);
    return dir;
  }

  private lastDir(): string {
    const d = checkpointDir(path.join(this.dir, 'last'));
    if (!d || !noLink(path.join(d, 'state.json'))) throw new RunError(rmsg('noLastCheckpoint', { dir: this.dir }));
    return d;
  }

  /** last/state.json, checked field by field, and against the run's config.json (its folds). */
  readResume(config: RunConfig): ResumeState {
    const file = path.join(this.lastDir(), 'state.json');
    let s: ResumeState;
    try {
      s = readJson(file, resumeCheck);
    } catch (e) {
      if (e instanceof StateVersion) throw new RunError(rmsg('stateVersion', { file, version: e.version }));
      throw e;
    }
    const folds = config.kfold ?? 1;
    if (s.fold >= folds) throw damaged(file, rmsg('foldOutside', { fold: s.fold, folds, kfold: Boolean(config.kfold) }));
    if (s.train !== config.train || s.file !== config.file) throw damaged(file, rmsg('stateOfOtherRun', { train: s.train, file: s.file, configTrain: config.train, configFile: config.file }));
    return s;
  }

  /** Put last/'s weights into the model and its optimizer state into the optimizer. */
  async loadLast(model: LayersModel, optimizer: TrainOptimizer): Promise<void> {
    const d = this.lastDir();
    loadWeightsInto(model, d);
    const json = path.join(d, 'optimizer.json');
    const meta = readJson(json, optimizerJsonCheck);
    if (meta.optimizer !== optimizer.name) throw new RunError(rmsg('optimizerChanged', { dir: this.dir, was: meta.optimizer, now: optimizer.name }));
    checkSlots(json, meta.weights, model.trainableWeights.map((w) => w.shape as number[]));
    const weights = readTensors(path.join(d, 'optimizer.bin'), meta.weights, json);
    if (weights.length) await optimizer.setWeights(weights);
  }

  /** Early stopping's best weights saved with last/, by weight name. */
  readRestoreWeights(model: LayersModel): tf.NamedTensorMap | undefined {
    const d = this.lastDir();
    const json = path.join(d, 'restore.json');
    if (!noLink(json)) return undefined;
    const meta = readJson(json, object({ weights: manifestCheck }));
    // early stopping's best weights: one of each of the model's weights, of its shape
    const want = new Map(model.weights.map((w) => [w.originalName, w.shape.join(',')]));
    const bad = meta.weights.find((w) => want.get(w.name) !== w.shape.join(','));
    if (bad || meta.weights.length !== want.size) throw damaged(json, bad ? rmsg('restoreWeightForeign', { name: bad.name, shape: bad.shape.join(', ') }) : rmsg('restoreWeightCount', { n: meta.weights.length, want: want.size }));
    const tensors = readTensors(path.join(d, 'restore.bin'), meta.weights, json);
    return Object.fromEntries(tensors.map((t) => [t.name, t.tensor]));
  }
}

/**
 * The optimizer's saved slots against the model's trainable weights, before they are read: the
 * step count a scalar, and each slot the shape of its weight. Optimizers keep their slots by kind,
 * each kind in the weights' order (adam: every first moment, then every second), at most 3 kinds.
 */
function checkSlots(json: string, specs: tf.io.WeightsManifestEntry[], shapes: number[][]): void {
  const slots = specs.filter((s) => s.name !== 'iter');
  const iter = specs.find((s) => s.name === 'iter');
  if (iter && iter.shape.length !== 0) throw damaged(json, rmsg('iterShape', { shape: iter.shape.join(', ') }));
  const n = shapes.length;
  const fits = (s: tf.io.WeightsManifestEntry, i: number) => (slots.length % n === 0 ? [shapes[i % n]] : shapes).some((w) => w.join(',') === s.shape.join(','));
  const bad = slots.find((s, i) => n === 0 || !fits(s, i));
  if (bad) throw damaged(json, rmsg('optimizerSlot', { name: bad.name, shape: bad.shape.join(', ') }));
  if (slots.length > 3 * n) throw damaged(json, rmsg('optimizerSlots', { slots: slots.length, n }));
}

/** One file written atomically: temp file, fsync, rename. */
export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeSynced(tmp, text);
  fs.renameSync(tmp, file);
}
