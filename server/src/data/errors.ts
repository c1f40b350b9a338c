// A problem with a data file: always names the file, and the row or record when there is one.
// The problem is a message id with its arguments (core/runtime-messages.ts), rendered in the
// reader's locale where it is shown (the command line, NN416 in the editor); `message` is English.

import * as fs from 'node:fs';
import { renderRuntime, rmsg, type RuntimeMessage } from '../core/runtime-messages';
import type { Locale } from '../core/messages';

export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly problem: RuntimeMessage,
    readonly where?: RuntimeMessage,
  ) {
    super(renderRuntime(rmsg('dataError', { file, problem, ...(where ? { where } : {}) }), 'en'));
    this.name = 'DataError';
  }

  /** The whole problem (file, where, what) as one message. */
  get said(): RuntimeMessage {
    return rmsg('dataError', { file: this.file, problem: this.problem, ...(this.where ? { where: this.where } : {}) });
  }

  /** The text in a locale. */
  text(locale: Locale): string {
    return renderRuntime(this.said, locale);
  }
}

/** Line `line` of a text file, for DataError's `where`. */
export const atLine = (line: number): RuntimeMessage => rmsg('where', { line });
/** Record `record` of a binary file. */
export const atRecord = (record: number): RuntimeMessage => rmsg('where', { record });

/** An argument the checker could not know (it reported an error there): data cannot be made from it. */
export function unknownArgument(fn: string, arg: string): Error {
  return new Error(`${fn}: argument '${arg}' is not known (fix the problems the checker reports first)`);
}

/**
 * THE words for Node's error codes on a file that nn reads or writes: data files, the image
 * cache, a run folder's files (runs.ts, checkpoint.ts, through run-files.ts ioProblem). There were
 * two maps, and they had drifted: a full disk while caching decoded images said "cannot read:
 * ENOSPC: ...", and a folder where a run file is written gave Node's EISDIR text. Undefined for a
 * code without words of its own. `noFollow`: the file was opened without following a symbolic link
 * at its name (a run folder's files), where ELOOP means the name is a link, not a loop of links.
 */
function errnoWords(e: unknown, noFollow: boolean): RuntimeMessage | undefined {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return rmsg('fileNotFound');
    case 'EISDIR':
      return rmsg('isFolder');
    case 'EACCES':
    case 'EPERM':
      return rmsg('permissionDenied');
    case 'ELOOP':
      return noFollow ? rmsg('ioLink') : rmsg('linkLoop');
    case 'ENOSPC':
      return rmsg('ioNoSpace');
    case 'EDQUOT':
      return rmsg('ioQuota');
    case 'EROFS':
      return rmsg('ioReadOnly');
    default:
      return undefined;
  }
}

/** What went wrong reading a data file, in words: "file not found", "is a folder, not a file", ..., else "cannot read: " and the system's text. */
export function fileProblem(e: unknown): RuntimeMessage {
  return errnoWords(e, false) ?? rmsg('cannotRead', { why: (e as Error).message });
}

/** An I/O error in words, for a message that says itself what was read or written: the system's text for a code without words. */
export function ioProblem(e: unknown, opts: { noFollow?: boolean } = {}): RuntimeMessage {
  return errnoWords(e, opts.noFollow === true) ?? rmsg('systemText', { text: (e as Error).message });
}

/**
 * Who keeps reads inside some folders: an untrusted workspace (the language server), or nn check
 * without --trust. A read refused outside them says so in its own words (runtime-messages.ts
 * outsideWorkspace / outsideChecked and their links).
 */
export type Fence = 'workspace' | 'check';

/** What a path is when it is not a regular file. */
export type NotRegular = 'folder' | 'fifo' | 'socket' | 'device';

export function notRegularKind(st: fs.Stats): NotRegular | undefined {
  return st.isFile() ? undefined : st.isDirectory() ? 'folder' : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : 'device';
}

/**
 * Opens a file for reading if it is a regular file: a FIFO would block the reader (the editor's
 * probe or import, on the server's only thread) until something writes to it, and a device such as
 * /dev/zero never ends. Opened without blocking, then checked on the open descriptor, so the check
 * and the read see the same file. Returns the descriptor and the size, or what the path is
 * instead; a failure to open (ENOENT, EACCES, ELOOP) is thrown as Node's error.
 */
export function openRegular(path: string): { fd: number; size: number } | { not: NotRegular } {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    // a socket cannot be opened at all (ENXIO): say what it is rather than why open failed
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') {
      const not = statKind(path);
      if (not) return { not };
    }
    throw e;
  }
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  const not = notRegularKind(st);
  if (not) {
    fs.closeSync(fd);
    return { not };
  }
  return { fd, size: st.size };
}

function statKind(path: string): NotRegular | undefined {
  try {
    return notRegularKind(fs.statSync(path));
  } catch {
    return undefined;
  }
}

/** Reads `size` bytes of an open regular file from its start (a file that shrank gives fewer). */
export function readOpen(fd: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let n = 0;
  while (n < size) {
    const k = fs.readSync(fd, b, n, size - n, n);
    if (k === 0) break;
    n += k;
  }
  return n < size ? b.subarray(0, n) : b;
}

/** Opens a data file (see openRegular); a problem is a DataError naming `shown`. */
export function openDataFile(path: string, shown: string): number {
  let r: ReturnType<typeof openRegular>;
  try {
    r = openRegular(path);
  } catch (e) {
    throw new DataError(shown, fileProblem(e));
  }
  if ('not' in r) throw new DataError(shown, r.not === 'folder' ? rmsg('isFolder') : rmsg('notRegular', { what: r.not }));
  return r.fd;
}

/** The bytes of a regular file; a problem reading it is a DataError naming `shown`. */
export function readDataFile(path: string, shown: string): Buffer {
  const fd = openDataFile(path, shown);
  try {
    return fs.readFileSync(fd);
  } catch (e) {
    throw new DataError(shown, fileProblem(e));
  } finally {
    fs.closeSync(fd);
  }
}
