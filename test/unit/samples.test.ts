// The samples are the curriculum: each checks clean, and the classic models have the parameter
// counts their papers and tutorials give.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNn } from '../nn-cli';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';

const dir = path.join(__dirname, '..', '..', 'samples');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.nn')).map((f) => path.join(dir, f));

describe('samples', () => {
  const results = analyzeFiles(new Program(new NodeHost()), files);

  for (const r of results) {
    it(`${path.basename(r.path)} checks clean`, () => {
      assert.deepEqual(
        r.diagnostics.map((d) => `${r.source!.lines.position(d.start).line + 1}: ${d.code} ${d.message}`),
        [],
      );
      for (const t of r.trains) assert.equal(t.hasErrors, false, `train ${t.name}`);
    });
  }

  const params = (model: string) => {
    const m = results.flatMap((r) => r.models).find((x) => x.name === model);
    assert.ok(m, `no model ${model}`);
    return (m.totals.trainable ?? NaN) + (m.totals.nonTrainable ?? NaN);
  };

  it('the reference MLP has 109,386 parameters', () => assert.equal(params('MnistMlp'), 109_386));
  it('softmax regression has 7,850', () => assert.equal(params('SoftmaxRegression'), 7_850));
  it('the Keras MNIST convnet has 34,826', () => assert.equal(params('MnistConvnet'), 34_826));
  it('LeNet-5 has 61,706', () => assert.equal(params('LeNet5'), 61_706));

  it('cover the curriculum', () => {
    const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const word of ['residual', 'lstm(', 'gru(', 'transformer_encoder', 'kfold:', 'augment:', 'early_stopping(', 'checkpoint(', 'schedule:', 'dropout(', 'batch_norm(', 'l2(', 'hinge', 'momentum:', 'rmsprop(', 'poly_features(', 'linear(', 'spiral(', 'xor(', 'circle(', 'import "', 'image_folder(', 'cifar10(', 'crop(', 'text_csv(']) {
      assert.ok(text.includes(word), `no sample uses ${word}`);
    }
  });
});

describe('samples that train on data shipped with them', () => {
  it('image_folder.nn trains on data/shapes in seconds, its classes named by the folders', async function () {
    this.timeout(60_000);
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-sample-runs-'));
    try {
      const r = await runNn(['train', path.join(dir, 'image_folder.nn'), '--runs', runs, '--epochs', '2', '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
      const run = (JSON.parse(r.out[0]) as { runDir: string }).runDir;
      const cfg = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')) as { data: { classNames?: string[] } };
      assert.deepEqual(cfg.data.classNames, ['circle', 'square', 'triangle']);
      // the decoded images are cached beside the run folders, not in samples/
      assert.equal(fs.readdirSync(path.join(runs, '.data-cache')).length, 1);
      assert.equal(fs.existsSync(path.join(dir, 'runs')), false);
    } finally {
      fs.rmSync(runs, { recursive: true, force: true });
    }
  });
});

describe("model_selection.nn's lesson", () => {
  it('lr_sweep: the largest learning rate learns the spiral, the smallest slowly', async function () {
    this.timeout(120_000);
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-sample-runs-'));
    try {
      // two of its three trials, as the sweep trains them (a trial is the block with --set)
      const trial = async (lr: string) => {
        const r = await runNn(['train', path.join(dir, 'model_selection.nn'), '--train', 'lr_sweep', '--set', `optimizer.lr=${lr}`, '--runs', runs, '--json']);
        assert.equal(r.code, 0, r.err.join('\n'));
        const rows = JSON.parse((await runNn(['runs', runs, '--json'])).out[0]).runs as { overrides: Record<string, number>; val: { accuracy: number } }[];
        return { val: rows.find((x) => String(x.overrides['optimizer.lr']) === lr)!.val.accuracy };
      };
      const large = await trial('0.05');
      const small = await trial('0.0005');
      assert.ok(large.val >= 0.75, `lr 0.05: validation accuracy ${large.val}`);
      assert.ok(small.val < 0.65, `lr 0.0005: validation accuracy ${small.val}`);
    } finally {
      fs.rmSync(runs, { recursive: true, force: true });
    }
  });
});

describe('bench/train.nn', () => {
  const [r] = analyzeFiles(new Program(new NodeHost()), [path.join(__dirname, '..', '..', 'bench', 'train.nn')]);
  const params = (model: string) => {
    const m = r.models.find((x) => x.name === model)!;
    return (m.totals.trainable ?? NaN) + (m.totals.nonTrainable ?? NaN);
  };

  it('checks clean, with the parameter counts of its PyTorch references', () => {
    assert.deepEqual(r.diagnostics.map((d) => `${r.source!.lines.position(d.start).line + 1}: ${d.code} ${d.message}`), []);
    for (const t of r.trains) assert.equal(t.hasErrors, false, `train ${t.name}`);
    assert.equal(params('RefMlp'), 109_386);
    assert.equal(params('RefConvnet'), 34_826);
    // torch.nn.LSTM has a second bias vector (4 · 64 more), as bench/pytorch/lstm.py says
    assert.equal(params('SeqLstm'), 4 * (64 * (1 + 64) + 64) + 64 * 3 + 3);
  });
});
