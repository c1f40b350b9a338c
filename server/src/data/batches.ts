// Cutting loaded data into what training uses: a random validation split, k folds, the order of
// each epoch, and batches copied row by row into reusable typed arrays. The trainer builds its
// batch tensors from these arrays, never with tf.slice (on the wasm backend tf.slice copies the
// whole source tensor on every call).
//
// Conventions (all seeded, so a run can be repeated):
// - validationSplit: the validation rows are the first round(n · fraction) entries of a seeded
//   random permutation of 0 .. n-1; both parts keep the rows in their original order. (Keras'
//   validation_split takes the last rows unshuffled; here it is a random subset.)
// - kfold: a seeded permutation cut into k consecutive parts of floor or ceil(n / k) rows; part f
//   is the validation set of fold f, the rest its training set, each sorted.
// - epochOrder: a seeded permutation per epoch.

import type { Split } from './types';
import { rngFor, STREAM } from './random';

/** Values per sample in x and in y. */
export function rowSizes(s: Split): { xw: number; yw: number } {
  return s.n === 0 ? { xw: 0, yw: 0 } : { xw: s.x.length / s.n, yw: s.y.length / s.n };
}

function copyRows(src: Float32Array | Int32Array, w: number, indices: ArrayLike<number>, from: number, to: number, out: Float32Array | Int32Array): void {
  if (w >= 16) {
    for (let i = from; i < to; i++) out.set(src.subarray(indices[i] * w, indices[i] * w + w), (i - from) * w);
    return;
  }
  let o = 0;
  for (let i = from; i < to; i++) {
    const s = indices[i] * w;
    for (let k = 0; k < w; k++) out[o++] = src[s + k];
  }
}

/**
 * Copies the rows indices[from] .. indices[to - 1] of `split` into the first (to - from) rows of
 * xOut and yOut (allocated once by the caller, at least a batch long). Returns the number of rows.
 */
export function gatherBatch(split: Split, indices: ArrayLike<number>, from: number, to: number, xOut: Float32Array, yOut: Int32Array | Float32Array): number {
  const { xw, yw } = rowSizes(split);
  const rows = to - from;
  if (from < 0 || to > indices.length || rows < 0) throw new RangeError(`batch ${from}..${to} is outside the ${indices.length} indices`);
  if (xOut.length < rows * xw || yOut.length < rows * yw) throw new RangeError(`batch buffers hold fewer than ${rows} rows`);
  for (let i = from; i < to; i++) {
    if (!(indices[i] >= 0 && indices[i] < split.n)) throw new RangeError(`row index ${indices[i]} is outside 0..${split.n - 1}`);
  }
  copyRows(split.x, xw, indices, from, to, xOut);
  copyRows(split.y, yw, indices, from, to, yOut);
  return rows;
}

/** A new split of the rows `indices` of `s`, in that order. */
export function takeRows(s: Split, indices: ArrayLike<number>): Split {
  const { xw, yw } = rowSizes(s);
  const n = indices.length;
  const x = new Float32Array(n * xw);
  const y = s.y instanceof Int32Array ? new Int32Array(n * yw) : new Float32Array(n * yw);
  gatherBatch(s, indices, 0, n, x, y);
  return { x, y, n };
}

/**
 * Splits `s` in two by `isTest` (1 = a test row), keeping the rows' order: the test rows are
 * copied out, the others moved up in place, so `s` is used up (its arrays become the training
 * split's). Memory: the test rows' copy, not a second table.
 */
export function splitRows(s: Split, isTest: Uint8Array): { train: Split; test: Split } {
  const { xw, yw } = rowSizes(s);
  let nTest = 0;
  for (let i = 0; i < s.n; i++) nTest += isTest[i];
  const test: Split = { x: new Float32Array(nTest * xw), y: s.y instanceof Int32Array ? new Int32Array(nTest * yw) : new Float32Array(nTest * yw), n: nTest };
  let t = 0;
  let w = 0;
  for (let i = 0; i < s.n; i++) {
    if (isTest[i]) {
      test.x.set(s.x.subarray(i * xw, i * xw + xw), t * xw);
      test.y.set(s.y.subarray(i * yw, i * yw + yw), t * yw);
      t++;
    } else {
      if (w !== i) {
        s.x.copyWithin(w * xw, i * xw, i * xw + xw);
        s.y.copyWithin(w * yw, i * yw, i * yw + yw);
      }
      w++;
    }
  }
  return { train: { x: s.x.subarray(0, w * xw), y: s.y.subarray(0, w * yw), n: w }, test };
}

/** The first `count` rows of `s`, copied (so the rest can be freed). */
export function firstRows(s: Split, count: number): Split {
  if (count >= s.n) return s;
  const { xw, yw } = rowSizes(s);
  return { x: s.x.slice(0, count * xw), y: s.y.slice(0, count * yw), n: count };
}

function sorted(a: Int32Array): Int32Array {
  return a.sort();
}

/** The order of the training rows in epoch `epoch` (0-based): a permutation of 0 .. n-1, fixed by seed and epoch. */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  return rngFor(seed, STREAM.shuffle, epoch).permutation(n);
}

/**
 * A random validation split: round(n · fraction) rows chosen by the seed, the rest for training
 * (both in their original order). Throws when either part would be empty.
 */
export function validationSplit(split: Split, fraction: number, seed: number): { train: Split; val: Split } {
  const { perm, nVal } = validationRows(split.n, fraction, seed);
  return { train: takeRows(split, sorted(perm.slice(nVal))), val: takeRows(split, sorted(perm.slice(0, nVal))) };
}

/**
 * A split the data is too small for: the user's data, not a bug. `detail` is what the trainer and
 * the torch engine say it with (runtime-messages.ts validationTooFew, kfoldTooFew).
 */
export class SplitError extends RangeError {
  constructor(
    message: string,
    readonly detail: { kind: 'validation'; fraction: number; n: number; none: 'validation' | 'training' } | { kind: 'kfold'; k: number; n: number },
  ) {
    super(message);
  }
}

/** The seeded permutation whose first `nVal` entries are the validation rows; throws when a part would be empty. */
function validationRows(n: number, fraction: number, seed: number): { perm: Int32Array; nVal: number } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction ${fraction} is not between 0 and 1`);
  const nVal = Math.round(n * fraction);
  if (nVal === 0 || nVal === n) {
    const none = nVal === 0 ? 'validation' : 'training';
    throw new SplitError(`validation: ${fraction} of ${n} samples leaves no ${none} samples`, { kind: 'validation', fraction, n, none });
  }
  return { perm: rngFor(seed, STREAM.validation).permutation(n), nVal };
}

/**
 * validationSplit's rows (the same, in the same order) without a copy of the table: `split` is
 * reordered in place, its training rows first, then its validation rows, and the two parts are
 * views of its arrays. For the trainer, whose data is its own: copying the training part kept a
 * second table, and the original, for the whole run (a 312 MB CSV's 52 million rows peaked at 2.7
 * times their float32 size). Memory: the validation rows' copy while they are moved.
 */
export function validationSplitInPlace(split: Split, fraction: number, seed: number): { train: Split; val: Split } {
  const { perm, nVal } = validationRows(split.n, fraction, seed);
  const isVal = new Uint8Array(split.n);
  for (let i = 0; i < nVal; i++) isVal[perm[i]] = 1;
  const { train, test: val } = splitRows(split, isVal);
  const { xw, yw } = rowSizes(split);
  split.x.set(val.x, train.n * xw);
  split.y.set(val.y, train.n * yw);
  return {
    train,
    val: { x: split.x.subarray(train.n * xw, split.n * xw), y: split.y.subarray(train.n * yw, split.n * yw), n: val.n },
  };
}

/** k folds of n samples: each sample is in the validation set of exactly one fold. */
export function kfold(n: number, k: number, seed: number): { train: Int32Array; val: Int32Array }[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kfold: k must be a whole number of at least 2, not ${k}`);
  if (k > n) throw new SplitError(`kfold: ${k} folds need at least ${k} samples, there are ${n}`, { kind: 'kfold', k, n });
  const perm = rngFor(seed, STREAM.kfold).permutation(n);
  const folds: { train: Int32Array; val: Int32Array }[] = [];
  for (let f = 0; f < k; f++) {
    const a = Math.floor((f * n) / k);
    const b = Math.floor(((f + 1) * n) / k);
    const train = new Int32Array(n - (b - a));
    train.set(perm.subarray(0, a));
    train.set(perm.subarray(b), a);
    folds.push({ train: sorted(train), val: sorted(perm.slice(a, b)) });
  }
  return folds;
}
