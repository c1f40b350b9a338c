// Names written in any script (issue 23, item 9): the lexer reads Unicode identifiers as Python 3
// and JavaScript do, every surface that handles names accepts them, and tables align by the
// columns a character takes (a Chinese character two), not by its UTF-16 length.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lex, T, isName } from '../../server/src/core/syntax/lexer';
import { displayWidth } from '../../server/src/core/text';
import { format } from '../../server/src/core/format';
import { summarize, formatSummary } from '../../server/src/core/summary';
import { formatConfusion } from '../../server/src/cli/progress';
import { newRunDir } from '../../server/src/runtime/train/runs';
import { analyzeText } from '../helpers';
import { runNn } from '../nn-cli';
import { parseArgs } from '../../server/src/cli/args';

const FLOWERS = `model 花分类 {
  input [2]
  残差块(8)
  dense(2)
}
block 残差块(宽度) {
  dense(宽度, activation: relu)
}
dataset 花 = circle(n: 200, seed: 1)
train 训练 {
  model: 花分类
  data: 花
  loss: cross_entropy
  epochs: 1
  metrics: [accuracy]
}
`;

function idents(text: string): string[] {
  return lex(text)
    .tokens.filter((t) => t.kind === T.Ident)
    .map((t) => t.text);
}

describe('names in any script', () => {
  it('checks a file whose model, block, parameter, dataset and train block are named in Chinese', () => {
    const r = analyzeText(FLOWERS);
    assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.message}`), []);
    assert.deepEqual(r.models.map((m) => m.name), ['花分类']);
    assert.deepEqual(r.trains.map((t) => t.name), ['训练']);
    // the formatter keeps them: a well-formatted file is its own formatting
    const messy = FLOWERS.replace('model 花分类 {', 'model   花分类{').replace('残差块(8)', '残差块( 8 )');
    assert.equal(format(messy)?.text, FLOWERS);
  });

  it('reads Unicode identifiers whole: beyond the BMP, with combining marks, never from a digit', () => {
    assert.deepEqual(idents('𠀀𠀁 x_1 café e\u0301t 名字2'), ['𠀀𠀁', 'x_1', 'café', '\u00e9t', '名字2']); // a name is its NFC form
    assert.ok(isName('花分类') && isName('_x') && isName('Ωmega') && isName('𠀀'));
    for (const bad of ['2x', '花。', 'a-b', '', 'a b', '../x', '名字：']) assert.ok(!isName(bad), bad);
    // full-width punctuation from a Chinese input method is still an error, not part of a name
    const r = analyzeText('model M {\n  input [2]\n  dense(2)\n}\ntrain t：{\n}\n');
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
  });

  it('measures text in columns: Chinese characters take two, combining marks none', () => {
    assert.equal(displayWidth('花分类'), 6);
    assert.equal(displayWidth('dense_1'), 7);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('ｘ１'), 4);
  });

  it('aligns the summary table and the confusion matrix by columns', () => {
    const r = analyzeText(FLOWERS);
    const table = formatSummary(summarize(r.models[0], () => undefined)).split('\n');
    const rows = table.filter((l) => /\(dense\)|\(input\)|\(残差块\)/.test(l));
    assert.ok(rows.length >= 3, table.join('\n'));
    const ends = new Set(rows.map((l) => displayWidth(l)));
    assert.equal(ends.size, 1, `rows end in different columns:\n${rows.join('\n')}`);
    const m = formatConfusion(
      [
        [5, 1],
        [0, 12],
      ],
      ['玫瑰', 'tulip'],
    ).split('\n');
    const bars = m.filter((l) => l.includes('|')).map((l) => displayWidth(l.slice(0, l.indexOf('|'))));
    assert.equal(new Set(bars).size, 1, m.join('\n'));
    assert.equal(displayWidth(m[1]), displayWidth(m[0]), 'the rule is as wide as the header');
  });

  it('trains a train block named in Chinese into a run folder of that name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-names-'));
    try {
      const file = path.join(dir, '花.nn');
      fs.writeFileSync(file, FLOWERS);
      const r = await runNn(['train', file, '--runs', path.join(dir, 'runs')]);
      assert.equal(r.code, 0, r.err.join('\n'));
      const runs = fs.readdirSync(path.join(dir, 'runs', '训练'));
      assert.equal(runs.length, 1);
      const ev = await runNn(['evaluate', path.join(dir, 'runs', '训练', runs[0])]);
      assert.equal(ev.code, 0, ev.err.join('\n'));
      assert.throws(() => newRunDir(dir, '../x'), /not a train block's name/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Issue 25: `Café` written precomposed (U+00E9) and decomposed (e, U+0301) were two names, and the
// invisible joiners U+200C/U+200D were taken anywhere in a name, so two names that look the same
// could differ. A name is its NFC form; a joiner is part of it only where UAX #31 allows one.
describe('names in NFC; joiners where UAX #31 allows them', () => {
  const PRE = 'Caf\u00e9';
  const DEC = 'Cafe\u0301';

  it('a name written precomposed and decomposed is one name: lookups, duplicates, declarations', () => {
    const r = analyzeText(`const ${PRE} = 4\nmodel M {\n  input [${DEC}]\n  dense(2)\n}\n`);
    assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.message}`), []);
    const dup = analyzeText(`const ${PRE} = 4\nconst ${DEC} = 5\nmodel M {\n  input [${PRE}]\n  dense(2)\n}\n`);
    assert.deepEqual(dup.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['NN102']);
    // a train block's name, which names its run folders, is the NFC form
    const t = analyzeText(FLOWERS.replace('train 训练', `train ${DEC}`));
    assert.deepEqual(t.trains.map((x) => x.name), [PRE]);
    assert.deepEqual(idents(`${DEC} ${PRE}`), [PRE, PRE]);
  });

  it('a name given with --train or --model is compared in NFC; paths are left as given', () => {
    const a = parseArgs(['--train', DEC, '--model', DEC, '--runs', DEC], ['train', 'model', 'runs'], []);
    assert.equal(a.flags.get('train'), PRE);
    assert.equal(a.flags.get('model'), PRE);
    assert.equal(a.flags.get('runs'), DEC);
  });

  it('keeps a joiner in a conjunct (after a virama) and a non-joiner between joining letters', () => {
    for (const name of ['क्\u200dष', 'क्\u200cष', 'ب\u200cب', 'ب\u064e\u200cب']) {
      assert.deepEqual(idents(name), [name], JSON.stringify(name));
      assert.ok(isName(name), JSON.stringify(name));
      assert.deepEqual(lex(name).errors, []);
    }
  });

  it('anywhere else a joiner is NN011 at it, with a fix that removes it, and not part of the name', () => {
    for (const [text, name] of [
      ['a\u200db', 'ab'],
      ['a\u200cb', 'ab'],
      ['花\u200d分类', '花分类'],
      ['ب\u200dب', 'بب'], // a joiner (not a non-joiner) between Arabic letters
      ['क\u200dष', 'कष'], // no virama before it
    ]) {
      const l = lex(text);
      assert.deepEqual(l.tokens.filter((t) => t.kind === T.Ident).map((t) => t.text), [name], JSON.stringify(text));
      assert.deepEqual(
        l.errors.map((e) => [e.code, e.start, e.end, e.fix?.newText]),
        [['NN011', text.search(/[\u200c\u200d]/), text.search(/[\u200c\u200d]/) + 1, '']],
      );
      assert.ok(!isName(text), JSON.stringify(text));
    }
    const r = analyzeText('const a\u200db = 1\nmodel M {\n  input [ab]\n  dense(2)\n}\n');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['NN011']);
    assert.match(r.diagnostics[0].message, /invisible joiner \(U\+200D\)/);
  });

  it("the editor's word pattern takes a name in any script whole (double-click selects 花分类)", () => {
    const conf = JSON.parse(fs.readFileSync(path.join(__dirname, '../../language-configuration.json'), 'utf8'));
    // VS Code builds it as new RegExp(pattern, flags) and adds 'g'
    const re = new RegExp(conf.wordPattern.pattern, conf.wordPattern.flags + 'g');
    const words = (s: string) => s.match(re) ?? [];
    assert.deepEqual(words('model 花分类 {'), ['model', '花分类']);
    assert.deepEqual(words(`x = ${DEC}_2 + 1.5e3`), ['x', `${DEC}_2`, '1.5e3']);
    assert.deepEqual(words('dense(宽度, activation: relu)'), ['dense', '宽度', 'activation', 'relu']);
    assert.deepEqual(words('क्\u200dष'), ['क्\u200dष']);
  });
});
