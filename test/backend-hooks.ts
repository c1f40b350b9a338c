// Mocha hooks for suites that run our kernels on tfjs' backends (kernels, adam-step, relu-grad).

import { tf, loadWasmBackend } from '../server/src/runtime/tf';
import { registerCpuKernels, registerWasmKernels } from '../server/src/runtime/kernels';
import { registerGradientFixes } from '../server/src/runtime/gradients';

/**
 * In the calling `describe`: before its tests, the wasm backend loaded and our kernels and
 * gradient fixes registered (all idempotent: suites share one tfjs); after them, cpu again, the
 * backend the other suites expect.
 */
export function useOurKernels(): void {
  before(() => {
    loadWasmBackend();
    registerWasmKernels();
    registerCpuKernels();
    registerGradientFixes();
  });
  after(async () => {
    await tf.setBackend('cpu');
  });
}
