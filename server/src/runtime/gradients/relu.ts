// The gradient of ReLU as one kernel (NnReluGrad, kernels/relu-grad.ts) where the backend has it
// (wasm and cpu, with this project's kernels registered); elsewhere (tfjs-node) tfjs' own.

import { tf } from '../tf';
import { RELU_GRAD } from '../kernels/relu-grad';

export function reluGradConfig(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      if (!tf.getKernel(RELU_GRAD, tf.getBackend())) return original.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor };
    },
  };
}
