// poly_features(degree): [F] -> [F·degree] = [x, x², …, x^degree], grouped by power.

import { tf } from '../tf';

export class PolyFeatures extends tf.layers.Layer {
  static className = 'NnPolyFeatures';
  readonly degree: number;

  constructor(args: { degree: number; name?: string }) {
    super(args);
    this.degree = args.degree;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], s[1] === null ? null : s[1] * this.degree];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const powers: tf.Tensor[] = [x];
      for (let d = 2; d <= this.degree; d++) powers.push(tf.mul(powers[d - 2], x));
      return powers.length === 1 ? x : tf.concat(powers, -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), degree: this.degree };
  }
}
tf.serialization.registerClass(PolyFeatures);
