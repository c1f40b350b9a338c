// Mocha hooks for suites that run our kernels on tfjs' backends (kernels, adam-step, relu-grad).

import { strict as assert } from 'node:assert';
import { tf, loadWasmBackend, type BackendWasm } from '../server/src/runtime/tf';
import { registerCpuKernels, registerWasmKernels } from '../server/src/runtime/kernels';
import { registerGradientFixes } from '../server/src/runtime/gradients';
import { useWasmThreads } from '../server/src/runtime/wasm-threads';

/**
 * The wasm engine's threads in the kernel suites: NN_WASM_THREADS (default 1, tfjs' single-threaded
 * build); `NN_WASM_THREADS=2 npm run test:unit` runs them on the threaded build.
 */
export function testThreads(): number {
  return Number(process.env.NN_WASM_THREADS ?? 1);
}

/**
 * In the calling `describe`: before its tests, the wasm backend loaded (testThreads() threads) and our kernels and
 * gradient fixes registered (all idempotent: suites share one tfjs); after them, cpu again, the
 * backend the other suites expect.
 */
export function useOurKernels(): void {
  before(async () => {
    loadWasmBackend();
    await useWasmThreads(testThreads());
    registerWasmKernels();
    assert.ok(await tf.setBackend('wasm'));
    assert.equal((tf.backend() as BackendWasm).wasm.tfjs.getThreadsCount(), testThreads(), 'the wasm engine runs the threads asked for');
    registerCpuKernels();
    registerGradientFixes();
  });
  after(async () => {
    await tf.setBackend('cpu');
  });
}
