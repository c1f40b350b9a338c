// Generated datasets: every `source: 'synthetic'` dataset of core/catalog/datasets.ts, made
// from its arguments and seed. The shapes and class counts are those that `describe()` there
// promises (test/unit/data-synthetic.test.ts holds them to it).
//
// The 2-D sets are TensorFlow Playground's, scaled by 1/5: Playground draws them in [-6, 6]
// with a radius of 5, here the radius is 1, so the points lie roughly in [-1, 1] (noise spreads
// them a little further), inputs need no normalization, and `noise` is a standard deviation in
// the same units as the coordinates. N(0, 1) below is a standard normal draw, U(a, b) uniform.
// Samples are generated class by class and then put in random order (all from one seed), so
// any prefix of the rows (the training split, a `limit`) has every class in about equal parts.

import type { Args } from '../core/catalog/types';
import { Rng, rngFor, STREAM } from './random';
import { takeRows } from './batches';
import { unknownArgument } from './errors';

export interface Generated {
  /** n × product(featureShape), row-major */
  x: Float32Array;
  /** class indices (classification) or n × targetDims values (regression) */
  y: Int32Array | Float32Array;
  n: number;
  featureShape: number[];
  task: 'classification' | 'regression';
  classes?: number;
  classNames?: string[];
  targetDims?: number;
}

type Generator = (a: ArgReader, rng: Rng) => Generated;

/** Reads the bound arguments of a dataset call; an unknown one (the checker reported an error) stops generation. */
export class ArgReader {
  constructor(
    readonly dataset: string,
    readonly args: Args,
  ) {}

  num(name: string): number {
    const v = this.args[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw unknownArgument(this.dataset, name);
    return v;
  }

  /** An argument that may be left out (no default): undefined then. */
  opt(name: string): number | undefined {
    return this.args[name] === undefined ? undefined : this.num(name);
  }

  /** A list of numbers that may be left out. */
  nums(name: string): number[] | undefined {
    const v = this.args[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw unknownArgument(this.dataset, name);
    return v as number[];
  }
}

function classification(x: Float32Array, y: Int32Array, featureShape: number[], classes: number, classNames?: string[]): Generated {
  return { x, y, n: y.length, featureShape, task: 'classification', classes, ...(classNames ? { classNames } : {}) };
}

function regression(x: Float32Array, y: Float32Array, featureShape: number[]): Generated {
  return { x, y, n: y.length, featureShape, task: 'regression', targetDims: 1 };
}

/** Points in the plane for `classes` classes; sample i belongs to class i mod classes (balanced). */
function plane(a: ArgReader, rng: Rng, classes: number, point: (cls: number, j: number, m: number, out: Float32Array, at: number) => void): Generated {
  const n = a.num('n');
  const noise = a.num('noise');
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % classes;
    // j-th of m samples of this class
    const m = Math.floor(n / classes) + (cls < n % classes ? 1 : 0);
    const j = Math.floor(i / classes);
    point(cls, j, m, x, 2 * i);
    x[2 * i] += noise * rng.normal();
    x[2 * i + 1] += noise * rng.normal();
    y[i] = cls;
  }
  return classification(x, y, [2], classes);
}

const GENERATORS: Record<string, Generator> = {
  /**
   * circle: class 0 is a disc, class 1 a ring around it.
   *   class 0: r ~ U(0, 0.5), class 1: r ~ U(0.7, 1); θ ~ U(0, 2π)
   *   (x, y) = (r sin θ, r cos θ) + noise · (N(0, 1), N(0, 1))
   */
  circle: (a, rng) =>
    plane(a, rng, 2, (cls, _j, _m, out, at) => {
      const r = cls === 0 ? rng.uniform(0, 0.5) : rng.uniform(0.7, 1);
      const t = rng.uniform(0, 2 * Math.PI);
      out[at] = r * Math.sin(t);
      out[at + 1] = r * Math.cos(t);
    }),

  /**
   * xor: the class is the quadrant: 0 where x·y > 0, 1 where x·y < 0.
   *   u, v ~ U(-1, 1) drawn until the quadrant matches the class;
   *   each coordinate is pushed 0.06 away from the axis (Playground's padding, scaled):
   *   (x, y) = (u + 0.06 sign u, v + 0.06 sign v) + noise · (N(0, 1), N(0, 1))
   */
  xor: (a, rng) =>
    plane(a, rng, 2, (cls, _j, _m, out, at) => {
      const u = rng.uniform(-1, 1);
      let v = rng.uniform(-1, 1);
      // same signs for class 0, opposite signs for class 1
      if ((u * v >= 0) !== (cls === 0)) v = -v;
      out[at] = u + (u >= 0 ? 0.06 : -0.06);
      out[at + 1] = v + (v >= 0 ? 0.06 : -0.06);
    }),

  /**
   * gauss: two round Gaussian blobs, class 0 at (0.4, 0.4), class 1 at (-0.4, -0.4).
   *   (x, y) = center + 0.15 · (N(0, 1), N(0, 1)) + noise · (N(0, 1), N(0, 1))
   *   so each coordinate has standard deviation sqrt(0.15² + noise²) around its center.
   */
  gauss: (a, rng) =>
    plane(a, rng, 2, (cls, _j, _m, out, at) => {
      const c = cls === 0 ? 0.4 : -0.4;
      out[at] = c + 0.15 * rng.normal();
      out[at + 1] = c + 0.15 * rng.normal();
    }),

  /**
   * spiral: `classes` interleaved arms. For the j-th of m points of class c, t = j / m:
   *   r = t, θ = 1.75 · 2π · t + 2π c / classes
   *   (x, y) = (r sin θ, r cos θ) + noise · (N(0, 1), N(0, 1))
   */
  spiral: (a, rng) => {
    const classes = a.num('classes');
    return plane(a, rng, classes, (cls, j, m, out, at) => {
      const t = j / m;
      const th = 1.75 * 2 * Math.PI * t + (2 * Math.PI * cls) / classes;
      out[at] = t * Math.sin(th);
      out[at + 1] = t * Math.cos(th);
    });
  },

  /**
   * linear: one hyperplane for the whole dataset, given or drawn from the seed:
   *   w = the argument, else w_k = ±U(1, 3) for k < features (a slope well above the noise);
   *   b = the argument, else U(-1, 1)
   *   each sample: x_k ~ U(-1, 1), y = w·x + b + noise · N(0, 1)
   */
  linear: (a, rng) => {
    const n = a.num('n');
    const given = a.nums('w');
    const f = a.opt('features') ?? given?.length ?? 1;
    const noise = a.num('noise');
    const w = given ? Float64Array.from(given) : Float64Array.from({ length: f }, () => (rng.chance(0.5) ? 1 : -1) * rng.uniform(1, 3));
    const drawn = rng.uniform(-1, 1);
    const b = a.opt('b') ?? drawn;
    const x = new Float32Array(n * f);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = b;
      for (let k = 0; k < f; k++) {
        const v = rng.uniform(-1, 1);
        x[i * f + k] = v;
        s += w[k] * v;
      }
      y[i] = s + noise * rng.normal();
    }
    return regression(x, y, [f]);
  },

  /**
   * polynomial: one polynomial of degree d for the whole dataset, given or drawn from the seed:
   *   the coefficients given (lowest power first), else a_k ~ U(-1, 1) for k < d (d = 3 unless
   *   given), and a_d = ±U(0.5, 1) so the degree really is d
   *   each sample: x ~ U(-1, 1), y = Σ_k a_k x^k + noise · N(0, 1)
   */
  polynomial: (a, rng) => {
    const n = a.num('n');
    const given = a.nums('coefficients');
    const d = given ? given.length - 1 : (a.opt('degree') ?? 3);
    const noise = a.num('noise');
    let coef: Float64Array;
    if (given) coef = Float64Array.from(given);
    else {
      coef = Float64Array.from({ length: d + 1 }, () => rng.uniform(-1, 1));
      coef[d] = (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.5, 1);
    }
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = rng.uniform(-1, 1);
      let s = 0;
      for (let k = d; k >= 0; k--) s = s * v + coef[k]; // Horner
      x[i] = v;
      y[i] = s + noise * rng.normal();
    }
    return regression(x, y, [1]);
  },

  /**
   * sine: each sample is its own wave, ω ~ U(0.1, 0.5) radians per step (periods of 13 to 63
   * steps), φ ~ U(0, 2π); the noisy series is s_t = sin(ω t + φ) + noise · N(0, 1), the input is
   * s_0 .. s_{length-1} (shape [length, 1]) and the target the next value s_length.
   */
  sine: (a, rng) => {
    const n = a.num('n');
    const len = a.num('length');
    const noise = a.num('noise');
    const x = new Float32Array(n * len);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const w = rng.uniform(0.1, 0.5);
      const p = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t < len; t++) x[i * len + t] = Math.sin(w * t + p) + noise * rng.normal();
      y[i] = Math.sin(w * len + p) + noise * rng.normal();
    }
    return regression(x, y, [len, 1]);
  },

  /**
   * waveforms: class 0 sine, 1 square, 2 triangle; each sample with its own frequency and phase:
   *   cycles in the window c ~ U(1, 4), φ ~ U(0, 1); p_t = frac(c · t / length + φ)
   *   sine: sin(2π p), square: +1 if p < ½ else -1, triangle: 4 |p - ½| - 1
   *   s_t = wave(p_t) + noise · N(0, 1), shape [length, 1]
   */
  waveforms: (a, rng) => {
    const n = a.num('n');
    const len = a.num('length');
    const noise = a.num('noise');
    const x = new Float32Array(n * len);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const cls = i % 3;
      const c = rng.uniform(1, 4);
      const phase = rng.next();
      for (let t = 0; t < len; t++) {
        const u = (c * t) / len + phase;
        const p = u - Math.floor(u);
        const v = cls === 0 ? Math.sin(2 * Math.PI * p) : cls === 1 ? (p < 0.5 ? 1 : -1) : 4 * Math.abs(p - 0.5) - 1;
        x[i * len + t] = v + noise * rng.normal();
      }
      y[i] = cls;
    }
    return classification(x, y, [len, 1], 3, ['sine', 'square', 'triangle']);
  },

  /**
   * majority: `length` token ids, each uniform in 0 .. vocab-1; the label is the token that
   * occurs most often, ties going to the smallest id. Features are the ids (whole numbers).
   */
  majority: (a, rng) => {
    const n = a.num('n');
    const len = a.num('length');
    const vocab = a.num('vocab');
    const x = new Float32Array(n * len);
    const y = new Int32Array(n);
    const count = new Int32Array(vocab);
    for (let i = 0; i < n; i++) {
      count.fill(0);
      for (let t = 0; t < len; t++) {
        const tok = rng.int(vocab);
        x[i * len + t] = tok;
        count[tok]++;
      }
      let best = 0;
      for (let v = 1; v < vocab; v++) if (count[v] > count[best]) best = v;
      y[i] = best;
    }
    return classification(x, y, [len], vocab);
  },
};

export const SYNTHETIC_NAMES: readonly string[] = Object.keys(GENERATORS);

/** Generates the dataset `name` (a synthetic dataset of the catalogue) from its bound arguments, rows in random order. */
export function generate(name: string, args: Args): Generated {
  const gen = GENERATORS[name];
  if (!gen) throw new Error(`'${name}' is not a generated dataset`);
  const a = new ArgReader(name, args);
  const rng = rngFor(a.num('seed'), STREAM.generate);
  const g = gen(a, rng);
  const { x, y } = takeRows(g, rng.permutation(g.n));
  return { ...g, x, y };
}
