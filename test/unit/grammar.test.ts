// The TextMate grammar, tokenized by vscode-textmate with Oniguruma as VS Code does: scopes of
// chosen words, snapshots of the samples (UPDATE_SNAPSHOTS=1 rewrites them), and a check that
// the committed grammar is what scripts/gen-grammar.ts makes from the catalogue.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { grammar as generate } from '../../scripts/gen-grammar';

const root = path.join(__dirname, '..', '..');
const grammarPath = path.join(root, 'syntaxes', 'nn.tmLanguage.json');
const snapshots = path.join(root, 'test', 'grammar');

let grammar: vsctm.IGrammar;

async function load(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (scope === 'source.nn' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null),
  });
  const g = await registry.loadGrammar('source.nn');
  if (!g) throw new Error('grammar did not load');
  return g;
}

/** Each token of each line as `text  <- innermost scope`. */
function tokenize(text: string): string {
  const out: string[] = [];
  let state = vsctm.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const word = line.slice(t.startIndex, t.endIndex);
      if (!word.trim()) continue;
      out.push(`${word.padEnd(24)} ${t.scopes[t.scopes.length - 1]}`);
    }
    out.push('');
    state = r.ruleStack;
  }
  return out.join('\n');
}

function scopeOf(line: string, word: string): string {
  const r = grammar.tokenizeLine(line, vsctm.INITIAL);
  const at = line.indexOf(word);
  const t = r.tokens.find((x) => x.startIndex <= at && at < x.endIndex)!;
  return t.scopes[t.scopes.length - 1];
}

describe('TextMate grammar', () => {
  before(async () => (grammar = await load()));

  it('is what scripts/gen-grammar.ts makes from the catalogue (npm run grammar)', () => {
    assert.deepEqual(JSON.parse(fs.readFileSync(grammarPath, 'utf8')), generate());
  });

  it('gives each kind of word its scope', () => {
    const cases: [string, string, string][] = [
      ['# a comment', '#', 'comment.line.number-sign.nn'],
      ['model MnistMlp {', 'model', 'storage.type.model.nn'],
      ['model MnistMlp {', 'MnistMlp', 'entity.name.type.class.nn'],
      ['block conv_bn(filters, kernel = 3) {', 'conv_bn', 'entity.name.function.nn'],
      ['  input [28, 28, 1]', 'input', 'keyword.control.nn'],
      ['  input [28, 28, 1]', '28', 'constant.numeric.nn'],
      ['  dense(128, activation: relu)', 'dense', 'support.function.layer.nn'],
      ['  dense(128, activation: relu)', 'activation', 'variable.parameter.nn'],
      ['  dense(128, activation: relu)', 'relu', 'support.constant.nn'],
      ['  conv_bn(32)', 'conv_bn', 'entity.name.function.call.nn'],
      ['  parallel concat {', 'concat', 'support.constant.merge.nn'],
      ['  loss: cross_entropy', 'loss', 'variable.other.property.setting.nn'],
      ['  loss: cross_entropy', 'cross_entropy', 'support.function.nn'],
      ['  optimizer: adam(lr: 1e-3)', '1e-3', 'constant.numeric.nn'],
      ['dataset d = csv("data/x.csv", label: "y")', '"data/x.csv"', 'string.quoted.double.nn'],
      ['  shuffle: true', 'true', 'constant.language.boolean.nn'],
      // names in Chinese, as the lexer reads them
      ['model 花分类 {', '花分类', 'entity.name.type.class.nn'],
      ['train 训练 {', '训练', 'entity.name.section.nn'],
      ['dataset 花 = circle()', '花', 'variable.other.declaration.nn'],
      ['  残差块(32)', '残差块', 'entity.name.function.call.nn'],
      ['  data: 花', '花', 'variable.other.nn'],
    ];
    for (const [line, word, scope] of cases) assert.equal(scopeOf(line, word), scope, `${word} in ${line}`);
  });

  for (const f of ['mlp.nn', 'resnet.nn', 'blocks.nn', 'transformer.nn', 'csv_regression.nn']) {
    it(`snapshot: samples/${f}`, () => {
      const got = tokenize(fs.readFileSync(path.join(root, 'samples', f), 'utf8'));
      const file = path.join(snapshots, `${f}.snap`);
      if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(file, got);
      assert.ok(fs.existsSync(file), `no snapshot ${file}: run UPDATE_SNAPSHOTS=1 npx mocha test/unit/grammar.test.ts`);
      assert.equal(got, fs.readFileSync(file, 'utf8'), `${f}: run UPDATE_SNAPSHOTS=1 npx mocha test/unit/grammar.test.ts if the change is intended`);
    });
  }
});
