// Augmentations of training batches: what each one does to an image, and that a seed repeats it.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Augmenter, augmentationsOf, flip, shift, rotate, rotateImage, noise, crop, brightness, contrast, type ImageDims } from '../../server/src/data/augment';
import { Rng } from '../../server/src/data/random';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';

/** b images whose values are all different and not 0: image i, pixel j, channel k -> 1 + i * 10000 + j * 10 + k */
function batch(b: number, h: number, w: number, c: number): Float32Array {
  return new Float32Array(b * h * w * c).map((_, n) => 1 + Math.floor(n / (h * w * c)) * 10000 + Math.floor((n % (h * w * c)) / c) * 10 + (n % c));
}
const pixel = (a: Float32Array, dims: ImageDims, i: number, y: number, x: number, k: number) => a[((i * dims[1] + y) * dims[2] + x) * dims[3] + k];

describe('augmentations', () => {
  const dims: ImageDims = [40, 6, 5, 2];

  it('flip: each image is itself or its mirror, about half mirrored; flipping twice with the same seed restores it', () => {
    const src = batch(...dims);
    const once = new Float32Array(src.length);
    flip(src, dims, true, false, new Rng(1), once);
    let mirrored = 0;
    for (let i = 0; i < dims[0]; i++) {
      const same = pixel(once, dims, i, 2, 0, 1) === pixel(src, dims, i, 2, 0, 1);
      if (!same) mirrored++;
      for (let y = 0; y < 6; y++) for (let x = 0; x < 5; x++) for (let k = 0; k < 2; k++) {
        assert.equal(pixel(once, dims, i, y, x, k), pixel(src, dims, i, y, same ? x : 4 - x, k));
      }
    }
    assert.ok(mirrored > 10 && mirrored < 30, `${mirrored} of 40 mirrored`);
    const twice = once.slice();
    flip(twice, dims, true, true, new Rng(1));
    assert.notDeepEqual(twice, once);
    flip(twice, dims, true, true, new Rng(1));
    assert.deepEqual(twice, once);
    flip(once, dims, true, false, new Rng(1));
    assert.deepEqual(once, src);
    const vertical = src.slice();
    flip(vertical, dims, false, true, new Rng(2));
    for (let i = 0; i < dims[0]; i++) {
      const same = pixel(vertical, dims, i, 0, 3, 0) === pixel(src, dims, i, 0, 3, 0);
      assert.equal(pixel(vertical, dims, i, 1, 3, 0), pixel(src, dims, i, same ? 1 : 4, 3, 0));
    }
    const none = src.slice();
    flip(none, dims, false, false, new Rng(3));
    assert.deepEqual(none, src);
  });

  it('shift: whole-pixel moves within the fraction, values kept, zeros moved in', () => {
    const src = batch(...dims);
    const out = new Float32Array(src.length);
    shift(src, dims, 0.4, new Rng(4), out);
    const seen = new Set<string>();
    for (let i = 0; i < dims[0]; i++) {
      // where did the pixel values go: one offset per image
      const offsets = new Set<string>();
      for (let y = 0; y < 6; y++) for (let x = 0; x < 5; x++) for (let k = 0; k < 2; k++) {
        const v = pixel(out, dims, i, y, x, k);
        if (v === 0) continue;
        const j = Math.floor(((v - 1) % 10000) / 10);
        assert.equal(Math.floor((v - 1) / 10000), i, 'stays in its image');
        assert.equal((v - 1) % 10, k, 'stays in its channel');
        const [sy, sx] = [Math.floor(j / 5), j % 5];
        offsets.add(`${y - sy},${x - sx}`);
      }
      assert.ok(offsets.size <= 1, `image ${i} moved by ${[...offsets]}`);
      const [dy, dx] = [...(offsets.size ? offsets : new Set(['0,0']))][0].split(',').map(Number);
      assert.ok(Math.abs(dy) <= Math.round(0.4 * 6) && Math.abs(dx) <= Math.round(0.4 * 5));
      const zeros = Array.from(out.subarray(i * 60, (i + 1) * 60)).filter((v) => v === 0).length;
      assert.equal(zeros, 60 - (6 - Math.abs(dy)) * (5 - Math.abs(dx)) * 2, 'zero fill exactly where nothing moved in');
      seen.add(`${dy},${dx}`);
    }
    assert.ok(seen.size > 8, 'shifts vary');
    const still = src.slice();
    shift(still, dims, 0, new Rng(5));
    assert.deepEqual(still, src);
  });

  it('shift, crop and rotate move in black as the images store it: (0 - mean) / std with normalize: [mean, std], as torchvision pads before Normalize', () => {
    const scale = { mean: 0.5, std: 0.25 };
    const black = Math.fround((0 - scale.mean) / scale.std);
    assert.equal(black, -2);
    // an image of white pixels (1 before normalizing): what is not white was moved in
    const white = (1 - scale.mean) / scale.std;
    for (const a of [{ kind: 'shift', fraction: 0.3 }, { kind: 'crop', padding: 2 }, { kind: 'rotate', degrees: 45 }] as const) {
      const out = new Float32Array(20 * 6 * 6 * 3).fill(white);
      new Augmenter([a], [6, 6, 3], true, 9, scale).apply(out, 20);
      const moved = Array.from(out).filter((v) => v !== white);
      assert.ok(moved.length > 100, `${a.kind}: ${moved.length} values moved in`);
      // whole pixels are black; rotate's blends lie between black and white
      if (a.kind === 'rotate') assert.ok(moved.some((v) => v === black) && moved.every((v) => v >= black - 1e-6 && v <= white + 1e-6), a.kind);
      else assert.ok(moved.every((v) => v === black), `${a.kind}: ${[...new Set(moved)].slice(0, 3)}`);
      // without normalize, black is 0
      const plain = new Float32Array(20 * 6 * 6 * 3).fill(1);
      new Augmenter([a], [6, 6, 3], true, 9).apply(plain, 20);
      assert.ok(Array.from(plain).some((v) => v === 0) && Array.from(plain).every((v) => v >= 0 && v <= 1), a.kind);
    }
  });

  it('rotate: 0 degrees is the identity, 90 degrees turns the pixel grid', () => {
    const src = batch(...dims);
    const zero = src.slice();
    rotate(zero, dims, 0, new Rng(6));
    assert.deepEqual(zero, src);
    const sq: ImageDims = [1, 5, 5, 1];
    const img = batch(...sq);
    const turned = new Float32Array(25);
    rotateImage(img, turned, 5, 5, 1, Math.PI / 2);
    // output (x, y) samples input (cx + dy, cy - dx)
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) assert.ok(Math.abs(turned[y * 5 + x] - img[(4 - x) * 5 + y]) < 1e-3, `${x},${y}`);
  });

  it('rotate: the center stays, values are blends of the input and zeros', () => {
    const sq: ImageDims = [30, 7, 7, 1];
    const src = batch(...sq);
    const out = new Float32Array(src.length);
    rotate(src, sq, 30, new Rng(7), out);
    let changed = 0;
    for (let i = 0; i < 30; i++) {
      assert.equal(pixel(out, sq, i, 3, 3, 0), pixel(src, sq, i, 3, 3, 0));
      const img = Array.from(src.subarray(i * 49, (i + 1) * 49));
      const lo = Math.min(...img);
      const hi = Math.max(...img);
      for (const v of out.subarray(i * 49, (i + 1) * 49)) assert.ok(v === 0 || (v >= Math.min(0, lo) - 1e-3 && v <= hi + 1e-3));
      if (pixel(out, sq, i, 0, 3, 0) !== pixel(src, sq, i, 0, 3, 0)) changed++;
    }
    assert.ok(changed > 20);
  });

  it('noise: added with mean 0 and the given standard deviation, repeatable', () => {
    const src = new Float32Array(50000).fill(3);
    const out = new Float32Array(src.length);
    noise(src, src.length, 0.2, new Rng(8), out);
    assert.ok(src.every((v) => v === 3), 'the source is untouched when an output buffer is given');
    const d = Array.from(out, (v) => v - 3);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    assert.ok(Math.abs(mean) < 0.005 && Math.abs(std - 0.2) < 0.005, `${mean} ${std}`);
    const again = new Float32Array(src.length);
    noise(src, src.length, 0.2, new Rng(8), again);
    assert.deepEqual(again, out);
  });

  it('gives the same result in place and into an output buffer', () => {
    for (const f of [
      (s: Float32Array, o?: Float32Array) => flip(s, dims, true, true, new Rng(9), o),
      (s: Float32Array, o?: Float32Array) => shift(s, dims, 0.3, new Rng(9), o),
      (s: Float32Array, o?: Float32Array) => rotate(s, dims, 20, new Rng(9), o),
    ]) {
      const src = batch(...dims);
      const out = new Float32Array(src.length);
      f(src, out);
      f(src);
      assert.deepEqual(src, out);
    }
  });
});

describe('colour augmentations (CIFAR recipes)', () => {
  /** b images of h x w x 3 with values in [0.1, 0.9] */
  const colours = (b: number, h: number, w: number) => new Float32Array(b * h * w * 3).map((_, n) => 0.1 + ((n * 37) % 81) / 100);

  it('crop(padding): whole-pixel moves of at most padding each way, zeros moved in, every move drawn', () => {
    const dims: ImageDims = [1000, 8, 8, 3];
    const src = batch(1000, 8, 8, 3);
    const out = new Float32Array(src.length);
    crop(src, dims, 2, new Rng(4), out);
    const moves = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      // find the move from where the input's pixel (4, 4) went
      const want = pixel(src, dims, i, 4, 4, 0);
      let found = '';
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (pixel(out, dims, i, y, x, 0) === want) found = `${y - 4},${x - 4}`;
      assert.notEqual(found, '', `image ${i}: the center pixel is lost`);
      const [dy, dx] = found.split(',').map(Number);
      assert.ok(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, found);
      moves.add(found);
      // the rows moved in from outside are zeros
      if (dy > 0) for (let x = 0; x < 8; x++) assert.equal(pixel(out, dims, i, 0, x, 1), 0);
    }
    assert.equal(moves.size, 25);
    const again = new Float32Array(src.length);
    crop(src, dims, 2, new Rng(4), again);
    assert.deepEqual(again, out);
    // padding 0 is the identity
    crop(src, dims, 0, new Rng(1), again);
    assert.deepEqual(again, src);
  });

  it('brightness(delta): each image scaled by one factor in [1 - delta, 1 + delta], clipped to [0, 1]', () => {
    const dims: ImageDims = [100, 4, 4, 3];
    const src = colours(100, 4, 4);
    const out = new Float32Array(src.length);
    brightness(src, dims, 0.5, new Rng(2), undefined, out);
    const factors: number[] = [];
    for (let i = 0; i < 100; i++) {
      // the factor from the image's smallest value, which is never clipped
      const img = Array.from(src.subarray(i * 48, i * 48 + 48));
      const j0 = img.indexOf(Math.min(...img));
      const f = out[i * 48 + j0] / src[i * 48 + j0];
      factors.push(f);
      for (let j = 0; j < 48; j++) {
        const want = Math.min(1, src[i * 48 + j] * f);
        assert.ok(Math.abs(out[i * 48 + j] - want) < 1e-5, `image ${i} value ${j}`);
      }
    }
    assert.ok(Math.min(...factors) >= 0.5 && Math.max(...factors) <= 1.5);
    assert.ok(Math.min(...factors) < 0.6 && Math.max(...factors) > 1.4, 'the whole range is drawn');
    assert.ok(out.every((v) => v >= 0 && v <= 1));
  });

  it('contrast(delta): each image blended with its mean grey; the mean grey stays (unclipped), the spread scales', () => {
    const dims: ImageDims = [50, 4, 4, 3];
    const src = new Float32Array(50 * 48).map((_, n) => 0.3 + 0.4 * (((n * 7) % 10) / 10));
    const out = new Float32Array(src.length);
    contrast(src, dims, 0.5, new Rng(3), undefined, out);
    const grey = (a: Float32Array, i: number) => {
      let g = 0;
      for (let p = 0; p < 16; p++) g += 0.299 * a[i * 48 + 3 * p] + 0.587 * a[i * 48 + 3 * p + 1] + 0.114 * a[i * 48 + 3 * p + 2];
      return g / 16;
    };
    for (let i = 0; i < 50; i++) {
      const g = grey(src, i);
      const f = (out[i * 48] - g) / (src[i * 48] - g);
      assert.ok(f >= 0.5 - 1e-4 && f <= 1.5 + 1e-4, `factor ${f}`);
      assert.ok(Math.abs(grey(out, i) - g) < 1e-5, `image ${i}: its mean grey moved`);
      for (let j = 0; j < 48; j++) assert.ok(Math.abs(out[i * 48 + j] - (f * src[i * 48 + j] + (1 - f) * g)) < 1e-4);
    }
  });

  it('brightness and contrast work on pixels in [0, 1] when the images are normalized', () => {
    const dims: ImageDims = [20, 3, 3, 3];
    const raw = colours(20, 3, 3);
    const scale = { mean: 0.5, std: 0.25 };
    const normalized = raw.map((v) => (v - scale.mean) / scale.std);
    for (const f of [brightness, contrast]) {
      const a = new Float32Array(raw.length);
      const b = new Float32Array(raw.length);
      f(raw, dims, 0.8, new Rng(9), undefined, a);
      f(normalized, dims, 0.8, new Rng(9), scale, b);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(b[i] * scale.std + scale.mean - a[i]) < 1e-5, `${f.name} value ${i}`);
    }
  });
});

describe('the augmenter of a train block', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-aug-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function augmentOf(list: string) {
    const file = path.join(dir, 'main.nn');
    fs.writeFileSync(file, `model M { input [2] dense(2) }\ntrain t { model: M  data: circle()  loss: cross_entropy  augment: [${list}] }\n`);
    const [r] = analyzeFiles(new Program(new NodeHost()), [file]);
    return augmentationsOf(r.trains[0].augment);
  }

  it('reads the augment list with its defaults', () => {
    assert.deepEqual(augmentOf('crop(4), brightness(0.3), contrast()'), [
      { kind: 'crop', padding: 4 },
      { kind: 'brightness', delta: 0.3 },
      { kind: 'contrast', delta: 0.2 },
    ]);
    assert.deepEqual(augmentOf('flip(), shift(0.2), rotate(), noise(std: 0.3), flip(vertical: true)'), [
      { kind: 'flip', horizontal: true, vertical: false },
      { kind: 'shift', fraction: 0.2 },
      { kind: 'rotate', degrees: 10 },
      { kind: 'noise', std: 0.3 },
      { kind: 'flip', horizontal: true, vertical: true },
    ]);
  });

  it('augments batch after batch from its seed, each batch differently', () => {
    const shape = [6, 5, 2];
    const run = () => {
      const a = new Augmenter([{ kind: 'flip', horizontal: true, vertical: true }, { kind: 'shift', fraction: 0.2 }, { kind: 'rotate', degrees: 15 }, { kind: 'noise', std: 0.1 }], shape, true, 3);
      return [0, 1].map(() => {
        const b = batch(8, 6, 5, 2);
        a.apply(b, 8);
        return b;
      });
    };
    const [b1, b2] = run();
    assert.deepEqual(run(), [b1, b2]);
    assert.notDeepEqual(b1, b2);
    // rows past `rows` are left alone
    const a = new Augmenter([{ kind: 'noise', std: 1 }], shape, true, 0);
    const b = batch(8, 6, 5, 2);
    const before = b.slice();
    a.apply(b, 3);
    assert.deepEqual(b.subarray(180), before.subarray(180));
    assert.notDeepEqual(b.subarray(0, 180), before.subarray(0, 180));
  });

  it('adds noise to features that are not images, and refuses image augmentations there', () => {
    const a = new Augmenter([{ kind: 'noise', std: 0.5 }], [2], false, 1);
    const x = new Float32Array(10);
    const out = new Float32Array(10);
    a.apply(x, 5, out);
    assert.ok(out.every((v) => v !== 0));
    assert.throws(() => new Augmenter([{ kind: 'flip', horizontal: true, vertical: false }], [2], false, 1), /flip works on images \[height, width, channels\]; these samples are \[2\]/);
  });
});
