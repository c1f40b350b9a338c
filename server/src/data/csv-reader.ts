// The CSV reader for tables of any size: the file is read in chunks, twice. The first pass counts
// the rows (so the arrays are allocated once, at their final size); the second parses each row's
// cells straight from the bytes into those arrays: numbers without making a string for each cell
// (an exact decimal fast path, Number() for the rest), labels interned (one string per distinct
// label, a 32-bit id per row). Peak memory stays near the float32 size of the table, not several
// times it as a text, rows of strings and then arrays would be.
//
// It reads as csv.ts's parseCsv does (RFC 4180: quotes, doubled quotes, CRLF; a quote opens only
// at the start of a cell; blank lines are not rows) and gives the same errors, each naming the
// file and the line the row starts on. Structure characters are ASCII, so bytes are split before
// they are decoded; a cell is decoded as UTF-8 only when it is read as text.

import * as fs from 'node:fs';
import { DataError, openDataFile, fileProblem, atLine } from './errors';
import { rmsg } from '../core/runtime-messages';

/** Bytes read per chunk. */
const CHUNK = 8 * 2 ** 20;
/** The longest row read: one past it is an error, not a buffer that grows with the file. */
export const MAX_ROW_BYTES = 64 * 2 ** 20;

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Where the bytes come from: a file read in chunks, or bytes in memory (tests, small texts). */
export interface ByteSource {
  /** Reads up to `length` bytes at `position` into `buf` at `offset`; 0 at the end. */
  read(buf: Buffer, offset: number, length: number, position: number): number;
  close(): void;
}

export function fileSource(path: string, shown: string): ByteSource {
  const fd = openDataFile(path, shown);
  return {
    read: (buf, offset, length, position) => {
      try {
        return fs.readSync(fd, buf, offset, length, position);
      } catch (e) {
        throw new DataError(shown, fileProblem(e));
      }
    },
    close: () => fs.closeSync(fd),
  };
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    read: (buf, offset, length, position) => {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      buf.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    close: () => {},
  };
}

/** A row's cells, as byte ranges of the buffer. */
export interface RowCells {
  /** number of cells */
  n: number;
  start: Int32Array;
  end: Int32Array;
  /** the cell starts with a quote: decode it with the quoting rules */
  quoted: Uint8Array;
  /** the file line the row starts on */
  line: number;
}

function formatBytes(n: number): string {
  return n >= 2 ** 20 ? `${n / 2 ** 20} MB` : `${n} bytes`;
}

/**
 * Streams the rows of a CSV source: `onRow(buf, cells)` for each row that is not blank, in order.
 * The cells' byte ranges are valid only during the call. `sizes` (for tests): the bytes read at
 * once, the longest row. Throws a DataError for NUL bytes, an unclosed quote, a row longer than
 * MAX_ROW_BYTES.
 */
export function eachRow(src: ByteSource, shown: string, onRow: (buf: Buffer, cells: RowCells) => void, sizes: { chunk?: number; maxRow?: number } = {}): void {
  const maxRow = sizes.maxRow ?? MAX_ROW_BYTES;
  let buf = Buffer.allocUnsafe(sizes.chunk ?? CHUNK);
  let len = 0; // valid bytes in buf
  let pos = 0; // start of the current row in buf
  let filePos = 0; // file offset of buf[len]
  let eof = false;
  let line = 1;
  let cap = 16;
  const cells: RowCells = { n: 0, start: new Int32Array(cap), end: new Int32Array(cap), quoted: new Uint8Array(cap), line: 1 };
  const fill = (): void => {
    // keep the unfinished row, at the front
    if (pos > 0) {
      buf.copy(buf, 0, pos, len);
      len -= pos;
      pos = 0;
    }
    if (len === buf.length) {
      if (buf.length >= maxRow) throw new DataError(shown, rmsg('rowTooLong', { size: formatBytes(maxRow) }), atLine(line));
      const bigger = Buffer.allocUnsafe(Math.min(maxRow, buf.length * 2));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const k = src.read(buf, len, buf.length - len, filePos);
    if (k === 0) eof = true;
    if (buf.subarray(len, len + k).includes(0)) throw new DataError(shown, rmsg('notText'));
    len += k;
    filePos += k;
  };
  const grow = (): void => {
    cap *= 2;
    const s = new Int32Array(cap);
    s.set(cells.start);
    const e = new Int32Array(cap);
    e.set(cells.end);
    const q = new Uint8Array(cap);
    q.set(cells.quoted);
    cells.start = s;
    cells.end = e;
    cells.quoted = q;
  };
  fill();
  while (len < 3 && !eof) fill();
  // a UTF-8 byte order mark is not part of the first cell
  if (len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
  for (;;) {
    if (pos >= len && eof) return;
    // scan one row from pos; start over after a refill when it runs past the bytes read
    let i = pos;
    let n = 0;
    let lines = 0;
    let complete = false;
    let ended = false; // by a line break (not the end of the file)
    let blank = true;
    for (;;) {
      if (n === cap) grow();
      cells.start[n] = i;
      if (i < len && buf[i] === QUOTE) {
        cells.quoted[n] = 1;
        const opened = line + lines;
        // inside quotes until a quote that is not doubled; then on to the cell's end
        let j = i + 1;
        let closed = false;
        while (j < len) {
          const c = buf[j];
          if (c === QUOTE) {
            if (j + 1 < len && buf[j + 1] === QUOTE) {
              blank = false;
              j += 2;
              continue;
            }
            if (j + 1 >= len && !eof) break; // is the next byte a quote? read on
            closed = true;
            j++;
            break;
          }
          if (c === LF) lines++;
          if (c !== 32 && c !== 9 && c !== 11 && c !== 12 && c !== CR && c !== LF) blank = false;
          j++;
        }
        if (!closed) {
          if (eof) throw new DataError(shown, rmsg('quoteNotClosed'), atLine(opened));
          break;
        }
        i = j;
      } else cells.quoted[n] = 0;
      while (i < len) {
        const c = buf[i];
        if (c === COMMA || c === CR || c === LF) break;
        if (c !== 32 && c !== 9 && c !== 11 && c !== 12) blank = false;
        i++;
      }
      cells.end[n] = i;
      n++;
      if (i >= len) {
        if (eof) complete = true;
        break;
      }
      const c = buf[i];
      if (c === COMMA) {
        blank = false;
        i++;
        continue;
      }
      // a row ends: CRLF is one break
      if (c === CR) {
        if (i + 1 >= len && !eof) break;
        i += buf[i + 1] === LF ? 2 : 1;
      } else i++;
      complete = true;
      ended = true;
      break;
    }
    if (!complete) {
      if (eof) return;
      fill();
      continue;
    }
    const rowLine = line;
    line += lines + (ended ? 1 : 0);
    pos = i;
    if (n === 1 && blank) continue;
    cells.n = n;
    cells.line = rowLine;
    onRow(buf, cells);
  }
}

/** A cell's text: quotes undone as parseCsv does, UTF-8 decoded. */
export function cellText(buf: Buffer, cells: RowCells, k: number): string {
  const s = cells.start[k];
  const e = cells.end[k];
  if (!cells.quoted[k]) return asciiOnly(buf, s, e) ? buf.toString('latin1', s, e) : buf.toString('utf8', s, e);
  const out: number[] = [];
  let i = s + 1;
  for (; i < e; i++) {
    if (buf[i] === QUOTE) {
      if (buf[i + 1] === QUOTE && i + 1 < e) {
        out.push(QUOTE);
        i++;
        continue;
      }
      i++;
      break;
    }
    out.push(buf[i]);
  }
  for (; i < e; i++) out.push(buf[i]);
  return Buffer.from(out).toString('utf8');
}

function asciiOnly(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] >= 128) return false;
  return true;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * The number an unquoted cell writes, as Number() reads it (the same double), when the cell is a
 * decimal number as isNumber accepts one; NaN when it is not. Most cells take the exact fast path
 * (at most 15 significant digits and a power of ten up to 22: one correctly rounded operation);
 * the others are read by Number() from their text.
 */
export function cellNumber(buf: Buffer, s: number, e: number): number {
  while (s < e && isSpace(buf[s])) s++;
  while (e > s && isSpace(buf[e - 1])) e--;
  if (s === e) return NaN;
  let i = s;
  let neg = false;
  if (buf[i] === 43 || buf[i] === 45) {
    neg = buf[i] === 45;
    i++;
  }
  let mant = 0;
  let digits = 0; // significant digits in mant
  let scale = 0; // power of ten to apply
  let any = false;
  let exact = true;
  while (i < e && buf[i] >= 48 && buf[i] <= 57) {
    any = true;
    const d = buf[i] - 48;
    if (digits < 15) {
      if (mant !== 0 || d !== 0) digits++;
      mant = mant * 10 + d;
    } else {
      exact = false;
      scale++;
    }
    i++;
  }
  if (i < e && buf[i] === 46) {
    i++;
    while (i < e && buf[i] >= 48 && buf[i] <= 57) {
      any = true;
      const d = buf[i] - 48;
      if (digits < 15) {
        if (mant !== 0 || d !== 0) digits++;
        mant = mant * 10 + d;
        scale--;
      } else if (d !== 0) exact = false;
      i++;
    }
  }
  if (!any) return NaN;
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 43 || buf[i] === 45)) {
      eneg = buf[i] === 45;
      i++;
    }
    let ex = 0;
    let exDigits = 0;
    while (i < e && buf[i] >= 48 && buf[i] <= 57) {
      ex = Math.min(1e6, ex * 10 + (buf[i] - 48));
      exDigits++;
      i++;
    }
    if (exDigits === 0) return NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== e) return NaN;
  if (exact && scale >= -22 && scale <= 22) {
    const v = scale >= 0 ? mant * POW10[scale] : mant / POW10[-scale];
    // the product is one rounding only while the mantissa times 10^scale stays exact in a double
    if (scale <= 0 || mant * POW10[scale] <= 2 ** 53) return neg ? -v : v;
  }
  const v = Number(buf.toString('latin1', s, e));
  return v;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === CR || c === LF;
}
