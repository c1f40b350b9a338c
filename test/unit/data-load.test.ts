// Loading files: CSV tables and IDX images as the trainer gets them, with the splits, class
// names and normalizations the dataset asks for.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadData, alignValidation } from '../../server/src/data/load';
import type { LoadedData } from '../../server/src/data/types';
import type { DataRef } from '../../server/src/core/train';

/** Loads, and checks that the loaded data is what the editor promised (the probe and describe()). */
async function loadChecked(ref: DataRef): Promise<LoadedData> {
  const d = await loadData(ref, {});
  const info = ref.info;
  assert.deepEqual(d.featureShape, info.features);
  assert.equal(d.train.n, info.train);
  assert.equal(d.test?.n ?? 0, info.test ?? 0);
  assert.equal(d.image, info.image);
  if (info.target?.kind === 'classes') assert.equal(d.classes, info.target.count);
  else assert.equal(d.targetDims, info.target?.dims);
  return d;
}
import { checkDatasets, datasetRef, imageBytes, imagesIdx, labelsIdx } from '../data-helpers';

describe('loading CSV files', () => {
  let dir: string;
  const load = (nn: string): Promise<LoadedData> => loadChecked(datasetRef(dir, nn));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-csv-'));
    // 20 rows: a = row number, b = 10 × row, c constant; species by row
    const species = ['setosa', 'versicolor', 'virginica'];
    write('iris.csv', 'a,b,c,species\n' + Array.from({ length: 20 }, (_, i) => `${i},${10 * i},5,${species[i % 3]}`).join('\n') + '\n');
    write('houses.csv', 'size,rooms,price\n' + Array.from({ length: 10 }, (_, i) => `${50 + i},${(i % 4) + 1},${(1000 + i * 12.5).toFixed(1)}`).join('\r\n') + '\r\n');
    write('nohead.csv', '1,2,0\n3,4,1\n5,6,1\n7,8,0\n9,10,1\n');
    fs.mkdirSync(path.join(dir, 'sub'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads text labels as classes in sorted order, and keeps each row with its label', async () => {
    const d = await load('dataset iris = csv("iris.csv", label: "species", test: 0.25, seed: 3)\n');
    assert.equal(d.task, 'classification');
    assert.deepEqual(d.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.equal(d.classes, 3);
    assert.deepEqual(d.featureShape, [3]);
    assert.equal(d.train.n, 15);
    assert.equal(d.test!.n, 5);
    assert.equal(d.source, path.join(dir, 'iris.csv'));
    assert.equal(d.standardize, undefined);
    assert.equal(d.oneHot, false);
    const rowsOf = (s: { x: Float32Array; y: Int32Array | Float32Array; n: number }) =>
      Array.from({ length: s.n }, (_, i) => {
        const r = s.x[3 * i];
        assert.equal(s.x[3 * i + 1], 10 * r);
        assert.equal(s.y[i], r % 3, `row ${r} keeps its label`);
        return r;
      });
    const train = rowsOf(d.train);
    const test = rowsOf(d.test!);
    assert.deepEqual([...train, ...test].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(train, [...train].sort((a, b) => a - b), 'file order within a split');
    assert.notDeepEqual(test, [15, 16, 17, 18, 19], 'the test rows are a random choice');
    const again = await load('dataset iris = csv("iris.csv", label: "species", test: 0.25, seed: 3)\n');
    assert.deepEqual(again.test!.x, d.test!.x);
    const other = await load('dataset iris = csv("iris.csv", label: "species", test: 0.25, seed: 4)\n');
    assert.notDeepEqual(other.test!.x, d.test!.x);
  });

  it('reads numeric labels as classes by value: 1 and 1.0 are one class, as are 0 and -0', async () => {
    write('spelled.csv', 'a,y\n1,1\n2,1.0\n3,2.00\n4,2\n5,0\n6,-0\n');
    const d = await load('dataset s = csv("spelled.csv", label: "y", test: 0)\n');
    assert.equal(d.task, 'classification');
    // named as the file first writes them
    assert.deepEqual(d.classNames, ['0', '1', '2.00']);
    assert.deepEqual(Array.from(d.train.y), [1, 1, 2, 2, 0, 0]);
  });

  it("numbers a separate validation dataset's classes as the training data's, and standardizes it with the training data's statistics", async () => {
    // without 'dog', the validation file numbered 'fish' 1 (the training data's 'dog')
    write('tr.csv', 'a,y\n1,cat\n2,dog\n3,fish\n4,cat\n');
    write('va.csv', 'a,y\n1,fish\n2,cat\n');
    write('vx.csv', 'a,y\n1,fish\n2,bird\n');
    const train = await load('dataset tr = csv("tr.csv", label: "y", test: 0)\n');
    const val = alignValidation(train, await load('dataset va = csv("va.csv", label: "y", test: 0)\n'));
    assert.deepEqual(val.classNames, ['cat', 'dog', 'fish']);
    assert.equal(val.classes, 3);
    assert.deepEqual(Array.from(val.train.y), [2, 0]);
    write('n1.csv', 'a,y\n1,1\n2,2\n3,3\n');
    write('n2.csv', 'a,y\n1,3.0\n2,1.0\n');
    const numbered = alignValidation(await load('dataset n1 = csv("n1.csv", label: "y", test: 0)\n'), await load('dataset n2 = csv("n2.csv", label: "y", test: 0)\n'));
    assert.deepEqual(Array.from(numbered.train.y), [2, 0], 'numeric classes match by value');
    const other = await load('dataset vx = csv("vx.csv", label: "y", test: 0)\n');
    assert.throws(() => alignValidation(train, other), /vx\.csv: class 'bird' is not one of the training data's classes \(cat, dog, fish\)/);
    // normalize: training mean 2.5, std √1.25; the validation file's own (mean 1.5) was used before
    const ntrain = await load('dataset tr = csv("tr.csv", label: "y", test: 0, normalize: true)\n');
    for (const own of ['', ', normalize: true']) {
      const nval = alignValidation(ntrain, await load(`dataset va = csv("va.csv", label: "y", test: 0${own})\n`));
      const want = [1, 2].map((v) => (v - 2.5) / Math.sqrt(1.25));
      Array.from(nval.train.x).forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-6, `${own}: ${x} vs ${want[i]}`));
      assert.deepEqual(nval.standardize, ntrain.standardize);
    }
  });

  it('standardizes features with the statistics of the training split', async () => {
    const d = await load('dataset iris = csv("iris.csv", label: "species", normalize: true, test: 0.25, seed: 3)\n');
    const raw = await load('dataset iris = csv("iris.csv", label: "species", test: 0.25, seed: 3)\n');
    const s = d.standardize!;
    for (let k = 0; k < 2; k++) {
      const col = Array.from({ length: d.train.n }, (_, i) => d.train.x[3 * i + k]);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      assert.ok(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-5, `feature ${k}: mean ${mean}, std ${std}`);
      const rawCol = Array.from({ length: raw.train.n }, (_, i) => raw.train.x[3 * i + k]);
      assert.ok(Math.abs(s.mean[k] - rawCol.reduce((a, b) => a + b, 0) / rawCol.length) < 1e-9);
    }
    // the test split gets the training statistics, not its own
    for (let i = 0; i < d.test!.n * 3; i++) assert.ok(Math.abs(d.test!.x[i] - (raw.test!.x[i] - s.mean[i % 3]) / s.std[i % 3]) < 1e-5);
    // a constant feature: divided by 1, so it becomes 0
    assert.equal(s.mean[2], 5);
    assert.equal(s.std[2], 1);
    assert.ok(d.train.x.filter((_, i) => i % 3 === 2).every((v) => v === 0));
  });

  it('measures the statistics on the rows trained on, after limit', async () => {
    const d = await load('dataset iris = csv("iris.csv", label: "species", normalize: true, test: 0, limit: 4)\n');
    assert.equal(d.train.n, 4);
    assert.equal(d.test, undefined);
    assert.deepEqual(d.standardize!.mean.slice(0, 2), [1.5, 15]);
  });

  it('reads numeric labels as regression targets', async () => {
    const d = await load('dataset h = csv("houses.csv", label: "price", test: 0.2)\n');
    assert.equal(d.task, 'regression');
    assert.equal(d.targetDims, 1);
    assert.equal(d.classes, undefined);
    assert.ok(d.train.y instanceof Float32Array);
    for (let i = 0; i < d.train.n; i++) assert.ok(Math.abs(d.train.y[i] - (1000 + (d.train.x[2 * i] - 50) * 12.5)) < 1e-3);
    assert.equal(d.train.n + d.test!.n, 10);
  });

  it('takes the label by column index without a header, and one_hot keeps class indices', async () => {
    const d = await load('dataset n = csv("nohead.csv", label: 2, header: false, test: 0, one_hot: true)\n');
    assert.deepEqual(d.classNames, ['0', '1']);
    assert.deepEqual(Array.from(d.train.y), [0, 1, 1, 0, 1]);
    assert.ok(d.train.y instanceof Int32Array);
    assert.equal(d.oneHot, true);
    assert.deepEqual(Array.from(d.train.x), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('finds the file relative to the .nn file that declares the dataset', async () => {
    const ref = datasetRef(path.join(dir, 'sub'), 'dataset n = csv("../nohead.csv", label: 2, header: false)\n');
    const d = await loadChecked(ref);
    assert.equal(d.source, path.join(dir, 'nohead.csv'));
  });
});

describe('loading IDX files', () => {
  let dir: string;
  const load = (nn: string): Promise<LoadedData> => loadChecked(datasetRef(dir, nn));
  const write = (name: string, bytes: Uint8Array) => fs.writeFileSync(path.join(dir, name), bytes);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-idx-'));
    write('img.idx', imagesIdx(6, 4, 5));
    write('img.idx.gz', zlib.gzipSync(imagesIdx(6, 4, 5)));
    write('lab.idx', labelsIdx([0, 1, 2, 1, 0, 2]));
    write('timg.idx', imagesIdx(3, 4, 5));
    write('tlab.idx', labelsIdx([2, 2, 0]));
    write('rgb.idx', imagesIdx(2, 3, 3, 3));
    write('rgblab.idx', labelsIdx([1, 0]));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('scales pixels to [0, 1] and gives images [height, width, 1]', async () => {
    const d = await load('dataset d = idx("img.idx.gz", "lab.idx")\n');
    assert.deepEqual(d.featureShape, [4, 5, 1]);
    assert.equal(d.image, true);
    assert.equal(d.classes, 3);
    assert.equal(d.train.n, 6);
    assert.equal(d.test, undefined);
    assert.deepEqual(Array.from(d.train.y), [0, 1, 2, 1, 0, 2]);
    const bytes = imageBytes(6, 4, 5);
    assert.equal(d.train.x.length, bytes.length);
    for (let i = 0; i < bytes.length; i++) assert.equal(d.train.x[i], Math.fround(bytes[i] / 255));
    assert.equal(d.pixelNormalize, undefined);
    assert.equal(d.source, path.join(dir, 'img.idx.gz'));
  });

  it('normalizes pixels with [mean, std] after scaling', async () => {
    const d = await load('dataset d = idx("img.idx", "lab.idx", normalize: [0.5, 0.25])\n');
    const bytes = imageBytes(6, 4, 5);
    for (let i = 0; i < bytes.length; i++) assert.ok(Math.abs(d.train.x[i] - (bytes[i] / 255 - 0.5) / 0.25) < 1e-6);
    assert.deepEqual(d.pixelNormalize, { mean: 0.5, std: 0.25 });
  });

  it('reads test files, and limit cuts only the training records', async () => {
    const d = await load('dataset d = idx("img.idx", "lab.idx", test_images: "timg.idx", test_labels: "tlab.idx", limit: 2, one_hot: true)\n');
    assert.equal(d.train.n, 2);
    assert.equal(d.train.x.length, 2 * 20);
    assert.deepEqual(Array.from(d.train.y), [0, 1]);
    assert.equal(d.test!.n, 3);
    assert.deepEqual(Array.from(d.test!.y), [2, 2, 0]);
    assert.equal(d.oneHot, true);
    assert.equal(d.classes, 3, 'classes from all training labels, also past the limit');
  });

  it('without test files, holds out a test: fraction chosen by the seed (as CSV does), then limit cuts the training split', async () => {
    const d = await load('dataset d = idx("img.idx", "lab.idx", test: 0.5, seed: 3, limit: 2)\n');
    assert.equal(d.test!.n, 3);
    assert.equal(d.train.n, 2);
    // every image is in one split with its own label: image i has pixel 0 = (i * 7) mod 256
    const labels = [0, 1, 2, 1, 0, 2];
    const seen = new Set<number>();
    for (const s of [d.train, d.test!]) {
      for (let r = 0; r < s.n; r++) {
        const i = Math.round(s.x[r * 20] * 255) / 7;
        assert.equal(s.y[r], labels[i]);
        seen.add(i);
      }
    }
    assert.equal(seen.size, 5);
    const again = await load('dataset d = idx("img.idx", "lab.idx", test: 0.5, seed: 3, limit: 2)\n');
    assert.deepEqual(again.test!.x, d.test!.x);
    const other = await load('dataset d = idx("img.idx", "lab.idx", test: 0.5, seed: 4)\n');
    assert.notDeepEqual(other.test!.x, d.test!.x);
    const both = checkDatasets(dir, 'dataset d = idx("img.idx", "lab.idx", test_images: "timg.idx", test_labels: "tlab.idx", test: 0.2)\n');
    assert.deepEqual(both.dataProblems, ['timg.idx: give test files or a test: fraction, not both']);
    await assert.rejects(loadData(both.refs[0], {}), /^DataError: timg\.idx: give test files or a test: fraction, not both$/);
  });

  it('reads images with channels', async () => {
    const d = await load('dataset d = idx("rgb.idx", "rgblab.idx")\n');
    assert.deepEqual(d.featureShape, [3, 3, 3]);
    assert.equal(d.classes, 2);
    assert.equal(d.train.x.length, 2 * 27);
  });
});
