// tfjs' Conv2D layer runs a convolution whose activation is linear (the default) through the fused
// conv2d op, and that op's gradient refuses dilation rates above 1 ("not yet supported in
// gradients"), so a dilated conv2d without activation could not train on any backend. This layer
// is tfjs' Conv2D (same weights, arguments, config and class name in saved models) except that it
// computes the dilated convolution with the plain conv2d op, whose gradient this project supplies
// with dilations (runtime/gradients/conv2d.ts).

import { tf } from '../tf';
import type { Conv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional';
import type { ConvLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/convolutional';

// tfjs exports only the factory; the class is the one it instantiates
const Conv2DLayer = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as typeof Conv2D;

export class DilatedConv2D extends Conv2DLayer {
  constructor(args: ConvLayerArgs) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (this.dilationRate.every((d) => d === 1) || this.dataFormat !== 'channelsLast') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = tf.conv2d(x, this.kernel.read() as tf.Tensor4D, this.strides as [number, number], this.padding as 'same', 'NHWC', this.dilationRate as [number, number]);
      const biased = this.bias ? tf.add(y, this.bias.read()) : y;
      return this.activation.apply(biased);
    });
  }
}
