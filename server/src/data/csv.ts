// CSV tables: one row per sample, numeric feature columns, one label column. The parser follows
// RFC 4180 (quotes, doubled quotes, CRLF). Every problem names the file, the row and the column,
// never a cell's value or the header line: a data path can name any file (csv("/etc/shadow")), and
// messages reach logs and screenshots. Column names are quoted once the header has given them.

import type { Args } from '../core/catalog/types';
import { DataError, readDataFile } from './errors';
import { suggest } from '../core/suggest';

export interface CsvOptions {
  /** the label column: a header name or an index */
  label: string | number;
  header: boolean;
  task: 'auto' | 'classification' | 'regression';
}

export interface CsvTable {
  columns: string[];
  /** the name of the label column */
  labelColumn: string;
  /** the feature columns, in order */
  featureNames: string[];
  /** rows × features, row-major */
  features: Float32Array;
  rows: number;
  task: 'classification' | 'regression';
  /** class index per row (classification) */
  classes?: Int32Array;
  /** the class names, in index order: sorted distinct labels */
  classNames?: string[];
  /** target per row (regression) */
  targets?: Float32Array;
}

/** The reading options of a bound csv(...) call. */
export function csvOptionsOf(args: Args): CsvOptions {
  return { label: args.label as string | number, header: args.header !== false, task: (args.task as CsvOptions['task'] | undefined) ?? 'auto' };
}

/** Reads and parses a CSV file; `shown` names it in messages. */
export function readCsvFile(path: string, shown: string, o: CsvOptions): CsvTable {
  const bytes = readDataFile(path, shown);
  // a binary file (or a sparse one of zeros) would be parsed as one endless cell
  if (bytes.includes(0)) throw new DataError(shown, 'not a text file (it holds NUL bytes); a CSV file is text in UTF-8');
  return readCsvTable(bytes.toString('utf8'), shown, o);
}

/** Split CSV text into rows of cells, with the file line each row starts on (blank lines are not rows). */
export function parseCsv(text: string, file: string): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let rowLine = 1;
  let cell = '';
  let i = 0;
  let quoted = false;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      i++;
      continue;
    }
    if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      row.push(cell);
      cell = '';
      rows.push(row);
      lines.push(rowLine);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      rowLine = line;
      continue;
    }
    cell += c;
    i++;
  }
  if (quoted) throw new DataError(file, 'a quoted field is never closed', `line ${line}`);
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
    lines.push(rowLine);
  }
  const blank = (r: string[]) => r.length === 1 && r[0].trim() === '';
  return { rows: rows.filter((r) => !blank(r)), lines: lines.filter((_, k) => !blank(rows[k])) };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number as a CSV cell or a typed value may write it, spaces around allowed (not NaN, Infinity, 0x10, 1,5). */
export function isNumber(s: string): boolean {
  return NUMBER.test(s.trim());
}

/**
 * What tells class labels apart: numeric labels are classes by value (1 and 1.0 are one class, as
 * pandas reads them), other labels by their text. For one file's labels, and for matching a
 * validation file's class names with the training file's.
 */
export function classKeys(labels: readonly string[]): readonly string[] {
  return labels.every(isNumber) ? labels.map((l) => String(Number(l))) : labels;
}

export function readCsvTable(text: string, file: string, o: CsvOptions): CsvTable {
  const { rows: all, lines } = parseCsv(text, file);
  if (all.length === 0) throw new DataError(file, 'empty file: no rows');
  const width = all[0].length;
  const columns = o.header ? all[0].map((c) => c.trim()) : all[0].map((_, i) => `column ${i}`);
  const body = o.header ? all.slice(1) : all;
  if (body.length === 0) throw new DataError(file, 'the header has no rows under it');
  let labelIndex: number;
  if (typeof o.label === 'number') {
    if (o.label >= width) throw new DataError(file, `label column ${o.label} does not exist: the table has ${width} columns (0 to ${width - 1})`);
    labelIndex = o.label;
  } else {
    if (!o.header) throw new DataError(file, `label: "${o.label}" names a column, but header: false; give the column index`);
    labelIndex = columns.indexOf(o.label);
    if (labelIndex < 0) {
      // the header is the file's first line, which may be anything (csv("/etc/shadow")): only a
      // column name close to the one written is shown, never the header
      const near = suggest(o.label, columns);
      const advice = near !== undefined ? `did you mean "${near}"?` : `give the label column's index (0 to ${width - 1}) or its name as the header writes it`;
      throw new DataError(file, `no column named "${o.label}" in the header (${width} column${width === 1 ? '' : 's'}); ${advice}`);
    }
  }
  if (width < 2) throw new DataError(file, 'needs at least one feature column besides the label');
  const featureNames = columns.filter((_, i) => i !== labelIndex);
  const f = width - 1;
  const features = new Float32Array(body.length * f);
  const labels: string[] = new Array(body.length);
  // where the row is in the file (blank lines and quoted line breaks counted), as an editor shows it
  const rowNumber = (r: number) => `line ${lines[r + (o.header ? 1 : 0)]}`;
  for (let r = 0; r < body.length; r++) {
    const row = body[r];
    if (row.length !== width) throw new DataError(file, `${row.length} values, but the ${o.header ? 'header has' : 'first row has'} ${width}`, rowNumber(r));
    let k = 0;
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      if (c === labelIndex) {
        labels[r] = cell.trim();
        continue;
      }
      if (!isNumber(cell)) {
        throw new DataError(file, `column "${columns[c]}": ${cell.trim() === '' ? 'empty cell' : 'the value is not a number'}`, rowNumber(r));
      }
      features[r * f + k++] = float32(cell, columns[c], file, rowNumber(r));
    }
    if (labels[r] === '') throw new DataError(file, `column "${columns[labelIndex]}": empty label`, rowNumber(r));
  }
  const numeric = labels.every(isNumber);
  if (!numeric && o.task === 'auto') {
    // mostly numbers and a few words: a missing value (NA, ?) more likely than class names
    const words = labels.filter((l) => !isNumber(l)).length;
    if (words * 2 < labels.length) {
      const bad = labels.findIndex((l) => !isNumber(l));
      throw new DataError(file, `column "${columns[labelIndex]}": the label is not a number, but most labels are (a missing value?); to read the labels as class names, set task: classification`, rowNumber(bad));
    }
  }
  const keys = classKeys(labels);
  const distinct = [...new Set(keys)];
  const integers = numeric && keys.every((l) => Number.isInteger(Number(l)));
  let task: 'classification' | 'regression';
  if (o.task !== 'auto') task = o.task;
  else task = !numeric || (integers && distinct.length <= 50) ? 'classification' : 'regression';
  if (task === 'regression') {
    if (!numeric) {
      const bad = labels.findIndex((l) => !isNumber(l));
      throw new DataError(file, `column "${columns[labelIndex]}": the label is not a number, and task: regression needs numbers`, rowNumber(bad));
    }
    return { columns, labelColumn: columns[labelIndex], featureNames, features, rows: body.length, task, targets: Float32Array.from(labels, (l, r) => float32(l, columns[labelIndex], file, rowNumber(r))) };
  }
  if (distinct.length < 2) {
    const hint = numeric && o.task === 'auto' ? '; to fit it as a number, set task: regression' : '';
    throw new DataError(file, `column "${columns[labelIndex]}": every label is the same: classification needs at least 2 classes${hint}`);
  }
  const order = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(order.map((c, i) => [c, i]));
  // a class is named as the file first writes it (1.0 stays 1.0, 007 stays 007)
  const classNames = new Array<string>(order.length);
  labels.forEach((l, r) => (classNames[index.get(keys[r])!] ??= l));
  return { columns, labelColumn: columns[labelIndex], featureNames, features, rows: body.length, task, classes: Int32Array.from(keys, (l) => index.get(l)!), classNames };
}

/** The largest finite 32-bit float: a value beyond it would be stored as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A cell that `isNumber` accepted, as the 32-bit float it is stored as; one beyond float range is an error, not Infinity. */
function float32(cell: string, column: string, file: string, row: string): number {
  const v = Number(cell);
  if (Math.abs(v) > FLOAT32_MAX) throw new DataError(file, `column "${column}": the value is too large for a 32-bit float (at most about 3.4e38)`, row);
  return v;
}
