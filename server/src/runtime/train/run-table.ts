// THE reading of run folders for a table of runs (`nn runs`, the sweep's summary, a compare view):
// one row per run folder, from its config.json, metrics.jsonl and report.json, with no
// TensorFlow and no command line in it. A run stopped, killed or failed is a row that says so;
// a folder whose files are damaged is a row with status `failed` and the reason, never an
// exception.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseEvent, type Evaluation } from './protocol';
import { readRunText, CheckpointError } from './run-files';
import { renderRuntime, renderStored, isRuntimeMessage, rmsg, type RuntimeMessage } from '../../core/runtime-messages';
import { sortValue, higherIsBetter, type RunRow } from './run-keys';

export { sortValue, higherIsBetter, overridesText, type RunRow, type RunStatus } from './run-keys';

/** A sweep's trial stopped early by the median rule: the sweep writes this file into its run folder. */
export const PRUNED_FILE = 'pruned.json';

/** The lock file of a run folder (runs.ts takes it): `PID HOST`. */
export const LOCK_FILE = 'train.lock';

/** Whether a process of this machine is alive (one of another user's answers EPERM: alive). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a live process holds the run folder's lock (a lock left by a killed process is not held). */
export function lockHeld(dir: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8');
  } catch {
    return false;
  }
  const [pid, host] = text.trim().split(' ');
  if (!/^[1-9]\d{0,9}$/.test(pid ?? '')) return false;
  return host !== os.hostname() || alive(Number(pid));
}

/** Why a row is what it is: English in `reason`, and the message id for a reader's locale. */
function because(row: RunRow, m: RuntimeMessage): void {
  row.reason = renderRuntime(m, 'en');
  row.reasonMsg = m;
}

function readObject(file: string): Record<string, unknown> | undefined {
  const text = readRunText(file);
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CheckpointError(rmsg('runJsonNotJson', { file: path.basename(file) }));
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CheckpointError(rmsg('runJsonNotObject', { file: path.basename(file) }));
  return v as Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** An evaluation as one flat record: loss and each metric. */
function flat(e: Evaluation | undefined): Record<string, number> | undefined {
  if (!e) return undefined;
  const out: Record<string, number> = {};
  if (num(e.loss) !== undefined) out.loss = e.loss;
  for (const [k, v] of Object.entries(e.metrics ?? {})) if (num(v) !== undefined) out[k] = v;
  return out;
}

/** A failure logged in metrics.jsonl: its English, and its message id when the writer gave one this version knows. */
function failedWith(row: RunRow, failure: { message: string; msg?: RuntimeMessage }): void {
  row.reason = failure.message;
  if (failure.msg) row.reasonMsg = failure.msg;
}

/** The reason of a row in a locale: its message id rendered, else its English (an older writer's, or a bug's). */
export function reasonText(row: RunRow, locale: 'en' | 'zh-cn'): string | undefined {
  return row.reasonMsg ? renderStored(row.reasonMsg, locale, row.reason ?? '') : row.reason;
}

/** Whether a folder is a run folder (has a config.json). */
export function isRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'config.json'));
}

/** One run folder as a row. */
export function readRun(dir: string): RunRow {
  const row: RunRow = { dir, file: '', train: '', status: 'failed', overrides: {}, epochs: 0, engine: '', seconds: 0 };
  const running = lockHeld(dir);
  try {
    const config = readObject(path.join(dir, 'config.json'));
    if (!config) throw new CheckpointError(rmsg('configMissing'));
    row.file = str(config.file) ?? '';
    row.train = str(config.train) ?? '';
    if (!row.train) throw new CheckpointError(rmsg('configNoTrain'));
    row.engine = config.backend === 'torch' ? 'torch' : 'tfjs';
    const overrides = config.overrides;
    if (overrides && typeof overrides === 'object' && !Array.isArray(overrides)) {
      for (const [k, v] of Object.entries(overrides)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') row.overrides[k] = v;
    }
    if (num(config.trial) !== undefined) row.trial = config.trial as number;

    // the epochs logged: a resumed run logs again from where it went on, and the later line counts
    const log = readRunText(path.join(dir, 'metrics.jsonl')) ?? '';
    const epochs = new Map<number, { val?: Evaluation; best: boolean; seconds: number }>();
    let failure: { message: string; msg?: RuntimeMessage } | undefined;
    for (const line of log.split('\n')) {
      if (!line.trim()) continue;
      const e = parseEvent(line);
      if (!e) continue;
      if (e.type === 'start' && e.resumedFrom !== undefined) for (const k of [...epochs.keys()]) if (k > e.resumedFrom) epochs.delete(k);
      // a run resumed after an error is judged by how its last part ended
      if (e.type === 'start') failure = undefined;
      if (e.type === 'epoch' && e.fold === undefined) epochs.set(e.epoch, { val: e.val, best: e.best, seconds: e.seconds });
      if (e.type === 'error' || (e.type === 'stopped' && e.reason === 'not_finite')) failure = { message: e.message, ...(isRuntimeMessage(e.msg) ? { msg: e.msg } : {}) };
    }
    row.epochs = epochs.size ? Math.max(...epochs.keys()) : 0;
    for (const [k, e] of epochs) {
      row.seconds += e.seconds;
      if (e.best && (row.bestEpoch === undefined || k > row.bestEpoch)) row.bestEpoch = k;
    }

    const report = readObject(path.join(dir, 'report.json'));
    if (report) {
      const outcome = str(report.outcome);
      row.bestEpoch = num(report.bestEpoch) ?? row.bestEpoch;
      row.epochs = num(report.epochs) ?? row.epochs;
      row.test = flat(report.test as Evaluation | undefined);
      const timings = report.timings as Record<string, unknown> | undefined;
      row.seconds = num(timings?.trainingSeconds) ?? num(timings?.seconds) ?? row.seconds;
      if (outcome === 'not_finite') {
        row.status = 'failed';
        if (failure) failedWith(row, failure);
        else because(row, rmsg('lossNotFiniteRun'));
      } else if (outcome === 'stopped') row.status = 'stopped';
      else row.status = 'done';
    } else if (running) {
      row.status = 'running';
    } else if (failure) {
      row.status = 'failed';
      failedWith(row, failure);
    } else if (fs.existsSync(path.join(dir, 'last'))) {
      row.status = 'stopped';
      const pruned = readObject(path.join(dir, PRUNED_FILE));
      if (pruned) because(row, rmsg('prunedMedian', { epoch: String(num(pruned.epoch) ?? '?'), loss: num(pruned.loss)?.toPrecision(4) ?? '?', median: num(pruned.median)?.toPrecision(4) ?? '?' }));
    } else {
      row.status = 'failed';
      because(row, rmsg('endedBeforeCheckpoint'));
    }
    if (row.bestEpoch !== undefined) row.val = flat(epochs.get(row.bestEpoch)?.val);
  } catch (e) {
    row.status = running ? 'running' : 'failed';
    if (e instanceof CheckpointError) because(row, e.said);
    else row.reason = e instanceof Error ? e.message : String(e);
  }
  row.seconds = Number(row.seconds.toFixed(3));
  return row;
}

/**
 * The run folders under `roots` (each a run folder, or a folder of them: runs/, runs/<train>/, a
 * sweep's folder), in path order. Links are not followed; at most `depth` folders deep.
 */
export function findRuns(roots: readonly string[], depth = 4): string[] {
  const out: string[] = [];
  const visit = (dir: string, d: number) => {
    if (isRunFolder(dir)) {
      out.push(dir);
      return;
    }
    if (d >= depth) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !/\.(tmp|old)$/.test(e.name) && !['best', 'last', 'torch'].includes(e.name)) visit(path.join(dir, e.name), d + 1);
    }
  };
  for (const r of roots) visit(path.resolve(r), 0);
  return out;
}

/** Rows sorted by a key, best first; rows without it last. */
export function sortRuns(rows: RunRow[], key: string): RunRow[] {
  const sign = higherIsBetter(key) ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
    return sign * (x - y);
  });
}
