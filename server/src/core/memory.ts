// What training a model needs in memory, estimated from the checked model and train block
// before anything is allocated, so that `nn train` can refuse a model the machine cannot hold
// (NN420) instead of dying of an out-of-memory crash. All values are float32 (4 bytes):
//   weights     every weight, and for each trainable one its gradient and the optimizer's slots
//               (adam keeps 2: the running means of the gradient and of its square)
//   activations every layer's output for one sample, times ACTIVATION_FACTOR (kept for the
//               backward pass, its gradient, and a temporary of the op), times the batch size
//   data        the training samples' features, held in memory by the loader
//   copies      on N threads that split the batch (runtime/train/replicas.ts): each of the N-1
//               helper threads' own engine (HELPER_BASE) and heap with its copy of the weights and
//               its gradients, which also pass through shared buffers, and the shared batch (at
//               least EVAL_ROWS rows); the activations are the batch's either way, split among
//               threads. The copies are on the helpers' heaps, not this thread's: they count
//               against the machine's memory, not wasm's 4 GiB (`heap` is this thread's part)
// It is an estimate of the order of magnitude: tfjs adds its own temporaries, and the backend's
// allocator its overhead.

import type { TrainConfig } from './train';
import type { OptimizerSpec } from './catalog/types';

/** Copies of each layer output a training step holds: the output, its gradient, a temporary. */
export const ACTIVATION_FACTOR = 3;
const FLOAT = 4;

/** A helper thread's own engine: a worker with tfjs and its wasm module (measured: 42 MB of peak RSS). */
export const HELPER_BASE = 48 * 2 ** 20;

/** The most rows an evaluation batch gives threads that split the batch: their shared batch holds at least this many (runtime/train/replicas.ts). */
export const EVAL_ROWS = 256;

export interface MemoryEstimate {
  /** weights, their gradients and the optimizer's state, in bytes */
  weights: number;
  /** the optimizer's state tensors per trainable weight */
  slots: number;
  /** a batch's activations, in bytes */
  activations: number;
  batch: number;
  /** the training features in memory, in bytes (0 when the data's size is not known) */
  data: number;
  /** the helper threads' copies of the model and what they share (0 on one thread), in bytes */
  copies: number;
  /** the threads that split the batch */
  threads: number;
  /** what this thread's engine holds: the total less the copies */
  heap: number;
  total: number;
}

/** The estimate for a train block on `threads` threads that split the batch, or undefined when its model's size is not known. */
export function trainingMemory(cfg: TrainConfig, threads = 1): MemoryEstimate | undefined {
  const t = cfg.model?.totals;
  if (!t || t.trainable === null || t.nonTrainable === null || t.activations === null) return undefined;
  const spec = cfg.optimizer?.spec as OptimizerSpec | undefined;
  const slots = spec?.slots ? spec.slots(cfg.optimizer!.args) : 2;
  const weights = FLOAT * (t.trainable * (2 + slots) + t.nonTrainable);
  const activations = FLOAT * ACTIVATION_FACTOR * t.activations * cfg.batchSize;
  const info = cfg.data?.info;
  const features = info?.features;
  const n = (info?.train ?? 0) + (info?.test ?? 0);
  const data = features && features.every((d) => d !== null) ? FLOAT * n * features.reduce<number>((a, b) => a * (b as number), 1) : 0;
  const all = t.trainable + t.nonTrainable;
  const sampleFloats = features && features.every((d) => d !== null) ? features.reduce<number>((a, b) => a * (b as number), 1) : 0;
  // each helper: its engine, its weights and gradients on its heap and its gradients shared; one
  // shared copy of the weights and the shared batch
  const copies = threads > 1 ? (threads - 1) * (HELPER_BASE + FLOAT * (all + 2 * t.trainable)) + FLOAT * all + FLOAT * Math.max(cfg.batchSize, EVAL_ROWS) * sampleFloats : 0;
  const heap = weights + activations + data;
  return { weights, slots, activations, batch: cfg.batchSize, data, copies, threads, heap, total: heap + copies };
}
