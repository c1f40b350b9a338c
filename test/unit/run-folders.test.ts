// Run folders read back by `nn evaluate`, `nn predict` and `nn train --resume`: each file only
// when it is a regular file inside the run folder, its size checked before it is read, and valid
// against its schema. A tampered run folder is exit 1 with a message naming the file (and the
// field), never exit 70 with a stack, and nothing in it or outside it changes. Also the lock of a
// run folder, `--resume last` beside a symbolic link, and text from files escaped when printed.

import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { printable } from '../../server/src/cli/files';
import { checkRunConfig } from '../../server/src/runtime/train/run-config';
import { lockRun } from '../../server/src/runtime/train/runs';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { onLines } from '../helpers';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

const NN = `
model M {
  input [2]
  dense(8, activation: relu)
  dense(2)
}

train t {
  model: M
  data: circle(n: 200)
  loss: cross_entropy
  optimizer: adam(lr: 0.01)
  epochs: 2
  batch_size: 16
  seed: 1
}

# 4,000 batches of 4: long enough to be caught running
train long {
  model: M
  data: circle(n: 20000)
  loss: cross_entropy
  optimizer: adam(lr: 0.01)
  epochs: 3
  batch_size: 4
  seed: 1
}

train named {
  model: M
  data: csv("names.csv", label: "y")
  loss: cross_entropy
  epochs: 1
  batch_size: 8
  seed: 1
}
`;

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function nn(argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out, err };
}

/** Every entry under dir: its kind, and a regular file's bytes (a FIFO is not opened). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = path.join(dir, rel);
    const st = fs.lstatSync(p);
    out[rel] = st.isFile() ? fs.readFileSync(p).toString('base64') : st.isSymbolicLink() ? `link ${fs.readlinkSync(p)}` : st.isDirectory() ? 'dir' : 'other';
  }
  return out;
}

const json = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));
function edit(p: string, f: (v: Record<string, unknown>) => void): void {
  const v = json(p);
  f(v);
  fs.writeFileSync(p, JSON.stringify(v));
}

/** The first object with `key` in a JSON tree. */
function findKey(v: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (!Array.isArray(v) && key in v) return v as Record<string, unknown>;
  for (const x of Object.values(v)) {
    const found = findKey(x, key);
    if (found) return found;
  }
  return undefined;
}

describe('run folders: tampered, linked, locked', function () {
  let dir: string;
  let file: string;
  let base: string;
  let other: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-runfolders-'));
    file = path.join(dir, 'r.nn');
    fs.writeFileSync(file, NN);
    const rows = ['x1,x2,y'];
    for (let i = 0; i < 40; i++) rows.push(`${i % 7},${i % 5},${i % 2 ? '"\u001b]0;owned\u0007cat"' : '"\u001b[31mdog"'}`);
    fs.writeFileSync(path.join(dir, 'names.csv'), rows.join('\n') + '\n');
    const runs = path.join(dir, 'runs');
    for (let i = 0; i < 2; i++) {
      const r = await nn(['train', file, '--train', 't', '--backend', 'cpu', '--runs', runs, '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
    }
    [base, other] = fs.readdirSync(path.join(runs, 't')).map((d) => path.join(runs, 't', d));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const evaluate = (d: string) => ['evaluate', d, '--backend', 'cpu'];
  const predict = (d: string) => ['predict', d, '0.5,0.5', '--backend', 'cpu'];
  const resume = (d: string) => ['train', '--resume', d, '--epochs', '4', '--backend', 'cpu'];

  // one row a case: what is done to a copy of a finished run, the command, and what the message says
  const cases: { name: string; tamper: (d: string) => void; argv: (d: string) => string[]; says: RegExp }[] = [
    { name: 'config.json is a FIFO (it blocked forever)', tamper: (d) => fifo(path.join(d, 'config.json')), argv: evaluate, says: /config\.json is a FIFO \(named pipe\), not a regular file/ },
    { name: 'best/model.json is a FIFO', tamper: (d) => fifo(path.join(d, 'best', 'model.json')), argv: evaluate, says: /best\/model\.json is a FIFO \(named pipe\), not a regular file/ },
    { name: 'best/weights.bin links to /dev/zero (6 GB in 11 s)', tamper: (d) => relink(path.join(d, 'best', 'weights.bin'), '/dev/zero'), argv: evaluate, says: /best\/weights\.bin is a symbolic link; the files of a run folder are read only from inside it/ },
    { name: "best/ links to another run's (its weights were loaded without a word)", tamper: (d) => relink(path.join(d, 'best'), path.join(other, 'best')), argv: evaluate, says: /best is a symbolic link; a run folder is read and written only inside itself/ },
    { name: 'config.json links to /etc/passwd (the error quoted root:x:0:0)', tamper: (d) => relink(path.join(d, 'config.json'), '/etc/passwd'), argv: predict, says: /config\.json is a symbolic link/ },
    { name: 'config.json holds text that is not JSON: not quoted', tamper: (d) => fs.writeFileSync(path.join(d, 'config.json'), 'root:x:0:0:root:/root:/bin/bash\n'), argv: evaluate, says: /config\.json is damaged: not valid JSON$/ },
    {
      name: 'a 100,000-deep topology',
      // written as text: JSON.stringify of it runs out of stack
      tamper: (d) => {
        const f = path.join(d, 'best', 'model.json');
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"modelTopology":{', `"modelTopology":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`));
      },
      argv: evaluate,
      says: /best\/model\.json is damaged: its topology nests more than 64 levels deep/,
    },
    { name: 'class_name "Lambda"', tamper: (d) => edit(path.join(d, 'best', 'model.json'), (v) => (findKey((v.modelTopology as { config: unknown }).config, 'class_name')!.class_name = 'Lambda')), argv: evaluate, says: /best\/model\.json is damaged: field '.*\.class_name' names 'Lambda', which is not a layer/ },
    { name: 'changed units (3.1 GB allocated first)', tamper: (d) => edit(path.join(d, 'best', 'model.json'), (v) => (findKey(v.modelTopology, 'units')!.units = 100_000_000)), argv: predict, says: /best\/model\.json is damaged: its topology makes a weight '.*kernel' of \[2, 100000000\], more values than the weights manifest holds/ },
    { name: 'a negative weight shape in the manifest', tamper: (d) => edit(path.join(d, 'best', 'model.json'), (v) => (findKey(v.weightsManifest, 'shape')!.shape = [-2, 8])), argv: evaluate, says: /best\/model\.json is damaged: field 'weightsManifest\[0\]\.weights\[0\]\.shape\[0\]' is -2; it must be a whole number from 0 to/ },
    { name: 'weights.bin cut short', tamper: (d) => fs.truncateSync(path.join(d, 'best', 'weights.bin'), 10), argv: evaluate, says: /best\/weights\.bin is damaged: 10 bytes, the manifest in model\.json needs \d+$/ },
    { name: 'no file in config.json', tamper: (d) => edit(path.join(d, 'config.json'), (v) => delete v.file), argv: evaluate, says: /config\.json is damaged: field 'file' is missing; it must be a text/ },
    { name: 'config.json: standardize of another width', tamper: (d) => edit(path.join(d, 'config.json'), (v) => (v.standardize = { mean: [0], std: [1] })), argv: predict, says: /config\.json is damaged: field 'standardize\.mean' is a list of 1; it must be a list of 2 numbers/ },
    { name: 'config.json: a train name that is a path', tamper: (d) => edit(path.join(d, 'config.json'), (v) => (v.train = '../x')), argv: resume, says: /config\.json is damaged: field 'train' is "\.\.\/x"; it must be a train block's name/ },
    { name: 'config.json of a later version', tamper: (d) => edit(path.join(d, 'config.json'), (v) => (v.version = 2)), argv: evaluate, says: /config\.json is damaged: field 'version' is 2; it must be a whole number from 1 to 1/ },
    { name: 'state.json: batch -3', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => (v.batch = -3)), argv: resume, says: /last\/state\.json is damaged: field 'batch' is -3; it must be a whole number from 0 to/ },
    { name: 'state.json: fold 7 without folds', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => (v.fold = 7)), argv: resume, says: /last\/state\.json is damaged: field 'fold' is 7; it must be a whole number from 0 to 0 \(the run has no folds\)/ },
    { name: 'state.json: best null', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => (v.best = null)), argv: resume, says: /last\/state\.json is damaged: field 'best' is null; it must be an object/ },
    { name: 'state.json: epoch -5 (trained epochs -4..3)', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => (v.epoch = -5)), argv: resume, says: /last\/state\.json is damaged: field 'epoch' is -5; it must be a whole number of at least 0/ },
    { name: 'state.json: epoch "1" (printed epoch 11/3)', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => (v.epoch = '1')), argv: resume, says: /last\/state\.json is damaged: field 'epoch' is "1"; it must be a whole number/ },
    { name: 'state.json: batch 1e12 (a NaN epoch)', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => ((v.epoch = 1), (v.batch = 1e12))), argv: resume, says: /last\/state\.json is damaged: field 'batch' is 1000000000000; it must be a whole number from 0 to 2147483648/ },
    { name: 'state.json: a batch past the epoch', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => ((v.epoch = 1), (v.batch = 999))), argv: resume, says: /last\/state\.json is damaged: field 'batch' is 999; an epoch of this run has \d+ batches/ },
    { name: 'state.json: epoch "past its epochs"', tamper: (d) => edit(path.join(d, 'last', 'state.json'), (v) => (v.epoch = 9)), argv: resume, says: /last\/state\.json is damaged: field 'epoch' is 9; it must be a whole number from 0 to 2 \(its epochs\)/ },
    // refused before training: it trained every epoch and then failed on best/ at the end
    { name: 'best/weights.bin cut short, resumed', tamper: (d) => fs.truncateSync(path.join(d, 'best', 'weights.bin'), 10), argv: resume, says: /cannot resume: the best weights so far in .*best cannot be read \(.*best\/weights\.bin is damaged: 10 bytes, the manifest in model\.json needs \d+\); delete .*best to resume without them/ },
    { name: 'optimizer.bin cut short', tamper: (d) => fs.truncateSync(path.join(d, 'last', 'optimizer.bin'), 100), argv: resume, says: /last\/optimizer\.bin is damaged: 100 bytes, the manifest in optimizer\.json needs \d+/ },
    { name: "optimizer.json: a slot that fits none of the model's weights", tamper: (d) => edit(path.join(d, 'last', 'optimizer.json'), (v) => ((v.weights as { name: string; shape: number[] }[]).find((w) => w.name !== 'iter')!.shape = [3])), argv: resume, says: /last\/optimizer\.json is damaged: the optimizer's '.*' of \[3\] fits none of the model's weights/ },
    { name: 'report.json: an outcome nn never writes', tamper: (d) => edit(path.join(d, 'report.json'), (v) => (v.outcome = 'won')), argv: resume, says: /report\.json is damaged: field 'outcome' is "won"; it must be one of "completed", "early_stopped"/ },
    { name: 'metrics.jsonl is a FIFO (read back when resuming)', tamper: (d) => fifo(path.join(d, 'metrics.jsonl')), argv: resume, says: /metrics\.jsonl is a FIFO \(named pipe\), not a regular file/ },
    { name: 'metrics.jsonl links to /dev/zero', tamper: (d) => relink(path.join(d, 'metrics.jsonl'), '/dev/zero'), argv: resume, says: /metrics\.jsonl is a symbolic link/ },
    { name: 'last/ links to another run', tamper: (d) => relink(path.join(d, 'last'), path.join(other, 'last')), argv: resume, says: /last is a symbolic link/ },
  ];

  function fifo(p: string): void {
    fs.rmSync(p);
    execFileSync('mkfifo', [p]);
  }
  function relink(p: string, target: string): void {
    fs.rmSync(p, { recursive: true });
    fs.symlinkSync(target, p);
  }

  cases.forEach((c, i) => {
    it(`${c.name}: exit 1, the file named, nothing changed`, async function () {
      if (process.platform === 'win32') this.skip();
      const d = path.join(dir, 'copies', `${i}`);
      fs.cpSync(base, d, { recursive: true });
      c.tamper(d);
      const before = snapshot(d);
      const others = snapshot(other);
      const r = await nn(c.argv(d));
      const said = r.err.join('\n');
      assert.equal(r.code, 1, `exit ${r.code}: ${said}\n${r.out.join('\n')}`);
      assert.match(said, c.says);
      assert.ok(said.includes(d), `names the run folder's file: ${said}`);
      assert.doesNotMatch(said, /internal error|root:x:0|at .*\.ts:\d+/);
      // metrics.jsonl may have grown (a resume logs its start, then the error); nothing is lost
      const after = snapshot(d);
      const log = 'metrics.jsonl';
      assert.ok(Buffer.from(after[log], 'base64').toString().startsWith(Buffer.from(before[log], 'base64').toString()), 'metrics.jsonl only grew');
      assert.deepEqual({ ...after, [log]: '' }, { ...before, [log]: '' }, 'the run folder is as it was');
      assert.deepEqual(snapshot(other), others, 'the other run is as it was');
    });
  });

  it('the untampered copy evaluates, predicts and resumes (the table tests the tampering, not the copy)', async () => {
    for (const argv of [evaluate, predict, resume]) {
      const d = path.join(dir, 'copies', `good-${argv === evaluate ? 'e' : argv === predict ? 'p' : 'r'}`);
      fs.cpSync(base, d, { recursive: true });
      const r = await nn(argv(d));
      assert.equal(r.code, 0, r.err.join('\n'));
    }
  });

  it('best/ deleted, or its weights.bin: --resume goes on from last/, says the best so far is gone, and chooses the best again from the next epoch (it trained every epoch, then failed on the missing best/)', async () => {
    for (const gone of ['best', path.join('best', 'weights.bin')]) {
      const d = path.join(dir, 'copies', `best-gone-${gone.length}`);
      fs.cpSync(base, d, { recursive: true });
      fs.rmSync(path.join(d, gone), { recursive: true });
      // a best so far that no later epoch beats (as when a run has begun to over-fit)
      edit(path.join(d, 'last', 'state.json'), (v) => ((v.best as { best: number }).best = 1e-9));
      const r = await nn(['train', '--resume', d, '--epochs', '4', '--backend', 'cpu', '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
      const events = r.out.map((l) => parseEvent(l)!);
      const note = events.find((e) => e.type === 'log' && e.msg?.id === 'bestGoneOnResume');
      assert.ok(note?.type === 'log', r.out.join('\n'));
      assert.equal(note.message, `${path.join(d, gone)} is missing: the best weights so far (epoch 2, loss 1e-9) are gone, so the best is chosen again from epoch 3 on and best/ holds it; training goes on from last/`);
      assert.equal(json(path.join(d, 'best', 'meta.json')).epoch, events.some((e) => e.type === 'epoch' && e.epoch === 4 && e.best) ? 4 : 3);
      const end = events.find((e) => e.type === 'end');
      assert.ok(end?.type === 'end' && end.bestEpoch !== undefined && end.bestEpoch >= 3, JSON.stringify(end));
      assert.equal((await nn(evaluate(d))).code, 0);
    }
  });

  it("k-fold: an earlier fold's best/weights.bin deleted: --resume says so and promotes another fold's best/ (it promoted a best/ without weights)", async () => {
    const kdir = path.join(dir, 'kfold');
    fs.mkdirSync(kdir);
    const nnFile = path.join(kdir, 'k.nn');
    fs.writeFileSync(nnFile, NN.replace('train t {', 'train k {\n  kfold: 2'));
    const first = await nn(['train', nnFile, '--train', 'k', '--backend', 'cpu', '--json']);
    assert.equal(first.code, 0, first.err.join('\n'));
    const [name] = fs.readdirSync(path.join(kdir, 'runs', 'k'));
    const d = path.join(kdir, 'runs', 'k', name);
    // as if stopped after fold 2's first epoch: no report, last/ in fold 2
    fs.rmSync(path.join(d, 'report.json'));
    edit(path.join(d, 'last', 'state.json'), (v) => {
      assert.equal(v.fold, 1);
      v.epoch = 1;
    });
    // fold 1's best so far unbeatable, and its weights deleted
    edit(path.join(d, 'fold-1', 'best', 'meta.json'), (v) => (v.value = 1e-9));
    fs.rmSync(path.join(d, 'fold-1', 'best', 'weights.bin'));
    const r = await nn(['train', '--resume', d, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const events = r.out.map((l) => parseEvent(l)!);
    const note = events.find((e) => e.type === 'log' && e.msg?.id === 'foldBestGone');
    assert.equal(note?.type === 'log' && note.message, `${path.join(d, 'fold-1', 'best', 'weights.bin')} is missing: fold 1's best weights are gone, so it is no candidate for the run's best/`);
    assert.ok(fs.existsSync(path.join(d, 'best', 'weights.bin')), 'best/ is a whole checkpoint');
    assert.equal((await nn(evaluate(d))).code, 0);
  });

  it("a train block's runs folder spelled in NFD (made on a Mac, copied): --resume last finds its runs, a new run goes into it, and nn runs finds it by its name in NFC; nothing is renamed", async () => {
    const mac = path.join(dir, 'mac');
    fs.mkdirSync(mac);
    const nnFile = path.join(mac, 'r.nn');
    fs.writeFileSync(nnFile, NN.replace('train t {', 'train caf\u00e9 {'));
    const nfd = 'cafe\u0301';
    const first = await nn(['train', nnFile, '--train', 'caf\u00e9', '--backend', 'cpu', '--json']);
    assert.equal(first.code, 0, first.err.join('\n'));
    fs.renameSync(path.join(mac, 'runs', 'caf\u00e9'), path.join(mac, 'runs', nfd));
    const [run] = fs.readdirSync(path.join(mac, 'runs', nfd));
    const resumed = await nn(['train', nnFile, '--train', 'caf\u00e9', '--resume', 'last', '--epochs', '3', '--backend', 'cpu', '--json']);
    assert.equal(resumed.code, 0, resumed.err.join('\n'));
    const start = parseEvent(resumed.out[0]);
    assert.ok(start?.type === 'start' && start.runDir === path.join(mac, 'runs', nfd, run) && start.resumedFrom === 2, resumed.out[0]);
    const again = await nn(['train', nnFile, '--train', 'caf\u00e9', '--backend', 'cpu', '--json']);
    assert.equal(again.code, 0, again.err.join('\n'));
    assert.deepEqual(fs.readdirSync(path.join(mac, 'runs')), [nfd], 'the new run is in the same folder, not a second one spelled in NFC');
    assert.equal(fs.readdirSync(path.join(mac, 'runs', nfd)).length, 2);
    for (const argv of [[path.join(mac, 'runs', 'caf\u00e9')], [path.join(mac, 'runs'), '--train', 'cafe\u0301']]) {
      const listed = await nn(['runs', ...argv, '--json']);
      assert.equal(listed.code, 0, listed.err.join('\n'));
      assert.deepEqual((JSON.parse(listed.out[0]) as { runs: { epochs: number }[] }).runs.map((r) => r.epochs).sort(), [2, 3], argv.join(' '));
    }
    const byPath = await nn(['train', '--resume', path.join(mac, 'runs', 'caf\u00e9', run), '--epochs', '4', '--backend', 'cpu', '--json']);
    assert.equal(byPath.code, 0, byPath.err.join('\n'));
  });

  it('the run config is one contract: what the trainer wrote passes its check, and config.json records its version', () => {
    const written = json(path.join(base, 'config.json'));
    assert.equal(written.version, 1);
    assert.equal(checkRunConfig(written).train, 't');
    // a run of before versions were recorded is read as version 1
    delete written.version;
    assert.equal(checkRunConfig(written).version, 1);
  });

  it('--resume last where the latest run is a symbolic link out of runs/: the link is passed over, nothing outside is written', async () => {
    const runs = path.join(dir, 'linked-runs');
    fs.mkdirSync(path.join(runs, 't'), { recursive: true });
    const inside = path.join(runs, 't', '2026-01-01T00-00-00');
    fs.cpSync(base, inside, { recursive: true });
    const outside = path.join(dir, 'outside-run');
    fs.cpSync(other, outside, { recursive: true });
    fs.symlinkSync(outside, path.join(runs, 't', '2099-01-01T00-00-00'));
    const now = new Date();
    fs.utimesSync(outside, now, new Date(now.getTime() + 3600_000));
    const was = snapshot(outside);
    const r = await nn(['train', file, '--train', 't', '--resume', 'last', '--runs', runs, '--epochs', '3', '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const start = parseEvent(r.out[0]);
    assert.ok(start?.type === 'start' && start.runDir === inside, r.out[0]);
    assert.deepEqual(snapshot(outside), was, 'the linked run outside runs/ is untouched');
  });

  it('a lock per run folder: a second nn train --resume of a running run is refused, naming the first; a dead process\'s lock is taken over', async function () {
    assert.ok(fs.existsSync(cli), 'npm test builds dist/cli.js first');
    const runs = path.join(dir, 'lock-runs');
    const p = spawn(process.execPath, [cli, 'train', file, '--train', 'long', '--json', '--backend', 'cpu', '--runs', runs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
    const runDir = await new Promise<string>((resolve, reject) => {
      let runDir = '';
      onLines(p.stdout!, (l) => {
        const e = parseEvent(l);
        if (e?.type === 'start') runDir = e.runDir;
        if (e?.type === 'batch' && runDir) resolve(runDir);
      });
      void exited.then(() => reject(new Error('nn train ended before its first batch')));
    });
    assert.equal(fs.readFileSync(path.join(runDir, 'train.lock'), 'utf8').split(' ')[0], String(p.pid));
    const second = await nn(['train', '--resume', runDir, '--backend', 'cpu', '--json']);
    p.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.equal(second.code, 1);
    const said = second.out.map((l) => parseEvent(l)).filter((e): e is Extract<TrainEvent, { type: 'error' }> => e?.type === 'error')[0]?.message ?? '';
    assert.equal(said, `${runDir} is being trained by another nn train, process ${p.pid}; wait for it to end or stop it (kill -INT ${p.pid})`);
    assert.ok(!fs.existsSync(path.join(runDir, 'train.lock')), 'released when the first ended');
    // a lock left by a process that died: taken over, and released at the end
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    const d = path.join(dir, 'copies', 'stale');
    fs.cpSync(base, d, { recursive: true });
    fs.writeFileSync(path.join(d, 'train.lock'), `${dead.pid} ${os.hostname()}\n`);
    const taken = await nn(['train', '--resume', d, '--epochs', '3', '--backend', 'cpu']);
    assert.equal(taken.code, 0, taken.err.join('\n'));
    assert.ok(!fs.existsSync(path.join(d, 'train.lock')));
  });

  it('a dead process\'s lock taken over by two at once: one gets it, the other is refused (they both trained the run)', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    const d = path.join(dir, 'copies', 'race');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'train.lock'), `${dead.pid} ${os.hostname()}\n`);
    // the second taker comes in while the first has read the stale lock and not yet replaced it,
    // and takes it: the first must then see a live lock, not remove it as the stale one
    let releaseSecond: (() => void) | undefined;
    assert.throws(
      () =>
        lockRun(d, {
          beforeTakeover: () => {
            releaseSecond ??= lockRun(d);
          },
        }),
      /being trained by another nn train, process \d+/,
    );
    assert.ok(releaseSecond, 'the second taker holds the lock');
    assert.equal(fs.readFileSync(path.join(d, 'train.lock'), 'utf8'), `${process.pid} ${os.hostname()}\n`);
    releaseSecond();
    assert.ok(!fs.existsSync(path.join(d, 'train.lock')) && !fs.existsSync(path.join(d, 'train.lock.takeover')));
  });

  it('a lock with our own pid that we do not hold is a previous life\'s (a restarted container): taken over; a lock still being written is waited for', () => {
    const d = path.join(dir, 'copies', 'ownpid');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'train.lock'), `${process.pid} ${os.hostname()}\n`);
    const release = lockRun(d);
    assert.throws(() => lockRun(d), /being trained by another nn train/, 'one we hold is still refused');
    release();
    fs.writeFileSync(path.join(d, 'train.lock'), '');
    assert.throws(() => lockRun(d), /is being locked by another nn train just now/);
    fs.rmSync(path.join(d, 'train.lock'));
  });

  it('stdout closed early (nn train ... | head): the run stops as a stop does, last/ saved, exit 141', async () => {
    assert.ok(fs.existsSync(cli), 'npm test builds dist/cli.js first');
    const runs = path.join(dir, 'epipe-runs');
    const p = spawn(process.execPath, [cli, 'train', file, '--train', 'long', '--json', '--backend', 'cpu', '--runs', runs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (b) => (stderr += b));
    let first = '';
    p.stdout!.once('data', (b: Buffer) => {
      first = b.toString().split('\n')[0];
      // as head does after its lines: the reading end goes away
      p.stdout!.destroy();
    });
    const code = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
    assert.equal(code, 141, stderr);
    assert.match(stderr, /the output was closed; stopping after this batch \(last\/ is saved\)/);
    const start = parseEvent(first);
    assert.ok(start?.type === 'start', first);
    const state = json(path.join(start.runDir, 'last', 'state.json'));
    assert.ok(state.epoch > 0 || state.batch > 0, JSON.stringify(state));
  });

  it('the progress socket: a peer that sends bytes without newlines is cut off at 4096 characters a line, and its stop still heard', async () => {
    const sock = path.join(dir, 'p.sock');
    const peers: net.Socket[] = [];
    const server = net.createServer((c) => {
      peers.push(c);
      // 8 MB without a newline, then the end of that line and a stop
      const junk = Buffer.alloc(1 << 20, 'x');
      for (let i = 0; i < 8; i++) c.write(junk);
      c.write('\n{"type":"stop"}\n');
      c.on('error', () => undefined);
      // the events nn train sends are read (and dropped): unread, they would fill the socket and
      // nn train would wait at its end to send them
      c.resume();
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const err: string[] = [];
      const saved = process.env.NN_PROGRESS_SOCKET;
      process.env.NN_PROGRESS_SOCKET = sock;
      let code: number;
      // Run until stopped: the 8 MB reach nn train only as fast as it yields to the event loop
      // (every 50 ms), about 4 s, while 3 epochs of 'long' took 3.5 s once the process was warm,
      // so the run could end before the stop arrived (exit 0, 1 run in 3 under load). A stop that
      // is never heard ends the run with a SIGTERM a minute on: exit 143, not a hang.
      const guard = setTimeout(() => process.emit('SIGTERM'), 60_000);
      try {
        code = await main(['train', file, '--train', 'long', '--epochs', '1000', '--backend', 'cpu', '--runs', path.join(dir, 'socket-runs'), '--json'], () => undefined, (s) => err.push(s));
      } finally {
        clearTimeout(guard);
        if (saved === undefined) delete process.env.NN_PROGRESS_SOCKET;
        else process.env.NN_PROGRESS_SOCKET = saved;
      }
      assert.equal(code, 130, err.join('\n'));
      assert.deepEqual(err, ['nn train: ignored a control message of more than 4096 characters from the socket']);
    } finally {
      // the peer's side too: an open connection would keep the test process alive
      for (const c of peers) c.destroy();
      server.close();
    }
  });

  it('the progress socket: a peer that does not read does not keep nn train at its end (it waited for it forever)', async () => {
    const sock = path.join(dir, 'unread.sock');
    const peers: net.Socket[] = [];
    // connected, never reading: the layer statistics of every batch (about 4 MB) fill the socket
    const server = net.createServer((c) => {
      peers.push(c);
      c.pause();
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(sock, r));
    const saved = process.env.NN_PROGRESS_SOCKET;
    process.env.NN_PROGRESS_SOCKET = sock;
    try {
      const err: string[] = [];
      const run = main(['train', file, '--train', 'long', '--epochs', '1', '--layer-stats', '1', '--backend', 'cpu', '--runs', path.join(dir, 'unread-runs'), '--json'], () => undefined, (s) => err.push(s));
      const code = await Promise.race([run, new Promise<string>((r) => setTimeout(() => r('still waiting after 60 s'), 60_000))]);
      assert.equal(code, 0, err.join('\n'));
      assert.equal(err.length, 1, err.join('\n'));
      assert.match(err[0], /^nn train: the progress socket's peer did not read the last \d+ bytes of events in 5 s; the socket is closed without them$/);
    } finally {
      if (saved === undefined) delete process.env.NN_PROGRESS_SOCKET;
      else process.env.NN_PROGRESS_SOCKET = saved;
      for (const c of peers) c.destroy();
      server.close();
    }
  });

  it('control characters in class names and file names are escaped when printed', async () => {
    const r = await nn(['train', file, '--train', 'named', '--backend', 'cpu', '--runs', path.join(dir, 'named-runs')]);
    assert.equal(r.code, 0, r.err.join('\n'));
    const runDir = fs.readdirSync(path.join(dir, 'named-runs', 'named')).map((d) => path.join(dir, 'named-runs', 'named', d))[0];
    const e = await nn(['evaluate', runDir, '--backend', 'cpu']);
    assert.equal(e.code, 0, e.err.join('\n'));
    const p = await nn(['predict', runDir, '1,2', '--backend', 'cpu']);
    assert.equal(p.code, 0, p.err.join('\n'));
    for (const text of [r.out, e.out, p.out].map((o) => o.join('\n'))) {
      assert.doesNotMatch(text, /[\u001b\u0007]/, 'no escape sequence reaches the terminal');
      assert.match(text, /\\u001b(\]0;owned\\u0007cat|\[31mdog)/);
    }
    // a file name: nn check of a file whose name holds an escape sequence
    const odd = path.join(dir, 'bad\u001b[2Jname.nn');
    fs.writeFileSync(odd, 'model X {\n  input [2]\n  dense(relu)\n}\n');
    const c = await nn(['check', odd]);
    assert.equal(c.code, 1);
    assert.ok(c.out.concat(c.err).some((l) => l.includes('bad\\u001b[2Jname.nn')), c.out.join('\n'));
    assert.ok(c.out.concat(c.err).every((l) => !l.includes('\u001b')));
    // JSON lines stay JSON: \\u001b is JSON's own escape
    assert.equal(printable(JSON.stringify({ a: 'x\u009b\u202ey' })), '{"a":"x\\u009b\\u202ey"}');
    assert.deepEqual(JSON.parse(printable(JSON.stringify({ a: 'x\u009by' }))), { a: 'x\u009by' });
    assert.equal(printable('a\tb\nc\rd'), 'a\tb\nc\\u000dd');
    assert.equal(printable('a\tb\nc', false), 'a\\u0009b\\u000ac');
  });
});
