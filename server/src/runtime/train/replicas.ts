// Training on several threads by splitting the batch: data parallelism inside one process.
//
// The threaded wasm engine (runtime/wasm-threads.ts) shares each operation among XNNPACK's
// threads, which meet at every operation: a small model's operations are too short to share (the
// reference MLP trained slower on 2 threads than on 1, docs/backends.md). Here each of N threads
// trains a copy of the model on its rows of the batch, with the single-threaded engine, and the
// threads meet once a step:
//
//   this thread                              each helper (replica-worker.ts, a worker_thread)
//   writes the batch into shared buffers
//   publishes the weights               ->  takes the weights
//   forward and backward on rows [0, r0)     forward and backward on its rows
//   waits for the helpers                <-  its gradients, loss and outputs, in shared buffers
//   averages the gradients (each shard's mean loss weighted by its rows), clips them, steps
//
// The average is the gradient of the batch's mean loss, as one thread computes it, up to the order
// of float sums; dropout cuts each shard's masks from the whole batch's (layers/dropout.ts), so a
// replica drops what one thread drops. So N threads train what one thread trains, to rounding, and
// the same seed on the same thread count repeats a run exactly (the shards and the order of the
// sums are fixed). Batch normalization is the exception: its statistics are the batch's, so a
// model with batch_norm is not split (`replicable`) and runs on the threaded engine instead.
//
// Evaluation batches (validation, test) are split the same way, in inference mode (CMD_EVAL).
//
// All communication is through SharedArrayBuffers and Atomics: between steps a helper spins
// briefly, then blocks in Atomics.wait, and never needs its event loop; its error is written to
// shared memory, and a helper that dies is noticed through its 'exit' event while this thread
// waits.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { tf, type Tensor } from '../tf';
import { isLayerNode, type ModelDesc } from '../../core/model';
import { EVAL_ROWS } from '../../core/memory';
import type { LayerKind } from '../../core/catalog/layers';
import { rmsg, renderRuntime, type RuntimeMessage } from '../../core/runtime-messages';
import type { Shard } from '../layers/dropout';
import { workersUnsupported } from '../wasm-threads';

/** How long the helpers may take to start (each loads tfjs and compiles the model). */
const START_TIMEOUT_MS = 60_000;

/**
 * How long a thread that waits for the other side spins before it sleeps (ms). A sleeping thread
 * woken by Atomics.notify took 0.2-0.3 ms to run again here (2 cores), a tenth of the MLP's step.
 */
const SPIN_MS = 5;

/** Then how long this thread blocks before it waits with its event loop, which hears a helper's death (ms). */
const BLOCK_MS = 100;

/** The bytes of a helper's error text. */
const ERROR_BYTES = 4096;

// the control words (Int32Array over shared memory)
const C_SEQ = 0; // the command's number, raised by this thread for each command
const C_CMD = 1; // CMD_STEP, CMD_EVAL or CMD_QUIT
const C_TOTAL = 2; // the batch's rows
const C_SEED = 3; // the step's dropout seed (uint32 bits)
const C_PUBLISHED = 4; // 1: the command's weights are in the shared buffer (0: the helpers hold them from the last command)
const C_HELPERS = 8; // then per helper: its first row, its rows, the command it finished, its status, its error's length
const H_OFFSET = 0;
const H_ROWS = 1;
const H_DONE = 2;
const H_STATUS = 3;
const H_ERROR_LENGTH = 4;
const H_WORDS = 8;

/** a training step: gradients, loss and outputs of a shard */
export const CMD_STEP = 1;
export const CMD_QUIT = 2;
/** an evaluation batch: outputs and mean loss of a shard in inference mode */
export const CMD_EVAL = 3;
export const STATUS_OK = 0;
export const STATUS_FAILED = 1;


/**
 * Whether a layer's output in training reads other rows of the batch (batch statistics): such a
 * layer computes something else on a part of the batch. Every layer of the catalogue has its
 * entry: a new one without is a type error, so its author decides.
 */
const READS_THE_BATCH: Record<LayerKind, boolean> = {
  dense: false,
  flatten: false,
  reshape: false,
  dropout: false, // its masks are cut from the whole batch's (layers/dropout.ts)
  poly_features: false,
  relu: false,
  leaky_relu: false,
  elu: false,
  gelu: false,
  sigmoid: false,
  tanh: false,
  softmax: false,
  batch_norm: true,
  layer_norm: false, // over each sample's own features
  conv1d: false,
  conv2d: false,
  max_pool: false,
  avg_pool: false,
  global_avg_pool: false,
  global_max_pool: false,
  upsampling: false,
  simple_rnn: false,
  lstm: false,
  gru: false,
  bidirectional: false,
  embedding: false,
  positional_embedding: false,
  self_attention: false, // attends within a sample; its dropout as dropout's
  transformer_encoder: false,
};

/** True when training the model on parts of a batch computes what training it on the whole does: no layer reads the batch (batch_norm). */
export function replicable(desc: ModelDesc): boolean {
  return !desc.nodes.some((n) => isLayerNode(n) && READS_THE_BATCH[n.kind]);
}

/** The rows each of `count` replicas trains on, of a batch of `rows`: nearly equal parts in order, the first the largest; empty parts for a batch smaller than `count`. */
export function shards(rows: number, count: number): { offset: number; rows: number }[] {
  const out: { offset: number; rows: number }[] = [];
  const base = Math.floor(rows / count);
  const extra = rows % count;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const r = base + (i < extra ? 1 : 0);
    out.push({ offset, rows: r });
    offset += r;
  }
  return out;
}

/** What a helper needs to build its copy of the model and its loss (structured-cloneable). */
export interface ReplicaSpec {
  desc: ModelDesc;
  seed: number;
  loss: { name: string; args: Record<string, unknown> };
  classification: boolean;
  classes?: number;
  units: number;
  featureShape: number[];
  xw: number;
  yw: number;
  batchSize: number;
}

/** The shared buffers of a replica set; the same layout on both sides. */
export interface ReplicaBuffers {
  control: SharedArrayBuffer;
  /** per helper: its shard's mean loss (float64) */
  losses: SharedArrayBuffer;
  /** every weight of the model (trainable or not), in model.weights' order */
  weights: SharedArrayBuffer;
  /** per helper: the gradients of the trainable weights, in trainableWeights' order */
  grads: SharedArrayBuffer;
  /** the model's outputs for the whole batch */
  out: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** per helper: its error's UTF-8 text */
  errors: SharedArrayBuffer;
}

/** The worker's data: the spec, its index among the helpers and the buffers. */
export interface ReplicaInit {
  spec: ReplicaSpec;
  helper: number;
  helpers: number;
  buffers: ReplicaBuffers;
  /** the sizes of model.weights and of trainableWeights, for the layout */
  weightSizes: number[];
  gradSizes: number[];
  outWidth: number;
}

/** Views of the buffers, made the same way on both sides. */
export class ReplicaViews {
  readonly control: Int32Array;
  readonly losses: Float64Array;
  readonly weights: Float32Array;
  readonly out: Float32Array;
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  readonly errors: Uint8Array;
  private readonly grads: Float32Array;
  private readonly gradTotal: number;

  constructor(
    readonly init: Omit<ReplicaInit, 'helper'>,
  ) {
    const b = init.buffers;
    this.control = new Int32Array(b.control);
    this.losses = new Float64Array(b.losses);
    this.weights = new Float32Array(b.weights);
    this.grads = new Float32Array(b.grads);
    this.out = new Float32Array(b.out);
    this.x = new Float32Array(b.x);
    this.y = init.spec.classification ? new Int32Array(b.y) : new Float32Array(b.y);
    this.errors = new Uint8Array(b.errors);
    this.gradTotal = init.gradSizes.reduce((a, s) => a + s, 0);
  }

  /** Helper h's gradients, all trainable weights one after another. */
  gradsOf(h: number): Float32Array {
    return this.grads.subarray(h * this.gradTotal, (h + 1) * this.gradTotal);
  }

  word(h: number, w: number): number {
    return C_HELPERS + h * H_WORDS + w;
  }

  /** The shard helper h trains on in the step now. */
  shardOf(h: number): Shard {
    const c = this.control;
    return { offset: c[this.word(h, H_OFFSET)]!, rows: c[this.word(h, H_ROWS)]!, total: c[C_TOTAL]! };
  }

  seed(): number {
    return this.control[C_SEED]! >>> 0;
  }

  /** Whether this command's weights were published (else the helper keeps the last command's). */
  published(): boolean {
    return this.control[C_PUBLISHED] === 1;
  }

  /** Helper h's side: the command after `seen` (blocks until there is one). */
  nextCommand(seen: number): { seq: number; cmd: number } {
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(this.control, C_SEQ) === seen && performance.now() < spinUntil);
    Atomics.wait(this.control, C_SEQ, seen);
    const seq = Atomics.load(this.control, C_SEQ);
    return { seq, cmd: Atomics.load(this.control, C_CMD) };
  }

  /** Helper h's side: command `seq` done, with its loss or its error. */
  finish(h: number, seq: number, loss: number, error?: string): void {
    this.losses[h] = loss;
    if (error !== undefined) {
      const bytes = new TextEncoder().encode(error).subarray(0, ERROR_BYTES);
      this.errors.set(bytes, h * ERROR_BYTES);
      this.control[this.word(h, H_ERROR_LENGTH)] = bytes.length;
    }
    Atomics.store(this.control, this.word(h, H_STATUS), error === undefined ? STATUS_OK : STATUS_FAILED);
    Atomics.store(this.control, this.word(h, H_DONE), seq);
    Atomics.notify(this.control, this.word(h, H_DONE));
  }

  errorOf(h: number): string {
    const n = this.control[this.word(h, H_ERROR_LENGTH)]!;
    return new TextDecoder().decode(this.errors.slice(h * ERROR_BYTES, h * ERROR_BYTES + n));
  }
}

/** A helper thread that failed or could not start; `said` is why, as a message id. */
export class ReplicaError extends Error {
  constructor(readonly said: RuntimeMessage) {
    super(renderRuntime(said, 'en'));
  }
}

const nodeRequire = createRequire(__filename);

/** An error's own text (from JavaScript or the system: not translated) as a message. */
function systemText(e: unknown): RuntimeMessage {
  return rmsg('systemText', { text: e instanceof Error ? e.message : String(e ?? 'no reason given') });
}

/** A model's weights in order, by name and shape: a model published to the helpers must have their layout. */
function layoutOf(model: tf.LayersModel): string {
  return JSON.stringify(model.weights.map((w) => [w.originalName, w.shape]));
}

/** The helper's script: the bundle's (dist/replica-worker.js, next to cli.js) or, run from the sources, the TypeScript. */
export function replicaWorkerFile(): string {
  return path.join(__dirname, __filename.endsWith('.ts') ? 'replica-worker.ts' : 'replica-worker.js');
}

/** Why threads that split the batch cannot run here, or undefined when they can. */
export function replicasUnsupported(): RuntimeMessage | undefined {
  return workersUnsupported(replicaWorkerFile());
}

/** Starts a helper: the bundle's script, or the TypeScript through tsx (tests and benches run the sources). */
function startWorker(init: ReplicaInit): Worker {
  const file = replicaWorkerFile();
  if (!file.endsWith('.ts')) return new Worker(file, { workerData: init });
  const code = `require(${JSON.stringify(nodeRequire.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(file)});`;
  return new Worker(code, { eval: true, workerData: init });
}

/** A step's results from the helpers: their shards and mean losses (their gradients and outputs are in the shared buffers until the next command). */
export interface HelperResults {
  shard: { offset: number; rows: number }[];
  loss: number[];
}

/**
 * N-1 helper threads, each training a copy of the model on its part of every batch; this thread
 * trains on the first part. The batch buffers `x` and `y` are shared: the trainer gathers batches
 * into them.
 */
export class Replicas {
  private seq = 0;
  private dead: ReplicaError | undefined;
  private readonly deaths: Promise<never>;
  private closed = false;

  private constructor(
    readonly count: number,
    readonly views: ReplicaViews,
    private readonly workers: Worker[],
    private readonly weightSizes: number[],
    readonly gradSizes: number[],
    /** the rows the shared batch holds */
    readonly capacity: number,
    /** the weights' names and shapes in order (layoutOf), which every model published must have */
    private readonly layout: string,
  ) {
    this.deaths = new Promise<never>((_, reject) => {
      workers.forEach((w, h) => {
        const die = (why: RuntimeMessage) => {
          if (this.closed) return;
          this.dead ??= new ReplicaError(rmsg('replicaFailed', { thread: h + 2, threads: count, why }));
          reject(this.dead);
        };
        w.on('error', (e) => die(systemText(e)));
        w.on('exit', (code) => die(rmsg('threadExited', { code })));
      });
    });
    this.deaths.catch(() => undefined);
  }

  get x(): Float32Array {
    return this.views.x;
  }

  get y(): Int32Array | Float32Array {
    return this.views.y;
  }

  /** the outputs of the batch's rows */
  get out(): Float32Array {
    return this.views.out;
  }

  get outWidth(): number {
    return this.views.init.outWidth;
  }

  /** Starts `count - 1` helpers for `model` (this thread's copy: the layout of weights and outputs). */
  static async start(count: number, spec: ReplicaSpec, model: tf.LayersModel): Promise<Replicas> {
    const helpers = count - 1;
    // the shared batch holds a training batch or an evaluation batch
    const rows = Math.max(spec.batchSize, EVAL_ROWS);
    const size = (shape: (number | null)[]) => tf.util.sizeFromShape(shape.map((d) => d ?? 1));
    const weightSizes = model.weights.map((w) => size(w.shape));
    const gradSizes = model.trainableWeights.map((w) => size(w.shape));
    const outWidth = size(model.outputs[0]!.shape.slice(1));
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
    const buffers: ReplicaBuffers = {
      control: shared(4 * (C_HELPERS + helpers * H_WORDS)),
      losses: shared(8 * helpers),
      weights: shared(4 * sum(weightSizes)),
      grads: shared(4 * helpers * sum(gradSizes)),
      out: shared(4 * rows * outWidth),
      x: shared(4 * rows * spec.xw),
      y: shared(4 * rows * spec.yw),
      errors: shared(ERROR_BYTES * helpers),
    };
    const base = { spec, helpers, buffers, weightSizes, gradSizes, outWidth };
    const views = new ReplicaViews(base);
    const workers: Worker[] = [];
    try {
      for (let h = 0; h < helpers; h++) workers.push(startWorker({ ...base, helper: h }));
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.all(
            workers.map(
              (w, h) =>
                new Promise<void>((resolve, reject) => {
                  const fail = (why: RuntimeMessage) => reject(new ReplicaError(rmsg('replicaFailed', { thread: h + 2, threads: count, why })));
                  w.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : fail(systemText(m.error))));
                  w.once('error', (e) => fail(systemText(e)));
                  w.once('exit', (code) => fail(rmsg('threadExited', { code })));
                }),
            ),
          ),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new ReplicaError(rmsg('threadsStartTimeout', { seconds: START_TIMEOUT_MS / 1000 }))), START_TIMEOUT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      for (const w of workers) {
        w.removeAllListeners();
        w.on('error', () => undefined);
        void w.terminate();
      }
      throw e;
    }
    for (const w of workers) {
      w.removeAllListeners();
      // a helper blocked in Atomics.wait must not keep the process alive after the run
      w.unref();
    }
    return new Replicas(count, views, workers, weightSizes, gradSizes, rows, layoutOf(model));
  }

  /**
   * Starts a training step (CMD_STEP) or an evaluation batch (CMD_EVAL) of `rows` (the batch is
   * in `x` and `y`): publishes `model`'s weights (every step: the last step, a resume or a restore
   * changed them; an evaluation may be of other weights of the same model, best/'s; `publish`
   * false: the weights of the last command, an evaluation's later batches) and wakes the helpers
   * on their shards. Returns this thread's shard.
   */
  begin(model: tf.LayersModel, rows: number, seed: number, cmd: typeof CMD_STEP | typeof CMD_EVAL = CMD_STEP, publish = true): Shard {
    if (this.dead) throw this.dead;
    const c = this.views.control;
    if (publish) {
      if (layoutOf(model) !== this.layout) throw new Error(`replicas: model '${model.name}' is not the model the helpers were started for`);
      let at = 0;
      model.weights.forEach((w, i) => {
        this.views.weights.set(w.read().dataSync() as Float32Array, at);
        at += this.weightSizes[i]!;
      });
    }
    c[C_PUBLISHED] = publish ? 1 : 0;
    const parts = shards(rows, this.count);
    for (let h = 0; h < this.count - 1; h++) {
      c[this.views.word(h, H_OFFSET)] = parts[h + 1]!.offset;
      c[this.views.word(h, H_ROWS)] = parts[h + 1]!.rows;
    }
    c[C_TOTAL] = rows;
    c[C_SEED] = seed | 0;
    Atomics.store(c, C_CMD, cmd);
    Atomics.store(c, C_SEQ, ++this.seq);
    Atomics.notify(c, C_SEQ);
    return { ...parts[0]!, total: rows };
  }

  /**
   * The mean loss and the outputs of one evaluation batch of `rows` (in `x` and `y`), on
   * `model`'s weights in inference mode: this thread's shard by `forward`, the others' by the
   * helpers. The outputs are in `out`.
   */
  async evaluate(model: tf.LayersModel, rows: number, forward: (shard: Shard) => number, publish = true): Promise<{ loss: number; out: Float32Array }> {
    const own = this.begin(model, rows, 0, CMD_EVAL, publish);
    let sum = 0;
    let failed: { error: unknown } | undefined;
    try {
      sum = forward(own) * own.rows;
    } catch (error) {
      failed = { error };
    }
    // the helpers' part is waited for even when this thread's failed: the buffers are theirs until then
    const helpers = await this.end();
    if (failed) throw failed.error;
    helpers.shard.forEach((s, h) => (sum += s.rows > 0 ? helpers.loss[h]! * s.rows : 0));
    return { loss: sum / rows, out: this.views.out.subarray(0, rows * this.outWidth) };
  }

  /** Waits for the helpers' part of the step begun last; throws a ReplicaError when one failed or died. */
  async end(): Promise<HelperResults> {
    const c = this.views.control;
    for (let h = 0; h < this.count - 1; h++) {
      const at = this.views.word(h, H_DONE);
      // usually done, or about to be: spin, block briefly, then listen for a death while waiting
      let done = Atomics.load(c, at);
      const spinUntil = performance.now() + SPIN_MS;
      while (done !== this.seq && performance.now() < spinUntil) done = Atomics.load(c, at);
      if (done !== this.seq) {
        Atomics.wait(c, at, done, BLOCK_MS);
        done = Atomics.load(c, at);
      }
      if (done !== this.seq) {
        // Atomics.waitAsync holds nothing open in Node 20, and the helpers are unreferenced: without
        // a referenced handle the process would end here, before the helper's 'exit' could be heard
        const open = setInterval(() => undefined, 60_000);
        try {
          while (done !== this.seq) {
            const w = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t?: number): { async: boolean; value: Promise<string> | string } }).waitAsync(c, at, done, 1000);
            if (w.async) await Promise.race([w.value, this.deaths]);
            if (this.dead) throw this.dead;
            done = Atomics.load(c, at);
          }
        } finally {
          clearInterval(open);
        }
      }
      if (Atomics.load(c, this.views.word(h, H_STATUS)) !== STATUS_OK) {
        this.dead = new ReplicaError(rmsg('replicaFailed', { thread: h + 2, threads: this.count, why: systemText(this.views.errorOf(h)) }));
        throw this.dead;
      }
    }
    const parts = shards(c[C_TOTAL]!, this.count);
    return { shard: parts.slice(1), loss: Array.from(this.views.losses) };
  }

  /**
   * The batch's gradients: `own[i]`, this thread's gradient of trainable weight `index[i]` on its
   * shard, plus the helpers' of the same weight, each weighted by its shard's rows, summed in a
   * fixed order (this thread's, then each helper's), so the same inputs give the same bits.
   */
  combine(own: Tensor[], index: number[], ownRows: number, helpers: HelperResults, total: number): Tensor[] {
    const offsets: number[] = [];
    let at = 0;
    for (const s of this.gradSizes) {
      offsets.push(at);
      at += s;
    }
    return own.map((g, i) => {
      const j = index[i]!;
      let sum = tf.mul(g, ownRows / total);
      helpers.shard.forEach((s, h) => {
        if (s.rows === 0) return;
        const view = this.views.gradsOf(h).subarray(offsets[j]!, offsets[j]! + this.gradSizes[j]!);
        sum = tf.add(sum, tf.mul(tf.tensor(view, g.shape, 'float32'), s.rows / total));
      });
      return sum;
    });
  }

  /** Ends the helpers. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    const c = this.views.control;
    Atomics.store(c, C_CMD, CMD_QUIT);
    Atomics.store(c, C_SEQ, ++this.seq);
    Atomics.notify(c, C_SEQ);
    for (const w of this.workers) void w.terminate();
  }
}
