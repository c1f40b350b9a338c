// A small seeded random number generator for everything the data layer draws: generated
// datasets, splits, shuffles and augmentations. The same seed gives the same numbers on every
// platform and Node version (Math.random cannot be seeded).
//
// mulberry32: a 32-bit state advanced by the constant 0x6d2b79f5, then mixed by two
// multiply-xorshift rounds; period 2^32, good enough for data (not for cryptography).
// Normal values use the Box-Muller transform: with u1, u2 uniform in (0, 1],
// z0 = sqrt(-2 ln u1) cos(2π u2) and z1 = sqrt(-2 ln u1) sin(2π u2) are independent N(0, 1);
// the second one is kept for the next call.

export class Rng {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    // mix the seed so that nearby seeds (0, 1, 2, ...) start far apart
    this.state = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ (Math.floor(seed / 2 ** 32) | 0)) >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** a whole number in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** true with probability p */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** standard normal N(0, 1) by Box-Muller */
  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log(0) never happens
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** the numbers 0 .. n-1 in random order (Fisher-Yates) */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** shuffles in place (Fisher-Yates) */
  shuffle(a: Int32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** Streams for different purposes from one user seed, so that (say) the test split does not change the generated samples. */
export const STREAM = {
  generate: 0,
  split: 1,
  shuffle: 2,
  validation: 3,
  kfold: 4,
  augment: 5,
  /** dropout masks: a part of the trainer's per-step `subSeed`, not an `rngFor` stream (runtime/layers/dropout.ts) */
  dropout: 6,
} as const;

/** The generator for one purpose (`stream`) of a user seed; `sub` numbers further streams (an epoch, an image). */
export function rngFor(seed: number, stream: number, sub = 0): Rng {
  return new Rng((seed * 8 + stream) * 65599 + sub);
}

/** Mixes a seed with small numbers (a fold, an epoch, a batch, a purpose) into another 32-bit seed. */
export function subSeed(seed: number, ...parts: number[]): number {
  let h = seed >>> 0;
  for (const p of parts) h = (Math.imul(h ^ (p + 0x9e3779b9), 0x85ebca6b) ^ (h >>> 13)) >>> 0;
  return h;
}
