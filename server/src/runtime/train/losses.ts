// The losses of a `train` block as tfjs functions of (targets, model output) -> scalar mean
// over the batch. Targets are what `targetTensor` builds from a batch: class indices (int32,
// [B]) for classification data, values ([B, dims]) for regression. The loss expands class
// indices itself (one-hot, ±1), so a batch is built the same way whatever the loss.
//
// Conventions (where Keras and PyTorch differ, the choice is said here):
// - cross_entropy: mean over the batch of -Σ y'·log softmax(z), with label smoothing
//   y' = (1 - ε)·onehot + ε/K (Keras and PyTorch agree). from_logits: false takes probabilities,
//   clipped to [1e-7, 1 - 1e-7] before the log (Keras).
// - binary_cross_entropy: the stable max(z, 0) - z·y + log(1 + e^-|z|) on logits (PyTorch
//   BCEWithLogitsLoss); probabilities are clipped as above.
// - hinge with one unit: labels 0/1 become -1/+1, mean(max(0, margin - t·s)) (Keras Hinge).
// - hinge with K units: Weston-Watkins, Σ_{j≠y} max(0, margin + s_j - s_y), averaged over the
//   batch. PyTorch MultiMarginLoss divides that sum by K; Keras CategoricalHinge is
//   Crammer-Singer (only the largest wrong score counts). This is the catalogue's formula.
// - huber: ½e² for |e| ≤ δ, else δ(|e| - ½δ), mean over all values (Keras and PyTorch).
// - mse / mae: mean over all values (batch and target dims).

import { tf, type Tensor } from '../tf';
import type { BoundFn } from '../../core/catalog/types';
import type { LossName } from '../../core/catalog/training';

export type LossFn = (targets: Tensor, output: Tensor) => tf.Scalar;

/**
 * Cross-entropy of logits `z` against target rows that each sum to 1 (one-hot, or smoothed):
 * -mean over rows of Σ t·log softmax(z), with its gradient written out, (softmax(z) - t) / rows.
 * tfjs derives it through logSoftmax, the sum and the mean in about 15 kernels a step; this is 4
 * (the reference MLP's loss went from 122 to 88 µs a step on wasm, the same values).
 */
function softmaxCrossEntropy(t: Tensor, z: Tensor): tf.Scalar {
  const rows = z.size / z.shape[z.shape.length - 1]!;
  const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [logits, target, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    const logp = tf.logSoftmax(logits);
    save([logp, target]);
    return {
      value: tf.neg(tf.div(tf.sum(tf.mul(target, logp)), rows)) as tf.Scalar,
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(tf.sub(tf.exp(saved[0]!), saved[1]!), tf.div(dy, rows)), tf.zerosLike(saved[1]!)],
    };
  });
  return f(z, t) as tf.Scalar;
}

const EPS = 1e-7;

export class LossError extends Error {}

type LossArgs = Readonly<Record<string, unknown>>;

/** Each loss of the catalogue in tfjs (a table keyed by its names: a loss without one is a type error). */
const TFJS_LOSSES: Record<LossName, (a: LossArgs, units: number, classes: number | undefined) => LossFn> = {
  mse: (_, __, classes) => (y, p) => tf.mean(tf.squaredDifference(regressionTargets(y, p, classes), p)),
  mae: (_, __, classes) => (y, p) => tf.mean(tf.abs(tf.sub(regressionTargets(y, p, classes), p))),
  huber: (a, _, classes) => {
    const delta = a.delta as number;
    return (y, p) => {
      const e = tf.abs(tf.sub(regressionTargets(y, p, classes), p));
      const quad = tf.minimum(e, delta);
      // ½·min(e,δ)² + δ·(e - min(e,δ)) is ½e² below δ and δ(e - ½δ) above: one smooth formula
      return tf.mean(tf.add(tf.mul(0.5, tf.square(quad)), tf.mul(delta, tf.sub(e, quad))));
    };
  },
  cross_entropy: (a) => {
    const fromLogits = a.from_logits !== false;
    const smoothing = (a.label_smoothing as number | undefined) ?? 0;
    return (y, p) => {
      const k = p.shape[p.shape.length - 1]!;
      let target = tf.oneHot(tf.cast(y, 'int32'), k).toFloat();
      if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / k);
      if (fromLogits) return softmaxCrossEntropy(target, p);
      const logp = tf.log(tf.clipByValue(p, EPS, 1 - EPS));
      return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), -1)));
    };
  },
  binary_cross_entropy: (a) => {
    const fromLogits = a.from_logits !== false;
    return (y, p) => {
      const t = tf.reshape(tf.cast(y, 'float32'), p.shape);
      if (fromLogits) {
        const z = p;
        return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, t)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
      }
      const q = tf.clipByValue(p, EPS, 1 - EPS);
      return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q))))));
    };
  },
  hinge: (a, units) => {
    const margin = a.margin as number;
    if (units === 1) {
      return (y, p) => {
        const t = tf.sub(tf.mul(tf.reshape(tf.cast(y, 'float32'), p.shape), 2), 1);
        return tf.mean(tf.relu(tf.sub(margin, tf.mul(t, p))));
      };
    }
    return (y, p) => {
      const k = p.shape[p.shape.length - 1]!;
      const onehot = tf.oneHot(tf.cast(y, 'int32'), k).toFloat();
      const trueScore = tf.sum(tf.mul(onehot, p), -1, true);
      // margin + s_j - s_y for every j, with the true class's own term removed
      const terms = tf.mul(tf.relu(tf.add(tf.sub(p, trueScore), margin)), tf.sub(1, onehot));
      return tf.mean(tf.sum(terms, -1));
    };
  },
};

/** The tfjs loss for a bound loss; `units` is the model's output width, `classes` the data's. */
/** A loss's tfjs function from its name and arguments (a bound call of the catalogue, or a helper thread's copy of one). */
export function makeLoss(loss: { spec: { name: string }; args: LossArgs }, units: number, classes: number | undefined): LossFn {
  const make = TFJS_LOSSES[loss.spec.name as LossName];
  if (!make) throw new LossError(`no implementation of the loss '${loss.spec.name}'`);
  return make(loss.args, units, classes);
}

/**
 * A regression loss on class data compares with one-hot rows (mse on one-hot labels), or with
 * one output unit, with the class index as a number (0 and 1 of two classes; the check allows
 * no other width: NN406, NN404).
 */
function regressionTargets(y: Tensor, p: Tensor, classes: number | undefined): Tensor {
  if (classes === undefined) return y;
  const k = p.shape[p.shape.length - 1]!;
  if (k === 1) return tf.reshape(tf.cast(y, 'float32'), p.shape);
  return tf.oneHot(tf.cast(y, 'int32'), k).toFloat();
}

/** How the model's output turns into a class: argmax, or a threshold for one output unit. */
export function binaryThreshold(loss: BoundFn): number {
  return thresholdFor(loss.spec.name, loss.args.from_logits);
}

/** `binaryThreshold` by the loss's name and from_logits argument (as a run's config.json records them). */
export function thresholdFor(loss: string, fromLogits: unknown): number {
  // a regression loss on two classes fits 0 and 1: its output is cut at 0.5, as probabilities are
  const probabilities = fromLogits === false || loss === 'mse' || loss === 'mae' || loss === 'huber';
  return probabilities ? 0.5 : 0;
}
