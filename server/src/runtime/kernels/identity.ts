// Identity for wasm: the same data under a new tensor, counted by the backend (as Reshape does on
// wasm and Identity does on cpu), instead of the stock kernel's copy. tfjs' engine clones every
// tensor it saves for the backward pass (saveTensorsForBackwardMode), so on stock wasm each
// training step copied the inputs and outputs of every layer again: for the reference convnet,
// three copies of its first layer's [128, 26, 26, 32] activations, about 1 ms each. Sharing is
// safe because tensor data is immutable: no kernel writes into its inputs (a variable's assign
// takes the new tensor's data; it does not write into the old).

import { tf } from '../tf';
import type { Info, KernelArgs } from './util';

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
