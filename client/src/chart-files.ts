// What the chart reads from run folders (runs/<train>/<time>/metrics.jsonl): a run's events, to
// restore a panel whose saved state was too large or missing, and the earlier runs of the same
// train block, to overlay; and where a workspace's run folders are (the compare view). Every line is checked (client/webview/events.ts); a truncated or
// garbage line is skipped, a file that cannot be read is left out (runEvents says why). The files
// are read by server/src/runtime/train/run-files.ts, with the limit every reader of run folders
// has. Node only, no VS Code.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { readRunText, CheckpointError } from '../../server/src/runtime/train/run-files';
import { parseEventLines } from '../webview/events';
import { rmsg, type RuntimeMessage } from '../../server/src/core/runtime-messages';
import type { HistoryRun } from '../webview/messages';

/** Earlier runs sent to the chart, newest first. */
export const MAX_HISTORY_RUNS = 8;

/** True when `runDir` looks like a run folder of `train`: an absolute path runs/<train>/<run>, or a sweep's trial runs/<train>/<sweep>/trial-NN. */
export function isRunDirOf(runDir: string, train: string): boolean {
  if (!path.isAbsolute(runDir) || path.basename(runDir) === '' || runDir.split(/[\\/]/).includes('..')) return false;
  const parent = path.dirname(runDir);
  return path.basename(parent) === train || (/^trial-\d+$/.test(path.basename(runDir)) && path.basename(path.dirname(parent)) === train);
}

/**
 * The logged events of a run folder, read by the one reader of run files (run-files.ts: a
 * regular file of the folder itself, at most MAX_RUN_FILE_BYTES); a folder without a readable
 * metrics.jsonl is a CheckpointError that says why (missing, too large, a link, a FIFO).
 */
export function runEvents(runDir: string, keep?: (e: TrainEvent) => boolean): TrainEvent[] {
  const file = path.join(runDir, 'metrics.jsonl');
  const text = readRunText(file);
  if (text === undefined) throw new CheckpointError(rmsg('runFileMissing', { file }));
  return parseEventLines(text, keep);
}

/** The logged events of a run folder, or undefined when it has no readable metrics.jsonl (runEvents says why). */
export function readRunEvents(runDir: string, keep?: (e: TrainEvent) => boolean): TrainEvent[] | undefined {
  try {
    return runEvents(runDir, keep);
  } catch {
    return undefined;
  }
}

/**
 * The logged events of a run folder, or why it has none to show (missing, over the run-file
 * limit, a link, a FIFO: the CheckpointError's message id, naming the file), for a view that must
 * say so rather than show nothing.
 */
export function runEventsOrProblem(runDir: string, keep?: (e: TrainEvent) => boolean): { events: TrainEvent[] } | { problem: RuntimeMessage } {
  try {
    return { events: runEvents(runDir, keep) };
  } catch (e) {
    if (e instanceof CheckpointError) return { problem: e.said };
    throw e;
  }
}

/** The curves of the runs ticked in the compare view, and the runs whose log cannot be read, with why. */
export function loadCurves(dirs: readonly string[], keep?: (e: TrainEvent) => boolean): { curves: { dir: string; events: TrainEvent[] }[]; unreadable: { dir: string; problem: RuntimeMessage }[] } {
  const curves: { dir: string; events: TrainEvent[] }[] = [];
  const unreadable: { dir: string; problem: RuntimeMessage }[] = [];
  for (const dir of dirs) {
    const r = runEventsOrProblem(dir, keep);
    if ('events' in r) curves.push({ dir, events: r.events });
    else unreadable.push({ dir, problem: r.problem });
  }
  return { curves, unreadable };
}

/** What the overlay needs of an earlier run: its start, folds, epochs and end. */
const forHistory = (e: TrainEvent) => e.type === 'start' || e.type === 'fold' || e.type === 'epoch' || e.type === 'end';

/** The other runs of the train block in runDir's parent folder, newest first, each with epochs. */
export function readHistory(runDir: string, train: string, max = MAX_HISTORY_RUNS): HistoryRun[] {
  const root = path.dirname(runDir);
  let names: string[];
  try {
    names = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const own = path.basename(runDir);
  const out: HistoryRun[] = [];
  // folder names are start times (2024-05-01T09-30-12, -2 when two start in the same second): newest last
  for (const id of names.filter((n) => n !== own).sort().reverse()) {
    if (out.length >= max) break;
    const events = readRunEvents(path.join(root, id), forHistory);
    if (!events) continue;
    const start = events.find((e) => e.type === 'start');
    if ((start && start.type === 'start' && start.train !== train) || !events.some((e) => e.type === 'epoch')) continue;
    out.push({ id, events });
  }
  return out;
}

/** The `runs` folders that hold the given config.json files (the nearest `runs` above each). */
export function runRoots(configs: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const c of configs) {
    const parts = path.resolve(c).split(path.sep);
    const i = parts.lastIndexOf('runs', parts.length - 2);
    if (i > 0) roots.add(parts.slice(0, i + 1).join(path.sep) || path.sep);
  }
  return [...roots].sort();
}
