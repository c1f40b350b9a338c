// One helper of a replica set (replicas.ts): a worker_thread with its own single-threaded wasm
// engine and its own copy of the model. It waits for a command in shared memory, takes the weights
// it starts from, and for a training step computes the gradients of its shard's mean loss and
// writes them, its loss and its outputs back; for an evaluation batch, its outputs and loss. Bundled as dist/replica-worker.js (esbuild.mjs).

import { parentPort, workerData } from 'node:worker_threads';
import { tf } from '../tf';
import { selectBackend } from '../backend';
import { compileModel } from '../compile';
import { makeLoss } from './losses';
import { batchTensors, inferenceLoss, trainingGrads } from './evaluate';
import { ReplicaViews, CMD_EVAL, CMD_QUIT, type ReplicaInit } from './replicas';

async function main(): Promise<void> {
  const init = workerData as ReplicaInit;
  const { spec, helper } = init;
  const views = new ReplicaViews(init);
  await selectBackend('wasm', undefined, 1);
  const { model, noise } = compileModel(spec.desc, { seed: spec.seed });
  const lossFn = makeLoss({ spec: { name: spec.loss.name }, args: spec.loss.args }, spec.units, spec.classes);
  const weights = model.weights;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const grads = views.gradsOf(helper);
  parentPort!.postMessage({ ready: true });

  // tests only: NN_TEST_REPLICA_FAULT=throw:N or exit:N fails this helper's N-th step
  const fault = /^(throw|exit):(\d+)$/.exec(process.env.NN_TEST_REPLICA_FAULT ?? '');
  let steps = 0;
  let seen = 0;
  for (;;) {
    const { seq, cmd } = views.nextCommand(seen);
    seen = seq;
    if (cmd === CMD_QUIT) return;
    let loss = NaN;
    try {
      if (fault && ++steps === Number(fault[2])) {
        if (fault[1] === 'exit') process.exit(3);
        throw new Error('a fault the test asked for');
      }
      const shard = views.shardOf(helper);
      // the weights this command runs on (even with no rows of this batch: later commands may
      // not publish them again), as new tensors: XNNPACK keeps its packed copy of a weight by its
      // tensor, so data written over in place would not be seen
      if (views.published()) {
        tf.tidy(() => {
          let at = 0;
          weights.forEach((w, i) => {
            const n = init.weightSizes[i]!;
            w.write(tf.tensor(views.weights.subarray(at, at + n), w.shape as number[], 'float32'));
            at += n;
          });
        });
      }
      if (shard.rows > 0) {
        const { offset, rows } = shard;
        // the shard's rows of the shared batch
        const batch = () => batchTensors(spec, views.x.subarray(offset * spec.xw), views.y.subarray(offset * spec.yw), rows);
        const out = (o: Float32Array) => views.out.set(o, offset * init.outWidth);
        if (cmd === CMD_EVAL) {
          loss = tf.tidy(() => {
            const { xs, ys } = batch();
            return inferenceLoss(model, lossFn, xs, ys, out);
          });
        } else {
          loss = noise.step(
            views.seed(),
            () =>
              tf.tidy(() => {
                const { xs, ys } = batch();
                const { value, grads: g } = trainingGrads(model, lossFn, xs, ys, variables, out);
                let at = 0;
                variables.forEach((v, j) => {
                  const n = init.gradSizes[j]!;
                  const gj = g[v.name];
                  if (gj) grads.set(gj.dataSync() as Float32Array, at);
                  else grads.fill(0, at, at + n);
                  at += n;
                });
                return value.dataSync()[0]!;
              }),
            shard,
          );
        }
      }
      views.finish(helper, seq, loss);
    } catch (e) {
      views.finish(helper, seq, NaN, e instanceof Error ? e.message : String(e));
    }
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  },
);
