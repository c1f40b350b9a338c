// Identity for wasm: the same data under a new tensor, counted by the backend (as Reshape does on
// wasm and Identity does on cpu), instead of the stock kernel's copy. tfjs' engine clones every
// tensor it saves for the backward pass (saveTensorsForBackwardMode), so on stock wasm each
// training step copied the inputs and outputs of every layer again: for the reference convnet,
// three copies of its first layer's [128, 26, 26, 32] activations, about 1 ms each. Sharing is
// safe because tensor data is immutable: no kernel writes into its inputs (a variable's assign
// takes the new tensor's data; it does not write into the old).

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews } from './util';

export function identityConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const { inputs, backend } = params as unknown as KernelArgs<'x'>;
    const x = inputs.x!;
    // strings live outside the heap: the stock kernel handles them
    if (x.dtype === 'string') return stock.kernelFunc(params) as Info;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: tf.Identity, backendName: 'wasm', kernelFunc };
}

/**
 * Cast to the dtype the tensor has: the same data, shared as Identity shares it (the stock kernel
 * copies). Batch norm's moments cast their float32 input to float32 in every training step.
 * A cast to bool is x != 0, as on cpu: the stock kernel truncates to a byte (-2 became 254).
 */
export function castConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const { inputs, backend, attrs } = params as unknown as KernelArgs<'x'>;
    const x = inputs.x!;
    const dtype = (attrs as { dtype: string }).dtype;
    if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
      const out = backend.makeOutput(x.shape, 'bool');
      const [o, v] = heapViews(backend, out, x);
      for (let i = 0; i < v.length; i++) o[i] = v[i] !== 0 ? 1 : 0;
      return out;
    }
    if (x.dtype === 'string' || dtype !== x.dtype) return stock.kernelFunc(params) as Info;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: tf.Cast, backendName: 'wasm', kernelFunc };
}
