// The torch engine: `nn train --engine torch` trains with the exported train.py in Python child
// processes (one, or N ranks started as torchrun starts them) and reads its events, so what a
// user has with the tfjs engine works the same: the events (--json, the progress bar, the socket
// and the chart), the run folder (config.json naming the backend, metrics.jsonl, report.json) and
// best/ and last/ in nn's format, converted from PyTorch's checkpoints as they are written, so
// nn evaluate, nn predict and "NN: Predict" read a torch run as any other. PyTorch's own
// checkpoints (and the code and data it trained from) are in the run's torch/ folder; --resume
// continues from torch/checkpoints/last.pt.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TrainConfig } from '../../core/train';
import { describeModel, describeTrain } from '../../core/model';
import { weightsOf } from '../../export/nn-weights';
import type { LoadedData } from '../../data/types';
import { parseEvent, PROTOCOL_VERSION, type TrainEvent } from '../../runtime/train/protocol';
import { keptNote, noteText, said, splitRefusal, type RunOptions } from '../../runtime/train/trainer';
import { notFiniteAdvice } from '../../runtime/train/evaluate';
import { rmsg, renderRuntime, type RuntimeMessage } from '../../core/runtime-messages';
import { LayerWarnings } from '../../runtime/train/layer-warnings';
import { RunFolder, withRunLock } from '../../runtime/train/runs';
import { bestMonitor, formatMonitored, Monitor, type Mode } from '../../runtime/train/monitor';
import { runConfigOf, readRunConfig } from '../../runtime/train/run-config';
import { modelFiles, writeDirAtomic, checkpointDir, loadModel } from '../../runtime/train/checkpoint';
import { compileModel } from '../../runtime/compile';
import { tf, type LayersModel } from '../../runtime/tf';
import { onLines } from '../../node/lines';
import { freePort } from '../../node/ports';
import { modelPy, type ExportedModel } from '../../export/pytorch/model-py';
import { trainPy, trainSetup, dataFiles, trainSplits } from '../../export/pytorch/train-py';
import { fitInputs, fitPointsEvent, pointsEvent, predictionsEvent } from '../../runtime/train/visuals';
import { kfold, takeRows, SplitError } from '../../data/batches';
import { nnWeightsFrom, readPlainState } from '../../export/pytorch/weights';
import { initialWeightFiles } from '../../export/pytorch/initial';
import { allocatorEnv, blasEnv, openmpEnv, rankEnv } from './launch';
import type { PythonInfo } from './python';

/** What the torch engine refuses or fails at; `said`, when there is one, renders it in the user's locale (as TrainError). */
export class TorchEngineError extends Error {
  readonly said?: RuntimeMessage;
  constructor(m: string | RuntimeMessage) {
    super(typeof m === 'string' ? m : renderRuntime(m, 'en'));
    if (typeof m !== 'string') this.said = m;
  }
}

export interface TorchOptions extends RunOptions {
  python: PythonInfo;
  /** auto, cpu, cuda or cuda:N */
  device: string;
  processes: number;
  /** PyTorch's CPU threads per process; default: PyTorch's own with one process, the cores shared out with several */
  threads?: number;
}

export type TorchOutcome = 'completed' | 'early_stopped' | 'stopped' | 'not_finite';

/**
 * The run's one tfjs model, compiled once with the run's seed when first asked for: nn's initial
 * weights for the seed, and the model every checkpoint is converted through. (Compiling costs,
 * and tfjs' orthogonal initializer warns at every compile of a large recurrent layer.)
 */
class NnModel {
  private model?: LayersModel;

  constructor(private readonly exported: ExportedModel) {}

  of(seed: number): LayersModel {
    this.model ??= compileModel(this.exported.desc, { seed }).model;
    return this.model;
  }

  dispose(): void {
    this.model?.dispose();
  }
}

/** best/ or last/ in nn's format, from a PyTorch checkpoint's weights (save_plain's files), through the run's model. */
async function convertCheckpoint(exported: ExportedModel, model: LayersModel, source: string, dir: string, meta: object | undefined): Promise<void> {
  const state = readPlainState(fs.readFileSync(`${source}.json`, 'utf8'), fs.readFileSync(`${source}.bin`));
  const weights = nnWeightsFrom(exported, state, model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })));
  const tensors = weights.map((w) => tf.tensor(w.data, [...w.shape]));
  model.setWeights(tensors);
  tf.dispose(tensors);
  writeDirAtomic(dir, { ...(await modelFiles(model)), ...(meta ? { 'meta.json': JSON.stringify(meta, null, 2) } : {}) });
}

/** The predictions picture (visuals.ts predictionsEvent) of the nn weights in `dir`, for image classification with test data. */
async function predictionsOf(dir: string, data: LoadedData): Promise<TrainEvent | undefined> {
  if (!data.image || data.task !== 'classification' || !data.test?.n) return undefined;
  const d = checkpointDir(dir);
  if (!d) return undefined;
  const model = await loadModel(d);
  try {
    return predictionsEvent(model, data);
  } finally {
    model.dispose();
  }
}

/**
 * The start line's note: train.py's (`PyTorch 2.3.0 on cuda:0, 2 processes`, as its start event
 * writes it) and the Python it runs on, with its message id when the note is in that form.
 */
export function torchNote(note: string | undefined, python: string): { backendNote: string; backendMsg?: RuntimeMessage } {
  const m = /^PyTorch (\S+) on (\S+?)(?:, (\d+) processes)?$/.exec(note ?? '');
  if (!m) return { backendNote: `${note ?? ''}, ${python}` };
  const msg = rmsg('torchBackend', { version: m[1], device: m[2], ...(m[3] ? { processes: Number(m[3]) } : {}), python });
  return { backendNote: renderRuntime(msg, 'en'), backendMsg: msg };
}

/** An epoch's loss and metrics, validation ones as val_*: what a monitor watches. */
function epochValues(e: Extract<TrainEvent, { type: 'epoch' }>): Record<string, number> {
  return { loss: e.loss, ...e.metrics, ...(e.val ? { val_loss: e.val.loss, ...Object.fromEntries(Object.entries(e.val.metrics).map(([k, v]) => [`val_${k}`, v])) } : {}) };
}

/** The splits of the first fold (the tfjs trainer's fitPoints are of it), or the splits without k-fold. */
function firstSplits(cfg: TrainConfig, data: LoadedData, seed: number, validation: LoadedData['train'] | undefined): { train: LoadedData['train']; validation?: LoadedData['train'] } {
  if (!cfg.kfold) return trainSplits(cfg, data, seed, validation);
  const f = kfold(data.train.n, cfg.kfold, seed)[0];
  return { train: takeRows(data.train, f.train), validation: takeRows(data.train, f.val) };
}

/** What the torch engine cannot do with this block on this machine, found before anything is written. */
export function checkTorchRun(cfg: TrainConfig, python: PythonInfo, device: string, processes: number): void {
  if (processes < 1 || cfg.batchSize % processes !== 0) throw new TorchEngineError(rmsg('batchOverProcesses', { batch: cfg.batchSize, processes }));
  if (device.startsWith('cuda') && !python.cuda) throw new TorchEngineError(rmsg('noCuda', { device, torch: python.torch, python: python.executable }));
}

/** Train on PyTorch, holding the run folder's lock (runs.ts `lockRun`), as the tfjs trainer does. */
export async function trainTorch(cfg: TrainConfig, data: LoadedData, opts: TorchOptions): Promise<TorchOutcome> {
  if (cfg.hasErrors || !cfg.model || !cfg.loss || !cfg.optimizer) throw new TorchEngineError(rmsg('trainHasErrors', { train: cfg.name, file: cfg.file }));
  checkTorchRun(cfg, opts.python, opts.device, opts.processes);
  // too few samples for the folds or the validation split: the user's data, said before a run folder is written
  try {
    if (!opts.resume) firstSplits(cfg, data, 0, opts.validationData);
  } catch (e) {
    if (e instanceof SplitError) throw new TorchEngineError(splitRefusal(cfg.name, e));
    if (e instanceof RangeError) throw new TorchEngineError(`train '${cfg.name}': ${e.message}`);
    throw e;
  }
  return withRunLock(opts.runDir, !opts.resume, async () => {
    const desc = describeModel(cfg.model!);
    // layer_stats reads each layer's output through model.py's traces
    const written = modelPy([desc], cfg.file, { trace: cfg.layerStats !== false });
    const nnModel = new NnModel(written.models[0]);
    try {
      return await trainLocked(cfg, data, opts, written.text, written.models[0], nnModel);
    } finally {
      nnModel.dispose();
    }
  });
}

async function trainLocked(cfg: TrainConfig, data: LoadedData, opts: TorchOptions, modelText: string, exported: ExportedModel, nnModel: NnModel): Promise<TorchOutcome> {
  const run = new RunFolder(opts.runDir);
  const torchDir = path.join(opts.runDir, 'torch');
  const checkpoints = path.join(torchDir, 'checkpoints');
  // validation data is there when the block asks for it, and in every fold of k-fold
  const best = bestMonitor(cfg, cfg.validation !== undefined || cfg.kfold !== undefined);
  let seed: number;
  /** what resuming found and did (best/ rebuilt, or gone), said after the start line */
  const resumeNotes: RuntimeMessage[] = [];
  /** the fold (1-based) a resumed k-fold run goes on in: the one its last.pt was saved in */
  const resumedFold = opts.resume && cfg.kfold ? run.foldOfLast() : 1;
  /** nn's best/ and PyTorch's best.pt both gone: train.py chooses the best again (NN_FORGET_BEST) */
  let forgetBest = false;
  /**
   * nn's best/ gone (deleted, lost) when a run is resumed, the run's or a fold's: made again from
   * PyTorch's copy of the same weights (torch/checkpoints/[fold-N/]best.json and .bin, written with
   * best.pt) when that is there, so nothing is lost. Else, as the tfjs trainer does: the best so
   * far of the fold that goes on (the run's, without k-fold) is forgotten and chosen again from
   * the next epoch (a train.py of an older nn ignores that, and nothing is said); an earlier fold's
   * is no candidate for the run's best/ (promoteBestFold passes over it). Both are said. A best/
   * that cannot be read is refused (runs.ts missingBest).
   */
  const bestOnResume = async () => {
    const current = resumedFold;
    const logged = run.epochsBefore(current - 1, Number.MAX_SAFE_INTEGER);
    // the fold that goes on first, then the earlier ones: the tfjs trainer's order
    for (const k of [current, ...Array.from({ length: current - 1 }, (_, i) => i + 1)]) {
      const sub = cfg.kfold ? `fold-${k}` : '';
      const before = logged.filter((h) => (h.fold ?? 1) === k && h.best).pop();
      // an earlier fold has trained all its epochs: its best/ is always looked at
      const gone = before || k < current ? run.missingBest(sub, k < current ? k : undefined) : undefined;
      if (!gone) continue;
      const source = path.join(checkpoints, sub, 'best');
      if (before && fs.existsSync(`${source}.json`) && fs.existsSync(`${source}.bin`) && fs.existsSync(`${source}.pt`)) {
        const values = epochValues(before);
        await convertCheckpoint(exported, nnModel.of(seed), source, path.join(opts.runDir, sub, 'best'), { epoch: before.epoch, monitor: best.name, value: values[best.name], values });
        resumeNotes.push(rmsg('bestRebuilt', { missing: gone, from: `${source}.pt`, epoch: before.epoch }));
      } else if (k < current) {
        resumeNotes.push(rmsg('foldBestGone', { missing: gone, fold: k }));
      } else if (before && fs.readFileSync(path.join(torchDir, 'train.py'), 'utf8').includes('NN_FORGET_BEST')) {
        forgetBest = true;
        const values = epochValues(before);
        resumeNotes.push(rmsg('bestGoneOnResume', { missing: gone, epoch: before.epoch, monitor: best.name, value: formatMonitored(values[best.name] ?? NaN) }));
      }
    }
  };
  if (opts.resume) {
    const was = readRunConfig(opts.runDir);
    if (was.backend !== 'torch') throw new TorchEngineError(rmsg('torchResumeTfjs', { run: opts.runDir, backend: was.backend }));
    if (!fs.existsSync(path.join(checkpoints, 'last.pt'))) throw new TorchEngineError(rmsg('torchNoLast', { run: opts.runDir }));
    // a finished run trains on only to more epochs than it did
    const done = run.finished();
    if (done && (done.outcome !== 'completed' || cfg.kfold || (opts.epochs ?? Number(was.epochs)) <= done.epochs)) {
      // the tfjs trainer's words
      throw new TorchEngineError(rmsg('resumeFinished', { run: opts.runDir, outcome: done.outcome, epochs: done.epochs, more: done.outcome === 'completed' && !cfg.kfold }));
    }
    seed = Number(was.seed);
    // before anything is written: a damaged best/ is refused with the run as it was
    await bestOnResume();
    run.repairLog();
  } else {
    seed = opts.seed ?? cfg.seed ?? Math.floor(Math.random() * 2 ** 31);
    const epochs = opts.epochs ?? cfg.epochs;
    run.create(
      runConfigOf(cfg, data, { epochs, seed, backend: 'torch', command: opts.command, imageBackground: opts.imageBackground, device: opts.device, processes: opts.processes, overrides: opts.overrides, trial: opts.trial }),
      opts.summaryText ?? '',
    );
    const splits = trainSplits(cfg, data, seed, opts.validationData);
    const train = describeTrain(cfg);
    const setup = trainSetup(exported, data, seed, best);
    writeDirAtomic(torchDir, { 'model.py': modelText, 'train.py': trainPy({ ...train, epochs }, exported, setup), ...initialWeightFiles(exported, weightsOf(nnModel.of(seed))) });
    writeDirAtomic(path.join(torchDir, 'data'), dataFiles(data, splits));
  }

  // 2-D classification: the training points under the boundary; regression on 1 or 2 inputs:
  // the fit picture's points, from the splits train.py trains on (the first fold's with k-fold)
  const points = pointsEvent(data);
  const fitSplits = fitInputs(data) ? firstSplits(cfg, data, seed, opts.validationData) : undefined;
  const fitPoints = fitSplits && fitPointsEvent(data, fitSplits.train, fitSplits.validation);
  /**
   * the latest boundary, fit and first-layer weights: sent live as they come, and only the
   * latest of each written to metrics.jsonl, before the fold's or the run's end (as the tfjs
   * trainer does)
   */
  const unlogged = new Map<string, TrainEvent>();
  const flushPictures = () => {
    for (const e of unlogged.values()) run.log(e);
    unlogged.clear();
  };
  let fold = 0;
  const foldDir = () => (cfg.kfold ? `fold-${fold}` : '');

  // the processes: rank 0's stdout carries the events
  const world = opts.processes;
  const port = world > 1 ? await freePort() : 0;
  const threads = opts.threads ?? (world > 1 ? Math.max(1, Math.floor(os.cpus().length / world)) : 0);
  const args = ['train.py', '--json', '--nn-weights', '--out', checkpoints, '--device', opts.device, '--threads', String(threads), ...(opts.epochs ? ['--epochs', String(opts.epochs)] : []), ...(opts.resume ? ['--resume'] : [])];
  const children: ChildProcess[] = [];
  const stderr: string[] = [];
  /** the last lines the processes wrote to stderr, for a failure's message */
  const tail = () => stderr.join('').trim().split('\n').slice(-12).join('\n');
  for (let rank = 0; rank < world; rank++) {
    // NN_PARENT_PID: the processes end with nn, even when nn is killed (train.py's exit_with_parent)
    const env = { ...process.env, ...allocatorEnv(process.env), ...blasEnv(process.env, threads), ...openmpEnv(process.env, threads), ...(world > 1 ? rankEnv(rank, world, port) : {}), PYTHONUNBUFFERED: '1', NN_PARENT_PID: String(process.pid), ...(forgetBest ? { NN_FORGET_BEST: '1' } : {}) };
    // a process group of its own: a Ctrl+C in the terminal reaches nn alone, which asks train.py
    // to stop once it can (below); sent to the whole group, it reached Python in `import torch`,
    // before train.py's handler, and the run failed with a KeyboardInterrupt traceback (exit 1)
    const child = spawn(opts.python.python, args, { cwd: torchDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stderr!.on('data', (d: Buffer) => {
      stderr.push(d.toString());
      if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
    });
    children.push(child);
  }
  // every fold's epochs up to the one that goes on (fold 0's alone left out the other folds' of a k-fold run)
  const history: Extract<TrainEvent, { type: 'epoch' }>[] = opts.resume ? run.epochsBefore(resumedFold - 1, Number.MAX_SAFE_INTEGER) : [];
  let outcome: TorchOutcome = 'completed';
  let started = false;
  let end: Extract<TrainEvent, { type: 'end' }> | undefined;
  let lastEpoch: Extract<TrainEvent, { type: 'epoch' }> | undefined;
  // what the run has saved (a resumed run: best and last of its earlier part), for a stop on a non-finite value
  const saved: { best?: number; last?: RuntimeMessage } = {};
  const bestBefore = history.filter((h) => h.best).pop();
  if (bestBefore) saved.best = bestBefore.epoch;
  if (history.length) saved.last = rmsg('afterEpoch', { epoch: history[history.length - 1].epoch });
  const emit = (e: TrainEvent) => {
    opts.emit(e);
    if (e.type !== 'batch') run.log(e);
  };
  /**
   * A stop of train.py in the tfjs trainer's message id: a stop asked for (inside an epoch or after
   * it), early stopping (its monitor over `epochs`, the fold's), a value no longer finite (the
   * advice and what is kept). Undefined for an event of a train.py that does not give the fields.
   */
  const stopSaid = (e: Extract<TrainEvent, { type: 'stopped' }>, epochs: Extract<TrainEvent, { type: 'epoch' }>[]): RuntimeMessage | undefined => {
    if (e.reason === 'requested') return e.batch !== undefined ? rmsg('stoppedInEpoch', { epoch: e.epoch, batch: e.batch, run: opts.runDir }) : rmsg('stoppedAfterEpoch', { epoch: e.epoch, run: opts.runDir });
    if (e.reason === 'not_finite') {
      if (!e.value) return undefined;
      const advice = { epoch: e.epoch, advice: notFiniteAdvice(cfg.optimizer!, lastEpoch?.lr ?? Number(cfg.optimizer!.args.lr)), kept: keptNote(opts.runDir, saved) };
      return e.value.of === 'val_loss' ? rmsg('valLossNotFinite', { loss: e.value.is, ...advice }) : rmsg('lossNotFiniteEpoch', { loss: e.value.is, ...advice });
    }
    const es = cfg.earlyStopping;
    if (!es) return undefined;
    const early = new Monitor(es.args.monitor as string, es.args.mode as Mode, es.args.min_delta as number);
    for (const h of epochs) early.update(epochValues(h), h.epoch);
    return rmsg('earlyStopped', { monitor: early.name, wait: early.wait, best: formatMonitored(early.best), bestEpoch: early.bestEpoch ?? 0, restored: es.args.restore_best !== false });
  };
  // events are handled in order: a checkpoint's conversion finishes before the next event goes out
  let chain = Promise.resolve();
  const warnings = new LayerWarnings();
  const handle = async (e: TrainEvent) => {
    switch (e.type) {
      case 'start':
        started = true;
        // epochs the log kept past last.pt (logged before a kill) are trained again: the report has them once
        if (e.resumedFrom !== undefined) history.splice(0, history.length, ...history.filter((h) => (h.fold ?? 1) < resumedFold || h.epoch <= e.resumedFrom!));
        emit({ ...e, file: cfg.file, runDir: opts.runDir, backend: 'torch', ...torchNote(e.backendNote, opts.python.executable) });
        for (const n of opts.notes ?? []) emit({ type: 'log', ...noteText(n) });
        for (const m of resumeNotes) emit({ type: 'log', ...said(m) });
        if (points) emit(points);
        if (fitPoints) emit(fitPoints);
        return;
      case 'fold':
        flushPictures();
        fold = e.fold;
        emit(e);
        return;
      case 'boundary':
      case 'fit':
      case 'weights':
        unlogged.set(e.type, e);
        opts.emit(e);
        return;
      case 'epoch':
        lastEpoch = e;
        history.push(e);
        emit(e);
        return;
      case 'checkpoint': {
        const sub = e.kind === 'best' ? foldDir() : '';
        const dir = path.join(opts.runDir, sub, e.kind);
        const values = lastEpoch ? epochValues(lastEpoch) : {};
        const monitor = best.name;
        await convertCheckpoint(exported, nnModel.of(seed), path.join(checkpoints, sub, e.kind), dir, e.kind === 'best' ? { epoch: e.epoch, monitor, value: (values as Record<string, number>)[monitor], values } : undefined);
        if (e.kind === 'best') saved.best = e.epoch;
        else saved.last = rmsg('afterEpoch', { epoch: e.epoch });
        emit({ ...e, path: dir });
        return;
      }
      case 'stopped': {
        flushPictures();
        outcome = e.reason === 'early_stopping' ? 'early_stopped' : e.reason === 'requested' ? 'stopped' : 'not_finite';
        // the tfjs trainer's words and message ids, from the event's fields (train.py's own text is for its own users)
        const m = stopSaid(e, history.filter((h) => (h.fold ?? 1) - 1 === fold || !cfg.kfold));
        const stop = { type: 'stopped' as const, reason: e.reason, epoch: e.epoch, ...(m ? said(m) : { message: e.message }) };
        emit(stop);
        if (e.reason === 'not_finite') emit({ type: 'error', message: stop.message, ...(m ? { msg: m } : {}), file: cfg.file });
        return;
      }
      case 'layers':
        // the same warnings as the tfjs trainer's, from the same rule
        emit(e);
        for (const w of warnings.check(e)) emit(w);
        return;
      case 'end': {
        end = { ...e, runDir: opts.runDir };
        if (cfg.kfold) {
          const promoted = run.promoteBestFold(cfg.kfold, new Monitor(best.name, best.mode, 0).max);
          if (promoted) emit({ type: 'log', ...said(rmsg('bestFold', { dir: promoted })) });
        } else if (e.test && e.testEpoch !== undefined) {
          // image classification: the test images with what the weights the test measures predict
          const predictions = await predictionsOf(path.join(opts.runDir, e.testEpoch === e.epochs ? 'last' : 'best'), data);
          if (predictions) emit(predictions);
        }
        flushPictures();
        emit(end);
        return;
      }
      default:
        emit(e);
    }
  };
  onLines(children[0].stdout!, (line) => {
    const e = parseEvent(line.trim());
    if (!e) {
      if (line.trim()) stderr.push(`${line}\n`);
      return;
    }
    chain = chain.then(() => handle(e));
  });
  let stopping = false;
  const poll = setInterval(() => {
    // once train.py has started (its start event comes after its SIGINT handler is set): a stop
    // asked for before then waits for it, and train.py stops after its first batch with last/ saved
    if (!stopping && started && opts.stopRequested?.()) {
      stopping = true;
      for (const c of children) c.kill('SIGINT');
    }
  }, 100);
  // a process that dies leaves the others waiting in a collective operation: end them too; and
  // once rank 0 is done, the others have nothing left to do: any still there after a grace
  // period are stuck (in gloo), and are ended without failing the run
  const reaped = new Set<ChildProcess>();
  let grace: NodeJS.Timeout | undefined;
  const codes = await Promise.all(
    children.map(
      (c, rank) =>
        new Promise<number>((resolve) =>
          c.on('close', (code, signal) => {
            const status = code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1);
            if (status !== 0 && status !== 130 && status !== 143 && !reaped.has(c)) for (const other of children) if (other !== c && other.exitCode === null) other.kill('SIGKILL');
            if (rank === 0 && children.length > 1) {
              grace = setTimeout(() => {
                for (const other of children) {
                  if (other.exitCode !== null || other.signalCode !== null) continue;
                  reaped.add(other);
                  other.kill('SIGKILL');
                }
              }, 20_000);
            }
            resolve(reaped.has(c) ? 0 : status);
          }),
        ),
    ),
  );
  if (grace) clearTimeout(grace);
  clearInterval(poll);
  await chain;
  // the last pictures, however the run ended: nn plot draws them
  flushPictures();
  const failed = codes.find((c) => c !== 0 && c !== 130 && c !== 143 && !(c === 1 && outcome === 'not_finite'));
  if (failed !== undefined) {
    throw new TorchEngineError(rmsg('torchFailed', { exit: failed, tail: tail() }));
  }
  if (!started) throw new TorchEngineError(rmsg('torchNoStart', { protocol: PROTOCOL_VERSION, tail: tail() }));
  if (codes[0] === 130 || codes[0] === 143) outcome = 'stopped';
  if (end) {
    run.writeReport({
      train: cfg.name,
      outcome,
      test: end.test,
      testEpoch: end.testEpoch,
      lastTest: end.lastTest,
      bestEpoch: end.bestEpoch,
      folds: end.folds,
      bestMonitor: best.name,
      epochs: end.epochs,
      timings: { seconds: end.seconds, samplesPerSecond: end.samplesPerSecond },
      backend: 'torch',
      history,
    });
  }
  return outcome;
}
