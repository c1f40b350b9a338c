// Bad data: every problem is a DataError naming the file, the row or record where there is one,
// and the problem; and the editor (the probe) says the same thing as the loader where it sees it.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadData } from '../../server/src/data/load';
import { DataError, fileProblem, ioProblem } from '../../server/src/data/errors';
import { ioProblem as runFileProblem } from '../../server/src/runtime/train/run-files';
import { renderRuntime } from '../../server/src/core/runtime-messages';
import { checkDatasets, imagesIdx, writeBadData, writeMnistLike } from '../data-helpers';
import { encodeIdx } from '../../server/src/data/idx';
import { spawnSync } from 'node:child_process';

describe('an I/O error in words: one map for data files, the image cache and run folders', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: what Node says`), { code });
  const en = (m: Parameters<typeof renderRuntime>[0]) => renderRuntime(m, 'en');
  it('the same words for the same code, whoever reads or writes (the two maps had drifted)', () => {
    for (const [code, words] of [
      ['ENOENT', 'file not found'],
      ['EISDIR', 'is a folder, not a file'],
      ['EACCES', 'permission denied'],
      ['EPERM', 'permission denied'],
      ['ENOSPC', 'no space left on the device'],
      ['EDQUOT', 'the disk quota is exhausted'],
      ['EROFS', 'the file system is read-only'],
    ]) {
      assert.equal(en(fileProblem(err(code))), words, code);
      assert.equal(en(ioProblem(err(code))), words, code);
      assert.equal(en(runFileProblem(err(code))), words, code);
    }
  });
  it('ELOOP: a loop of links where links are followed; a link, where a run folder never follows one', () => {
    assert.equal(en(fileProblem(err('ELOOP'))), 'a loop of symbolic links');
    assert.equal(en(runFileProblem(err('ELOOP'))), 'is a symbolic link; the files of a run folder are never written through one');
  });
  it('another code: the system\'s text, after "cannot read" for a data file', () => {
    assert.equal(en(fileProblem(err('EIO'))), 'cannot read: EIO: what Node says');
    assert.equal(en(ioProblem(err('EIO'))), 'EIO: what Node says');
    assert.equal(en(runFileProblem(err('EIO'))), 'EIO: what Node says');
  });
});

describe('bad data', () => {
  let dir: string;

  /**
   * The loader's message. With probe 'same' the editor reports the same message at the dataset;
   * with 'none' the editor does not see the problem (it reads only headers, or the data is
   * found only when loading) and reports nothing.
   */
  async function problem(call: string, o: { probe: 'same' | 'none'; anyContent?: boolean } = { probe: 'same' }): Promise<string> {
    const { refs, dataProblems } = checkDatasets(dir, `dataset d = ${call}\n`);
    let message = '';
    try {
      await loadData(refs[0], { env: {}, download: false, cacheDir: path.join(dir, 'cache') }, { systemRoot: path.join(dir, 'no-system'), anyContent: o.anyContent ?? true });
      assert.fail(`${call} loaded`);
    } catch (e) {
      assert.ok(e instanceof DataError, `${call}: ${(e as Error).stack}`);
      message = e.message;
    }
    assert.deepEqual(dataProblems, o.probe === 'same' ? [message] : [], 'what the editor reports');
    return message;
  }

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-bad-'));
    writeBadData(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('missing, empty, and folder-instead-of-file', async () => {
    assert.equal(await problem('csv("nowhere.csv", label: "y")'), 'nowhere.csv: file not found');
    assert.equal(await problem('idx("nowhere.idx", "lab.idx")'), 'nowhere.idx: file not found');
    assert.equal(await problem('idx("img.idx", "nowhere.idx")'), 'nowhere.idx: file not found');
    assert.equal(await problem('csv("empty.csv", label: "y")'), 'empty.csv: empty file: no rows');
    assert.equal(await problem('csv("blank.csv", label: "y")'), 'blank.csv: empty file: no rows');
    assert.equal(await problem('idx("empty.idx", "lab.idx")'), 'empty.idx: empty file');
    assert.equal(await problem('csv("folder.csv", label: "y")'), 'folder.csv: is a folder, not a file');
    assert.equal(await problem('idx("folder.csv", "lab.idx")'), 'folder.csv: is a folder, not a file');
  });

  it('CSV tables', async () => {
    assert.equal(await problem('csv("header.csv", label: "y")'), 'header.csv: the header has no rows under it');
    assert.equal(await problem('csv("ragged.csv", label: "y")'), 'ragged.csv: line 3: 2 values, but the header has 3');
    assert.equal(await problem('csv("text.csv", label: "y")'), `text.csv: line 3: column "b": the value is not a number`);
    assert.equal(await problem('csv("hole.csv", label: "y")'), 'hole.csv: line 2: column "b": empty cell');
    assert.equal(await problem('csv("nolabel.csv", label: "y")'), 'nolabel.csv: line 2: column "y": empty label');
    assert.equal(await problem('csv("ok.csv", label: "price")'), `ok.csv: no column named "price" in the header (3 columns); give the label column's index (0 to 2) or its name as the header writes it`);
    assert.equal(await problem('csv("ok.csv", label: 3)'), 'ok.csv: label column 3 does not exist: the table has 3 columns (0 to 2)');
    assert.equal(await problem('csv("ok.csv", label: "y", header: false)'), 'ok.csv: label: "y" names a column, but header: false; give the column index');
    assert.equal(await problem('csv("cats.csv", label: "y", task: regression)'), `cats.csv: line 2: column "y": the label is not a number, and task: regression needs numbers`);
    assert.equal(await problem('csv("quote.csv", label: "y")'), 'quote.csv: line 2: a quoted field is never closed');
    // the line an editor shows, past blank lines and a quoted line break (it said "row 4" here)
    fs.writeFileSync(path.join(dir, 'gaps.csv'), 'a,b,y\n1,2,0\n\n"x\ny",1,1\n\n5,six,0\n');
    assert.equal(await problem('csv("gaps.csv", label: "y")'), `gaps.csv: line 4: column "a": the value is not a number`);
    fs.writeFileSync(path.join(dir, 'gaps2.csv'), 'a,b,y\n1,2,0\n\n"3\n",1,1\n\n5,six,0\n');
    assert.equal(await problem('csv("gaps2.csv", label: "y")'), `gaps2.csv: line 7: column "b": the value is not a number`);
  });

  it('no message quotes the file: not its first line, not a cell; only a column name close to the one written', async () => {
    fs.writeFileSync(path.join(dir, 'shadow.csv'), 'root:$6$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
    const shadow = await problem('csv("shadow.csv", label: "x")');
    assert.equal(shadow, `shadow.csv: no column named "x" in the header (1 column); give the label column's index (0 to 0) or its name as the header writes it`);
    fs.writeFileSync(path.join(dir, 'pw.csv'), 'user,password,y\nalice,hunter2,0\n');
    assert.equal(await problem('csv("pw.csv", label: "y")'), 'pw.csv: line 2: column "user": the value is not a number');
    fs.writeFileSync(path.join(dir, 'cls.csv'), 'a,y\n1,topsecret\n2,topsecret\n');
    assert.equal(await problem('csv("cls.csv", label: "y")'), 'cls.csv: column "y": every label is the same: classification needs at least 2 classes');
    fs.writeFileSync(path.join(dir, 'reg.csv'), 'a,y\n1,topsecret\n');
    assert.equal(await problem('csv("reg.csv", label: "y", task: regression)'), 'reg.csv: line 2: column "y": the label is not a number, and task: regression needs numbers');
    fs.writeFileSync(path.join(dir, 'price.csv'), 'a,Price\n1,2\n');
    assert.equal(await problem('csv("price.csv", label: "price")'), 'price.csv: no column named "price" in the header (2 columns); did you mean "Price"?');
    fs.writeFileSync(path.join(dir, 'root.idx'), 'root:x:0:0:root:/root:/bin/bash\n');
    assert.doesNotMatch(await problem('idx("root.idx", "lab.idx")'), /72 6f|root:/);
  });

  it('CSV settings that do not fit the data', async () => {
    // the checker sees these only when training is checked; the loader refuses them
    assert.equal(await problem('csv("ok.csv", label: "y", task: regression, one_hot: true)', { probe: 'none' }), 'ok.csv: one_hot: true needs class labels, but column "y" is read as numbers to predict (task: regression)');
    assert.equal(await problem('csv("ok.csv", label: "y", test: 0.8)', { probe: 'none' }), 'ok.csv: test: 0.8 holds out all 2 samples; none are left to train on');
  });

  it('IDX files', async () => {
    assert.match(await problem('idx("bad.idx", "lab.idx")'), /^bad\.idx: not an IDX file: it does not start with an IDX magic number \(00 00 08 03 for images, 00 00 08 01 for labels\)$/);
    assert.equal(await problem('idx("short.idx", "lab.idx")'), 'short.idx: truncated: the header says 6 records of [4, 4], the file holds 1');
    assert.match(await problem('idx("corrupt.idx.gz", "lab.idx")', { probe: 'none' }), /^corrupt\.idx\.gz: corrupt or truncated gzip data: unexpected end of file$/);
    assert.match(await problem('idx("notgzip.idx.gz", "lab.idx")'), /^notgzip\.idx\.gz: corrupt (or truncated )?gzip data: /);
    assert.equal(await problem('idx("img.idx", "lab5.idx")'), 'lab5.idx: 5 labels for 6 images in img.idx');
    assert.equal(await problem('idx("img.idx", "img.idx")'), 'img.idx: labels need 1 dimension [count], found [6, 4, 4]');
    assert.equal(await problem('idx("flat.idx", "lab.idx")'), 'flat.idx: images need 3 dimensions [count, height, width], found [6, 16]');
    assert.equal(await problem('idx("float.idx", "lab.idx")'), 'float.idx: images are stored as float values; expected unsigned bytes (IDX type 08), as in MNIST');
    assert.equal(await problem('idx("img.idx", "lab.idx", test_images: "timg.idx")'), 'timg.idx: give both test_images and test_labels, or neither');
    assert.equal(await problem('idx("img.idx", "lab.idx", test_images: "timg.idx", test_labels: "lab.idx")'), 'lab.idx: 6 labels for 3 images in timg.idx');
    assert.equal(await problem('idx("img.idx", "lab.idx", test_images: "timg5.idx", test_labels: "tlab.idx")'), 'timg5.idx: test images are 5x4x1, training images 4x4x1');
  });

  it('labels out of range', async () => {
    assert.equal(
      await problem('idx("img.idx", "lab.idx", test_images: "timg.idx", test_labels: "tlab.idx")'),
      'tlab.idx: record 2: label 7 is outside 0..2: the training labels (lab.idx) have 3 classes',
    );
    assert.equal(await problem('idx("img.idx", "signedlab.idx")'), 'signedlab.idx: record 2: label -1 is not a class index (a whole number from 0)');
    writeMnistLike(path.join(dir, 'badmnist'), { train: [0, 1, 2, 12, 4] });
    const train = path.join(dir, 'badmnist', 'train-labels-idx1-ubyte.gz');
    assert.equal(await problem('fashion_mnist(path: "badmnist")', { probe: 'none' }), `${train}: record 3: label 12 is outside 0..9: Fashion-MNIST has 10 classes`);
    writeMnistLike(path.join(dir, 'badtest'), { test: [0, 10] });
    assert.equal(await problem('mnist(path: "badtest")', { probe: 'none' }), `${path.join(dir, 'badtest', 't10k-labels-idx1-ubyte.gz')}: record 1: label 10 is outside 0..9: MNIST has 10 classes`);
  });

  it('built-in datasets in a folder that does not hold them', async () => {
    fs.mkdirSync(path.join(dir, 'half'), { recursive: true });
    writeMnistLike(path.join(dir, 'half'));
    fs.rmSync(path.join(dir, 'half', 't10k-labels-idx1-ubyte.gz'));
    assert.equal(await problem('mnist(path: "half")', { probe: 'none' }), `${path.join(dir, 'half')}: has some of the MNIST files but not t10k-labels-idx1-ubyte.gz (gzipped or not)`);
    fs.mkdirSync(path.join(dir, 'nothing'), { recursive: true });
    assert.equal(
      await problem('mnist(path: "nothing")', { probe: 'none' }),
      `nothing: no MNIST files in ${path.join(dir, 'nothing', 'mnist')} or ${path.join(dir, 'nothing')}: expected train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (gzipped or not)`,
    );
    writeMnistLike(path.join(dir, 'small'));
    fs.writeFileSync(path.join(dir, 'small', 'train-images-idx3-ubyte.gz'), zlib.gzipSync(imagesIdx(12, 20, 20)));
    assert.equal(await problem('mnist(path: "small")', { probe: 'none' }), `${path.join(dir, 'small', 'train-images-idx3-ubyte.gz')}: images are 20x20x1; MNIST images are 28x28x1`);
  });

  it('gzip: unpacked no further than the header promises; more data than it promises is an error, packed or not', async () => {
    // 5 labels, then 16 MB of zeros in the same gzip stream (multi-member: 16 members of 1 MB)
    const zeros = zlib.gzipSync(new Uint8Array(2 ** 20));
    const header = encodeIdx([6], Uint8Array.from([0, 1, 2, 0, 1, 2]));
    fs.writeFileSync(path.join(dir, 'bomb.idx.gz'), Buffer.concat([zlib.gzipSync(header), ...new Array(16).fill(zeros)]));
    assert.equal(
      await problem('idx("img.idx", "bomb.idx.gz")'),
      'bomb.idx.gz: more data than the header promises (6 records, 14 bytes unpacked): the file is damaged or not what it says',
    );
    fs.writeFileSync(path.join(dir, 'long.idx'), Buffer.concat([header, new Uint8Array(100)]));
    assert.equal(await problem('idx("img.idx", "long.idx")'), 'long.idx: more data than the header promises (6 records, 14 bytes unpacked): the file is damaged or not what it says');
    const images = imagesIdx(6, 4, 4);
    fs.writeFileSync(path.join(dir, 'longimg.idx.gz'), Buffer.concat([zlib.gzipSync(images), zeros]));
    assert.equal(
      await problem('idx("longimg.idx.gz", "lab.idx")', { probe: 'none' }),
      'longimg.idx.gz: more data than the header promises (6 records of [4, 4], 112 bytes unpacked): the file is damaged or not what it says',
    );
  });

  it('a 1 MB gzip of 1 GiB of labels: refused having unpacked no more than the header promises (peak memory of a child process)', function () {
    const zeros = zlib.gzipSync(new Uint8Array(64 * 2 ** 20), { level: 1 });
    const fd = fs.openSync(path.join(dir, 'gib.idx.gz'), 'w');
    fs.writeSync(fd, zlib.gzipSync(encodeIdx([3], Uint8Array.from([0, 1, 2]))));
    for (let i = 0; i < 16; i++) fs.writeSync(fd, zeros);
    fs.closeSync(fd);
    const script = `const { readIdx } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'server', 'src', 'data', 'idx.ts'))});
      let said = 'read';
      try { readIdx(${JSON.stringify(path.join(dir, 'gib.idx.gz'))}, 'gib.idx.gz'); } catch (e) { said = e.message; }
      const hwm = /VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'));
      console.log(JSON.stringify({ said, peakMb: hwm ? Number(hwm[1]) / 1024 : null }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { said: string; peakMb: number | null };
    assert.equal(out.said, 'gib.idx.gz: more data than the header promises (3 records, 11 bytes unpacked): the file is damaged or not what it says');
    if (out.peakMb !== null) assert.ok(out.peakMb < 400, `peak ${out.peakMb} MB`);
  });

  it('built-in datasets: the header must promise the known number of images; the content is checked where its checksum is known', async function () {
    writeMnistLike(path.join(dir, 'fake'));
    assert.equal(
      await problem('fashion_mnist(path: "fake")', { probe: 'none', anyContent: false }),
      `${path.join(dir, 'fake', 'train-images-idx3-ubyte.gz')}: the header says 12 images; Fashion-MNIST's training set has 60000: the file is not Fashion-MNIST's`,
    );
    // an honest header, then 64 MB more than it promises (the 3 GiB, smaller)
    const honest = path.join(dir, 'honest');
    writeMnistLike(honest);
    const images = encodeIdx([60000, 28, 28], new Uint8Array(60000 * 784));
    const more = zlib.gzipSync(new Uint8Array(64 * 2 ** 20), { level: 1 });
    fs.writeFileSync(path.join(honest, 'train-images-idx3-ubyte.gz'), Buffer.concat([zlib.gzipSync(images, { level: 1 }), more]));
    assert.equal(
      await problem('fashion_mnist(path: "honest", limit: 100)', { probe: 'none', anyContent: false }),
      `${path.join(honest, 'train-images-idx3-ubyte.gz')}: more data than the header promises (60000 records of [28, 28], 47040016 bytes unpacked): the file is damaged or not what it says`,
    );
    // the right sizes, other content: Fashion-MNIST's checksum says so
    fs.writeFileSync(path.join(honest, 'train-images-idx3-ubyte.gz'), zlib.gzipSync(images, { level: 1 }));
    fs.writeFileSync(path.join(honest, 'train-labels-idx1-ubyte.gz'), zlib.gzipSync(encodeIdx([60000], new Uint8Array(60000))));
    assert.equal(
      await problem('fashion_mnist(path: "honest", limit: 100)', { probe: 'none', anyContent: false }),
      `${path.join(honest, 'train-images-idx3-ubyte.gz')}: the content is not Fashion-MNIST's (its SHA-256 differs from the official file's): the file is damaged or another dataset's`,
    );
  });

  it('a built-in dataset found nowhere, with downloading off: says where it looked and how to fix it', async () => {
    const message = await problem('fashion_mnist()', { probe: 'none' });
    assert.equal(
      message,
      `fashion_mnist: Fashion-MNIST not found and downloading is off; looked in ${path.join(dir, 'no-system', 'fashion-mnist')}, ${path.join(dir, 'cache', 'fashion-mnist')}. ` +
        'To fix: install the Debian package dataset-fashion-mnist; set NN_DATA (or the nn.data.path setting) to a folder with the four files ' +
        '(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz); give the folder as path:; or allow downloading',
    );
  });
});
