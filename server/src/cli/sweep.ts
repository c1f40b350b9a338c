// nn train on a train block with values to try (a sweep): every trial is an ordinary run of the
// train block with the trial's values put in place (`--set`), trained by a child `nn train` in
// a folder of its own under the sweep's folder:
//
//   runs/<train>/<time>/sweep.json     the plan: file, train block, --set values, each trial's values
//   runs/<train>/<time>/trial-01/      a run folder (config.json records the trial's overrides)
//
// --parallel N runs N children at once (default: the cores; each tfjs child then gets one thread
// unless --threads says otherwise). Ctrl+C (SIGINT) or SIGTERM is passed on to every child, which
// saves its last/ and ends; no new trial starts. `nn train --resume SWEEP_FOLDER` goes on: trials
// with a report.json are done and skipped, stopped ones are resumed from last/, the others start.
// Every trial is checked (analysed with its values) before any starts.
//
// A trial reads the .nn file when it starts (or is resumed), so sweep.json keeps the SHA-256 of
// the file and of every file it imports, as they were when the sweep was planned (`sources`). A
// trial whose files differ is not trained: the sweep checks before it starts each trial, and the
// trial itself checks the texts it analysed (a child started just before an edit); `--resume`
// of a sweep checks first. The message names the files changed; putting them back as they were
// lets the sweep go on (docs/language.md). A sweep.json written before this has no `sources`
// and is not checked.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { trialsOf, trialText, type Trial } from '../core/sweep';
import type { TrainConfig } from '../core/train';
import { Rng } from '../data/random';
import { parseEvent } from '../runtime/train/protocol';
import { newRunDir, writeFileAtomic, lockRun } from '../runtime/train/runs';
import { readRun, isRunFolder, reasonText, PRUNED_FILE } from '../runtime/train/run-table';
import { checkedTrain, sourceHashes, errorText, CliError, type Overrides } from './common';
import { readRunText } from '../runtime/train/run-files';
import { rmsg, renderRuntime } from '../core/runtime-messages';
import { words, colon, cliLang } from './i18n';
import { runsTable } from './runs';
import { UsageError, type Parsed } from './args';

export const SWEEP_FILE = 'sweep.json';

export interface SweepPlan {
  version: 1;
  file: string;
  train: string;
  /** the --set values given with the sweep, put in place in every trial before its own */
  sets: [string, string][];
  trials: { trial: number; values: Trial }[];
  random?: { trials: number; seed: number };
  /** stop weak trials early (--prune median) */
  prune?: 'median';
  /** the SHA-256 of the file and of each file it imports, by absolute path, when the sweep was planned */
  sources?: Record<string, string>;
}

/** The median rule waits for this many epochs of a trial, and this many other trials at an epoch, before it judges. */
const PRUNE_WARMUP = 2;
const PRUNE_MIN_OTHERS = 2;

export interface SweepIO {
  out: (s: string) => void;
  err: (s: string) => void;
  json: boolean;
  /** polled: a stop was asked for (SIGINT, SIGTERM, the socket) */
  stopRequested: () => boolean;
}

/** The flags a child trial gets from the sweep's command line. */
const PASSED = ['epochs', 'seed', 'backend', 'threads', 'data-path', 'engine', 'device', 'processes'] as const;

/** The trials of a train block's sweep, each checked; a trial with errors refuses the sweep (CliError naming it). */
export function planSweep(file: string, cfg: TrainConfig, sets: Overrides, sources: Record<string, string>, prune?: string | true): SweepPlan {
  if (prune !== undefined && prune !== 'median') throw new UsageError(words().pruneFlag(String(prune)));
  const sweep = cfg.sweep!;
  const rng = new Rng(sweep.random?.seed ?? 0);
  const trials = trialsOf(sweep, () => rng.next()).map((values, i) => ({ trial: i + 1, values }));
  for (const t of trials) {
    const checked = checkedTrain(file, cfg.name, [...sets, ...Object.entries(t.values)]);
    if (checked.errors > 0 || checked.cfg.hasErrors) {
      throw new CliError(`${words().trialHasErrors(t.trial, cfg.name, trialText(t.values))}\n${checked.diagnostics.join('\n')}`);
    }
    const changed = changedSources(sources, checked.sources);
    if (changed.length) throw new CliError(words().sweepChangedWhileChecking(changedText(changed)));
  }
  return { version: 1, file: path.resolve(file), train: cfg.name, sets: sets.map(([k, v]) => [k, v]), trials, ...(sweep.random ? { random: sweep.random } : {}), ...(prune ? { prune } : {}), sources };
}

/** The files whose text differs between two `sources` records (changed, removed, or newly imported), sorted. */
export function changedSources(planned: Record<string, string>, now: Record<string, string>): string[] {
  return [...new Set([...Object.keys(planned), ...Object.keys(now)])].filter((f) => planned[f] !== now[f]).sort();
}

const relative = (f: string) => path.relative(process.cwd(), f) || f;

function changedText(files: string[]): string {
  return words().filesChanged(files.map(relative));
}

/**
 * Why a sweep cannot train (more of) its trials from the files as they are now, or undefined when
 * they are as planned (or the plan, written before sources were kept, has none).
 */
export function sourcesProblem(dir: string, plan: SweepPlan, now: Record<string, string>): string | undefined {
  if (!plan.sources) return undefined;
  const changed = changedSources(plan.sources, now);
  if (!changed.length) return undefined;
  return words().sweepSourcesChanged(changedText(changed), changed.length === 1, dir, SWEEP_FILE, `nn train --resume ${dir}`, `nn train ${relative(plan.file)} --train ${plan.train}`);
}

/**
 * A sweep's trial (a run folder in a sweep's folder) refuses to train from files that are not
 * the sweep's: `sources` are the texts its own analysis read. A run folder outside a sweep passes.
 */
export function checkTrialSources(runDir: string, sources: Record<string, string>): void {
  const dir = path.dirname(path.resolve(runDir));
  if (!isSweepFolder(dir)) return;
  const problem = sourcesProblem(dir, readSweep(dir), sources);
  if (problem) throw new CliError(`trial ${path.basename(runDir)}: ${problem}`);
}

/** A new sweep: its folder and plan written, then its trials run. */
export async function startSweep(plan: SweepPlan, root: string, args: Parsed, io: SweepIO): Promise<number> {
  const dir = newRunDir(root, plan.train);
  writeFileAtomic(path.join(dir, SWEEP_FILE), JSON.stringify(plan, null, 2) + '\n');
  return runSweep(dir, plan, args, io);
}

/** The plan of a sweep folder (sweep.json), checked; a damaged one is a CliError naming it. */
export function readSweep(dir: string): SweepPlan {
  const file = path.join(dir, SWEEP_FILE);
  // read as every run file is (a regular file, not a link or a FIFO, under the size limit), said in the command's language
  let text: string | undefined;
  try {
    text = readRunText(file);
  } catch (e) {
    throw new CliError(errorText(e as Error));
  }
  if (text === undefined) throw new CliError(words().planUnreadable(file, renderRuntime(rmsg('fileNotFound'), cliLang())));
  let v: SweepPlan;
  try {
    v = JSON.parse(text) as SweepPlan;
  } catch {
    throw new CliError(words().planDamaged(file));
  }
  const ok =
    v &&
    v.version === 1 &&
    typeof v.file === 'string' &&
    typeof v.train === 'string' &&
    Array.isArray(v.sets) &&
    v.sets.every((s) => Array.isArray(s) && s.length === 2 && s.every((x) => typeof x === 'string')) &&
    Array.isArray(v.trials) &&
    v.trials.every((t) => Number.isInteger(t?.trial) && t.trial >= 1 && t.values && typeof t.values === 'object' && Object.values(t.values).every((x) => typeof x === 'string')) &&
    (v.sources === undefined || (typeof v.sources === 'object' && v.sources !== null && !Array.isArray(v.sources) && Object.values(v.sources).every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))));
  if (!ok) throw new CliError(words().planDamaged(file));
  return v;
}

/** Whether a folder is a sweep's. */
export function isSweepFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, SWEEP_FILE));
}

function trialDir(dir: string, plan: SweepPlan, n: number): string {
  const digits = Math.max(2, String(plan.trials.length).length);
  return path.join(dir, `trial-${String(n).padStart(digits, '0')}`);
}

/** How a child `nn train` is started: the built cli.js, or main.ts through tsx where this runs from source (the tests). */
function cliCommand(): string[] {
  if (__filename.endsWith('.ts')) return [process.execPath, '--import', 'tsx', path.join(__dirname, 'main.ts')];
  return [process.execPath, __filename];
}

/** Runs (or goes on with) the trials of a sweep folder; the exit code: 0 all done, 130 stopped, 1 a trial failed. */
export async function runSweep(dir: string, plan: SweepPlan, args: Parsed, io: SweepIO): Promise<number> {
  const n = plan.trials.length;
  const parallelFlag = args.flags.get('parallel');
  const parallel = parallelFlag === undefined ? Math.max(1, Math.min(n, os.availableParallelism())) : Number(parallelFlag);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256) throw new UsageError(words().wholeNumber('parallel', 1, 256, String(parallelFlag)));
  // what a new trial gets; a resumed one keeps its epochs, seed and engine (its config.json)
  const passed: string[] = [];
  const resumePassed: string[] = [];
  for (const k of PASSED) {
    const v = args.flags.get(k);
    if (typeof v !== 'string') continue;
    passed.push(`--${k}`, v);
    if (k !== 'epochs' && k !== 'seed' && k !== 'engine') resumePassed.push(`--${k}`, v);
  }
  // children share the cores: one thread each unless told
  if (parallel > 1 && !args.flags.has('threads') && args.flags.get('engine') !== 'torch') {
    passed.push('--threads', '1');
    resumePassed.push('--threads', '1');
  }
  if (args.flags.has('no-download')) {
    passed.push('--no-download');
    resumePassed.push('--no-download');
  }
  const say = (s: string) => (io.json ? undefined : io.out(s));
  say(words().sweepStart(plan.train, n, plan.random?.seed, Math.min(parallel, n), dir));

  // the files must be those the sweep was planned with (a --resume after an edit is refused here)
  const before = sourcesProblem(dir, plan, sourceHashes(plan.file));
  if (before) throw new CliError(before);
  /** why no further trial starts: the file or an import changed during the sweep */
  let changed: string | undefined;

  const queue = plan.trials.filter((t) => {
    const d = trialDir(dir, plan, t.trial);
    if (fs.existsSync(path.join(d, PRUNED_FILE))) {
      say(words().trialPruned(t.trial, n, trialText(t.values)));
      return false;
    }
    if (!fs.existsSync(path.join(d, 'report.json'))) return true;
    say(words().trialDoneAlready(t.trial, n, trialText(t.values)));
    return false;
  });
  /** each trial's best loss so far (validation loss where there is one), by epoch: what the median rule compares */
  const curves = new Map<number, number[]>();
  const pruneCheck = (trial: number, epoch: number, loss: number, child: ChildProcess, d: string): void => {
    const curve = curves.get(trial) ?? [];
    curves.set(trial, curve);
    // a loss that is not a number is no best: the curve keeps the best finite one so far
    curve[epoch - 1] = Math.min(Number.isFinite(loss) ? loss : Infinity, curve[epoch - 2] ?? Infinity);
    if (plan.prune !== 'median' || epoch < PRUNE_WARMUP || stopping) return;
    const others = [...curves].filter(([k, c]) => k !== trial && c[epoch - 1] !== undefined && Number.isFinite(c[epoch - 1])).map(([, c]) => c[epoch - 1]).sort((a, b) => a - b);
    if (others.length < PRUNE_MIN_OTHERS) return;
    const median = others.length % 2 ? others[(others.length - 1) / 2] : (others[others.length / 2 - 1] + others[others.length / 2]) / 2;
    const best = curve[epoch - 1];
    if (!(best > median)) return;
    writeFileAtomic(path.join(d, PRUNED_FILE), JSON.stringify({ rule: 'median', epoch, loss: best, median, others: others.length }) + '\n');
    say(words().trialPrunedNow(trial, n, epoch, best.toPrecision(4), median.toPrecision(4), others.length));
    if (child.exitCode === null) child.kill('SIGINT');
  };
  const children = new Set<ChildProcess>();
  const failed: number[] = [];
  let stopping = false;
  const killAll = () => {
    for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGTERM');
  };
  process.on('exit', killAll);
  const poll = setInterval(() => {
    if (stopping || !io.stopRequested()) return;
    stopping = true;
    say(words().stoppingSweep(dir));
    for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGINT');
  }, 100);

  const runTrial = (t: SweepPlan['trials'][number]): Promise<void> => {
    const d = trialDir(dir, plan, t.trial);
    // an edit since the sweep started: this trial would train the edited file, so none starts
    changed ??= sourcesProblem(dir, plan, sourceHashes(plan.file));
    if (changed) return Promise.resolve();
    const resume = fs.existsSync(path.join(d, 'last'));
    // a trial that ended before its first checkpoint starts again, in a fresh folder
    if (!resume && fs.existsSync(d)) fs.rmSync(d, { recursive: true, force: true });
    const sets = [...plan.sets, ...Object.entries(t.values)].flatMap(([k, v]) => ['--set', `${k}=${v}`]);
 const argv = resume ? ['train', '--resume', d, '--json', ...resumePassed] : ['train', plan.file, '--train', plan.train, '--run-dir', d, '--trial', String(t.trial), '--json', ...sets, ...passed];
    const [cmd, ...pre] = cliCommand();
    say(words().trialStarted(t.trial, n, resume, trialText(t.values)));
    const child = spawn(cmd, [...pre, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NN_PROGRESS_SOCKET: '' } });
    children.add(child);
    let stderr = '';
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const e = parseEvent(line);
        if (e?.type === 'epoch' && e.fold === undefined) pruneCheck(t.trial, e.epoch, e.val?.loss ?? e.loss, child, d);
        if (io.json) {
          io.out(line);
          continue;
        }
        if (e?.type === 'epoch') {
          const val = e.val ? ` val_loss ${e.val.loss.toFixed(4)}${Object.entries(e.val.metrics).map(([k, v]) => ` val_${k} ${v.toFixed(4)}`).join('')}` : '';
          io.out(words().trialEpoch(t.trial, n, e.epoch, e.epochs, e.loss.toFixed(4), val));
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    return new Promise((resolve) => {
      child.on('error', (e) => {
        failed.push(t.trial);
        io.err(`nn train: ${words().trialCouldNotStart(t.trial, e.message)}`);
      });
      child.on('close', (code) => {
        children.delete(child);
        // the median rule's stop came after the trial's last epoch: it finished, and is listed as done
        if (code === 0 && fs.existsSync(path.join(d, PRUNED_FILE)) && fs.existsSync(path.join(d, 'report.json'))) {
          fs.rmSync(path.join(d, PRUNED_FILE), { force: true });
          say(words().trialFinishedFirst(t.trial, n));
        }
        if (code !== 0 && code !== 130 && code !== 143) {
          failed.push(t.trial);
          io.err(`nn train: ${words().trialFailed(t.trial, trialText(t.values), code)}\n${stderr.trim()}`);
        }
        resolve();
      });
    });
  };

  // one runner per sweep: a second `--resume` of it at once would start the same trials again and
  // delete the folders of those still in their first epoch
  let release: () => void;
  try {
    release = lockRun(dir);
  } catch (e) {
    clearInterval(poll);
    process.off('exit', killAll);
    throw e;
  }
  try {
    const workers = Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      for (let t = queue.shift(); t && !stopping && !changed; t = queue.shift()) await runTrial(t);
    });
    await Promise.all(workers);
  } finally {
    clearInterval(poll);
    process.off('exit', killAll);
    release();
  }

  const rows = plan.trials.map((t) => trialDir(dir, plan, t.trial)).filter((d) => isRunFolder(d)).map(readRun);
  if (!io.json) {
    io.out('');
    for (const line of runsTable(rows, dir)) io.out(line);
    for (const r of rows) if (r.reason) io.out(`${path.basename(r.dir)}${colon()}${words().runStatus(r.status)}${colon()}${reasonText(r, cliLang())}`);
    io.out(`${words().sweepFolder}${colon()}${dir}`);
  }
  if (changed) {
    io.err(words().sweepNotStartedBecause(changed));
    return 1;
  }
  if (stopping) {
    if (!io.json) io.out(words().sweepStopped(dir));
    return 130;
  }
  return failed.length ? 1 : 0;
}
