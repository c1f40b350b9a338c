// Splits and batches: validation split, k folds, epoch order, and rows copied into batch buffers.

import { strict as assert } from 'node:assert';
import { gatherBatch, takeRows, firstRows, validationSplit, validationSplitInPlace, kfold, epochOrder, splitRows } from '../../server/src/data/batches';
import type { Split } from '../../server/src/data/types';

/** n rows of `w` features whose values encode the row: x[i][k] = i * 1000 + k, y[i] = i */
function rows(n: number, w: number, yw = 1): Split {
  const x = new Float32Array(n * w).map((_, j) => Math.floor(j / w) * 1000 + (j % w));
  const y = yw === 1 ? Int32Array.from({ length: n }, (_, i) => i) : new Float32Array(n * yw).map((_, j) => Math.floor(j / yw) + (j % yw) / 10);
  return { x, y, n };
}
const rowOf = (x: Float32Array, w: number, r: number) => Math.round(x[r * w] / 1000);

describe('batches', () => {
  it('splitRows: the same rows as takeRows of each side, in order, the training rows moved up in place', () => {
    for (const [xw, yw, ints] of [[3, 1, true], [1, 2, false]] as const) {
      const n = 50;
      const s: Split = { x: Float32Array.from({ length: n * xw }, (_, i) => i), y: ints ? Int32Array.from({ length: n * yw }, (_, i) => i * 10) : Float32Array.from({ length: n * yw }, (_, i) => i * 10), n };
      const isTest = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 5 === 0 ? 1 : 0);
      const rows = (t: number) => Array.from({ length: n }, (_, i) => i).filter((i) => isTest[i] === t);
      const wantTrain = takeRows(s, rows(0));
      const wantTest = takeRows(s, rows(1));
      const buffer = s.x.buffer;
      const { train, test } = splitRows(s, isTest);
      assert.deepEqual(Array.from(train.x), Array.from(wantTrain.x));
      assert.deepEqual(Array.from(train.y), Array.from(wantTrain.y));
      assert.deepEqual(Array.from(test.x), Array.from(wantTest.x));
      assert.deepEqual(Array.from(test.y), Array.from(wantTest.y));
      assert.equal(train.n + test.n, n);
      assert.equal(train.x.buffer, buffer, 'the training rows stay in the table, not a copy');
    }
  });

  for (const w of [3, 784]) {
    it(`copies the rows of a batch into reusable buffers (${w} values a row)`, () => {
      const s = rows(50, w);
      const order = Int32Array.from([7, 3, 49, 0, 12, 8]);
      const xOut = new Float32Array(4 * w).fill(-1);
      const yOut = new Int32Array(4).fill(-1);
      assert.equal(gatherBatch(s, order, 1, 4, xOut, yOut), 3);
      assert.deepEqual([0, 1, 2].map((r) => rowOf(xOut, w, r)), [3, 49, 0]);
      assert.deepEqual(Array.from(xOut.subarray(w, 2 * w)), Array.from(s.x.subarray(49 * w, 50 * w)));
      assert.deepEqual(Array.from(yOut), [3, 49, 0, -1]);
      assert.ok(xOut.subarray(3 * w).every((v) => v === -1), 'nothing past the batch is written');
    });
  }

  it('copies regression targets with several values a row', () => {
    const s = rows(10, 2, 3);
    const yOut = new Float32Array(6);
    gatherBatch(s, [4, 9], 0, 2, new Float32Array(4), yOut);
    assert.deepEqual(Array.from(yOut).map((v) => Math.round(v * 10) / 10), [4, 4.1, 4.2, 9, 9.1, 9.2]);
  });

  it('refuses batches outside the data or larger than the buffers', () => {
    const s = rows(5, 2);
    assert.throws(() => gatherBatch(s, [0, 5], 0, 2, new Float32Array(4), new Int32Array(2)), /row index 5 is outside 0..4/);
    assert.throws(() => gatherBatch(s, [0, 1], 0, 3, new Float32Array(6), new Int32Array(3)), /batch 0..3 is outside the 2 indices/);
    assert.throws(() => gatherBatch(s, [0, 1], 0, 2, new Float32Array(3), new Int32Array(2)), /batch buffers hold fewer than 2 rows/);
  });

  it('takes rows into a new split and keeps the label type', () => {
    const t = takeRows(rows(10, 2), [9, 0]);
    assert.equal(t.n, 2);
    assert.ok(t.y instanceof Int32Array);
    assert.deepEqual(Array.from(t.y), [9, 0]);
    const f = firstRows(rows(10, 2), 3);
    assert.deepEqual(Array.from(f.y), [0, 1, 2]);
    assert.equal(f.x.length, 6);
    assert.equal(f.x.buffer.byteLength, 6 * 4, 'a copy: the rest of the rows can be freed');
  });

  it('splits off a random validation set, the same for the same seed', () => {
    const s = rows(100, 2);
    const { train, val } = validationSplit(s, 0.2, 7);
    assert.equal(val.n, 20);
    assert.equal(train.n, 80);
    const ids = (p: Split) => Array.from(p.y);
    assert.deepEqual([...ids(train), ...ids(val)].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(ids(val), [...ids(val)].sort((a, b) => a - b), 'original order');
    assert.notDeepEqual(ids(val), Array.from({ length: 20 }, (_, i) => 80 + i), 'not just the last rows');
    for (let r = 0; r < val.n; r++) assert.equal(rowOf(val.x, 2, r), val.y[r], 'features travel with their label');
    assert.deepEqual(ids(validationSplit(s, 0.2, 7).val), ids(val));
    assert.notDeepEqual(ids(validationSplit(s, 0.2, 8).val), ids(val));
  });

  it("validationSplitInPlace: validationSplit's rows, as views of the table reordered in place (no copy of it: issue 25's 312 MB CSV)", () => {
    for (const [n, xw, yw, f, seed] of [[100, 2, 1, 0.2, 7], [57, 3, 2, 0.35, 3], [5, 1, 1, 0.4, 0]] as const) {
      const want = validationSplit(rows(n, xw, yw), f, seed);
      const s = rows(n, xw, yw);
      const { train, val } = validationSplitInPlace(s, f, seed);
      for (const [got, exp] of [[train, want.train], [val, want.val]]) {
        assert.equal(got.n, exp.n);
        assert.deepEqual(Array.from(got.x), Array.from(exp.x));
        assert.deepEqual(Array.from(got.y), Array.from(exp.y));
        assert.equal(got.x.constructor, exp.x.constructor);
        assert.equal(got.y.constructor, exp.y.constructor);
      }
      // both parts are the table's own arrays: the training rows first, then the validation rows
      for (const p of [train, val]) {
        assert.equal(p.x.buffer, s.x.buffer);
        assert.equal(p.y.buffer, s.y.buffer);
      }
      assert.equal(val.x.byteOffset, s.x.byteOffset + train.x.length * 4);
    }
    assert.throws(() => validationSplitInPlace(rows(10, 2), 0.01, 0), /validation: 0.01 of 10 samples leaves no validation samples/);
  });

  it('refuses a validation split that leaves a part empty', () => {
    assert.throws(() => validationSplit(rows(10, 2), 0.01, 0), /validation: 0.01 of 10 samples leaves no validation samples/);
    assert.throws(() => validationSplit(rows(10, 2), 0.99, 0), /leaves no training samples/);
    assert.throws(() => validationSplit(rows(10, 2), 1, 0), /not between 0 and 1/);
  });

  it('makes k folds: each sample validates in exactly one fold', () => {
    for (const [n, k] of [[10, 3], [101, 5], [7, 7], [1000, 10]]) {
      const folds = kfold(n, k, 3);
      assert.equal(folds.length, k);
      const seen = new Int32Array(n);
      for (const f of folds) {
        for (const i of f.val) seen[i]++;
        assert.ok(f.val.length === Math.floor(n / k) || f.val.length === Math.ceil(n / k));
        const all = [...f.train, ...f.val].sort((a, b) => a - b);
        assert.deepEqual(all, Array.from({ length: n }, (_, i) => i), 'train and val are disjoint and cover all');
      }
      assert.ok(seen.every((c) => c === 1), `${n}/${k}`);
    }
    assert.deepEqual(kfold(20, 4, 1), kfold(20, 4, 1));
    assert.notDeepEqual(kfold(20, 4, 1)[0].val, kfold(20, 4, 2)[0].val);
    assert.notDeepEqual(Array.from(kfold(20, 4, 1)[0].val), [0, 1, 2, 3, 4], 'folds are random');
  });

  it('refuses impossible folds', () => {
    assert.throws(() => kfold(3, 5, 0), /5 folds need at least 5 samples, there are 3/);
    assert.throws(() => kfold(10, 1, 0), /at least 2/);
  });

  it('orders each epoch differently, repeatably', () => {
    const e0 = epochOrder(50, 1, 0);
    assert.deepEqual([...e0].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(epochOrder(50, 1, 0), e0);
    assert.notDeepEqual(epochOrder(50, 1, 1), e0);
    assert.notDeepEqual(epochOrder(50, 2, 0), e0);
  });
});
