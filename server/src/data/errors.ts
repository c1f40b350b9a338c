// A problem with a data file: always names the file, and the row or record when there is one.

import * as fs from 'node:fs';

export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly where?: string,
  ) {
    super(`${file}: ${where ? `${where}: ` : ''}${problem}`);
    this.name = 'DataError';
  }
}

/** An argument the checker could not know (it reported an error there): data cannot be made from it. */
export function unknownArgument(fn: string, arg: string): Error {
  return new Error(`${fn}: argument '${arg}' is not known (fix the problems the checker reports first)`);
}

/** What went wrong reading a file, in words: "file not found", "is a folder, not a file", ... */
export function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'permission denied' : `cannot read: ${(e as Error).message}`;
}

/**
 * Opens a data file for reading, refusing anything but a regular file: a FIFO would block the
 * reader (the editor's probe, on its only thread) until something writes to it, and a device
 * such as /dev/zero never ends. Opened without blocking, then checked on the open descriptor, so
 * the check and the read see the same file. A problem is a DataError naming `shown`.
 */
export function openDataFile(path: string, shown: string): number {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new DataError(shown, fileProblem(e));
  }
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw new DataError(shown, fileProblem(e));
  }
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw new DataError(shown, st.isDirectory() ? 'is a folder, not a file' : `is ${st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device'}, not a regular file`);
  }
  return fd;
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
