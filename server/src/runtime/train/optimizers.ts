// The optimizers of a `train` block on top of tfjs' own, with what tfjs lacks added around the
// step: weight decay (coupled for sgd, as PyTorch's SGD; decoupled for adamw, as PyTorch's AdamW),
// and a learning rate that schedules can change between epochs.
//
// Differences from Keras/PyTorch worth knowing (all from tfjs' implementations):
// - sgd with momentum is PyTorch's form: v ← m·v + g; w ← w - lr·v (nesterov: w ← w - lr·(g + m·v)).
// - adam divides by √v̂ + ε (PyTorch and Keras alike).
// - rmsprop divides by √(v + ε), ε inside the root (TF1/Keras 2 style; PyTorch adds it outside).
// - adagrad divides by √(G + 1e-7), with G starting at initial_accumulator.
// - adamw: w ← w·(1 - lr·weight_decay) before the Adam step (PyTorch's order), on every weight.

import { tf, type Tensor } from '../tf';
import { encodeTensors, type NamedTensor } from './checkpoint';
import { FusedAdamOptimizer } from './adam';
import type { BoundFn } from '../../core/catalog/types';
import type { OptimizerName } from '../../core/catalog/training';

export class OptimizerError extends Error {}

/** tfjs optimizers keep their step size in a field the schedules rewrite between epochs. */
type WithLr = tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };

export interface NamedGrads {
  [variable: string]: Tensor;
}

type OptArgs = Readonly<Record<string, unknown>>;

/** Each optimizer of the catalogue in tfjs, with its weight decay: coupled (added to the gradient) or decoupled. */
const TFJS_OPTIMIZERS: Record<OptimizerName, (a: OptArgs) => { inner: WithLr; coupled: number; decoupled: number }> = {
  sgd: (a) => {
    const lr = a.lr as number;
    const momentum = (a.momentum as number | undefined) ?? 0;
    const inner = momentum > 0 || a.nesterov === true ? tf.train.momentum(lr, momentum, a.nesterov === true) : tf.train.sgd(lr);
    return { inner: inner as unknown as WithLr, coupled: (a.weight_decay as number | undefined) ?? 0, decoupled: 0 };
  },
  adam: (a) => ({ inner: new FusedAdamOptimizer(a.lr as number, a.beta1 as number, a.beta2 as number, a.epsilon as number) as unknown as WithLr, coupled: 0, decoupled: 0 }),
  adamw: (a) => ({
    inner: new FusedAdamOptimizer(a.lr as number, a.beta1 as number, a.beta2 as number, a.epsilon as number) as unknown as WithLr,
    coupled: 0,
    decoupled: (a.weight_decay as number | undefined) ?? 0,
  }),
  rmsprop: (a) => ({ inner: tf.train.rmsprop(a.lr as number, a.rho as number, a.momentum as number, a.epsilon as number) as unknown as WithLr, coupled: 0, decoupled: 0 }),
  adagrad: (a) => ({ inner: tf.train.adagrad(a.lr as number, a.initial_accumulator as number) as unknown as WithLr, coupled: 0, decoupled: 0 }),
};

export class TrainOptimizer {
  /** the learning rate written in the .nn file: schedules start from it */
  readonly baseLr: number;
  private lr: number;

  private constructor(
    readonly name: string,
    readonly inner: WithLr,
    baseLr: number,
    /** coupled decay (added to the gradient) and decoupled decay (applied to the weights) */
    private readonly coupledDecay: number,
    private readonly decoupledDecay: number,
  ) {
    this.baseLr = baseLr;
    this.lr = baseLr;
  }

  static from(opt: BoundFn): TrainOptimizer {
    const make = TFJS_OPTIMIZERS[opt.spec.name as OptimizerName];
    if (!make) throw new OptimizerError(`no implementation of the optimizer '${opt.spec.name}'`);
    const { inner, coupled, decoupled } = make(opt.args);
    return new TrainOptimizer(opt.spec.name, inner, opt.args.lr as number, coupled, decoupled);
  }

  get learningRate(): number {
    return this.lr;
  }

  set learningRate(lr: number) {
    this.lr = lr;
    // sgd and momentum cache -lr in a tensor (setLearningRate rebuilds it); the others read the field
    if (this.inner.setLearningRate) this.inner.setLearningRate(lr);
    else this.inner.learningRate = lr;
  }

  /**
   * One step. `grads` are keyed by variable name in a fixed order (tfjs' optimizers match their
   * slots to variables by position). Call inside tf.tidy.
   */
  apply(grads: NamedGrads, variables: readonly tf.Variable[]): void {
    if (this.coupledDecay > 0) {
      for (const v of variables) {
        const g = grads[v.name];
        if (g) grads[v.name] = tf.add(g, tf.mul(v, this.coupledDecay));
      }
    }
    if (this.decoupledDecay > 0) {
      const keep = 1 - this.lr * this.decoupledDecay;
      for (const v of variables) if (grads[v.name]) v.assign(tf.mul(v, keep));
    }
    this.inner.applyGradients(grads);
  }

  /** The optimizer's state (step count, moments) encoded for a checkpoint. */
  async encodeState(): Promise<{ bin: Uint8Array; specs: tf.io.WeightsManifestEntry[] }> {
    const weights = await this.inner.getWeights();
    try {
      return await encodeTensors(weights);
    } finally {
      // the step count is a new scalar on every call; the rest are the optimizer's live slots
      tf.dispose(weights.filter((w) => w.name === 'iter').map((w) => w.tensor));
    }
  }

  setWeights(weights: NamedTensor[]): Promise<void> {
    return this.inner.setWeights(weights);
  }

  dispose(): void {
    this.inner.dispose();
  }
}

/** Rescale gradients whose global norm exceeds `clip` (tf.clip_by_global_norm). Inside tf.tidy. */
export function clipByGlobalNorm(grads: NamedGrads, clip: number): NamedGrads {
  const names = Object.keys(grads);
  const total = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
  const scale = tf.div(clip, tf.maximum(total, clip));
  const out: NamedGrads = {};
  for (const n of names) out[n] = tf.mul(grads[n], scale);
  return out;
}
