// Backend selection: 'auto' takes the fastest backend that works here, explicit choices are honoured
// or refused with a way out, and the Node >= 23 polyfill for tfjs-node only adds what is missing.

import { strict as assert } from 'node:assert';
import { tf, resolveTfjsNode } from '../../server/src/runtime/tf';
import { BackendError, TFJS_NODE_INSTALL, polyfillNodeUtil, selectBackend } from '../../server/src/runtime/backend';
import { wasmKernelsRegistered } from '../../server/src/runtime/kernels';

describe('selectBackend', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  it("'auto' takes tfjs-node when it is installed, else wasm with the project's kernels", async () => {
    const logged: string[] = [];
    const info = await selectBackend('auto', (m) => logged.push(m));
    assert.equal(tf.getBackend(), info.name);
    if (resolveTfjsNode() === undefined) {
      assert.equal(info.name, 'wasm');
      assert.ok(wasmKernelsRegistered());
      assert.deepEqual(logged, ['tensorflow: @tensorflow/tfjs-node is not installed']);
      assert.ok(info.note.includes(TFJS_NODE_INSTALL), info.note);
    } else {
      assert.equal(info.name, 'tensorflow');
    }
  });

  it("'wasm' trains a convolution, which stock wasm cannot", async () => {
    const info = await selectBackend('wasm');
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    const g = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 1])).dataSync());
    assert.deepEqual(Array.from(g), Array(9).fill(4));
  });

  it("'cpu' works and says how to get faster", async () => {
    const info = await selectBackend('cpu');
    assert.equal(info.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.ok(/slow/.test(info.note) && info.note.includes('wasm'), info.note);
    assert.equal(tf.tidy(() => tf.sum(tf.tensor([1, 2, 3])).dataSync()[0]), 6);
  });

  it("'tensorflow' without tfjs-node is an error that says how to install it", async function () {
    if (resolveTfjsNode() !== undefined) this.skip();
    const before = tf.getBackend();
    await assert.rejects(selectBackend('tensorflow'), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.ok(e.message.includes("The 'tensorflow' backend is not available"), e.message);
      assert.ok(e.message.includes(TFJS_NODE_INSTALL), e.message);
      return true;
    });
    assert.equal(tf.getBackend(), before, 'a refused choice changes nothing');
  });
});

describe('polyfillNodeUtil (for tfjs-node 4.22 on Node >= 23)', () => {
  it('does nothing before Node 23', () => {
    const util: Record<string, unknown> = {};
    assert.deepEqual(polyfillNodeUtil('22.11.0', util), []);
    assert.deepEqual(util, {});
  });

  it('adds the removed util.isNullOrUndefined and util.isArray on Node 23 and later', () => {
    for (const version of ['23.0.0', 'v24.4.1', '25.1.0']) {
      const util: Record<string, unknown> = { inspect: () => '' };
      assert.deepEqual(polyfillNodeUtil(version, util), ['isNullOrUndefined', 'isArray']);
      const isNullOrUndefined = util.isNullOrUndefined as (v: unknown) => boolean;
      const isArray = util.isArray as (v: unknown) => boolean;
      assert.deepEqual([null, undefined, 0, '', false, {}].map(isNullOrUndefined), [true, true, false, false, false, false]);
      assert.deepEqual([[], [1], {}, 'a', null].map(isArray), [true, true, false, false, false]);
    }
  });

  it('keeps functions that are still there', () => {
    const own = () => true;
    const util: Record<string, unknown> = { isArray: own };
    assert.deepEqual(polyfillNodeUtil('23.1.0', util), ['isNullOrUndefined']);
    assert.equal(util.isArray, own);
  });

  it("patches Node's own util module by default, which is what tfjs-node reads", () => {
    const util = process.getBuiltinModule('node:util') as unknown as Record<string, unknown>;
    const had = typeof util.isNullOrUndefined === 'function';
    const added = polyfillNodeUtil();
    const major = Number(process.versions.node.split('.')[0]);
    assert.deepEqual(added.includes('isNullOrUndefined'), major >= 23 && !had);
    if (major >= 23) assert.equal(typeof util.isNullOrUndefined, 'function');
  });
});
