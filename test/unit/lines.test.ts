// JSON lines over a stream: whole lines, in order, UTF-8 decoded across chunk boundaries.

import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { onLines } from '../../server/src/node/lines';

describe('onLines', () => {
  it('gives each whole line once, a character split between chunks whole, the unfinished tail never', () => {
    const s = new PassThrough();
    const lines: string[] = [];
    onLines(s, (l) => lines.push(l));
    const bytes = Buffer.from('{"class":"T恤"}\n{"a":1}\n\n{"b"', 'utf8');
    const split = bytes.indexOf(Buffer.from('恤')) + 1; // inside the three bytes of 恤
    s.write(bytes.subarray(0, split));
    s.write(bytes.subarray(split, split + 3));
    s.write(bytes.subarray(split + 3));
    assert.deepEqual(lines, ['{"class":"T恤"}', '{"a":1}', '']);
  });

  it('bounds a line: bytes without a newline are dropped past maxLine (heard of once), the next line arrives whole', () => {
    const s = new PassThrough();
    const lines: string[] = [];
    let tooLong = 0;
    onLines(s, (l) => lines.push(l), { maxLine: 1000, onTooLong: () => tooLong++ });
    s.write('{"a":1}\n' + 'x'.repeat(600));
    for (let i = 0; i < 100; i++) s.write('y'.repeat(600));
    s.write('zz\n{"type":"stop"}\n');
    // a whole line in one chunk that is too long, and one exactly at the limit
    s.write('w'.repeat(1001) + '\n' + 'v'.repeat(1000) + '\n');
    assert.deepEqual(lines, ['{"a":1}', '{"type":"stop"}', 'v'.repeat(1000)]);
    assert.equal(tooLong, 2);
  });

  it('reads a long line in many chunks in linear time (the buffer was searched from its start at every chunk)', () => {
    const s = new PassThrough();
    let got = 0;
    onLines(s, (l) => (got = l.length));
    const chunk = Buffer.alloc(1024, 'x');
    const t0 = performance.now();
    // 32 MB in 1 KB chunks: quadratic searching took minutes here
    for (let i = 0; i < 32 * 1024; i++) s.write(chunk);
    s.write('\n');
    assert.equal(got, 32 * 2 ** 20);
    assert.ok(performance.now() - t0 < 20_000);
  });
});
