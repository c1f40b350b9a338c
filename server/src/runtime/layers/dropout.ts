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
// tfjs' own Dropout layer takes one fixed seed, which would draw the same mask at every step,
// so the `dropout` layer is `SeededDropout`. It saves as tfjs' `Dropout` (the same class name
// and configuration, and it is not registered), so a saved model.json loads in any tfjs program
// and in `nn predict` as the stock layer, which does nothing outside training.

import { tf } from '../tf';
import { subSeed } from '../../data/random';

export class DropoutNoise {
  private stepSeed: number | undefined;
  private draws = 0;

  /** Runs `f` (one training step) with masks that are a function of `seed` and their order in it. */
  step<T>(seed: number, f: () => T): T {
    this.stepSeed = seed;
    this.draws = 0;
    try {
      return f();
    } finally {
      this.stepSeed = undefined;
    }
  }

  /** The seed of the next mask; undefined (unseeded) outside a step. */
  next(): number | undefined {
    return this.stepSeed === undefined ? undefined : subSeed(this.stepSeed, this.draws++);
  }
}

/** `x` with a fraction `rate` of its values dropped and the rest scaled by 1 / (1 - rate), in training. */
export function dropout(x: tf.Tensor, rate: number, training: boolean, noise: DropoutNoise | undefined): tf.Tensor {
  return training && rate > 0 ? tf.dropout(x, rate, undefined, noise?.next()) : x;
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
