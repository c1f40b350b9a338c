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
});
