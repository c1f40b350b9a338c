// nn runs [FOLDER...] [--train NAME] [--sort METRIC] [--json]: one row per run folder found under
// the folders (default: runs/ here): its train block and file, status, what differs from the train
// block as written, epochs, best epoch, best validation and test results, engine, time. The
// reading is runtime/train/run-table.ts; this file only filters, sorts and prints.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRuns, readRun, sortRuns, overridesText, reasonText, type RunRow } from '../runtime/train/run-table';

export { overridesText };
import { UsageError, type Parsed } from './args';
import { isSweepFolder, readSweep } from './sweep';
import { words, colon, cliLang } from './i18n';
import { displayWidth, padEndColumns } from '../core/text';
import { nameKey } from '../core/syntax/lexer';
import { existingPath } from '../node/unicode-paths';


export function runsCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): number {
  // a folder typed in NFC finds its NFD spelling (a runs folder copied from a Mac)
  const folders = (args.positionals.length ? args.positionals : ['runs']).map(existingPath);
  for (const f of folders) if (!fs.existsSync(f)) throw new UsageError(words().noRunsFolder(f));
  const train = args.flags.get('train');
  if (train === true) throw new UsageError(words().flagNeeds('train', 'trainName'));
  const sort = args.flags.get('sort');
  if (sort === true) throw new UsageError(words().flagNeeds('sort', 'metric'));
  let rows = findRuns(folders).map(readRun);
  if (train !== undefined) rows = rows.filter((r) => nameKey(r.train) === train);
  if (sort !== undefined) rows = sortRuns(rows, sort);
  if (args.flags.has('json')) {
    out(JSON.stringify({ runs: rows.map(jsonRow) }));
    return 0;
  }
  if (!rows.length) {
    err(`nn runs: ${words().noRuns(folders.join(', '), train)}`);
    return 0;
  }
  for (const line of runsTable(rows, process.cwd())) out(line);
  for (const r of rows) if (r.reason) err(`${shown(r.dir, process.cwd())}${colon()}${words().runStatus(r.status)}${colon()}${reasonText(r, cliLang())}`);
  for (const line of sweepsNotDone(rows)) err(line);
  return 0;
}

/**
 * The sweeps whose trials are not all listed: a sweep stopped (Ctrl+C) or refused before some
 * trials started has no folder for them, so the table alone showed a 3-trial sweep as 2 rows.
 */
function sweepsNotDone(rows: RunRow[]): string[] {
  const out: string[] = [];
  const listed = new Map<string, number>();
  for (const r of rows) if (r.trial !== undefined) listed.set(path.dirname(r.dir), (listed.get(path.dirname(r.dir)) ?? 0) + 1);
  for (const [dir, n] of listed) {
    if (!isSweepFolder(dir)) continue;
    let planned: number;
    try {
      planned = readSweep(dir).trials.length;
    } catch (e) {
      out.push(`${shown(dir, process.cwd())}${colon()}${(e as Error).message}`);
      continue;
    }
    const left = planned - n;
    if (left > 0) out.push(words().sweepNotStarted(shown(dir, process.cwd()), left, planned));
  }
  return out;
}

/** A row as `nn runs --json` prints it: exactly these keys. */
function jsonRow(r: RunRow) {
  return { dir: r.dir, file: r.file, train: r.train, status: r.status, overrides: r.overrides, epochs: r.epochs, bestEpoch: r.bestEpoch ?? null, val: r.val ?? null, test: r.test ?? null, engine: r.engine, seconds: r.seconds };
}

function shown(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') ? rel : p;
}

const fmt = (v: number | undefined): string => (v === undefined ? '-' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4).replace(/\.?0+$/, ''));

/** The table of runs as lines: columns padded, metrics the union of those the rows have. */
export function runsTable(rows: RunRow[], cwd: string): string[] {
  const valKeys = [...new Set(rows.flatMap((r) => Object.keys(r.val ?? {})))];
  const testKeys = [...new Set(rows.flatMap((r) => Object.keys(r.test ?? {})))];
  const h = words().runsHead;
  const head = [h.run, h.train, h.status, h.overrides, h.epochs, h.best, ...valKeys.map((k) => `val_${k}`), ...testKeys.map((k) => `test_${k}`), h.engine, h.seconds];
  const body = rows.map((r) => [
    shown(r.dir, cwd),
    `${r.train}${r.file ? ` (${path.basename(r.file)})` : ''}`,
    words().runStatus(r.status),
    overridesText(r.overrides),
    String(r.epochs),
    r.bestEpoch === undefined ? '-' : String(r.bestEpoch),
    ...valKeys.map((k) => fmt(r.val?.[k])),
    ...testKeys.map((k) => fmt(r.test?.[k])),
    r.engine || '-',
    r.seconds.toFixed(1),
  ]);
  // by display width: Chinese headers and statuses take two columns a character
  const widths = head.map((c, i) => Math.max(displayWidth(c), ...body.map((b) => displayWidth(b[i]))));
  return [head, ...body].map((cells) => cells.map((c, i) => padEndColumns(c, widths[i])).join('  ').trimEnd());
}
