// Augmentations of training batches (the `augment: [...]` of a train block; parameters in
// core/catalog/training.ts AUGMENTATIONS), applied to a batch of rows in a Float32Array, in place
// or into an output buffer, with a seeded generator. Images are [batch, height, width, channels],
// row-major, as the loader stores them.
//
// - flip(horizontal, vertical): each image is mirrored left-right with probability ½ (when
//   horizontal), and independently top-bottom with probability ½ (when vertical).
// - shift(fraction): each image moves by whole pixels dy, dx, each uniform in
//   -round(fraction · size) .. +round(fraction · size); pixels moved in from outside are black.
// - rotate(degrees): each image turns by θ uniform in [-degrees, degrees] about its center
//   ((width - 1) / 2, (height - 1) / 2); each output pixel samples the input at the point that
//   the rotation by -θ takes it to, bilinearly, black outside the image.
// - noise(std): every value gets std · N(0, 1) added; also for features that are not images.
// - crop(padding): as torchvision's RandomCrop(size, padding) on an image padded with black by
//   `padding` pixels on each side: the image moves by whole pixels dy, dx, each uniform in
//   -padding .. +padding, black moved in (the CIFAR recipes' crop(4) on 32x32 images).
// - brightness(delta): as torchvision's ColorJitter(brightness): each image's pixels times a
//   factor uniform in [max(0, 1 - delta), 1 + delta], clipped to [0, 1].
// - contrast(delta): as ColorJitter(contrast): each image blended with its mean grey level
//   (0.299 R + 0.587 G + 0.114 B) by a factor f uniform in [max(0, 1 - delta), 1 + delta]:
//   f · x + (1 - f) · mean, clipped to [0, 1].
// Brightness and contrast work on the pixels in [0, 1]: images normalized with
// normalize: [mean, std] are taken back to [0, 1], changed, and normalized again.
// Black is pixel 0 as the images are stored: 0, or (0 - mean) / std with normalize: [mean, std],
// as torchvision pads before its Normalize (RandomCrop(padding) then ToTensor, Normalize). Filling
// with 0 after normalizing would move in grey (pixel 0.5 with normalize: [0.5, 0.5]), a frame
// that no real image has.

import type { BoundFn } from '../core/catalog/types';
import { Rng, rngFor, STREAM } from './random';
import { unknownArgument } from './errors';

export type Augmentation =
  | { kind: 'flip'; horizontal: boolean; vertical: boolean }
  | { kind: 'shift'; fraction: number }
  | { kind: 'rotate'; degrees: number }
  | { kind: 'noise'; std: number }
  | { kind: 'crop'; padding: number }
  | { kind: 'brightness'; delta: number }
  | { kind: 'contrast'; delta: number };

/** The augmentations of a train block (its bound `augment` calls), in order. */
export function augmentationsOf(bound: readonly BoundFn[]): Augmentation[] {
  return bound.map((b): Augmentation => {
    const a = b.args;
    const num = (k: string): number => {
      if (typeof a[k] !== 'number') throw unknownArgument(b.spec.name, k);
      return a[k] as number;
    };
    switch (b.spec.name) {
      case 'flip':
        return { kind: 'flip', horizontal: a.horizontal === true, vertical: a.vertical === true };
      case 'shift':
        return { kind: 'shift', fraction: num('fraction') };
      case 'rotate':
        return { kind: 'rotate', degrees: num('degrees') };
      case 'noise':
        return { kind: 'noise', std: num('std') };
      case 'crop':
        return { kind: 'crop', padding: num('padding') };
      case 'brightness':
        return { kind: 'brightness', delta: num('delta') };
      case 'contrast':
        return { kind: 'contrast', delta: num('delta') };
      default:
        throw new Error(`'${b.spec.name}' is not an augmentation`);
    }
  });
}

/** [batch, height, width, channels] */
export type ImageDims = readonly [number, number, number, number];

/** Runs `f` on each image with a scratch image to write into, then copies the scratch to `out`. */
function eachImage(src: Float32Array, out: Float32Array, dims: ImageDims, f: (img: Float32Array, dst: Float32Array) => void): void {
  const [b, h, w, c] = dims;
  const size = h * w * c;
  if (src.length < b * size || out.length < b * size) throw new RangeError(`a batch of ${b} images of ${h}x${w}x${c} needs ${b * size} values`);
  const scratch = new Float32Array(size);
  for (let i = 0; i < b; i++) {
    f(src.subarray(i * size, (i + 1) * size), scratch);
    out.set(scratch, i * size);
  }
}

export function flip(src: Float32Array, dims: ImageDims, horizontal: boolean, vertical: boolean, rng: Rng, out: Float32Array = src): void {
  const [, h, w, c] = dims;
  eachImage(src, out, dims, (img, dst) => {
    const fx = horizontal && rng.chance(0.5);
    const fy = vertical && rng.chance(0.5);
    for (let y = 0; y < h; y++) {
      const sy = fy ? h - 1 - y : y;
      for (let x = 0; x < w; x++) {
        const s = (sy * w + (fx ? w - 1 - x : x)) * c;
        const d = (y * w + x) * c;
        for (let k = 0; k < c; k++) dst[d + k] = img[s + k];
      }
    }
  });
}

/** `black`: the value of a black pixel (blackOf). */
export function shift(src: Float32Array, dims: ImageDims, fraction: number, rng: Rng, out: Float32Array = src, black = 0): void {
  shiftBy(src, dims, Math.round(fraction * dims[1]), Math.round(fraction * dims[2]), rng, out, black);
}

/** A random crop of the image padded by `padding` black pixels: a whole-pixel move of up to `padding` each way. */
export function crop(src: Float32Array, dims: ImageDims, padding: number, rng: Rng, out: Float32Array = src, black = 0): void {
  shiftBy(src, dims, padding, padding, rng, out, black);
}

/** Moves each image by dy in -my..my and dx in -mx..mx (uniform whole pixels), `black` moved in. */
function shiftBy(src: Float32Array, dims: ImageDims, my: number, mx: number, rng: Rng, out: Float32Array, black: number): void {
  const [, h, w, c] = dims;
  eachImage(src, out, dims, (img, dst) => {
    const dy = rng.int(2 * my + 1) - my;
    const dx = rng.int(2 * mx + 1) - mx;
    dst.fill(black);
    const len = (w - Math.abs(dx)) * c;
    if (len <= 0) return;
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = ((y - dy) * w + Math.max(0, -dx)) * c;
      dst.set(img.subarray(from, from + len), (y * w + Math.max(0, dx)) * c);
    }
  });
}

/** How pixel values relate to [0, 1]: v = raw / 255 then (v - mean) / std when normalized. */
export interface PixelScale {
  mean: number;
  std: number;
}

/** The value of a black pixel (0 before normalizing) in images stored with `scale`. */
export function blackOf(scale: PixelScale | undefined): number {
  return scale ? (0 - scale.mean) / scale.std : 0;
}

/** A factor uniform in [max(0, 1 - delta), 1 + delta], as ColorJitter draws it. */
function jitter(rng: Rng, delta: number): number {
  return rng.uniform(Math.max(0, 1 - delta), 1 + delta);
}

const clip01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Each image's pixels in [0, 1] times a factor in [1 - delta, 1 + delta], clipped to [0, 1]. */
export function brightness(src: Float32Array, dims: ImageDims, delta: number, rng: Rng, scale: PixelScale = { mean: 0, std: 1 }, out: Float32Array = src): void {
  const { mean, std } = scale;
  eachImage(src, out, dims, (img, dst) => {
    const f = jitter(rng, delta);
    for (let i = 0; i < img.length; i++) dst[i] = (clip01((img[i] * std + mean) * f) - mean) / std;
  });
}

/** Each image blended with its mean grey level by a factor in [1 - delta, 1 + delta], clipped to [0, 1]. */
export function contrast(src: Float32Array, dims: ImageDims, delta: number, rng: Rng, scale: PixelScale = { mean: 0, std: 1 }, out: Float32Array = src): void {
  const [, h, w, c] = dims;
  const { mean, std } = scale;
  eachImage(src, out, dims, (img, dst) => {
    const f = jitter(rng, delta);
    let grey = 0;
    for (let p = 0; p < h * w; p++) {
      const at = p * c;
      grey += c === 3 ? 0.299 * (img[at] * std + mean) + 0.587 * (img[at + 1] * std + mean) + 0.114 * (img[at + 2] * std + mean) : img[at] * std + mean;
    }
    grey /= h * w;
    for (let i = 0; i < img.length; i++) dst[i] = (clip01(f * (img[i] * std + mean) + (1 - f) * grey) - mean) / std;
  });
}

/** One image [h, w, c] turned by `radians` about its center into `dst` (bilinear, `black` outside). */
export function rotateImage(img: Float32Array, dst: Float32Array, h: number, w: number, c: number, radians: number, black = 0): void {
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const at = (x: number, y: number, k: number) => (x >= 0 && x < w && y >= 0 && y < h ? img[(y * w + x) * c + k] : black);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // the point of the input that rotating by θ brings here: rotate back by -θ
      const dx = x - cx;
      const dy = y - cy;
      const sx = cos * dx + sin * dy + cx;
      const sy = -sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const ax = sx - x0;
      const ay = sy - y0;
      for (let k = 0; k < c; k++) {
        dst[(y * w + x) * c + k] =
          (1 - ay) * ((1 - ax) * at(x0, y0, k) + ax * at(x0 + 1, y0, k)) + ay * ((1 - ax) * at(x0, y0 + 1, k) + ax * at(x0 + 1, y0 + 1, k));
      }
    }
  }
}

export function rotate(src: Float32Array, dims: ImageDims, degrees: number, rng: Rng, out: Float32Array = src, black = 0): void {
  const [, h, w, c] = dims;
  eachImage(src, out, dims, (img, dst) => rotateImage(img, dst, h, w, c, (rng.uniform(-degrees, degrees) * Math.PI) / 180, black));
}

/** Adds std · N(0, 1) to the first `count` values. */
export function noise(src: Float32Array, count: number, std: number, rng: Rng, out: Float32Array = src): void {
  for (let i = 0; i < count; i++) out[i] = src[i] + std * rng.normal();
}

/** The augmentations of a training run, applied batch after batch from one seeded generator. */
export class Augmenter {
  private readonly rng: Rng;
  private readonly rowSize: number;

  constructor(
    readonly augmentations: readonly Augmentation[],
    /** the shape of one sample: [height, width, channels] for images */
    readonly featureShape: readonly number[],
    image: boolean,
    seed: number,
    /** the images' normalize: [mean, std], which brightness and contrast undo and redo, and black's value */
    private readonly pixelScale?: PixelScale,
  ) {
    this.rng = rngFor(seed, STREAM.augment);
    this.rowSize = featureShape.reduce((a, b) => a * b, 1);
    const imageOnly = augmentations.find((a) => a.kind !== 'noise');
    if (imageOnly && !(image && featureShape.length === 3)) {
      throw new Error(`${imageOnly.kind} works on images [height, width, channels]; these samples are [${featureShape.join(', ')}]`);
    }
  }

  /** Augments the first `rows` samples of `batch`, in place or into `out`. */
  apply(batch: Float32Array, rows: number, out: Float32Array = batch): void {
    let src = batch;
    const dims = [rows, ...this.featureShape] as unknown as ImageDims;
    const black = blackOf(this.pixelScale);
    for (const a of this.augmentations) {
      switch (a.kind) {
        case 'flip':
          flip(src, dims, a.horizontal, a.vertical, this.rng, out);
          break;
        case 'shift':
          shift(src, dims, a.fraction, this.rng, out, black);
          break;
        case 'rotate':
          rotate(src, dims, a.degrees, this.rng, out, black);
          break;
        case 'noise':
          noise(src, rows * this.rowSize, a.std, this.rng, out);
          break;
        case 'crop':
          crop(src, dims, a.padding, this.rng, out, black);
          break;
        case 'brightness':
          brightness(src, dims, a.delta, this.rng, this.pixelScale, out);
          break;
        case 'contrast':
          contrast(src, dims, a.delta, this.rng, this.pixelScale, out);
          break;
      }
      // the next augmentation works on the result
      src = out;
    }
    if (this.augmentations.length === 0 && out !== batch) out.set(batch.subarray(0, rows * this.rowSize));
  }
}
