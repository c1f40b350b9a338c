// The folder of one training run: runs/<train name>/<timestamp>/ with
//   config.json    the resolved configuration (every setting with its defaults, the seed used)
//   summary.txt    the model's summary table
//   metrics.jsonl  every event but batch, boundary and the weights sent during training (the
//                  final weights are there), one JSON object a line. Append-only: a resumed run adds a
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
import * as path from 'node:path';
import { tf, type LayersModel, type Tensor } from '../tf';
import { parseEvent, type TrainEvent, type Evaluation } from './protocol';
import type { TrainOptimizer } from './optimizers';
import type { ScheduleState } from './schedules';
import type { MonitorState } from './monitor';
import type { AccumulatorState } from './metrics';
import { writeDirAtomic, writeSynced, makeDirs, appendLine, readJson, readBytes, ioProblem, CheckpointError, checkpointDir, modelFiles, loadWeightsInto, encodeTensors, decodeTensors, type Files, type StepHook } from './checkpoint';

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

/** A run folder that cannot be used as asked (nothing to resume, another train block's run). */
export class RunError extends CheckpointError {}

/**
 * A new run folder under root/<train>/, created: named after the time, made unique. It is made
 * here with an exclusive mkdir, so runs started in the same second by several processes each
 * get their own (looking for a free name first let two runs share one). `train` is a train
 * block's name, which the language makes an identifier; anything else (a path such as ../x) is
 * refused, so a run never writes outside root.
 */
export function newRunDir(root: string, train: string, now = new Date()): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(train)) throw new RunError(`'${train}' is not a train block's name: run folders are named after train blocks`);
  const stamp = now.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, '');
  const base = path.join(root, train, stamp);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      if (i === 1) makeDirs(path.dirname(base));
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CheckpointError(`cannot create the run folder ${dir}: ${ioProblem(e)}`);
    }
  }
}

/** The most recent run of `train` under root that can be resumed (has last/). */
export function latestRun(root: string, train: string): string | undefined {
  const dir = path.join(root, train);
  if (!fs.existsSync(dir)) return undefined;
  const runs = fs
    .readdirSync(dir)
    .filter((d) => checkpointDir(path.join(dir, d, 'last')))
    .sort((a, b) => fs.statSync(path.join(dir, a)).mtimeMs - fs.statSync(path.join(dir, b)).mtimeMs || a.localeCompare(b));
  return runs.length ? path.join(dir, runs[runs.length - 1]) : undefined;
}

export class RunFolder {
  constructor(
    readonly dir: string,
    private readonly hook?: StepHook,
  ) {}

  create(config: object, summary: string): void {
    try {
      makeDirs(this.dir);
      writeSynced(path.join(this.dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
      writeSynced(path.join(this.dir, 'summary.txt'), summary + '\n');
      writeSynced(path.join(this.dir, 'metrics.jsonl'), '');
    } catch (e) {
      throw new CheckpointError(`cannot create the run folder ${this.dir}: ${ioProblem(e)}`);
    }
  }

  config(): Record<string, unknown> {
    return readJson<Record<string, unknown>>(path.join(this.dir, 'config.json'));
  }

  /**
   * A process killed while appending to metrics.jsonl can leave half a line at its end: cut it,
   * so that the resumed run's lines follow whole ones. Returns the bytes cut.
   */
  repairLog(): number {
    const file = path.join(this.dir, 'metrics.jsonl');
    try {
      if (!fs.existsSync(file)) return 0;
      const text = fs.readFileSync(file);
      if (text.length === 0 || text[text.length - 1] === 0x0a) return 0;
      const keep = text.lastIndexOf(0x0a) + 1;
      fs.truncateSync(file, keep);
      return text.length - keep;
    } catch (e) {
      throw new CheckpointError(`cannot repair ${file}: ${ioProblem(e)}`);
    }
  }

  /** The outcome report.json records: a run that has one has finished (stopped and broken runs have none). */
  finished(): { outcome: string; epochs: number } | undefined {
    const file = path.join(this.dir, 'report.json');
    if (!fs.existsSync(file)) return undefined;
    const r = readJson<{ outcome?: unknown; epochs?: unknown }>(file);
    return { outcome: String(r.outcome), epochs: Number(r.epochs) };
  }

  /**
   * The epoch events logged before the point a resumed run continues from (fold `fold`, 0-based,
   * after `epoch` epochs): the history the resumed run's report begins with. The log keeps
   * epochs a killed run trained past its last checkpoint; those are trained again and left out.
   */
  epochsBefore(fold: number, epoch: number): Extract<TrainEvent, { type: 'epoch' }>[] {
    const file = path.join(this.dir, 'metrics.jsonl');
    if (!fs.existsSync(file)) return [];
    // a run resumed before may have logged an epoch twice: the last one logged is the one kept
    const kept = new Map<string, Extract<TrainEvent, { type: 'epoch' }>>();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const e = parseEvent(line);
      if (e?.type !== 'epoch') continue;
      const f = (e.fold ?? 1) - 1;
      if (f < fold || (f === fold && e.epoch <= epoch)) kept.set(`${f}:${e.epoch}`, e);
    }
    return [...kept.values()];
  }

  log(e: TrainEvent): void {
    appendLine(path.join(this.dir, 'metrics.jsonl'), JSON.stringify(e));
  }

  writeReport(report: object): void {
    const file = path.join(this.dir, 'report.json');
    try {
      writeFileAtomic(file, JSON.stringify(report, null, 2) + '\n');
    } catch (e) {
      throw new CheckpointError(`cannot write ${file}: ${ioProblem(e)}`);
    }
  }

  async saveBest(model: LayersModel, sub: string, meta: object): Promise<string> {
    const dir = path.join(this.dir, sub, 'best');
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

  /** k-fold: copy the best of the folds' best/ checkpoints to the run's best/ (for evaluate and predict). */
  promoteBestFold(folds: number, higherIsBetter: boolean): string | undefined {
    let chosen: { dir: string; value: number } | undefined;
    for (let k = 1; k <= folds; k++) {
      const d = checkpointDir(path.join(this.dir, `fold-${k}`, 'best'));
      if (!d) continue;
      const value = readJson<{ value: number }>(path.join(d, 'meta.json')).value;
      if (!chosen || (higherIsBetter ? value > chosen.value : value < chosen.value)) chosen = { dir: d, value };
    }
    if (!chosen) return undefined;
    const files: Files = {};
    for (const f of fs.readdirSync(chosen.dir)) files[f] = readBytes(path.join(chosen.dir, f));
    const dir = path.join(this.dir, 'best');
    writeDirAtomic(dir, files, this.hook);
    return dir;
  }

  private lastDir(): string {
    const d = checkpointDir(path.join(this.dir, 'last'));
    if (!d || !fs.existsSync(path.join(d, 'state.json'))) throw new RunError(`${this.dir} has no last/ checkpoint to resume from`);
    return d;
  }

  readResume(): ResumeState {
    const s = readJson<ResumeState>(path.join(this.lastDir(), 'state.json'));
    if (s.version !== 1) throw new RunError(`${this.dir}: last/state.json has version ${String(s.version)}; this nn reads version 1`);
    return s;
  }

  /** Put last/'s weights into the model and its optimizer state into the optimizer. */
  async loadLast(model: LayersModel, optimizer: TrainOptimizer): Promise<void> {
    const d = this.lastDir();
    loadWeightsInto(model, d);
    const meta = readJson<{ optimizer: string; weights: tf.io.WeightsManifestEntry[] }>(path.join(d, 'optimizer.json'));
    if (meta.optimizer !== optimizer.name) throw new RunError(`${this.dir} was trained with ${meta.optimizer}, the train block now says ${optimizer.name}`);
    const weights = decodeTensors(readBytes(path.join(d, 'optimizer.bin')), meta.weights);
    if (weights.length) await optimizer.setWeights(weights);
  }

  /** Early stopping's best weights saved with last/, by weight name. */
  readRestoreWeights(): tf.NamedTensorMap | undefined {
    const d = this.lastDir();
    if (!fs.existsSync(path.join(d, 'restore.json'))) return undefined;
    const meta = readJson<{ weights: tf.io.WeightsManifestEntry[] }>(path.join(d, 'restore.json'));
    const list = decodeTensors(readBytes(path.join(d, 'restore.bin')), meta.weights);
    return Object.fromEntries(list.map((t) => [t.name, t.tensor]));
  }
}

/** One file written atomically: temp file, fsync, rename. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeSynced(tmp, text);
  fs.renameSync(tmp, file);
}
