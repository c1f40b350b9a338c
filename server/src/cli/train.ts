// nn train FILE [--train NAME] [--epochs N] [--seed N] [--backend B] [--threads N] [--json] [--runs DIR]
//          [--resume RUN|last] [--data-path DIR] [--no-download] [--set KEY=VALUE]...
//          [--layer-stats epoch|N|off]
//          [--parallel N] [--prune median]                     (a sweep: sweep.ts)
//          [--run-dir DIR] [--trial N]                         (a sweep's child: its trial's folder and number)
//
// --set puts a value in place of the train block's (core/sweep.ts overrideChange) and checks the
// block again; the run's config.json records it. A train block with values to try (`try`) is a
// sweep: every trial runs as a child nn train (sweep.ts); --resume of a sweep's folder goes on.
//
// Refuses to start when what the train block uses (its model, datasets, constants, the blocks and
// imports those use) has errors; errors elsewhere in the file are noted and do not stop it. On a terminal: a progress bar and one line per
// epoch; --json: only JSON lines (protocol.ts TrainEvent) on stdout. With NN_PROGRESS_SOCKET
// set, the same lines also go to that local socket (Unix socket or Windows named pipe), which
// may send back {"type":"stop"}. SIGINT/SIGTERM (or stop) finish the batch, save last/ and exit
// 130/143; a second SIGINT exits at once. Exit 0 on success, 1 on training errors, 2 on usage.
//
// For the fault tests only: NN_TEST_FAULT=FOLDER:STEP:N:WHAT (FOLDER last or best, STEP a step of
// the atomic checkpoint write, checkpoint.ts StepHook): the N-th time a checkpoint folder of that
// name reaches that step, WHAT happens: kill, the process SIGKILLs itself (a real kill at an
// exact moment); or an errno code (ENOSPC, EROFS, EACCES, EIO), the write fails with it.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { train, TrainError, noteText, type TrainResult, type RunOptions, type Note } from '../runtime/train/trainer';
import { newRunDir, latestRun } from '../runtime/train/runs';
import { existingPath } from '../node/unicode-paths';
import { CheckpointError, type StepHook } from '../runtime/train/checkpoint';
import { parseControl, type TrainEvent } from '../runtime/train/protocol';
import { onLines } from '../node/lines';
import { DataError } from '../data/errors';
import { BackendError, TFJS_NODE_INSTALL, type BackendInfo } from '../runtime/backend';
import { UsageError, type Parsed } from './args';
import { imageBackground, checkedRun, checkedTrain, chooseBackend, splitsBatches, stepWork, intFlag, loadOptions, loadTrainData, readRunConfig, availableMemory, memoryRefusal, recordedOverrides, errorText, CliError, type RunConfig } from './common';
import { Progress, type Screen } from './progress';
import { words, cliLang } from './i18n';
import { findPython, NoTorchError, type PythonInfo } from '../engines/torch/python';
import { trainTorch, checkTorchRun, TorchEngineError } from '../engines/torch/engine';
import { printable } from './files';
import { isKey, overrideJson } from '../core/sweep';
import { isSweepFolder, readSweep, runSweep, startSweep, planSweep, checkTrialSources } from './sweep';

/** The longest control message read from the progress socket (a stop is 15 characters). */
const MAX_CONTROL_LINE = 4096;
/**
 * How long nn train waits at its end for the progress socket's peer to take the events still
 * queued: a peer that does not read (hung, or never meant to) is not waited for, where nn train
 * waited for it forever once its events filled the socket.
 */
const SOCKET_DRAIN_MS = 5000;

export interface TrainIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal: draw the progress bar */
  tty?: boolean;
  /** the environment (NN_PROGRESS_SOCKET); process.env by default */
  env?: Record<string, string | undefined>;
  /** registers what to do when stdout's reader has gone (EPIPE): the run stops as a stop does */
  onOutputClosed?: (listener: () => void) => void;
}

export async function trainCommand(args: Parsed, io: TrainIO): Promise<number> {
  const json = args.flags.has('json');
  const env = io.env ?? process.env;
  const resumeFlag = args.flags.get('resume');
  if (resumeFlag === true) throw new UsageError(words().flagNeeds('resume', 'runOrLast'));
  let file = args.positionals[0];
  let trainName = args.flags.get('train') as string | undefined;
  if (args.positionals.length > 1) throw new UsageError(words().trainOneFile);
  let resumeDir: string | undefined;
  /** the run's record, when the file to train comes from it (--resume RUN without a file) */
  let fromRun: RunConfig | undefined;
  // --resume of a sweep's folder: its trials go on
  // a run folder typed in NFC finds its NFD spelling (a run copied from a Mac)
  const resumePath = typeof resumeFlag === 'string' && resumeFlag !== 'last' ? existingPath(resumeFlag) : undefined;
  const sweepResume = resumePath !== undefined && isSweepFolder(resumePath) ? path.resolve(resumePath) : undefined;
  if (resumePath !== undefined && !sweepResume) {
    resumeDir = path.resolve(resumePath);
    const rc = readRunConfig(resumeDir);
    if (file === undefined) fromRun = rc;
    file ??= rc.file;
    trainName ??= rc.train;
  }
  if (!file && !sweepResume) throw new UsageError(words().trainNeedsFile);
  const sets = setFlags(args);
  if (sets.length && resumeDir) throw new UsageError(words().setOnResume);
  const epochs = intFlag(args, 'epochs', 1);
  const seed = intFlag(args, 'seed', 0);

  // output: JSON lines, or lines for a person; the socket gets JSON lines either way
  let socket: net.Socket | undefined;
  let stop: 'SIGINT' | 'SIGTERM' | 'socket' | 'EPIPE' | undefined;
  /** stdout's reader has gone (`nn train ... | head`): nothing more is written there */
  let closed = false;
  io.onOutputClosed?.(() => {
    if (closed) return;
    closed = true;
    stop ??= 'EPIPE';
    io.err(`nn train: ${words().outputClosed}`);
  });
  const screen: Screen = {
    line: (s) => (closed ? undefined : io.tty ? process.stdout.write(`\r\x1b[K${printable(s)}\n`) : io.out(s)),
    bar: io.tty ? (s) => closed || process.stdout.write(`\r\x1b[K${printable(s.slice(0, (process.stdout.columns ?? 120) - 1))}`) : undefined,
  };
  const progress = new Progress(screen);
  const emit = (e: TrainEvent) => {
    const line = JSON.stringify(e);
    if (json) {
      if (!closed) io.out(line);
    } else progress.event(e);
    socket?.write(line + '\n');
  };
  /** a failure: `message` in English for the JSON event (stable), `text` in the locale for a person (the same when not given) */
  const fail = (message: string, text = message): number => {
    if (json) emit({ type: 'error', message, file });
    else {
      socket?.write(JSON.stringify({ type: 'error', message, file } satisfies TrainEvent) + '\n');
      io.err(`nn train: ${text}`);
    }
    return 1;
  };

  const sockPath = env.NN_PROGRESS_SOCKET;
  if (sockPath) {
    try {
      socket = await connect(sockPath);
    } catch (e) {
      return fail(`cannot connect to NN_PROGRESS_SOCKET ${sockPath}: ${(e as Error).message}`);
    }
    onLines(socket, (line) => {
      const raw = line.trim();
      if (!raw) return;
      const msg = parseControl(raw);
      if (msg?.type === 'stop') stop ??= 'socket';
      else io.err(`nn train: ignored an invalid control message from the socket: ${raw.slice(0, 200)}`);
    }, { maxLine: MAX_CONTROL_LINE, onTooLong: () => io.err(`nn train: ignored a control message of more than ${MAX_CONTROL_LINE} characters from the socket`) });
    socket.on('error', (e) => io.err(`nn train: progress socket: ${e.message}`));
  }

  const onSigint = () => {
    if (stop) process.exit(130);
    stop = 'SIGINT';
    if (!json) screen.line(words().stoppingAfterBatch);
  };
  const onSigterm = () => {
    stop ??= 'SIGTERM';
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  /** the new run folder this command made (newRunDir creates it) */
  let claimed: string | undefined;
  const sweepIO = { out: io.out, err: io.err, json, stopRequested: () => stop !== undefined };
  try {
    if (sweepResume) return await runSweep(sweepResume, readSweep(sweepResume), args, sweepIO);
    let checked = fromRun ? checkedRun(fromRun, resumeDir!, trainName) : resumeDir ? checkedTrain(file, trainName, recordedOverrides(readRunConfig(resumeDir))) : checkedTrain(file, trainName, sets);
    const root = typeof args.flags.get('runs') === 'string' ? path.resolve(args.flags.get('runs') as string) : path.join(path.dirname(path.resolve(file)), 'runs');
    if (resumeFlag === 'last') {
      resumeDir = latestRun(root, checked.cfg.name);
      if (!resumeDir) return fail(`no run of '${checked.cfg.name}' to resume under ${root}`, words().noRunToResume(checked.cfg.name, root));
      const recorded = recordedOverrides(readRunConfig(resumeDir));
      if (recorded.length) checked = checkedTrain(file, checked.cfg.name, recorded);
    }
    // a sweep's trial trains from the files the sweep was planned with, or not at all
    const trialDir = resumeDir ?? (args.flags.has('trial') && typeof args.flags.get('run-dir') === 'string' ? (args.flags.get('run-dir') as string) : undefined);
    if (trialDir) checkTrialSources(trialDir, checked.sources);
    // --layer-stats: the block's layer_stats setting for this run (epoch, every N batches, or off)
    const layerStats = layerStatsFlag(args);
    const cfg = layerStats === undefined ? checked.cfg : { ...checked.cfg, layerStats };
    // only errors in what this train block uses stop it: another block's errors are said, not obeyed
    if (checked.errors > 0 || cfg.hasErrors) {
      for (const d of checked.diagnostics) io.err(d);
      const n = Math.max(checked.errors, 1);
      if (checked.diagnostics.some((d) => d.startsWith('--set ') && d.includes(`: ${words().severity('error')} `))) return fail(`a value given with --set has errors (above); train '${cfg.name}' was not started`, words().setHasErrors(cfg.name));
      return fail(`${file} has ${n} error${n === 1 ? '' : 's'} in what train '${cfg.name}' uses; fix them first (nn check ${file})`, words().usedHasErrors(file, n, cfg.name));
    }
    // values to try: every trial is a child nn train of its own
    if (cfg.sweep && !resumeDir) return await startSweep(planSweep(file, cfg, sets, checked.sources, args.flags.get('prune')), root, args, sweepIO);
    // the watcher's first event is start: what choosing the backend and loading say goes out right after it
    const notes: Note[] = [];
    const others = checked.otherErrors;
    if (others) notes.push(words().otherErrors(file, others, cfg.name));
    // the engine: --engine, else the one a resumed run was trained with
    const engine = args.flags.get('engine') ?? (resumeDir && readRunConfig(resumeDir).backend === 'torch' ? 'torch' : 'tfjs');
    if (engine !== 'tfjs' && engine !== 'torch') throw new UsageError(words().mustBeOneOf('engine', ['tfjs', 'torch'], String(engine)));
    let torch: { python: PythonInfo; device: string; processes: number } | undefined;
    let backend: BackendInfo | undefined;
    if (engine === 'torch') {
      const processes = intFlag(args, 'processes', 1) ?? 1;
      const device = args.flags.get('device') ?? 'auto';
      if (typeof device !== 'string' || !/^(auto|cpu|cuda(:\d+)?)$/.test(device)) throw new UsageError(words().mustBeOneOf('device', ['auto', 'cpu', 'cuda', 'cuda:N'], String(device)));
      // no Python with PyTorch, no such device, what the engine cannot do: said before anything is written
      torch = { python: findPython(), device, processes };
      checkTorchRun(cfg, torch.python, device, processes);
    } else {
      if (args.flags.has('device') || args.flags.has('processes')) throw new UsageError(words().deviceNeedsTorch);
      const said: Note[] = [];
      backend = await chooseBackend(args, (message, msg) => said.push(msg ? { message, msg } : message), stepWork(cfg), splitsBatches(cfg));
      notes.push(...said.filter((m) => !inNote(noteText(m).message, backend!.note)));
      // a model the machine cannot hold is refused with the estimate, before the data is loaded
      const available = availableMemory(backend.name);
      const refused = memoryRefusal(file, checked, available, 'en', backend.replicas);
      if (refused) return fail(refused, memoryRefusal(file, checked, available, cliLang(), backend.replicas));
    }
    const { data, validation } = await loadTrainData(cfg, loadOptions(args, (message, msg) => notes.push(msg ? { message, msg } : message), resumeDir ?? (typeof args.flags.get('run-dir') === 'string' ? (args.flags.get('run-dir') as string) : undefined)));
    const runDir = resumeDir ?? (typeof args.flags.get('run-dir') === 'string' ? exactRunDir(args.flags.get('run-dir') as string) : newRunDir(root, cfg.name));
    if (!resumeDir) claimed = runDir;
    const run: RunOptions = {
      emit,
      runDir,
      epochs,
      seed,
      validationData: validation?.train,
      resume: resumeDir !== undefined,
      stopRequested: () => stop !== undefined,
      summaryText: checked.summary,
      notes,
      command: commandLine(args),
      imageBackground: imageBackground(data),
      overrides: Object.fromEntries(sets.map(([k, v]) => [k, overrideJson(v)])),
      trial: intFlag(args, 'trial', 1),
    };
    let outcome: TrainResult['outcome'];
    if (torch) {
      outcome = await trainTorch(cfg, data, { ...run, ...torch, threads: intFlag(args, 'threads', 1) });
    } else {
      // the data was loaded for this run: its validation split is made in place, not copied
      const result = await train(cfg, data, { ...run, backend: backend!, checkpointHook: faultHook(env.NN_TEST_FAULT), ownsData: true });
      result.model?.dispose();
      outcome = result.outcome;
    }
    if (outcome === 'not_finite') return 1;
    // a closed output is a stop too, or at least output lost: never exit 0 for it
    if (stop === 'EPIPE') return 141;
    if (outcome === 'stopped') return stop === 'SIGTERM' ? 143 : 130;
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof TrainError || e instanceof CheckpointError || e instanceof CliError || e instanceof DataError || e instanceof BackendError || e instanceof NoTorchError || e instanceof TorchEngineError) return fail((e as Error).message, errorText(e as Error));
    // a bug (ours or tfjs'): the watcher still hears of it, then main prints the stack (exit 70)
    const message = `internal error: ${e instanceof Error ? e.message : String(e)}`;
    if (json) emit({ type: 'error', message, file });
    else socket?.write(JSON.stringify({ type: 'error', message, file } satisfies TrainEvent) + '\n');
    throw e;
  } finally {
    // a run that failed before writing anything leaves no empty folder behind
    if (claimed && fs.existsSync(claimed) && fs.readdirSync(claimed).length === 0) fs.rmdirSync(claimed);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    if (socket) await closeSocket(socket, io.err);
  }
}

/** The progress socket ended once its events are sent, or, after SOCKET_DRAIN_MS, closed without the rest, which is said. */
function closeSocket(s: net.Socket, err: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      err(`nn train: ${words().socketNotRead(s.writableLength, SOCKET_DRAIN_MS / 1000)}`);
      s.destroy();
    }, SOCKET_DRAIN_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    // finished: every event is with the system, for the peer to read; closed: the peer went away
    s.once('close', done);
    s.end(done);
  });
}

function connect(p: string): Promise<net.Socket> {
  if (process.platform !== 'win32' && !p.startsWith('\\\\') && !fs.existsSync(p)) return Promise.reject(new Error('no such socket'));
  return new Promise((resolve, reject) => {
    const s = net.createConnection(p);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('timed out'));
    }, 5000);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** NN_TEST_FAULT (see the header): a hook that kills this process, or fails the write, at one step of a checkpoint write. */
function faultHook(spec: string | undefined): StepHook | undefined {
  const m = spec?.match(/^(last|best):(file|files|old|renamed|done):(\d+):(kill|E[A-Z]+)$/);
  if (!m) return undefined;
  let seen = 0;
  return (step, dir) => {
    if (step !== m[2] || path.basename(dir) !== m[1] || ++seen !== Number(m[3])) return;
    if (m[4] === 'kill') process.kill(process.pid, 'SIGKILL');
    throw Object.assign(new Error(`${m[4]}: injected by NN_TEST_FAULT`), { code: m[4] });
  };
}

/**
 * Whether what choosing the backend logged is in its note already: tfjs-node not installed, where
 * the note says how to install it (every run said it twice, once as a line of its own).
 */
function inNote(logged: string, note: string): boolean {
  return /^tensorflow: @tensorflow\/tfjs-node is not installed$/.test(logged) && note.includes(TFJS_NODE_INSTALL);
}

/** The command as given (for config.json), rebuilt from the parsed arguments. */
function commandLine(args: Parsed): string {
  const flags = [...args.flags].map(([k, v]) => (v === true ? `--${k}` : `--${k} ${v}`));
  const sets = (args.lists?.get('set') ?? []).map((v) => `--set ${v}`);
  return ['nn', 'train', ...args.positionals, ...flags, ...sets].join(' ');
}

/** --run-dir DIR (a sweep's trial): that folder, made here; one that exists is refused (trials never share a folder). */
function exactRunDir(dir: string): string {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.mkdirSync(abs);
  } catch (e) {
    throw new CliError((e as NodeJS.ErrnoException).code === 'EEXIST' ? words().runDirExists(abs) : words().cannotMakeRunDir(abs, (e as Error).message));
  }
  return abs;
}

/** The --set KEY=VALUE flags, in order: a flag without `=` or with a key that is not one is a usage error. */
export function setFlags(args: Parsed): [string, string][] {
  return (args.lists?.get('set') ?? []).map((s) => {
    const eq = s.indexOf('=');
    const key = eq >= 0 ? s.slice(0, eq).trim() : '';
    const value = eq >= 0 ? s.slice(eq + 1).trim() : '';
    if (eq < 0 || !isKey(key) || !value) throw new UsageError(words().setForm(s));
    return [key, value];
  });
}

/** --layer-stats epoch|N|off: layer_stats for this run, in place of the train block's; undefined when not given. */
export function layerStatsFlag(args: Parsed): false | 'epoch' | number | undefined {
  const v = args.flags.get('layer-stats');
  if (v === undefined) return undefined;
  if (v === 'epoch') return 'epoch';
  if (v === 'off') return false;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(words().layerStatsFlag(String(v)));
  return n;
}
