// The command line in Chinese (issue 23, item 17): the locale from --lang or the environment as
// gettext reads it, and check, summary and train saying their own words in Chinese, with nothing
// English left in those lines but names (files, models, metrics, codes).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliLocale, wordsOf } from '../../server/src/cli/i18n';
import { USAGE } from '../../server/src/cli/main';
import { USAGE_ZH } from '../../server/src/cli/usage-zh';
import { runNn, englishLeft as english } from '../nn-cli';

/** Every line of a command's output, with no English words but `names`. */
function chineseOnly(lines: string[], names: string[]): void {
  for (const l of lines) assert.deepEqual(english(l, names), [], l);
}

const FILE = `model Net {
  input [2]
  dense(8, activation: tanh)
  dense(2)
}
train t {
  model: Net
  data: circle(n: 200, seed: 1)
  loss: cross_entropy
  epochs: 2
  metrics: [accuracy]
}
`;

describe('the command line in Chinese', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-zh-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes its language from --lang, else LANGUAGE, LC_ALL, LC_MESSAGES, LANG (C is English; Traditional Chinese too)', () => {
    assert.equal(cliLocale(undefined, { LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.equal(cliLocale(undefined, { LANGUAGE: 'zh_CN:en', LANG: 'en_US.UTF-8' }), 'zh-cn');
    // gettext ignores LANGUAGE in the C locale
    assert.equal(cliLocale(undefined, { LANGUAGE: 'zh_CN:en', LANG: 'C' }), 'en');
    assert.equal(cliLocale(undefined, { LANGUAGE: 'zh_CN', LC_ALL: 'C.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(cliLocale(undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(cliLocale(undefined, { LC_MESSAGES: 'zh_SG', LANG: 'en_GB' }), 'zh-cn');
    assert.equal(cliLocale(undefined, { LANG: 'zh_TW.UTF-8' }), 'en');
    assert.equal(cliLocale(undefined, { LANG: 'C' }), 'en');
    assert.equal(cliLocale(undefined, {}), 'en');
    assert.equal(cliLocale('zh-cn', { LANG: 'C' }), 'zh-cn');
    assert.equal(cliLocale('en', { LANG: 'zh_CN.UTF-8' }), 'en');
  });

  it('nn check: the diagnostics and the count in Chinese; --lang en over LANG; a bad --lang is a usage error', async () => {
    const file = path.join(dir, 'bad.nn');
    fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(0)\n}\n');
    const zh = await runNn(['check', file], { LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.code, 1);
    assert.match(zh.out[0], /bad\.nn:3:9: 错误 NN206: /);
    assert.match(zh.err.join('\n'), /^已检查 1 个文件：1 个错误，0 个警告$/);
    for (const l of [...zh.out, ...zh.err]) assert.deepEqual(english(l, ['dense', 'units']), [], l);
    const en = await runNn(['check', file, '--lang', 'en'], { LANG: 'zh_CN.UTF-8' });
    assert.match(en.err.join('\n'), /^1 file checked: 1 error, 0 warnings$/);
    const bad = await runNn(['check', file, '--lang=fr']);
    assert.equal(bad.code, 2);
    assert.match(bad.err.join('\n'), /--lang takes en or zh-cn, not 'fr'/);
  });

  it('nn summary: the table in Chinese', async () => {
    const file = path.join(dir, 'net.nn');
    fs.writeFileSync(file, FILE);
    const r = await runNn(['summary', file, '--lang', 'zh-cn']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const text = r.out.join('\n');
    assert.match(text, /层（类型）\s+输出形状\s+参数个数\s+乘加次数/);
    assert.match(text, /参数总数：42 /);
    for (const l of text.split('\n').filter((x) => !/\((input|dense)\)/.test(x))) assert.deepEqual(english(l, ['Net', 'KB', 'MB', 'B']), [], l);
  });

  it('nn train: the progress lines in Chinese', async () => {
    const file = path.join(dir, 'net.nn');
    fs.writeFileSync(file, FILE);
    const r = await runNn(['train', file, '--runs', path.join(dir, 'runs'), '--backend', 'cpu'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(r.code, 0, r.err.join('\n'));
    const lines = [...r.out, ...r.err];
    assert.ok(lines.some((l) => /^训练“t”：模型 Net（42 个参数），数据 circle/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^完成：2 轮/.test(l)), lines.join('\n'));
    // every line, the backend's note with it
    assert.ok(lines.some((l) => /^\s+后端：cpu（纯 JavaScript，较慢；按要求）；wasm 后端要快好几倍/.test(l)), lines.join('\n'));
    for (const l of lines) assert.deepEqual(english(l, ['Net', 'circle', 'accuracy', 'val_loss', 'val_accuracy', 'cpu', 'JavaScript', 'wasm', 'TensorFlow', 'npm', 'install', 'no-save', 'tensorflow', 'tfjs-node', 'nn', 'libtensorflow']), [], l);
  });

  describe('the commands that read a run folder, and the rest (a run trained once)', () => {
    let run: string;
    before(async () => {
      const file = path.join(dir, 'net.nn');
      fs.writeFileSync(file, FILE);
      const r = await runNn(['train', file, '--runs', path.join(dir, 'runs1'), '--backend', 'cpu', '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
      run = (JSON.parse(r.out[0]) as { runDir: string }).runDir;
    });
    const zh = { LANG: 'zh_CN.UTF-8' };

    it('nn evaluate', async () => {
      const r = await runNn(['evaluate', run, '--backend', 'cpu'], zh);
      assert.equal(r.code, 0, r.err.join('\n'));
      assert.match(r.out[0], /^t：测试集，40 个样本，权重 .*best（第 \d 轮）（后端 cpu）$/);
      chineseOnly([...r.out, ...r.err], ['accuracy', 'cpu']);
      // --json stays English
      const j = await runNn(['evaluate', run, '--backend', 'cpu', '--json'], zh);
      assert.equal((JSON.parse(j.out[0]) as { split: string }).split, 'test');
    });

    it('nn predict: numbers, a test sample, and its mistakes', async () => {
      const r = await runNn(['predict', run, '0.1,0.2', '--index', '3', '--backend', 'cpu'], zh);
      assert.equal(r.code, 0, r.err.join('\n'));
      assert.match(r.out[0], /^0\.1,0\.2：类别 \d [\d.]+%，类别 \d [\d.]+%$/);
      assert.match(r.out[1], /^测试样本 3 \[.*\] （标签 \d）：类别/);
      chineseOnly([...r.out, ...r.err], []);
      for (const argv of [['0.1', '0.2'], ['1,2,3'], ['1,,3'], ['a.gif'], ['nowhere.png']]) {
        const bad = await runNn(['predict', run, ...argv, '--backend', 'cpu'], zh);
        assert.equal(bad.code, 1, argv.join(' '));
        assert.match(bad.err.join('\n'), /[\u4e00-\u9fff]/);
        chineseOnly(bad.err, ['nn', 'predict', 'RUN', 'PNG', 'JPEG', 'GIF', 'height', 'width', 'channels']);
      }
    });

    it('nn runs and nn weights', async () => {
      const r = await runNn(['runs', path.join(dir, 'runs1')], zh);
      assert.equal(r.code, 0, r.err.join('\n'));
      assert.match(r.out[0], /^运行\s+训练块\s+状态\s+改动\s+轮数\s+最佳轮\s+test_loss\s+test_accuracy\s+引擎\s+秒$/);
      assert.match(r.out[1], /\s完成\s/);
      chineseOnly(r.out.map((l) => l.replace(/test_\w+/g, '')), ['tfjs']);
      const w = await runNn(['weights', run], zh);
      assert.equal(w.code, 0, w.err.join('\n'));
      assert.match(w.out[0], /^t：权重 .*；接近零：\|w\| < 0\.001$/);
      assert.ok(w.out.some((l) => /^\s+kernel \[2, 8\]\s+平均值 \S+\s+标准差 \S+\s+最小值 \S+\s+最大值 \S+\s+接近零 [\d.]+%$/.test(l)), w.out.join('\n'));
      chineseOnly(w.out, ['dense', 'dense_1', 'kernel', 'bias', 'w']);
    });

    it('nn export, nn graph and nn plot', async () => {
      const file = path.join(dir, 'net.nn');
      const e = await runNn(['export', file, '--to', 'onnx', '--out', path.join(dir, 'onnx')], zh);
      assert.equal(e.code, 0, e.err.join('\n'));
      assert.match(e.out[0], /model\.onnx：模型“Net”，输入 \[batch, 2\]，输出 \[batch, 2\]，opset 17，种子 0 的初始权重$/);
      const g = await runNn(['graph', file, '--out', path.join(dir, 'g.svg')], zh);
      assert.equal(g.code, 0, g.err.join('\n'));
      assert.match(g.out[0], /^已写入 .*g\.svg：模型“Net”，2 层$/);
      const p = await runNn(['plot', run, '--out', path.join(dir, 'c.svg')], zh);
      assert.equal(p.code, 0, p.err.join('\n'));
      assert.match(p.out[0], /^已写入 .*c\.svg（curves；1 次运行）$/);
      chineseOnly([...e.out, ...g.out, ...p.out], ['batch', 'opset', 'curves']);
    });
  });

  it('--help in Chinese: every command and option of the English text, no English words', async () => {
    const r = await runNn(['--help'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(r.code, 0);
    assert.equal(r.out.join('\n'), USAGE_ZH);
    const tokens = (t: string) => new Set(t.match(/--[\w-]+|^\s*nn \w+|\b[A-Z][A-Z_]{2,}\b/gm)?.map((x) => x.trim()));
    for (const t of tokens(USAGE)) assert.ok(tokens(USAGE_ZH).has(t), `${t} is missing from the Chinese --help`);
    // what is left is code: values the options take, file names, settings
    const code = ['nn', 'check', 'summary', 'train', 'evaluate', 'predict', 'export', 'graph', 'runs', 'plot', 'weights', 'test', 'validation', 'pytorch', 'onnx', 'opset', 'vocab', 'embedding', 'time', 'curves', 'lr', 'boundary', 'fit', 'confusion', 'predictions', 'layers', 'epochs', 'seed', 'auto', 'tensorflow', 'wasm', 'cpu', 'tfjs', 'torch', 'cuda', 'batch_size', 'optimizer', 'early_stopping', 'patience', 'try', 'median', 'epoch', 'off', 'layer_stats', 'last', 'best', 'en', 'zh-cn', 'type', 'stop', 'head', 'Python', 'PyTorch', 'GPU', 'DistributedDataParallel', 'Deep', 'model', 'Ctrl', 'JSON', 'PNG', 'docs', 'md', 'pytorch', 'training', 'zh'];
    chineseOnly(USAGE_ZH.split('\n').map((l) => l.replace(/\bnn \d+\.\d+\.\d+\S*|\b[A-Z][A-Z_]+\b|<\w+>/g, ' ')), code);
  });

  it('usage errors in Chinese, with the hint', async () => {
    for (const argv of [['evaluate'], ['bogus'], ['train', 'x.nn', '--epochs', 'x'], ['check', '--nope'], ['runs', 'nowhere-at-all']]) {
      const r = await runNn(argv, { LANG: 'zh_CN.UTF-8' });
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.err[r.err.length - 1], '运行 nn --help 查看命令及其选项');
      assert.match(r.err[0], /^nn: .*[\u4e00-\u9fff]/);
      chineseOnly(r.err, ['nn', 'evaluate', 'runs', 'help']);
    }
  });

  it('a data file that cannot be loaded: NN416 and nn train say it in Chinese through the same table', async () => {
    const file = path.join(dir, 'missing.nn');
    fs.writeFileSync(file, FILE.replace('circle(n: 200, seed: 1)', 'csv("missing.csv", label: "y")'));
    const r = await runNn(['check', file], { LANG: 'zh_CN.UTF-8' });
    assert.equal(r.code, 1);
    assert.match(r.out[0], /错误 NN416: 数据无法加载：missing\.csv：找不到文件$/);
  });

  it('a diverging run: the stop, its advice and the checkpoints kept, in Chinese (the JSON keeps English and carries the message id)', async () => {
    const file = path.join(dir, 'nan.nn');
    fs.writeFileSync(file, FILE.replace('loss: cross_entropy', 'loss: cross_entropy\n  optimizer: sgd(lr: 1e38)'));
    const r = await runNn(['train', file, '--runs', path.join(dir, 'runs2'), '--backend', 'cpu'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(r.code, 1, r.err.join('\n'));
    const lines = [...r.out, ...r.err];
    const stop = lines.find((l) => l.startsWith('已停止：'));
    assert.ok(stop, lines.join('\n'));
    assert.match(stop!, /^已停止：(验证)?损失在第 \d+ 轮(第 \d+ 批)?变成了 (NaN|-?Infinity)；对 sgd 来说，学习率 1e\+38 很可能过高：请试试 0\.01。(此前还没有写入任何检查点|此前写入的检查点保留在)/);
    chineseOnly(lines, ['Net', 'circle', 'accuracy', 'sgd', 'NaN', 'Infinity', 'cpu', 'JavaScript', 'wasm', 'TensorFlow', 'npm', 'install', 'no-save', 'tensorflow', 'tfjs-node', 'nn', 'libtensorflow']);
    const j = await runNn(['train', file, '--runs', path.join(dir, 'runs2'), '--backend', 'cpu', '--json'], { LANG: 'zh_CN.UTF-8' });
    const stopped = j.out.map((l) => JSON.parse(l) as { type: string; message?: string; msg?: { id: string } }).find((e) => e.type === 'stopped')!;
    assert.match(stopped.message!, /^the (validation )?loss became/);
    assert.match(stopped.msg!.id, /^(loss|valLoss)NotFinite$/);
  });

  it('resuming a run that has finished, or with another seed: the trainer says why in Chinese', async () => {
    const file = path.join(dir, 'net.nn');
    fs.writeFileSync(file, FILE);
    const first = await runNn(['train', file, '--runs', path.join(dir, 'runs4'), '--backend', 'cpu', '--json']);
    const run = (JSON.parse(first.out[0]) as { runDir: string }).runDir;
    const again = await runNn(['train', '--resume', run, '--backend', 'cpu'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(again.code, 1);
    assert.match(again.err.join('\n'), /^nn train: .* 已经结束（已完成，共 2 轮）；若要继续训练，请给出大于 2 的 --epochs，或开始一次新的运行$/);
    const seed = await runNn(['train', '--resume', run, '--seed', '9', '--epochs', '3', '--backend', 'cpu'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(seed.code, 1);
    assert.match(seed.err.join('\n'), /继续的运行保持它的种子（\d+）；--seed 9 会开始另一次运行$/);
  });

  it('damaged run folders: nn runs gives each reason, and nn evaluate and nn train --resume say what is wrong, in Chinese (CheckpointError ids)', async function () {
    this.timeout(60_000);
    const file = path.join(dir, 'net.nn');
    fs.writeFileSync(file, FILE);
    const root = path.join(dir, 'runs5');
    const runs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await runNn(['train', file, '--runs', root, '--backend', 'cpu', '--json']);
      assert.equal(r.code, 0, r.err.join('\n'));
      runs.push((JSON.parse(r.out[0]) as { runDir: string }).runDir);
    }
    const [badJson, noWeights, badField, noCheckpoint] = runs;
    fs.writeFileSync(path.join(badJson, 'config.json'), '{"train": 5');
    fs.rmSync(path.join(noWeights, 'best', 'weights.bin'));
    const config = JSON.parse(fs.readFileSync(path.join(badField, 'config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(badField, 'config.json'), JSON.stringify({ ...config, epochs: -1 }));
    for (const f of ['report.json', 'last', 'best']) fs.rmSync(path.join(noCheckpoint, f), { recursive: true });
    const zh = { LANG: 'zh_CN.UTF-8' };
    const names = ['nn', 'evaluate', 'train', 'epochs', 'weights', 'bin', 'tfjs', 'best', 'last'];

    const table = await runNn(['runs', root], zh);
    assert.equal(table.code, 0, table.err.join('\n'));
    assert.equal(table.err.length, 2, table.err.join('\n'));
    assert.match(table.err[0], /：失败：config\.json 不是有效的 JSON$/);
    assert.match(table.err[1], /：失败：它在第一个检查点之前就结束了（没有 report\.json，也没有 last\/）$/);
    chineseOnly(table.err, [...names, 'JSON']);
    // the English stays as it was
    const en = await runNn(['runs', root]);
    assert.match(en.err[0], /: failed: config\.json is not valid JSON$/);

    const damaged = await runNn(['evaluate', badJson, '--backend', 'cpu'], zh);
    assert.equal(damaged.code, 1);
    assert.match(damaged.err[0], /^nn evaluate: .*config\.json 已损坏：不是有效的 JSON（内容提前结束）$/);
    const field = await runNn(['train', '--resume', badField, '--backend', 'cpu'], zh);
    assert.equal(field.code, 1);
    assert.match(field.err[0], /^nn train: .*config\.json 已损坏：字段 'epochs' 是 -1；它必须是不小于 1 的整数$/);
    const weights = await runNn(['evaluate', noWeights, '--backend', 'cpu'], zh);
    assert.equal(weights.code, 1);
    assert.match(weights.err[0], /^nn evaluate: 无法读取 .*weights\.bin：找不到文件$/);
    const resume = await runNn(['train', '--resume', noCheckpoint, '--backend', 'cpu'], zh);
    assert.equal(resume.code, 1);
    assert.match(resume.err[0], /^nn train: .* 没有可以继续的 last\/ 检查点$/);
    chineseOnly([...damaged.err, ...field.err, ...weights.err, ...resume.err], [...names, 'JSON']);
    const enField = await runNn(['train', '--resume', badField, '--backend', 'cpu']);
    assert.match(enField.err[0], /config\.json is damaged: field 'epochs' is -1; it must be a whole number of at least 1$/);
  });

  it('a backend that cannot be had as asked: nn train and nn evaluate say why in Chinese (BackendError ids), English as it was', async () => {
    const file = path.join(dir, 'net.nn');
    fs.writeFileSync(file, FILE);
    const zh = { LANG: 'zh_CN.UTF-8' };
    const cpu = await runNn(['train', file, '--runs', path.join(dir, 'runs6'), '--backend', 'cpu', '--threads', '2'], zh);
    assert.equal(cpu.code, 1);
    assert.deepEqual(cpu.err, ['nn train: --threads 2：cpu 后端只运行一个线程（纯 JavaScript）；wasm 后端可以运行多个']);
    const en = await runNn(['train', file, '--runs', path.join(dir, 'runs6'), '--backend', 'cpu', '--threads', '2']);
    assert.deepEqual(en.err, ['nn train: --threads 2: the cpu backend runs one thread (plain JavaScript); the wasm backend runs several']);
    const tf = await runNn(['train', file, '--runs', path.join(dir, 'runs6'), '--backend', 'tensorflow'], zh);
    // tfjs-node is not installed here; where it is, the backend starts
    if (tf.code !== 0) {
      assert.equal(tf.code, 1);
      assert.match(tf.err[0], /^nn train: 后端“tensorflow”不可用：/);
      chineseOnly(tf.err, ['nn', 'train', 'tensorflow', 'tfjs-node', 'npm', 'install', 'no-save', 'libtensorflow', 'TensorFlow']);
    }
  });

  it('a sweep: its start, trial lines and summary table in Chinese', async function () {
    this.timeout(120_000);
    const file = path.join(dir, 'sweep.nn');
    fs.writeFileSync(file, FILE.replace('epochs: 2', 'epochs: 1\n  optimizer: adam(lr: try [0.01, 0.02])'));
    const r = await runNn(['train', file, '--runs', path.join(dir, 'runs3'), '--backend', 'cpu', '--parallel', '2'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.match(r.out[0], /^训练块“t”的超参数搜索：2 次试验（网格搜索），同时运行 2 次；文件夹 /);
    assert.ok(r.out.some((l) => /^试验 \d\/2 第 1\/1 轮：损失 [\d.]+$/.test(l)), r.out.join('\n'));
    assert.ok(r.out.some((l) => /^搜索文件夹：/.test(l)), r.out.join('\n'));
    chineseOnly(r.out.map((l) => l.replace(/\b(test|val)_\w+|\btrial-\d+/g, '')), ['optimizer', 'lr', 'tfjs']);
  });

  it("one epoch is 'epoch' in English (a 1-epoch run said '1 epochs')", () => {
    const en = wordsOf('en');
    assert.equal(en.samples(20, 0, 7, 1, 4), '20 training, 0 validation, 7 test samples; 1 epoch of batches of 4');
    assert.equal(en.done(1, '0:01', 300, 1), 'done: 1 epoch in 0:01, 300 samples/s; best epoch 1');
    assert.match(en.done(3, '0:01', 300), /^done: 3 epochs in/);
  });
});
