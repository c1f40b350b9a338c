// What the chart reads from run folders (runs/<train>/<time>/metrics.jsonl): a run's events, to
// restore a panel whose saved state was too large or missing, and the earlier runs of the same
// train block, to overlay; and where a workspace's run folders are (the compare view). Every line is checked (client/webview/events.ts); a truncated or
// garbage line is skipped, a file that cannot be read is left out. Node only, no VS Code.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { parseEventLines } from '../webview/events';
import type { HistoryRun } from '../webview/messages';

/** Earlier runs sent to the chart, newest first. */
export const MAX_HISTORY_RUNS = 8;
/** A metrics.jsonl larger than this is not read. */
export const MAX_METRICS_BYTES = 32 * 1024 * 1024;

/** True when `runDir` looks like a run folder of `train`: an absolute path runs/<train>/<run>. */
export function isRunDirOf(runDir: string, train: string): boolean {
  return path.isAbsolute(runDir) && path.basename(path.dirname(runDir)) === train && path.basename(runDir) !== '' && !runDir.split(/[\\/]/).includes('..');
}

/** A regular file of the run folder itself: a FIFO would block the extension, a symbolic link reads another run's (or any) file. */
function readText(file: string): string | undefined {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > MAX_METRICS_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The logged events of a run folder, or undefined when it has no readable metrics.jsonl. */
export function readRunEvents(runDir: string, keep?: (e: TrainEvent) => boolean): TrainEvent[] | undefined {
  const text = readText(path.join(runDir, 'metrics.jsonl'));
  return text === undefined ? undefined : parseEventLines(text, keep);
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
