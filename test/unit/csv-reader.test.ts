// The streaming CSV reader (data/csv-reader.ts) against the plain-text parser it replaces for
// loading (csv.ts parseCsv): the same rows and lines for random tables cut at every chunk size,
// numbers read from bytes exactly as Number() reads their text, and the limits that keep a
// hostile file from costing memory.

import { strict as assert } from 'node:assert';
import { eachRow, bytesSource, cellText, cellNumber } from '../../server/src/data/csv-reader';
import { parseCsv, isNumber, readCsvTable, readCsvSource } from '../../server/src/data/csv';
import { mulberry32 as rng } from '../gen/random-models';

function rowsOf(text: string, chunk: number): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  eachRow(
    bytesSource(Buffer.from(text, 'utf8')),
    't.csv',
    (buf, cells) => {
      rows.push(Array.from({ length: cells.n }, (_, k) => cellText(buf, cells, k)));
      lines.push(cells.line);
    },
    { chunk, maxRow: 1 << 20 },
  );
  return { rows, lines };
}

function randomCsv(r: () => number): string {
  const pieces = ['1', '-2.5', ' 3 ', 'abc', '', '"q"', '"a,b"', '"x""y"', '"multi\nline"', '"crlf\r\nin"', 'é', '花', '1e3', '"" ', ' '];
  const breaks = ['\n', '\r\n', '\r', '\n\n', '\n  \n'];
  let s = r() < 0.3 ? '\ufeff' : '';
  const rows = 1 + Math.floor(r() * 8);
  for (let i = 0; i < rows; i++) {
    const cells = 1 + Math.floor(r() * 4);
    s += Array.from({ length: cells }, () => pieces[Math.floor(r() * pieces.length)]).join(',');
    if (i < rows - 1 || r() < 0.5) s += breaks[Math.floor(r() * breaks.length)];
  }
  return s;
}

describe('the streaming CSV reader', () => {
  it('reads the same rows and lines as parseCsv, for 400 random tables cut into chunks of every size', () => {
    const r = rng(7);
    for (let t = 0; t < 400; t++) {
      const text = randomCsv(r);
      let want: { rows: string[][]; lines: number[] } | Error;
      try {
        want = parseCsv(text, 't.csv');
      } catch (e) {
        want = e as Error;
      }
      for (const chunk of [1, 2, 3, 5, 8, 64, 4096]) {
        if (want instanceof Error) {
          assert.throws(() => rowsOf(text, chunk), (e: Error) => e.message === (want as Error).message, `${JSON.stringify(text)} chunk ${chunk}`);
          continue;
        }
        const got = rowsOf(text, chunk);
        assert.deepEqual(got.rows, want.rows, `${JSON.stringify(text)} chunk ${chunk}`);
        assert.deepEqual(got.lines, want.lines, `lines of ${JSON.stringify(text)} chunk ${chunk}`);
      }
    }
  });

  it('reads numbers from bytes exactly as Number() reads their text, and refuses what isNumber refuses', () => {
    const r = rng(3);
    const cases = ['0', '-0', '+1', '1.', '.5', '-.5e-3', '007', '1e22', '1e23', '123456789012345', '1234567890123456789', '0.1', '0.30000000000000004', '9007199254740993', '4.9e-324', '1e-400', '1e400', '3.4028235e38', ' 12 ', '\t-1.25\t', '1e', 'e5', '.', '-', '1.2.3', '0x10', 'NaN', 'Infinity', '1_000', '1,5', '', '  '];
    for (let i = 0; i < 3000; i++) {
      const digits = Array.from({ length: 1 + Math.floor(r() * 20) }, () => Math.floor(r() * 10)).join('');
      const dot = Math.floor(r() * (digits.length + 1));
      let s = r() < 0.8 ? digits.slice(0, dot) + '.' + digits.slice(dot) : digits;
      if (s === '.') s = '0.5';
      if (r() < 0.3) s += `e${r() < 0.5 ? '-' : ''}${Math.floor(r() * 40)}`;
      if (r() < 0.3) s = '-' + s;
      cases.push(s);
    }
    for (const s of cases) {
      const b = Buffer.from(s, 'latin1');
      const got = cellNumber(b, 0, b.length);
      if (isNumber(s)) assert.ok(Object.is(got, Number(s)), `${JSON.stringify(s)}: ${got} vs ${Number(s)}`);
      else assert.ok(Number.isNaN(got), `${JSON.stringify(s)} is not a number, read ${got}`);
    }
  });

  it('stops at a row longer than its limit, at NUL bytes, and at an unclosed quote, naming the line', () => {
    assert.throws(() => eachRow(bytesSource(Buffer.from('a,b\n' + 'x'.repeat(5000) + '\n')), 't.csv', () => {}, { chunk: 64, maxRow: 1024 }), /t\.csv: line 2: a row longer than 1024 bytes/);
    assert.throws(() => eachRow(bytesSource(Buffer.from('a,b\n1,\0\n')), 't.csv', () => {}, { chunk: 4 }), /not a text file/);
    assert.throws(() => eachRow(bytesSource(Buffer.from('a,b\n1,2\n3,"4\n5,6\n')), 't.csv', () => {}, { chunk: 4 }), /t\.csv: line 3: a quoted field is never closed/);
  });

  it('a file that changes between the two passes is an error, not rows of zeros', () => {
    const first = Buffer.from('x,y\n1,a\n2,b\n3,a\n4,b\n');
    const second = Buffer.from('x,y\n1,a\n2,b\n');
    let pass = 0;
    const src = { read: (buf: Buffer, offset: number, length: number, position: number) => {
      const bytes = pass < 1 ? first : second;
      const n = Math.max(0, Math.min(length, bytes.length - position));
      buf.set(bytes.subarray(position, position + n), offset);
      if (n === 0) pass++;
      return n;
    }, close: () => {} };
    assert.throws(() => readCsvSource(src, 'g.csv', { label: 'y', header: true, task: 'auto' }), /g\.csv: changed while it was being read \(4 rows, then 2\)/);
  });

  it('keeps labels as distinct texts: many numeric targets are read as values, many words are refused', () => {
    const many = 'x,y\n' + Array.from({ length: 12_000 }, (_, i) => `${i},${(i * 0.37).toFixed(3)}`).join('\n') + '\n';
    const t = readCsvTable(many, 'm.csv', { label: 'y', header: true, task: 'auto' });
    assert.equal(t.task, 'regression');
    assert.equal(t.rows, 12_000);
    assert.equal(t.targets![11_999], Math.fround(Number((11_999 * 0.37).toFixed(3))));
    const words = 'x,y\n' + Array.from({ length: 12_000 }, (_, i) => `${i},w${i}`).join('\n') + '\n';
    assert.throws(() => readCsvTable(words, 'w.csv', { label: 'y', header: true, task: 'auto' }), /w\.csv: column "y": more than 10,000 different labels, not all numbers: is it the label column\?/);
    const late = many.replace('11999,', '11999,NA\n11998,');
    assert.throws(() => readCsvTable(late, 'n.csv', { label: 'y', header: true, task: 'auto' }), /n\.csv: line 12001: column "y": the label is not a number, but most labels are/);
  });
});
