// THE reading of a run folder's files, for everything that reads them back: the trainer and its
// resume (runs.ts, checkpoint.ts), the table of runs (run-table.ts: nn runs, a sweep's summary,
// Compare Runs), the chart and nn plot (client/src/chart-files.ts). One limit for a file read
// whole (MAX_RUN_FILE_BYTES), so a run that one of them reads is read by all: a 40 MB
// metrics.jsonl was listed by nn runs and refused by nn plot ("no readable metrics.jsonl") when
// each reader had its own limit. No TensorFlow here: the extension imports it.
//
// Only a regular file is read (a FIFO would block the read forever, a device such as /dev/zero
// never ends), never through a symbolic link (a link to another run's weights or to /etc/passwd),
// and its size is checked before a byte is read. Every problem is a CheckpointError naming the
// file (and, for a file over the limit, its size and the limit).

import * as fs from 'node:fs';
import { formatMegabytes } from '../../core/format-values';
import { renderRuntime, rmsg, type RuntimeMessage } from '../../core/runtime-messages';
import { notRegularKind, ioProblem as errnoProblem } from '../../data/errors';

/**
 * A run folder or checkpoint that cannot be written or read back (a full disk, a read-only
 * folder, a damaged file): the message names the file and the problem, for the user to fix.
 * `said` is it as a message id (core/runtime-messages.ts), rendered in the reader's locale where
 * it is shown (nn runs, the command line, Compare Runs); `message` is the English.
 */
export class CheckpointError extends Error {
  constructor(readonly said: RuntimeMessage) {
    super(renderRuntime(said, 'en'));
  }
}

/**
 * The largest file of a run folder read whole: metrics.jsonl (a few hundred bytes an epoch, and
 * the last boundary, fit and weights: tens of MB for a large first layer), config.json,
 * report.json. Weights files are read at the size their manifest gives.
 */
export const MAX_RUN_FILE_BYTES = 256 * 2 ** 20;

/** Files in run folders are opened without following a symbolic link at their name. */
export const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** An I/O error on a run folder's file in words (data/errors.ts): its files are opened without following a link, so ELOOP says the name is one. */
export function ioProblem(e: unknown): RuntimeMessage {
  return errnoProblem(e, { noFollow: true });
}

/** `file` is not a regular file: what it is instead, in words. */
export function notAFile(file: string, st: fs.Stats): CheckpointError {
  const what = st.isSymbolicLink() ? 'link' : (notRegularKind(st) ?? 'device');
  return new CheckpointError(rmsg('runFileIs', { file, what: rmsg('runEntryKind', { what }) }));
}

/** The error for a file of a run folder over the limit: the file, its size and the limit. */
export function tooLarge(file: string, size: number, max: number): CheckpointError {
  // as many decimals as it takes for a file just over the limit not to read as the limit itself
  let digits = 1;
  while (digits < 6 && (size / 2 ** 20).toFixed(digits) === (max / 2 ** 20).toFixed(digits)) digits++;
  const mb = (n: number) => (digits === 1 ? formatMegabytes(n) : `${(n / 2 ** 20).toFixed(digits)} MB`);
  return new CheckpointError(rmsg('runFileTooLarge', { file, size: mb(size), max: mb(max) }));
}

/** A file of a run folder that holds something wrong: `problem` says what. */
export function damaged(file: string, problem: RuntimeMessage): CheckpointError {
  return new CheckpointError(rmsg('runFileDamaged', { file, problem }));
}

/** A file that cannot be read: what the system said. */
export function cannotRead(file: string, e: unknown): CheckpointError {
  return new CheckpointError(rmsg('cannotReadFile', { file, why: ioProblem(e) }));
}

/**
 * The bytes of a file of a run folder (see the header): at most `max` bytes, or exactly `exact`
 * (`of` says who needs that many). A problem is a CheckpointError naming it.
 */
export function readBytes(file: string, size: { max: number } | { exact: number; manifest: string }): Buffer {
  let fd: number;
  try {
    // lstat first for the message; O_NOFOLLOW and fstat below make the open descriptor what was checked
    const st = fs.lstatSync(file);
    if (!st.isFile()) throw notAFile(file, st);
    if ('max' in size && st.size > size.max) throw tooLarge(file, st.size, size.max);
    fd = fs.openSync(file, fs.constants.O_RDONLY | NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw cannotRead(file, e);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notAFile(file, st);
    if ('exact' in size && st.size !== size.exact) throw damaged(file, rmsg('bytesNeeded', { size: st.size, manifest: size.manifest, exact: size.exact }));
    if ('max' in size && st.size > size.max) throw tooLarge(file, st.size, size.max);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < buf.length) {
      const n = fs.readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) throw damaged(file, rmsg('endedAfter', { at, bytes: buf.length }));
      at += n;
    }
    return buf;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw cannotRead(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The text of a file of a run folder read whole (metrics.jsonl, config.json, report.json), or
 * undefined when there is none; one that cannot be read (over MAX_RUN_FILE_BYTES, a link, a FIFO,
 * unreadable) is a CheckpointError naming it.
 */
export function readRunText(file: string): string | undefined {
  try {
    fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw cannotRead(file, e);
  }
  return readBytes(file, { max: MAX_RUN_FILE_BYTES }).toString('utf8');
}
