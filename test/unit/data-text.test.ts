// text_csv: labelled texts from a CSV file, made token ids with a vocabulary built from the
// training split and saved in the run, so nn predict reads a sentence as training did.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../server/src/data/load';
import { tokenize, buildVocab, encodeText } from '../../server/src/data/text';
import { checkDatasets, datasetRef } from '../data-helpers';
import { runNn } from '../nn-cli';

describe('text_csv', () => {
  let dir: string;
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-text-'));
    const rows = ['review,sentiment'];
    for (let i = 0; i < 40; i++) rows.push(i % 2 ? `"a great, great film number ${i}",pos` : `"a dull film, number ${i}",neg`);
    write('reviews.csv', rows.join('\n') + '\n');
    write('empty-text.csv', 'text,label\nfine film,pos\n  ,neg\n');
    write('one.csv', 'text,label\nfine,pos\ngood,pos\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tokenizes words (lower-cased, punctuation dropped), each Chinese character on its own, or every character', () => {
    assert.deepEqual(tokenize("It's a GREAT film, isn't it?", { tokenize: 'words', lowercase: true }), ["it's", 'a', 'great', 'film', "isn't", 'it']);
    assert.deepEqual(tokenize('这部电影很好 Good!', { tokenize: 'words', lowercase: true }), ['这', '部', '电', '影', '很', '好', 'good']);
    assert.deepEqual(tokenize('Ab c', { tokenize: 'chars', lowercase: false }), ['A', 'b', 'c']);
  });

  it('builds the vocabulary by count (ties in code point order) after <pad> and <unk>, and pads or cuts each text to length', () => {
    const rules = { tokenize: 'words' as const, lowercase: true };
    const vocab = buildVocab(['b a b', 'c b a', 'd'], rules, 5);
    assert.deepEqual(vocab, ['<pad>', '<unk>', 'b', 'a', 'c']);
    assert.deepEqual(Array.from(encodeText('B d a', { ...rules, length: 5, vocab })), [2, 1, 3, 0, 0]);
    assert.deepEqual(Array.from(encodeText('a a a a a a a', { ...rules, length: 3, vocab })), [3, 3, 3]);
  });

  it('the editor knows the classes, rows and [length] token ids; bad files are named with the line', async () => {
    const decl = 'dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8, test: 0.25)\n';
    const { refs, errors } = checkDatasets(dir, decl);
    assert.deepEqual(errors, []);
    // the ids the vocabulary gives: the training split's distinct words (the file has 45; 10 numbers are only in test rows) with <pad> and <unk>
    assert.deepEqual(refs[0].info, { features: [8], featureType: 'int', tokens: 37, target: { kind: 'classes', count: 2 }, train: 30, test: 10, image: false });
    assert.equal((await loadData(datasetRef(dir, decl))).text!.vocab.length, 37);
    // and with limit: only the training rows it keeps (the first 5, with 5 numbers and the shared words)
    const limited = 'dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8, test: 0.25, limit: 5)\n';
    assert.equal(checkDatasets(dir, limited).refs[0].info.tokens, (await loadData(datasetRef(dir, limited))).text!.vocab.length);
    // at most vocab
    assert.equal(checkDatasets(dir, 'dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", vocab: 20)\n').refs[0].info.tokens, 20);
    // NN423 from the file: the default vocab (10,000) and test (0.2) give 39 ids: embedding(39) is fine, embedding(38) is not
    const train = (embedding: number) =>
      checkDatasets(dir, `dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8)\nmodel M { input [8]  embedding(${embedding}, 4)  flatten()  dense(2) }\ntrain t { model: M  data: r  loss: cross_entropy }\n`).errors;
    assert.deepEqual(train(39), []);
    assert.deepEqual(train(38), ["embedding(38) takes token ids 0 to 37, but 'r' gives ids up to 38 (its vocab is 39): those past 37 have no vector; give the embedding the dataset's vocab, 39"]);
    const problems = (args: string) => checkDatasets(dir, `dataset r = text_csv(${args})\n`).dataProblems;
    assert.deepEqual(problems('"reviews.csv", text: "reveiw", label: "sentiment"'), ['reviews.csv: no column named "reveiw" (the text column) in the header (2 columns); did you mean "review"?']);
    assert.deepEqual(problems('"empty-text.csv"'), ['empty-text.csv: line 3: column "text": empty text']);
    assert.deepEqual(problems('"one.csv"'), ['one.csv: column "label": every label is the same: classification needs at least 2 classes']);
  });

  it('builds the vocabulary from the training split only: a word seen only in the test split is <unk>', async () => {
    const d = await loadData(datasetRef(dir, 'dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8, vocab: 1000, test: 0.25, seed: 2)\n'));
    assert.deepEqual(d.classNames, ['neg', 'pos']);
    assert.deepEqual(d.featureShape, [8]);
    const rules = d.text!;
    assert.deepEqual(rules.vocab.slice(0, 2), ['<pad>', '<unk>']);
    // the numbers of the test rows are not in the vocabulary
    const numbers = rules.vocab.filter((t) => /^\d+$/.test(t));
    assert.equal(numbers.length, 30);
    let unknown = 0;
    for (let r = 0; r < d.test!.n; r++) unknown += Array.from(d.test!.x.subarray(r * 8, r * 8 + 8)).filter((v) => v === 1).length;
    assert.equal(unknown, 10);
    for (let r = 0; r < d.train.n; r++) assert.ok(!Array.from(d.train.x.subarray(r * 8, r * 8 + 8)).includes(1));
    // label and text stay together: "great" only in pos rows
    const great = rules.vocab.indexOf('great');
    for (let r = 0; r < d.train.n; r++) assert.equal(d.train.x.subarray(r * 8, r * 8 + 8).includes(great), d.train.y[r] === 1);
  });

  it('trains an embedding model for an epoch; nn predict reads a sentence with the run\'s vocabulary', async () => {
    const file = path.join(dir, 'train.nn');
    fs.writeFileSync(
      file,
      'dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8, vocab: 64, test: 0.25)\nmodel M { input [8]  embedding(64, 8)  global_avg_pool()  dense(2) }\ntrain t { model: M  data: r  loss: cross_entropy  optimizer: adam(lr: 0.05)  epochs: 1  batch_size: 8 }\n',
    );
    const r = await runNn(['train', file, '--json', '--runs', path.join(dir, 'runs')]);
    assert.equal(r.code, 0, r.err.join('\n'));
    const run = (JSON.parse(r.out[0]) as { runDir: string }).runDir;
    const cfg = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')) as { text?: { vocab: string[]; length: number } };
    assert.equal(cfg.text?.length, 8);
    assert.ok(cfg.text?.vocab.includes('great'));
    const p = await runNn(['predict', run, 'a great great film', '--json']);
    assert.equal(p.code, 0, p.err.join('\n'));
    const preds = (JSON.parse(p.out[0]) as { predictions: { input: string; class?: number }[] }).predictions;
    assert.equal(preds[0].input, 'a great great film');
    const empty = await runNn(['predict', run, ' ']);
    assert.equal(empty.code, 1);
    assert.match(empty.err.join('\n'), /is an empty text/);

    // a text with no word at all: every id padding, refused as an empty one is
    const punctuation = await runNn(['predict', run, '!!! ?']);
    assert.equal(punctuation.code, 1);
    assert.match(punctuation.err.join('\n'), /'!!! \?' has no words to read \(only spaces and punctuation\)/);
    // an image file's name is not a sentence
    const png = path.join(dir, 'photo.png');
    fs.writeFileSync(png, 'x');
    const image = await runNn(['predict', run, png]);
    assert.equal(image.code, 1);
    assert.match(image.err.join('\n'), /photo\.png: the model reads texts, not images/);
    // no word in the vocabulary: answered, with a warning (in the JSON too, and in Chinese)
    const unknown = await runNn(['predict', run, '这部电影很好看', 'a great film', '--json']);
    assert.equal(unknown.code, 0, unknown.err.join('\n'));
    const said = (JSON.parse(unknown.out[0]) as { predictions: { warning?: string }[] }).predictions;
    assert.match(said[0].warning ?? '', /^none of the 7 words of '这部电影很好看' that the model reads is in its vocabulary \(\d+ tokens, from its training texts\)/);
    assert.equal(said[1].warning, undefined);
    const zh = await runNn(['predict', run, 'xyzzy', '--lang', 'zh-cn']);
    assert.equal(zh.code, 0, zh.err.join('\n'));
    assert.match(zh.err.join('\n'), /^nn predict: 警告：“xyzzy”唯一的词不在模型的词表中（/m);
    // a long text with commas is shown as text, not as numbers
    const long = await runNn(['predict', run, 'a great film, a great cast, a great story, a great ending, great music, and more']);
    assert.equal(long.code, 0, long.err.join('\n'));
    assert.match(long.out[0], /^a great film, a great cast, a great story, a great ending\.\.\.: \d (pos|neg) /);
  });

  it('refuses a separate validation dataset of texts (its vocabulary would differ)', async () => {
    const file = path.join(dir, 'val.nn');
    fs.writeFileSync(
      file,
      'dataset r = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8, vocab: 64)\ndataset v = text_csv("reviews.csv", text: "review", label: "sentiment", length: 8, vocab: 64, seed: 5)\nmodel M { input [8]  embedding(64, 8)  global_avg_pool()  dense(2) }\ntrain t { model: M  data: r  validation: v  loss: cross_entropy  epochs: 1 }\n',
    );
    const r = await runNn(['train', file, '--runs', path.join(dir, 'runs2')]);
    assert.equal(r.code, 1);
    assert.match(r.err.join('\n'), /reviews\.csv: a separate validation dataset of texts is not supported .*use validation: a fraction/);
    assert.equal(fs.existsSync(path.join(dir, 'runs2', 't')), false);
  });
});
