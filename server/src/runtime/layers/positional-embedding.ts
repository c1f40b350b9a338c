// positional_embedding: adds a learned [T, D] table, or fixed sines and cosines, to [B, T, D].

import { tf } from '../tf';
import type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables';
import { seededInit } from './seeds';

export function sinusoid(steps: number, dim: number): Float32Array {
  const p = new Float32Array(steps * dim);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < dim; i++) {
      const angle = t / Math.pow(10000, (2 * Math.floor(i / 2)) / dim);
      p[t * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return p;
}

export class PositionalEmbedding extends tf.layers.Layer {
  static className = 'NnPositionalEmbedding';
  readonly kind: 'learned' | 'sinusoidal';
  private table?: LayerVariable;
  /** seeds the learned table (not saved: a loaded model has its weights) */
  private readonly seed: number | undefined;

  constructor(args: { kind: 'learned' | 'sinusoidal'; seed?: number; name?: string }) {
    super(args);
    this.kind = args.kind;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = inputShape as tf.Shape;
    if (this.kind === 'learned') {
      this.table = this.addWeight('positions', [s[1]!, s[2]!], 'float32', seededInit('smallUniform', this.seed));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [, t, d] = x.shape as number[];
      const table = this.table ? this.table.read() : tf.tensor2d(sinusoid(t, d), [t, d]);
      return tf.add(x, table);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind };
  }
}
tf.serialization.registerClass(PositionalEmbedding);
