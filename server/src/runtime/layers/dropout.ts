// Seeded dropout. The masks of a training step come from the run's seed, as Keras'
// `set_random_seed` and PyTorch's `manual_seed` make them: the same seed repeats a run with
// dropout exactly, and a run resumed mid-epoch draws the masks the uninterrupted run drew.
//
// A compiled model has one `DropoutNoise`. The trainer runs each step inside `step(seed, ...)`
// with a seed made from (run seed, fold, epoch, batch); each mask drawn in the step takes the
// next seed of that step, in the order the layers run, which a model's graph fixes. Outside a
// step (a model used after training, or outside the trainer), masks come from tfjs' unseeded
// generator.
//
// A step of several replicas (runtime/train/replicas.ts: each thread trains a copy of the model on
// rows [offset, offset + rows) of the batch) gives `step` the shard: each mask is then drawn for
// the whole batch, as one thread draws it, and the shard's rows are cut from it, so every replica
// drops what the one-thread run drops in the same rows.
//
// tfjs' own Dropout layer takes one fixed seed, which would draw the same mask at every step,
// so the `dropout` layer is `SeededDropout`. It saves as tfjs' `Dropout` (the same class name
// and configuration, and it is not registered), so a saved model.json loads in any tfjs program
// and in `nn predict` as the stock layer, which does nothing outside training.

import { tf } from '../tf';
import { subSeed } from '../../data/random';

/** The rows of the batch that one replica trains on (runtime/train/replicas.ts). */
export interface Shard {
  offset: number;
  rows: number;
  /** the whole batch's rows */
  total: number;
}

export class DropoutNoise {
  private stepSeed: number | undefined;
  private draws = 0;
  /** the rows of the batch this step runs on, when a replica runs part of it */
  shard: Shard | undefined;

  /** Runs `f` (one training step) with masks that are a function of `seed` and their order in it. */
  step<T>(seed: number, f: () => T, shard?: Shard): T {
    this.stepSeed = seed;
    this.draws = 0;
    this.shard = shard;
    try {
      return f();
    } finally {
      this.stepSeed = undefined;
      this.shard = undefined;
    }
  }

  /** The seed of the next mask; undefined (unseeded) outside a step. */
  next(): number | undefined {
    return this.stepSeed === undefined ? undefined : subSeed(this.stepSeed, this.draws++);
  }
}

/** `x` with a fraction `rate` of its values dropped and the rest scaled by 1 / (1 - rate), in training. */
export function dropout(x: tf.Tensor, rate: number, training: boolean, noise: DropoutNoise | undefined): tf.Tensor {
  if (!training || rate <= 0) return x;
  const shard = noise?.shard;
  if (!shard) return tf.dropout(x, rate, undefined, noise?.next());
  // tf.dropout's own formula on the whole batch's shape, then this shard's rows. The first axis
  // may hold several entries per row, row-major (attention's [B·heads, T, T])
  const per = x.shape[0] / shard.rows;
  const keep = 1 - rate;
  const whole = tf.randomUniform([shard.total * per, ...x.shape.slice(1)], 0, 1, 'float32', noise!.next());
  const multiplier = tf.div(tf.floor(tf.add(whole, keep)), keep);
  return tf.mul(x, tf.slice(multiplier, shard.offset * per, x.shape[0]));
}

export class SeededDropout extends tf.layers.Layer {
  /** tfjs' name: the saved layer is tfjs' Dropout (see the header) */
  static className = 'Dropout';
  readonly rate: number;
  private readonly noise: DropoutNoise | undefined;

  constructor(args: { rate: number; noise?: DropoutNoise; name?: string }) {
    super({ name: args.name });
    this.rate = args.rate;
    this.noise = args.noise;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => dropout(Array.isArray(inputs) ? inputs[0] : inputs, this.rate, kwargs.training === true, this.noise));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
