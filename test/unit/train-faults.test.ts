// Training under faults, through the `nn` command: a loss that becomes Infinity, a diverging run,
// a real SIGKILL mid-epoch and at every step of a checkpoint write, a full disk (a write failure
// injected with NN_TEST_FAULT, and a real tmpfs that fills up where mounting is allowed), a
// read-only runs folder and run folder. Each gives a clear message and a non-zero exit, leaves
// the last good checkpoint readable, and `nn train --resume` finishes the run afterwards. A model
// too large for the memory is refused before training, with the estimate (NN420).
// (A stop request and SIGINT are in train-cli.test.ts, NaN and weights broken with a finite loss
// in train-loop.test.ts.)

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { runNn } from '../nn-cli';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { checkpointDir, loadModel } from '../../server/src/runtime/train/checkpoint';
import { trainingMemory, ACTIVATION_FACTOR } from '../../server/src/core/memory';
import { analyzeText, onLines } from '../helpers';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

const NN = `
model Reg {
  input [2]
  dense(8, activation: tanh)
  dense(1)
}

model Lin {
  input [2]
  dense(1)
}

train quick {
  model: Reg
  data: linear(n: 400, features: 2)
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 3
  batch_size: 16
  metrics: [r2]
  seed: 1
}

# epochs of 2,000 batches: a kill sent on a batch event lands in the middle of one
train long {
  model: Reg
  data: linear(n: 8000, features: 2)
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 2
  batch_size: 4
  seed: 1
}

train diverging {
  model: Lin
  data: linear(n: 400, features: 2)
  loss: mse
  optimizer: sgd(lr: 1.5)
  epochs: 100
  batch_size: 100
  shuffle: false
  seed: 1
}

# 10^10 weights: 149 GB with adam's state, more than any machine this runs on
train giant {
  model: Giant
  data: linear(n: 100, features: 1000)
  loss: mse
  optimizer: adam()
  epochs: 1
}

model Giant {
  input [1000]
  dense(10000000)
  dense(1)
}

# two classes fitted with mse on one unit (0 and 1): predictions are cut at 0.5
train binary_mse {
  model: Lin
  data: xor(n: 200)
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 2
  seed: 1
}

train huge {
  model: Lin
  data: csv("huge.csv", label: "y", task: regression)
  loss: mse
  optimizer: sgd(lr: 0.01)
  epochs: 2
  batch_size: 2
  seed: 1
}
`;

interface Run {
  code: number;
  out: string[];
  err: string[];
  events: TrainEvent[];
}

/** `nn ARGS` in this process (NN_TEST_FAULT and other variables set for the call). */
async function nn(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const r = await runNn(argv, env);
  return { ...r, events: r.out.map((l) => parseEvent(l)).filter((e): e is TrainEvent => e !== undefined) };
}

/** `nn train ...` as a real child process; `onEvent` may kill it. Resolves when it has exited. */
function child(argv: string[], env: Record<string, string>, onEvent?: (e: TrainEvent, p: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; events: TrainEvent[]; stderr: string }> {
  assert.ok(fs.existsSync(cli), 'npm test builds dist/cli.js first');
  const p = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const events: TrainEvent[] = [];
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  onLines(p.stdout!, (l) => {
    const e = parseEvent(l);
    if (!e) return;
    events.push(e);
    onEvent?.(e, p);
  });
  return new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal, events, stderr })));
}

function runDirOf(events: TrainEvent[]): string {
  const start = events[0];
  assert.ok(start && start.type === 'start', JSON.stringify(events.slice(0, 2)));
  return start.runDir;
}

/** The run's last/ (or the .old a kill left) loads with tfjs and its weights are finite; returns its state.json. */
async function lastIsGood(runDir: string): Promise<{ epoch: number; batch: number }> {
  const d = checkpointDir(path.join(runDir, 'last'));
  assert.ok(d, `no readable last/ in ${runDir}: ${fs.readdirSync(runDir).join(', ')}`);
  const m = await loadModel(d);
  assert.ok(m.getWeights().every((w) => Array.from(w.dataSync()).every(Number.isFinite)));
  m.dispose();
  return JSON.parse(fs.readFileSync(path.join(d, 'state.json'), 'utf8'));
}

/** Every line of metrics.jsonl is a whole JSON event. */
function logIsWhole(runDir: string): TrainEvent[] {
  const text = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8');
  assert.ok(text === '' || text.endsWith('\n'));
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const e = parseEvent(l);
      assert.ok(e, `a broken line in metrics.jsonl: ${l.slice(0, 100)}`);
      return e;
    });
}

/** Resumes the run in this process and checks that it finishes all `epochs`, with nothing left of the kill. */
async function resumeFinishes(runDir: string, epochs: number, from: number): Promise<void> {
  const r = await nn(['train', '--resume', runDir, '--json', '--backend', 'cpu']);
  assert.equal(r.code, 0, r.err.join('\n') + r.out.slice(-3).join('\n'));
  const start = r.events[0];
  assert.ok(start.type === 'start' && start.resumedFrom === from, JSON.stringify(start));
  const end = r.events[r.events.length - 1];
  assert.ok(end.type === 'end' && end.epochs === epochs, JSON.stringify(end));
  for (const f of ['last', 'best']) {
    assert.ok(!fs.existsSync(path.join(runDir, `${f}.tmp`)) && !fs.existsSync(path.join(runDir, `${f}.old`)), `${f}.tmp or ${f}.old left`);
  }
  logIsWhole(runDir);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Runs `mount ARGS`; false when this machine does not allow it. */
function mount(...args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `dir` read-only for this process and its children: chmod of every folder and file for a
 * user (a read-only folder still lets its files be appended to); for root (whom
 * permissions do not stop) a read-only bind mount. Returns the undo, or undefined when neither can be had.
 */
function readOnly(dir: string): (() => void) | undefined {
  if (process.platform === 'win32') return undefined;
  if (!isRoot()) {
    const modes = new Map<string, number>();
    const walk = (d: string) => {
      modes.set(d, fs.statSync(d).mode);
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.isFile()) modes.set(path.join(d, e.name), fs.statSync(path.join(d, e.name)).mode);
      }
    };
    walk(dir);
    for (const [p, m] of modes) fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o555 : m & 0o555);
    return () => {
      for (const [d, m] of modes) fs.chmodSync(d, m);
    };
  }
  if (!mount('--bind', dir, dir)) return undefined;
  if (!mount('-o', 'remount,bind,ro', dir)) {
    execFileSync('umount', [dir]);
    return undefined;
  }
  return () => execFileSync('umount', [dir]);
}

describe('training faults', function () {
  this.timeout(300_000);
  let dir: string;
  let file: string;
  let runs: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-faults-'));
    file = path.join(dir, 'faults.nn');
    fs.writeFileSync(file, NN);
    fs.writeFileSync(path.join(dir, 'huge.csv'), 'a,b,y\n0.1,0.2,1\n0.3,0.4,2\n0.5,0.6,1e30\n0.7,0.8,3\n');
    runs = path.join(dir, 'runs');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const train = (name: string, ...more: string[]) => ['train', file, '--train', name, '--json', '--backend', 'cpu', '--runs', runs, ...more];

  it('a loss that becomes Infinity stops at that batch with advice, exit 1, and saves nothing', async () => {
    const r = await nn(train('huge'));
    assert.equal(r.code, 1);
    const error = r.events[r.events.length - 1];
    assert.ok(error.type === 'error', JSON.stringify(error));
    // nothing was written: the message must not promise a checkpoint
    assert.match(error.message, /^the loss became Infinity at epoch 1, batch [12]; .*No checkpoint had been written yet, so nothing is saved\.$/);
    assert.doesNotMatch(error.message, /checkpoint is kept/);
    const runDir = runDirOf(r.events);
    assert.ok(!fs.existsSync(path.join(runDir, 'last')) && !fs.existsSync(path.join(runDir, 'best')));
  });

  it('a stop on a non-finite loss is said once to a person, not as a stop and again as an error', async () => {
    const r = await nn(['train', file, '--train', 'huge', '--backend', 'cpu', '--runs', runs]);
    assert.equal(r.code, 1);
    const said = [...r.out, ...r.err].filter((l) => l.includes('the loss became Infinity'));
    assert.equal(said.length, 1, said.join('\n'));
  });

  it('a diverging run: the loss grows epoch after epoch, the run stops where it stops being finite, last/ holds the last finite weights', async () => {
    const r = await nn(train('diverging'));
    assert.equal(r.code, 1);
    const epochs = r.events.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[];
    assert.ok(epochs.length >= 3, `${epochs.length} epochs`);
    assert.ok(epochs.every((e, i) => i === 0 || e.loss > epochs[i - 1].loss), `losses ${epochs.map((e) => e.loss).join(', ')}`);
    assert.ok(epochs[epochs.length - 1].loss > 1000 * epochs[0].loss, `losses ${epochs.map((e) => e.loss).join(', ')}`);
    const stopped = r.events.find((e) => e.type === 'stopped');
    assert.ok(stopped && stopped.type === 'stopped' && stopped.reason === 'not_finite');
    assert.match(stopped.message, /(the loss became (NaN|-?Infinity)|the weights stopped being finite numbers|the validation loss became) at epoch \d+.*the learning rate 1\.5 is probably too high for sgd/);
    const runDir = runDirOf(r.events);
    // what is kept is named: best/ from epoch 1 and last/ after the last finite epoch
    assert.match(stopped.message, new RegExp(`The checkpoints written before it are kept in ${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: best/ \\(epoch 1\\) and last/ \\(after epoch \\d+\\)\\.$`));
    const state = await lastIsGood(runDir);
    assert.equal(state.epoch, epochs.length - (/batch/.test(stopped.message) ? 0 : 1));
    // best/ keeps the epoch with the lowest loss: the first
    assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'best', 'meta.json'), 'utf8')).epoch, 1);
  });

  it('SIGKILL in the middle of an epoch: last/ of the epoch before loads, metrics.jsonl is whole, --resume finishes', async () => {
    let killed = false;
    const r = await child(train('long'), {}, (e, p) => {
      if (e.type === 'batch' && e.epoch === 2 && !killed) killed = p.kill('SIGKILL');
    });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const last = r.events[r.events.length - 1];
    assert.ok(last.type === 'batch' && last.epoch === 2, `killed mid-epoch 2, not after ${JSON.stringify(last)}`);
    const runDir = runDirOf(r.events);
    const state = await lastIsGood(runDir);
    assert.deepEqual([state.epoch, state.batch], [1, 0]);
    assert.deepEqual(logIsWhole(runDir).filter((e) => e.type === 'epoch').length, 1);
    await resumeFinishes(runDir, 2, 1);
  });

  // the second write of last/ (epoch 2) or best/, killed after each of its steps
  const kills: [string, number][] = [
    ['last:file:7', 1], // two of its five files are in last.tmp/
    ['last:files:2', 1], // last.tmp/ complete, last/ still the old one
    ['last:old:2', 1], // only last.old/ (and last.tmp/): the moment between the two renames
    ['last:renamed:2', 2], // the new last/ in place, last.old/ not yet removed
    ['best:old:2', 1], // best/ between its renames
  ];
  for (const [at, epoch] of kills) {
    it(`SIGKILL at ${at} of a checkpoint write: a complete checkpoint is readable, --resume finishes`, async () => {
      const r = await child(train('quick'), { NN_TEST_FAULT: `${at}:kill` });
      assert.equal(r.signal, 'SIGKILL', `not killed (exit ${r.code}): ${r.stderr}`);
      const runDir = runDirOf(r.events);
      const state = await lastIsGood(runDir);
      assert.deepEqual([state.epoch, state.batch], [epoch, 0]);
      if (at.startsWith('best')) {
        const best = checkpointDir(path.join(runDir, 'best'));
        assert.ok(best, 'best/ readable');
        (await loadModel(best)).dispose();
      }
      await resumeFinishes(runDir, 3, epoch);
    });
  }

  it('a full disk while writing best/ (ENOSPC injected): a clear message, exit 1, the last good checkpoints kept, --resume finishes', async () => {
    // ENOSPC on weights.bin of the second best/ (epoch 2), the first being complete
    const r = await nn(train('quick'), { NN_TEST_FAULT: 'best:file:5:ENOSPC' });
    assert.equal(r.code, 1);
    const runDir = runDirOf(r.events);
    const error = r.events[r.events.length - 1];
    assert.ok(error.type === 'error');
    assert.equal(error.message, `cannot write the checkpoint ${path.join(runDir, 'best')}: no space left on the device; the last good checkpoint is kept in ${path.join(runDir, 'best')}`);
    assert.ok(!fs.existsSync(path.join(runDir, 'best.tmp')), 'the partial best.tmp/ is removed');
    assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'best', 'meta.json'), 'utf8')).epoch, 1);
    assert.equal((await lastIsGood(runDir)).epoch, 1);
    await resumeFinishes(runDir, 3, 1);
  });

  it('a read-only file system under last/ (EROFS injected at the rename): a clear message, last/ of the epoch before kept', async () => {
    const r = await nn(train('quick'), { NN_TEST_FAULT: 'last:files:2:EROFS' });
    assert.equal(r.code, 1);
    const runDir = runDirOf(r.events);
    const error = r.events[r.events.length - 1];
    assert.ok(error.type === 'error');
    assert.equal(error.message, `cannot write the checkpoint ${path.join(runDir, 'last')}: the file system is read-only; the last good checkpoint is kept in ${path.join(runDir, 'last')}`);
    assert.equal((await lastIsGood(runDir)).epoch, 1);
  });

  it('a full disk for real: a 64 KB tmpfs that fills up mid-run (root only; skipped where mounting is not allowed)', async function () {
    const tiny = path.join(dir, 'tiny');
    fs.mkdirSync(tiny);
    if (process.platform !== 'linux' || !isRoot() || !mount('-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', tiny)) this.skip();
    try {
      // enough epochs that metrics.jsonl and the checkpoints outgrow its 16 pages
      const r = await nn(['train', file, '--train', 'quick', '--epochs', '400', '--json', '--backend', 'cpu', '--runs', tiny]);
      assert.equal(r.code, 1, r.out.slice(-2).join('\n'));
      const error = r.events[r.events.length - 1];
      assert.ok(error.type === 'error');
      assert.match(error.message, /^cannot (write|create) .*: no space left on the device/);
      const runDir = runDirOf(r.events);
      const state = await lastIsGood(runDir);
      assert.ok(state.epoch >= 1);
      assert.ok(!fs.existsSync(path.join(runDir, 'last.tmp')) && !fs.existsSync(path.join(runDir, 'best.tmp')));
    } finally {
      execFileSync('umount', [tiny]);
    }
  });

  it('a read-only runs folder: nothing starts (exit 1, says so); a read-only run folder: --resume refuses and changes nothing', async function () {
    const ro = path.join(dir, 'ro-runs');
    fs.mkdirSync(ro);
    const first = await nn(['train', file, '--train', 'quick', '--json', '--backend', 'cpu', '--runs', ro, '--epochs', '1']);
    assert.equal(first.code, 0, first.err.join('\n'));
    const runDir = runDirOf(first.events);
    const snapshot = () => fs.readdirSync(runDir, { recursive: true }).map(String).sort().map((f) => [f, fs.statSync(path.join(runDir, f)).isFile() ? fs.readFileSync(path.join(runDir, f), 'latin1') : '']);
    const was = snapshot();
    const undo = readOnly(ro);
    if (!undo) this.skip();
    try {
      const r = await nn(['train', file, '--train', 'quick', '--json', '--backend', 'cpu', '--runs', ro]);
      assert.equal(r.code, 1);
      const error = r.events[r.events.length - 1];
      assert.ok(error.type === 'error', JSON.stringify(r.events.slice(-2)));
      assert.match(error.message, new RegExp(`^cannot create the run folder ${ro.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/quick/[^:]+: (the file system is read-only|permission denied)$`));
      const again = await nn(['train', '--resume', runDir, '--json', '--backend', 'cpu', '--epochs', '3']);
      assert.equal(again.code, 1);
      const e2 = again.events[again.events.length - 1];
      assert.ok(e2.type === 'error');
      // the lock is the first file a resume writes
      assert.match(e2.message, /^cannot lock the run folder: cannot write .*train\.lock: (the file system is read-only|permission denied)$/);
      assert.deepEqual(snapshot(), was, 'nothing in the run folder changed');
    } finally {
      undo();
    }
  });

  it('the memory estimate: weights with gradients and optimizer slots, activations × batch, data', () => {
    const r = analyzeText(NN);
    const quick = r.trains.find((t) => t.name === 'quick')!;
    const m = trainingMemory(quick)!;
    // Reg: 2·8 + 8 + 8 + 1 = 33 weights, each with its gradient and adam's 2 slots; 8 + 1 outputs a sample
    assert.deepEqual([m.weights, m.slots, m.activations, m.batch], [4 * 33 * 4, 2, 4 * ACTIVATION_FACTOR * 9 * 16, 16]);
    assert.equal(m.data, 4 * 400 * 2);
    assert.equal(m.total, m.weights + m.activations + m.data);
    const sgd = trainingMemory(r.trains.find((t) => t.name === 'diverging')!)!;
    assert.equal(sgd.weights, 4 * 3 * 2, 'plain sgd keeps no state: weights and gradients of 3 weights');
  });

  it('a model too large for the memory is refused before training: NN420 with the estimate, exit 1, no run folder', async () => {
    assert.equal(fs.existsSync(path.join(runs, 'giant')), false, 'no giant run before this test');
    const r = await nn(['train', file, '--train', 'giant', '--backend', 'cpu', '--runs', runs]);
    assert.equal(r.code, 1);
    assert.match(
      r.err.join('\n'),
      /^nn train: .*faults\.nn:\d+:\d+: error NN420: training 'giant' needs about 152\.89 GB of memory \(149\.31 GB for the weights, their gradients and adam's state; 3\.58 GB for the activations of a batch of 32; 390\.63 KB for the data\), but only [\d.]+ [KMGT]?B can be had \(the free memory of this machine\): use a smaller model or batch_size$/,
    );
    assert.equal(fs.existsSync(path.join(runs, 'giant')), false, 'no run folder');
  });

  it('a run whose .nn file changed or moved since: --resume, nn evaluate and nn predict say so (exit 1, no internal error)', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'edited-'));
    // beside the data files the train blocks read
    const f = path.join(dir, 'm.nn');
    fs.writeFileSync(f, NN);
    const r = await nn(['train', f, '--train', 'quick', '--json', '--backend', 'cpu', '--runs', path.join(sub, 'runs'), '--epochs', '1']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const runDir = runDirOf(r.events);
    const said = (x: Run) => [...x.err, ...x.events.flatMap((e) => (e.type === 'error' ? [e.message] : []))].join('\n');
    // the model changed: its checkpoint no longer fits (this was exit 70, an internal error)
    fs.writeFileSync(f, NN.replace('dense(8, activation: tanh)', 'dense(9, activation: tanh)'));
    const changed = await nn(['train', '--resume', runDir, '--json', '--backend', 'cpu', '--epochs', '2']);
    assert.equal(changed.code, 1, said(changed));
    assert.match(said(changed), /has shape \[2,8\], the model's is \[2,9\] \(was the model changed since\?\)/);
    // more samples and smaller batches: a resume went on silently, config.json still saying 400 and 16
    fs.writeFileSync(f, NN.replace(/(train quick \{[^}]*)n: 400([^}]*)batch_size: 16/, '$1n: 600$2batch_size: 8'));
    const moreData = await nn(['train', '--resume', runDir, '--json', '--backend', 'cpu', '--epochs', '2']);
    assert.equal(moreData.code, 1, said(moreData));
    assert.match(said(moreData), /the train block changed since the run \(samples: \{"train":320,"test":80\}, now \{"train":480,"test":120\}; batch_size: 16, now 8\); resume it as it started, or start a new run/);
    // the dataset changed (3 features, and the model's input with it): evaluate crashed inside
    // tfjs, and predict --index cut 3-value rows into the 2 inputs without a word
    const threeFeatures = NN.replace('model Reg {\n  input [2]', 'model Reg {\n  input [3]')
      .replace(/(train (quick|long) \{[^}]*)features: 2/g, '$1features: 3');
    fs.writeFileSync(f, threeFeatures);
    for (const argv of [['evaluate', runDir], ['predict', runDir, '--index', '0']]) {
      const m = await nn(argv);
      assert.equal(m.code, 1, `${argv.join(' ')}: ${said(m)}`);
      assert.match(said(m), /the data now gives samples of \[3\], but the model saved in .* takes \[2\]: was the dataset changed since the run\?/);
    }
    // the file moved: not a usage error (exit 2 with the help), the run's own file named
    fs.renameSync(f, path.join(dir, 'renamed.nn'));
    for (const argv of [['evaluate', runDir], ['train', '--resume', runDir, '--json', '--backend', 'cpu', '--epochs', '2']]) {
      const m = await nn(argv);
      assert.equal(m.code, 1, `${argv.join(' ')}: ${said(m)}`);
      assert.match(said(m), /cannot read '.*m\.nn' \(.* was trained from 'quick' in .*m\.nn: was the file moved, or the train block renamed\?\)/);
    }
  });

  it('nn predict cuts a one-unit mse classifier at 0.5, as its accuracy did (not at 0)', async () => {
    const r = await nn(train('binary_mse'));
    assert.equal(r.code, 0, r.err.join('\n'));
    const inputs = ['0.5,0.5', '-0.5,0.5', '0.5,-0.5', '-0.5,-0.5', '0.1,0.1', '-0.9,0.2', '0.3,-0.8', '0,0'];
    const p = await nn(['predict', runDirOf(r.events), ...inputs, '--json', '--backend', 'cpu']);
    assert.equal(p.code, 0, p.err.join('\n'));
    const top = (JSON.parse(p.out[0]) as { predictions: { top: { class: number; score: number }[] }[] }).predictions.map((x) => x.top[0]);
    // a linear unit on xor sits near 0.5: some outputs fall between the two cuts
    assert.ok(top.some((t) => t.score > 0 && t.score < 0.5), JSON.stringify(top));
    for (const t of top) assert.equal(t.class, t.score > 0.5 ? 1 : 0, JSON.stringify(t));
  });

  it('half a line at the end of metrics.jsonl (a kill while logging) is cut when the run resumes', async () => {
    const r = await nn(train('quick', '--epochs', '1'));
    assert.equal(r.code, 0);
    const runDir = runDirOf(r.events);
    fs.appendFileSync(path.join(runDir, 'metrics.jsonl'), '{"type":"epoch","epo');
    const again = await nn(['train', '--resume', runDir, '--json', '--backend', 'cpu', '--epochs', '2']);
    assert.equal(again.code, 0, again.err.join('\n'));
    assert.ok(again.events.some((e) => e.type === 'log' && e.message === 'metrics.jsonl ended in a partial line (the run was killed while writing it): 20 bytes cut'));
    assert.equal(logIsWhole(runDir).filter((e) => e.type === 'end').length, 2);
  });
});
