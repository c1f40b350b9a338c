// Simplified Chinese: every message renders in zh-cn with Chinese text, keeps the code words of
// its English, and leaves no English phrase behind; every phrase the analysis composes has a
// translation; the catalogue's docs are complete in Chinese; locale tags map to locales.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { en, render, toLocale, CONTEXTS, type MessageId, type MessageArgs } from '../../server/src/core/messages';
import { zh, zhPhrase, PHRASES } from '../../server/src/core/messages-zh';
import { rmsg, type RuntimeMessage } from '../../server/src/core/runtime-messages';
import { localize, localizeFix, type Diagnostic, type Message } from '../../server/src/core/diagnostics';
import { expectedText, rangeText } from '../../server/src/core/bind';
import { rankName } from '../../server/src/core/catalog/common';
import { tokenName, type T } from '../../server/src/core/syntax/lexer';
import { describeValue } from '../../server/src/core/values';
import { specsOf, CATEGORY_NAMES, type Category, type PType, type FnSpec } from '../../server/src/core/catalog';
import { TRAIN_SETTINGS } from '../../server/src/core/catalog/settings';
import { DOCS_ZH, SETTINGS_ZH, docKey, docOf, paramDocOf, settingDocOf, typeTextOf } from '../../server/src/core/catalog/docs-zh';
import { typeText } from '../../server/src/core/catalog/describe';
import { analyzeText, splitFixture } from '../helpers';

const CJK = /[\u4e00-\u9fff]/;
const CATEGORIES = Object.keys(CATEGORY_NAMES) as Category[];
const ALL_SPECS: FnSpec[] = CATEGORIES.flatMap((c) => [...specsOf(c)]);

/** Words that are code in a Chinese message: names of the catalogue, of parameters, values. */
const CODE_WORDS = new Set<string>([
  ...ALL_SPECS.map((s) => s.name),
  ...ALL_SPECS.flatMap((s) => s.params.map((p) => p.name)),
  ...TRAIN_SETTINGS.map((p) => p.name),
  ...ALL_SPECS.flatMap((s) => s.params.flatMap((p) => (p.type.t === 'enum' ? p.type.values : []))),
  ...['import', 'const', 'model', 'block', 'dataset', 'train', 'input', 'residual', 'shortcut', 'parallel', 'branch', 'repeat', 'try'],
  ...['true', 'false', 'concat', 'add', 'logits', 'value'],
  // units of memory, written as they are in Chinese too
  ...['KB', 'MB', 'GB', 'TB'],
  // names of products, written as they are in Chinese too
  'PyTorch',
]);

/** English words left in a Chinese text, outside quotes, brackets, calls, paths and code words. */
function englishLeft(text: string): string[] {
  const bare = text
    .replace(/[\w./-]*\.nn\b/g, ' ')
    .replace(/[\w.]*[./]\w[\w./]*/g, ' ')
    .replace(/“[^”]*”/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/'[^']*'/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b\w+\([^)]*\)/g, ' ');
  return (bare.match(/[A-Za-z][\w-]*/g) ?? []).filter((w) => w.length > 1 && !/[\d_]/.test(w) && !CODE_WORDS.has(w));
}

/** Names of the catalogue that an English message uses as code (not those that are also English words). */
const PROSE = new Set(['step', 'shift', 'noise', 'rotate', 'linear', 'exponential', 'cosine', 'warmup', 'checkpoint']);
const CATALOGUE_NAMES = new Set([...ALL_SPECS.map((s) => s.name), 'residual', 'shortcut', 'parallel', 'repeat'].filter((n) => !PROSE.has(n)));

/**
 * The code of an English text: quoted text, shapes, calls, numbers, names with _ or digits, and
 * (in messages, where they are always code) catalogue names. In docs, double quotes and bare
 * catalogue names are prose: "dying ReLU", "dense layers".
 */
function codeWords(english: string, kind: 'message' | 'doc' = 'message'): string[] {
  const out: string[] = [];
  const quoted = kind === 'message' ? /(?<!\w)'([^']*)'(?!\w)|"([^"]*)"|(\[[^\]]*\])/g : /(?<!\w)'([^']*)'(?!\w)|`([^`]*)`|(\[[^\]]*\])/g;
  // 1-D, 2-D read as 一维, 二维
  const rest = english.replace(/\b\d-D\b/g, ' ').replace(quoted, (_m, a: string, b: string, c: string) => {
    out.push(a ?? b ?? c);
    return ' ';
  });
  for (const m of rest.matchAll(/[A-Za-z_][\w]*(\()?|-?\d+(\.\d+)?(e-?\d+)?/g)) {
    const w = m[0].replace(/\($/, '');
    if (/^-?\d/.test(w) || /[_\d]/.test(w) || m[1] || (kind === 'message' && CATALOGUE_NAMES.has(w))) out.push(w);
  }
  return out.filter((w) => w !== '');
}

/**
 * A Chinese rendering of an English text: Chinese, no English words left, the English code kept.
 * `verbatim` is an argument shown as written (a data file's problem, which the host reports in English).
 */
function checkZh(englishText: string, zhText: string, where: string, verbatim?: unknown): void {
  assert.match(zhText, CJK, `${where}: no Chinese in '${zhText}'`);
  assert.notEqual(zhText, englishText, `${where}: the same as English`);
  const own = typeof verbatim === 'string' ? zhText.replace(verbatim, ' ') : zhText;
  assert.deepEqual(englishLeft(own), [], `${where}: English left in '${zhText}'`);
  for (const w of codeWords(englishText)) assert.ok(zhText.includes(w), `${where}: '${w}' of '${englishText}' is missing from '${zhText}'`);
}

// ---- (a) every message, with realistic arguments ----

/** Arguments for every message id; a new id fails the type check until it has a sample here. */
const SAMPLES: { [K in MessageId]: MessageArgs<K> } = {
  notANumber: { text: '1x' },
  unterminatedString: {},
  invalidCharacter: { text: '@' },
  joinerInName: { joiner: 'U+200D' },
  tooManySyntaxErrors: { shown: 200, more: 1234 },
  tooManyProblems: { shown: 1000, more: 299000 },
  expected: { expected: "',' or ')'", context: 'arguments', found: "'4'" },
  expectedName: { context: 'modelName', found: "'{'" },
  keywordAsName: { word: 'input' },
  expectedDeclaration: { found: "'dense'" },
  expectedImportPath: { found: 'the end of the file' },
  unclosedBrace: { what: 'model', name: 'Mlp' },
  settingNeedsColon: { key: 'epochs' },
  expectedSetting: { key: 'epochs', found: 'a string' },
  expectedEntry: { found: "'12'" },
  expectedLayer: { found: "'['" },
  keywordOutOfPlace: { word: 'shortcut' },
  callNeedsParens: { name: 'flatten' },
  expectedBranch: { found: "'dense'" },
  expectedValue: { context: 'value', found: "')'" },
  tooDeep: { max: 64 },
  unclosedBracket: { bracket: "'['" },
  unclosedCall: { name: 'csv' },
  unknownName: { name: 'hiden', suggestion: 'hidden' },
  unknownLayer: { name: 'dnese', suggestion: 'dense' },
  unknownFunction: { name: 'adamm', what: 'optimizer', options: ['sgd', 'adam', 'adamw'] },
  duplicateDecl: { name: 'dense', kind: 'built-in layer' },
  unusedDecl: { name: 'hidden', kind: 'constant' },
  unusedParam: { name: 'extra' },
  importNotFound: { path: 'blocks.nn' },
  importNotRegular: { path: 'x.nn', what: 'fifo' },
  importTooLarge: { path: 'big.nn', size: 120 * 2 ** 20, limit: 8 * 2 ** 20 },
  importBinary: { path: 'a.out' },
  importUnreadable: { path: 'loop.nn', why: 'loop' },
  importOutsideChecked: { path: '/etc/hostname' },
  importOutsideWorkspace: { path: '../../etc/lib.nn' },
  importCycle: { chain: ['main.nn', 'a.nn', 'main.nn'] },
  importHasSyntaxErrors: { path: 'lib.nn', count: 2, line: 7, via: 'mid.nn' },
  importSelf: {},
  wrongKindOfName: { name: 'd', is: 'dataset', expected: 'model' },
  modelAsLayer: { name: 'Mlp' },
  constCycle: { name: 'loop' },
  recursiveBlock: { name: 'selfish' },
  inputOnlyInModel: {},
  unknownArgument: { name: 'size', callee: 'flatten', options: [] },
  missingArgument: { name: 'units', callee: 'dense' },
  tooManyArguments: { callee: 'flatten', max: 0 },
  surplusNamedByValue: { callee: 'dense', max: 1, value: 'relu', param: 'activation' },
  duplicateArgument: { name: 'rate' },
  positionalAfterNamed: {},
  wrongType: { what: 'conv2d(kernel)', expected: 'a whole number or a list of 2', got: 'a list' },
  outOfRange: { what: 'dropout(rate)', expected: 'in [0, 1)', got: '1.5' },
  unknownValue: { what: 'padding', value: 'full', options: ['valid', 'same'] },
  activationNotAvailable: { value: 'leaky_relu' },
  divisionByZero: {},
  arithmeticOnNonNumber: { got: "model 'Mlp'" },
  inBlock: { block: 'conv_bn', inner: { id: 'kernelTooLarge', args: { layer: 'conv2d', what: 'kernel', size: '5x5', input: '3x3', advice: 'use padding: same or a smaller kernel' } } },
  blockDefinedHere: { block: 'conv_bn' },
  repeatCount: { got: '0' },
  parallelMode: { got: 'mix' },
  parallelNeedsMode: {},
  parallelNeedsBranches: { n: 1 },
  missingInput: { name: 'Net' },
  misplacedInput: {},
  wrongRank: { layer: 'max_pool', expected: 'a sequence [steps, features] or an image [height, width, channels]', got: [784], advice: 'pooling needs a sequence or an image; a flat vector has no axis to pool over' },
  kernelTooLarge: { layer: 'conv2d', what: 'dilated kernel', size: '7x7', input: '5x5', advice: 'use padding: same, a smaller kernel, or fewer pooling layers before it' },
  reshapeMismatch: { from: [28, 28], to: [700], fromCount: 784, toCount: 700 },
  reshapeIndivisible: { from: [60000], to: [-1, 7], count: 60000, known: 7 },
  reshapeTwoUnknown: {},
  branchesDoNotAdd: { shapes: [[8], [4]], what: 'the shortcut and the residual body' },
  branchesDoNotConcat: { shapes: [[2, 4], [8]] },
  invalidShape: { got: '16' },
  noOpLayer: { layer: 'flatten()', reason: 'its input is already flat' },
  embeddingNeedsTokens: {},
  monitorAlias: { monitor: 'val_acc', meant: 'val_accuracy', metric: 'accuracy', validation: true },
  denseOnImage: { input: [28, 28, 1], output: [28, 28, 128] },
  pytorchOrder: { layer: 'conv2d', written: '1, 32, 3', module: 'nn.Conv2d', torchParams: 'in_channels, out_channels, kernel_size', nnParams: 'filters, kernel', inParam: 'in_channels', meant: '32, 3' },
  strideAndDilation: { layer: 'conv1d' },
  tooLarge: { limit: 10000 },
  notEnoughMemory: { train: 'big', need: '160.02 GB', weights: '160.00 GB', optimizer: 'adam', activations: '23.44 MB', batch: 32, data: '0.00 B', available: '21.30 GB', limit: 'free' },
  headsDoNotDivide: { dim: 64, heads: 3 },
  tooManyPolyFeatures: { count: 308504, features: 784, max: 100000 },
  missingSetting: { key: 'data', example: 'data: spiral' },
  unknownSetting: { key: 'lr' },
  duplicateSetting: { key: 'epochs' },
  inputVsData: { model: 'Mlp', input: [784], data: 'digits', features: [28, 28, 1], advice: 'same number of values: change the input to [28, 28, 1] and add flatten() or reshape() where the model needs another shape' },
  outputVsClasses: { loss: 'cross_entropy', units: 1, classes: 10, data: 'digits' },
  outputVsTargets: { units: [3], targets: 1, data: 'houses' },
  outputNotFlat: { loss: 'cross_entropy', shape: [7, 7, 64] },
  binaryLossManyUnits: { loss: 'binary_cross_entropy', units: 2 },
  binaryLossClasses: { loss: 'binary_cross_entropy', classes: 10, data: 'digits' },
  regressionLossOnClasses: { loss: 'huber', data: 'spiral' },
  classificationLossOnRegression: { loss: 'hinge', data: 'sine' },
  softmaxBeforeLogits: { loss: 'binary_cross_entropy', act: 'sigmoid' },
  probabilitiesWithoutSoftmax: { loss: 'binary_cross_entropy', act: 'sigmoid' },
  metricDoesNotApply: { metric: 'mae', task: 'classification data (it measures regression)' },
  monitorNotAvailable: { monitor: 'val_accuracy', why: "'accuracy' is not in metrics" },
  suspiciousLr: { optimizer: 'sgd', lr: 5, typical: '0.01 to 0.1' },
  batchLargerThanData: { batch: 128000, n: 60000, data: 'digits' },
  conflictingSettings: { a: 'kfold', b: 'validation', why: 'k-fold validates each model on its own fold' },
  dataProblem: { problem: rmsg('dataError', { file: 'data/houses.csv', where: rmsg('where', { line: 3 }), problem: rmsg('emptyCell', { column: 'price' }) }) },
  augmentationNeedsImages: { aug: 'rotate', features: [20, 8] },
  validationIsTrainingData: { data: 'pts' },
  testIsTrainingData: { param: 'test_images', file: 'train-images.idx', of: 'images' },
  embeddingVocab: { vocab: 100, data: 'reviews', tokens: 1000 },
  tryNotHere: {},
  tryNested: {},
  badTry: {},
  emptyTry: {},
  badRange: { lo: 0, hi: 0.1, log: true },
  rangeNotNumber: { what: 'optimizer' },
  sweepTooLarge: { trials: 4096, max: 1000 },
  rangeNeedsTrials: {},
  trialsWithoutTry: {},
  vanishingGradients: { first: 'dense_1', last: 'dense_9', firstNorm: '2.31e-7', lastNorm: '0.0412', orders: 5 },
  explodingGradients: { layer: 'dense_2', gradNorm: '3.2e+4', why: 'grew', factor: '1.2e+3' },
  deadReluUnits: { layer: 'dense_1', dead: 20, units: 32, activation: 'relu' },
  saturatedActivations: { layer: 'dense_3', activation: 'sigmoid', percent: 74 },
  firstDeclaredHere: {},
  inputOf: { model: 'Mlp' },
  finalActivationOf: { act: 'softmax', model: 'Mlp' },
  fixChangeTo: { text: 'relu' },
  fixInsert: { text: 'flatten()' },
  fixUse: { text: 'cross_entropy' },
  fixSet: { text: 'from_logits: false' },
  fixAdd: { text: "'loss: cross_entropy'" },
  fixWrite: { text: '[16]' },
  fixChangeInput: { shape: '[28, 28, 1]' },
  fixSetUnits: { units: 10 },
  fixEmbeddingVocab: { vocab: 1000 },
  fixRemoveFinalActivation: { act: 'softmax' },
  fixRemoveFromLogits: {},
  fixRemoveJoiner: {},
  fixRemoveInputSize: { layer: 'conv2d', meant: '32, 3' },
  fixMonitor: { meant: 'val_accuracy', validation: true },
};

function both(id: MessageId, args: Record<string, unknown>): { english: string; chinese: string } {
  const m = { id, args };
  return { english: render(m, 'en'), chinese: render(m, 'zh-cn') };
}

describe('zh-cn messages', () => {
  it('the table has exactly the ids of the English one', () => {
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  });

  for (const id of Object.keys(en) as MessageId[]) {
    it(id, () => {
      const { english, chinese } = both(id, SAMPLES[id] as Record<string, unknown>);
      checkZh(english, chinese, id, id === 'dataProblem' ? 'data/houses.csv' : undefined);
    });
  }

  it('ends diagnostics with 。 or ？ and leaves quick-fix titles and related information bare', () => {
    for (const id of Object.keys(en) as MessageId[]) {
      const { chinese } = both(id, SAMPLES[id] as Record<string, unknown>);
      const bare = id.startsWith('fix') || id === 'blockDefinedHere' || id === 'firstDeclaredHere' || id === 'inputOf' || id === 'finalActivationOf';
      if (bare) assert.doesNotMatch(chinese, /[。？]$/, id);
      else if (id !== 'dataProblem') assert.match(chinese, /[。？]$/, id);
    }
  });

  it('renders the message inside inBlock in Chinese too', () => {
    const { chinese } = both('inBlock', SAMPLES.inBlock as Record<string, unknown>);
    assert.ok(chinese.startsWith('在块“conv_bn”中：conv2d 的卷积核 5x5'), chinese);
  });

  it('has a Chinese context for every parser context', () => {
    for (const c of Object.keys(CONTEXTS)) {
      const { english, chinese } = both('expectedValue', { context: c, found: "'x'" });
      checkZh(english, chinese, `context ${c}`);
    }
  });
});

// ---- the phrases the analysis composes ----

function types(t: PType): PType[] {
  if (t.t === 'list') return [t, ...types(t.of)];
  if (t.t === 'oneOf') return [t, ...t.options.flatMap(types)];
  return [t];
}

const ALL_TYPES: PType[] = [
  ...ALL_SPECS.flatMap((s) => s.params.flatMap((p) => types(p.type))),
  ...TRAIN_SETTINGS.flatMap((p) => types(p.type)),
  // the types the analysis checks outside the catalogue: input shapes, repeat counts
  { t: 'shape', allowMinusOne: false },
  { t: 'int', min: 1, max: 1000 },
  // forms of expectedText that no parameter has today
  { t: 'floats' },
];

/** Every phrase with a finite set of forms, from the function that composes it. */
function producedPhrases(): string[] {
  const out: string[] = [];
  for (let k = 0; k < 64; k++) {
    const s = tokenName(k as T);
    if (s) out.push(s);
  }
  for (let r = 1; r <= 4; r++) out.push(rankName(r));
  for (const t of ALL_TYPES) {
    out.push(expectedText(t));
    if (t.t === 'int' || t.t === 'float') {
      const r = rangeText(t);
      if (r) out.push(r);
    }
    if ('what' in t) out.push(t.what);
  }
  out.push(describeValue({ k: 'unknown', file: '', start: 0, end: 0 }));
  out.push('constant', 'block', 'dataset', 'model', 'built-in layer');
  for (const spec of specsOf('optimizer')) out.push((spec as FnSpec & { typicalLr: string }).typicalLr);
  return out;
}

/** Snippets that make the analysis compose each of its advice phrases (the fixtures make the others). */
const SNIPPETS = [
  'model A {\n  input [10, 8]\n  conv2d(4, 3)\n}',
  'model A {\n  input [4, 4, 1]\n  conv1d(4, 3)\n}',
  'model A {\n  input [10]\n  conv1d(4, 3)\n}',
  'model A {\n  input [4, 2]\n  conv1d(4, 7)\n}',
  'model A {\n  input [5, 5, 1]\n  conv2d(4, 3, dilation: 3)\n}',
  'model A {\n  input [10]\n  max_pool()\n}',
  'model A {\n  input [10]\n  self_attention(2)\n}',
  'model A {\n  input [10]\n  positional_embedding()\n}',
  'model A {\n  input [2, 2]\n  poly_features(3)\n}',
  'model A {\n  input [10]\n  upsampling()\n}',
  'model A {\n  input [10, 4]\n  max_pool(size: [2, 3])\n}',
  'model A {\n  input [8]\n  residual {\n    dense(4)\n  } shortcut {\n    dense(3)\n  }\n}',
  'model A {\n  input [8]\n  parallel add {\n    branch { dense(4) }\n    branch { dense(3) }\n  }\n}',
  'model A {\n  input [8]\n  dense(units: [1, 2, 3, 4, 5, 6, 7])\n}',
  'model M {\n  input [8]\n  dense(1)\n}\nmodel A {\n  input [8]\n  dense(units: M)\n}',
  'dataset d = linear(features: 2)\ntrain t {\n  model: d\n  data: d\n  loss: mse\n}',
  'model M {\n  input [2]\n  dense(1)\n}\ntrain t {\n  model: M\n  data: linear(features: 2)\n  loss: mse\n  metrics: [accuracy]\n  validation: "x"\n}',
  'model M {\n  input [2]\n  dense(1)\n}\ntrain t {\n  model: M\n  data: 3\n  loss: mse\n}',
  'dataset d = csv("a.csv", label: [1])',
  'model A {\n  input [8]\n  dense(2, activation: 3, kernel_regularizer: 3)\n}',
  'model A\n',
  'block b(x {\n}\n',
  'const = 3\n',
  'import\n',
  'train t {\n  model M\n}\n',
  'model A {\n  input [8]\n  dense(2\n',
  'model A {\n  input "a"\n}\n',
];

interface Rendered {
  where: string;
  english: string;
  chinese: string;
  verbatim?: unknown;
}

function renderedOf(where: string, ds: Diagnostic[]): Rendered[] {
  const out: Rendered[] = [];
  for (const d of ds) {
    const verbatim = d.msg.id === 'dataProblem' ? (d.msg.args.problem as RuntimeMessage).args.file : undefined;
    out.push({ where: `${where} ${d.code} ${d.msg.id}`, english: d.message, chinese: localize(d, 'zh-cn'), verbatim });
    for (const f of d.fixes) out.push({ where: `${where} ${d.code} fix ${f.msg.id}`, english: f.title, chinese: localizeFix(f, 'zh-cn') });
    for (const r of d.related) out.push({ where: `${where} ${d.code} related ${r.msg.id}`, english: r.message, chinese: localize(r, 'zh-cn') });
  }
  return out;
}

/** The string arguments of a message, and of the message inside it. */
function stringArgs(m: Message): string[] {
  return Object.values(m.args).flatMap((v) =>
    typeof v === 'string' ? [v] : v && typeof v === 'object' && 'id' in v ? stringArgs(v as Message) : [],
  );
}

const fixtureRoot = path.join(__dirname, '..', 'fixtures');
const FIXTURES = fs.readdirSync(fixtureRoot).flatMap((g) =>
  fs
    .readdirSync(path.join(fixtureRoot, g))
    .filter((f) => f.endsWith('.nn'))
    .map((f) => ({ name: `${g}/${f}`, text: fs.readFileSync(path.join(fixtureRoot, g, f), 'utf8') })),
);

describe('zh-cn phrases', () => {
  it('translates every phrase the core composes from a finite set', () => {
    const missing = producedPhrases().filter((s) => zhPhrase(s) === undefined);
    assert.deepEqual([...new Set(missing)], []);
  });

  it('renders every diagnostic of the snippets in Chinese, keeping its code', () => {
    for (const [i, s] of SNIPPETS.entries()) {
      const ds = analyzeText(s).diagnostics;
      assert.ok(ds.length > 0, `snippet ${i} reports nothing`);
      for (const r of renderedOf(`snippet ${i}`, ds)) checkZh(r.english, r.chinese, r.where, r.verbatim);
    }
  });

  it('has no phrase that nothing composes any more', () => {
    // a phrase whose English was reworded is dead here, and its new wording untranslated
    const seen = new Set(producedPhrases());
    const messages = [
      ...SNIPPETS.map((s) => analyzeText(s)),
      ...FIXTURES.map((f) => {
        const { main, others } = splitFixture(f.text);
        return analyzeText(main, others);
      }),
    ].flatMap((r) => r.diagnostics.map((d) => d.msg));
    for (const m of messages) for (const s of stringArgs(m)) seen.add(s);
    assert.deepEqual(Object.keys(PHRASES).filter((p) => !seen.has(p)), []);
  });

  it('shows an unknown phrase as written rather than guessing', () => {
    assert.equal(zhPhrase('something the core never says'), undefined);
    for (const s of ['constructor', 'toString', 'a constructor', "constructor 'x'"]) assert.equal(zhPhrase(s), undefined, s);
    assert.equal(zhPhrase('[3, 3]'), '[3, 3]');
    assert.equal(zhPhrase("'relu'"), '“relu”');
  });
});

// ---- (b) the fixtures ----

describe('zh-cn fixtures', () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      const { main, others } = splitFixture(f.text);
      const rendered = renderedOf(f.name, analyzeText(main, others).diagnostics);
      for (const r of rendered) checkZh(r.english, r.chinese, r.where, r.verbatim);
    });
  }
});

// ---- (c) the catalogue's documentation ----

/** Names in the docs that stay in Latin letters: libraries, models, formats, units. */
const DOC_NAMES = new Set(['PNG', 'JPEG', 'ImageFolder', 'RGB', 'CIFAR-10', 'CIFAR', 'Keras', 'PyTorch', 'torchvision', 'Normalize', 'BERT', 'GPT', 'ReLU', 'ELU', 'GELU', 'LSTM', 'GRU', 'Transformer', 'Adam', 'RMSProp', 'Adagrad', 'MNIST', 'IDX', 'CSV', 'Zalando', 'steps', 'top-k', 'False', 'mean', 'best', 'last', 'gz', 'logit', 'gamma', 'beta', 'alpha', 'kernel_h', 'in_channels']);

function checkDocZh(english: string, chinese: string, where: string): void {
  assert.match(chinese, CJK, `${where}: no Chinese in '${chinese}'`);
  const left = englishLeft(chinese.replace(/`[^`]*`/g, ' ')).filter((w) => !DOC_NAMES.has(w));
  assert.deepEqual(left, [], `${where}: English left in '${chinese}'`);
  for (const w of codeWords(english, 'doc')) assert.ok(chinese.includes(w), `${where}: '${w}' of '${english}' is missing from '${chinese}'`);
}

describe('zh-cn catalogue docs', () => {
  for (const c of CATEGORIES) {
    it(`documents every ${c} and its parameters`, () => {
      for (const spec of specsOf(c)) {
        const key = docKey(spec);
        const z = DOCS_ZH[key];
        assert.ok(z, `${key} has no zh-cn doc`);
        checkDocZh(spec.doc.summary, z.summary, `${key} summary`);
        assert.equal(z.explain !== undefined, spec.doc.explain !== undefined, `${key}: explain in one language only`);
        if (spec.doc.explain !== undefined) checkDocZh(spec.doc.explain, z.explain!, `${key} explain`);
        assert.deepEqual(Object.keys(z.params).sort(), spec.params.map((p) => p.name).sort(), `${key}: parameters`);
        for (const p of spec.params) checkDocZh(p.doc, z.params[p.name], `${key}(${p.name})`);
      }
    });
  }

  it('documents nothing that is not in the catalogue', () => {
    const keys = new Set(ALL_SPECS.map(docKey));
    assert.deepEqual(Object.keys(DOCS_ZH).filter((k) => !keys.has(k)), []);
  });

  it('documents every train setting, and nothing else', () => {
    assert.deepEqual(Object.keys(SETTINGS_ZH).sort(), TRAIN_SETTINGS.map((p) => p.name).sort());
    for (const p of TRAIN_SETTINGS) checkDocZh(p.doc, settingDocOf(p, 'zh-cn'), `setting ${p.name}`);
  });

  it('gives the catalogue its own English, and keeps formulas and equivalents in Chinese', () => {
    for (const spec of ALL_SPECS) {
      assert.equal(docOf(spec, 'en'), spec.doc);
      for (const p of spec.params) assert.equal(paramDocOf(spec, p, 'en'), p.doc);
      const z = docOf(spec, 'zh-cn');
      assert.equal(z.summary, DOCS_ZH[docKey(spec)].summary);
      assert.equal(z.formula, spec.doc.formula);
      assert.equal(z.equivalent, spec.doc.equivalent);
      for (const p of spec.params) assert.equal(paramDocOf(spec, p, 'zh-cn'), DOCS_ZH[docKey(spec)].params[p.name]);
    }
    for (const p of TRAIN_SETTINGS) assert.equal(settingDocOf(p, 'en'), p.doc);
  });

  it('writes every parameter type in Chinese', () => {
    for (const t of ALL_TYPES) {
      assert.equal(typeTextOf(t, 'en'), typeText(t));
      const zhText = typeTextOf(t, 'zh-cn');
      if (t.t === 'bool' || t.t === 'enum') assert.equal(zhText, typeText(t));
      else {
        assert.match(zhText, CJK, `${typeText(t)}: no Chinese in '${zhText}'`);
        assert.deepEqual(englishLeft(zhText.replace(/[[\]]/g, ' ')), [], `${typeText(t)}: English left in '${zhText}'`);
      }
    }
  });

  it('refuses a spec it has no Chinese for rather than showing English', () => {
    const made: FnSpec = { name: 'made_up', category: 'layer', params: [], doc: { summary: 'x' } };
    assert.throws(() => docOf(made, 'zh-cn'), /made_up/);
  });
});

// ---- the Chinese guides ----

describe('docs/zh', () => {
  const root = path.join(__dirname, '..', '..');
  const blocks = (file: string) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/^ *```[^\n]*\n[\s\S]*?^ *```$/gm)].map((m) => m[0]);
  for (const [zhFile, enFile] of [
    ['docs/zh/language.md', 'docs/language.md'],
    ['docs/zh/README.md', 'README.md'],
  ]) {
    it(`${zhFile} keeps the code blocks of ${enFile}`, () => {
      assert.deepEqual(blocks(zhFile), blocks(enFile));
    });
  }
  it('links every relative file that exists', () => {
    for (const file of ['docs/zh/language.md', 'docs/zh/README.md']) {
      for (const m of fs.readFileSync(path.join(root, file), 'utf8').matchAll(/\]\(([^)#:]+)\)/g)) {
        assert.ok(fs.existsSync(path.join(root, path.dirname(file), m[1])), `${file}: ${m[1]}`);
      }
    }
  });
});

// ---- (d) locale tags ----

describe('toLocale', () => {
  it('maps simplified Chinese tags to zh-cn', () => {
    for (const tag of ['zh-cn', 'zh-CN', 'zh', 'ZH', 'zh-hans', 'zh-Hans', 'zh-Hans-CN', 'zh-sg', 'zh_CN', ' zh-cn ']) assert.equal(toLocale(tag), 'zh-cn', tag);
  });
  it('maps everything else to en, traditional Chinese included', () => {
    for (const tag of ['en', 'en-US', 'zh-tw', 'zh-TW', 'zh-hk', 'zh-hant', 'zh-Hant-TW', 'ja', 'de', 'zhx', '', undefined]) assert.equal(toLocale(tag), 'en', String(tag));
  });
});
