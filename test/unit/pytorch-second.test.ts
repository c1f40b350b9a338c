// The PyTorch export and the torch engine on a second PyTorch: CI's first is Debian's 1.13
// (/usr/bin/python3), and scripts/setup.sh makes a venv with a 2.x wheel where one is at
// /opt/wheels. The key checks only, to keep CI short: model.py's numbers against tfjs (the sample
// models and 100 random ones), train.py with nothing on stderr (2.x warns where 1.13 did not), a
// short `nn train --engine torch` on the curve of the tfjs engine, and a real `torchrun
// --nproc_per_node=2` (Debian's crashes on Python 3.11): both ranks train to equal weights, only
// rank 0 writes, the curve and the batch events of one process; a rank killed mid-run, then
// `torchrun ... --resume`, ends as one process does.
// Which Python: NN_PYTHON2, else the venv setup.sh makes (NN_TORCH2_VENV, default
// ~/.cache/nn/torch2-venv). Neither there: skipped, saying so. One that is there but cannot
// import torch: a failure.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { probePython, type PythonInfo } from '../../server/src/engines/torch/python';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { randomFailures, sampleFailures } from '../torch/export-cases';
import { curve, events, exportTrain, firstBatchLoss, trainPy } from '../torch/train-py';
import { runNn } from '../nn-cli';

const root = path.join(__dirname, '..', '..');
const sample = (f: string) => path.join(root, 'samples', f);
const VENV = process.env.NN_TORCH2_VENV ?? path.join(os.homedir(), '.cache', 'nn', 'torch2-venv');

type End = Extract<TrainEvent, { type: 'end' }>;
type Start = Extract<TrainEvent, { type: 'start' }>;

/** `torchrun --nproc_per_node=2 ARGS` in dir; onLine sees stdout's lines as they come. */
function torchrun(bin: string, dir: string, args: string[], onLine: (line: string) => void = () => undefined, env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(bin, ['--nproc_per_node=2', ...args], { cwd: dir, env: { ...process.env, PYTHONUNBUFFERED: '1', ...env } });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the PyTorch export and engine on a second PyTorch (NN_PYTHON2, or the venv of scripts/setup.sh)', function () {
  this.timeout(600_000);
  let second: PythonInfo;
  let tmp: string;

  before(async function () {
    const given = process.env.NN_PYTHON2;
    const python = given ?? path.join(VENV, 'bin', 'python3');
    if (!given && !fs.existsSync(python)) {
      console.log(`      skipped: no second PyTorch (NN_PYTHON2 is not set and ${VENV} does not exist; scripts/setup.sh makes it from a wheel in /opt/wheels)`);
      this.skip();
    }
    const probed = probePython(python);
    assert.ok(typeof probed !== 'string', `the second Python ${python} cannot run PyTorch: ${String(probed)}`);
    second = probed;
    console.log(`      second PyTorch: ${second.torch} (Python ${second.version}, ${second.executable})`);
    await tf.setBackend('cpu');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-torch-second-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it('model.py: every sample model and 100 random models give tfjs\' numbers', () => {
    const samples = path.join(tmp, 'samples');
    fs.mkdirSync(samples);
    const failures = sampleFailures(samples, second.python);
    assert.deepEqual(failures, [], failures.slice(0, 3).join('\n\n'));
    const random = path.join(tmp, 'random');
    fs.mkdirSync(random);
    const r = randomFailures(random, second.python, 100);
    assert.deepEqual(r.failures, [], r.failures.slice(0, 3).join('\n\n'));
  });

  it('nn train --engine torch: a short run on the tfjs engine\'s curve', async () => {
    const run = async (engine: string[], env: Record<string, string> = {}) => {
      const r = await runNn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--epochs', '3', '--runs', path.join(tmp, 'runs'), '--json', ...engine], env);
      assert.equal(r.code, 0, r.err.join('\n'));
      return r.out.map((l) => parseEvent(l)).filter((e): e is TrainEvent => e !== undefined);
    };
    const torch = await run(['--engine', 'torch', '--device', 'cpu'], { NN_PYTHON: second.python });
    assert.match((torch[0] as Start).backendNote ?? '', new RegExp(`^PyTorch ${second.torch.replace(/[.+]/g, '\\$&')} on cpu`));
    const tfjs = curve(await run(['--backend', 'cpu']));
    const c = curve(torch);
    assert.ok(Math.abs(c[0] - tfjs[0]) <= 1e-5 * tfjs[0], `epoch 1: torch ${c[0]}, tfjs ${tfjs[0]}`);
    tfjs.forEach((l, i) => assert.ok(Math.abs(c[i] - l) <= 2e-3 * l, `epoch ${i + 1}: torch ${c[i]}, tfjs ${l}`));
  });

  it('torchrun --nproc_per_node=2: both ranks train to equal weights, only rank 0 writes, on one process\'s curve; a rank killed, then --resume', async () => {
    const bin = path.join(path.dirname(second.python), 'torchrun');
    assert.ok(fs.existsSync(bin), `no torchrun beside ${second.python}`);
    const dir = path.join(tmp, 'ddp');
    await exportTrain(sample('playground.nn'), 'spiral_deep', dir);
    // one process: nothing on stderr (PyTorch 2.x warned where 1.13 did not)
    const one = trainPy(second.python, dir, ['--epochs', '8', '--out', 'one']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stderr, '', 'train.py wrote to stderr');
    // a wrapper that keeps each rank's pid and final weights; `separate` gives each rank a folder of its own
    fs.writeFileSync(
      path.join(dir, 'keep.py'),
      [
        'import os, sys, torch, train',
        'rank = os.environ["RANK"]',
        'open(f"pid{rank}", "w").write(str(os.getpid()))',
        'args = sys.argv[2:] + (["--out", f"rank{rank}"] if sys.argv[1] == "separate" else [])',
        'code, model = train.run(train.parse(args))',
        'torch.save(model.state_dict(), f"final{rank}.pt")',
        'sys.stdout.flush()',
        'os._exit(code)',
      ].join('\n'),
    );
    const both = await torchrun(bin, dir, ['keep.py', 'separate', '--json', '--threads', '1', '--epochs', '8']);
    assert.equal(both.code, 0, both.stderr);
    const es = events(both.stdout);
    assert.equal(es.filter((e) => e.type === 'start').length, 1, 'rank 1 printed events');
    assert.match((es[0] as Start).backendNote ?? '', /2 processes/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'rank0')).sort(), ['best.pt', 'last.pt']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'rank1')), [], 'rank 1 wrote checkpoints');
    const diff = await new Promise<string>((resolve) => {
      const p = spawn(second.python, ['-c', 'import torch; a, b = (torch.load(f"final{r}.pt", weights_only=True) for r in (0, 1)); print(max(float((a[k].double() - b[k].double()).abs().max()) for k in a))'], { cwd: dir });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('exit', () => resolve(out.trim()));
    });
    assert.equal(Number(diff), 0, `the ranks ended with different weights (${diff})`);
    const c1 = curve(one.events);
    const c2 = curve(es);
    assert.equal(c2.length, 8);
    c1.forEach((l, i) => assert.ok(Math.abs(l - c2[i]) <= 0.02 + 0.05 * l, `epoch ${i + 1}: one process ${l}, two ${c2[i]}`));
    assert.ok(Math.abs(firstBatchLoss(one.events) - firstBatchLoss(es)) <= 1e-6, `first batch: one process ${firstBatchLoss(one.events)}, two ${firstBatchLoss(es)}`);

    // rank 1 killed after epoch 2: torchrun ends rank 0 and fails; --resume continues from last.pt
    let killed = false;
    const cut = await torchrun(bin, dir, ['keep.py', 'shared', '--json', '--threads', '1', '--epochs', '8', '--out', 'cut'], (line) => {
      if (!killed && /"type": "epoch", "epoch": 2,/.test(line)) {
        killed = true;
        process.kill(Number(fs.readFileSync(path.join(dir, 'pid1'), 'utf8')), 'SIGKILL');
      }
    });
    assert.ok(killed, `rank 1 was never killed:\n${cut.stderr}`);
    assert.notEqual(cut.code, 0);
    assert.ok(!events(cut.stdout).some((e) => e.type === 'end'), 'the cut run ended');
    assert.ok(!alive(Number(fs.readFileSync(path.join(dir, 'pid0'), 'utf8'))), 'rank 0 outlived torchrun');
    const resumed = await torchrun(bin, dir, ['train.py', '--json', '--threads', '1', '--epochs', '8', '--out', 'cut', '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const res = events(resumed.stdout);
    const from = (res[0] as Start).resumedFrom;
    assert.ok(from !== undefined && from >= 2 && from < 8, `resumed from ${String(from)}`);
    assert.deepEqual(
      res.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch),
      Array.from({ length: 8 - from }, (_, i) => from + i + 1),
    );
    const a = (one.events.at(-1) as End).test!;
    const b = (res.at(-1) as End).test!;
    assert.ok(Math.abs(a.loss - b.loss) <= 0.02 + 0.05 * a.loss, `test loss: one process ${a.loss}, killed and resumed on two ${b.loss}`);
  });

  it('torchrun --nproc_per_node=2 on a convnet of one input channel (MNIST\'s kind): nothing on stderr', async () => {
    // DistributedDataParallel warned 'Grad strides do not match bucket view strides' on 2.x: the
    // first convolution's weight gradient comes in the channels-last layout of nn's inputs, whose
    // strides differ from the weight's only on its axis of size 1 (the same bytes)
    const dir = path.join(tmp, 'conv1');
    const file = path.join(tmp, 'conv1.nn');
    const shapes = path.join(root, 'samples', 'data', 'shapes').replace(/\\/g, '/');
    fs.writeFileSync(
      file,
      `model C {\n  input [12, 12, 1]\n  conv2d(4, 3, activation: relu)\n  max_pool(2)\n  conv2d(4, 3)\n  flatten()\n  dense(3)\n}\ntrain t {\n  model: C\n  data: image_folder("${shapes}", size: [12, 12], channels: 1, test: 0.25, seed: 1)\n  loss: cross_entropy\n  batch_size: 8\n  epochs: 2\n}\n`,
    );
    await exportTrain(file, 't', dir);
    const bin = path.join(path.dirname(second.python), 'torchrun');
    // OMP_NUM_THREADS set: torchrun's own notice about it is not train.py's
    const r = await torchrun(bin, dir, ['train.py', '--json', '--threads', '1'], undefined, { OMP_NUM_THREADS: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'stderr');
    assert.equal(events(r.stdout).filter((e) => e.type === 'epoch').length, 2);
  });
});
