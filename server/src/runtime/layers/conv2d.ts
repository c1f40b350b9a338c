// tfjs' Conv2D layer with two changes to how a convolution whose activation is linear (the
// default) is run; the weights, arguments, config and class name (in saved models) are tfjs'.
//
// - Dilated: tfjs runs it through the fused conv2d op, whose gradient refuses dilation rates above
//   1 ("not yet supported in gradients"), so a dilated conv2d without activation could not train
//   on any backend. Here it is the plain conv2d op, whose gradient this project supplies with
//   dilations (runtime/gradients/conv2d.ts), then the bias and the activation.
// - Not dilated: tfjs' fused conv2d op is a customGrad, whose gradient computes the gradients of
//   all its inputs whether they are wanted or not: a first convolution without activation (conv
//   -> batch_norm -> relu) computed the gradient of the input images, a transposed convolution as
//   costly as the layer's own (32 ms of a 350 ms step of bench:bn's convnet with batch norm).
//   Here the same FusedConv2D kernel is run as a kernel, so the tape differentiates it through the
//   gradient registry (runtime/gradients/fused-conv2d.ts), which computes only what is asked: the
//   same kernels on the same inputs, so the same values, forward and backward.

import { tf } from '../tf';
import type { Conv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional';
import type { ConvLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/convolutional';

// tfjs exports only the factory; the class is the one it instantiates
const Conv2DLayer = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as typeof Conv2D;

export class NnConv2D extends Conv2DLayer {
  constructor(args: ConvLayerArgs) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    if (this.dataFormat !== 'channelsLast' || x.rank !== 4 || x.dtype !== 'float32') return super.call(inputs, kwargs);
    const dilated = this.dilationRate.some((d) => d !== 1);
    if (dilated) {
      return tf.tidy(() => {
        const y = tf.conv2d(x as tf.Tensor4D, this.kernel.read() as tf.Tensor4D, this.strides as [number, number], this.padding as 'same', 'NHWC', this.dilationRate as [number, number]);
        const biased = this.bias ? tf.add(y, this.bias.read()) : y;
        return this.activation.apply(biased);
      });
    }
    // with an activation, tfjs' fused conv2d runs plain ops while taping: nothing to change
    if (this.activation.getClassName() !== 'linear') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const bias = this.bias?.read();
      const kernelInputs: tf.NamedTensorMap = { x, filter: this.kernel.read(), ...(bias ? { bias } : {}) };
      // the attributes tfjs' fused conv2d op gives the kernel
      const attrs = { strides: this.strides, pad: this.padding === 'same' ? 'same' : 'valid', dataFormat: 'NHWC', dilations: this.dilationRate, dimRoundingMode: undefined, activation: 'linear', leakyreluAlpha: undefined };
      return tf.engine().runKernel(tf.FusedConv2D, kernelInputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
  }
}
