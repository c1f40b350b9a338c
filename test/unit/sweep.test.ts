// Sweeps and overrides: `try` values checked as one value is, the trials of a grid and of a
// random search (seeded), `nn train --set` on every kind of setting and its errors (checked by
// the same checker, located as `--set KEY`), recorded in config.json and used again by evaluate
// and resume.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { runNn } from '../nn-cli';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { trialsOf, overrideChange, MAX_TRIALS } from '../../server/src/core/sweep';
import { parse } from '../../server/src/core/syntax/parser';
import type { TrainDecl } from '../../server/src/core/syntax/ast';
import { Rng } from '../../server/src/data/random';
import { NodeHost } from '../../server/src/node/host';

const MODELS = `
model Net {
  input [2]
  dense(8, activation: relu)
  dense(2)
}
model Deep {
  input [2]
  dense(6, activation: relu)
  dense(6, activation: relu)
  dense(2)
}
`;
const block = (body: string, name = 't') => `${MODELS}\ntrain ${name} {\n  data: spiral(n: 120, classes: 2)\n  loss: cross_entropy\n  metrics: [accuracy]\n${body}\n}\n`;

function analyse(text: string) {
  const host = new NodeHost();
  const file = path.resolve('/virtual/sweep.nn');
  host.overlay.set(file, text);
  const a = analyzeFiles(new Program(host), [file])[0];
  return { trains: a.trains, diags: a.diagnostics.map((d) => `${d.code} ${text.slice(d.start, d.end)}`) };
}

describe('sweeps in the language', () => {
  it('a grid has every combination, the last value changing fastest', () => {
    const { trains, diags } = analyse(block('  model: try [Net, Deep]\n  optimizer: adam(lr: try [0.1, 0.01, 0.001])\n  epochs: 1'));
    assert.deepEqual(diags.filter((d) => !d.startsWith('NN411')), []);
    const sweep = trains[0].sweep!;
    assert.equal(sweep.count, 6);
    const trials = trialsOf(sweep, () => 0);
    assert.equal(trials.length, 6);
    assert.deepEqual(trials[0], { model: 'Net', 'optimizer.lr': '0.1' });
    assert.deepEqual(trials[1], { model: 'Net', 'optimizer.lr': '0.01' });
    assert.deepEqual(trials[5], { model: 'Deep', 'optimizer.lr': '0.001' });
  });

  it('a value written on several lines is one line in its trial', () => {
    const { trains } = analyse(block('  model: Net\n  optimizer: try [\n    adam(\n      lr: 0.01),\n    sgd(lr: 0.1)\n  ]'));
    assert.deepEqual(trialsOf(trains[0].sweep!, () => 0), [{ optimizer: 'adam( lr: 0.01)' }, { optimizer: 'sgd(lr: 0.1)' }]);
  });

  it('random search draws `trials` trials, the same ones for the same seed, inside the ranges', () => {
    const text = (seed: number) => block(`  model: Net\n  optimizer: sgd(try log_uniform(0.0001, 0.1), momentum: try uniform(0, 0.9))\n  batch_size: try [8, 16]\n  epochs: try uniform(1, 4)\n  trials: 7\n  seed: ${seed}`);
    const a = analyse(text(3));
    assert.deepEqual(a.diags, []);
    const sweep = a.trains[0].sweep!;
    assert.equal(sweep.count, 7);
    const draw = (s: typeof sweep) => trialsOf(s, (() => { const r = new Rng(s.random!.seed); return () => r.next(); })());
    const t1 = draw(sweep);
    const t2 = draw(analyse(text(3)).trains[0].sweep!);
    const t3 = draw(analyse(text(4)).trains[0].sweep!);
    assert.equal(t1.length, 7);
    assert.deepEqual(t1, t2);
    assert.notDeepEqual(t1, t3);
    for (const t of t1) {
      const lr = Number(t['optimizer.lr']);
      assert.ok(lr >= 0.0001 && lr <= 0.1, t['optimizer.lr']);
      assert.ok(Number(t['optimizer.momentum']) >= 0 && Number(t['optimizer.momentum']) <= 0.9);
      assert.ok(['8', '16'].includes(t.batch_size));
      assert.ok(Number.isInteger(Number(t.epochs)) && Number(t.epochs) >= 1 && Number(t.epochs) <= 4, t.epochs);
    }
  });

  it('checks each value to try as one value, and reports misplaced or malformed try', () => {
    const { diags } = analyse(block('  model: try [Net, Nope]\n  optimizer: adam(lr: try [0.01, -1])\n  batch_size: try [16, 2.5]\n  epochs: try uniform(1, 3)\n  early_stopping(patience: try [])\n  shuffle: try [try [true]]'));
    assert.ok(diags.includes('NN101 Nope'), diags.join('\n'));
    assert.ok(diags.includes('NN206 -1'), diags.join('\n'));
    assert.ok(diags.includes('NN205 2.5'), diags.join('\n'));
    assert.ok(diags.includes('NN443 try uniform(1, 3)'), diags.join('\n'));
    assert.ok(diags.includes('NN441 []'), diags.join('\n'));
    assert.ok(diags.some((d) => d.startsWith('NN440 try')), diags.join('\n'));
    const inModel = analyse(`model M {\n  input [2]\n  dense(try [3, 4])\n}\n`).diags;
    assert.deepEqual(inModel.filter((d) => d.startsWith('NN440')), ['NN440 try']);
    const ranges = analyse(block('  model: Net\n  optimizer: adam(lr: try log_uniform(0, 0.1))\n  loss: try uniform(0, 1)\n  trials: 3')).diags;
    assert.ok(ranges.some((d) => d.startsWith('NN441 log_uniform')), ranges.join('\n'));
  });

  it('caps the trials of a grid, and warns of trials without try', () => {
    const ten = `try [${Array.from({ length: 10 }, (_, i) => i + 1).join(', ')}]`;
    const big = analyse(block(`  model: Net\n  epochs: ${ten}\n  batch_size: ${ten}\n  seed: ${ten}\n  optimizer: adam(lr: try [0.1, 0.2])`));
    assert.ok(big.diags.some((d) => d.startsWith('NN442')), big.diags.join('\n'));
    assert.equal(big.trains[0].sweep, undefined);
    assert.ok(MAX_TRIALS >= 1000);
    const none = analyse(block('  model: Net\n  trials: 4'));
    assert.deepEqual(none.diags, ['NN444 trials']);
  });

  it('an override replaces a value, a try, or adds what is not written', () => {
    const text = block('  model: try [Net, Deep]\n  optimizer: sgd(0.1)\n  epochs: 1');
    const decl = parse(text).decls.find((d): d is TrainDecl => d.kind === 'Train')!;
    const apply = (key: string, value: string) => {
      const c = overrideChange(decl, key, value);
      assert.ok(!('kind' in c), JSON.stringify(c));
      return text.slice(0, c.start) + c.newText + text.slice(c.end);
    };
    assert.match(apply('model', 'Deep'), /model: Deep\n/);
    assert.match(apply('optimizer.lr', '0.5'), /optimizer: sgd\(0\.5\)/);
    assert.match(apply('optimizer.momentum', '0.9'), /optimizer: sgd\(0\.1, momentum: 0\.9\)/);
    assert.match(apply('batch_size', '4'), /batch_size: 4\n\}/);
    assert.match(apply('early_stopping.patience', '2'), /early_stopping\(patience: 2\)\n\}/);
    assert.deepEqual(overrideChange(decl, 'loss.x', '1'), { kind: 'notCall', key: 'loss.x', at: 'loss' });
    assert.deepEqual(overrideChange(decl, 'epochs', '1 }'), { kind: 'value', key: 'epochs', value: '1 }' });
  });
});

describe('nn train --set', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-set-'));
    file = path.join(dir, 'set.nn');
    fs.writeFileSync(file, block('  model: Net\n  optimizer: sgd(lr: 0.05)\n  epochs: 1\n  validation: 0.25\n  seed: 1'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('overrides every kind of setting, records them in config.json, and evaluate and resume use them', async () => {
    const runs = path.join(dir, 'runs');
    const r = await runNn(['train', file, '--runs', runs, '--json', '--set', 'optimizer.lr=0.01', '--set', 'batch_size=16', '--set', 'model=Deep', '--set', 'early_stopping.patience=3', '--set', 'data=spiral(n: 100, classes: 2)', '--set', 'shuffle=false']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const runDir = fs.readdirSync(path.join(runs, 't')).map((d) => path.join(runs, 't', d))[0];
    const cfg = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
    assert.deepEqual(cfg.overrides, { 'optimizer.lr': 0.01, batch_size: 16, model: 'Deep', 'early_stopping.patience': 3, data: 'spiral(n: 100, classes: 2)', shuffle: false });
    assert.equal(cfg.model, 'Deep');
    assert.equal(cfg.batchSize, 16);
    assert.equal(cfg.optimizer.args.lr, 0.01);
    assert.equal(cfg.earlyStopping.args.patience, 3);
    assert.equal(cfg.data.samples.train + cfg.data.samples.test, 100);
    assert.equal(cfg.shuffle, false);
    // evaluate rebuilds the overridden model (Deep: a Net's weights would not load)
    const ev = await runNn(['evaluate', runDir, '--json']);
    assert.equal(ev.code, 0, ev.err.join('\n'));
    // resume (one more epoch) continues with the same values
    const re = await runNn(['train', '--resume', runDir, '--epochs', '2', '--json']);
    assert.equal(re.code, 0, re.err.join('\n'));
    assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')).model, 'Deep');
  });

  it('a bad value is the checker\'s error at --set KEY (exit 1); a malformed flag is exit 2', async () => {
    const bad = async (set: string, expect: RegExp) => {
      const r = await runNn(['train', file, '--runs', path.join(dir, 'bad'), '--set', set]);
      assert.equal(r.code, 1, `${set}: ${r.err.join('\n')}`);
      assert.match(r.err.join('\n'), expect);
    };
    await bad('optimizer.lr=-1', /^--set optimizer\.lr: error NN206: sgd\(lr\) must be greater than 0, got -1$/m);
    await bad('epochs=2.5', /^--set epochs: error NN205: /m);
    await bad('model=Nope', /^--set model: error NN101: unknown name 'Nope'/m);
    await bad('optimizer.lrr=0.1', /^--set optimizer\.lrr: error NN201: .*did you mean 'lr'/m);
    await bad('batchsize=3', /^--set batchsize: error NN402: unknown setting 'batchsize'; did you mean 'batch_size'/m);
    await bad('loss.x=1', /'loss' in train 't' is not written as a call/);
    await bad('epochs=1 }', /is not one value of the language/);
    assert.equal(fs.existsSync(path.join(dir, 'bad')), false, 'nothing written for a refused run');
    for (const set of ['batch_size', '=3', 'a..b=1', 'epochs=']) {
      const r = await runNn(['train', file, '--set', set]);
      assert.equal(r.code, 2, set);
    }
  });
});

describe('nn export --train of a sweep', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-export-sweep-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is refused, naming the values to try and how to pick them; with --set for each it exports the values picked', async () => {
    const file = path.join(dir, 'x.nn');
    fs.writeFileSync(file, block('  model: try [Net, Deep]\n  optimizer: adam(lr: try [0.01, 0.001])\n  epochs: 1\n  seed: 1', 'g'));
    const out = path.join(dir, 'out');
    const r = await runNn(['export', file, '--to', 'pytorch', '--train', 'g', '--out', out]);
    assert.equal(r.code, 2, r.err.join('\n'));
    assert.match(r.err[0], /train 'g' is a sweep of 4 trials \(model: try \[Net, Deep\]; optimizer\.lr: try \[0\.01, 0\.001\]\), and train\.py trains one: pick its values with --set \(e\.g\. .* --train g --set model=Net --set optimizer\.lr=0\.01 \.\.\.\), or export a trained trial with --run TRIAL_FOLDER/);
    assert.equal(fs.existsSync(out), false, 'nothing written');
    // one value picked, one left to try: still a sweep
    const half = await runNn(['export', file, '--to', 'pytorch', '--train', 'g', '--set', 'model=Deep', '--out', out]);
    assert.equal(half.code, 2);
    assert.match(half.err[0], /a sweep of 2 trials \(optimizer\.lr: try \[0\.01, 0\.001\]\)/);
    const both = await runNn(['export', file, '--to', 'pytorch', '--train', 'g', '--set', 'model=Deep', '--set', 'optimizer.lr=0.001', '--out', out]);
    assert.equal(both.code, 0, both.err.join('\n'));
    assert.match(fs.readFileSync(path.join(out, 'model.py'), 'utf8'), /^class Deep\(nn\.Module\)/m);
    assert.match(fs.readFileSync(path.join(out, 'train.py'), 'utf8'), /lr=0\.001\b/);
    // --set is checked as nn train checks it, and goes with --train only
    const bad = await runNn(['export', file, '--to', 'pytorch', '--train', 'g', '--set', 'model=Nope', '--set', 'optimizer.lr=0.1', '--out', path.join(dir, 'bad')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err.join('\n'), /--set model: error NN101: unknown name 'Nope'/);
    assert.equal((await runNn(['export', file, '--to', 'onnx', '--model', 'Net', '--set', 'model=Deep', '--out', path.join(dir, 'bad')])).code, 2);
  });

  it('quotes a suggested --set for the shell when its value is more than a word (a call, a list)', async () => {
    const file = path.join(dir, 'calls.nn');
    fs.writeFileSync(file, block('  optimizer: try [adam(lr: 0.01), sgd(lr: 0.1)]\n  epochs: 1\n  seed: 1', 'c'));
    const r = await runNn(['export', file, '--to', 'pytorch', '--train', 'c', '--out', path.join(dir, 'calls-out')]);
    assert.equal(r.code, 2, r.err.join('\n'));
    assert.match(r.err[0], /--train c --set 'optimizer=adam\(lr: 0\.01\)' \.\.\./);
  });
});

/** `nn ARGS` as a child process from the source (what a sweep's parent is: it starts children of its own). */
function child(argv: string[]): { p: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }>; lines: string[] } {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'server', 'src', 'cli', 'main.ts'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lines: string[] = [];
  p.stdout!.setEncoding('utf8');
  p.stdout!.on('data', (c: string) => {
    out += c;
    lines.push(...c.split('\n').filter(Boolean));
  });
  p.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((r) => p.on('close', (code) => r({ code, out, err })));
  return { p, done, lines };
}

function sweepFolder(runs: string, train: string): string {
  const ds = fs.readdirSync(path.join(runs, train)).map((d) => path.join(runs, train, d));
  assert.equal(ds.length, 1, ds.join(', '));
  return ds[0];
}

describe('running a sweep', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-sweep-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs every trial in its own run folder, in parallel, each recording its values; evaluate works on a trial; nn runs lists them', async () => {
    const file = path.join(dir, 'grid.nn');
    fs.writeFileSync(file, block('  model: try [Net, Deep]\n  optimizer: adam(lr: try [0.01, 0.001])\n  epochs: 1\n  validation: 0.25\n  seed: 1', 'g'));
    const runs = path.join(dir, 'runs');
    // --set fixes one of the values to try: 2 trials are left
    const r = await child(['train', file, '--runs', runs, '--parallel', '2', '--set', 'optimizer.lr=0.005']).done;
    assert.equal(r.code, 0, r.err);
    const sweep = sweepFolder(runs, 'g');
    const trials = fs.readdirSync(sweep).filter((d) => d.startsWith('trial-')).sort();
    assert.deepEqual(trials, ['trial-01', 'trial-02']);
    const configs = trials.map((t) => JSON.parse(fs.readFileSync(path.join(sweep, t, 'config.json'), 'utf8')));
    assert.deepEqual(configs.map((c) => c.overrides), [{ 'optimizer.lr': 0.005, model: 'Net' }, { 'optimizer.lr': 0.005, model: 'Deep' }]);
    assert.deepEqual(configs.map((c) => c.trial), [1, 2]);
    assert.deepEqual(configs.map((c) => c.model), ['Net', 'Deep']);
    // parallel trials never share a folder: each metrics.jsonl has one start, naming its own folder
    for (const t of trials) {
      const starts = fs.readFileSync(path.join(sweep, t, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"start"'));
      assert.equal(starts.length, 1);
      assert.equal(JSON.parse(starts[0]).runDir, path.join(sweep, t));
    }
    assert.match(r.out, /trial-02 .* done .*model=Deep/);
    const ev = await runNn(['evaluate', path.join(sweep, 'trial-02'), '--json']);
    assert.equal(ev.code, 0, ev.err.join('\n'));
    const listed = await runNn(['runs', runs, '--json', '--sort', 'val_loss']);
    assert.equal(listed.code, 0);
    const rows = JSON.parse(listed.out[0]).runs;
    assert.equal(rows.length, 2);
    assert.deepEqual(Object.keys(rows[0]), ['dir', 'file', 'train', 'status', 'overrides', 'epochs', 'bestEpoch', 'val', 'test', 'engine', 'seconds']);
    assert.ok(rows[0].val.loss <= rows[1].val.loss);
    assert.ok(rows.every((x: { status: string; engine: string; epochs: number }) => x.status === 'done' && x.engine === 'tfjs' && x.epochs === 1));
  });

  it('--prune median stops a trial worse than the median of the others, and resume leaves it stopped', async () => {
    const file = path.join(dir, 'prune.nn');
    fs.writeFileSync(file, block('  model: Net\n  optimizer: sgd(lr: try [0.5, 0.2, 0.00001])\n  epochs: 40\n  validation: 0.25\n  seed: 1', 'pr'));
    const runs = path.join(dir, 'prune-runs');
    const r = await child(['train', file, '--runs', runs, '--parallel', '1', '--prune', 'median']).done;
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /trial 3\/3: stopped early \(median rule at epoch \d: its best loss [\d.]+ is worse than the median [\d.]+ of 2 other trials there\)/);
    const sweep = sweepFolder(runs, 'pr');
    const rows = JSON.parse((await runNn(['runs', sweep, '--json'])).out[0]).runs;
    assert.deepEqual(rows.map((x: { status: string }) => x.status), ['done', 'done', 'stopped']);
    assert.ok(rows[2].epochs < 40, String(rows[2].epochs));
    const again = await child(['train', '--resume', sweep]).done;
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /trial 3\/3: stopped early by the median rule/);
    assert.match(again.out, /trial-03: stopped: stopped early by the median rule at epoch/);
  });

  it('runs trials on the torch engine', async () => {
    const file = path.join(dir, 'torch.nn');
    fs.writeFileSync(file, block('  model: Net\n  optimizer: sgd(lr: try [0.05, 0.01])\n  epochs: 1\n  seed: 1', 'pt'));
    const runs = path.join(dir, 'torch-runs');
    const r = await child(['train', file, '--runs', runs, '--engine', 'torch', '--parallel', '2']).done;
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse((await runNn(['runs', runs, '--json'])).out[0]).runs;
    assert.deepEqual(rows.map((x: { engine: string; status: string; overrides: object }) => [x.engine, x.status, x.overrides]), [
      ['torch', 'done', { 'optimizer.lr': 0.05 }],
      ['torch', 'done', { 'optimizer.lr': 0.01 }],
    ]);
  });

  it('an edit of the file or an import during a sweep starts no further trial; --resume is refused until the files are as planned', async () => {
    const lib = path.join(dir, 'edit-lib.nn');
    fs.writeFileSync(lib, MODELS);
    const file = path.join(dir, 'edit.nn');
    const text = `import "edit-lib.nn"\ntrain ed {\n  model: Net\n  data: spiral(n: 2000, classes: 2)\n  loss: cross_entropy\n  batch_size: 8\n  optimizer: sgd(lr: try [0.01, 0.02, 0.03])\n  epochs: 3\n  seed: 2\n}\n`;
    fs.writeFileSync(file, text);
    const runs = path.join(dir, 'edit-runs');
    const c = child(['train', file, '--runs', runs, '--parallel', '1', '--json']);
    // the first trial's first epoch: edit the file (trial 1 trains on, what it read is the plan's)
    let edited = false;
    c.p.stdout!.on('data', () => {
      if (!edited && c.lines.some((l) => l.includes('"type":"epoch"'))) {
        edited = true;
        fs.writeFileSync(file, text.replace('epochs: 3', 'epochs: 1'));
      }
    });
    const r = await c.done;
    assert.ok(edited);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /nn train: the sweep's trials not yet started were not started: .*edit\.nn has changed since the sweep in .* started \(its sweep\.json keeps a hash of the \.nn file and of every file it imports\): its trials would train what it says now, not what the sweep planned\. Put it back as it was to go on \(nn train --resume .*\), or start a new sweep/);
    const sweep = sweepFolder(runs, 'ed');
    const plan = JSON.parse(fs.readFileSync(path.join(sweep, 'sweep.json'), 'utf8'));
    assert.deepEqual(Object.keys(plan.sources), [file, lib].sort());
    assert.deepEqual(fs.readdirSync(sweep).filter((d) => d.startsWith('trial-')), ['trial-01']);
    assert.equal(JSON.parse(fs.readFileSync(path.join(sweep, 'trial-01', 'config.json'), 'utf8')).epochs, 3);
    // nn runs says what the table cannot show: the trials never started
    const listed = await runNn(['runs', sweep]);
    assert.equal(listed.code, 0);
    assert.equal(listed.out.length, 2);
    assert.match(listed.err.join('\n'), /: 2 of the sweep's 3 trials have not started; nn train --resume .* goes on$/m);
    // --resume: refused before anything starts
    const refused = await runNn(['train', '--resume', sweep]);
    assert.equal(refused.code, 1);
    assert.match(refused.err.join('\n'), /edit\.nn has changed since the sweep/);
    // a trial started (or resumed) by hand checks what it analysed itself: an import edited
    fs.writeFileSync(file, text);
    fs.appendFileSync(lib, '\n# a comment\n');
    const trial = await runNn(['train', file, '--train', 'ed', '--run-dir', path.join(sweep, 'trial-02'), '--trial', '2', '--set', 'optimizer.lr=0.02', '--json']);
    assert.equal(trial.code, 1);
    assert.match(trial.out.join('\n'), /trial trial-02: .*edit-lib\.nn has changed since the sweep/);
    assert.ok(!fs.existsSync(path.join(sweep, 'trial-02')), 'no folder for a refused trial');
    const resumedTrial = await runNn(['train', '--resume', path.join(sweep, 'trial-01')]);
    assert.equal(resumedTrial.code, 1);
    assert.match(resumedTrial.err.join('\n'), /trial trial-01: .*edit-lib\.nn has changed/);
    // as planned again: the sweep goes on with the trials not done
    fs.writeFileSync(lib, MODELS);
    const again = await child(['train', '--resume', sweep, '--parallel', '2']).done;
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /trial 1\/3: done already/);
    const rows = JSON.parse((await runNn(['runs', sweep, '--json'])).out[0]).runs;
    assert.deepEqual(rows.map((x: { status: string }) => x.status), ['done', 'done', 'done']);
    // a damaged plan is said in the reader's language; a FIFO in its place is refused, not waited on
    // (the table is still shown: only the trials not started go unknown)
    const planFile = path.join(sweep, 'sweep.json');
    fs.writeFileSync(planFile, '{"version": 1, "tri');
    const damaged = await runNn(['runs', sweep]);
    assert.equal(damaged.code, 0);
    assert.match(damaged.err.join('\n'), /sweep\.json is not a sweep's plan \(damaged or edited\)$/m);
    const zh = await runNn(['runs', sweep], { LANG: 'zh_CN.UTF-8' });
    assert.match(zh.err.join('\n'), /sweep\.json 不是超参数搜索的计划（已损坏或被修改）$/m);
    fs.rmSync(planFile);
    execFileSync('mkfifo', [planFile]);
    const fifo = await runNn(['runs', sweep], { LANG: 'zh_CN.UTF-8' });
    assert.equal(fifo.code, 0);
    assert.match(fifo.err.join('\n'), /sweep\.json.*命名管道/);
  });

  it('Ctrl+C stops every trial with its checkpoint; --resume skips finished trials and resumes stopped ones', async () => {
    const file = path.join(dir, 'stop.nn');
    fs.writeFileSync(file, `${MODELS}\ntrain st {\n  model: Net\n  data: spiral(n: 3000, classes: 2)\n  loss: cross_entropy\n  batch_size: 8\n  optimizer: sgd(lr: try [0.01, 0.02, 0.03])\n  epochs: 3\n  seed: 2\n}\n`);
    const runs = path.join(dir, 'stop-runs');
    const c = child(['train', file, '--runs', runs, '--parallel', '2', '--json']);
    // the first epoch of a trial: stop the sweep
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (c.lines.some((l) => l.includes('"type":"epoch"'))) {
          clearInterval(t);
          c.p.kill('SIGINT');
          resolve();
        }
      }, 50);
    });
    const r = await c.done;
    assert.equal(r.code, 130, r.err);
    const sweep = sweepFolder(runs, 'st');
    const stopped = fs.readdirSync(sweep).filter((d) => d.startsWith('trial-'));
    assert.ok(stopped.length >= 1 && stopped.length <= 2, stopped.join());
    for (const t of stopped) assert.ok(fs.existsSync(path.join(sweep, t, 'last')), `${t} kept its checkpoint`);
    const before = (await runNn(['runs', sweep, '--json'])).out[0];
    assert.ok(JSON.parse(before).runs.every((x: { status: string }) => x.status === 'stopped'), before);
    const again = await child(['train', '--resume', sweep, '--parallel', '2']).done;
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /trial 1\/3: resumed/);
    const rows = JSON.parse((await runNn(['runs', sweep, '--json'])).out[0]).runs;
    assert.deepEqual(rows.map((x: { status: string; epochs: number }) => `${x.status} ${x.epochs}`), ['done 3', 'done 3', 'done 3']);
    const log = fs.readFileSync(path.join(sweep, 'trial-01', 'metrics.jsonl'), 'utf8');
    assert.match(log, /"resumedFrom"/);
    // all done: a further resume has nothing to train
    const third = await child(['train', '--resume', sweep]).done;
    assert.equal(third.code, 0, third.err);
    assert.match(third.out, /trial 3\/3: done already/);
  });
});

describe('nn runs', () => {
  it('lists stopped, failed and damaged run folders as rows, without failing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-runs-'));
    try {
      const file = path.join(dir, 'r.nn');
      fs.writeFileSync(file, block('  model: Net\n  epochs: 1\n  validation: 0.25\n  seed: 1', 'r'));
      const runs = path.join(dir, 'runs');
      assert.equal((await runNn(['train', file, '--runs', runs, '--json'])).code, 0);
      const done = sweepFolder(runs, 'r');
      const copy = (name: string) => {
        const d = path.join(runs, 'r', name);
        fs.cpSync(done, d, { recursive: true });
        return d;
      };
      // stopped: last/ but no report.json
      fs.rmSync(path.join(copy('stopped'), 'report.json'));
      // failed: an error logged, nothing saved
      const failed = copy('failed');
      for (const f of ['report.json', 'last', 'best']) fs.rmSync(path.join(failed, f), { recursive: true });
      fs.appendFileSync(path.join(failed, 'metrics.jsonl'), JSON.stringify({ type: 'error', message: 'the disk is full' }) + '\n');
      // damaged: config.json is not JSON; report.json is not an object
      fs.writeFileSync(path.join(copy('broken'), 'config.json'), '{"train": ');
      fs.writeFileSync(path.join(copy('badreport'), 'report.json'), '[1]');
      // running: the lock is held by a live process (this one)
      const running = copy('running');
      fs.rmSync(path.join(running, 'report.json'));
      fs.writeFileSync(path.join(running, 'train.lock'), `${process.pid} ${os.hostname()}\n`);
      const r = await runNn(['runs', runs, '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
      const rows: { dir: string; status: string }[] = JSON.parse(r.out[0]).runs;
      const status = Object.fromEntries(rows.map((x) => [path.basename(x.dir), x.status]));
      assert.deepEqual(status, { [path.basename(done)]: 'done', stopped: 'stopped', failed: 'failed', broken: 'failed', badreport: 'failed', running: 'running' });
      const text = await runNn(['runs', runs]);
      assert.equal(text.code, 0);
      assert.match(text.err.join('\n'), /broken: failed: config\.json is not valid JSON/);
      assert.match(text.err.join('\n'), /failed: failed: the disk is full/);
      assert.equal(text.out.length, 7);
      // --train keeps the rows of that train block (a damaged config.json names none)
      assert.equal(JSON.parse((await runNn(['runs', runs, '--train', 'r', '--json'])).out[0]).runs.length, 5);
      assert.equal(JSON.parse((await runNn(['runs', runs, '--train', 'other', '--json'])).out[0]).runs.length, 0);
      assert.equal((await runNn(['runs', path.join(dir, 'nothing')])).code, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
