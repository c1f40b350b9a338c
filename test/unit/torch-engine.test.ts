// `nn train --engine torch` end to end, as a user runs it: the command trains in PyTorch child
// processes and everything around it is nn's: the events, the run folder, best/ and last/ in nn's
// format (nn evaluate reproduces the run's test result), Ctrl+C and --resume, several processes,
// and a clear error, with nothing written, when no Python has PyTorch.

import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNn } from '../nn-cli';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { renderRuntime } from '../../server/src/core/runtime-messages';
import { torchNote } from '../../server/src/engines/torch/engine';
import { allocatorEnv, blasEnv, openmpEnv } from '../../server/src/engines/torch/launch';
import { findPython } from '../../server/src/engines/torch/python';

const root = path.join(__dirname, '..', '..');
const sample = (f: string) => path.join(root, 'samples', f);
const cli = path.join(root, 'dist', 'cli.js');

async function nn(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string }> {
  const r = await runNn(argv, env);
  return { ...r, err: r.err.join('\n') };
}

const events = (lines: string[]) => lines.map((l) => parseEvent(l)).filter((e): e is TrainEvent => e !== undefined);
const endOf = (es: TrainEvent[]) => es.find((e) => e.type === 'end') as Extract<TrainEvent, { type: 'end' }>;

describe('nn train --engine torch', function () {
  this.timeout(600_000);
  let tmp: string;
  before(() => {
    assert.ok(fs.existsSync(cli), 'npm test builds dist/cli.js first');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-torch-engine-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains the spiral to >= 95%; the run folder is nn\'s, and nn evaluate reproduces the test result', async () => {
    const runs = path.join(tmp, 'runs');
    const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--device', 'cpu', '--runs', runs, '--json']);
    assert.equal(r.code, 0, r.err);
    const es = events(r.out);
    const start = es[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.equal(start.type, 'start');
    assert.equal(start.backend, 'torch');
    assert.match(start.backendNote ?? '', /^PyTorch \S+ on cpu/);
    const end = endOf(es);
    assert.ok(end.test!.metrics.accuracy >= 0.95, `test accuracy ${end.test!.metrics.accuracy}`);
    const run = end.runDir;
    for (const f of ['config.json', 'summary.txt', 'metrics.jsonl', 'report.json', 'best/model.json', 'last/model.json', 'torch/train.py', 'torch/checkpoints/last.pt']) assert.ok(fs.existsSync(path.join(run, f)), `no ${f}`);
    assert.equal(JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')).backend, 'torch');
    const report = JSON.parse(fs.readFileSync(path.join(run, 'report.json'), 'utf8')) as { history: unknown[]; test: { loss: number } };
    assert.equal(report.history.length, 60);
    const ev = await nn(['evaluate', run, '--json']);
    assert.equal(ev.code, 0, ev.err);
    const result = JSON.parse(ev.out[0]) as { loss: number; metrics: { accuracy: number } };
    assert.equal(result.loss.toFixed(4), end.test!.loss.toFixed(4));
    assert.equal(result.metrics.accuracy.toFixed(4), end.test!.metrics.accuracy.toFixed(4));
  });

  it('the same seed gives the same starting weights and batches as the tfjs engine: the same curve, batch events and decision boundary', async () => {
    const run = async (engine: string[]) => {
      const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--epochs', '3', '--runs', path.join(tmp, 'curves'), '--json', ...engine]);
      assert.equal(r.code, 0, r.err);
      const es = events(r.out);
      const logged = events(fs.readFileSync(path.join(endOf(es).runDir, 'metrics.jsonl'), 'utf8').split('\n'));
      const curve = es.filter((e) => e.type === 'epoch').map((e) => (e as { loss: number }).loss);
      const boundaries = es.filter((e) => e.type === 'boundary') as Extract<TrainEvent, { type: 'boundary' }>[];
      return { es, logged, curve, boundaries };
    };
    const torch = await run(['--engine', 'torch', '--device', 'cpu']);
    const tfjs = await run(['--backend', 'cpu']);
    // the first epoch differs only by float arithmetic; later ones drift a little
    assert.ok(Math.abs(torch.curve[0] - tfjs.curve[0]) <= 1e-5 * tfjs.curve[0], `epoch 1: torch ${torch.curve[0]}, tfjs ${tfjs.curve[0]}`);
    tfjs.curve.forEach((l, i) => assert.ok(Math.abs(torch.curve[i] - l) <= 2e-3 * l, `epoch ${i + 1}: torch ${torch.curve[i]}, tfjs ${l}`));
    // progress within an epoch: batch events, live only
    const batches = torch.es.filter((e) => e.type === 'batch') as Extract<TrainEvent, { type: 'batch' }>[];
    const tfjsBatch = tfjs.es.find((e) => e.type === 'batch') as Extract<TrainEvent, { type: 'batch' }>;
    assert.ok(batches.length > 0, 'no batch events');
    for (const b of batches) assert.ok(b.batches === tfjsBatch.batches && b.batch >= 1 && b.batch <= b.batches && Number.isFinite(b.loss) && b.lr === tfjsBatch.lr, JSON.stringify(b));
    assert.equal(torch.logged.filter((e) => e.type === 'batch').length, 0);
    // the training points under the boundary, and the boundary on the tfjs engine's grid
    assert.deepEqual(torch.es.find((e) => e.type === 'points'), tfjs.es.find((e) => e.type === 'points'));
    // the first epoch's (both send it) on the same grid, the same classes but where float arithmetic tips a cell
    const [a, b] = [torch.boundaries[0], tfjs.boundaries[0]];
    assert.deepEqual([a.epoch, a.extent, a.size, a.values.length], [b.epoch, b.extent, b.size, b.values.length]);
    const same = a.values.filter((v, i) => v === b.values[i]).length;
    assert.ok(same >= 0.995 * a.values.length, `${same} of ${a.values.length} cells agree`);
    // the last epoch always sends its boundary, and only that one is written to metrics.jsonl
    const last = torch.boundaries.at(-1)!;
    assert.equal(last.epoch, 3);
    assert.deepEqual(
      torch.logged.filter((e) => e.type === 'boundary'),
      [last],
    );
  });

  it('image classification: the first layer\'s weights and the test predictions as the tfjs engine draws them, and the same augmented batches', async () => {
    const file = path.join(tmp, 'shapes.nn');
    fs.writeFileSync(
      file,
      [
        `dataset shapes = image_folder(${JSON.stringify(sample('data/shapes'))}, size: [12, 12], channels: 3, test: 0.25, seed: 1, normalize: [0.5, 0.25])`,
        'model Net {\n  input [12, 12, 3]\n  conv2d(4, 3, padding: same, activation: relu)\n  max_pool(2)\n  flatten()\n  dense(3)\n}',
        'train t {\n  model: Net\n  data: shapes\n  loss: cross_entropy\n  optimizer: adam(lr: 0.01)\n  batch_size: 9\n  epochs: 2\n  augment: [flip(vertical: true), shift(0.1), rotate(10), crop(2), brightness(0.3), contrast(0.3), noise(0.05)]\n  metrics: [accuracy]\n  seed: 2\n}\n',
      ].join('\n'),
    );
    const run = async (engine: string[]) => {
      const r = await nn(['train', file, '--runs', path.join(tmp, 'shapes'), '--json', ...engine]);
      assert.equal(r.code, 0, r.err);
      const es = events(r.out);
      const logged = events(fs.readFileSync(path.join(endOf(es).runDir, 'metrics.jsonl'), 'utf8').split('\n'));
      return { es, logged };
    };
    const torch = await run(['--engine', 'torch', '--device', 'cpu']);
    const tfjs = await run(['--backend', 'cpu']);
    // augmented alike: the first epoch's loss differs only by float arithmetic
    const loss = (es: TrainEvent[]) => (es.find((e) => e.type === 'epoch') as { loss: number }).loss;
    assert.ok(Math.abs(loss(torch.es) - loss(tfjs.es)) <= 1e-4 * loss(tfjs.es), `epoch 1: torch ${loss(torch.es)}, tfjs ${loss(tfjs.es)}`);
    type Weights = Extract<TrainEvent, { type: 'weights' }>;
    const [wa, wb] = [torch.logged.filter((e) => e.type === 'weights') as Weights[], tfjs.logged.filter((e) => e.type === 'weights') as Weights[]];
    assert.equal(wa.length, 1, 'the end\'s weights are written to metrics.jsonl, once');
    assert.deepEqual([wa[0].epoch, wa[0].layer, wa[0].kind, wa[0].shape, wa[0].units], [wb[0].epoch, wb[0].layer, wb[0].kind, wb[0].shape, wb[0].units]);
    const [pa, pb] = [Buffer.from(wa[0].values, 'base64'), Buffer.from(wb[0].values, 'base64')];
    assert.equal(pa.length, pb.length);
    assert.ok(
      pa.every((v, i) => Math.abs(v - pb[i]) <= 2),
      'the weights drawn alike',
    );
    type Predictions = Extract<TrainEvent, { type: 'predictions' }>;
    const [qa, qb] = [torch.es.find((e) => e.type === 'predictions') as Predictions, tfjs.es.find((e) => e.type === 'predictions') as Predictions];
    assert.ok(qa, 'no predictions event');
    assert.deepEqual([qa.shape, qa.images, qa.labels, qa.classNames], [qb.shape, qb.images, qb.labels, qb.classNames]);
    assert.equal(qa.predicted.filter((p, i) => p === qb.predicted[i]).length >= qa.predicted.length - 1, true, `predicted ${qa.predicted.join('')}, tfjs ${qb.predicted.join('')}`);
  });

  it('k-fold: the folds, their curves and their summary are the tfjs engine\'s; the best fold\'s best/ is promoted', async () => {
    const run = async (engine: string[]) => {
      const r = await nn(['train', sample('kfold.nn'), '--epochs', '2', '--runs', path.join(tmp, 'kfold'), '--json', ...engine]);
      assert.equal(r.code, 0, r.err);
      return events(r.out);
    };
    const torch = await run(['--engine', 'torch', '--device', 'cpu']);
    const tfjs = await run(['--backend', 'cpu']);
    type Epoch = Extract<TrainEvent, { type: 'epoch' }>;
    const curve = (es: TrainEvent[]) => (es.filter((e) => e.type === 'epoch') as Epoch[]).map((e) => ({ fold: e.fold, epoch: e.epoch, loss: e.loss, val: e.val!.loss }));
    const [a, b] = [curve(torch), curve(tfjs)];
    assert.deepEqual(
      a.map((e) => [e.fold, e.epoch]),
      b.map((e) => [e.fold, e.epoch]),
    );
    a.forEach((e, i) => assert.ok(Math.abs(e.loss - b[i].loss) <= 1e-4 * b[i].loss && Math.abs(e.val - b[i].val) <= 1e-4 * b[i].val, `fold ${e.fold} epoch ${e.epoch}: torch ${e.loss} ${e.val}, tfjs ${b[i].loss} ${b[i].val}`));
    const [ea, eb] = [endOf(torch), endOf(tfjs)];
    assert.equal(ea.folds!.results.length, 5);
    assert.ok(Math.abs(ea.folds!.mean.loss - eb.folds!.mean.loss) <= 1e-4 * eb.folds!.mean.loss, `mean loss: torch ${ea.folds!.mean.loss}, tfjs ${eb.folds!.mean.loss}`);
    assert.ok(Math.abs(ea.folds!.mean.accuracy - eb.folds!.mean.accuracy) <= 0.01, `mean accuracy: torch ${ea.folds!.mean.accuracy}, tfjs ${eb.folds!.mean.accuracy}`);
    assert.deepEqual((torch[0] as Extract<TrainEvent, { type: 'start' }>).kfold, 5);
    for (const d of ['fold-1/best/model.json', 'fold-5/best/model.json', 'best/model.json', 'last/model.json']) assert.ok(fs.existsSync(path.join(ea.runDir, d)), `no ${d}`);
    const report = JSON.parse(fs.readFileSync(path.join(ea.runDir, 'report.json'), 'utf8')) as { folds?: unknown };
    assert.ok(report.folds, 'report.json has the folds');
  });

  it('fits linear regression to R^2 > 0.99', async () => {
    const r = await nn(['train', sample('linear_regression.nn'), '--engine', 'torch', '--runs', path.join(tmp, 'line'), '--json']);
    assert.equal(r.code, 0, r.err);
    const end = endOf(events(r.out));
    assert.ok(end.test!.metrics.r2 > 0.99, `test R^2 ${end.test!.metrics.r2}`);
  });

  it('a loss that becomes NaN: the epoch is still an event, and the stop says what tfjs says (advice, nothing kept), once', async () => {
    const file = path.join(tmp, 'nan.nn');
    fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(16, activation: relu)\n  dense(1)\n}\ntrain t {\n  model: M\n  data: linear(n: 200, features: 2)\n  loss: mse\n  optimizer: sgd(lr: 1000)\n  epochs: 5\n  seed: 3\n}\n');
    const r = await nn(['train', file, '--engine', 'torch', '--runs', path.join(tmp, 'nan'), '--json']);
    assert.equal(r.code, 1, r.err);
    const es = events(r.out);
    const epoch = es.find((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>;
    assert.ok(epoch && Number.isNaN(epoch.loss), 'the epoch whose loss is not finite arrives as an event (null in JSON, read as NaN)');
    const stopped = es.filter((e) => e.type === 'stopped') as Extract<TrainEvent, { type: 'stopped' }>[];
    assert.equal(stopped.length, 1);
    assert.match(stopped[0].message, /^the loss became (NaN|-?Infinity) at epoch 1; the learning rate 1000 is probably too high for sgd: try 0\.01\. No checkpoint had been written yet, so nothing is saved\.$/);
    const errors = es.filter((e) => e.type === 'error') as Extract<TrainEvent, { type: 'error' }>[];
    assert.deepEqual(errors.map((e) => e.message), [stopped[0].message]);
    // the message id too, so a Chinese nn says it in Chinese
    assert.equal(stopped[0].msg?.id, 'lossNotFiniteEpoch');
    assert.deepEqual(errors[0].msg, stopped[0].msg);
    assert.match(renderRuntime(stopped[0].msg!, 'zh-cn'), /^损失在第 1 轮变成了 (NaN|-?Infinity)；对 sgd 来说，学习率 1000 很可能过高：请试试 0\.01。此前还没有写入任何检查点，因此没有保存任何内容。$/);
  });

  it('regression on one input: the fit each epoch, on the grid and points of the tfjs engine; the last one in metrics.jsonl', async () => {
    const run = async (engine: string[]) => {
      const r = await nn(['train', sample('polynomial_regression.nn'), '--epochs', '3', '--seed', '4', '--runs', path.join(tmp, 'fit'), '--json', ...engine]);
      assert.equal(r.code, 0, r.err);
      const es = events(r.out);
      const logged = fs.readFileSync(path.join(endOf(es).runDir, 'metrics.jsonl'), 'utf8').split('\n');
      return { live: es.filter((e) => e.type === 'fit'), points: es.find((e) => e.type === 'fitPoints'), logged: events(logged).filter((e) => e.type === 'fit') };
    };
    const torch = await run(['--engine', 'torch', '--device', 'cpu']);
    const tfjs = await run(['--backend', 'cpu']);
    // at most every 0.2 s, as the tfjs trainer sends them, and always the last epoch's
    assert.equal(torch.live.at(-1)!.type === 'fit' && torch.live.at(-1)!.epoch, 3);
    assert.equal(torch.logged.length, 1);
    assert.deepEqual(torch.logged[0], torch.live.at(-1));
    const [a, b] = [torch.live.at(-1)!, tfjs.logged[0]];
    assert.ok(a.type === 'fit' && a.inputs === 1 && b.type === 'fit' && b.inputs === 1);
    assert.deepEqual(a.x, b.x, 'the same inputs');
    assert.ok(torch.points && tfjs.points);
    assert.deepEqual(torch.points, tfjs.points, 'the same data points of each split');
  });

  it('train.py names the .nn file, not the exporting machine\'s folders; tfjs\' warning on a large recurrent layer is printed once', () => {
    const file = path.join(tmp, 'rnn.nn');
    // a recurrent kernel of 48 x 48 > 2000 values: tfjs' orthogonal initializer warns at each compile
    fs.writeFileSync(file, 'model R {\n  input [5, 1]\n  lstm(48)\n  dense(1)\n}\ntrain r {\n  model: R\n  data: sine(n: 64, length: 5, seed: 1)\n  loss: mse\n  epochs: 3\n  seed: 1\n}\n');
    const runs = path.join(tmp, 'rnn');
    const r = spawnSync(process.execPath, [cli, 'train', file, '--engine', 'torch', '--device', 'cpu', '--runs', runs], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(`${r.stdout}${r.stderr}`.split('Orthogonal initializer').length - 1, 1, r.stderr);
    const run = path.join(runs, 'r', fs.readdirSync(path.join(runs, 'r'))[0]);
    const trainPy = fs.readFileSync(path.join(run, 'torch', 'train.py'), 'utf8');
    assert.match(trainPy, /"file": "rnn\.nn",/);
    assert.ok(!trainPy.includes(tmp), 'train.py holds a folder of this machine');
  });

  it("a stop before train.py has started (in Python's import torch) stops the run after its first batch: over the progress socket, and a Ctrl+C to the terminal's process group (it failed with a KeyboardInterrupt traceback, exit 1)", async () => {
    const stoppedIn = (out: string[], runs: string) => {
      const stopped = events(out).find((e) => e.type === 'stopped') as Extract<TrainEvent, { type: 'stopped' }> | undefined;
      assert.equal(stopped?.msg?.id, 'stoppedInEpoch', out.join('\n'));
      const run = path.join(runs, 'spiral_deep', fs.readdirSync(path.join(runs, 'spiral_deep'))[0]);
      assert.ok(fs.existsSync(path.join(run, 'last', 'model.json')), 'no last/');
    };
    // the socket's peer sends the stop as soon as nn train connects, before Python is started
    const runs = path.join(tmp, 'early-socket');
    const sock = path.join(tmp, 'early.sock');
    const server = net.createServer((c) => {
      c.write('{"type":"stop"}\n');
      c.resume();
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--epochs', '300', '--runs', runs, '--json'], { NN_PROGRESS_SOCKET: sock });
      assert.equal(r.code, 130, r.err + r.out.join('\n'));
      stoppedIn(r.out, runs);
    } finally {
      server.close();
    }
    // Ctrl+C: SIGINT to nn's process group (as a terminal sends it) while Python imports torch
    const ctrlc = path.join(tmp, 'early-ctrlc');
    const child = spawn(process.execPath, [cli, 'train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--epochs', '300', '--runs', ctrlc, '--json'], { detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    // train.py's process, not the probe of Python's version before it (ps exits 1 while there is none)
    const python = () => spawnSync('ps', ['-o', 'args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.includes('train.py'));
    for (let i = 0; i < 400 && !python() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(python(), `train.py was not started: ${out}`);
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exited, 130, out);
    stoppedIn(out.split('\n'), ctrlc);
  });

  it('Ctrl+C saves last/ and exits 130; --resume continues the run', async () => {
    const runs = path.join(tmp, 'stop');
    const child = spawn(process.execPath, [cli, 'train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--epochs', '300', '--runs', runs, '--json']);
    let out = '';
    let sent = false;
    const code = await new Promise<number>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // once: a second Ctrl+C quits at once
        if (!sent && /"type":"epoch","epoch":3,/.test(out)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (c) => resolve(c ?? -1));
    });
    assert.equal(code, 130, out);
    const es = events(out.split('\n'));
    const stopped = es.find((e) => e.type === 'stopped') as Extract<TrainEvent, { type: 'stopped' }>;
    assert.equal(stopped.reason, 'requested');
    const run = path.join(runs, 'spiral_deep', fs.readdirSync(path.join(runs, 'spiral_deep'))[0]);
    // the tfjs trainer's words and message id
    if (stopped.msg?.id === 'stoppedInEpoch') {
      const batch = stopped.msg.args.batch as number;
      assert.ok(Number.isInteger(batch) && batch >= 1, String(batch));
      assert.equal(stopped.message, `stopped at epoch ${stopped.epoch}, batch ${batch} as asked; resume with nn train --resume ${run}`);
      assert.deepEqual(stopped.msg, { id: 'stoppedInEpoch', args: { epoch: stopped.epoch, batch, run } });
    } else {
      assert.equal(stopped.message, `stopped after epoch ${stopped.epoch} as asked; resume with nn train --resume ${run}`);
      assert.equal(stopped.msg?.id, 'stoppedAfterEpoch');
    }
    assert.match(renderRuntime(stopped.msg!, 'zh-cn'), /^已按要求在第 \d+ 轮(第 \d+ 批)?(之后)?停止；用 nn train --resume .* 继续$/);
    assert.ok(fs.existsSync(path.join(run, 'last', 'model.json')));
    // a stop inside an epoch resumes inside it: the run continues after the last whole epoch
    const target = stopped.epoch + 1;
    const r = await nn(['train', '--resume', run, '--epochs', String(target), '--json']);
    assert.equal(r.code, 0, r.err);
    const again = events(r.out);
    const from = (again[0] as Extract<TrainEvent, { type: 'start' }>).resumedFrom!;
    assert.ok(from === stopped.epoch || from === stopped.epoch - 1, `resumed from ${from} after a stop in epoch ${stopped.epoch}`);
    assert.deepEqual(
      again.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch),
      Array.from({ length: target - from }, (_, i) => from + i + 1),
    );
    const report = JSON.parse(fs.readFileSync(path.join(run, 'report.json'), 'utf8')) as { history: { epoch: number }[] };
    assert.deepEqual(
      report.history.map((h) => h.epoch),
      Array.from({ length: target }, (_, i) => i + 1),
    );
  });

  it("early stopping: the stop says what the tfjs trainer says (its monitor's best and epoch, the weights restored), with its message id", async () => {
    const file = path.join(tmp, 'es.nn');
    fs.writeFileSync(
      file,
      'model N {\n  input [2]\n  dense(32, activation: relu)\n  dense(32, activation: relu)\n  dense(2)\n}\ntrain t {\n  model: N\n  data: circle(n: 300, noise: 0.35, seed: 5)\n  validation: 0.3\n  loss: cross_entropy\n  optimizer: adam(lr: 0.05)\n  epochs: 60\n  batch_size: 16\n  seed: 7\n  early_stopping(monitor: val_loss, patience: 3, restore_best: true)\n}\n',
    );
    const r = await nn(['train', file, '--engine', 'torch', '--device', 'cpu', '--runs', path.join(tmp, 'es'), '--json']);
    assert.equal(r.code, 0, r.err);
    const es = events(r.out);
    const stopped = es.find((e) => e.type === 'stopped') as Extract<TrainEvent, { type: 'stopped' }>;
    assert.equal(stopped.reason, 'early_stopping');
    assert.equal(stopped.msg?.id, 'earlyStopped');
    const epochs = es.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[];
    const best = epochs.reduce((a, b) => (b.val!.loss < a.val!.loss ? b : a));
    assert.equal(stopped.epoch, best.epoch + 3);
    assert.equal(stopped.message, `val_loss has not improved for 3 epochs (best ${Number(best.val!.loss.toPrecision(4))} at epoch ${best.epoch}); the weights of epoch ${best.epoch} are restored`);
    assert.equal(renderRuntime(stopped.msg!, 'zh-cn'), `val_loss 已经 3 轮没有改善（最佳值 ${Number(best.val!.loss.toPrecision(4))}，在第 ${best.epoch} 轮）；已恢复第 ${best.epoch} 轮的权重`);
  });

  it('a finished run resumes only to more epochs; a device that is not here is refused before anything is written', async () => {
    const runs = path.join(tmp, 'finished');
    const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--epochs', '2', '--runs', runs, '--json']);
    assert.equal(r.code, 0, r.err);
    const run = endOf(events(r.out)).runDir;
    const again = await nn(['train', '--resume', run, '--json']);
    assert.equal(again.code, 1);
    assert.match(again.out.join('\n') + again.err, /has finished \(completed after 2 epochs\); give --epochs more than 2 to train it further, or start a new run/);
    const zh = await nn(['train', '--resume', run], { LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.code, 1);
    assert.match(zh.err, /已经结束（已完成，共 2 轮）；若要继续训练，请给出大于 2 的 --epochs，或开始一次新的运行$/);
    const more = await nn(['train', '--resume', run, '--epochs', '3', '--json']);
    assert.equal(more.code, 0, more.err);
    assert.deepEqual(
      events(more.out).filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch),
      [3],
    );
    const none = path.join(tmp, 'no-gpu');
    const cuda = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--device', 'cuda', '--runs', none]);
    assert.equal(cuda.code, 1);
    assert.match(cuda.err, /sees no CUDA device/);
    assert.equal(fs.existsSync(none), false);
  });

  it("best/ deleted: --resume makes it again from PyTorch's copy (best.pt); with that gone too, the best is chosen again from the next epoch, as the tfjs engine does", async () => {
    const file = path.join(tmp, 'best-gone.nn');
    // a learning rate too small to change a float32 weight: no epoch after the first is better
    fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(4, activation: tanh)\n  dense(2)\n}\ntrain still {\n  model: M\n  data: circle(n: 100)\n  loss: cross_entropy\n  optimizer: sgd(lr: 1e-12)\n  validation: 0.2\n  epochs: 2\n  seed: 1\n}\n');
    const r = await nn(['train', file, '--engine', 'torch', '--runs', path.join(tmp, 'best-gone'), '--json']);
    assert.equal(r.code, 0, r.err);
    const run = endOf(events(r.out)).runDir;
    const meta = () => JSON.parse(fs.readFileSync(path.join(run, 'best', 'meta.json'), 'utf8')) as { epoch: number };
    assert.equal(meta().epoch, 1);
    const note = (es: TrainEvent[], id: string) => es.find((e) => e.type === 'log' && e.msg?.id === id);
    fs.rmSync(path.join(run, 'best'), { recursive: true });
    const rebuilt = await nn(['train', '--resume', run, '--epochs', '3', '--json']);
    assert.equal(rebuilt.code, 0, rebuilt.err);
    const said = note(events(rebuilt.out), 'bestRebuilt');
    assert.ok(said?.type === 'log', rebuilt.out.join('\n'));
    assert.equal(said.message, `${path.join(run, 'best')} was missing: made again from ${path.join(run, 'torch', 'checkpoints', 'best.pt')}, the torch engine's copy of the best weights so far (epoch 1)`);
    assert.equal(meta().epoch, 1);
    assert.equal((await nn(['evaluate', run])).code, 0);
    // both copies gone: nothing to make it from
    fs.rmSync(path.join(run, 'best'), { recursive: true });
    for (const f of ['best.pt', 'best.json', 'best.bin']) fs.rmSync(path.join(run, 'torch', 'checkpoints', f));
    const gone = await nn(['train', '--resume', run, '--epochs', '4', '--json']);
    assert.equal(gone.code, 0, gone.err);
    const es = events(gone.out);
    assert.match((note(es, 'bestGoneOnResume') as { message: string } | undefined)?.message ?? gone.out.join('\n'), /best is missing: the best weights so far \(epoch 1, val_loss [\d.]+\) are gone, so the best is chosen again from the next epoch on/);
    assert.deepEqual(es.filter((e) => e.type === 'epoch').map((e) => (e as { best: boolean }).best), [true]);
    assert.equal(meta().epoch, 4);
    assert.equal(endOf(es).bestEpoch, 4);
  });

  it("k-fold resumed in fold 2: its best/ deleted is chosen again from the next epoch, fold 1's gone is no candidate for best/, and both are said, as the tfjs engine does; with PyTorch's copy, best/ is made again", async () => {
    const file = path.join(tmp, 'kfold-gone.nn');
    // a learning rate too small to change a float32 weight: no epoch after a fold's first is better
    fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(4, activation: tanh)\n  dense(2)\n}\ntrain still {\n  model: M\n  data: circle(n: 60)\n  loss: cross_entropy\n  optimizer: sgd(lr: 1e-12)\n  kfold: 2\n  epochs: 2\n  seed: 1\n}\n');
    const r = await nn(['train', file, '--engine', 'torch', '--runs', path.join(tmp, 'kfold-gone'), '--json']);
    assert.equal(r.code, 0, r.err);
    const run = endOf(events(r.out)).runDir;
    const checkpoints = path.join(run, 'torch', 'checkpoints');
    const meta = (sub: string) => JSON.parse(fs.readFileSync(path.join(run, sub, 'best', 'meta.json'), 'utf8')) as { epoch: number };
    assert.deepEqual([meta('fold-1').epoch, meta('fold-2').epoch, meta('').epoch], [1, 1, 1]);
    // as if stopped after fold 2's first epoch: no report, and last.pt in fold 2 after its epoch 1
    const asStopped = () => {
      fs.rmSync(path.join(run, 'report.json'));
      const edit = 'import sys, torch\ns = torch.load(sys.argv[1])\nassert s["fold"] == 1\ns["epoch"] = 1\ns["batch"] = 0\ntorch.save(s, sys.argv[1])\n';
      execFileSync(findPython().python, ['-c', edit, path.join(checkpoints, 'last.pt')]);
    };
    const said = (es: TrainEvent[], id: string) => es.filter((e) => e.type === 'log' && e.msg?.id === id).map((e) => (e as { message: string }).message);
    const foldOneGone = `${path.join(run, 'fold-1', 'best', 'weights.bin')} is missing: fold 1's best weights are gone, so it is no candidate for the run's best/`;
    asStopped();
    // fold 1's weights and PyTorch's copy of them gone; fold 2's best/ and its copy gone
    fs.rmSync(path.join(run, 'fold-1', 'best', 'weights.bin'));
    fs.rmSync(path.join(run, 'fold-2', 'best'), { recursive: true });
    for (const f of ['fold-1', 'fold-2']) for (const e of ['pt', 'json', 'bin']) fs.rmSync(path.join(checkpoints, f, `best.${e}`));
    const gone = await nn(['train', '--resume', run, '--json']);
    assert.equal(gone.code, 0, gone.err);
    const es = events(gone.out);
    const goneSaid = said(es, 'bestGoneOnResume');
    assert.equal(goneSaid.length, 1, gone.out.join('\n'));
    assert.ok(goneSaid[0].startsWith(`${path.join(run, 'fold-2', 'best')} is missing: `), goneSaid[0]);
    assert.match(goneSaid[0], /the best weights so far \(epoch 1, val_loss [\d.]+\) are gone, so the best is chosen again from the next epoch on/);
    assert.deepEqual(said(es, 'foldBestGone'), [foldOneGone]);
    // fold 2's epoch 2 is its best again; the run's best/ is fold 2's, fold 1 passed over
    assert.deepEqual(es.filter((e) => e.type === 'epoch').map((e) => [(e as { fold: number }).fold, (e as { best: boolean }).best]), [[2, true]]);
    assert.equal(meta('fold-2').epoch, 2);
    assert.deepEqual(said(es, 'bestFold'), [`the best fold's best weights are in ${path.join(run, 'best')}`]);
    assert.equal(meta('').epoch, 2);
    // the report's history has every fold's epochs (it had fold 1's and what the resumed run trained)
    const history = (JSON.parse(fs.readFileSync(path.join(run, 'report.json'), 'utf8')) as { history: { fold: number; epoch: number }[] }).history;
    assert.deepEqual(history.map((h) => [h.fold, h.epoch]), [[1, 1], [1, 2], [2, 1], [2, 2]]);
    // again, fold 2's best/ deleted while PyTorch's copy is there: made again from it
    asStopped();
    fs.rmSync(path.join(run, 'fold-2', 'best'), { recursive: true });
    const rebuilt = await nn(['train', '--resume', run, '--json']);
    assert.equal(rebuilt.code, 0, rebuilt.err);
    const rs = events(rebuilt.out);
    assert.deepEqual(said(rs, 'bestRebuilt'), [`${path.join(run, 'fold-2', 'best')} was missing: made again from ${path.join(checkpoints, 'fold-2', 'best.pt')}, the torch engine's copy of the best weights so far (epoch 2)`]);
    assert.deepEqual(said(rs, 'bestGoneOnResume'), []);
    assert.deepEqual(said(rs, 'foldBestGone'), [foldOneGone]);
    assert.equal(meta('fold-2').epoch, 2);
    assert.equal((await nn(['evaluate', run])).code, 0);
  });

  it('--processes 2 trains with two processes', async () => {
    const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--processes', '2', '--epochs', '3', '--runs', path.join(tmp, 'two'), '--json']);
    assert.equal(r.code, 0, r.err);
    const es = events(r.out);
    assert.match((es[0] as Extract<TrainEvent, { type: 'start' }>).backendNote ?? '', /2 processes/);
    assert.equal(es.filter((e) => e.type === 'epoch').length, 3);
    assert.ok(fs.existsSync(path.join(endOf(es).runDir, 'report.json')), 'two processes ended without report.json');
  });

  it('nn killed (SIGKILL) with two processes: neither trains on alone; --resume continues from the last checkpoint', async () => {
    const runs = path.join(tmp, 'killed');
    const child = spawn(process.execPath, [cli, 'train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--processes', '2', '--epochs', '300', '--runs', runs, '--json']);
    let out = '';
    let sent = false;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!sent && /"type":"checkpoint","kind":"last","epoch":2,/.test(out)) {
          sent = true;
          child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
    });
    const run = path.join(runs, 'spiral_deep', fs.readdirSync(path.join(runs, 'spiral_deep'))[0]);
    const alive = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(run) && l.includes('train.py'));
    for (let i = 0; i < 40 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(alive(), [], 'PyTorch processes outlived nn');
    const r = await nn(['train', '--resume', run, '--epochs', '5', '--json']);
    assert.equal(r.code, 0, r.err);
    const start = events(r.out)[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.ok(start.resumedFrom !== undefined && start.resumedFrom >= 2, `resumed from ${String(start.resumedFrom)}`);
    assert.equal(endOf(events(r.out)).epochs, 5);
  });

  it('k-fold with fewer samples than folds: refused in the tfjs engine\'s words, before a run folder is written', async () => {
    const file = path.join(tmp, 'few.nn');
    fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: circle(n: 6, seed: 1)\n  kfold: 10\n  loss: cross_entropy\n  epochs: 1\n}\n');
    const runs = path.join(tmp, 'few');
    const r = await nn(['train', file, '--engine', 'torch', '--runs', runs]);
    assert.equal(r.code, 1);
    assert.match(r.err, /train 't': kfold: 10 folds need at least 10 samples, there are 5/);
    assert.deepEqual(fs.existsSync(path.join(runs, 't')) ? fs.readdirSync(path.join(runs, 't')) : [], []);
  });

  it("train.py runs with glibc's malloc thresholds fixed, OpenBLAS on --threads' threads and OpenMP's threads waiting passively, or with the user's own settings", async () => {
    // a Python that logs the settings it was started with, then runs the real one
    const log = path.join(tmp, 'malloc.log');
    const logging = path.join(tmp, 'logging-python');
    fs.writeFileSync(logging, `#!/bin/sh\necho "$1 $MALLOC_MMAP_THRESHOLD_ $MALLOC_TRIM_THRESHOLD_ $OPENBLAS_NUM_THREADS $OMP_WAIT_POLICY" >> '${log}'\nexec '${findPython().executable}' "$@"\n`, { mode: 0o755 });
    const train = async (env: Record<string, string>, flags: string[] = []) => {
      fs.rmSync(log, { force: true });
      const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--device', 'cpu', '--epochs', '1', '--runs', path.join(tmp, 'malloc'), ...flags], { NN_PYTHON: logging, ...env });
      assert.equal(r.code, 0, r.err);
      return fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('train.py'));
    };
    assert.deepEqual(await train({}), ['train.py 33554432 67108864  passive']);
    assert.deepEqual(await train({ MALLOC_TRIM_THRESHOLD_: '1000000' }, ['--threads', '1']), ['train.py  1000000 1 ']);
    assert.deepEqual(await train({ OPENBLAS_NUM_THREADS: '2', OMP_WAIT_POLICY: 'active' }, ['--threads', '2']), ['train.py 33554432 67108864 2 active']);
  });

  it('no Python with PyTorch: says what to install, exit 1, no run folder', async () => {
    const runs = path.join(tmp, 'none');
    const r = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--engine', 'torch', '--runs', runs], { NN_PYTHON: path.join(tmp, 'no-python') });
    assert.equal(r.code, 1);
    assert.match(r.err, /no Python with PyTorch/);
    assert.match(r.err, /apt install python3-torch/);
    assert.equal(fs.existsSync(runs), false);
  });
});

describe("the torch engine's start line", () => {
  it("has train.py's note and the Python as a message id, English as it was; another note stays as written", () => {
    const n = torchNote('PyTorch 1.13.0 on cuda:0, 2 processes', '/usr/bin/python3');
    assert.equal(n.backendNote, 'PyTorch 1.13.0 on cuda:0, 2 processes, /usr/bin/python3');
    assert.equal(renderRuntime(n.backendMsg!, 'zh-cn'), 'PyTorch 1.13.0，设备 cuda:0，2 个进程，/usr/bin/python3');
    assert.deepEqual(torchNote('PyTorch 2.3.0 on cpu', 'python3'), { backendNote: 'PyTorch 2.3.0 on cpu, python3', backendMsg: { id: 'torchBackend', args: { version: '2.3.0', device: 'cpu', python: 'python3' } } });
    assert.deepEqual(torchNote('something else', 'python3'), { backendNote: 'something else, python3' });
  });
});

describe("the torch engine's allocator, BLAS and OpenMP settings", () => {
  it("fix glibc's malloc thresholds unless the environment sets either, or glibc's malloc tunables", () => {
    assert.deepEqual(allocatorEnv({ PATH: '/usr/bin' }), { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '67108864' });
    assert.deepEqual(allocatorEnv({ MALLOC_MMAP_THRESHOLD_: '131072' }), {});
    assert.deepEqual(allocatorEnv({ MALLOC_TRIM_THRESHOLD_: '0' }), {});
    assert.deepEqual(allocatorEnv({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' }), {});
    assert.deepEqual(allocatorEnv({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' }), { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '67108864' });
  });

  it("give OpenBLAS the process's PyTorch threads when they are chosen, unless the environment sets its own", () => {
    assert.deepEqual(blasEnv({}, 1), { OPENBLAS_NUM_THREADS: '1' });
    assert.deepEqual(blasEnv({}, 3), { OPENBLAS_NUM_THREADS: '3' });
    assert.deepEqual(blasEnv({}, 0), {});
    assert.deepEqual(blasEnv({ OPENBLAS_NUM_THREADS: '4' }, 1), {});
  });

  it("let OpenMP's threads sleep between operations where there may be several, unless the environment says how they wait", () => {
    assert.deepEqual(openmpEnv({}, 0), { OMP_WAIT_POLICY: 'passive' });
    assert.deepEqual(openmpEnv({}, 2), { OMP_WAIT_POLICY: 'passive' });
    assert.deepEqual(openmpEnv({}, 1), {});
    assert.deepEqual(openmpEnv({ OMP_WAIT_POLICY: 'active' }, 2), {});
  });
});
