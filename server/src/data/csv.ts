// CSV tables: one row per sample, numeric feature columns, one label column. The parser follows
// RFC 4180 (quotes, doubled quotes, CRLF). Every problem names the file, the row and the column,
// never a cell's value or the header line: a data path can name any file (csv("/etc/shadow")), and
// messages reach logs and screenshots. Column names are quoted once the header has given them.

import type { Args } from '../core/catalog/types';
import { DataError, atLine } from './errors';
import { rmsg, type RuntimeMessage } from '../core/runtime-messages';
import { eachRow, cellText, cellNumber, fileSource, bytesSource, type ByteSource } from './csv-reader';
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

/** Reads and parses a CSV file of any size (streamed: csv-reader.ts); `shown` names it in messages. */
export function readCsvFile(path: string, shown: string, o: CsvOptions): CsvTable {
  const src = fileSource(path, shown);
  try {
    return readCsvSource(src, shown, o);
  } finally {
    src.close();
  }
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
  let opened = 1; // the line a quoted field opened on
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
      opened = line;
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
  if (quoted) throw new DataError(file, rmsg('quoteNotClosed'), atLine(opened));
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

/** Parses CSV text (as readCsvFile reads a file). */
export function readCsvTable(text: string, file: string, o: CsvOptions): CsvTable {
  return readCsvSource(bytesSource(Buffer.from(text, 'utf8')), file, o);
}

/** Distinct labels kept as text; more, when they are not all numbers, is not a label column. */
const MAX_LABELS = 10_000;

/** Reads a CSV table from any source of bytes (a file: readCsvFile; tests: a source that changes). */
export function readCsvSource(src: ByteSource, file: string, o: CsvOptions): CsvTable {
  // pass 1: the header and the number of rows, so the arrays are allocated once
  let header: string[] | undefined;
  let rows = 0;
  eachRow(src, file, (buf, cells) => {
    if (header === undefined) {
      header = Array.from({ length: cells.n }, (_, k) => cellText(buf, cells, k));
      if (o.header) return;
    }
    rows++;
  });
  if (header === undefined) throw new DataError(file, rmsg('noRows'));
  const width = header.length;
  const columns = o.header ? header.map((c) => c.trim()) : header.map((_, i) => `column ${i}`);
  if (rows === 0) throw new DataError(file, rmsg('headerOnly'));
  const labelIndex = labelColumn(columns, width, file, o);
  if (width < 2) throw new DataError(file, rmsg('noFeatureColumn'));
  const featureNames = columns.filter((_, i) => i !== labelIndex);
  const f = width - 1;
  const features = new Float32Array(rows * f);
  // the labels: an id per row into the distinct label texts (while they are few), or, once there
  // are many and all are numbers (a regression target), the value itself
  let ids: Int32Array | undefined = new Int32Array(rows);
  let values: Float32Array | undefined;
  const texts: string[] = [];
  const idOf = new Map<string, number>();
  let words = 0; // labels that are not numbers
  let firstWord = -1;
  const lineOf: number[] = []; // the line of the first row of each label id
  const isWord: number[] = []; // 1 for a label id that is not a number
  let r = 0;
  let skipHeader = o.header;
  eachRow(src, file, (buf, cells) => {
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    if (cells.n !== width) throw new DataError(file, rmsg('rowWidth', { n: cells.n, width, header: o.header }), atLine(cells.line));
    let k = r * f;
    for (let c = 0; c < width; c++) {
      if (c === labelIndex) continue;
      let v = cells.quoted[c] ? quotedNumber(cellText(buf, cells, c)) : cellNumber(buf, cells.start[c], cells.end[c]);
      // the fast reader knows ASCII spaces only: a cell it refuses is read once more as text
      if (Number.isNaN(v)) v = quotedNumber(cellText(buf, cells, c));
      if (Number.isNaN(v)) {
        const empty = cellText(buf, cells, c).trim() === '';
        throw new DataError(file, rmsg(empty ? 'emptyCell' : 'notANumber', { column: columns[c] }), atLine(cells.line));
      }
      if (Math.abs(v) > FLOAT32_MAX) throw new DataError(file, rmsg('tooLarge', { column: columns[c] }), atLine(cells.line));
      features[k++] = v;
    }
    if (values) {
      // many distinct labels, all numbers so far: a target per row
      let v = cells.quoted[labelIndex] ? NaN : cellNumber(buf, cells.start[labelIndex], cells.end[labelIndex]);
      if (Number.isNaN(v)) {
        const text = cellText(buf, cells, labelIndex).trim();
        if (text === '') throw new DataError(file, rmsg('emptyLabel', { column: columns[labelIndex] }), atLine(cells.line));
        v = checkedFloat(text, columns[labelIndex], file, atLine(cells.line), o);
      }
      if (Math.abs(v) > FLOAT32_MAX) throw new DataError(file, rmsg('tooLarge', { column: columns[labelIndex] }), atLine(cells.line));
      values[r++] = v;
      return;
    }
    const text = cellText(buf, cells, labelIndex).trim();
    if (text === '') throw new DataError(file, rmsg('emptyLabel', { column: columns[labelIndex] }), atLine(cells.line));
    let id = idOf.get(text);
    if (id === undefined) {
      id = texts.length;
      texts.push(text);
      idOf.set(text, id);
      lineOf.push(cells.line);
      isWord.push(isNumber(text) ? 0 : 1);
      if (isWord[id] && firstWord < 0) firstWord = id;
      if (texts.length > MAX_LABELS) {
        if (firstWord >= 0 || o.task === 'classification') {
          throw new DataError(file, rmsg('tooManyLabels', { column: columns[labelIndex], max: MAX_LABELS, words: firstWord >= 0, classification: o.task === 'classification' }));
        }
        // a regression target: the labels so far become values, the rest are read as values
        values = new Float32Array(rows);
        const value = texts.map((t, q) => checkedFloat(t, columns[labelIndex], file, atLine(lineOf[q]), o));
        for (let q = 0; q < r; q++) values[q] = value[ids![q]];
        values[r] = value[id];
        ids = undefined;
        r++;
        return;
      }
    }
    words += isWord[id];
    ids![r++] = id;
  });
  // the second pass reads what the first counted: a file that changed between them is not half read
  if (r !== rows) throw new DataError(file, rmsg('changedWhileRead', { before: rows, after: r }));
  if (values) return { columns, labelColumn: columns[labelIndex], featureNames, features, rows, task: 'regression', targets: values };
  return labelsToTask(texts, ids!, rows, words, lineOf, firstWord, columns[labelIndex], file, o, { columns, featureNames, features });
}

/** The label column's index, from its name (in the header) or its number. */
function labelColumn(columns: string[], width: number, file: string, o: CsvOptions): number {
  if (typeof o.label === 'number') {
    if (o.label >= width) throw new DataError(file, rmsg('noLabelIndex', { label: o.label, width }));
    return o.label;
  }
  if (!o.header) throw new DataError(file, rmsg('labelNameNoHeader', { label: o.label }));
  const labelIndex = columns.indexOf(o.label);
  if (labelIndex < 0) {
    // the header is the file's first line, which may be anything (csv("/etc/shadow")): only a
    // column name close to the one written is shown, never the header
    const near = suggest(o.label, columns);
    throw new DataError(file, rmsg('noColumn', { name: o.label, width, ...(near !== undefined ? { near } : {}) }));
  }
  return labelIndex;
}

/**
 * Classes or targets from the distinct label texts (`texts`, each row's id in `ids`), as the task
 * (given, or auto) says: numbers with few distinct integer values are classes, other numbers
 * targets, words classes. `ids` becomes the class indices in place.
 */
function labelsToTask(
  texts: string[],
  ids: Int32Array,
  rows: number,
  words: number,
  lineOf: number[],
  firstWord: number,
  labelName: string,
  file: string,
  o: CsvOptions,
  table: Pick<CsvTable, 'columns' | 'featureNames' | 'features'>,
): CsvTable {
  const numeric = firstWord < 0;
  if (!numeric && o.task === 'auto' && words * 2 < rows) {
    // mostly numbers and a few words: a missing value (NA, ?) more likely than class names
    throw new DataError(file, rmsg('labelMostlyNumbers', { column: labelName }), atLine(lineOf[firstWord]));
  }
  // numeric labels are classes by value (1 and 1.0 are one class, as pandas reads them)
  const keyOf = numeric ? texts.map((t) => String(Number(t))) : texts;
  const distinct = [...new Set(keyOf)];
  const integers = numeric && distinct.every((k) => Number.isInteger(Number(k)));
  const task: 'classification' | 'regression' = o.task !== 'auto' ? o.task : !numeric || (integers && distinct.length <= 50) ? 'classification' : 'regression';
  const base = { ...table, labelColumn: labelName, rows };
  if (task === 'regression') {
    if (!numeric) throw new DataError(file, rmsg('labelNotNumber', { column: labelName }), atLine(lineOf[firstWord]));
    const value = texts.map((t, id) => checkedFloat(t, labelName, file, atLine(lineOf[id]), o));
    const targets = new Float32Array(rows);
    for (let q = 0; q < rows; q++) targets[q] = value[ids[q]];
    return { ...base, task, targets };
  }
  if (distinct.length < 2) {
    throw new DataError(file, rmsg('oneLabel', { column: labelName, regressionHint: numeric && o.task === 'auto' }));
  }
  const order = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(order.map((c, i) => [c, i]));
  const classOfId = Int32Array.from(keyOf, (k) => index.get(k)!);
  // a class is named as the file first writes it (1.0 stays 1.0, 007 stays 007): the label first met
  const firstRow = new Map<number, number>();
  const classNames = new Array<string>(order.length);
  for (let q = 0; q < rows; q++) {
    const id = ids[q];
    if (!firstRow.has(id)) {
      firstRow.set(id, q);
      classNames[classOfId[id]] ??= texts[id];
    }
    ids[q] = classOfId[id];
  }
  return { ...base, task, classes: ids, classNames };
}

/** A quoted cell's number (isNumber's rule), or NaN. */
function quotedNumber(text: string): number {
  return isNumber(text) ? Number(text) : NaN;
}

/** A label text read as a 32-bit float target; one that is no number or beyond float range is an error naming its line. */
function checkedFloat(text: string, column: string, file: string, row: RuntimeMessage, o: CsvOptions): number {
  if (!isNumber(text)) {
    if (o.task === 'regression') throw new DataError(file, rmsg('labelNotNumber', { column }), row);
    throw new DataError(file, rmsg('labelMostlyNumbers', { column }), row);
  }
  const v = Number(text);
  if (Math.abs(v) > FLOAT32_MAX) throw new DataError(file, rmsg('tooLarge', { column }), row);
  return v;
}

/** The largest finite 32-bit float: a value beyond it would be stored as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;
