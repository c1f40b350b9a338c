// data.py of a PyTorch export: nn's datasets made in Python. For train blocks covering every
// generator (seeds large and small, test fractions, limits, given truths), CSV tables (word and
// numeric labels, quotes, a BOM, CRLF, blank lines, standardization, a separate validation file
// with fewer classes), IDX files (a test fraction; test files with normalize) and Fashion-MNIST,
// data.py's splits must be bit for bit the data/ files nn export writes from nn's own loaders.
// Then an export with --no-data trains in train.py to the same losses as one with data/.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { runNn } from '../nn-cli';
import { tf } from '../../server/src/runtime/tf';
import { findPython } from '../../server/src/engines/torch/python';
import { imagesIdx, labelsIdx } from '../data-helpers';

const FASHION = '/usr/share/datasets/fashion-mnist';

const MODELS = `
model P2 {
  input [2]
  dense(4, activation: relu)
  dense(2)
}
model P3 {
  input [2]
  dense(3)
}
model R1 {
  input [1]
  dense(1)
}
model R2 {
  input [2]
  dense(1)
}
model R3 {
  input [3]
  dense(1)
}
model Seq12 {
  input [12, 1]
  flatten()
  dense(1)
}
model Wave {
  input [16, 1]
  flatten()
  dense(3)
}
model Votes {
  input [7]
  dense(5)
}
model Img {
  input [6, 5, 1]
  flatten()
  dense(4)
}
model Fashion {
  input [28, 28, 1]
  flatten()
  dense(10)
}
`;

/** name -> [model, data line, further lines] */
const BLOCKS: Record<string, [string, string, string?]> = {
  circle_val: ['P2', 'circle(n: 300, noise: 0.1, seed: 1)', 'validation: 0.2\n  seed: 5'],
  // 298 × 0.25 = 74.5 test rows: JavaScript rounds halves up (75), Python's round() to even (74)
  xor_limit: ['P2', 'xor(n: 298, noise: 0.2, seed: 2, test: 0.25, limit: 150)'],
  gauss_plain: ['P2', 'gauss(n: 200, noise: 0.3, seed: 9)'],
  spiral_big_seed: ['P3', 'spiral(n: 333, noise: 0.05, classes: 3, seed: 2147483646)', 'validation: 0.15\n  seed: 2000000000'],
  linear_drawn: ['R3', 'linear(n: 200, features: 3, noise: 0.1, seed: 4)'],
  linear_given: ['R2', 'linear(n: 100, w: [2, -1], b: 0.5, noise: 0.05, seed: 8)'],
  poly_degree: ['R1', 'polynomial(n: 150, degree: 4, noise: 0.1, seed: 6)'],
  poly_given: ['R1', 'polynomial(n: 120, coefficients: [1, 0, -2], noise: 0, seed: 7)'],
  sine: ['Seq12', 'sine(n: 60, length: 12, noise: 0.05, seed: 11)'],
  waveforms: ['Wave', 'waveforms(n: 90, length: 16, noise: 0.1, seed: 12)'],
  majority: ['Votes', 'majority(n: 100, length: 7, vocab: 5, seed: 13)'],
  csv_regression: ['R3', 'csv("houses.csv", label: "price", normalize: true, test: 0.2, seed: 3, limit: 150)', 'validation: 0.2'],
  csv_words: ['P3', 'csv("words.csv", label: "kind", normalize: true, test: 0.3, seed: 4)', 'validation: labels_val'],
  csv_numeric_classes: ['P3', 'csv("numbers.csv", label: 0, header: false, test: 0.1)'],
  idx_fraction: ['Img', 'idx("imgs.idx.gz", "labs.idx.gz", test: 0.3, seed: 21, limit: 9)'],
  idx_files: ['Img', 'idx("imgs.idx.gz", "labs.idx.gz", test_images: "timgs.idx", test_labels: "tlabs.idx", normalize: [0.5, 0.25])', 'validation: 0.25'],
};

function block(name: string, [model, data, more]: [string, string, string?]): string {
  const classification = !model.startsWith('R') && model !== 'Seq12';
  return `train ${name} {\n  model: ${model}\n  data: ${data}\n  loss: ${classification ? 'cross_entropy' : 'mse'}\n  optimizer: sgd(lr: 0.01)\n  epochs: 1\n${more ? `  ${more}\n` : ''}}\n`;
}

/** A CSV with word labels written in every way the parser must take. */
function wordsCsv(): string {
  const kinds = ['cat', 'Dog', 'émeu'];
  const rows = ['\ufeffa,"b, quoted",kind'];
  for (let i = 0; i < 80; i++) {
    rows.push(`${(i * 0.37) % 5},"${(i * 1.7) % 3}",${kinds[(i * 7) % 3]}`);
    if (i % 17 === 0) rows.push('');
    if (i % 23 === 0) rows.push('   ');
  }
  return rows.join('\r\n') + '\r\n';
}

describe('data.py: nn\'s datasets in Python', function () {
  this.timeout(600_000);
  let tmp: string;
  let nnFile: string;
  const python = () => findPython().python;

  before(async () => {
    await tf.setBackend('cpu');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-data-py-'));
    const src = path.join(tmp, 'src');
    fs.mkdirSync(src);
    fs.copyFileSync(path.join(__dirname, '..', '..', 'samples', 'data', 'houses.csv'), path.join(src, 'houses.csv'));
    fs.writeFileSync(path.join(src, 'words.csv'), wordsCsv());
    // a validation file with two of the three classes, in another order: renumbered as the training file's
    fs.writeFileSync(path.join(src, 'words_val.csv'), 'a,"b, quoted",kind\n1,2,émeu\n0.5,1,cat\n3,0,émeu\n');
    // numeric classes: 1 and 1.0 one class, ordered by value (2 before 10), named as first written
    fs.writeFileSync(path.join(src, 'numbers.csv'), Array.from({ length: 60 }, (_, i) => `${['1.0', '10', '2', '1'][i % 4]},${i / 7},${(i * i) % 11}`).join('\n'));
    const labels = Array.from({ length: 30 }, (_, i) => (i * 5) % 4);
    fs.writeFileSync(path.join(src, 'imgs.idx.gz'), zlib.gzipSync(imagesIdx(30, 6, 5)));
    fs.writeFileSync(path.join(src, 'labs.idx.gz'), zlib.gzipSync(labelsIdx(labels)));
    fs.writeFileSync(path.join(src, 'timgs.idx'), imagesIdx(7, 6, 5));
    fs.writeFileSync(path.join(src, 'tlabs.idx'), labelsIdx([3, 2, 1, 0, 1, 2, 3]));
    const blocks = { ...BLOCKS, ...(fs.existsSync(FASHION) ? { fashion: ['Fashion', 'fashion_mnist(limit: 250, normalize: [0.3, 0.35])', 'validation: 0.2'] as [string, string, string] } : {}) };
    nnFile = path.join(src, 'all.nn');
    fs.writeFileSync(nnFile, `dataset labels_val = csv("words_val.csv", label: "kind", normalize: true, test: 0)\n${MODELS}\n${Object.entries(blocks).map(([n, b]) => block(n, b)).join('\n')}`);
    for (const name of Object.keys(blocks)) {
      const r = await runNn(['export', nnFile, '--to', 'pytorch', '--train', name, '--out', path.join(tmp, 'out', name)]);
      assert.equal(r.code, 0, `${name}: ${r.err.join('\n')}`);
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every split of every dataset equals the data/ nn export writes, bit for bit', () => {
    const names = fs.readdirSync(path.join(tmp, 'out'));
    assert.ok(names.length >= Object.keys(BLOCKS).length);
    const script = `
import json, os, sys
import numpy as np
out = {}
for name in sys.argv[2:]:
    exp = os.path.join(sys.argv[1], name)
    sys.path.insert(0, exp)
    sys.modules.pop("data", None)
    import data as nn_data
    sys.path.pop(0)
    src = open(os.path.join(exp, "train.py")).read()
    start = src.index('r"""') + 4
    cfg = json.loads(src[start:src.index('"""', start)])
    made = nn_data.splits(cfg["data_spec"], cfg["seed"])
    meta = json.load(open(os.path.join(exp, "data", "data.json")))
    got = {}
    for split, s in meta["splits"].items():
        x = np.fromfile(os.path.join(exp, "data", s["x"]), dtype="<f4").reshape([s["n"], *meta["featureShape"]])
        cls = meta["task"] == "classification"
        y = np.fromfile(os.path.join(exp, "data", s["y"]), dtype="<i4" if cls else "<f4")
        mx, my = made[split]
        got[split] = {
            "n": [s["n"], len(my)],
            "xShape": [list(mx.shape), list(x.shape)],
            "xDtype": str(mx.dtype),
            "xEqual": bool(mx.shape == x.shape and np.array_equal(mx, x)),
            "yEqual": bool(np.array_equal(my.reshape(-1), y.astype(my.dtype))),
            "yDtype": str(my.dtype),
        }
    got["splits"] = sorted(made)
    out[name] = got
print(json.dumps(out))
`;
    const r = spawnSync(python(), ['-c', script, path.join(tmp, 'out'), ...names], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    for (const name of names) {
      const meta = JSON.parse(fs.readFileSync(path.join(tmp, 'out', name, 'data', 'data.json'), 'utf8')) as { splits: Record<string, unknown>; task: string };
      assert.deepEqual(got[name].splits, Object.keys(meta.splits).sort(), `${name}: the same splits`);
      for (const split of Object.keys(meta.splits)) {
        const s = got[name][split] as { n: number[]; xShape: number[][]; xEqual: boolean; yEqual: boolean; xDtype: string; yDtype: string };
        assert.equal(s.n[1], s.n[0], `${name} ${split}: rows`);
        assert.deepEqual(s.xShape[0], s.xShape[1], `${name} ${split}: shape`);
        assert.ok(s.xEqual, `${name} ${split}: features differ`);
        assert.ok(s.yEqual, `${name} ${split}: labels differ`);
        assert.equal(s.xDtype, 'float32');
        assert.equal(s.yDtype, meta.task === 'classification' ? 'int64' : 'float32');
      }
    }
  });

  it('--no-data: the folder has data.py and no data/, and train.py trains to the losses of the export with data/', async () => {
    const withData = path.join(tmp, 'out', 'circle_val');
    const without = path.join(tmp, 'nodata');
    const r = await runNn(['export', nnFile, '--to', 'pytorch', '--train', 'circle_val', '--no-data', '--out', without]);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.ok(!fs.existsSync(path.join(without, 'data')) && fs.existsSync(path.join(without, 'data.py')));
    const readme = fs.readFileSync(path.join(without, 'README.md'), 'utf8');
    assert.match(readme, /torchrun --nproc_per_node=4 train\.py/);
    assert.match(readme, /There is no `data\/`: train\.py makes the data with `data\.py`/);
    // copied away from the .nn file: --data-root says where the files are (a generated set needs none)
    const away = path.join(tmp, 'away');
    fs.cpSync(without, away, { recursive: true });
    const losses = (dir: string) => {
      const t = spawnSync(python(), ['train.py', '--json', '--epochs', '3', '--device', 'cpu', '--threads', '1', '--out', path.join(dir, 'ck')], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
      assert.equal(t.status, 0, t.stderr);
      return t.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; loss?: number; val?: { loss: number } })
        .filter((e) => e.type === 'epoch')
        .map((e) => [e.loss, e.val?.loss]);
    };
    const a = losses(withData);
    assert.equal(a.length, 3);
    assert.deepEqual(losses(away), a);
  });

  it('--no-data on a dataset data.py does not read (text_csv) is a usage error that names it, and writes nothing', async () => {
    fs.copyFileSync(path.join(__dirname, '..', '..', 'samples', 'data', 'reviews.csv'), path.join(tmp, 'src', 'reviews.csv'));
    const file = path.join(tmp, 'src', 'text.nn');
    fs.writeFileSync(file, 'model T {\n  input [12]\n  embedding(100, 4)\n  flatten()\n  dense(2)\n}\ntrain t {\n  model: T\n  data: text_csv("reviews.csv", text: "text", label: "label", length: 12, vocab: 100)\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n  epochs: 1\n}\n');
    const out = path.join(tmp, 'refused');
    const r = await runNn(['export', file, '--to', 'pytorch', '--train', 't', '--no-data', '--out', out]);
    assert.equal(r.code, 2, r.err.join('\n'));
    assert.match(r.err.join('\n'), /--no-data: data\.py does not load text_csv\(\.\.\.\) \(it loads /);
    assert.ok(!fs.existsSync(out));
    // without --no-data the same block exports, with data/ and no data.py
    const kept = path.join(tmp, 'kept');
    const ok = await runNn(['export', file, '--to', 'pytorch', '--train', 't', '--out', kept]);
    assert.equal(ok.code, 0, ok.err.join('\n'));
    assert.ok(fs.existsSync(path.join(kept, 'data', 'data.json')) && !fs.existsSync(path.join(kept, 'data.py')));
  });

  it('a k-fold block\'s train.py judges its best epoch by val_loss, as nn does (each fold validates); --no-data goes with --train only', async () => {
    const out = path.join(tmp, 'kfold');
    const r = await runNn(['export', path.join(__dirname, '..', '..', 'samples', 'kfold.nn'), '--to', 'pytorch', '--train', 'circle_5fold', '--no-data', '--out', out]);
    assert.equal(r.code, 0, r.err.join('\n'));
    const src = fs.readFileSync(path.join(out, 'train.py'), 'utf8');
    const start = src.indexOf('r"""') + 4;
    const config = JSON.parse(src.slice(start, src.indexOf('"""', start))) as { monitor: string; kfold: number };
    assert.equal(config.kfold, 5);
    assert.equal(config.monitor, 'val_loss');
    const refused = await runNn(['export', path.join(__dirname, '..', '..', 'samples', 'mlp.nn'), '--to', 'pytorch', '--no-data', '--out', path.join(tmp, 'nodata-model')]);
    assert.equal(refused.code, 2);
    assert.match(refused.err.join('\n'), /--no-data leaves out the data\/ of an exported train block: it goes with --train NAME/);
    assert.ok(!fs.existsSync(path.join(tmp, 'nodata-model')));
  });

  it('--data naming a folder without data.json is an error, not a quiet switch to data.py', () => {
    const dir = path.join(tmp, 'out', 'circle_val');
    const t = spawnSync(python(), ['train.py', '--epochs', '1', '--device', 'cpu', '--data', path.join(tmp, 'no-such-data'), '--out', path.join(tmp, 'ck-x')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(t.status, 1, t.stdout + t.stderr);
    assert.match(t.stderr, /train\.py: --data .*no-such-data has no data\.json/);
  });

  it('data.py names the file it cannot read, and the folder train.py looked in', () => {
    const dir = path.join(tmp, 'out', 'csv_regression');
    const moved = path.join(tmp, 'moved');
    fs.cpSync(dir, moved, { recursive: true });
    fs.rmSync(path.join(moved, 'data'), { recursive: true });
    const t = spawnSync(python(), ['train.py', '--epochs', '1', '--device', 'cpu', '--data-root', path.join(tmp, 'nowhere'), '--out', path.join(moved, 'ck')], { cwd: moved, encoding: 'utf8', timeout: 120_000 });
    assert.equal(t.status, 1, t.stdout + t.stderr);
    assert.match(t.stderr, /train\.py: houses\.csv: No such file or directory/);
  });
});
