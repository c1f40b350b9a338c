// poly_features(degree, cross, sin): [F] -> the terms of core's polyTerms (x, x², ... by degree;
// with cross also the products of different inputs, in scikit-learn's order), then sin(x).
// Each term is the product of `degree` columns gathered from [x, 1]: a term of lower degree
// pads with the column of ones, so one gather per factor computes every term at once.

import { polyTerms } from '../../core/catalog/layers/core';
import { tf } from '../tf';

export class PolyFeatures extends tf.layers.Layer {
  static className = 'NnPolyFeatures';
  readonly degree: number;
  readonly cross: boolean;
  readonly sin: boolean;
  /** per factor, the column of [x, 1] each term takes (index F is the ones) */
  private factors: Int32Array[] = [];

  constructor(args: { degree: number; cross?: boolean; sin?: boolean; name?: string }) {
    super(args);
    this.degree = args.degree;
    this.cross = args.cross ?? false;
    this.sin = args.sin ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const f = (inputShape as tf.Shape)[1];
    if (f === null || f === undefined) throw new Error('poly_features needs a known number of inputs');
    const terms = polyTerms(f, this.degree, this.cross);
    this.factors = Array.from({ length: this.degree }, (_, j) => Int32Array.from(terms, (t) => (j < t.length ? t[j] : f)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    if (s[1] === null) return [s[0], null];
    return [s[0], polyTerms(s[1], this.degree, this.cross).length + (this.sin ? s[1] : 0)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const padded = tf.concat([x, tf.onesLike(x.slice([0, 0], [-1, 1]))], 1);
      let y = tf.gather(padded, tf.tensor1d(this.factors[0], 'int32'), 1);
      for (let j = 1; j < this.factors.length; j++) y = tf.mul(y, tf.gather(padded, tf.tensor1d(this.factors[j], 'int32'), 1));
      return this.sin ? tf.concat([y, tf.sin(x)], 1) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), degree: this.degree, cross: this.cross, sin: this.sin };
  }
}
tf.serialization.registerClass(PolyFeatures);
