// ReLU's gradient as one kernel (NnReluGrad, gradients/relu.ts) against tfjs' own formula,
// dy · cast(step(x)), on wasm and cpu: the same bits, with NaN, infinities and signed zeros in x
// and dy, and sizes that are not a multiple of four (the SIMD loop's tail).

import { strict as assert } from 'node:assert';
import { tf } from '../../server/src/runtime/tf';
import { RELU_GRAD } from '../../server/src/runtime/kernels/relu-grad';
import { mulberry32 } from '../gen/random-models';
import { useOurKernels } from '../backend-hooks';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45];

function values(r: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => (r() < 0.15 ? SPECIAL[Math.floor(r() * SPECIAL.length)] : (r() * 2 - 1) * 10 ** Math.floor(r() * 6 - 3)));
}

describe('ReLU gradient kernel', function () {
  useOurKernels();

  for (const backend of ['wasm', 'cpu']) {
    it(`is tfjs' dy · step(x), bit for bit, on ${backend}`, async () => {
      assert.ok(await tf.setBackend(backend));
      assert.ok(tf.getKernel(RELU_GRAD, backend));
      const r = mulberry32(backend === 'wasm' ? 41 : 42);
      for (const n of [1, 3, 4, 5, 17, 64, 1031]) {
        const [x, dy] = [values(r, n), values(r, n)];
        const ours = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor1d(x), tf.tensor1d(dy)).dataSync());
        const stock = tf.tidy(() => tf.mul(tf.tensor1d(dy), tf.cast(tf.step(tf.tensor1d(x)), 'float32')).dataSync());
        for (let i = 0; i < n; i++) {
          if (!Object.is(ours[i], stock[i])) assert.fail(`n=${n} [${i}]: x=${x[i]} dy=${dy[i]}: ${ours[i]}, tfjs ${stock[i]}`);
        }
      }
      // the kernel is the one that ran: no Step or Cast
      const t = tf.tensor1d([1, -1]);
      const info = await tf.profile(() => tf.grad((u: tf.Tensor) => tf.relu(u))(t));
      const names = info.kernels.map((k) => k.name);
      assert.ok(names.includes(RELU_GRAD) && !names.includes('Step'), names.join(' '));
      t.dispose();
    });
  }
});
