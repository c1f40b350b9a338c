// The fused Adam step (NnAdamStep, FusedAdamOptimizer) against tfjs' own AdamOptimizer: on wasm
// and on cpu, several steps on variables of random shapes with random gradients, the variables,
// moments and iteration count must be the same bits; and the wasm kernel's values the same as
// cpu's. Checkpointed state (getWeights/setWeights) carries over between the two.

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { ADAM_STEP } from '../../server/src/runtime/kernels/adam-step';
import { FusedAdamOptimizer } from '../../server/src/runtime/train/adam';
import { mulberry32 } from '../gen/random-models';
import { useOurKernels } from '../backend-hooks';

interface Trajectory {
  variables: Float32Array[];
  slots: Float32Array[];
  iterations: number;
}

/** Trains fresh variables for `steps` steps with `make()`'s optimizer; same seed, same gradients. */
async function trajectory(make: () => tf.Optimizer, shapes: number[][], seed: number, steps: number, lrs: number[] = []): Promise<Trajectory> {
  const r = mulberry32(seed);
  const rand = (shape: number[], scale: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * scale), shape);
  const vars = shapes.map((s, i) => tf.variable(rand(s, 1), true, `adam_test_${seed}_${i}_${Math.random()}`));
  const opt = make();
  for (let k = 0; k < steps; k++) {
    if (lrs[k] !== undefined) (opt as unknown as { learningRate: number }).learningRate = lrs[k];
    tf.tidy(() => {
      // gradients over several magnitudes, with exact zeros
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: tf.mul(rand(v.shape, 10 ** Math.floor(r() * 6 - 3)), tf.cast(tf.greater(rand(v.shape, 1), -0.8), 'float32')) })));
    });
  }
  const weights = await opt.getWeights();
  const out = {
    variables: vars.map((v) => v.dataSync() as Float32Array),
    slots: weights.slice(1).map((w) => w.tensor.dataSync() as Float32Array),
    iterations: (weights[0].tensor.dataSync() as Float32Array)[0],
  };
  tf.dispose(weights[0].tensor);
  opt.dispose();
  tf.dispose(vars);
  return out;
}

function sameBits(a: Trajectory, b: Trajectory, what: string): void {
  assert.equal(a.iterations, b.iterations, `${what}: iterations`);
  assert.equal(a.slots.length, b.slots.length);
  const cmp = (x: Float32Array, y: Float32Array, name: string) => {
    assert.equal(x.length, y.length);
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) assert.fail(`${what}: ${name}[${i}] is ${x[i]} fused, ${y[i]} stock`);
    }
  };
  a.variables.forEach((x, i) => cmp(x, b.variables[i], `variable ${i}`));
  a.slots.forEach((x, i) => cmp(x, b.slots[i], `moment ${i}`));
}

describe('fused Adam step', function () {
  const shapes = [[7, 5], [5], [3, 3, 2, 4], [1], [130]];
  const configs = [
    { lr: 0.001, b1: 0.9, b2: 0.999, eps: 1e-7 },
    { lr: 0.05, b1: 0.8, b2: 0.99, eps: 1e-3 },
  ];

  useOurKernels();

  for (const backend of ['cpu', 'wasm']) {
    it(`is the same bits as tfjs' AdamOptimizer on ${backend}`, async () => {
      assert.ok(await tf.setBackend(backend));
      assert.ok(tf.getKernel(ADAM_STEP, backend));
      for (const [i, c] of configs.entries()) {
        const lrs = [c.lr, c.lr, c.lr / 3, c.lr / 3, c.lr * 2, c.lr * 2];
        const fused = await trajectory(() => new FusedAdamOptimizer(c.lr, c.b1, c.b2, c.eps), shapes, 100 + i, 6, lrs);
        const stock = await trajectory(() => tf.train.adam(c.lr, c.b1, c.b2, c.eps), shapes, 100 + i, 6, lrs);
        sameBits(fused, stock, `${backend}, config ${i}`);
      }
      // and the fused path is the one taken: one kernel per variable, none of tfjs' element-wise ops
      const v = tf.variable(tf.ones([4]), true, `adam_profile_${Math.random()}`);
      const opt = new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7);
      const info = await tf.profile(() => tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.ones([4]) }])));
      const names = info.kernels.map((k) => k.name);
      assert.equal(names.filter((n) => n === ADAM_STEP).length, 1);
      assert.ok(!names.includes('Sqrt') && !names.includes('RealDiv'), names.join(' '));
      opt.dispose();
      v.dispose();
    });
  }

  it('gives the same values on wasm as on cpu', async () => {
    const c = configs[1];
    await tf.setBackend('cpu');
    const cpu = await trajectory(() => new FusedAdamOptimizer(c.lr, c.b1, c.b2, c.eps), shapes, 7, 4);
    await tf.setBackend('wasm');
    const wasm = await trajectory(() => new FusedAdamOptimizer(c.lr, c.b1, c.b2, c.eps), shapes, 7, 4);
    sameBits(wasm, cpu, 'wasm vs cpu');
  });

  it('keeps working where the backend has no fused kernel, and after setWeights', async () => {
    assert.ok(await tf.setBackend('wasm'));
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, `adam_fallback_${Math.random()}`);
    const fused = new FusedAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
    const stock = tf.train.adam(0.1, 0.9, 0.999, 1e-7);
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, `adam_fallback_${Math.random()}`);
    const g = tf.tensor1d([0.5, -1, 2]);
    fused.applyGradients([{ name: v.name, tensor: g }]);
    stock.applyGradients([{ name: w.name, tensor: g }]);
    // the state moves to another optimizer object (as a checkpoint does), and on
    await stock.setWeights(await fused.getWeights());
    fused.applyGradients([{ name: v.name, tensor: g }]);
    stock.applyGradients([{ name: w.name, tensor: g }]);
    assert.deepEqual(Array.from(v.dataSync()), Array.from(w.dataSync()));
    // without the kernel: tfjs' own step
    const config = tf.getKernel(ADAM_STEP, 'wasm');
    tf.unregisterKernel(ADAM_STEP, 'wasm');
    try {
      fused.applyGradients([{ name: v.name, tensor: g }]);
      stock.applyGradients([{ name: w.name, tensor: g }]);
      assert.deepEqual(Array.from(v.dataSync()), Array.from(w.dataSync()));
    } finally {
      tf.registerKernel(config);
    }
    tf.dispose([v, w, g]);
    fused.dispose();
    stock.dispose();
  });
});
