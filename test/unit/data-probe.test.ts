// Data files seen from the editor: shapes and classes read from CSV and IDX files, and every
// problem reported at the dataset with the file (and row) named.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import { encodeIdx, readIdx } from '../../server/src/data/idx';

describe('data files seen by the checker', () => {
  let dir: string;
  const write = (name: string, content: string | Uint8Array) => fs.writeFileSync(path.join(dir, name), content);
  const check = (nn: string) => {
    write('main.nn', nn);
    const [r] = analyzeFiles(new Program(new NodeHost()), [path.join(dir, 'main.nn')]);
    return r;
  };
  const problems = (nn: string) => check(nn).diagnostics.filter((d) => d.code === 'NN416').map((d) => d.message);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-data-'));
    write('iris.csv', 'sl,sw,pl,pw,species\n5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n4.9,3.0,1.4,0.2,setosa\n');
    write('ragged.csv', 'a,b,y\n1,2,0\n3,4\n');
    write('text.csv', 'a,b,y\n1,2,0\n3,abc,1\n');
    write('empty.csv', '');
    const images = new Uint8Array(6 * 4 * 4).map((_, i) => i % 256);
    const labels = Uint8Array.from([0, 1, 2, 1, 0, 2]);
    write('img.idx', encodeIdx([6, 4, 4], images));
    write('lab.idx.gz', zlib.gzipSync(encodeIdx([6], labels)));
    write('lab5.idx', encodeIdx([5], labels.subarray(0, 5)));
    write('bad.idx', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    write('short.idx', encodeIdx([6, 4, 4], images).subarray(0, 40));
    write('img5x4.idx', encodeIdx([2, 5, 4], new Uint8Array(40)));
    fs.mkdirSync(path.join(dir, 'folder.csv'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a CSV file: features, classes from text labels, rows', () => {
    const r = check('dataset iris = csv("iris.csv", label: "species")\nmodel M { input [4] dense(3) }\ntrain t { model: M  data: iris  loss: cross_entropy  batch_size: 2 }\n');
    assert.deepEqual(r.diagnostics.map((d) => d.message), []);
    const info = r.datasets[0].info;
    assert.deepEqual(info.features, [4]);
    assert.deepEqual(info.target, { kind: 'classes', count: 3 });
    assert.equal((info.train ?? 0) + (info.test ?? 0), 4);
  });

  it('checks the model against a CSV file', () => {
    const r = check('dataset iris = csv("iris.csv", label: "species")\nmodel M { input [4] dense(2) }\ntrain t { model: M  data: iris  loss: cross_entropy  batch_size: 2 }\n');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['NN404']);
  });

  it('a CSV with NUL bytes is not text; one over the probe limit (16 MB) is not read while editing', () => {
    const fd = fs.openSync(path.join(dir, 'sparse.csv'), 'w');
    fs.ftruncateSync(fd, 8 * 2 ** 20); // 8 MB of zeros, parsed as one cell: 0.8 s (64 MB: 9 s and 2.3 GB)
    fs.closeSync(fd);
    const t = Date.now();
    assert.deepEqual(problems('dataset d = csv("sparse.csv", label: 0)\n'), ['sparse.csv: not a text file (it holds NUL bytes); a CSV file is text in UTF-8']);
    assert.ok(Date.now() - t < 2000, `${Date.now() - t} ms`);
    const big = fs.openSync(path.join(dir, 'big.csv'), 'w');
    fs.writeSync(big, 'a,y\n');
    fs.ftruncateSync(big, 16 * 2 ** 20 + 1);
    fs.closeSync(big);
    const r = check('dataset d = csv("big.csv", label: "y")\n');
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'NN416'), []);
    assert.deepEqual(r.datasets[0]?.info.features ?? null, null);
  });

  it('names the file and row of a bad CSV', () => {
    assert.deepEqual(problems('dataset d = csv("ragged.csv", label: "y")\n'), ['ragged.csv: line 3: 2 values, but the header has 3']);
    assert.deepEqual(problems('dataset d = csv("text.csv", label: "y")\n'), [`text.csv: line 3: column "b": the value is not a number`]);
    assert.deepEqual(problems('dataset d = csv("iris.csv", label: "kind")\n'), [`iris.csv: no column named "kind" in the header (5 columns); give the label column's index (0 to 4) or its name as the header writes it`]);
    assert.deepEqual(problems('dataset d = csv("empty.csv", label: "y")\n'), ['empty.csv: empty file: no rows']);
    assert.deepEqual(problems('dataset d = csv("nowhere.csv", label: "y")\n'), ['nowhere.csv: file not found']);
  });

  it('reads IDX files, gzipped or not: image shape and classes', () => {
    const r = check('dataset d = idx("img.idx", "lab.idx.gz")\n');
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'hint'), []);
    assert.deepEqual(r.datasets[0].info.features, [4, 4, 1]);
    assert.deepEqual(r.datasets[0].info.target, { kind: 'classes', count: 3 });
    assert.equal(r.datasets[0].info.train, 6);
    assert.equal(r.datasets[0].info.image, true);
  });

  it('names the file of a bad IDX set', () => {
    assert.deepEqual(problems('dataset d = idx("img.idx", "lab5.idx")\n'), ['lab5.idx: 5 labels for 6 images in img.idx']);
    assert.match(problems('dataset d = idx("bad.idx", "lab5.idx")\n')[0], /^bad\.idx: not an IDX file: it does not start with an IDX magic number/);
    assert.deepEqual(problems('dataset d = idx("img.idx", "lab.idx.gz", test_images: "img.idx")\n'), ['img.idx: give both test_images and test_labels, or neither']);
    assert.deepEqual(problems('dataset d = idx("img.idx", "lab.idx.gz", test_images: "img.idx", test_labels: "lab5.idx")\n'), ['lab5.idx: 5 labels for 6 images in img.idx']);
    assert.deepEqual(problems('dataset d = idx("img.idx", "lab.idx.gz", test_images: "img5x4.idx", test_labels: "lab5.idx")\n'), ['img5x4.idx: test images are 5x4x1, training images 4x4x1']);
  });

  it('reports a folder given as a file instead of failing the analysis', () => {
    assert.deepEqual(problems('dataset d = csv("folder.csv", label: "y")\n'), ['folder.csv: is a folder, not a file']);
    assert.deepEqual(problems('dataset d = idx("folder.csv", "lab.idx.gz")\n'), ['folder.csv: is a folder, not a file']);
  });

  it('reports a truncated IDX file when loading it', () => {
    assert.throws(() => readIdx(path.join(dir, 'short.idx'), 'short.idx'), /short\.idx: truncated: the header says 6 records of \[4, 4\], the file holds 1/);
  });
});
