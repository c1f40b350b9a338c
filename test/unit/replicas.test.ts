// Training on threads that split the batch (server/src/runtime/train/replicas.ts): the shards
// cover the batch; a replica's dropout masks are the rows of the masks one thread draws; a helper
// that fails or dies stops the run with its reason (never a hang), keeps last/ before the batch,
// and the resumed run ends with the numbers of an uninterrupted one; k-fold and layer statistics run
// on the helpers; the memory estimate counts the copies. 1 thread against 2 and the start line:
// wasm-threads.test.ts.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { shards, replicable } from '../../server/src/runtime/train/replicas';
import { dropout, DropoutNoise } from '../../server/src/runtime/layers/dropout';
import { useWasmThreads } from '../../server/src/runtime/wasm-threads';
import { selectBackend } from '../../server/src/runtime/backend';
import { main } from '../../server/src/cli/main';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { trainingMemory, HELPER_BASE } from '../../server/src/core/memory';
import { availableMemory, checkedTrain, memoryRefusal } from '../../server/src/cli/common';
import { describeModel } from '../../server/src/core/model';
import { analyzeText, WAVES_NN } from '../helpers';

describe('threads that split the batch', function () {
  this.timeout(300_000);

  it('the shards cover the batch in order, the first the largest, empty ones only past the rows', () => {
    for (let rows = 0; rows <= 40; rows++) {
      for (let count = 1; count <= 8; count++) {
        const s = shards(rows, count);
        assert.equal(s.length, count);
        let at = 0;
        for (const p of s) {
          assert.equal(p.offset, at);
          at += p.rows;
        }
        assert.equal(at, rows);
        const sizes = s.map((p) => p.rows);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1 && sizes[0] === Math.max(...sizes), `${rows} rows on ${count}: ${sizes}`);
      }
    }
  });

  it("a replica's dropout masks are the rows of the whole batch's, also where the first axis holds several entries per row", async () => {
    await selectBackend('wasm', undefined, 1);
    try {
      for (const [shape, per] of [
        [[10, 6], 1],
        [[10, 4, 3], 1],
        [[30, 5, 5], 3], // attention's [B·heads, T, T] with 3 heads
      ] as [number[], number][]) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
        const noise = new DropoutNoise();
        const whole = noise.step(99, () => dropout(x, 0.4, true, noise));
        const rows = shape[0]! / per;
        for (const [offset, n] of [
          [0, 4],
          [4, 3],
          [7, 3],
        ]) {
          const part = tf.slice(x, offset * per, n * per);
          const got = noise.step(99, () => dropout(part, 0.4, true, noise), { offset, rows: n, total: rows });
          assert.deepEqual(Array.from(got.dataSync()), Array.from(tf.slice(whole, offset * per, n * per).dataSync()), `${shape} rows ${offset}+${n}`);
        }
      }
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('a model with batch_norm is not split; the memory estimate counts the helpers\' copies against the machine, not wasm\'s 4 GiB', () => {
    const cfg = analyzeText(WAVES_NN).trains.find((t) => t.name === 'waves')!;
    assert.equal(replicable(describeModel(cfg.model!)), true);
    const [one, three, four] = [1, 3, 4].map((t) => trainingMemory(cfg, t)!);
    assert.equal(one.copies, 0);
    assert.equal(one.total, one.heap);
    // each thread more: its engine, its weights and gradients, its shared gradients
    const params = cfg.model!.totals.trainable as number;
    assert.equal(four.copies - three.copies, HELPER_BASE + 4 * (params + 2 * params));
    assert.ok(three.copies > 2 * (HELPER_BASE + 4 * 3 * params), 'and what all share: the weights, the batch');
    assert.equal(four.heap, one.heap);
    assert.equal(four.total, four.heap + four.copies);
    const bn = analyzeText(`model Bn {
  input [4]
  dense(8)
  batch_norm()
  dense(2)
}
`).models[0]!;
    assert.equal(replicable(describeModel(bn)), false);
  });

  it('NN420: a run that fits on one thread but not with the copies says so, and that --threads 1 fits', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-replicas-mem-'));
    try {
      const file = path.join(dir, 'w.nn');
      fs.writeFileSync(file, WAVES_NN);
      const checked = checkedTrain(file, 'waves');
      const m = trainingMemory(checked.cfg, 8)!;
      // wasm's 4 GiB is this thread's; the machine has room for this thread's part and not for the copies
      const free = availableMemory('machine');
      const available = { bytes: m.heap + 1, limit: 'free' as const };
      assert.equal(memoryRefusal(file, checked, available, 'en', 1), undefined);
      const said = memoryRefusal(file, checked, available, 'en', 8)!;
      assert.match(said, /error NN420: .* for the model's copies on 7 more threads and what they share\), but only .*: use a smaller model or batch_size, or fewer threads \(--threads 1\)$/);
      assert.ok(memoryRefusal(file, checked, available, 'zh-cn', 8)!.includes('或减少线程（--threads 1）'));
      // on wasm the copies count against the machine, not the 4 GiB of this thread's engine
      if (free.bytes > m.total) assert.equal(memoryRefusal(file, checked, { bytes: m.heap + 1, limit: 'wasm' }, 'en', 8), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('nn train --threads 2', () => {
    let dir: string;
    let file: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-replicas-'));
      file = path.join(dir, 'waves.nn');
      fs.writeFileSync(file, WAVES_NN);
    });
    after(async () => {
      delete process.env.NN_TEST_REPLICA_FAULT;
      fs.rmSync(dir, { recursive: true, force: true });
      await useWasmThreads(1);
      await tf.setBackend('cpu');
    });

    async function train(args: string[], fault?: string): Promise<{ code: number; events: TrainEvent[]; err: string }> {
      const out: string[] = [];
      const err: string[] = [];
      if (fault) process.env.NN_TEST_REPLICA_FAULT = fault;
      try {
        const code = await main(['train', ...args, '--json', '--backend', 'wasm', '--threads', '2'], (s) => out.push(s), (s) => err.push(s));
        return { code, events: out.map((l) => parseEvent(l)!), err: err.join('\n') };
      } finally {
        delete process.env.NN_TEST_REPLICA_FAULT;
      }
    }

    /** Every epoch's number, loss and metrics and the test's, in order. */
    const numbers = (evs: TrainEvent[]): number[] =>
      evs.flatMap((e): unknown[] => (e.type === 'epoch' ? [e.epoch, e.loss, e.metrics] : e.type === 'end' ? [e.test] : [])).flatMap(function flat(v: unknown): number[] {
        if (typeof v === 'number') return [v];
        if (Array.isArray(v)) return v.flatMap(flat);
        return v && typeof v === 'object' ? Object.values(v).flatMap(flat) : [];
      });

    /** The same numbers to float rounding (a resumed run reads its weights back, as on one thread: train-loop.test.ts). */
    function close(got: number[], want: number[]): void {
      assert.equal(got.length, want.length);
      want.forEach((w, i) => assert.ok(Math.abs(w - got[i]!) <= 1e-5 * Math.max(1, Math.abs(w)), `value ${i}: ${got[i]} vs ${w}`));
    }

    for (const [how, fault, why] of [
      ['throws', 'throw:20', 'training thread 2 of 2 failed: a fault the test asked for'],
      ['dies', 'exit:20', 'training thread 2 of 2 failed: it ended with exit code 3'],
    ] as const) {
      it(`a helper that ${how} stops the run with why; last/ is before the batch, and the resumed run ends as an uninterrupted one does`, async () => {
        const whole = await train([file, '--runs', path.join(dir, `whole-${how}`)]);
        assert.equal(whole.code, 0, whole.err);
        const broken = await train([file, '--runs', path.join(dir, `broken-${how}`)], fault);
        assert.equal(broken.code, 1);
        const said = [broken.err, ...broken.events.flatMap((e) => (e.type === 'error' ? [e.message] : []))].join('\n');
        assert.ok(said.includes(why), said);
        const start = broken.events[0] as Extract<TrainEvent, { type: 'start' }>;
        assert.ok(said.includes(`The run is saved before this batch; resume with nn train --resume ${start.runDir}`), said);
        // 480 training rows: 15 batches an epoch; the helper's 20th step is epoch 2's 5th batch
        const state = JSON.parse(fs.readFileSync(path.join(start.runDir, 'last', 'state.json'), 'utf8')) as { epoch: number; batch: number };
        assert.deepEqual([state.epoch, state.batch], [1, 4]);
        const resumed = await train(['--resume', start.runDir]);
        assert.equal(resumed.code, 0, resumed.err);
        close(numbers([...broken.events, ...resumed.events]), numbers(whole.events));
      });
    }

    it('a helper that fails while evaluating (validation, the test) stops the run with what is kept, and --resume finishes it', async () => {
      // 480 training rows: 15 steps an epoch and 3 epochs, then the test's one batch (the 46th command)
      const atTest = await train([file, '--runs', path.join(dir, 'eval-test')], 'throw:46');
      assert.equal(atTest.code, 1);
      const said = [atTest.err, ...atTest.events.flatMap((e) => (e.type === 'error' ? [e.message] : []))].join('\n');
      assert.ok(said.includes('training thread 2 of 2 failed: a fault the test asked for. The checkpoints written before it are kept in'), said);
      const start = atTest.events[0] as Extract<TrainEvent, { type: 'start' }>;
      const resumed = await train(['--resume', start.runDir]);
      assert.equal(resumed.code, 0, resumed.err);
      const whole = await train([file, '--runs', path.join(dir, 'eval-whole')]);
      const test = (evs: TrainEvent[]) => evs.flatMap((e) => (e.type === 'end' ? [e.test] : []));
      assert.deepEqual(test(resumed.events), test(whole.events));
      // with validation: 384 training rows, 12 steps, then epoch 1's validation batch (the 13th)
      const valFile = path.join(dir, 'val.nn');
      fs.writeFileSync(valFile, WAVES_NN.replace('  seed: 7\n', '  seed: 7\n  validation: 0.2\n'));
      const atVal = await train([valFile, '--runs', path.join(dir, 'eval-val')], 'throw:13');
      assert.equal(atVal.code, 1);
      const saidVal = [atVal.err, ...atVal.events.flatMap((e) => (e.type === 'error' ? [e.message] : []))].join('\n');
      assert.ok(saidVal.includes('training thread 2 of 2 failed: a fault the test asked for. No checkpoint had been written yet'), saidVal);
    });

    // models of every kind the trainer meets, each trained on 1 thread and on 2: regression with a
    // penalty, clipping and momentum; a recurrent layer; tokens through attention with dropout and
    // label smoothing; images with augmentation; validation with early stopping restoring the best
    // (evaluation split too). Odd batches split unevenly, and the last batch of each epoch is short.
    const KINDS: Record<string, string> = {
      regression: `model Reg { input [3]  dense(16, activation: tanh, kernel_regularizer: l2(0.01))  dense(1) }
train t { model: Reg  data: linear(n: 300, features: 3, noise: 0.1)  loss: mse  optimizer: sgd(lr: 0.05, momentum: 0.9)  clip_norm: 1.0  batch_size: 33  epochs: 2  seed: 3 }`,
      recurrent: `model Rnn { input [20, 1]  gru(8)  dense(1) }
train t { model: Rnn  data: sine(n: 200)  loss: huber  optimizer: adam(lr: 0.01)  batch_size: 31  epochs: 2  seed: 3 }`,
      attention: `model Att { input [16]  embedding(8, 8)  self_attention(heads: 2, dropout: 0.2)  flatten()  dense(8) }
train t { model: Att  data: majority(n: 300)  loss: cross_entropy(label_smoothing: 0.1)  optimizer: adam(lr: 0.01)  batch_size: 25  epochs: 2  metrics: [accuracy]  seed: 3 }`,
      validation: `model Mlp { input [2]  dense(16, activation: relu)  dropout(0.2)  dense(2) }
train t { model: Mlp  data: spiral(n: 300)  validation: 0.25  loss: cross_entropy  optimizer: adam(lr: 0.05)  batch_size: 17  epochs: 4  metrics: [accuracy]  seed: 3
  early_stopping(monitor: val_loss, patience: 1, restore_best: true) }`,
    };
    if (fs.existsSync('/usr/share/datasets/fashion-mnist')) {
      KINDS.images = `model Cnn { input [28, 28, 1]  conv2d(4, 3, activation: relu)  max_pool(2)  flatten()  dense(10) }
train t { model: Cnn  data: fashion_mnist(limit: 200)  augment: [flip(), shift(0.1)]  loss: cross_entropy  optimizer: adam(lr: 0.01)  batch_size: 50  epochs: 1  metrics: [accuracy]  seed: 3 }`;
    }
    for (const [kind, text] of Object.entries(KINDS)) {
      it(`${kind}: 2 threads train what 1 does, to rounding`, async () => {
        const f = path.join(dir, `${kind}.nn`);
        fs.writeFileSync(f, text);
        const one = await main(['train', f, '--json', '--backend', 'wasm', '--threads', '1', '--runs', path.join(dir, `${kind}-1`)], (l) => void ones.push(l), (l) => void errs.push(l));
        assert.equal(one, 0, errs.join('\n'));
        const two = await train([f, '--runs', path.join(dir, `${kind}-2`)]);
        assert.equal(two.code, 0, two.err);
        const start = two.events[0] as Extract<TrainEvent, { type: 'start' }>;
        assert.ok(start.backendNote?.includes('each training a copy of the model on its part of every batch'), start.backendNote);
        const want = numbers(ones.map((l) => parseEvent(l)!));
        const got = numbers(two.events);
        assert.ok(want.length >= 4, `${want.length} numbers`);
        assert.equal(got.length, want.length);
        want.forEach((w, i) => assert.ok(Math.abs(w - got[i]!) <= 1e-4 * Math.max(1, Math.abs(w)), `${kind}, value ${i}: ${got[i]} on 2 threads, ${w} on 1`));
        ones.length = 0;
        errs.length = 0;
      });
    }
    const ones: string[] = [];
    const errs: string[] = [];

    it('k-fold and layer statistics run on the helpers, repeatably', async () => {
      const kfold = path.join(dir, 'kfold.nn');
      fs.writeFileSync(kfold, WAVES_NN.replace('  seed: 7\n', '  seed: 7\n  kfold: 2\n  layer_stats: 5\n').replace('epochs: 3', 'epochs: 2'));
      const a = await train([kfold, '--runs', path.join(dir, 'kf')]);
      assert.equal(a.code, 0, a.err);
      assert.equal(a.events.filter((e) => e.type === 'fold').length, 2);
      assert.ok(a.events.some((e) => e.type === 'layers'));
      const b = await train([kfold, '--runs', path.join(dir, 'kf')]);
      const folds = (evs: TrainEvent[]): unknown[] => evs.flatMap((e): unknown[] => (e.type === 'epoch' ? [e.fold, e.loss] : e.type === 'end' ? [e.folds] : []));
      assert.deepEqual(folds(b.events), folds(a.events));
    });
  });
});
