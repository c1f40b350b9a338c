// gru(reset_after: true): the GRU of Keras 3, PyTorch's nn.GRU and ONNX's linear_before_reset=1,
// which tfjs-layers' GRUCell refuses ("does not support reset_after"). Keras' weights: kernel
// [F, 3u] and recurrent kernel [u, 3u] in gate order z, r, h, and two biases as bias [2, 3u]
// (the input's, then the recurrent product's):
//   z = σ(x W_z + b_z + h U_z + b'_z), r = σ(x W_r + b_r + h U_r + b'_r)
//   h̃ = tanh(x W_h + b_h + r · (h U_h + b'_h)),  h_t = z · h_{t-1} + (1 − z) · h̃
// A subclass of tfjs' own GRUCell (its initializers, dropout-free config, serialization) with
// Keras' build and step; an RNN layer runs it, so return_sequences and bidirectional work as
// for gru(). Registered under its own class name, so a saved model loads it.

import { tf } from '../tf';
import type { GRUCell, GRUCellLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/recurrent';

/** tfjs' GRUCell class (tfjs exports only its factory). */
const GRUCellBase = tf.layers.gruCell({ units: 1 }).constructor as new (args: GRUCellLayerArgs) => GRUCell;

type Kwargs = Parameters<GRUCell['call']>[1];

export class ResetAfterGRUCell extends GRUCellBase {
  static className = 'NnResetAfterGRUCell';

  constructor(args: GRUCellLayerArgs) {
    // tfjs' constructor throws for resetAfter: this class is what it means
    super({ ...args, resetAfter: undefined });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1]!;
    const gu = 3 * this.units;
    this.kernel = this.addWeight('kernel', [features, gu], undefined, this.kernelInitializer, undefined, true);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, gu], undefined, this.recurrentInitializer, undefined, true);
    this.bias = this.addWeight('bias', [2, gu], undefined, this.biasInitializer, undefined, true);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h] = inputs as tf.Tensor2D[];
      const [inputBias, recurrentBias] = tf.unstack(this.bias.read());
      const matrixX = tf.add(tf.matMul(x, this.kernel.read() as tf.Tensor2D), inputBias);
      const matrixInner = tf.add(tf.matMul(h, this.recurrentKernel.read() as tf.Tensor2D), recurrentBias);
      const [xZ, xR, xH] = tf.split(matrixX, 3, 1);
      const [hZ, hR, hH] = tf.split(matrixInner, 3, 1);
      const z = this.recurrentActivation.apply(tf.add(xZ, hZ));
      const r = this.recurrentActivation.apply(tf.add(xR, hR));
      const candidate = this.activation.apply(tf.add(xH, tf.mul(r, hH)));
      const next = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
      return [next, next];
    });
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    delete config.resetAfter; // the class name says it; tfjs' constructor would refuse `true`
    return config;
  }
}
tf.serialization.registerClass(ResetAfterGRUCell);

/**
 * The layer: an RNN that makes its own cell from its config, as tfjs' GRU does (a plain RNN with
 * a cell cannot be wrapped in Bidirectional: tfjs' RNN.fromConfig replaces the config's cell by
 * the cell object, and Bidirectional deserializes that same config again for the backward copy).
 */
export class ResetAfterGRU extends tf.RNN {
  static override className = 'NnResetAfterGRU';

  constructor(args: GRUCellLayerArgs & { name?: string; returnSequences?: boolean; goBackwards?: boolean }) {
    super({ ...args, cell: new ResetAfterGRUCell(args) });
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(ResetAfterGRU);

/** A GRU layer with reset_after (what tf.layers.gru would give for resetAfter: true). */
export function resetAfterGru(args: GRUCellLayerArgs & { name: string; returnSequences: boolean }): tf.layers.Layer {
  return new ResetAfterGRU(args);
}
