// Multi-head self-attention and the Transformer encoder block, as tfjs layers (tfjs-layers has
// no attention layer). Weights follow Keras MultiHeadAttention's count: query, key and value
// projections dim -> heads·key_dim with biases, and an output projection back to dim.

import { tf } from '../tf';
import type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables';
import { seededInit } from './seeds';
import { dropout, type DropoutNoise } from './dropout';

interface Projection {
  kernel: LayerVariable;
  bias: LayerVariable;
}

/** x [B, T, din] · W [din, dout] + b, as one matmul over B·T rows. */
function project(x: tf.Tensor, p: Projection): tf.Tensor {
  const [b, t, d] = x.shape as number[];
  const w = p.kernel.read();
  const y = tf.add(tf.matMul(tf.reshape(x, [b * t, d]), w), p.bias.read());
  return tf.reshape(y, [b, t, w.shape[1] as number]);
}

export interface AttentionConfig {
  heads: number;
  keyDim: number;
  dropout: number;
  causal: boolean;
}

/** The attention computation shared by both layers. x: [B, T, D]. */
function attend(x: tf.Tensor, q: Projection, k: Projection, v: Projection, o: Projection, c: AttentionConfig, training: boolean, noise: DropoutNoise | undefined): tf.Tensor {
  const [b, t] = x.shape;
  const h = c.heads;
  const kd = c.keyDim;
  // [B, T, h·kd] -> [B·h, T, kd]
  const split = (y: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(y, [b, t, h, kd]), [0, 2, 1, 3]), [b * h, t, kd]);
  const qs = split(project(x, q));
  const ks = split(project(x, k));
  const vs = split(project(x, v));
  let scores = tf.mul(tf.matMul(qs, ks, false, true), 1 / Math.sqrt(kd));
  if (c.causal) {
    const mask = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
    scores = tf.add(scores, tf.mul(tf.sub(1, mask), -1e9));
  }
  const weights = dropout(tf.softmax(scores, -1), c.dropout, training, noise);
  const out = tf.matMul(weights, vs); // [B·h, T, kd]
  const merged = tf.reshape(tf.transpose(tf.reshape(out, [b, h, t, kd]), [0, 2, 1, 3]), [b, t, h * kd]);
  return project(merged, o);
}

function layerNorm(x: tf.Tensor, gamma: LayerVariable, beta: LayerVariable, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma.read()), beta.read());
}

abstract class AttentionBase extends tf.layers.Layer {
  readonly heads: number;
  readonly keyDim: number | null;
  readonly dropout: number;
  protected q!: Projection;
  protected k!: Projection;
  protected v!: Projection;
  protected o!: Projection;
  /** seeds the projections' kernels (not saved: a loaded model has its weights) */
  private readonly seed: number | undefined;
  private projections = 0;
  /** the dropout masks' source (not saved: masks are drawn in training only) */
  protected readonly noise: DropoutNoise | undefined;

  constructor(args: { heads: number; keyDim: number | null; dropout: number; seed?: number; noise?: DropoutNoise; name?: string }) {
    super(args);
    this.heads = args.heads;
    this.keyDim = args.keyDim;
    this.dropout = args.dropout;
    this.seed = args.seed;
    this.noise = args.noise;
  }

  protected resolvedKeyDim(dim: number): number {
    return this.keyDim ?? dim / this.heads;
  }

  protected projection(name: string, din: number, dout: number): Projection {
    return {
      kernel: this.addWeight(`${name}_kernel`, [din, dout], 'float32', seededInit('glorotUniform', this.seed, this.projections++)),
      bias: this.addWeight(`${name}_bias`, [dout], 'float32', tf.initializers.zeros()),
    };
  }

  protected buildAttention(dim: number): void {
    const hk = this.heads * this.resolvedKeyDim(dim);
    this.q = this.projection('query', dim, hk);
    this.k = this.projection('key', dim, hk);
    this.v = this.projection('value', dim, hk);
    this.o = this.projection('output', hk, dim);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }
}

export class SelfAttention extends AttentionBase {
  static className = 'NnSelfAttention';
  readonly causal: boolean;

  constructor(args: { heads: number; keyDim: number | null; dropout: number; causal: boolean; seed?: number; noise?: DropoutNoise; name?: string }) {
    super(args);
    this.causal = args.causal;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.buildAttention((inputShape as tf.Shape)[2]!);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = { heads: this.heads, keyDim: this.resolvedKeyDim(x.shape[2]!), dropout: this.dropout, causal: this.causal };
      return attend(x, this.q, this.k, this.v, this.o, c, kwargs.training === true, this.noise);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, keyDim: this.keyDim, dropout: this.dropout, causal: this.causal };
  }
}
tf.serialization.registerClass(SelfAttention);

/** Post-norm encoder block: h = LN(x + drop(MHA(x))); y = LN(h + drop(FFN(h))). */
export class TransformerEncoder extends AttentionBase {
  static className = 'NnTransformerEncoder';
  readonly ff: number;
  readonly activation: 'relu' | 'gelu';
  private ff1!: Projection;
  private ff2!: Projection;
  private ln1!: { gamma: LayerVariable; beta: LayerVariable };
  private ln2!: { gamma: LayerVariable; beta: LayerVariable };

  constructor(args: { heads: number; keyDim: number | null; dropout: number; ff: number; activation: 'relu' | 'gelu'; seed?: number; noise?: DropoutNoise; name?: string }) {
    super(args);
    this.ff = args.ff;
    this.activation = args.activation;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const dim = (inputShape as tf.Shape)[2]!;
    this.buildAttention(dim);
    const norm = (name: string) => ({
      gamma: this.addWeight(`${name}_gamma`, [dim], 'float32', tf.initializers.ones()),
      beta: this.addWeight(`${name}_beta`, [dim], 'float32', tf.initializers.zeros()),
    });
    this.ln1 = norm('norm1');
    this.ff1 = this.projection('ff1', dim, this.ff);
    this.ff2 = this.projection('ff2', this.ff, dim);
    this.ln2 = norm('norm2');
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const training = kwargs.training === true;
      const drop = (t: tf.Tensor) => dropout(t, this.dropout, training, this.noise);
      const c = { heads: this.heads, keyDim: this.resolvedKeyDim(x.shape[2]!), dropout: this.dropout, causal: false };
      const h = layerNorm(tf.add(x, drop(attend(x, this.q, this.k, this.v, this.o, c, training, this.noise))), this.ln1.gamma, this.ln1.beta, 1e-3);
      const inner = project(h, this.ff1);
      const act = this.activation === 'gelu' ? tf.mul(tf.mul(inner, 0.5), tf.add(1, tf.erf(tf.div(inner, Math.SQRT2)))) : tf.relu(inner);
      return layerNorm(tf.add(h, drop(project(act, this.ff2))), this.ln2.gamma, this.ln2.beta, 1e-3);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, keyDim: this.keyDim, dropout: this.dropout, ff: this.ff, activation: this.activation };
  }
}
tf.serialization.registerClass(TransformerEncoder);
