// A problem with a data file: always names the file, and the row or record when there is one.

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
