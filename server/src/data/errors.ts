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

/** The bytes of a file; a problem reading it is a DataError naming `shown`. */
export function readDataFile(path: string, shown: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new DataError(shown, fileProblem(e));
  }
}
