// What the trainer, `nn evaluate` and `nn predict` share: how a train block's task turns into a
// loss, metric set-up and batch tensors, and evaluation of a model on a whole split in
// inference mode (dropout off, batch norm on its moving averages).

import { tf, type Tensor, type LayersModel } from '../tf';
import type { BoundFn, OptimizerSpec } from '../../core/catalog/types';
import type { LoadedData, Split } from '../../data/types';
import type { Evaluation } from './protocol';
import type { TrainConfig } from '../../core/train';
import { OVERFITTING_EPOCHS, type Overfitting } from './monitor';
import { rmsg, type Offer, type RuntimeMessage } from '../../core/runtime-messages';
import { makeLoss, binaryThreshold, type LossFn } from './losses';
import { MetricsAccumulator, type MetricsSetup } from './metrics';
import type { Replicas } from './replicas';

/** Everything about a training task that does not change during training. */
export interface Task {
  data: LoadedData;
  featureShape: number[];
  /** values per sample in x, and per sample in y (1 for class labels) */
  xw: number;
  yw: number;
  classification: boolean;
  units: number;
  lossFn: LossFn;
  metrics: MetricsSetup;
}

export function outputUnits(model: LayersModel): number {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1] ?? 1;
}

export function makeTask(model: LayersModel, data: LoadedData, loss: BoundFn, metrics: readonly BoundFn[]): Task {
  const units = outputUnits(model);
  const classification = data.task === 'classification';
  const xw = data.featureShape.reduce((a, b) => a * b, 1);
  const yw = classification ? 1 : (data.targetDims ?? 1);
  return {
    data,
    featureShape: data.featureShape,
    xw,
    yw,
    classification,
    units,
    lossFn: makeLoss(loss, units, classification ? data.classes : undefined),
    metrics: { task: data.task, units, classes: data.classes, threshold: binaryThreshold(loss), metrics },
  };
}

/** What a batch's tensors are made from, of a task: a helper thread (replica-worker.ts) has this much of one. */
export type BatchLayout = Pick<Task, 'featureShape' | 'xw' | 'yw' | 'classification'>;

/** The batch tensors of the first `b` rows of reusable buffers (no copy on the cpu backend). */
export function batchTensors(task: BatchLayout, x: Float32Array, y: Int32Array | Float32Array, b: number): { xs: Tensor; ys: Tensor } {
  const xs = tf.tensor(x.subarray(0, b * task.xw), [b, ...task.featureShape], 'float32');
  const ys = task.classification ? tf.tensor1d(y.subarray(0, b) as Int32Array, 'int32') : tf.tensor2d(y.subarray(0, b * task.yw) as Float32Array, [b, task.yw], 'float32');
  return { xs, ys };
}

/**
 * The gradients of a batch's mean loss plus the layers' penalties, the model in training mode
 * (dropout on, batch statistics); `out` receives the model's outputs. The trainer's step, on the
 * whole batch or on this thread's shard, and a helper thread's (replica-worker.ts).
 */
export function trainingGrads(model: LayersModel, lossFn: LossFn, xs: Tensor, ys: Tensor, variables: tf.Variable[], out: (outputs: Float32Array) => void): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  return tf.variableGrads(() => {
    const p = model.apply(xs, { training: true }) as Tensor;
    out(p.dataSync() as Float32Array);
    const l = lossFn(ys, p);
    const pen = penalty(model);
    return pen ? tf.add(l, pen) : l;
  }, variables);
}

/** A batch's mean loss without the penalties, the model in inference mode; `out` receives its outputs. */
export function inferenceLoss(model: LayersModel, lossFn: LossFn, xs: Tensor, ys: Tensor, out: (outputs: Float32Array) => void): number {
  return tf.tidy(() => {
    const p = model.apply(xs, { training: false }) as Tensor;
    out(p.dataSync() as Float32Array);
    return lossFn(ys, p).dataSync()[0]!;
  });
}

/** The sum of the layers' regularization penalties (l1/l2 on kernels and biases), or undefined. */
export function penalty(model: LayersModel): tf.Scalar | undefined {
  const losses = model.calculateLosses();
  return losses.length ? (tf.addN(losses) as tf.Scalar) : undefined;
}

/**
 * Evaluate on a whole split in inference mode: loss (with the penalties), metrics, confusion
 * matrix. With `replicas` (training on threads that split the batch), each batch is split among
 * the threads too.
 */
export async function evaluateSplit(model: LayersModel, task: Task, split: Split, batchSize = 256, replicas?: Replicas): Promise<Evaluation> {
  const acc = new MetricsAccumulator(task.metrics);
  const pen = tf.tidy(() => penalty(model)?.dataSync()[0] ?? 0);
  if (replicas) batchSize = Math.min(batchSize, replicas.capacity);
  for (let from = 0; from < split.n; from += batchSize) {
    const b = Math.min(batchSize, split.n - from);
    const x = split.x.subarray(from * task.xw, (from + b) * task.xw) as Float32Array;
    const y = split.y.subarray(from * task.yw, (from + b) * task.yw);
    // read out through variables, not tidy's result: tidy walks a returned typed array index by index
    let loss = 0;
    let out: Float32Array = new Float32Array(0);
    const forward = (bx: Float32Array, by: Int32Array | Float32Array, rows: number) =>
      tf.tidy(() => {
        const { xs, ys } = batchTensors(task, bx, by, rows);
        return inferenceLoss(model, task.lossFn, xs, ys, (o) => (out = o));
      });
    if (replicas) {
      replicas.x.set(x);
      replicas.y.set(y);
      // this thread's shard is the batch's first rows
      // the weights go to the helpers with the first batch
      ({ loss, out } = await replicas.evaluate(
        model,
        b,
        (own) => {
          const l = forward(replicas.x, replicas.y, own.rows);
          replicas.out.set(out);
          return l;
        },
        from === 0,
      ));
    } else {
      loss = forward(x, y, b);
    }
    acc.add(out, y, b, loss + pen);
  }
  const ev: Evaluation = { loss: acc.loss, metrics: acc.values() };
  if (acc.confusion) {
    ev.confusion = acc.confusion;
    if (task.data.classNames) ev.classNames = task.data.classNames;
  }
  return ev;
}

/** The model's outputs for `n` samples laid out in `x` (inference mode), in batches. */
export function predictRows(model: LayersModel, featureShape: number[], x: Float32Array, n: number, batchSize = 256): Float32Array {
  const xw = featureShape.reduce((a, b) => a * b, 1);
  const units = outputUnits(model);
  const out = new Float32Array(n * units);
  for (let from = 0; from < n; from += batchSize) {
    const b = Math.min(batchSize, n - from);
    tf.tidy(() => {
      out.set((model.apply(tf.tensor(x.subarray(from * xw, (from + b) * xw), [b, ...featureShape], 'float32'), { training: false }) as Tensor).dataSync() as Float32Array, from * units);
    });
  }
  return out;
}

/**
 * What a run that over-fits is told: from which epoch, and what the lessons offer against it
 * that this train block does not use yet (early stopping, dropout, an L2 penalty, augmentation).
 */
export function overfittingAdvice(cfg: TrainConfig, image: boolean, o: Overfitting): RuntimeMessage {
  const nodes = cfg.model?.nodes ?? [];
  const offers: Offer[] = [];
  if (!cfg.earlyStopping) offers.push('early_stopping');
  if (!nodes.some((n) => n.kind === 'dropout')) offers.push('dropout');
  if (!nodes.some((n) => n.args.kernel_regularizer !== undefined)) offers.push('l2');
  if (image && !cfg.augment.length) offers.push('augment');
  return rmsg('overfitting', { from: o.from, to: o.to, best: num4(o.best), last: num4(o.last), offers, patience: OVERFITTING_EPOCHS });
}

function num4(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/** The advice when the loss stops being a finite number. */
export function notFiniteAdvice(optimizer: BoundFn, lr: number): RuntimeMessage {
  const spec = optimizer.spec as OptimizerSpec;
  const def = spec.params.find((p) => p.name === 'lr')?.default as number | undefined;
  if (def !== undefined && lr > def) return rmsg('lrTooHigh', { lr, optimizer: spec.name, typical: def });
  return rmsg('lowerLr', { lr });
}
