// Test data for the data layer: datasets written in .nn files and checked (as the trainer gets
// them), and small IDX files whose pixels encode where they are.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Program } from '../server/src/core/program';
import { analyzeFiles } from '../server/src/core/analyze';
import { NodeHost } from '../server/src/node/host';
import type { DataRef } from '../server/src/core/train';
import { encodeIdx } from '../server/src/data/idx';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

/** Writes `source` to dir/name, checks it, and returns its datasets, the errors the checker found, and among them the data problems (NN416). */
export function checkDatasets(dir: string, source: string, name = 'main.nn'): { refs: DataRef[]; errors: string[]; dataProblems: string[] } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  const [r] = analyzeFiles(new Program(new NodeHost()), [file]);
  return {
    refs: r.datasets,
    errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    dataProblems: r.diagnostics.filter((d) => d.code === 'NN416').map((d) => d.message),
  };
}

/** The one dataset declared in `source`, which must check without errors. */
export function datasetRef(dir: string, source: string): DataRef {
  const { refs, errors } = checkDatasets(dir, source);
  if (errors.length) throw new Error(`the dataset does not check: ${errors.join('; ')}`);
  if (refs.length !== 1) throw new Error(`expected one dataset, found ${refs.length}`);
  return refs[0];
}

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

/**
 * The bad data files both bad-data tests read (data-errors.test.ts through the loader,
 * bad-data-cli.test.ts through nn train), written into `dir`: CSV tables with each kind of
 * problem, and IDX files broken in each way (see the tests for what each one is).
 */
export function writeBadData(dir: string): void {
  const write = (name: string, content: string | Uint8Array) => fs.writeFileSync(path.join(dir, name), content);
  write('ok.csv', 'a,b,y\n1,2,0\n3,4,1\n');
  write('empty.csv', '');
  write('blank.csv', '\n\n  \n');
  write('header.csv', 'a,b,y\n');
  write('ragged.csv', 'a,b,y\n1,2,0\n3,4\n');
  write('text.csv', 'a,b,y\n1,2,0\n3,abc,1\n');
  write('hole.csv', 'a,b,y\n1,,0\n3,4,1\n');
  write('nolabel.csv', 'a,b,y\n1,2,\n3,4,1\n');
  write('cats.csv', 'a,b,y\n1,2,cat\n3,4,dog\n');
  write('quote.csv', 'a,b,y\n1,2,"open\n');
  fs.mkdirSync(path.join(dir, 'folder.csv'));
  write('img.idx', imagesIdx(6, 4, 4));
  write('lab.idx', labelsIdx([0, 1, 2, 1, 0, 2]));
  write('lab5.idx', labelsIdx([0, 1, 2, 1, 0]));
  write('bad.idx', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
  write('empty.idx', new Uint8Array(0));
  write('short.idx', imagesIdx(6, 4, 4).subarray(0, 40));
  write('corrupt.idx.gz', zlib.gzipSync(imagesIdx(6, 4, 4)).subarray(0, 60));
  write('notgzip.idx.gz', Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  write('timg.idx', imagesIdx(3, 4, 4));
  write('timg5.idx', imagesIdx(3, 5, 4));
  write('tlab.idx', labelsIdx([2, 1, 7]));
  write('flat.idx', encodeIdx([6, 16], new Uint8Array(96)));
  const floats = new Uint8Array(4 + 12 + 6 * 4 * 4 * 4);
  floats.set([0, 0, 0x0d, 3, 0, 0, 0, 6, 0, 0, 0, 4, 0, 0, 0, 4]);
  write('float.idx', floats);
  const signed = encodeIdx([6], Uint8Array.from([0, 1, 255, 1, 0, 2]));
  signed[2] = 0x09;
  write('signedlab.idx', signed);
}

/** An image file's bytes: PNG (lossless) or JPEG (quality 95) of h × w pixels, `pixel(y, x)` giving [r, g, b]. */
export function encodeImage(format: 'png' | 'jpeg', h: number, w: number, pixel: (y: number, x: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(h * w * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(y, x);
      data.set([r, g, b, 255], (y * w + x) * 4);
    }
  }
  if (format === 'png') {
    const png = new PNG({ width: w, height: h });
    data.copy(png.data);
    return PNG.sync.write(png);
  }
  return jpeg.encode({ data, width: w, height: h }, 95).data;
}

/**
 * Writes an image folder: `classes` maps each class to its images, each [format, h, w, fill]
 * (fill: a colour for the whole image, or a function of the pixel). Returns the folder.
 */
export function writeImageFolder(root: string, classes: Record<string, [format: 'png' | 'jpeg', h: number, w: number, fill: [number, number, number] | ((y: number, x: number) => [number, number, number])][]>): string {
  for (const [name, images] of Object.entries(classes)) {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    images.forEach(([format, h, w, fill], i) => {
      const px = typeof fill === 'function' ? fill : () => fill;
      fs.writeFileSync(path.join(root, name, `${String(i).padStart(3, '0')}.${format === 'png' ? 'png' : 'jpg'}`), encodeImage(format, h, w, px));
    });
  }
  return root;
}

/** A .tar (ustar) of the given files, for archives served in download tests. */
export function tarOf(files: Record<string, Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'latin1');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    parts.push(h, Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * CIFAR-10 binary records: image i has label (i + first) mod 10, and its red, green and blue
 * planes hold (i + k) mod 256, 100 + that, 200 + that at pixel k (mod 256).
 */
export function cifarRecords(n: number, first = 0): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    const at = i * 3073;
    b[at] = (i + first) % 10;
    for (let k = 0; k < 1024; k++) {
      b[at + 1 + k] = (i + k) % 256;
      b[at + 1 + 1024 + k] = (100 + i + k) % 256;
      b[at + 1 + 2048 + k] = (200 + i + k) % 256;
    }
  }
  return b;
}

/** The files of a CIFAR-10 binary set of `perFile` images each (the real one has 10,000). */
export function cifar10Files(perFile: number): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let f = 1; f <= 5; f++) files[`data_batch_${f}.bin`] = cifarRecords(perFile, f);
  files['test_batch.bin'] = cifarRecords(perFile, 7);
  files['batches.meta.txt'] = Buffer.from(CIFAR10_NAMES.join('\n') + '\n\n');
  return files;
}
