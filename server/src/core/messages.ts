// Every user-facing diagnostic text, keyed by a message id. Diagnostics store the id and its
// arguments, so another locale re-renders the same diagnostic (see `render`). Keep the wording
// "expected X, got Y" and end with what to do when there is an obvious next step.
// The Chinese table is `zh` in messages-zh.ts; `render` picks the table of a locale.

import { zh } from './messages-zh';
import { renderRuntime, type RuntimeMessage } from './runtime-messages';

/** The locales messages and catalogue docs are rendered in. */
import { formatShape, formatNumber, formatMegabytes } from './format-values';

export type Locale = 'en' | 'zh-cn';

/**
 * The locale for a VS Code / LSP locale tag (`initializeParams.locale`, `vscode.env.language`).
 * Simplified Chinese tags ('zh-cn', 'zh-CN', 'zh', 'zh-hans', 'zh-hans-cn', 'zh-sg', 'zh-my') get
 * 'zh-cn'. Traditional Chinese tags ('zh-tw', 'zh-hk', 'zh-mo', 'zh-hant') get English: there
 * is no zh-tw translation, and simplified characters and mainland terms (信息, 软件, 默认) would
 * read as foreign there. Everything else, and no tag, gets 'en'.
 */
export function toLocale(tag: string | undefined): Locale {
  const t = (tag ?? '').trim().toLowerCase().replace(/_/g, '-');
  if (t === 'zh' || t === 'zh-cn' || t === 'zh-sg' || t === 'zh-my' || t === 'zh-hans' || t.startsWith('zh-hans-')) return 'zh-cn';
  return 'en';
}

/** What a path can be instead of a regular file (core/program.ts ReadProblem). */
export type NotRegular = 'folder' | 'fifo' | 'socket' | 'device';
const NOT_REGULAR_EN: Record<NotRegular, string> = { folder: 'a folder', fifo: 'a FIFO (named pipe)', socket: 'a socket', device: 'a device' };

/** What the parser was reading, for "expected X in Y": keys of this table are message arguments. */
export const CONTEXTS = {
  constantName: "a constant name after 'const'",
  datasetName: "a dataset name after 'dataset'",
  modelName: "a model name after 'model'",
  blockName: "a block name after 'block'",
  trainName: "a name after 'train'",
  paramName: 'a parameter name',
  blockParams: 'block parameters',
  const: 'constant',
  dataset: 'dataset',
  model: 'model',
  block: 'block',
  train: 'train block',
  residual: "'residual'",
  shortcut: "'shortcut'",
  repeat: "'repeat'",
  branch: "'branch'",
  parallel: "'parallel'",
  list: 'list',
  arguments: 'arguments',
  parenthesis: 'parenthesis',
  value: 'a value',
  argument: 'argument value',
  repeatCount: "a repeat count after 'repeat'",
} as const satisfies Record<string, string>;
export type Context = keyof typeof CONTEXTS;
const ctx = (c: unknown) => (CONTEXTS as Record<string, string>)[String(c)] ?? String(c);
const didYouMean = (s: unknown) => (s ? `; did you mean '${String(s)}'?` : '');
const list = (xs: unknown) => (xs as string[]).map((x) => `'${x}'`).join(', ');
const shape = formatShape;
const num = formatNumber;
/** 'a' or 'an' before a noun phrase: an optimizer, a dataset. */
const article = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** English texts. Each takes one argument object; the keys are the message's parameters. */
export const en = {
  // ---- syntax ----
  notANumber: (a: { text: string }) => `'${a.text}' is not a number`,
  unterminatedString: (_: Record<string, never>) => 'unterminated string: add the closing "',
  invalidCharacter: (a: { text: string }) => `unexpected character '${a.text}'`,
  joinerInName: (a: { joiner: string }) => `an invisible joiner (${a.joiner}) in a name: it is allowed only in a conjunct (after a virama) or between letters that join, and is not part of the name here`,
  tooManyProblems: (a: { shown: number; more: number }) => `${num(a.more)} more problems in this file are not reported (the ${num(a.shown)} most severe are); the first of them is here`,
  tooManySyntaxErrors: (a: { shown: number; more: number }) => `${num(a.more)} more syntax errors from here on are not reported (the first ${a.shown} are): is this a .nn file?`,
  expected: (a: { expected: string; context: string; found: string }) => `expected ${a.expected} in ${ctx(a.context)}, found ${a.found}`,
  expectedName: (a: { context: string; found: string }) => `expected ${ctx(a.context)}, found ${a.found}`,
  keywordAsName: (a: { word: string }) => `'${a.word}' is a keyword and cannot be used as a name`,
  expectedDeclaration: (a: { found: string }) =>
    `expected a declaration (model, block, dataset, train, const or import), found ${a.found}`,
  expectedImportPath: (a: { found: string }) => `expected a file path in quotes after 'import', found ${a.found}`,
  unclosedBrace: (a: { what: string; name: string }) =>
    `this '{' of ${ctx(a.what)}${a.name ? ` '${a.name}'` : ''} is never closed: add '}'`,
  settingNeedsColon: (a: { key: string }) => `settings are written '${a.key}: value', with ':' not '='`,
  expectedSetting: (a: { key: string; found: string }) => `expected ':' and a value after '${a.key}', found ${a.found}`,
  expectedEntry: (a: { found: string }) => `expected a setting such as 'epochs: 10', found ${a.found}`,
  expectedLayer: (a: { found: string }) => `expected a layer such as 'dense(10)', found ${a.found}`,
  keywordOutOfPlace: (a: { word: string }) =>
    a.word === 'branch'
      ? "'branch' is only allowed directly inside 'parallel { ... }'"
      : a.word === 'shortcut'
        ? "'shortcut' is only allowed right after a 'residual { ... }' body"
        : `'${a.word}' is not allowed here`,
  callNeedsParens: (a: { name: string }) => `layers are called with parentheses: write '${a.name}()'`,
  expectedBranch: (a: { found: string }) => `expected 'branch { ... }' inside 'parallel', found ${a.found}`,
  expectedValue: (a: { context: string; found: string }) => `expected ${a.context === 'value' ? 'a value' : ctx(a.context)}, found ${a.found}`,
  tooDeep: (a: { max: number }) => `nesting is deeper than ${a.max} levels`,
  unclosedBracket: (a: { bracket: string }) => `this ${a.bracket} is never closed`,
  unclosedCall: (a: { name: string }) => `the arguments of '${a.name}(' are never closed: add ')'`,

  // ---- names ----
  unknownName: (a: { name: string; suggestion?: string }) => `unknown name '${a.name}'${didYouMean(a.suggestion)}`,
  unknownLayer: (a: { name: string; suggestion?: string }) => `unknown layer '${a.name}'${didYouMean(a.suggestion)}`,
  unknownFunction: (a: { name: string; what: string; suggestion?: string; options: string[] }) =>
    `unknown ${a.what} '${a.name}'${a.suggestion ? didYouMean(a.suggestion) : `; expected one of ${list(a.options)}`}`,
  duplicateDecl: (a: { name: string; kind: string }) => `'${a.name}' is already declared as ${article(a.kind)}`,
  unusedDecl: (a: { name: string; kind: string }) => `${a.kind} '${a.name}' is never used`,
  unusedParam: (a: { name: string }) => `parameter '${a.name}' is never used`,
  importNotFound: (a: { path: string }) => `cannot find the file '${a.path}'`,
  importNotRegular: (a: { path: string; what: NotRegular }) => `'${a.path}' is ${NOT_REGULAR_EN[a.what]}, not a file: only regular files are read`,
  importTooLarge: (a: { path: string; size: number; limit: number }) =>
    `'${a.path}' is ${formatMegabytes(a.size)}, larger than the ${formatMegabytes(a.limit)} a .nn file may have (the setting nn.maxFileSize); it was not read`,
  importBinary: (a: { path: string }) => `'${a.path}' is not a text file (it holds NUL bytes); it was not read`,
  importUnreadable: (a: { path: string; why: 'permission' | 'loop' }) => `cannot read '${a.path}': ${a.why === 'loop' ? 'its symbolic links form a loop' : 'permission denied'}`,
  importOutsideWorkspace: (a: { path: string }) =>
    `'${a.path}' is outside the workspace folders: an untrusted workspace reads no file outside them; trust the workspace to read it`,
  importOutsideChecked: (a: { path: string }) =>
    `'${a.path}' is outside the folders nn check reads (the repositories or folders of the files it checks): give --trust to read it`,
  importCycle: (a: { chain: string[] }) => `import cycle: ${a.chain.join(' -> ')}`,
  importSelf: (_: Record<string, never>) => 'a file cannot import itself',
  importHasSyntaxErrors: (a: { path: string; count: number; line: number; via?: string }) =>
    `'${a.path}'${a.via ? ` (imported by '${a.via}')` : ''} has ${num(a.count)} syntax error${a.count === 1 ? '' : 's'}, the first at line ${a.line}: what it declares may be cut short; open it to fix ${a.count === 1 ? 'it' : 'them'}`,
  wrongKindOfName: (a: { name: string; is: string; expected: string }) => `'${a.name}' is ${article(a.is)}, expected ${article(a.expected)}`,
  modelAsLayer: (a: { name: string }) => `'${a.name}' is a model; to reuse layers, declare them as a 'block'`,
  constCycle: (a: { name: string }) => `constant '${a.name}' depends on itself`,
  recursiveBlock: (a: { name: string }) => `block '${a.name}' calls itself`,
  inputOnlyInModel: (_: Record<string, never>) => "'input' is only allowed at the start of a model; a block takes the shape it is called with",

  // ---- arguments and values ----
  unknownArgument: (a: { name: string; callee: string; suggestion?: string; options: string[] }) =>
    `${a.callee}() has no argument '${a.name}'${a.suggestion ? didYouMean(a.suggestion) : a.options.length ? `; it takes ${list(a.options)}` : '; it takes none'}`,
  missingArgument: (a: { name: string; callee: string }) => `${a.callee}() needs the argument '${a.name}'`,
  tooManyArguments: (a: { callee: string; max: number }) =>
    `${a.callee}() takes ${a.max === 0 ? 'no arguments' : `at most ${a.max} positional argument${a.max === 1 ? '' : 's'}`}`,
  surplusNamedByValue: (a: { callee: string; max: number; value: string; param: string }) =>
    `${a.callee}() takes ${a.max === 0 ? 'no positional arguments' : `${a.max} positional argument${a.max === 1 ? '' : 's'}`}; '${a.value}' is a value of its ${a.param}, which is given by name: write ${a.param}: ${a.value}`,
  duplicateArgument: (a: { name: string }) => `argument '${a.name}' is given twice`,
  positionalAfterNamed: (_: Record<string, never>) => 'a positional argument cannot follow a named one',
  wrongType: (a: { what: string; expected: string; got: string }) => `${a.what}: expected ${a.expected}, got ${a.got}`,
  outOfRange: (a: { what: string; expected: string; got: string }) => `${a.what} must be ${a.expected}, got ${a.got}`,
  unknownValue: (a: { what: string; value: string; suggestion?: string; options: string[] }) =>
    `unknown ${a.what} '${a.value}'${a.suggestion ? didYouMean(a.suggestion) : `; expected one of ${list(a.options)}`}`,
  activationNotAvailable: (a: { value: string }) =>
    `'${a.value}' is not available as an activation argument; add a ${a.value}() layer after this one`,
  divisionByZero: (_: Record<string, never>) => 'division by zero',
  arithmeticOnNonNumber: (a: { got: string }) => `arithmetic needs numbers, got ${a.got}`,
  inBlock: (a: { block: string; inner: { id: string; args: Record<string, unknown> } }) => `in block '${a.block}': ${render(a.inner as { id: MessageId; args: Record<string, unknown> }, 'en')}`,
  blockDefinedHere: (a: { block: string }) => `inside block '${a.block}'`,
  repeatCount: (a: { got: string }) => `repeat needs a whole number from 1 to 1,000, got ${a.got}`,
  parallelMode: (a: { got: string }) => `parallel branches merge by 'concat' or 'add', got '${a.got}'`,
  parallelNeedsMode: (_: Record<string, never>) => "say how branches merge: 'parallel concat { ... }' or 'parallel add { ... }'",
  parallelNeedsBranches: (a: { n: number }) => `parallel needs at least 2 branches, got ${a.n}`,

  // ---- shapes ----
  missingInput: (a: { name: string }) => `model '${a.name}' needs an input shape first, e.g. 'input [28, 28, 1]'`,
  misplacedInput: (_: Record<string, never>) => "'input' must be the first statement of a model, and only once",
  wrongRank: (a: { layer: string; expected: string; got: unknown; advice?: string }) =>
    `${a.layer} needs ${a.expected} input, got ${shape(a.got)}${a.advice ? `; ${a.advice}` : ''}`,
  kernelTooLarge: (a: { layer: string; what: string; size: string; input: string; advice: string }) =>
    `${a.layer} ${a.what} ${a.size} is larger than its input ${a.input}; ${a.advice}`,
  reshapeMismatch: (a: { from: unknown; to: unknown; fromCount: number; toCount: number }) =>
    `cannot reshape ${shape(a.from)} (${num(a.fromCount)} values) into ${shape(a.to)} (${num(a.toCount)} values)`,
  reshapeIndivisible: (a: { from: unknown; to: unknown; count: number; known: number }) =>
    `cannot reshape ${shape(a.from)} (${num(a.count)} values) into ${shape(a.to)}: ${num(a.count)} is not divisible by ${num(a.known)}`,
  reshapeTwoUnknown: (_: Record<string, never>) => 'reshape allows at most one -1',
  branchesDoNotAdd: (a: { shapes: unknown[]; what: string }) =>
    `${a.what} cannot be added: shapes ${a.shapes.map(shape).join(' and ')} differ`,
  branchesDoNotConcat: (a: { shapes: unknown[] }) =>
    `branches cannot be concatenated: shapes ${a.shapes.map(shape).join(', ')} must agree in every dimension but the last`,
  invalidShape: (a: { got: string }) => `a shape is a list of positive whole numbers such as [28, 28, 1], got ${a.got}`,
  noOpLayer: (a: { layer: string; reason: string }) => `${a.layer} does nothing here: ${a.reason}`,
  embeddingNeedsTokens: (_: Record<string, never>) =>
    'embedding reads integer token ids: put it right after input, before any other layer',
  denseOnImage: (a: { input: unknown; output: unknown }) =>
    `dense on an image ${shape(a.input)} is applied to each position on its own and keeps the image's shape (${shape(a.output)}); to read the whole image, insert flatten() before this layer`,
  pytorchOrder: (a: { layer: string; written: string; module: string; torchParams: string; nnParams: string; inParam: string; meant: string }) =>
    `${a.layer}(${a.written}) reads like PyTorch's ${a.module}(${a.torchParams}); nn's ${a.layer} takes (${a.nnParams}) and infers ${a.inParam} from its input: write ${a.layer}(${a.meant})`,
  strideAndDilation: (a: { layer: string }) => `${a.layer}: stride and dilation cannot both be larger than 1`,
  tooLarge: (a: { limit: number }) => `repeats and block calls unroll to more than ${num(a.limit)} statements here; the rest is not checked`,
  headsDoNotDivide: (a: { dim: number; heads: number }) =>
    `${a.heads} heads do not divide the model dimension ${a.dim}: give key_dim or change heads`,
  tooManyPolyFeatures: (a: { count: number; features: number; max: number }) =>
    `poly_features here would make ${num(a.count)} features from ${num(a.features)} inputs (at most ${num(a.max)}): lower the degree, leave out cross: true, or reduce the inputs first (e.g. dense or pooling)`,

  // ---- training ----
  missingSetting: (a: { key: string; example: string }) => `train needs '${a.key}', e.g. '${a.example}'`,
  unknownSetting: (a: { key: string; suggestion?: string }) => `unknown setting '${a.key}'${didYouMean(a.suggestion)}`,
  duplicateSetting: (a: { key: string }) => `'${a.key}' is set twice`,
  inputVsData: (a: { model: string; input: unknown; data: string; features: unknown; advice: string }) =>
    `model '${a.model}' takes ${shape(a.input)} but dataset '${a.data}' gives ${shape(a.features)}; ${a.advice}`,
  outputVsClasses: (a: { loss: string; units: number; classes: number; data: string }) =>
    `${a.loss} compares the last layer's ${a.units} output${a.units === 1 ? '' : 's'} with ${a.classes} classes of '${a.data}': make the last layer ${a.classes} units`,
  outputVsTargets: (a: { units: unknown; targets: number; data: string }) =>
    `the model outputs ${shape(a.units)} but '${a.data}' has ${a.targets} target value${a.targets === 1 ? '' : 's'} per sample`,
  outputNotFlat: (a: { loss: string; shape: unknown }) =>
    `${a.loss} needs one score per class, a flat output, but the model outputs ${shape(a.shape)}: add flatten() or global_avg_pool() before the first dense layer that reads it`,
  binaryLossManyUnits: (a: { loss: string; units: number }) =>
    `${a.loss} needs 1 output unit (the probability of class 1), got ${a.units}; for several classes use cross_entropy`,
  binaryLossClasses: (a: { loss: string; classes: number; data: string }) =>
    `${a.loss} is for 2 classes but '${a.data}' has ${a.classes}; use cross_entropy`,
  regressionLossOnClasses: (a: { loss: string; data: string }) =>
    `${a.loss} treats class labels of '${a.data}' as numbers to fit; use cross_entropy for classification, or set one_hot: true on the dataset`,
  classificationLossOnRegression: (a: { loss: string; data: string }) =>
    `${a.loss} needs class labels but '${a.data}' has real-valued targets; use mse, mae or huber`,
  softmaxBeforeLogits: (a: { loss: string; act: string }) =>
    `the model ends in ${a.act} but ${a.loss} expects logits (it applies ${a.act} itself): remove the ${a.act}, or set from_logits: false`,
  probabilitiesWithoutSoftmax: (a: { loss: string; act: string }) =>
    `${a.loss} has from_logits: false, so it expects probabilities, but the model does not end in ${a.act}`,
  metricDoesNotApply: (a: { metric: string; task: string }) => `metric '${a.metric}' does not apply to ${a.task}`,
  monitorAlias: (a: { monitor: string; meant: string; metric?: string; validation: boolean }) =>
    `unknown monitor '${a.monitor}': nn records it as '${a.meant}'${
      a.metric || a.validation ? `, which needs ${[a.metric ? `'${a.metric}' in metrics` : '', a.validation ? 'validation data (validation: 0.1)' : ''].filter(Boolean).join(' and ')}` : ''
    }`,
  monitorNotAvailable: (a: { monitor: string; why: string }) => `'${a.monitor}' is not recorded during training: ${a.why}`,
  suspiciousLr: (a: { optimizer: string; lr: number; typical: string }) =>
    `learning rate ${a.lr} is high for ${a.optimizer} (typical: ${a.typical}); training will likely diverge`,
  batchLargerThanData: (a: { batch: number; n: number; data: string }) =>
    `batch_size ${num(a.batch)} is larger than the ${num(a.n)} training samples of '${a.data}', so each epoch is a single batch of ${num(a.n)}`,
  conflictingSettings: (a: { a: string; b: string; why: string }) => `'${a.a}' and '${a.b}' cannot be used together: ${a.why}`,
  dataProblem: (a: { problem: RuntimeMessage }) => renderRuntime(a.problem, 'en'),
  notEnoughMemory: (a: { train: string; need: string; weights: string; optimizer: string; activations: string; batch: number; data: string; copies?: string; others?: number; available: string; limit: 'free' | 'container' | 'wasm' }) =>
    `training '${a.train}' needs about ${a.need} of memory (${a.weights} for the weights, their gradients and ${a.optimizer}'s state; ${a.activations} for the activations of a batch of ${num(a.batch)}; ${a.data} for the data${a.copies !== undefined ? `; ${a.copies} for the model's copies on ${a.others} more ${a.others === 1 ? 'thread' : 'threads'} and what they share` : ''}), ` +
    `but only ${a.available} can be had (${a.limit === 'wasm' ? "the wasm backend's memory ends at 4 GB" : a.limit === 'container' ? 'the memory limit of this container' : 'the free memory of this machine'}): use a smaller model or batch_size${a.copies !== undefined ? ', or fewer threads (--threads 1)' : ''}`,
  augmentationNeedsImages: (a: { aug: string; features: unknown }) =>
    `${a.aug} augmentation works on images [H, W, C], but the data is ${shape(a.features)}`,
  validationIsTrainingData: (a: { data: string }) =>
    `validation on '${a.data}' is validation on the training data itself: it measures how well the model fits what it learns from, not new data; hold out part of it (validation: 0.1) or name another dataset`,
  testIsTrainingData: (a: { param: string; file: string; of: string }) =>
    `${a.param} '${a.file}' is the ${a.of} file too: the test split is the training data, so test results measure memorisation, not new data; name the separate test file`,
  embeddingVocab: (a: { vocab: number; data: string; tokens: number }) =>
    `embedding(${a.vocab}) takes token ids 0 to ${a.vocab - 1}, but '${a.data}' gives ids up to ${a.tokens - 1} (its vocab is ${a.tokens}): those past ${a.vocab - 1} have no vector; give the embedding the dataset's vocab, ${a.tokens}`,
  tryNotHere: (_: Record<string, never>) => "'try' (values to try) is only for a train block's values and the arguments of its calls, not here",
  tryNested: (_: Record<string, never>) => "a 'try' inside another 'try' or a list: write the values to try as one list",
  badTry: (_: Record<string, never>) => "'try' needs a list of values, try [0.1, 0.01], or a range, try uniform(lo, hi) or try log_uniform(lo, hi)",
  emptyTry: (_: Record<string, never>) => "'try []' has no values to try",
  badRange: (a: { lo: number; hi: number; log: boolean }) => `the range ${a.lo} to ${a.hi} is empty${a.log ? ' or not above 0 (log_uniform takes logarithms)' : ''}: write the lower end first`,
  rangeNotNumber: (a: { what: string }) => `a range gives numbers, but '${a.what}' is not a number setting: try a list of values instead`,
  sweepTooLarge: (a: { trials: number; max: number }) => `this sweep has ${a.trials} trials, more than ${a.max}: try fewer values, or random search with trials: N`,
  rangeNeedsTrials: (_: Record<string, never>) => 'a range has no end of values to try: add trials: N to draw N random trials',
  trialsWithoutTry: (_: Record<string, never>) => "'trials' without any 'try' value: the train block trains once",
  vanishingGradients: (a: { first: string; last: string; firstNorm: string; lastNorm: string; orders: number }) =>
    `the gradients of '${a.first}' are ${a.orders} orders of magnitude smaller than those of the last layer '${a.last}' (norm ${a.firstNorm} against ${a.lastNorm}): the early layers barely learn (vanishing gradients); use relu or leaky_relu instead of sigmoid or tanh, fewer layers, or batch_norm between them`,
  explodingGradients: (a: { layer: string; gradNorm: string; why: 'grew' | 'update' | 'not_finite'; factor: string }) =>
    `the gradients of '${a.layer}' are exploding (${a.why === 'grew' ? `norm ${a.gradNorm}, ${a.factor} times its first value` : a.why === 'update' ? `one step changed its weights by ${a.factor} times their own size` : 'its gradient norm is not a finite number'}): lower the learning rate, add clip_norm: 1.0 to the train block, or batch_norm`,
  deadReluUnits: (a: { layer: string; dead: number; units: number; activation: string }) =>
    `${a.dead} of the ${a.units} units of '${a.layer}' (${a.activation}) output zero for every probe sample: they are dead and no longer learn; use leaky_relu, or a lower learning rate`,
  saturatedActivations: (a: { layer: string; activation: string; percent: number }) =>
    `${a.percent}% of the outputs of '${a.layer}' (${a.activation}) are at its limits, where its slope is almost zero and little gradient passes (saturation); use relu, add batch_norm before it, or start from smaller weights`,

  // ---- related information (where else a diagnostic points) ----
  firstDeclaredHere: (_: Record<string, never>) => 'first declared here',
  inputOf: (a: { model: string }) => `the input of '${a.model}'`,
  finalActivationOf: (a: { act: string; model: string }) => `the ${a.act} at the end of '${a.model}'`,

  // ---- quick fix titles ----
  fixChangeTo: (a: { text: string }) => `Change to '${a.text}'`,
  fixMonitor: (a: { meant: string; validation: boolean }) => `Change to '${a.meant}'${a.validation ? ' and add validation: 0.1' : ''}`,
  fixInsert: (a: { text: string }) => `Insert ${a.text}`,
  fixRemoveInputSize: (a: { layer: string; meant: string }) => `Change to ${a.layer}(${a.meant})`,
  fixUse: (a: { text: string }) => `Use ${a.text}`,
  fixSet: (a: { text: string }) => `Set ${a.text}`,
  fixAdd: (a: { text: string }) => `Add '${a.text}'`,
  fixWrite: (a: { text: string }) => `Write ${a.text}`,
  fixChangeInput: (a: { shape: string }) => `Change the input to ${a.shape}`,
  fixEmbeddingVocab: (a: { vocab: number }) => `Set the embedding's vocab to ${a.vocab}`,
  fixSetUnits: (a: { units: number }) => `Set the last layer to ${a.units} unit${a.units === 1 ? '' : 's'}`,
  fixRemoveFinalActivation: (a: { act: string }) => `Remove the ${a.act} (the loss applies it)`,
  fixRemoveFromLogits: (_: Record<string, never>) => 'Remove from_logits: false (the model gives logits)',
  fixRemoveJoiner: (_: Record<string, never>) => 'Remove the invisible joiner',
};

export type MessageId = keyof typeof en;
export type MessageArgs<K extends MessageId> = Parameters<(typeof en)[K]>[0];

/** A complete message table: one renderer per message id, with that message's arguments. */
export type MessageTable = { [K in MessageId]: (a: MessageArgs<K>) => string };

function table(locale: Locale): MessageTable {
  // looked up at call time: messages-zh.ts imports this module's helpers, so `zh` is not yet
  // defined while this module initializes when messages-zh.ts is loaded first
  return locale === 'zh-cn' ? zh : en;
}

export function render(m: { id: MessageId; args: Record<string, unknown> }, locale: Locale): string {
  const f = table(locale)[m.id] as (a: Record<string, unknown>) => string;
  return f(m.args);
}

/** Shape as users write it: [28, 28, 1]; unknown dimensions as '?'. */
export { formatShape, formatNumber };
