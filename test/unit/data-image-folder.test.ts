// image_folder: one subfolder per class of PNG and JPEG images, as torchvision's ImageFolder.
// What the editor's probe says from the headers alone, what loading gives (classes, resizing,
// channels, splits), every bad folder named, the decoded cache and its invalidation, and a run.

import { strict as assert } from 'node:assert';
import { renderRuntime } from '../../server/src/core/runtime-messages';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../server/src/data/load';
import { readImageFolder, listImageFolder } from '../../server/src/data/image-folder';
import { probeData } from '../../server/src/data/probe';
import { readImageHeader, decodeImage, resizeArea } from '../../server/src/data/images';
import { checkDatasets, datasetRef, encodeImage, writeImageFolder } from '../data-helpers';
import { runNn } from '../nn-cli';
import { runsCacheOf } from '../../server/src/cli/common';

const RED: [number, number, number] = [220, 30, 30];
const BLUE: [number, number, number] = [20, 40, 230];

describe('image_folder', () => {
  it('an untrusted workspace: a link below the folder to outside it is refused, naming the link', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-ws-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-outside-'));
    try {
      for (const c of ['a', 'b']) {
        fs.mkdirSync(path.join(ws, 'imgs', c), { recursive: true });
        fs.writeFileSync(path.join(ws, 'imgs', c, 'x.png'), encodeImage('png', 4, 4, () => [1, 2, 3]));
      }
      fs.writeFileSync(path.join(outside, 'secret.png'), encodeImage('png', 9, 9, () => [1, 2, 3]));
      fs.symlinkSync(outside, path.join(ws, 'imgs', 'a', 'pictures'));
      const allowed = (abs: string) => abs === ws || abs.startsWith(ws + path.sep);
      assert.throws(() => listImageFolder(path.join(ws, 'imgs'), 'imgs', 1000, allowed), /imgs\/a\/pictures: is a link to outside the workspace folders/);
      const probe = probeData('image_folder', { path: 'imgs' }, ws, allowed);
      assert.ok(probe && !probe.ok && /outside the workspace folders/.test(renderRuntime(probe.problem, 'en')), JSON.stringify(probe));
      assert.ok(!JSON.stringify(probe).includes('secret'), 'nothing of the outside folder is named');
      // trusted (no limit): the link is read like any folder
      assert.equal(listImageFolder(path.join(ws, 'imgs'), 'imgs', 1000).images.length, 3);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });


  let dir: string;
  const sub = (name: string) => path.join(dir, name);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-imgfolder-'));
    // red and blue, PNG and JPEG, of two sizes
    writeImageFolder(sub('colours'), {
      red: [['png', 8, 8, RED], ['jpeg', 16, 12, RED], ['png', 8, 8, RED], ['png', 4, 4, RED], ['jpeg', 8, 8, RED]],
      blue: [['png', 8, 8, BLUE], ['jpeg', 8, 8, BLUE], ['png', 12, 6, BLUE], ['png', 8, 8, BLUE], ['jpeg', 8, 8, BLUE]],
    });
    fs.writeFileSync(path.join(sub('colours'), 'README.txt'), 'not a class');
    fs.writeFileSync(path.join(sub('colours'), 'red', '.DS_Store'), 'x');
    writeImageFolder(sub('same'), { a: [['png', 6, 5, RED], ['png', 6, 5, RED]], b: [['jpeg', 6, 5, BLUE], ['png', 6, 5, BLUE]] });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const nn = (args: string) => `dataset d = image_folder(${args})\n`;
  const problems = (args: string) => checkDatasets(dir, nn(args)).dataProblems;

  describe('headers', () => {
    it('reads the size of a PNG and a JPEG from the header, and says what a file that is neither is', () => {
      assert.deepEqual(readImageHeader(encodeImage('png', 7, 9, () => RED), 'a.png', true), { format: 'png', width: 9, height: 7, channels: 4 });
      const j = readImageHeader(encodeImage('jpeg', 7, 9, () => RED), 'a.jpg', true)!;
      assert.deepEqual([j.format, j.width, j.height, j.channels], ['jpeg', 9, 7, 3]);
      assert.throws(() => readImageHeader(Buffer.from('GIF89a........'), 'x.gif', true), /x\.gif: not a PNG or JPEG image/);
      // a JPEG's start without its frame header: more is needed, or it is cut short
      const jpg = encodeImage('jpeg', 7, 9, () => RED);
      assert.equal(readImageHeader(jpg.subarray(0, 10), 'a.jpg', false), undefined);
      assert.throws(() => readImageHeader(jpg.subarray(0, 10), 'a.jpg', true), /a\.jpg: the JPEG has no frame header/);
    });

    it('reads the forms a decoder gives beyond 8-bit RGB: CMYK, progressive and grey JPEG; palette with transparency, 16-bit RGB and grey PNG', () => {
      // test/fixtures/images (make-images.py): 8x8, left half (200, 40, 40), right half (30, 60, 220)
      const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', 'images', name);
      const grey = (c: number[]) => Math.round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
      const cases: [file: string, channels: number, left: number[], right: number[], tolerance: number][] = [
        ['cmyk.jpg', 4, [200, 40, 40, 255], [30, 60, 220, 255], 6],
        ['progressive.jpg', 3, [200, 40, 40, 255], [30, 60, 220, 255], 6],
        ['grey.jpg', 1, [88, 88, 88, 255], [69, 69, 69, 255], 3],
        // the right half transparent: kept as stored, then counted as black when resized
        ['palette-trns.png', 3, [200, 40, 40, 255], [30, 60, 220, 0], 0],
        // 16 bits scaled to 8: v * 255 / 65535, rounded
        ['rgb16.png', 3, [200, 40, 40, 255], [30, 60, 220, 255], 0],
        ['grey16.png', 1, [128, 128, 128, 255], [255, 255, 255, 255], 0],
      ];
      assert.equal(grey([200, 40, 40]), 88);
      for (const [file, channels, left, right, tol] of cases) {
        const bytes = fs.readFileSync(fixture(file));
        const h = readImageHeader(bytes, file, true)!;
        assert.deepEqual([h.width, h.height, h.channels], [8, 8, channels], file);
        const img = decodeImage(bytes, file);
        const px = (x: number, y: number) => Array.from(img.data.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4));
        for (const [got, want] of [[px(1, 1), left], [px(6, 6), right]]) {
          got.forEach((v, k) => assert.ok(Math.abs(v - want[k]) <= tol, `${file}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`));
        }
      }
      const out = new Float32Array(3);
      resizeArea(decodeImage(fs.readFileSync(fixture('palette-trns.png')), 'p.png'), 1, 1, 3, out);
      // half the pixels transparent (black): the mean of the left half's colour and black
      assert.deepEqual(Array.from(out, (v) => Math.round(v * 255)), [100, 20, 20]);
    });

    it('decodes JPEG and PNG to the same colours (JPEG within its loss)', () => {
      for (const f of ['png', 'jpeg'] as const) {
        const img = decodeImage(encodeImage(f, 8, 8, () => BLUE), `x.${f}`);
        const tol = f === 'png' ? 0 : 6;
        for (let k = 0; k < 3; k++) assert.ok(Math.abs(img.data[k] - BLUE[k]) <= tol, `${f} channel ${k}: ${img.data[k]}`);
      }
    });
  });

  describe('the probe (editor)', () => {
    it('gives classes, count and the shape [size, channels] with the test split', () => {
      const { refs, errors } = checkDatasets(dir, nn('"colours", size: [8, 8], test: 0.2, seed: 1'));
      assert.deepEqual(errors, []);
      const info = refs[0].info;
      assert.deepEqual(info.features, [8, 8, 3]);
      assert.deepEqual(info.target, { kind: 'classes', count: 2 });
      assert.equal(info.train, 8);
      assert.equal(info.test, 2);
      assert.equal(info.image, true);
      assert.deepEqual(checkDatasets(dir, nn('"same", channels: 1, test: 0')).refs[0].info.features, [6, 5, 1]);
    });

    it('reads only headers: an image damaged after its header passes the probe, and loading names it', async () => {
      const root = writeImageFolder(sub('damaged'), { a: [['png', 4, 4, RED], ['png', 4, 4, RED]], b: [['png', 4, 4, BLUE]] });
      const bad = path.join(root, 'b', '001.png');
      const good = encodeImage('png', 4, 4, () => BLUE);
      fs.writeFileSync(bad, Buffer.concat([good.subarray(0, 33), Buffer.alloc(20, 7)]));
      const ref = datasetRef(dir, nn('"damaged", test: 0'));
      assert.deepEqual(ref.info.features, [4, 4, 3]);
      await assert.rejects(loadData(ref, { dataCacheDir: null }), /damaged\/b\/001\.png: the PNG is cut short/);
    });

    it('sees an image added or a class emptied at the next check (the folders changed)', () => {
      const root = writeImageFolder(sub('growing'), { a: [['png', 4, 4, RED]], b: [['png', 4, 4, BLUE]] });
      const info = () => checkDatasets(dir, nn('"growing", test: 0'));
      assert.equal(info().refs[0].info.train, 2);
      fs.writeFileSync(path.join(root, 'b', 'new.png'), encodeImage('png', 4, 4, () => BLUE));
      assert.equal(info().refs[0].info.train, 3);
      fs.rmSync(path.join(root, 'a', '000.png'));
      assert.deepEqual(info().dataProblems, ["growing/a/: the class 'a' has no images; image_folder reads PNG and JPEG files (.png, .jpg, .jpeg, .jpe, .jfif)"]);
    });

    it('names an empty class folder, an unreadable image, mixed sizes without size, a missing folder, a folder without classes', () => {
      writeImageFolder(sub('empty'), { a: [['png', 4, 4, RED]] });
      fs.mkdirSync(path.join(sub('empty'), 'b'));
      fs.writeFileSync(path.join(sub('empty'), 'b', 'notes.txt'), 'x');
      assert.deepEqual(problems('"empty"'), ["empty/b/: the class 'b' has no images (it holds 1 other file: .txt); image_folder reads PNG and JPEG files (.png, .jpg, .jpeg, .jpe, .jfif)"]);

      writeImageFolder(sub('unreadable'), { a: [['png', 4, 4, RED]], b: [['png', 4, 4, BLUE]] });
      fs.writeFileSync(path.join(sub('unreadable'), 'b', 'z.jpg'), 'this is text');
      assert.deepEqual(problems('"unreadable", size: [4, 4]'), ["unreadable/b/z.jpg: not a PNG or JPEG image (its first bytes are neither format's signature)"]);

      assert.deepEqual(problems('"colours"'), ['colours/blue/002.png: the image is 6x12 (width x height), but colours/blue/000.png is 8x8: the images differ in size; give size: [height, width] to resize them all']);
      assert.deepEqual(problems('"colours", size: [8, 8]'), []);
      assert.match(problems('"nowhere"')[0], /^nowhere: folder not found$/);
      fs.mkdirSync(sub('flat'));
      fs.writeFileSync(path.join(sub('flat'), 'x.png'), encodeImage('png', 2, 2, () => RED));
      assert.match(problems('"flat"')[0], /^flat: no class folders: .*its 1 image must be put in subfolders/);
      assert.deepEqual(problems('"same", channels: 2'), ['same: channels: 2: give 1 (grey) or 3 (RGB)']);
      // a link that loops back: refused, not followed forever
      writeImageFolder(sub('looped'), { a: [['png', 2, 2, RED]], b: [['png', 2, 2, BLUE]] });
      fs.symlinkSync(path.join(sub('looped'), 'b'), path.join(sub('looped'), 'b', 'again'));
      assert.match(problems('"looped"')[0], /^looped\/b(\/again)+: folders nested more than 16 deep \(a link that loops\?\)/);
      writeImageFolder(sub('one'), { only: [['png', 2, 2, RED]] });
      assert.match(problems('"one"')[0], /^one: has one class folder \(only\/\); classification needs at least 2 classes/);
    });
  });

  describe('loading', () => {
    it('resizes to size, keeps the class of each image, names classes by folder in sorted order', async () => {
      const ref = datasetRef(dir, nn('"colours", size: [4, 4], test: 0'));
      const d = await loadData(ref, { dataCacheDir: null });
      assert.deepEqual(d.classNames, ['blue', 'red']);
      assert.deepEqual(d.featureShape, [4, 4, 3]);
      assert.equal(d.train.n, 10);
      assert.equal(d.image, true);
      for (let i = 0; i < d.train.n; i++) {
        const px = Array.from(d.train.x.subarray(i * 48, i * 48 + 3), (v) => Math.round(v * 255));
        const want = d.train.y[i] === 0 ? BLUE : RED;
        px.forEach((v, k) => assert.ok(Math.abs(v - want[k]) <= 6, `image ${i} channel ${k}: ${v} vs ${want[k]}`));
      }
      assert.deepEqual(Array.from(d.train.y), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    });

    it('leaves images of other formats (GIF, WebP, ...) out with a note naming them; other files without one', async () => {
      const root = writeImageFolder(sub('formats'), { a: [['png', 4, 4, RED]], b: [['jpeg', 4, 4, BLUE]] });
      fs.writeFileSync(path.join(root, 'a', 'photo.webp'), 'RIFF....WEBP');
      fs.mkdirSync(path.join(root, 'b', 'more'));
      fs.writeFileSync(path.join(root, 'b', 'more', 'anim.GIF'), 'GIF89a');
      fs.writeFileSync(path.join(root, 'b', 'notes.txt'), 'x');
      const notes: { message: string; id?: string }[] = [];
      const d = await loadData(datasetRef(dir, nn('"formats", test: 0')), { dataCacheDir: null, log: (message, msg) => notes.push({ message, id: msg?.id }) });
      assert.equal(d.train.n, 2);
      assert.deepEqual(notes, [{ message: 'formats: 2 images of formats nn cannot read (.webp, .gif) left out; nn reads PNG and JPEG: convert them to keep them', id: 'imagesSkipped' }]);
      const quiet: string[] = [];
      await loadData(datasetRef(dir, nn('"same", test: 0')), { dataCacheDir: null, log: (m) => quiet.push(m) });
      assert.deepEqual(quiet, []);
    });

    it("leaves out macOS's __MACOSX/ and ._ files, saying so, and hidden folders without a word; reads .jfif and .jpe as JPEG", async () => {
      // what unzipping a folder zipped on macOS gives, with a notebook's checkpoints and a git folder
      const root = writeImageFolder(sub('zipped'), { cat: [['png', 4, 4, RED], ['jpeg', 4, 4, RED]], dog: [['jpeg', 4, 4, BLUE], ['png', 4, 4, BLUE]] });
      fs.renameSync(path.join(root, 'cat', '001.jpg'), path.join(root, 'cat', '001.jfif'));
      fs.renameSync(path.join(root, 'dog', '000.jpg'), path.join(root, 'dog', '000.JPE'));
      const appleDouble = Buffer.from('\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ', 'latin1');
      for (const c of ['cat', 'dog']) {
        fs.mkdirSync(path.join(root, '__MACOSX', c), { recursive: true });
        fs.writeFileSync(path.join(root, '__MACOSX', c, '._000.png'), appleDouble);
        fs.writeFileSync(path.join(root, c, '._000.png'), appleDouble);
      }
      fs.mkdirSync(path.join(root, '.ipynb_checkpoints'));
      fs.writeFileSync(path.join(root, '.ipynb_checkpoints', 'x.png'), appleDouble);
      fs.mkdirSync(path.join(root, 'cat', '__MACOSX'));
      fs.writeFileSync(path.join(root, 'cat', '__MACOSX', '._001.jfif'), appleDouble);
      fs.writeFileSync(path.join(root, 'dog', '.DS_Store'), 'x');
      const notes: { message: string; id?: string }[] = [];
      const d = await loadData(datasetRef(dir, nn('"zipped", test: 0')), { dataCacheDir: null, log: (message, msg) => notes.push({ message, id: msg?.id }) });
      assert.deepEqual(d.classNames, ['cat', 'dog']);
      assert.equal(d.train.n, 4);
      assert.deepEqual(notes, [
        {
          message: "zipped: 2 folders left out (__MACOSX, cat/__MACOSX): __MACOSX is where macOS's zip puts its metadata, not images (hidden folders, whose names start with '.', are left out too)",
          id: 'foldersLeftOut',
        },
        {
          message: "zipped: 2 files whose names start with '._' left out (cat/._000.png, dog/._000.png): macOS writes such a file (AppleDouble metadata, not an image) beside each file it copies into a zip or onto a USB disk",
          id: 'hiddenImagesLeftOut',
        },
      ]);
      // the editor sees the same classes and count
      const probe = probeData('image_folder', { path: 'zipped' }, dir);
      assert.ok(probe?.ok && probe.info.train === 4 && probe.info.target?.kind === 'classes' && probe.info.target.count === 2, JSON.stringify(probe));
    });

    it('averages by area when shrinking, and makes grey with channels: 1', async () => {
      // left half black, right half white: 2 wide becomes 1 wide at 0.5
      writeImageFolder(sub('halves'), { a: [['png', 2, 4, (_y, x) => (x < 2 ? [0, 0, 0] : [255, 255, 255])]], b: [['png', 2, 4, () => [255, 0, 0]]] });
      const d = await loadData(datasetRef(dir, nn('"halves", size: [1, 2], channels: 1, test: 0')), { dataCacheDir: null });
      assert.deepEqual(d.featureShape, [1, 2, 1]);
      assert.deepEqual(Array.from(d.train.x.subarray(0, 2)), [0, 1]);
      assert.ok(Math.abs(d.train.x[2] - Math.round(0.299 * 255) / 255) < 1e-6);
    });

    it('splits by the seed, then limit cuts the training split; normalize applies', async () => {
      const a = await loadData(datasetRef(dir, nn('"colours", size: [4, 4], test: 0.3, seed: 5, limit: 4, normalize: [0.5, 0.5]')), { dataCacheDir: null });
      assert.equal(a.test?.n, 3);
      assert.equal(a.train.n, 4);
      assert.deepEqual(a.pixelNormalize, { mean: 0.5, std: 0.5 });
      assert.ok(Math.min(...a.train.x) < 0);
      const b = await loadData(datasetRef(dir, nn('"colours", size: [4, 4], test: 0.3, seed: 5, limit: 4, normalize: [0.5, 0.5]')), { dataCacheDir: null });
      assert.deepEqual(Array.from(b.test!.y), Array.from(a.test!.y));
      assert.deepEqual(b.train.x, a.train.x);
    });
  });

  describe('the decoded cache', () => {
    it('is used by the second load, and decoded again when an image is replaced, touched, added or removed', () => {
      const root = writeImageFolder(sub('cached'), { a: [['png', 4, 4, RED], ['png', 4, 4, RED]], b: [['png', 4, 4, BLUE]] });
      const cache = sub('cache');
      const load = () => readImageFolder(root, 'cached', undefined, 3, cache);
      const first = load();
      assert.equal(first.cached, false);
      assert.equal(fs.readdirSync(cache).length, 1);
      const second = load();
      assert.equal(second.cached, true);
      assert.deepEqual(second.pixels, first.pixels);
      assert.deepEqual(second.labels, first.labels);
      assert.deepEqual(second.classNames, ['a', 'b']);

      // replaced by another image of the same size in bytes: the time differs
      const file = path.join(root, 'b', '000.png');
      fs.writeFileSync(file, encodeImage('png', 4, 4, () => [0, 255, 0]));
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const changed = load();
      assert.equal(changed.cached, false);
      assert.equal(changed.pixels[2 * 48 + 1], 255);
      assert.equal(load().cached, true);
      // touched only
      fs.utimesSync(file, new Date(), new Date(Date.now() + 10000));
      assert.equal(load().cached, false);
      // added, then removed
      fs.writeFileSync(path.join(root, 'b', '001.png'), encodeImage('png', 4, 4, () => BLUE));
      const added = load();
      assert.equal(added.cached, false);
      assert.equal(added.n, 4);
      fs.rmSync(path.join(root, 'b', '001.png'));
      assert.equal(load().n, 3);
      // a damaged cache file is not used: the folder is decoded again
      const [name] = fs.readdirSync(cache);
      fs.writeFileSync(path.join(cache, name), 'garbage');
      const again = load();
      assert.equal(again.cached, false);
      assert.deepEqual(again.pixels, changed.pixels);
    });

    it('lives in the runs folder beside the .nn file by default, and a cache that cannot be written is only noted', async () => {
      const ref = datasetRef(dir, nn('"same", test: 0'));
      const notes: string[] = [];
      const cached = () => (fs.existsSync(path.join(dir, 'runs', '.data-cache')) ? fs.readdirSync(path.join(dir, 'runs', '.data-cache')).length : 0);
      const before = cached();
      await loadData(ref, { log: (m) => notes.push(m) });
      assert.equal(cached(), before + 1);
      const ids: (string | undefined)[] = [];
      await loadData(ref, { log: (m, msg) => (notes.push(m), ids.push(msg?.id)) });
      assert.match(notes[1], /^same: 4 images from the cache /);
      // with the message id, so the command line says it in the user's language
      assert.deepEqual(ids, ['imagesFromCache']);
      const blocked = sub('blocked');
      fs.writeFileSync(blocked, 'a file where the cache folder would be');
      const d = await loadData(ref, { dataCacheDir: path.join(blocked, 'x'), log: (m) => notes.push(m) });
      assert.equal(d.train.n, 4);
      assert.match(notes[2], /could not be cached in .*; the next run decodes them again/);
      // a write that failed: the system's words (it said "cannot read: ENOTDIR: ...")
      assert.match(notes[2], /\(ENOTDIR: not a directory, mkdir '[^']*'\)/);
      assert.doesNotMatch(notes[2], /cannot read/);
    });
  });

  it('a .nn file among the class folders, image_folder("."): its runs folder is not a class, the second run trains as the first', async () => {
    const root = writeImageFolder(sub('inroot'), { a: [['png', 4, 4, RED], ['png', 4, 4, RED]], b: [['png', 4, 4, BLUE], ['png', 4, 4, BLUE]] });
    const file = path.join(root, 'm.nn');
    fs.writeFileSync(file, 'dataset d = image_folder(".", test: 0.25, seed: 1)\nmodel M { input [4, 4, 3]  flatten()  dense(2) }\ntrain t { model: M  data: d  loss: cross_entropy  epochs: 1  batch_size: 2 }\n');
    for (let i = 0; i < 2; i++) {
      const r = await runNn(['train', file, '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
    }
    assert.ok(fs.existsSync(path.join(root, 'runs', '.data-cache')));
    const { refs, errors } = checkDatasets(root, 'dataset d = image_folder(".", test: 0)\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(refs[0].info.target, { kind: 'classes', count: 2 });
    assert.deepEqual(listImageFolder(root, '.', 1000).classNames, ['a', 'b']);
    // a runs folder of other data (no data cache yet) beside the .nn file is left out by the editor too
    const other = writeImageFolder(sub('inroot2'), { a: [['png', 4, 4, RED]], b: [['png', 4, 4, BLUE]] });
    fs.mkdirSync(path.join(other, 'runs', 'fit', '1'), { recursive: true });
    fs.writeFileSync(path.join(other, 'runs', 'fit', '1', 'config.json'), '{}');
    assert.deepEqual(checkDatasets(other, 'dataset d = image_folder(".", test: 0)\n').dataProblems, []);
  });

  it('a run trained with --runs elsewhere: evaluate, predict --index and --resume use that runs folder\'s cache, and write nothing beside the .nn file', async () => {
    const src = sub('src');
    fs.mkdirSync(src);
    writeImageFolder(path.join(src, 'imgs'), { a: [['png', 4, 4, RED], ['png', 4, 4, RED]], b: [['png', 4, 4, BLUE], ['png', 4, 4, BLUE]] });
    const file = path.join(src, 'm.nn');
    fs.writeFileSync(file, 'dataset d = image_folder("imgs", test: 0.25, seed: 1)\nmodel M { input [4, 4, 3]  flatten()  dense(2) }\ntrain t { model: M  data: d  loss: cross_entropy  epochs: 1  batch_size: 2 }\n');
    const runs = sub('elsewhere');
    const r = await runNn(['train', file, '--runs', runs, '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const run = (JSON.parse(r.out[0]) as { runDir: string }).runDir;
    for (const argv of [['evaluate', run], ['predict', run, '--index', '0'], ['train', '--resume', run, '--epochs', '2']]) {
      const c = await runNn(argv);
      assert.equal(c.code, 0, c.err.join('\n'));
      assert.match(c.err.join('\n') + c.out.join('\n'), /imgs: 4 images from the cache .*elsewhere\/\.data-cache\//, argv.join(' '));
    }
    assert.deepEqual(fs.readdirSync(src).sort(), ['imgs', 'm.nn']);
    // a sweep's trial (runs/<train>/<time>/trial-01) uses the same runs folder's cache
    const sweep = path.join(runs, 't', 'sweep-time');
    fs.mkdirSync(sweep, { recursive: true });
    fs.writeFileSync(path.join(sweep, 'sweep.json'), '{}');
    assert.equal(runsCacheOf(path.join(sweep, 'trial-01')), path.join(runs, '.data-cache'));
    assert.equal(runsCacheOf(run), path.join(runs, '.data-cache'));
  });

  it('trains a small model for an epoch, and predict names the class of a JPEG', async () => {
    const file = path.join(dir, 'train.nn');
    fs.writeFileSync(
      file,
      'dataset d = image_folder("colours", size: [8, 8], test: 0.2, seed: 1)\nmodel M { input [8, 8, 3]  flatten()  dense(2) }\ntrain t { model: M  data: d  loss: cross_entropy  optimizer: adam(lr: 0.05)  epochs: 1  batch_size: 4 }\n',
    );
    const r = await runNn(['train', file, '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const runs = path.join(dir, 'runs', 't');
    const run = path.join(runs, fs.readdirSync(runs)[0]);
    const cfg = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')) as { data: { classNames?: string[] } };
    assert.deepEqual(cfg.data.classNames, ['blue', 'red']);
    const jpg = path.join(dir, 'probe.jpg');
    fs.writeFileSync(jpg, encodeImage('jpeg', 20, 20, () => RED));
    const p = await runNn(['predict', run, jpg]);
    assert.equal(p.code, 0, p.err.join('\n'));
    assert.match(p.out.join('\n'), /red|blue/);
    // what loading says (the images read from the cache) in the command line's language
    const zh = await runNn(['evaluate', run, '--lang', 'zh-cn']);
    assert.equal(zh.code, 0, zh.err.join('\n'));
    assert.match(zh.err.join('\n'), /^colours：从缓存 .*image_folder-[0-9a-f]+\.bin 读取了 10 张图像$/m);
    assert.doesNotMatch(zh.err.join('\n'), /images from the cache/);
  });
});
