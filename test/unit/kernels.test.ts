// This project's kernels against the cpu backend, on seeded random shapes: forward values and the
// gradients that flow through them (which exercise the gradient kernels: Conv2DBackpropFilter,
// Conv2DBackpropInput, MaxPoolGrad, UnsortedSegmentSum and the transposed products).
//
// Tolerance: max |wasm - cpu| <= 1e-5 · max |cpu| + 1e-6 for products and convolutions. Each
// output is a sum of up to a few hundred products (here: k ≤ 40, filters ≤ 4x4x6); summed in
// another order, float32 results differ by a few units of 6e-8 times the size of the terms, so
// relative to the output's largest entry well under 1e-5 (measured ≤ 6e-7). Kernels that move or
// add values without reordering sums (pooling and resize gradients, segment sums of a few terms)
// must agree to 1e-6. A wrong index or padding shows up as an error of the size of the values.

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { registerWasmKernels, unregisterWasmKernels } from '../../server/src/runtime/kernels';
import { setFilterGradientWay } from '../../server/src/runtime/kernels/conv2d-backprop-filter';
import { wholeCopies } from '../../server/src/runtime/kernels/tile';
import { columnSums } from '../../server/src/runtime/kernels/sum';
import { mulberry32 } from '../gen/random-models';
import { useOurKernels } from '../backend-hooks';

const RTOL = 1e-5;
const ATOL = 1e-6;

type Arrays = Float32Array[];

/** Runs `f` on a backend and returns its tensors' values. */
async function on(backend: string, f: () => tf.Tensor[]): Promise<Arrays> {
  await tf.setBackend(backend);
  return tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
}

function maxAbs(xs: Float32Array): number {
  let m = 0;
  for (const v of xs) m = Math.max(m, Math.abs(v));
  return m;
}

/** Asserts that wasm's values equal cpu's within rtol · max |cpu| + ATOL, tensor by tensor. */
async function agree(what: string, f: () => tf.Tensor[], rtol = RTOL): Promise<void> {
  const cpu = await on('cpu', f);
  const wasm = await on('wasm', f);
  assert.equal(wasm.length, cpu.length);
  cpu.forEach((c, i) => {
    const w = wasm[i];
    assert.equal(w.length, c.length, `${what}: output ${i} has ${w.length} values on wasm, ${c.length} on cpu`);
    let diff = 0;
    for (let j = 0; j < c.length; j++) diff = Math.max(diff, Math.abs(c[j] - w[j]));
    const allowed = rtol * maxAbs(c) + ATOL;
    assert.ok(w.every(Number.isFinite) && diff <= allowed, `${what}: output ${i}: max |wasm - cpu| = ${diff}, allowed ${allowed}`);
  });
}

/** Seeded random values; `ints` gives small integers (ties, zeros and negatives for pooling). */
function values(r: () => number, shape: number[], ints = false): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (ints ? Math.floor(r() * 5) - 3 : r() * 2 - 1)), shape);
}

/** The value of `f` and its gradients with respect to `xs`, weighted by a fixed random dy. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], r: () => number): tf.Tensor[] {
  const y = f(...xs);
  const dy = values(r, y.shape);
  const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), dy)))(xs);
  return [y, ...grads];
}

describe('wasm kernels agree with cpu on random shapes', function () {
  // the gradient fixes are for the dilated convolutions' gradients (gradients.test.ts)
  useOurKernels();
  before(async () => {
    assert.ok(await tf.setBackend('wasm'));
  });

  it('registering twice is harmless, unregistering restores working stock kernels', () => {
    const mine = tf.getKernel(tf.BatchMatMul, 'wasm');
    registerWasmKernels();
    assert.equal(tf.getKernel(tf.BatchMatMul, 'wasm'), mine);
    unregisterWasmKernels();
    try {
      assert.notEqual(tf.getKernel(tf.BatchMatMul, 'wasm'), mine);
      assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm'), undefined);
      // stock kernels replaced before the backend started were set up all the same
      const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor4d([1, 5, 2, 3], [1, 2, 2, 1])).dataSync());
      assert.deepEqual(Array.from(g), [0, 1, 0, 0]);
    } finally {
      registerWasmKernels();
    }
    assert.notEqual(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm'), undefined);
  });

  it('BatchMatMul: transposes, batches, broadcast batch dimensions', async () => {
    const r = mulberry32(11);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 40; c++) {
      const [m, k, n] = [int(1, 40), int(1, 40), int(1, 40)];
      const ta = r() < 0.5;
      const tb = r() < 0.5;
      // batch dimensions: none, equal, or one side broadcast (size 1 or missing)
      const batch = [[], [int(2, 3)], [int(2, 3), int(1, 2)]][int(0, 2)];
      const form = int(0, 3);
      const batchA = form === 1 ? batch.map(() => 1) : batch;
      const batchB = form === 2 ? [] : form === 3 ? batch.map(() => 1) : batch;
      const a = [...batchA, ...(ta ? [k, m] : [m, k])];
      const b = [...batchB, ...(tb ? [n, k] : [k, n])];
      await agree(`matMul ${a} x ${b} ta=${ta} tb=${tb}`, () => {
        const rr = mulberry32(c);
        const [x, y] = [values(rr, a), values(rr, b)];
        // tfjs cannot differentiate a broadcast batch (its gradient keeps the broadcast shape)
        return form === 0 ? valueAndGrads((p, q) => tf.matMul(p, q, ta, tb), [x, y], rr) : [tf.matMul(x, y, ta, tb)];
      });
    }
  });

  it("BatchMatMul by nn's product (columns in fours, one right matrix) gives XNNPACK's values bit for bit: rows and columns in blocks and tails, A read transposed", async () => {
    await tf.setBackend('wasm');
    const r = mulberry32(31);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const cases = Array.from({ length: 30 }, (_, c) => ({ m: c < 3 ? c + 1 : int(1, 70), k: c === 3 ? 1 : int(1, 300), n: 4 * int(1, 24), ta: r() < 0.5, tb: r() < 0.3, batch: c % 7 === 6 ? 3 : 1 }));
    const operands = (c: (typeof cases)[number], i: number) => {
      const rr = mulberry32(1100 + i);
      // values of many magnitudes: sums in another order would round differently
      const big = (shape: number[]) => tf.mul(values(rr, shape), tf.pow(10, tf.floor(tf.mul(values(rr, shape), 3))));
      return { a: big([c.batch, c.m, c.k]), b: big([c.k, c.n]) };
    };
    const mine = cases.map((c, i) =>
      tf.tidy(() => {
        const { a, b } = operands(c, i);
        // the same operands, laid out as each transpose flag asks
        const at = c.ta ? tf.transpose(a, [0, 2, 1]) : a;
        const bt = c.tb ? tf.transpose(b) : b;
        return Array.from(tf.matMul(c.batch === 1 ? tf.reshape(at, at.shape.slice(1)) : at, bt, c.ta, c.tb).dataSync());
      }),
    );
    unregisterWasmKernels();
    let stock: number[][];
    try {
      // stock wasm runs XNNPACK for plain operands with a batch of one: each matrix on its own
      stock = cases.map((c, i) =>
        tf.tidy(() => {
          const { a, b } = operands(c, i);
          return tf.unstack(a).flatMap((ai) => Array.from(tf.matMul(ai, b).dataSync()));
        }),
      );
    } finally {
      registerWasmKernels();
    }
    cases.forEach((c, i) => {
      const at = mine[i].findIndex((v, j) => !Object.is(v, stock[i][j]));
      assert.equal(at, -1, `${c.batch}x${c.m}x${c.k} · ${c.k}x${c.n} ta=${c.ta} tb=${c.tb}: value ${at} is ${mine[i][at]}, XNNPACK's ${stock[i][at]}`);
    });
  });

  it('BatchMatMul keeps a transposed right operand while it lives: reused, other shapes of its data, freed and replaced', async () => {
    await agree('the same weights transposed at every step, then new ones, then the same data as another shape', () => {
      const r = mulberry32(12);
      const outs: tf.Tensor[] = [];
      let w = values(r, [6, 4]);
      for (let step = 0; step < 3; step++) {
        // four "time steps" with the same w, as a recurrent layer's backward pass does
        for (let t = 0; t < 4; t++) outs.push(tf.matMul(values(r, [3, 4]), w, false, true));
        // the weights change: the next product must use the new values, not a kept copy
        const next = tf.add(w, values(r, [6, 4]));
        w.dispose();
        w = next;
      }
      // the same data seen as [4, 6]: its transpose is another matrix
      outs.push(tf.matMul(values(r, [2, 6]), tf.reshape(w, [4, 6]), false, true));
      outs.push(tf.matMul(values(r, [2, 4]), w, false, true));
      return outs;
    });
  });

  it('_FusedMatMul: bias shapes, activations, transposes, batches', async () => {
    const r = mulberry32(12);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
    for (let c = 0; c < 40; c++) {
      const [m, k, n] = [int(1, 20), int(1, 20), int(1, 20)];
      const ta = r() < 0.4;
      const tb = r() < 0.4;
      const batch = r() < 0.3 ? [int(2, 3)] : [];
      const a = [...batch, ...(ta ? [k, m] : [m, k])];
      const sameBatch = r() < 0.5;
      const b = [...(sameBatch ? batch : []), ...(tb ? [n, k] : [k, n])];
      const biasShape = [[n], [1], [m, n], undefined][int(0, 3)];
      const activation = activations[int(0, activations.length - 1)];
      await agree(`fused matMul ${a} x ${b} ta=${ta} tb=${tb} bias=${biasShape} ${activation}`, () => {
        const rr = mulberry32(100 + c);
        const bias = biasShape && values(rr, biasShape);
        const alpha = activation === 'prelu' ? values(rr, [n]) : undefined;
        // forward alone: the fused kernel itself (with gradients recorded, tfjs does not fuse)
        const fused = tf.fused.matMul({ a: values(rr, a), b: values(rr, b), transposeA: ta, transposeB: tb, bias, activation, preluActivationWeights: alpha, leakyreluAlpha: 0.15 });
        if (!sameBatch && batch.length) return [fused];
        const grads = valueAndGrads((x, y) => tf.fused.matMul({ a: x, b: y, transposeA: ta, transposeB: tb, bias, activation: activation === 'prelu' ? 'linear' : activation }), [values(rr, a), values(rr, b)], rr);
        return [fused, ...grads];
      });
    }
  });

  it('Conv2D, FusedConv2D and their gradients: strides, dilations, same/valid padding', async () => {
    const r = mulberry32(13);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 40; c++) {
      const dilated = r() < 0.25;
      const strides: [number, number] = dilated ? [1, 1] : [int(1, 3), int(1, 3)];
      const dilations: [number, number] = dilated ? [int(1, 2), int(2, 3)] : [1, 1];
      const kernel = [int(1, 4), int(1, 4)];
      const pad = r() < 0.5 ? 'same' : 'valid';
      const x = [int(1, 3), int(kernel[0] * dilations[0], 11), int(kernel[1] * dilations[1], 11), int(1, 6)];
      const w = [...kernel, x[3], int(1, 6)];
      const what = `conv2d x=${x} w=${w} strides=${strides} dilations=${dilations} ${pad}`;
      await agree(what, () => {
        const rr = mulberry32(200 + c);
        const conv = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, strides, pad, 'NHWC', dilations);
        const fused = tf.fused.conv2d({ x: values(rr, x) as tf.Tensor4D, filter: values(rr, w) as tf.Tensor4D, strides, pad, dilations, bias: values(rr, [w[3]]), activation: 'relu' });
        return [fused, ...valueAndGrads(conv, [values(rr, x), values(rr, w)], rr)];
      });
    }
  });

  for (const way of ['matmul', 'convolution'] as const) {
    it(`Conv2DBackpropFilter computed by ${way}: strides, same/valid padding`, async () => {
      const r = mulberry32(way === 'matmul' ? 14 : 18);
      const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
      const previous = setFilterGradientWay(way);
      try {
        for (let c = 0; c < 20; c++) {
          const strides: [number, number] = [int(1, 3), int(1, 3)];
          const kernel = [int(1, 4), int(1, 4)];
          const pad = r() < 0.5 ? 'same' : 'valid';
          const x = [int(1, 3), int(kernel[0], 10), int(kernel[1], 10), int(1, 5)];
          // output channels in fours every other case: byMatMul's SIMD path
          const w = [...kernel, x[3], c % 2 ? 4 * int(1, 3) : int(1, 5)];
          await agree(`filter gradient by ${way} x=${x} w=${w} strides=${strides} ${pad}`, () => {
            const rr = mulberry32(300 + c);
            const xs = values(rr, x);
            return valueAndGrads((ww) => tf.conv2d(xs as tf.Tensor4D, ww as tf.Tensor4D, strides, pad), [values(rr, w)], rr);
          });
        }
      } finally {
        setFilterGradientWay(previous);
      }
    });
  }

  it('MaxPoolGrad: windows of ties, zeros and negative values, same/valid padding', async () => {
    const r = mulberry32(15);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 40; c++) {
      const size: [number, number] = [int(1, 3), int(1, 3)];
      // every other case: windows that tile the input (stride = size), the kernel's fast path
      const strides: [number, number] = c % 2 ? size : [int(1, 3), int(1, 3)];
      const pad = r() < 0.5 ? 'same' : 'valid';
      const x = [int(1, 3), int(size[0], 9), int(size[1], 9), int(1, 5)];
      const ints = r() < 0.6;
      await agree(`maxPool x=${x} size=${size} strides=${strides} ${pad}${ints ? ' (integers)' : ''}`, () => {
        const rr = mulberry32(400 + c);
        return valueAndGrads((xx) => tf.maxPool(xx as tf.Tensor4D, size, strides, pad), [values(rr, x, ints)], rr);
      }, 0);
    }
  });

  it('MaxPoolGrad of 2x2 windows on channels in fours (the SIMD path): ties, odd sizes, NaN and -Infinity', async () => {
    const r = mulberry32(16);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 24; c++) {
      const x = [int(1, 3), int(2, 9), int(2, 9), 4 * int(1, 4)];
      const ints = c % 2 === 0;
      await agree(`maxPool 2x2 x=${x}${ints ? ' (integers)' : ''}`, () => {
        const rr = mulberry32(500 + c);
        return valueAndGrads((xx) => tf.maxPool(xx as tf.Tensor4D, 2, 2, 'valid'), [values(rr, x, ints)], rr);
      }, 0);
    }
    // a window of -Infinity and one of NaN among ordinary ones: the tensor is redone by the general search
    const n = 2 * 4 * 4 * 8;
    const v = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 13) - 6);
    for (const i of [0, 8, 32, 40]) v[i] = -Infinity;
    for (const i of [3, 11]) v[i] = NaN;
    const grads: number[][] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      grads.push(Array.from(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), tf.range(1, n / 4 + 1).reshape([2, 2, 2, 8]))))(tf.tensor4d(v, [2, 4, 4, 8])).dataSync())));
    }
    assert.deepEqual(grads[1], grads[0]);
  });

  it('MaxPoolGrad: windows of NaN and -Infinity get what cpu gives them', async () => {
    const x = [NaN, 2, -Infinity, -Infinity, 1, NaN, -Infinity, -Infinity, 3, 3, NaN, NaN, 0, -1, NaN, NaN];
    const grads: number[][] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      grads.push(Array.from(tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor4d(x, [1, 4, 4, 1])).dataSync())));
    }
    assert.deepEqual(grads[1], grads[0]);
    assert.deepEqual(grads[0], [0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('FusedBatchNorm: per-channel parameters on channels in fours (the SIMD path) agree with cpu and stock wasm; other shapes stay stock', async () => {
    const r = mulberry32(23);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const cases: { x: number[]; params: number[] | null; eps: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const c = i < 8 ? 4 * int(1, 6) : int(1, 7);
      const x = [...Array(int(0, 3))].map(() => int(1, 5)).concat(c);
      cases.push({ x, params: i % 3 === 0 ? [1, 1, c].slice(3 - int(1, 3)) : [c], eps: [1e-3, 1e-5, 0.1][i % 3] });
    }
    // no scale and offset: stock
    cases.push({ x: [6, 4], params: null, eps: 1e-3 });
    const simd = (k: (typeof cases)[number]) => k.params !== null && k.x[k.x.length - 1] % 4 === 0;
    const run = (k: (typeof cases)[number], seed: number, special: boolean) =>
      tf.tidy(() => {
        const rr = mulberry32(seed);
        const p = k.params ?? [];
        const variance = tf.abs(values(rr, p));
        const xs = values(rr, k.x).dataSync().slice();
        // zeros, a NaN and infinities go through as the formula takes them
        if (special && xs.length > 3) [xs[0], xs[1], xs[2], xs[3]] = [0, NaN, Infinity, -Infinity];
        return [tf.batchNorm(tf.tensor(xs, k.x), values(rr, p), variance, k.params ? values(rr, p) : undefined, k.params ? values(rr, p) : undefined, k.eps)];
      });
    for (const [i, k] of cases.entries()) {
      if (simd(k)) await agree(`batchNorm x=${k.x}`, () => run(k, 900 + i, false));
    }
    await tf.setBackend('wasm');
    const values_ = () => cases.map((k, i) => Array.from(tf.tidy(() => run(k, 900 + i, true)[0].dataSync())));
    const mine = values_();
    unregisterWasmKernels();
    let stock: number[][];
    try {
      stock = values_();
    } finally {
      registerWasmKernels();
    }
    cases.forEach((k, i) => {
      const what = `x ${k.x}, parameters ${k.params}`;
      if (!simd(k)) return assert.deepEqual(mine[i], stock[i], what);
      // the same formula in float32; stock's loop rounds some values one unit differently
      const scale = Math.max(...stock[i].filter(Number.isFinite).map(Math.abs));
      stock[i].forEach((v, j) => assert.ok(Object.is(v, mine[i][j]) || Math.abs(v - mine[i][j]) <= RTOL * scale + ATOL, `${what}: value ${j}: ${mine[i][j]}, stock ${v}`));
    });
  });

  it('Sum and Mean over leading axes (and others, which stay stock), keepDims, negative axes', async () => {
    const r = mulberry32(19);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 30; c++) {
      const shape = Array.from({ length: int(1, 4) }, () => int(1, 20));
      const rank = shape.length;
      const lead = int(1, rank);
      const axis = c % 3 === 2 ? [int(0, rank - 1)] : [...Array(lead).keys()].map((a) => (r() < 0.3 ? a - rank : a));
      const keepDims = r() < 0.5;
      await agree(`sum ${shape} axis=${axis} keepDims=${keepDims}`, () => {
        const rr = mulberry32(700 + c);
        return valueAndGrads((x) => tf.sum(x, axis, keepDims), [values(rr, shape)], rr);
      });
      await agree(`mean ${shape} axis=${axis} keepDims=${keepDims}`, () => {
        const rr = mulberry32(900 + c);
        return valueAndGrads((x) => tf.mean(x, axis, keepDims), [values(rr, shape)], rr);
      });
    }
  });

  it('Sum and Mean over leading axes: the SIMD groups of eight rows give the JavaScript loop\'s float64 sums bit for bit (even widths; odd ones and fewer than eight rows in JavaScript)', async () => {
    await tf.setBackend('wasm');
    const r = mulberry32(29);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 24; c++) {
      const rows = c < 4 ? int(1, 7) : int(8, 70);
      const width = c % 5 === 4 ? 2 * int(0, 10) + 1 : 2 * int(1, 20);
      // values of many magnitudes, so that float64 sums in another order would differ after rounding
      const v = Float32Array.from({ length: rows * width }, () => (r() * 2 - 1) * 10 ** int(-4, 4));
      const expected = columnSums(v, rows, width);
      const [sum, mean] = tf.tidy(() => {
        const x = tf.tensor(v, [rows, width]);
        return [tf.sum(x, 0).dataSync(), tf.mean(tf.reshape(x, [1, rows, width]), [0, 1]).dataSync()];
      });
      assert.deepEqual(Array.from(sum), Array.from(Float32Array.from(expected)), `sum of ${rows}x${width}`);
      assert.deepEqual(Array.from(mean), Array.from(Float32Array.from(expected, (x) => x / rows)), `mean of ${rows}x${width}`);
    }
  });

  it('Tile: whole copies along leading axes (and other tilings, which stay stock), float32, int32 and bool', async () => {
    assert.equal(wholeCopies([1, 1, 3], [4, 5, 1]), 20);
    assert.equal(wholeCopies([1, 2, 3], [4, 1, 1]), 4);
    assert.equal(wholeCopies([2, 3], [1, 1]), 1);
    assert.equal(wholeCopies([1, 2, 3], [4, 2, 1]), undefined, 'a repeat after a kept axis');
    assert.equal(wholeCopies([2, 3], [2, 1]), undefined, 'a repeat of an axis of size 2');
    const r = mulberry32(23);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 24; c++) {
      const rank = int(1, 4);
      const lead = int(0, rank);
      const shape = Array.from({ length: rank }, (_, i) => (i < lead ? 1 : int(1, 5)));
      const reps = shape.map((_, i) => (i < lead || c % 4 === 3 ? int(0, 4) : 1));
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        await agree(`tile ${shape} by ${reps} ${dtype}`, () => {
          const rr = mulberry32(1100 + c);
          const x = tf.cast(values(rr, shape, true), dtype);
          return [tf.cast(tf.tile(x, reps), 'float32')];
        });
      }
    }
  });

  it('Cast to the dtype a tensor has shares its data; other casts convert (to bool: x != 0, as on cpu)', async () => {
    assert.ok(await tf.setBackend('wasm'));
    const x = tf.tensor([1.5, -2, 0], [3]);
    const before = tf.memory().numDataBuffers;
    const same = tf.cast(x, 'float32');
    assert.equal(tf.memory().numDataBuffers, before, 'a cast to float32 of float32 made a new buffer');
    x.dispose();
    assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 0]);
    assert.deepEqual(Array.from(tf.cast(same, 'int32').dataSync()), [1, -2, 0]);
    assert.deepEqual(Array.from(tf.cast(same, 'bool').dataSync()), [1, 1, 0]);
    assert.deepEqual(Array.from(tf.cast(tf.tensor([-3, 0, 256, NaN]), 'bool').dataSync()), [1, 0, 1, 1]);
    assert.deepEqual(Array.from(tf.cast(tf.tensor([-1, 0, 512], [3], 'int32'), 'bool').dataSync()), [1, 0, 1]);
    same.dispose();
  });

  it('Identity shares the data (no copy), which outlives the original; strings stay stock', async () => {
    assert.ok(await tf.setBackend('wasm'));
    const backend = tf.backend() as unknown as { dataIdMap: { get(id: object): { refCount: number }; has(id: object): boolean } };
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const x = tf.tensor([1, 0, 3, 4], [2, 2], dtype);
      const before = tf.memory().numDataBuffers;
      const y = tf.clone(x);
      assert.equal(tf.memory().numDataBuffers, before, `${dtype}: clone made a new buffer`);
      const yId = (y as unknown as { dataId: object }).dataId;
      assert.equal(backend.dataIdMap.get(yId).refCount, 2);
      x.dispose();
      assert.deepEqual(Array.from(y.dataSync()), dtype === 'bool' ? [1, 0, 1, 1] : [1, 0, 3, 4]);
      assert.deepEqual(y.shape, [2, 2]);
      assert.equal(y.dtype, dtype);
      y.dispose();
      assert.ok(!backend.dataIdMap.has(yId), `${dtype}: the data is freed with its last tensor`);
    }
    const s = tf.tensor(['a', 'bc']);
    const sc = tf.clone(s);
    s.dispose();
    assert.deepEqual(await sc.array(), ['a', 'bc']);
    sc.dispose();
  });

  it('Slice, SplitV and Unpack: random boxes of ranks 1 to 5, float32, int32 and bool, and the slice gradient', async () => {
    const r = mulberry32(23);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 40; c++) {
      const shape = Array.from({ length: int(1, 5) }, () => int(1, 6));
      const begin = shape.map((d) => int(0, d - 1));
      // -1: to the end of the axis
      const extent = shape.map((d, i) => (r() < 0.2 ? -1 : int(0, d - begin[i])));
      const axis = int(0, shape.length - 1);
      const parts = [int(0, shape[axis])];
      parts.push(shape[axis] - parts[0]);
      const what = `x=${shape} begin=${begin} size=${extent} split axis ${axis} into ${parts}`;
      await agree(what, () => {
        const rr = mulberry32(900 + c);
        const x = values(rr, shape);
        return [...valueAndGrads((t) => tf.slice(t, begin, extent), [x], rr), ...tf.split(x, parts, axis), ...tf.unstack(x, axis)];
      }, 0);
      for (const dtype of ['int32', 'bool'] as const) {
        const got: number[][] = [];
        for (const backend of ['cpu', 'wasm']) {
          await tf.setBackend(backend);
          got.push(tf.tidy(() => {
            // made directly: stock wasm's Cast to bool keeps the low byte of each value (-1 becomes 255)
            const ints = values(mulberry32(950 + c), shape, true).dataSync();
            const x = tf.tensor(dtype === 'bool' ? Array.from(ints, (v) => (v > 0 ? 1 : 0)) : Array.from(ints), shape, dtype);
            return [tf.slice(x, begin, extent), ...tf.split(x, parts, axis), ...tf.unstack(x, axis)].flatMap((t) => Array.from(t.dataSync()));
          }));
        }
        assert.deepEqual(got[1], got[0], `${dtype} ${what}`);
      }
    }
  });

  it('UnsortedSegmentSum: ids out of range are dropped; the gather gradient', async () => {
    const r = mulberry32(16);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 20; c++) {
      const segments = int(1, 8);
      const rows = int(1, 12);
      const inner = [[], [int(1, 5)], [int(1, 3), int(1, 4)]][int(0, 2)];
      await agree(`unsortedSegmentSum [${rows}, ${inner}] into ${segments}`, () => {
        const rr = mulberry32(500 + c);
        const ids = tf.tensor1d(Int32Array.from({ length: rows }, () => Math.floor(rr() * (segments + 2)) - 1), 'int32');
        const table = values(rr, [segments, ...inner]);
        const picked = tf.tensor1d(Int32Array.from({ length: rows }, () => Math.floor(rr() * segments)), 'int32');
        const gatherGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, picked), values(mulberry32(c), [rows, ...inner]))))(table);
        return [tf.unsortedSegmentSum(values(rr, [rows, ...inner]), ids, segments), gatherGrad];
      }, 0);
    }
  });

  it('ResizeNearestNeighborGrad sends each gradient to the pixel the forward pass copied (cpu and wasm)', async () => {
    const r = mulberry32(17);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let c = 0; c < 20; c++) {
      const shape = [int(1, 3), int(1, 6), int(1, 6), int(1, 3)];
      const size: [number, number] = [int(1, 13), int(1, 13)];
      const alignCorners = r() < 0.3;
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const [got, expected] = tf.tidy(() => {
          const rr = mulberry32(600 + c);
          const x = values(rr, shape);
          const resize = (t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size, alignCorners);
          const dy = values(rr, [shape[0], ...size, shape[3]]);
          const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(resize(t), dy)))(x).dataSync();
          // the reference: which input value each output copied, read off the forward kernel
          const copied = resize(tf.range(0, x.size).reshape(shape)).dataSync();
          const dyValues = dy.dataSync();
          const reference = new Float32Array(x.size);
          copied.forEach((from, i) => (reference[from] += dyValues[i]));
          return [grad, reference];
        });
        const diff = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])));
        assert.ok(diff <= ATOL, `${backend}: resizeNearestNeighbor ${shape} -> ${size} alignCorners=${alignCorners}: max error ${diff}`);
      }
    }
  });
});
