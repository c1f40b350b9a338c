// `nn export --to pytorch` from the command line: the folder runs in real PyTorch on its own
// (copied away from nn), a run's weights.pt predicts what nn's saved model predicts, and the
// failures (errors in the file, no PyTorch, an unknown target) write nothing.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runNn } from '../nn-cli';
import { tf } from '../../server/src/runtime/tf';
import { loadModel, checkpointDir } from '../../server/src/runtime/train/checkpoint';
import { findPython } from '../../server/src/engines/torch/python';

const root = path.join(__dirname, '..', '..');
const sample = (f: string) => path.join(root, 'samples', f);

async function nn(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const r = await runNn(argv, env);
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') };
}

function python(dir: string, code: string): string {
  const r = spawnSync(findPython().python, ['-c', code], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('nn export --to pytorch', function () {
  this.timeout(300_000);
  let tmp: string;
  before(async () => {
    await tf.setBackend('cpu');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-export-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes model.py and README.md that run in PyTorch without nn, the file\'s model', async () => {
    const made = path.join(tmp, 'mlp');
    const r = await nn(['export', sample('mlp.nn'), '--to', 'pytorch', '--out', made]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fs.readdirSync(made).sort(), ['README.md', 'model.py']);
    // copied somewhere else: the folder needs nothing of nn
    const away = path.join(tmp, 'away');
    fs.cpSync(made, away, { recursive: true });
    const shapes = python(
      away,
      [
        'import torch, model',
        'for name in ["MnistMlp"]:',
        '    cls = getattr(model, name)',
        '    m = cls().eval()',
        '    y = m(torch.rand(3, *cls.input_shape))',
        '    print(name, tuple(y.shape), sum(p.numel() for p in m.parameters()))',
      ].join('\n'),
    );
    assert.match(shapes, /MnistMlp \(3, 10\) 109386/);
  });

  it('--run: weights.pt predicts what the run\'s saved model predicts', async () => {
    const runs = path.join(tmp, 'runs');
    const t = await nn(['train', sample('playground.nn'), '--train', 'spiral_deep', '--epochs', '3', '--runs', runs, '--backend', 'cpu', '--json']);
    assert.equal(t.code, 0, t.err);
    const run = path.join(runs, 'spiral_deep', fs.readdirSync(path.join(runs, 'spiral_deep'))[0]);
    const made = path.join(tmp, 'spiral');
    const r = await nn(['export', '--run', run, '--to', 'pytorch', '--out', made]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fs.readdirSync(made).sort(), ['README.md', 'model.py', 'weights.pt']);
    assert.match(fs.readFileSync(path.join(made, 'README.md'), 'utf8'), /model\.load_state_dict\(torch\.load\("weights\.pt", weights_only=True\)\)/);
    // the same inputs through nn's saved model and through PyTorch
    const x = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]);
    const saved = await loadModel(checkpointDir(path.join(run, 'best'))!);
    const want = (saved.predict(tf.tensor(x)) as tf.Tensor).arraySync() as number[][];
    saved.dispose();
    const got = JSON.parse(
      python(made, ['import json, torch, model', 'm = model.Deep()', 'm.load_state_dict(torch.load("weights.pt", weights_only=True))', 'm.eval()', `print(json.dumps(m(torch.tensor(${JSON.stringify(x)})).tolist()))`].join('\n')),
    ) as number[][];
    const worst = Math.max(...want.flatMap((row, i) => row.map((v, j) => Math.abs(v - got[i][j]))));
    assert.ok(worst < 1e-5, `PyTorch differs from nn by ${worst}`);
  });

  it('models named as what model.py and train.py use (nn, F, Metrics, keras_init) still export and train', async () => {
    const file = path.join(tmp, 'names.nn');
    fs.writeFileSync(
      file,
      ['model nn {\n  input [2]\n  dense(3)\n}', 'model F {\n  input [2]\n  dense(2)\n}', 'model Metrics {\n  input [2]\n  dense(2)\n}', 'model keras_init {\n  input [2]\n  dense(2)\n}', 'train t {\n  model: nn\n  data: spiral(n: 60, classes: 3)\n  loss: cross_entropy\n  epochs: 1\n}'].join('\n\n'),
    );
    const made = path.join(tmp, 'names');
    const r = await nn(['export', file, '--to', 'pytorch', '--train', 't', '--out', made]);
    assert.equal(r.code, 0, r.err);
    const run = spawnSync(findPython().python, ['train.py', '--json'], { cwd: made, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const all = await nn(['export', file, '--to', 'pytorch', '--out', path.join(tmp, 'names-all')]);
    assert.equal(all.code, 0, all.err);
    assert.equal(python(path.join(tmp, 'names-all'), 'import model, torch; print(sorted(k for k, v in vars(model).items() if isinstance(v, type) and hasattr(v, "input_shape")))'), "['F_', 'Metrics_', 'keras_init_', 'nn_']");
  });

  it('an image_folder (or CIFAR) dataset is prepared as arrays for train.py, with its class names; it trains with its augmentation', async () => {
    const file = path.join(tmp, 'folder.nn');
    const block = (augment: string) =>
      `dataset shapes = image_folder("${sample('data/shapes').replace(/\\/g, '/')}", size: [8, 8], test: 0.25, seed: 1)\nmodel M {\n  input [8, 8, 3]\n  flatten()\n  dense(3)\n}\ntrain t {\n  model: M\n  data: shapes\n  loss: cross_entropy\n  epochs: 1\n  batch_size: 16\n${augment}}\n`;
    fs.writeFileSync(file, block(''));
    const made = path.join(tmp, 'folder');
    const r = await nn(['export', file, '--to', 'pytorch', '--train', 't', '--out', made]);
    assert.equal(r.code, 0, r.err);
    const meta = JSON.parse(fs.readFileSync(path.join(made, 'data', 'data.json'), 'utf8')) as { featureShape: number[]; classNames: string[]; splits: Record<string, { n: number }> };
    assert.deepEqual(meta.featureShape, [8, 8, 3]);
    assert.deepEqual(meta.classNames, ['circle', 'square', 'triangle']);
    assert.equal(meta.splits.train.n + meta.splits.test.n, 60);
    const run = spawnSync(findPython().python, ['train.py', '--json'], { cwd: made, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    fs.writeFileSync(file, block('  augment: [crop(2), brightness(0.2)]\n'));
    const withAug = path.join(tmp, 'folder-aug');
    assert.equal((await nn(['export', file, '--to', 'pytorch', '--train', 't', '--out', withAug])).code, 0);
    const augmented = spawnSync(findPython().python, ['train.py', '--json'], { cwd: withAug, encoding: 'utf8', timeout: 120_000 });
    assert.equal(augmented.status, 0, augmented.stderr);
    assert.match(augmented.stdout, /"type": "end"/);
  });

  it('--out: a file is a usage error; a folder with files in it is refused unless --force, which leaves no stale file', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const onFile = await nn(['export', sample('mlp.nn'), '--to', 'pytorch', '--out', file]);
    assert.equal(onFile.code, 2);
    assert.match(onFile.err, /is a file/);
    const dir = path.join(tmp, 'reused');
    assert.equal((await nn(['export', sample('playground.nn'), '--to', 'pytorch', '--train', 'spiral_deep', '--out', dir])).code, 0);
    const again = await nn(['export', sample('mlp.nn'), '--to', 'pytorch', '--out', dir]);
    assert.equal(again.code, 2);
    assert.match(again.err, /not empty/);
    const forced = await nn(['export', sample('mlp.nn'), '--to', 'pytorch', '--out', dir, '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['README.md', 'model.py']);
  });

  it('refuses a file with errors, a missing PyTorch and an unknown target, writing nothing', async () => {
    const bad = path.join(tmp, 'bad.nn');
    fs.writeFileSync(bad, 'model M {\n  input [4]\n  dense(0)\n}\n');
    const out = path.join(tmp, 'nothing');
    const r = await nn(['export', bad, '--to', 'pytorch', '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.nn:3:\d+: error NN\d+/);
    assert.match(r.err, /model 'M' has errors: nothing exported/);
    assert.equal(fs.existsSync(out), false);

    const runs = path.join(tmp, 'runs');
    const run = path.join(runs, 'spiral_deep', fs.readdirSync(path.join(runs, 'spiral_deep'))[0]);
    const noTorch = await nn(['export', '--run', run, '--to', 'pytorch', '--out', out], { NN_PYTHON: path.join(tmp, 'no-such-python') });
    assert.equal(noTorch.code, 1);
    assert.match(noTorch.err, /no Python with PyTorch.*\n.*apt install python3-torch/);
    assert.equal(fs.existsSync(out), false);

    const onnx = await nn(['export', sample('mlp.nn'), '--to', 'tensorflow', '--out', out]);
    assert.equal(onnx.code, 2);
    assert.equal(fs.existsSync(out), false);
  });
});
