// Bad data through the `nn` command, one row per kind: each stops `nn train` (or `nn predict`)
// before anything is written, with a non-zero exit and a message that names the file (and the
// row or record) and the problem. A finished run and every data file are compared byte for byte
// before and after: nothing is overwritten. (The loader's own messages, and that the editor says
// the same, are in data-errors.test.ts.)

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { main } from '../../server/src/cli/main';
import { englishLeft } from '../nn-cli';
import { imagesIdx, labelsIdx, writeBadData, writeImageFolder, encodeImage, cifar10Files, cifarRecords } from '../data-helpers';

interface Row {
  /** the kind of bad data */
  kind: string;
  /** the dataset expression of the train block (CSV rows use model F: input [2], 2 classes) */
  data?: string;
  /** the model, when not F */
  model?: string;
  /** nn predict on the good run with this input, instead of nn train */
  predict?: string;
  /** what stderr must say, {dir} standing for the data folder */
  says: string | RegExp;
  /** the exit code (1 unless said) */
  exit?: number;
}

const ROWS: Row[] = [
  { kind: 'missing file', data: 'csv("nowhere.csv", label: "y")', says: 'nowhere.csv: file not found' },
  { kind: 'empty file', data: 'csv("empty.csv", label: "y")', says: 'empty.csv: empty file: no rows' },
  { kind: 'a header and no rows', data: 'csv("header.csv", label: "y")', says: 'header.csv: the header has no rows under it' },
  { kind: 'a folder where a file should be', data: 'csv("folder.csv", label: "y")', says: 'folder.csv: is a folder, not a file' },
  { kind: 'CSV ragged row', data: 'csv("ragged.csv", label: "y")', says: 'ragged.csv: line 3: 2 values, but the header has 3' },
  { kind: 'CSV non-numeric cell', data: 'csv("text.csv", label: "y")', says: `text.csv: line 3: column "b": the value is not a number` },
  { kind: 'CSV empty cell', data: 'csv("hole.csv", label: "y")', says: 'hole.csv: line 2: column "b": empty cell' },
  { kind: 'CSV empty label', data: 'csv("nolabel.csv", label: "y")', says: 'nolabel.csv: line 2: column "y": empty label' },
  { kind: 'CSV missing label column', data: 'csv("ok.csv", label: "price")', says: `ok.csv: no column named "price" in the header (3 columns); give the label column's index (0 to 2) or its name as the header writes it` },
  { kind: 'CSV label column index out of range', data: 'csv("ok.csv", label: 3)', says: 'ok.csv: label column 3 does not exist: the table has 3 columns (0 to 2)' },
  { kind: 'CSV unclosed quote', data: 'csv("quote.csv", label: "y")', says: 'quote.csv: line 2: a quoted field is never closed' },
  { kind: 'CSV text labels for regression', data: 'csv("cats.csv", label: "y", task: regression)', model: 'R', says: `cats.csv: line 2: column "y": the label is not a number, and task: regression needs numbers` },
  { kind: 'wrong feature count for the model input', data: 'csv("three.csv", label: "y")', says: `model 'F' takes [2] but dataset 'csv("three.csv")' gives [3]; change the model's input to [3]` },
  { kind: 'no samples left to train on', data: 'csv("ok.csv", label: "y", test: 0.8)', says: 'ok.csv: test: 0.8 holds out all 2 samples; none are left to train on' },
  { kind: 'a named pipe (FIFO) as data', data: 'csv("fifo.csv", label: "y")', says: 'fifo.csv: is a FIFO (named pipe), not a regular file' },
  { kind: 'IDX missing file', data: 'idx("nowhere.idx", "lab.idx")', model: 'I', says: 'nowhere.idx: file not found' },
  { kind: 'IDX empty file', data: 'idx("empty.idx", "lab.idx")', model: 'I', says: 'empty.idx: empty file' },
  { kind: 'IDX wrong magic number', data: 'idx("bad.idx", "lab.idx")', model: 'I', says: 'bad.idx: not an IDX file: it does not start with an IDX magic number (00 00 08 03 for images, 00 00 08 01 for labels)' },
  { kind: 'IDX truncated', data: 'idx("short.idx", "lab.idx")', model: 'I', says: 'short.idx: truncated: the header says 6 records of [4, 4], the file holds 1' },
  { kind: 'IDX corrupt gzip', data: 'idx("corrupt.idx.gz", "lab.idx")', model: 'I', says: 'corrupt.idx.gz: corrupt or truncated gzip data: unexpected end of file' },
  { kind: 'IDX image/label count mismatch', data: 'idx("img.idx", "lab5.idx")', model: 'I', says: 'lab5.idx: 5 labels for 6 images in img.idx' },
  { kind: 'IDX labels out of range', data: 'idx("img.idx", "lab.idx", test_images: "timg.idx", test_labels: "tlab.idx")', model: 'I', says: 'tlab.idx: record 2: label 7 is outside 0..2: the training labels (lab.idx) have 3 classes' },
  { kind: 'IDX negative label', data: 'idx("img.idx", "signedlab.idx")', model: 'I', says: 'signedlab.idx: record 2: label -1 is not a class index (a whole number from 0)' },
  { kind: 'IDX float pixels', data: 'idx("float.idx", "lab.idx")', model: 'I', says: 'float.idx: images are stored as float values; expected unsigned bytes (IDX type 08), as in MNIST' },
  { kind: 'IDX test images of another size', data: 'idx("img.idx", "lab.idx", test_images: "timg5.idx", test_labels: "tlab3.idx")', model: 'I', says: 'timg5.idx: test images are 5x4x1, training images 4x4x1' },
  { kind: 'predict: a missing image', predict: 'nowhere.png', says: 'nowhere.png: file not found' },
  { kind: 'predict: a file that is not a PNG', predict: 'notpng.png', says: /^nn predict: .*notpng\.png: not a PNG or JPEG image \(its first bytes are neither format's signature\)$/ },
  { kind: 'predict: a truncated PNG', predict: 'cut.png', says: /^nn predict: .*cut\.png: the PNG is cut short: its IHDR chunk runs past the end of the file$/ },
  { kind: 'predict: a PNG whose header claims 4 gigapixels', predict: 'huge.png', says: /huge\.png: a 65536x65536 image is too large to read \(at most 16384 pixels a side and 16 megapixels\)/ },
  { kind: 'predict: a PNG with a second IHDR of 20000x20000', predict: 'ihdr2.png', says: /ihdr2\.png: a 20000x20000 image is too large to read/ },
  { kind: 'predict: a 1 x 64,000,000 PNG', predict: 'tall.png', says: /tall\.png: a 1x64000000 image is too large to read \(at most 16384 pixels a side/ },
  { kind: 'predict: a PNG with no pixel data', predict: 'nopixels.png', says: /nopixels\.png: the PNG holds no pixel data \(no IDAT chunk\)/ },
  { kind: 'predict: a PNG with two IHDR chunks of allowed sizes', predict: 'twoheads.png', says: /twoheads\.png: 2 IHDR chunks; a PNG has one/ },
  { kind: 'predict: too few values for the input', predict: '1,2,3', says: "nn predict: '1,2,3' has 3 numbers; the model takes 16 ([4, 4, 1])" },
  // an empty value was read as 0
  { kind: 'predict: an empty value', predict: '1,,3', says: "nn predict: '1,,3' has an empty value (value 2)" },
  // these four trained, or crashed inside tfjs, before
  { kind: 'CSV labels of one class', data: 'csv("oneclass.csv", label: "y")', says: `oneclass.csv: column "y": every label is the same: classification needs at least 2 classes` },
  { kind: 'CSV value beyond 32-bit float range', data: 'csv("huge.csv", label: "y")', says: 'huge.csv: line 3: column "a": the value is too large for a 32-bit float' },
  { kind: 'CSV numeric labels with a missing value', data: 'csv("na.csv", label: "y")', says: `na.csv: line 4: column "y": the label is not a number, but most labels are (a missing value?); to read the labels as class names, set task: classification` },
  { kind: 'IDX with no images', data: 'idx("none.idx", "nolab.idx")', model: 'I', says: 'none.idx: no images: the header says 0 records' },
  { kind: 'IDX labels of one class', data: 'idx("img.idx", "zeros.idx")', model: 'I', says: 'zeros.idx: every label is 0: classification needs at least 2 classes' },
  // image folders (issue 21): the folder, class or image named
  { kind: 'image folder: a class with no images', data: 'image_folder("imgs_empty", size: [4, 4], channels: 1)', model: 'I', says: "imgs_empty/c/: the class 'c' has no images (it holds 1 other file: .txt); image_folder reads PNG and JPEG files (.png, .jpg, .jpeg, .jpe, .jfif)" },
  { kind: 'image folder: a file that is not an image', data: 'image_folder("imgs_text", size: [4, 4], channels: 1)', model: 'I', says: "imgs_text/c/001.jpg: not a PNG or JPEG image (its first bytes are neither format's signature)" },
  { kind: 'image folder: images of two sizes without size', data: 'image_folder("imgs_mixed", channels: 1)', model: 'I', says: 'imgs_mixed/c/000.png: the image is 4x5 (width x height), but imgs_mixed/a/000.png is 4x4: the images differ in size; give size: [height, width] to resize them all' },
  { kind: 'image folder: an image damaged after its header', data: 'image_folder("imgs_damaged", size: [4, 4], channels: 1)', model: 'I', says: 'imgs_damaged/c/000.png: the PNG is cut short: its IDAT chunk runs past the end of the file' },
  { kind: 'image folder: no such folder', data: 'image_folder("imgs_nowhere")', model: 'I', says: 'imgs_nowhere: folder not found' },
  // found walking issue 21 as a learner: an empty image file was "not a PNG or JPEG image"
  { kind: 'image folder: an empty image file', data: 'image_folder("imgs_zero", size: [4, 4], channels: 1)', model: 'I', says: 'imgs_zero/c/000.png: empty file' },
  { kind: 'image folder: a JPEG cut short', data: 'image_folder("imgs_cutjpg", size: [4, 4], channels: 1)', model: 'I', says: 'imgs_cutjpg/c/000.jpg: the JPEG is damaged or in a form that cannot be decoded' },
  { kind: 'predict: a JPEG cut short', predict: 'cut.jpg', says: /^nn predict: .*cut\.jpg: the JPEG is damaged or in a form that cannot be decoded/ },
  // labelled texts (text_csv): the file and line named
  { kind: 'text CSV: an empty text', data: 'text_csv("tx_empty.csv", length: 4, vocab: 10)', model: 'T', says: 'tx_empty.csv: line 3: column "text": empty text' },
  { kind: 'text CSV: a row without its label', data: 'text_csv("tx_short.csv", length: 4, vocab: 10)', model: 'T', says: 'tx_short.csv: line 3: 1 value, but the header has 2' },
  { kind: 'text CSV: no such text column', data: 'text_csv("tx_empty.csv", text: "review", length: 4, vocab: 10)', model: 'T', says: 'tx_empty.csv: no column named "review" (the text column) in the header (2 columns)' },
  // CIFAR-10's binary files: the file and record named
  { kind: 'CIFAR-10: a batch that is not whole records', data: 'cifar10(path: "cifar_cut")', model: 'C', says: 'cifar_cut/data_batch_1.bin: 5000 bytes is not a whole number of CIFAR-10 records (3073 bytes each' },
  { kind: 'CIFAR-10: a label outside its 10 classes', data: 'cifar10(path: "cifar_label", limit: 2)', model: 'C', says: 'cifar_label/data_batch_1.bin: record 1: label 12 is outside 0..9 (CIFAR-10 has 10 classes)' },
];

const MODELS = `
model F {
  input [2]
  dense(2)
}

model R {
  input [2]
  dense(1)
}

model I {
  input [4, 4, 1]
  flatten()
  dense(3)
}

model T {
  input [4]
  embedding(10, 2)
  flatten()
  dense(2)
}

model C {
  input [32, 32, 3]
  flatten()
  dense(10)
}
`;

function trainBlock(model: string, data: string, extra = ''): string {
  const loss = model === 'R' ? 'mse' : 'cross_entropy';
  return `${MODELS}\ntrain t {\n  model: ${model}\n  data: ${data}\n  loss: ${loss}\n  optimizer: adam(lr: 0.01)\n  epochs: 1\n  batch_size: 2\n  seed: 1\n${extra}}\n`;
}

/** Every file under `dir` with its bytes (folders as ''), for comparing before and after. */
function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const st = fs.lstatSync(path.join(dir, f));
    // files over 1 MB (a CIFAR batch) by size and modification time, not read again for every row
    const big = st.isFile() && st.size > 2 ** 20;
    m.set(f, big ? `${st.size}:${st.mtimeMs}` : st.isFile() ? fs.readFileSync(path.join(dir, f)).toString('base64') : st.isFIFO() ? 'fifo' : '');
  }
  return m;
}

describe('bad data through nn train and nn predict', function () {
  this.timeout(120_000);
  let dir: string;
  let runs: string;
  let goodRun: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-bad-cli-'));
    const write = (name: string, content: string | Uint8Array) => fs.writeFileSync(path.join(dir, name), content);
    writeBadData(dir);
    write('good.csv', 'a,b,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2}`).join('\n') + '\n');
    write('three.csv', 'a,b,c,y\n1,2,3,0\n3,4,5,1\n');
    write('tlab3.idx', labelsIdx([2, 1, 0]));
    write('oneclass.csv', 'a,b,y\n1,2,cat\n3,4,cat\n5,6,cat\n');
    write('na.csv', 'a,b,y\n1,2,0.5\n3,4,1.5\n5,6,NA\n7,8,2.5\n');
    write('huge.csv', 'a,b,y\n1,2,0\n1e39,4,1\n');
    write('none.idx', imagesIdx(0, 4, 4));
    write('nolab.idx', labelsIdx([]));
    write('zeros.idx', labelsIdx([0, 0, 0, 0, 0, 0]));
    const grey = (v: number): [number, number, number] => [v, v, v];
    const three = (root: string, c: [format: 'png' | 'jpeg', h: number, w: number, fill: [number, number, number]][]) =>
      writeImageFolder(path.join(dir, root), { a: [['png', 4, 4, grey(0)]], b: [['png', 4, 4, grey(128)]], c });
    three('imgs_empty', []);
    write('imgs_empty/c/notes.txt', 'x');
    three('imgs_text', [['png', 4, 4, grey(255)]]);
    write('imgs_text/c/001.jpg', 'hello, not an image\n');
    three('imgs_mixed', [['png', 5, 4, grey(255)]]);
    three('imgs_damaged', [['png', 4, 4, grey(255)]]);
    const whole = fs.readFileSync(path.join(dir, 'imgs_damaged', 'c', '000.png'));
    write('imgs_damaged/c/000.png', whole.subarray(0, whole.indexOf('IDAT') + 6));
    three('imgs_zero', [['png', 4, 4, grey(255)]]);
    write('imgs_zero/c/000.png', '');
    three('imgs_cutjpg', [['jpeg', 16, 16, grey(255)]]);
    const jpg = encodeImage('jpeg', 16, 16, (y, x) => grey((x * 16 + y * 3) % 256));
    write('imgs_cutjpg/c/000.jpg', jpg.subarray(0, Math.floor(jpg.length * 0.8)));
    write('cut.jpg', jpg.subarray(0, Math.floor(jpg.length * 0.8)));
    write('tx_empty.csv', 'text,label\na fine film,pos\n  ,neg\n');
    write('tx_short.csv', 'text,label\na fine film,pos\na dull film\n');
    // CIFAR-10: one batch cut mid-record; one of the real size (10,000 images) with a label 12 in
    // record 1, read up to limit: 2 (the files after it are not read)
    const cifar = (name: string, batch1: Buffer) => {
      fs.mkdirSync(path.join(dir, name));
      const files = cifar10Files(0);
      files['data_batch_1.bin'] = batch1;
      for (const [f, b] of Object.entries(files)) write(`${name}/${f}`, b);
    };
    cifar('cifar_cut', cifarRecords(2).subarray(0, 5000));
    const real = cifarRecords(10_000);
    real[3073] = 12;
    cifar('cifar_label', real);
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(dir, 'fifo.csv')]);
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(128);
    const pngBytes = PNG.sync.write(png);
    write('cut.png', pngBytes.subarray(0, 30));
    write('notpng.png', 'hello, not an image\n');
    const huge = Buffer.from(pngBytes);
    huge.writeUInt32BE(65536, 16);
    huge.writeUInt32BE(65536, 20);
    write('huge.png', huge);
    // chunks with their CRCs, as a decoder checks them
    const chunk = (type: string, data: Uint8Array) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = (w: number, h: number) => {
      const b = Buffer.alloc(13);
      b.writeUInt32BE(w, 0);
      b.writeUInt32BE(h, 4);
      b[8] = 8; // 8-bit grey
      return chunk('IHDR', b);
    };
    const firstIhdrEnd = 8 + 25;
    const rest = pngBytes.subarray(firstIhdrEnd);
    write('ihdr2.png', Buffer.concat([pngBytes.subarray(0, firstIhdrEnd), ihdr(20000, 20000), rest]));
    write('twoheads.png', Buffer.concat([pngBytes.subarray(0, firstIhdrEnd), ihdr(4, 4), rest]));
    write('tall.png', Buffer.concat([pngBytes.subarray(0, 8), ihdr(1, 64_000_000), chunk('IDAT', zlib.deflateSync(Buffer.alloc(2 * 4096))), chunk('IEND', new Uint8Array(0))]));
    write('nopixels.png', Buffer.concat([pngBytes.subarray(0, 8), ihdr(4, 4), chunk('IEND', new Uint8Array(0))]));

    // a finished run, which nothing below may touch; an image model's for predict
    runs = path.join(dir, 'runs');
    fs.writeFileSync(path.join(dir, 'good.nn'), trainBlock('I', 'idx("img.idx", "lab.idx")'));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['train', path.join(dir, 'good.nn'), '--runs', runs, '--backend', 'cpu', '--json'], (s) => out.push(s), (s) => err.push(s));
    assert.equal(code, 0, err.join('\n'));
    goodRun = (JSON.parse(out[0]) as { runDir: string }).runDir;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The command a row runs: predict on the finished run, or train on a file with the row's data (written as bad.nn). */
  function argvFor(row: (typeof ROWS)[number], extra: string[]): string[] {
    if (row.predict) {
      const input = /^[\d,]+$/.test(row.predict) ? row.predict : path.join(dir, row.predict);
      return ['predict', goodRun, input, '--backend', 'cpu', ...extra];
    }
    const nnFile = path.join(dir, 'bad.nn');
    fs.writeFileSync(nnFile, trainBlock(row.model ?? 'F', row.data!));
    return ['train', nnFile, '--runs', runs, '--backend', 'cpu', '--no-download', ...extra];
  }

  it(`${ROWS.length} kinds of bad data: exit 1, the file and the problem named, nothing written or overwritten`, async function () {
    assert.ok(ROWS.length >= 20);
    const before = snapshot(dir);
    const failures: string[] = [];
    for (const row of ROWS) {
      if (row.kind.includes('FIFO') && process.platform === 'win32') continue;
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argvFor(row, []), (s) => out.push(s), (s) => err.push(s));
      const said = err.join('\n');
      const ok = code === (row.exit ?? 1) && (typeof row.says === 'string' ? said.includes(row.says) : row.says.test(said));
      if (!ok) failures.push(`${row.kind}: exit ${code}, said:\n${said}\n${out.join('\n')}`);
      fs.rmSync(path.join(dir, 'bad.nn'), { force: true });
      // nothing written: no new run, no data file changed, the finished run as it was
      const now = snapshot(dir);
      assert.deepEqual([...now.keys()], [...before.keys()], `${row.kind}: files appeared or vanished`);
      for (const [f, b] of before) if (now.get(f) !== b) failures.push(`${row.kind}: ${f} changed`);
    }
    assert.deepEqual(failures, []);
  });

  it('says every one of them in Chinese with --lang zh-cn: the problem rendered from its message id, no English words left (issue 23)', async function () {
    // code words a message may hold as written: formats, chunk names, settings and values of the language
    const code = ['nn', 'train', 'predict', 'CSV', 'CIFAR-10', 'UTF-8', 'NUL', 'PNG', 'JPEG', 'IHDR', 'IDAT', 'IEND', 'SOF', 'IDX', 'MNIST', 'gzip', 'image_folder', 'task', 'classification', 'regression', 'size', 'height', 'width', 'test', 'label', 'header', 'false', 'RGB', 'e38', 'float', 'check', 'imgs_nowhere', 'unexpected', 'end', 'of', 'file'];
    const failures: string[] = [];
    for (const row of ROWS) {
      if (row.kind.includes('FIFO') && process.platform === 'win32') continue;
      const out: string[] = [];
      const err: string[] = [];
      const exit = await main(argvFor(row, ['--lang', 'zh-cn']), (s) => out.push(s), (s) => err.push(s));
      fs.rmSync(path.join(dir, 'bad.nn'), { force: true });
      const said = err.join('\n');
      if (exit !== (row.exit ?? 1)) failures.push(`${row.kind}: exit ${exit}`);
      if (!/[\u4e00-\u9fff]/.test(said)) failures.push(`${row.kind}: no Chinese in ${said}`);
      // 'unexpected end of file' is zlib's own text, passed on as the reason (gzipBroken's `why`)
      for (const l of err) {
        const left = englishLeft(l, code);
        if (left.length) failures.push(`${row.kind}: English left (${left.join(' ')}) in: ${l}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
