// nn predict as a learner meets it (issue 23): a PNG drawn the other way round (dark on light)
// is warned of and --invert reads it; other image formats and broken PNGs get a plain message;
// long inputs are not echoed whole; numbers separated by spaces are said to need commas; a test
// sample shows its input and its true value.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { main } from '../../server/src/cli/main';
import { encodeIdx } from '../../server/src/data/idx';

async function nn(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out, err };
}

/** An 8x8 image of class k: black, with a white 3x3 square at the class's place, away from the border. */
function digit(k: number): Uint8Array {
  const img = new Uint8Array(64);
  const [ay, ax] = [[2, 2], [2, 5], [5, 2]][k];
  for (let y = ay - 1; y <= ay + 1; y++) for (let x = ax - 1; x <= ax + 1; x++) img[y * 8 + x] = 255;
  return img;
}

function png(pixels: Uint8Array, invert = false): Buffer {
  const p = new PNG({ width: 8, height: 8 });
  pixels.forEach((v, i) => p.data.set(invert ? [255 - v, 255 - v, 255 - v, 255] : [v, v, v, 255], i * 4));
  return PNG.sync.write(p);
}

const NN = `
model Img {
  input [8, 8, 1]
  flatten()
  dense(3)
}

model Line {
  input [2]
  dense(1)
}

train img {
  model: Img
  data: idx("img.idx", "lab.idx", test_images: "timg.idx", test_labels: "tlab.idx")
  loss: cross_entropy
  optimizer: adam(lr: 0.05)
  epochs: 20
  batch_size: 8
  seed: 1
}

train line {
  model: Line
  data: csv("line.csv", label: "y", task: regression, test: 0.2)
  loss: mse
  optimizer: adam(lr: 0.05)
  epochs: 2
  seed: 1
}
`;

describe('nn predict: what a learner gives it', function () {
  this.timeout(120_000);
  let dir: string;
  let imgRun: string;
  let lineRun: string;
  const file = (name: string, content: string | Uint8Array) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-predict-'));
    const labels = Array.from({ length: 36 }, (_, i) => i % 3);
    const images = (ls: number[]) => encodeIdx([ls.length, 8, 8], Uint8Array.from(ls.flatMap((k) => Array.from(digit(k)))));
    file('img.idx', images(labels));
    file('lab.idx', encodeIdx([36], Uint8Array.from(labels)));
    file('timg.idx', images([0, 1, 2]));
    file('tlab.idx', encodeIdx([3], Uint8Array.from([0, 1, 2])));
    file('line.csv', 'a,b,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${2 * (i % 7) - (i % 5) + 1}`).join('\n') + '\n');
    const nnFile = file('p.nn', NN);
    const runs = path.join(dir, 'runs');
    const trained = async (name: string) => {
      const r = await nn(['train', nnFile, '--train', name, '--runs', runs, '--backend', 'cpu', '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
      return (JSON.parse(r.out[0]) as { runDir: string }).runDir;
    };
    imgRun = await trained('img');
    lineRun = await trained('line');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("records the training images' background, dark here", () => {
    const config = JSON.parse(fs.readFileSync(path.join(imgRun, 'config.json'), 'utf8'));
    assert.equal(config.imageBackground, 0);
  });

  it('a PNG with a light background, for a model trained on dark ones, is warned of with --invert; --invert reads it as the dark one', async () => {
    const dark = await nn(['predict', imgRun, file('dark.png', png(digit(2))), '--backend', 'cpu']);
    assert.equal(dark.code, 0, dark.err.join('\n'));
    assert.deepEqual(dark.err, []);
    assert.match(dark.out[0], /dark\.png: class 2 /);
    const light = await nn(['predict', imgRun, file('light.png', png(digit(2), true)), '--backend', 'cpu']);
    assert.equal(light.code, 0);
    assert.equal(light.err.length, 1, light.err.join('\n'));
    assert.match(light.err[0], /^nn predict: warning: .*light\.png has a light background \(1\.00\), but the training images have a dark one \(0\.00\): the prediction is likely wrong; try --invert/);
    const json = await nn(['predict', imgRun, path.join(dir, 'light.png'), '--json', '--backend', 'cpu']);
    assert.match(JSON.parse(json.out[0]).predictions[0].warning, /try --invert/);
    const inverted = await nn(['predict', imgRun, path.join(dir, 'light.png'), '--invert', '--backend', 'cpu']);
    assert.deepEqual(inverted.err, []);
    assert.equal(inverted.out[0].replace('light.png', 'dark.png'), dark.out[0]);
    // --invert on the dark one is warned of the other way
    const twice = await nn(['predict', imgRun, path.join(dir, 'dark.png'), '--invert', '--backend', 'cpu']);
    assert.match(twice.err.join('\n'), /dark\.png \(inverted\) has a light background .*try it without --invert/);
    assert.equal((await nn(['predict', lineRun, '1,2', '--invert', '--backend', 'cpu'])).code, 2);
  });

  it('formats without a decoder are refused plainly; broken PNGs and JPEGs say what is wrong in nn\'s words', async () => {
    const said = async (name: string, content: string | Uint8Array) => {
      const r = await nn(['predict', imgRun, file(name, content), '--backend', 'cpu']);
      assert.equal(r.code, 1, `${name}: ${r.err.join('\n')}`);
      assert.equal(r.err.length, 1);
      return r.err[0];
    };
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
    assert.match(await said('photo.jpg', jpeg), /photo\.jpg: the JPEG has no frame header \(SOF marker\) before its image data: the file is damaged or cut short$/);
    assert.match(await said('photo.gif', 'GIF89a'), /photo\.gif: nn predict reads PNG and JPEG images only \(it has no decoder for GIF\); convert the image to PNG first$/);
    // JPEG's other names are images, as image_folder reads them (data/image-names.ts IMAGE_EXTENSIONS)
    assert.match(await said('photo.jpe', jpeg), /photo\.jpe: the JPEG has no frame header/);
    assert.match(await said('photo.JFIF', jpeg), /photo\.JFIF: the JPEG has no frame header/);
    // read by content, not by name: a JPEG named .png is read as a JPEG
    assert.match(await said('renamed.png', jpeg), /renamed\.png: the JPEG has no frame header/);
    assert.match(await said('text.png', 'hello\n'), /text\.png: not a PNG or JPEG image \(its first bytes are neither format's signature\)$/);
    const good = png(digit(0));
    assert.match(await said('cut.png', good.subarray(0, 40)), /cut\.png: the PNG is cut short: (its \w+ chunk runs past the end of the file|it ends before its last chunk \(IEND\))$/);
    // the pixel data replaced by bytes that are not zlib data: the decoder's own message (with its typo) is not shown
    const idat = good.indexOf('IDAT') - 4;
    const len = good.readUInt32BE(idat);
    const broken = Buffer.from(good);
    broken.fill(0x55, idat + 8, idat + 8 + len);
    const msg = await said('broken.png', broken);
    assert.match(msg, /broken\.png: the PNG is damaged: its pixel data cannot be decoded$/);
    assert.doesNotMatch(msg, /unrecogni|zlib|invalid|stream/i);
  });

  it("a folder: each image under it in path order, leaving out what image_folder leaves out (macOS's __MACOSX/ and ._ files), with its notes", async () => {
    const photos = path.join(dir, 'photos');
    fs.mkdirSync(path.join(photos, '__MACOSX'), { recursive: true });
    fs.mkdirSync(path.join(photos, 'more'));
    const appleDouble = Buffer.from('\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ', 'latin1');
    fs.writeFileSync(path.join(photos, 'b.png'), png(digit(1)));
    fs.writeFileSync(path.join(photos, 'a.png'), png(digit(0)));
    fs.writeFileSync(path.join(photos, 'more', 'c.png'), png(digit(2)));
    fs.writeFileSync(path.join(photos, 'notes.txt'), 'not an image');
    for (const f of ['._a.png', path.join('__MACOSX', '._a.png'), path.join('__MACOSX', '._b.png')]) fs.writeFileSync(path.join(photos, f), appleDouble);
    const r = await nn(['predict', imgRun, photos, '--backend', 'cpu']);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.deepEqual(r.out.map((l) => l.slice(0, l.indexOf(': '))), ['a.png', 'b.png', 'more/c.png'].map((f) => `${photos}/${f}`));
    assert.deepEqual(r.err, [
      `${photos}: 1 folder left out (__MACOSX): __MACOSX is where macOS's zip puts its metadata, not images (hidden folders, whose names start with '.', are left out too)`,
      `${photos}: 1 file whose name starts with '._' left out (._a.png): macOS writes such a file (AppleDouble metadata, not an image) beside each file it copies into a zip or onto a USB disk`,
    ]);
    // as a shell's photos/* gives them: the __MACOSX folder among the images is left out with a note
    const globbed = await nn(['predict', imgRun, ...['__MACOSX', 'a.png', 'b.png'].map((f) => path.join(photos, f)), '--json', '--backend', 'cpu']);
    assert.equal(globbed.code, 0, globbed.err.join('\n'));
    assert.equal((JSON.parse(globbed.out[0]) as { predictions: unknown[] }).predictions.length, 2);
    assert.match(globbed.err.join('\n'), /1 folder left out \(__MACOSX\)/);
    // given alone, it leaves nothing to predict
    assert.equal((await nn(['predict', imgRun, path.join(photos, '__MACOSX'), '--backend', 'cpu'])).code, 2);
    // a hidden folder the user names is read as asked, silently: only __MACOSX is left out by name
    const hidden = path.join(dir, '.samples');
    fs.mkdirSync(hidden);
    fs.writeFileSync(path.join(hidden, 'a.png'), png(digit(0)));
    const named = await nn(['predict', imgRun, hidden, '--backend', 'cpu']);
    assert.equal(named.code, 0, named.err.join('\n'));
    assert.deepEqual([named.out.length, named.err], [1, []]);
    // images of formats nn has no decoder for are named, as image_folder names them
    const formats = path.join(dir, 'formats');
    fs.mkdirSync(formats);
    fs.writeFileSync(path.join(formats, 'a.png'), png(digit(0)));
    fs.writeFileSync(path.join(formats, 'b.webp'), 'RIFF');
    const mixed = await nn(['predict', imgRun, formats, '--backend', 'cpu']);
    assert.equal(mixed.code, 0, mixed.err.join('\n'));
    assert.deepEqual([mixed.out.length, mixed.err], [1, [`${formats}: 1 image of formats nn cannot read (.webp) left out; nn reads PNG and JPEG: convert it to keep it`]]);
    fs.rmSync(path.join(formats, 'a.png'));
    const onlyWebp = await nn(['predict', imgRun, formats, '--backend', 'cpu']);
    assert.equal(onlyWebp.code, 1);
    assert.match(onlyWebp.err.at(-1)!, /formats: a folder with no images in it or below it \(.*; 1 image of formats nn cannot read \(\.webp\): convert it to PNG or JPEG\)$/);
    // a folder of macOS's metadata files alone holds no image
    const meta = path.join(dir, 'meta-only');
    fs.mkdirSync(meta);
    for (const f of ['._a.png', '._b.jpg']) fs.writeFileSync(path.join(meta, f), appleDouble);
    const none = await nn(['predict', imgRun, meta, '--backend', 'cpu']);
    assert.equal(none.code, 1, none.err.join('\n'));
    assert.match(none.err.at(-1)!, /meta-only: a folder with no images in it or below it \(nn predict reads the \.png, \.jpg, \.jpeg, \.jpe, \.jfif files of a folder; the 2 files whose names start with '\._' are macOS's metadata, not images\)$/);
  });

  it('numbers: a long input is shortened, not echoed whole; numbers separated by spaces are said to need commas', async () => {
    const values = Array.from({ length: 64 }, (_, i) => (i === 10 ? 1 : 0)).join(',');
    const r = await nn(['predict', imgRun, values, '--backend', 'cpu']);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.match(r.out[0], /^0,0,0,0,0,0,\.\.\. \(64 numbers\): class \d/);
    assert.ok(r.out[0].length < 120, r.out[0]);
    const spaced = await nn(['predict', lineRun, '1.4', '0.2', '--backend', 'cpu']);
    assert.equal(spaced.code, 1);
    assert.equal(spaced.err[0], 'nn predict: 2 inputs of one number each, but the model takes 2 numbers a sample ([2]), separated by commas: nn predict RUN 1.4,0.2');
    const quoted = await nn(['predict', lineRun, '1.4 0.2', '--backend', 'cpu']);
    assert.equal(quoted.err[0], "nn predict: '1.4 0.2': separate the numbers with commas, not spaces: 1.4,0.2");
    const one = await nn(['predict', lineRun, '1.4', '--backend', 'cpu']);
    assert.equal(one.err[0], "nn predict: '1.4' has 1 number; the model takes 2 ([2])");
  });

  it('--index on a regression run shows the input and the true value; on images, the image and the label', async () => {
    const r = await nn(['predict', lineRun, '--index', '0', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const m = /^test sample 0 \[(-?[\d.]+), (-?[\d.]+)\] \(true value (-?[\d.]+)\): -?[\d.]+$/.exec(r.out[0]);
    assert.ok(m, r.out[0]);
    // the row as the CSV has it: y = 2a - b + 1
    assert.equal(Number(m[3]), 2 * Number(m[1]) - Number(m[2]) + 1);
    const img = await nn(['predict', imgRun, '--index', '1', '--backend', 'cpu']);
    assert.match(img.out[0], /^test sample 1 \(a 8x8 image\) \(label 1\): class \d/);
  });
});
