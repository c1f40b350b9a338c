// `nn export --train`: train.py trains on PyTorch as nn trains, on its own (a folder without
// nn): the spiral to >= 95% test accuracy, linear regression to R^2 > 0.99, nn's events as JSON
// lines that nn's own parser reads, a SIGINT that saves last.pt and exits 130, --resume that
// continues after it, and two processes (DistributedDataParallel over gloo, started as torchrun
// starts them) that end with equal weights, where only rank 0 writes, on the curve of one process.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { findPython } from '../../server/src/engines/torch/python';
import { rankEnv } from '../../server/src/engines/torch/launch';
import { freePort } from '../../server/src/node/ports';
import { curve, events, exportTrain, firstBatchLoss, trainPy } from '../torch/train-py';

const root = path.join(__dirname, '..', '..');
const sample = (f: string) => path.join(root, 'samples', f);

function train(dir: string, args: string[], env: Record<string, string> = {}): { code: number; events: TrainEvent[]; stderr: string } {
  return trainPy(findPython().python, dir, args, env);
}

/** Two ranks of \`python ARGS(rank)\` in dir, started as torchrun starts them (each --out made first). */
async function twoRanks(dir: string, args: (rank: number) => string[]): Promise<{ code: number; stdout: string; stderr: string }[]> {
  const port = await freePort();
  return Promise.all(
    [0, 1].map((rank) => {
      const a = args(rank);
      const out = a[a.indexOf('--out') + 1];
      fs.mkdirSync(out, { recursive: true });
      const child = spawn(findPython().python, a, { cwd: dir, env: { ...process.env, ...rankEnv(rank, 2, port) } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.on('exit', (c) => resolve({ code: c ?? -1, stdout, stderr })));
    }),
  );
}

/** The largest difference between two saved state_dicts (or checkpoints' "model"), buffers too. */
function maxDiff(a: string, b: string): number {
  const code = 'import sys, torch\nload = lambda p: (lambda d: d.get("model", d))(torch.load(p))\na, b = load(sys.argv[1]), load(sys.argv[2])\nprint(max(float((a[k].double() - b[k].double()).abs().max()) for k in a))';
  const r = spawnSync(findPython().python, ['-c', code, a, b], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

describe('nn export --train: train.py on PyTorch', function () {
  this.timeout(600_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-train-py-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains the spiral to >= 95% test accuracy from a folder without nn, printing nn\'s events', async () => {
    const made = path.join(tmp, 'made');
    await exportTrain(sample('playground.nn'), 'spiral_deep', made);
    const away = path.join(tmp, 'spiral');
    fs.cpSync(made, away, { recursive: true });
    const r = train(away, []);
    assert.equal(r.code, 0, r.stderr);
    const types = r.events.map((e) => e.type);
    assert.equal(types[0], 'start');
    assert.equal(types.at(-1), 'end');
    assert.equal(types.filter((t) => t === 'epoch').length, 60);
    const start = r.events[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.equal(start.backend, 'torch');
    assert.match(start.backendNote ?? '', /^PyTorch \S+ on cpu$/);
    assert.deepEqual(start.samples, { train: 1440, validation: 160, test: 400 });
    const end = r.events.at(-1) as Extract<TrainEvent, { type: 'end' }>;
    assert.ok(end.test!.metrics.accuracy >= 0.95, `test accuracy ${end.test!.metrics.accuracy}`);
    assert.ok(fs.existsSync(path.join(away, 'checkpoints', 'best.pt')) && fs.existsSync(path.join(away, 'checkpoints', 'last.pt')));
  });

  it('fits linear regression to R^2 > 0.99', async () => {
    const dir = path.join(tmp, 'line');
    await exportTrain(sample('linear_regression.nn'), 'fit_line', dir);
    const r = train(dir, []);
    assert.equal(r.code, 0, r.stderr);
    const end = r.events.at(-1) as Extract<TrainEvent, { type: 'end' }>;
    assert.ok(end.test!.metrics.r2 > 0.99, `test R^2 ${end.test!.metrics.r2}`);
  });

  it('SIGINT saves last.pt and exits 130; --resume continues where it stopped and ends as an uninterrupted run', async () => {
    const dir = path.join(tmp, 'stop');
    await exportTrain(sample('playground.nn'), 'spiral_deep', dir);
    const whole = train(dir, ['--epochs', '8', '--out', path.join(dir, 'whole')]);
    assert.equal(whole.code, 0, whole.stderr);
    const child = spawn(findPython().python, ['train.py', '--json', '--threads', '1', '--epochs', '8', '--out', path.join(dir, 'cut')], { cwd: dir });
    let out = '';
    let sent = false;
    const code = await new Promise<number>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!sent && /"type": "epoch", "epoch": 2,/.test(out)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (c) => resolve(c ?? -1));
    });
    assert.equal(code, 130, out);
    const stopped = events(out).find((e) => e.type === 'stopped') as Extract<TrainEvent, { type: 'stopped' }>;
    assert.equal(stopped.reason, 'requested');
    const r = train(dir, ['--resume', '--epochs', '8', '--out', path.join(dir, 'cut')]);
    assert.equal(r.code, 0, r.stderr);
    const start = r.events[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.ok(start.resumedFrom !== undefined && start.resumedFrom < 8);
    const epochs = r.events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch);
    assert.deepEqual(epochs, Array.from({ length: 8 - start.resumedFrom! }, (_, i) => start.resumedFrom! + i + 1));
    // the same batches from the same weights: the resumed run ends where the whole one does
    const a = (whole.events.at(-1) as Extract<TrainEvent, { type: 'end' }>).test!;
    const b = (r.events.at(-1) as Extract<TrainEvent, { type: 'end' }>).test!;
    assert.equal(b.loss.toFixed(5), a.loss.toFixed(5));
  });

  it('two processes (gloo): equal weights on both ranks, only rank 0 writes, the curve of one process', async () => {
    const dir = path.join(tmp, 'ddp');
    await exportTrain(sample('playground.nn'), 'spiral_deep', dir);
    // a wrapper that keeps each rank's final weights, for the comparison
    fs.writeFileSync(path.join(dir, 'keep.py'), ['import os, sys, torch, train', 'code, model = train.run(train.parse(sys.argv[2:]))', 'torch.save(model.state_dict(), sys.argv[1])', 'sys.stdout.flush()', 'os._exit(code)'].join('\n'));
    const one = train(dir, ['--epochs', '8', '--out', path.join(dir, 'one')]);
    assert.equal(one.code, 0, one.stderr);
    const [r0, r1] = await twoRanks(dir, (rank) => ['keep.py', path.join(dir, `final${rank}.pt`), '--json', '--threads', '1', '--epochs', '8', '--out', path.join(dir, `rank${rank}`)]);
    assert.equal(r0.code, 0, r0.stderr);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r1.stdout, '', 'rank 1 printed events');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'rank1')), [], 'rank 1 wrote checkpoints');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'rank0')).sort(), ['best.pt', 'last.pt']);
    assert.equal(maxDiff(path.join(dir, 'final0.pt'), path.join(dir, 'final1.pt')), 0, 'the ranks ended with different weights');
    // the same global batches: the two curves agree
    const c1 = curve(one.events);
    const c2 = curve(events(r0.stdout));
    assert.equal(c2.length, 8);
    c1.forEach((l, i) => assert.ok(Math.abs(l - c2[i]) <= 0.02 + 0.05 * l, `epoch ${i + 1}: one process ${l}, two ${c2[i]}`));
    // a batch event's loss is the whole batch's, not rank 0's half of it: the first batch, from
    // the same initial weights, has one process's loss
    assert.ok(Math.abs(firstBatchLoss(one.events) - firstBatchLoss(events(r0.stdout))) <= 1e-6, `first batch: one process ${firstBatchLoss(one.events)}, two ${firstBatchLoss(events(r0.stdout))}`);
    const samples = (events(r0.stdout)[0] as Extract<TrainEvent, { type: 'start' }>).backendNote;
    assert.match(samples ?? '', /2 processes/);
  });

  it('two processes with batch norm (gloo; nn.SyncBatchNorm is for GPUs only): the whole batch\'s statistics, so the curve, weights and running statistics of one process', async () => {
    const dir = path.join(tmp, 'ddp-bn');
    const file = path.join(tmp, 'bn.nn');
    fs.writeFileSync(
      file,
      [
        'model WaveBn {',
        '  input [32, 1]',
        '  conv1d(8, 3, activation: relu)',
        '  batch_norm()',
        '  flatten()',
        '  dense(16, activation: relu)',
        '  batch_norm(momentum: 0.9)',
        '  dense(3)',
        '}',
        'train waves_bn { model: WaveBn  data: waveforms(n: 600, length: 32, noise: 0.2, seed: 4)  validation: 0.1  loss: cross_entropy  optimizer: adam(lr: 0.01)  batch_size: 40  epochs: 4  seed: 3  metrics: [accuracy] }',
      ].join('\n'),
    );
    await exportTrain(file, 'waves_bn', dir);
    const one = train(dir, ['--out', path.join(dir, 'one')]);
    assert.equal(one.code, 0, one.stderr);
    const [r0, r1] = await twoRanks(dir, (rank) => ['train.py', '--json', '--threads', '1', '--out', path.join(dir, `rank${rank}`)]);
    assert.equal(r0.code, 0, r0.stderr);
    assert.equal(r1.code, 0, r1.stderr);
    const c1 = curve(one.events);
    const c2 = curve(events(r0.stdout));
    assert.equal(c2.length, 4);
    c1.forEach((l, i) => assert.ok(Math.abs(l - c2[i]) <= 1e-4 * l, `epoch ${i + 1}: one process ${l}, two ${c2[i]}`));
    const diff = maxDiff(path.join(dir, 'one', 'last.pt'), path.join(dir, 'rank0', 'last.pt'));
    assert.ok(diff <= 1e-3, `one process and two end ${diff} apart (weights and running statistics)`);
  });
});
