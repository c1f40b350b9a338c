// The gradient of FusedConv2D (convolution + bias, linear activation) as a registered gradient,
// for the kernel that NnConv2D (runtime/layers/conv2d.ts) runs directly. tfjs has none: its fused
// conv2d op is a customGrad that computes every input's gradient at once, wanted or not. Each
// input's gradient here is its own function, so the tape computes only those on the way to a
// variable (not the images' under a first convolution). The kernels and their inputs are those of
// tfjs' customGrad, so the values are the same bits.

import { tf } from '../tf';

type Attrs = tf.FusedConv2DAttrs;

export const fusedConv2DGradConfig: tf.GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = attrs as unknown as Attrs;
    if (activation !== 'linear' || dataFormat !== 'NHWC' || [dilations ?? 1].flat().some((d) => d !== 1)) {
      throw new Error(`FusedConv2D's gradient is for a linear activation, NHWC and dilation 1 (NnConv2D runs no other): got ${activation}, ${dataFormat}, dilations ${String(dilations)}`);
    }
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = dy as tf.Tensor4D;
    const engine = tf.engine();
    return {
      x: () => engine.runKernel(tf.Conv2DBackpropInput, { dy: g, filter }, { strides, pad, dataFormat, dimRoundingMode, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filter: () => engine.runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, { strides, pad, dataFormat, dimRoundingMode, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      // a bias of one value per channel (the layer's): the sum over every other axis
      bias: () => tf.sum(g, [0, 1, 2]),
    };
  },
};
