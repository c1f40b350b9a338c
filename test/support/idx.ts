// Small IDX files for tests: images whose pixels encode where they are, and their labels.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { encodeIdx } from '../../server/src/data/idx';

/** n images of h × w (× c): pixel j of image i is (i * 7 + j) mod 256 */
export function imageBytes(n: number, h: number, w: number, c = 1): Uint8Array {
  const size = h * w * c;
  return new Uint8Array(n * size).map((_, k) => (Math.floor(k / size) * 7 + (k % size)) % 256);
}

export function imagesIdx(n: number, h: number, w: number, c?: number): Uint8Array {
  return encodeIdx(c ? [n, h, w, c] : [n, h, w], imageBytes(n, h, w, c));
}

export function labelsIdx(labels: number[]): Uint8Array {
  return encodeIdx([labels.length], Uint8Array.from(labels));
}

/** The four files of an MNIST-like set (28 × 28), gzipped or not, written into `dir`. */
export function writeMnistLike(dir: string, o: { train?: number[]; test?: number[]; gzip?: boolean } = {}): void {
  const train = o.train ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 4];
  const test = o.test ?? [9, 8, 7];
  const gz = o.gzip ?? true;
  fs.mkdirSync(dir, { recursive: true });
  const put = (name: string, bytes: Uint8Array) => fs.writeFileSync(path.join(dir, gz ? `${name}.gz` : name), gz ? zlib.gzipSync(bytes) : bytes);
  put('train-images-idx3-ubyte', imagesIdx(train.length, 28, 28));
  put('train-labels-idx1-ubyte', labelsIdx(train));
  put('t10k-images-idx3-ubyte', imagesIdx(test.length, 28, 28));
  put('t10k-labels-idx1-ubyte', labelsIdx(test));
}
