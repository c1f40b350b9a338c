// The command line in Chinese (issue 23, item 17): the locale from --lang or the environment as
// gettext reads it, and check, summary and train saying their own words in Chinese, with nothing
// English left in those lines but names (files, models, metrics, codes).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliLocale } from '../../server/src/cli/i18n';
import { runNn } from '../nn-cli';

/** Latin words left in `line` once paths, quoted names and the allowed names are taken out. */
function english(line: string, names: string[]): string[] {
  const bare = line
    .replace(/\/[\w./-]+/g, ' ')
    .replace(/[\w-]+\.nn(:\d+)*/g, ' ')
    .replace(/“[^”]*”|'[^']*'|"[^"]*"/g, ' ')
    .replace(/\bNN\d{3}\b/g, ' ');
  return (bare.match(/[A-Za-z][\w-]*/g) ?? []).filter((w) => w.length > 1 && !names.includes(w));
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
    assert.equal(cliLocale(undefined, { LANGUAGE: 'zh_CN:en', LANG: 'C' }), 'zh-cn');
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
    // every line but the backend's (its note is the runtime's) and the confusion table's numbers
    const said = lines.filter((l) => !/^\s*后端：/.test(l));
    for (const l of said) assert.deepEqual(english(l, ['Net', 'circle', 'accuracy', 'val_loss', 'val_accuracy', 'predicted']).filter((w) => w !== 'predicted'), [], l);
  });
});
