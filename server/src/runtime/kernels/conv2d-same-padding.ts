// Conv2D and FusedConv2D for wasm with 'same' padding given as explicit numbers. The stock kernels
// hand 'same' to XNNPACK as a flag, and XNNPACK then pads wrongly when the filter is smaller than
// the stride's remainder (a 2x2 filter with stride 3 over 9 columns: tfjs pads 0, and the stock
// kernel returned all zeros; measured max error 1044 against cpu on a 9x9 ramp). That reaches
// every strided conv1d/conv2d with padding: same and a small kernel, forward and backward. tfjs'
// own padding for 'same' (what cpu uses) passed explicitly gives the same convolution everywhere.

import { tf } from '../tf';
import { type Info } from './util';

type Attrs = tf.Conv2DAttrs;

export function samePaddingConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const attrs = params.attrs as unknown as Attrs;
    // NCHW: the stock kernel refuses it with its own message
    if (attrs.pad !== 'same' || attrs.dataFormat === 'NCHW') return stock.kernelFunc(params) as Info;
    const { x, filter } = params.inputs as { x: Info; filter: Info };
    const shape = (s: number[]) => s as [number, number, number, number];
    const { top, bottom, left, right } = tf.backend_util.computeConv2DInfo(shape(x.shape), shape(filter.shape), attrs.strides, attrs.dilations, 'same', attrs.dimRoundingMode).padInfo;
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return stock.kernelFunc({ ...params, attrs: { ...params.attrs, pad } }) as Info;
  };
  return { kernelName: stock.kernelName, backendName: stock.backendName, kernelFunc };
}
