// Simplified Chinese (zh-cn) texts of every message in `en` (messages.ts), keyed by the same ids
// and taking the same arguments. `MessageTable` makes the table complete: a missing or an extra id
// fails the type check.
//
// Style (as in TypeScript's own zh-cn diagnostics): code words (layer, argument and setting names,
// `from_logits: false`, shapes such as [28, 28, 1], numbers) stay exactly as in English; names
// the user wrote are quoted “like this”; diagnostics end in 。, quick-fix titles do not.
// A space separates Chinese text from Latin letters and digits: “dense(units) 必须不小于 1”.
// Terms follow 《动手学深度学习》 (zh.d2l.ai); see the glossary in catalog/docs-zh.ts.
//
// Some arguments are English phrases that the analysis composes (the advice after a shape error,
// the name of a kind of value: "a whole number", "an image [height, width, channels]"). `zhPhrase`
// translates every phrase the core produces; test/unit/i18n.test.ts renders every producer and
// every fixture and fails on English left in a Chinese message. An argument it does not know
// (the text of a data file's problem, which comes from the host) is shown as it is.

import { CONTEXTS, formatShape as shape, formatNumber as num, type Context, type MessageId, type MessageTable, type NotRegular } from './messages';
import { formatMegabytes as mb } from './format-values';
import { renderRuntime } from './runtime-messages';

/** What a path can be instead of a regular file. */
const NOT_REGULAR_ZH: Record<NotRegular, string> = { folder: '文件夹', fifo: '命名管道', socket: '套接字', device: '设备文件' };

/** `CONTEXTS` in Chinese: what the parser was reading. */
const CONTEXTS_ZH: Record<Context, string> = {
  constantName: '“const”之后的常量名',
  datasetName: '“dataset”之后的数据集名',
  modelName: '“model”之后的模型名',
  blockName: '“block”之后的块名',
  trainName: '“train”之后的名称',
  paramName: '参数名',
  blockParams: '块的参数列表',
  const: '常量声明',
  dataset: '数据集声明',
  model: '模型',
  block: '块',
  train: '训练块',
  residual: '“residual”',
  shortcut: '“shortcut”',
  repeat: '“repeat”',
  branch: '“branch”',
  parallel: '“parallel”',
  list: '列表',
  arguments: '参数列表',
  parenthesis: '括号',
  value: '值',
  argument: '参数值',
  repeatCount: '“repeat”之后的重复次数',
};
const ctx = (c: string) => (c in CONTEXTS ? CONTEXTS_ZH[c as Context] : c);

/**
 * Words the analysis passes as arguments: kinds of declarations ('constant', 'built-in layer'),
 * what a parameter takes (`PType.what` in the catalogue: 'activation', 'padding', 'loss'), what a
 * window is ('kernel'). One Chinese term each.
 */
const WORDS: Record<string, string> = {
  // kinds of declarations (names.ts kindName, bind.ts declKind, ref parameters)
  constant: '常量',
  const: '常量',
  block: '块',
  dataset: '数据集',
  model: '模型',
  train: '训练块',
  'built-in layer': '内置层',
  // what parameters take (PType.what)
  activation: '激活函数',
  augmentation: '数据增广',
  callback: '回调',
  loss: '损失函数',
  'merge mode': '合并方式',
  metric: '评估指标',
  mode: '模式',
  monitor: '监控指标',
  optimizer: '优化器',
  padding: '填充方式',
  'positional embedding kind': '位置嵌入方式',
  'recurrent layer': '循环层',
  regularizer: '正则化项',
  schedule: '学习率调度',
  task: '任务类型',
  'label kind': '标签种类',
  tokenizer: '分词方式',
  // windows that can be larger than their input
  kernel: '卷积核',
  'dilated kernel': '膨胀后的卷积核',
  window: '窗口',
};

/** The Chinese of a kind of declaration or of what a parameter takes ('activation'); undefined when unknown. */
export function zhWord(w: string): string | undefined {
  return Object.hasOwn(WORDS, w) ? WORDS[w] : undefined;
}

/** Phrases the core composes, word for word. */
export const PHRASES: Record<string, string> = {
  // tokens (lexer tokenName, parser describe)
  'a name': '名称',
  'a number': '数字',
  'a string': '字符串',
  'an invalid character': '无效字符',
  'the end of the file': '文件末尾',
  // what a value should be (bind.ts expectedText, and the catalogue's oneOf texts)
  'a whole number': '整数',
  'true or false': 'true 或 false',
  'a string in quotes': '带引号的字符串',
  'a shape such as [28, 28, 1]': '形状，例如 [28, 28, 1]',
  'a list of numbers': '数字列表',
  'a column name in quotes or a column index': '带引号的列名或列的下标',
  'a dataset name or a dataset such as spiral(n: 500)': '数据集名称，或 spiral(n: 500) 这样的数据集',
  'a fraction such as 0.1 or a dataset name': '0.1 这样的比例，或数据集名称',
  'true (once an epoch), false, or a number of batches': 'true（每个迭代周期一次）、false，或批次数',
  'one window size, not a [height, width] pair': '单个窗口大小，而不是 [height, width] 这样的一对值',
  // what a value is (values.ts describeValue)
  'a list': '一个列表',
  'an unknown value': '未知的值',
  // input ranks (catalog/common.ts rankName)
  'a flat [features]': '展平的 [features]',
  'a sequence [steps, features]': '序列 [steps, features]',
  'an image [height, width, channels]': '图像 [height, width, channels]',
  // advice after a wrong rank or a window larger than its input (catalog/layers)
  'a flat vector has no height and width: reshape it first, e.g. reshape([28, 28, 1])':
    '展平的向量没有高和宽：请先用 reshape 改变它的形状，例如 reshape([28, 28, 1])',
  'add a channel axis with reshape([..., 1]), or use conv1d for sequences': '请用 reshape([..., 1]) 加上通道轴，或对序列使用 conv1d',
  'use conv2d for images': '图像请使用 conv2d',
  'reshape it to [steps, 1] first': '请先用 reshape 把它变形为 [steps, 1]',
  'use padding: same, a smaller kernel, or fewer pooling layers before it': '请使用 padding: same、更小的卷积核，或减少它之前的汇聚层',
  'use padding: same or a smaller kernel': '请使用 padding: same 或更小的卷积核',
  'pooling needs a sequence or an image; a flat vector has no axis to pool over': '汇聚需要序列或图像；展平的向量没有可以汇聚的轴',
  'use a smaller size, padding: same, or remove a pooling layer': '请使用更小的 size、padding: same，或去掉一个汇聚层',
  'recurrent layers read a sequence: reshape([steps, features]) first, or put embedding() before it for token ids':
    '循环层读取的是序列：请先 reshape([steps, features])；输入是词元索引时，在它之前放一个 embedding()',
  'reshape the image into a sequence first, e.g. reshape([28, 28]) reads each row as one step':
    '请先用 reshape 把图像变为序列，例如 reshape([28, 28]) 会把每一行当作一个时间步',
  'attention reads a sequence [steps, dim]: put embedding() (for token ids) or reshape([steps, features]) before it':
    '注意力读取的是序列 [steps, dim]：请在它之前放 embedding()（用于词元索引）或 reshape([steps, features])',
  'put it after embedding(), which gives [steps, dim]': '请把它放在 embedding() 之后，embedding() 的输出是 [steps, dim]',
  'add flatten() before it': '请在它之前加上 flatten()',
  // why a layer does nothing (catalog/layers/core.ts)
  'its input is already flat': '它的输入已经是展平的',
  'a rate of 0 drops nothing': 'rate 为 0 时什么也不会丢弃',
  // what cannot be added (graph.ts)
  'the shortcut and the residual body': 'shortcut 与 residual 主体的输出',
  'the input and the output of the residual body': 'residual 主体的输入与输出',
  'the branches': '各分支',
  // training checks (checks/training.ts)
  'classification data (it measures regression)': '分类数据（它衡量的是回归）',
  'regression data (it measures classification)': '回归数据（它衡量的是分类）',
  'there is no validation data; add validation: 0.1': '没有验证数据；请添加 validation: 0.1',
  'k-fold validates each model on its own fold': 'K 折交叉验证会在每个模型自己的那一折上验证',
};

/** Phrases with numbers, shapes or names in them. */
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => string | undefined][] = [
  // a quoted token or name: 'relu', '{'
  [/^'([^']*)'$/, (m) => `“${m[1]}”`],
  // ranges (bind.ts rangeText)
  [/^in ([[(].*[\])])$/, (m) => `在 ${m[1]} 范围内`],
  [/^at least (\S+)$/, (m) => `不小于 ${m[1]}`],
  [/^at most (\S+)$/, (m) => `不大于 ${m[1]}`],
  [/^greater than (\S+)$/, (m) => `大于 ${m[1]}`],
  [/^less than (\S+)$/, (m) => `小于 ${m[1]}`],
  // what a value should be (bind.ts expectedText)
  [/^a whole number or a list of (\d+)$/, (m) => `整数或由 ${m[1]} 个整数组成的列表`],
  [/^a list of (\d+) numbers$/, (m) => `由 ${m[1]} 个数字组成的列表`],
  [/^a list of (.+)s$/, (m) => withSuffix(zhPhrase(`a ${m[1]}`), '列表')],
  [/^an? (.+) such as val_loss$/, (m) => withSuffix(zhWord(m[1]), '，例如 val_loss')],
  [/^an? (.+) \((.+)\)$/, (m) => withSuffix(zhWord(m[1]), `（${m[2]}）`)],
  [/^an? (.+) name$/, (m) => withSuffix(zhWord(m[1]), '名称')],
  [/^an? (.+)$/, (m) => zhWord(m[1])],
  [/^a rank-(\d+)$/, (m) => `${m[1]} 阶张量`],
  // a declared name (values.ts describeValue): model 'Mlp'
  [/^(\w+) '([^']*)'$/, (m) => withSuffix(zhWord(m[1]), `“${m[2]}”`)],
  // pooling.ts: a 2-D window on a sequence
  [/^(\w+) on a sequence$/, (m) => `序列上的 ${m[1]}`],
  // checks/training.ts
  [
    /^same number of values: change the input to (\[[^\]]*\]) and add flatten\(\) or reshape\(\) where the model needs another shape$/,
    (m) => `值的个数相同：请把输入改为 ${m[1]}，并在模型需要其他形状的地方加上 flatten() 或 reshape()`,
  ],
  [/^change the model's input to (\[[^\]]*\])$/, (m) => `请把模型的输入改为 ${m[1]}`],
  [/^'([^']*)' is not in metrics$/, (m) => `“${m[1]}”不在 metrics 中`],
  // the typical learning rates of the optimizers (catalog/training.ts typicalLr)
  [/^(\S+) to (\S+), usually (\S+)$/, (m) => `${m[1]} 到 ${m[2]}，通常为 ${m[3]}`],
  [/^(\S+) to (\S+)$/, (m) => `${m[1]} 到 ${m[2]}`],
];

function withSuffix(head: string | undefined, tail: string): string | undefined {
  return head === undefined ? undefined : head + tail;
}

/** Code as it is: a number, a shape or list of numbers, a string in quotes, a boolean, a call. */
const CODE = /^(-?[\d.]+(e-?\d+)?|\[[^\]]*\]|"[^"]*"|true|false|\w+\(…\)|\w+\(\w*\))$/;

/**
 * The Chinese of a phrase the core composes as a message argument; code (numbers, shapes,
 * quoted names) comes back as code. `undefined` for a phrase it does not know.
 */
export function zhPhrase(s: string): string | undefined {
  const exact = Object.hasOwn(PHRASES, s) ? PHRASES[s] : zhWord(s);
  if (exact !== undefined) return exact;
  for (const [re, f] of PATTERNS) {
    const m = re.exec(s);
    if (m) {
      const out = f(m);
      if (out !== undefined) return out;
    }
  }
  if (CODE.test(s)) return s;
  // alternatives: "',' or ')'", "a sequence [steps, features] or an image [height, width, channels]"
  const parts = s.split(' or ');
  if (parts.length > 1) {
    const zh = parts.map(zhPhrase);
    if (zh.every((x) => x !== undefined)) return zh.reduce((a, b) => `${a}${/[\x21-\x7e]$/.test(a) ? ' ' : ''}或${w(b)}`);
  }
  return undefined;
}

/** A phrase argument in Chinese; one the table does not know is shown as written. */
const P = (s: unknown): string => zhPhrase(String(s)) ?? String(s);

/** A space between Chinese and a phrase that starts with Latin letters, digits or brackets. */
const w = (s: string): string => (/^[\x21-\x7e]/.test(s) ? ` ${s}` : s);

/** What a value was given for: code (`dense(units)`, a setting's key, `input`), or a phrase. */
const what = (s: string): string => (/ on a sequence$/.test(s) ? P(s) : s);

const q = (s: unknown): string => `“${String(s)}”`;
const list = (xs: unknown): string => (xs as string[]).map(q).join('、');
const didYouMean = (s: unknown): string => (s ? `；是不是想写${q(s)}？` : '。');

/** Chinese texts, with the arguments of `en`. */
export const zh: MessageTable = {
  // ---- syntax ----
  notANumber: (a) => `${q(a.text)}不是有效的数字。`,
  unterminatedString: () => '字符串没有结束：请补上右引号 "。',
  invalidCharacter: (a) => `意外的字符${q(a.text)}。`,
  joinerInName: (a) => `名字中有不可见的连接符（${a.joiner}）：它只允许出现在连写辅音中（维拉玛符号 ् 之后）或会相连的字母之间，此处不算名字的一部分。`,
  tooManyProblems: (a) => `此文件另有 ${num(a.more)} 个问题未报告（已报告最严重的 ${num(a.shown)} 个）；其中第一个在此处。`,
  tooManySyntaxErrors: (a) => `从此处起另有 ${a.more} 个语法错误未报告（已报告前 ${a.shown} 个）：这是 .nn 文件吗？`,
  expected: (a) => `${ctx(a.context)}中应为${w(P(a.expected))}，却遇到了${w(P(a.found))}。`,
  expectedName: (a) => `此处应为${ctx(a.context)}，却遇到了${w(P(a.found))}。`,
  keywordAsName: (a) => `${q(a.word)}是关键字，不能用作名称。`,
  expectedDeclaration: (a) => `此处应为声明（model、block、dataset、train、const 或 import），却遇到了${w(P(a.found))}。`,
  expectedImportPath: (a) => `“import”之后应为带引号的文件路径，却遇到了${w(P(a.found))}。`,
  unclosedBrace: (a) => `${ctx(a.what)}${a.name ? q(a.name) : ''}的“{”没有闭合：请补上“}”。`,
  settingNeedsColon: (a) => `设置项的写法是“${a.key}: value”，用“:”而不是“=”。`,
  expectedSetting: (a) => `${q(a.key)}之后应为“:”和一个值，却遇到了${w(P(a.found))}。`,
  expectedEntry: (a) => `此处应为设置项，例如“epochs: 10”，却遇到了${w(P(a.found))}。`,
  expectedLayer: (a) => `此处应为层，例如“dense(10)”，却遇到了${w(P(a.found))}。`,
  keywordOutOfPlace: (a) =>
    a.word === 'branch'
      ? '“branch”只能直接写在“parallel { ... }”之内。'
      : a.word === 'shortcut'
        ? '“shortcut”只能紧跟在“residual { ... }”的主体之后。'
        : `此处不允许使用${q(a.word)}。`,
  callNeedsParens: (a) => `调用层需要括号：请写成${q(`${a.name}()`)}。`,
  expectedBranch: (a) => `“parallel”之内应为“branch { ... }”，却遇到了${w(P(a.found))}。`,
  expectedValue: (a) => `此处应为${ctx(a.context)}，却遇到了${w(P(a.found))}。`,
  tooDeep: (a) => `嵌套超过了 ${a.max} 层。`,
  unclosedBracket: (a) => `这个${P(a.bracket)}没有闭合。`,
  unclosedCall: (a) => `${q(`${a.name}(`)}的参数列表没有闭合：请补上“)”。`,

  // ---- names ----
  unknownName: (a) => `未知的名称${q(a.name)}${didYouMean(a.suggestion)}`,
  unknownLayer: (a) => `未知的层${q(a.name)}${didYouMean(a.suggestion)}`,
  unknownFunction: (a) => `未知的${P(a.what)}${q(a.name)}${a.suggestion ? didYouMean(a.suggestion) : `；应为以下之一：${list(a.options)}。`}`,
  duplicateDecl: (a) => `${q(a.name)}已被声明为${P(a.kind)}。`,
  unusedDecl: (a) => `${P(a.kind)}${q(a.name)}从未被使用。`,
  unusedParam: (a) => `参数${q(a.name)}从未被使用。`,
  importNotFound: (a) => `找不到文件${q(a.path)}。`,
  importNotRegular: (a) => `${q(a.path)}是${NOT_REGULAR_ZH[a.what]}，不是普通文件：只读取普通文件。`,
  importTooLarge: (a) => `${q(a.path)}大小为 ${mb(a.size)}，超过 .nn 文件的上限 ${mb(a.limit)}（设置 nn.maxFileSize），未读取。`,
  importBinary: (a) => `${q(a.path)}不是文本文件（含有零字节），未读取。`,
  importUnreadable: (a) => `无法读取${q(a.path)}：${a.why === 'loop' ? '其符号链接构成循环' : '权限不足'}。`,
  importOutsideChecked: (a) => `${q(a.path)}在“nn check”读取的文件夹之外（所检查文件所在的仓库或文件夹）：加上“--trust”即可读取。`,
  importOutsideWorkspace: (a) => `${q(a.path)}在工作区文件夹之外：不受信任的工作区不读取文件夹之外的文件；信任此工作区即可读取。`,
  importCycle: (a) => `导入形成了循环：${a.chain.join(' -> ')}。`,
  importSelf: () => '文件不能导入它自身。',
  importHasSyntaxErrors: (a) =>
    `${q(a.path)}${a.via ? `（由${q(a.via)}导入）` : ''}有 ${num(a.count)} 个语法错误，第一个在第 ${a.line} 行：其中的声明可能不完整；请打开它进行修正。`,
  wrongKindOfName: (a) => `${q(a.name)}是${P(a.is)}，此处应为${P(a.expected)}。`,
  modelAsLayer: (a) => `${q(a.name)}是模型；要复用其中的层，请把它们声明为“block”。`,
  constCycle: (a) => `常量${q(a.name)}依赖于它自身。`,
  recursiveBlock: (a) => `块${q(a.name)}调用了它自身。`,
  inputOnlyInModel: () => '“input”只能写在模型的开头；块的输入形状由调用它的地方决定。',

  // ---- arguments and values ----
  unknownArgument: (a) =>
    `${a.callee}() 没有参数${q(a.name)}${a.suggestion ? didYouMean(a.suggestion) : a.options.length ? `；它接受的参数有：${list(a.options)}。` : '；它不接受任何参数。'}`,
  missingArgument: (a) => `${a.callee}() 缺少参数${q(a.name)}。`,
  surplusNamedByValue: (a) => `${a.callee}() ${a.max === 0 ? '不接受位置参数' : `只接受 ${a.max} 个位置参数`}；${q(a.value)}是参数${q(a.param)}的取值，该参数须按名称给出：写成 ${a.param}: ${a.value}。`,
  tooManyArguments: (a) => `${a.callee}() ${a.max === 0 ? '不接受任何参数' : `最多接受 ${a.max} 个位置参数`}。`,
  duplicateArgument: (a) => `参数${q(a.name)}重复给出。`,
  positionalAfterNamed: () => '位置参数不能写在命名参数之后。',
  wrongType: (a) => `${what(a.what)}：应为${w(P(a.expected))}，实际为${w(P(a.got))}。`,
  outOfRange: (a) => `${what(a.what)} 必须${w(P(a.expected))}，实际为${w(P(a.got))}。`,
  unknownValue: (a) => `未知的${P(a.what)}${q(a.value)}${a.suggestion ? didYouMean(a.suggestion) : `；应为以下之一：${list(a.options)}。`}`,
  activationNotAvailable: (a) => `${q(a.value)}不能用作 activation 参数；请在这一层之后加一个 ${a.value}() 层。`,
  divisionByZero: () => '除数为零。',
  arithmeticOnNonNumber: (a) => `算术运算需要数字，实际为${w(P(a.got))}。`,
  inBlock: (a) => `在块${q(a.block)}中：${renderZh(a.inner as { id: MessageId; args: Record<string, unknown> })}`,
  blockDefinedHere: (a) => `在块${q(a.block)}之内`,
  repeatCount: (a) => `repeat 需要 1 到 1,000 之间的整数，实际为${w(P(a.got))}。`,
  parallelMode: (a) => `parallel 的各分支只能以“concat”或“add”方式合并，实际为${q(a.got)}。`,
  parallelNeedsMode: () => '请说明各分支如何合并：“parallel concat { ... }”或“parallel add { ... }”。',
  parallelNeedsBranches: (a) => `parallel 至少需要 2 个分支，实际只有 ${a.n} 个。`,

  // ---- shapes ----
  missingInput: (a) => `模型${q(a.name)}首先需要输入形状，例如“input [28, 28, 1]”。`,
  misplacedInput: () => '“input”必须是模型的第一条语句，且只能出现一次。',
  wrongRank: (a) => `${a.layer} 的输入应为${w(P(a.expected))}，实际为 ${shape(a.got)}${a.advice ? `；${P(a.advice)}` : ''}。`,
  kernelTooLarge: (a) => `${a.layer} 的${P(a.what)} ${a.size} 比它的输入 ${a.input} 还大；${P(a.advice)}。`,
  reshapeMismatch: (a) => `reshape 无法把 ${shape(a.from)}（${num(a.fromCount)} 个值）变形为 ${shape(a.to)}（${num(a.toCount)} 个值）。`,
  reshapeIndivisible: (a) =>
    `reshape 无法把 ${shape(a.from)}（${num(a.count)} 个值）变形为 ${shape(a.to)}：${num(a.count)} 不能被 ${num(a.known)} 整除。`,
  reshapeTwoUnknown: () => 'reshape 最多只允许一个 -1。',
  branchesDoNotAdd: (a) => `${P(a.what)}无法相加：形状 ${a.shapes.map(shape).join(' 与 ')} 不同。`,
  branchesDoNotConcat: (a) => `各分支无法拼接：形状 ${a.shapes.map(shape).join('、')} 除最后一维外必须每一维都相同。`,
  invalidShape: (a) => `形状是由正整数组成的列表，例如 [28, 28, 1]，实际为${w(P(a.got))}。`,
  noOpLayer: (a) => `${a.layer} 在这里不起任何作用：${P(a.reason)}。`,
  embeddingNeedsTokens: () => 'embedding 读取的是整数词元索引：请把它紧接在 input 之后，放在其他所有层之前。',
  denseOnImage: (a) =>
    `dense 作用于图像 ${shape(a.input)} 时会分别作用于每个位置，输出仍是图像的形状（${shape(a.output)}）；要读取整幅图像，请在这一层之前插入 flatten()。`,
  pytorchOrder: (a) =>
    `${a.layer}(${a.written}) 像是 PyTorch 的 ${a.module}(${a.torchParams}) 的写法；这里是 ${a.layer}(${a.nnParams})，${a.inParam} 由它的输入推断：请写成 ${a.layer}(${a.meant})。`,
  strideAndDilation: (a) => `${a.layer}：stride 和 dilation 不能同时大于 1。`,
  tooLarge: (a) => `repeat 与 block 调用在此展开超过 ${a.limit} 条语句；其余部分不再检查。`,
  headsDoNotDivide: (a) => `${a.heads} 个头不能整除模型维度 ${a.dim}：请指定 key_dim 或修改 heads。`,
  tooManyPolyFeatures: (a) =>
    `这里的 poly_features 会从 ${num(a.features)} 个输入生成 ${num(a.count)} 个特征（最多 ${num(a.max)} 个）：请降低次数、去掉 cross: true，或先减少输入（例如 dense 或池化）。`,

  // ---- training ----
  missingSetting: (a) => `train 需要${q(a.key)}，例如${q(a.example)}。`,
  unknownSetting: (a) => `未知的设置项${q(a.key)}${didYouMean(a.suggestion)}`,
  duplicateSetting: (a) => `${q(a.key)}被设置了两次。`,
  inputVsData: (a) =>
    `模型${q(a.model)}接受 ${shape(a.input)}，但数据集${q(a.data)}给出的是 ${shape(a.features)}；${P(a.advice)}。`,
  outputVsClasses: (a) =>
    `${a.loss} 把最后一层的 ${a.units} 个输出与${q(a.data)}的 ${a.classes} 个类别相比较：请把最后一层设为 ${a.classes} 个单元。`,
  outputVsTargets: (a) => `模型输出 ${shape(a.units)}，但${q(a.data)}的每个样本有 ${a.targets} 个目标值。`,
  outputNotFlat: (a) =>
    `${a.loss} 需要每个类别一个分数，即展平的输出，但模型输出的是 ${shape(a.shape)}：请在读取它的第一个 dense 层之前加上 flatten() 或 global_avg_pool()。`,
  binaryLossManyUnits: (a) => `${a.loss} 需要 1 个输出单元（类别 1 的概率），实际为 ${a.units} 个；多个类别请使用 cross_entropy。`,
  binaryLossClasses: (a) => `${a.loss} 用于 2 个类别，但${q(a.data)}有 ${a.classes} 个；请使用 cross_entropy。`,
  regressionLossOnClasses: (a) =>
    `${a.loss} 会把${q(a.data)}的类别标签当作数值来拟合；分类请使用 cross_entropy，或在数据集上设置 one_hot: true。`,
  classificationLossOnRegression: (a) => `${a.loss} 需要类别标签，但${q(a.data)}的目标是实数值；请使用 mse、mae 或 huber。`,
  softmaxBeforeLogits: (a) =>
    `模型以 ${a.act} 结尾，但 ${a.loss} 期望的是 logits（它自己会应用 ${a.act}）：请去掉 ${a.act}，或设置 from_logits: false。`,
  probabilitiesWithoutSoftmax: (a) => `${a.loss} 设置了 from_logits: false，因此期望输入概率，但模型并不以 ${a.act} 结尾。`,
  metricDoesNotApply: (a) => `评估指标${q(a.metric)}不适用于${P(a.task)}。`,
  monitorAlias: (a) =>
    `未知的监控量${q(a.monitor)}：训练时记录的名称是${q(a.meant)}${
      a.metric || a.validation ? `，这需要${[a.metric ? `在 metrics 中加入${q(a.metric)}` : '', a.validation ? '验证数据（validation: 0.1）' : ''].filter(Boolean).join('以及')}` : ''
    }。`,
  monitorNotAvailable: (a) => `训练过程中不会记录${q(a.monitor)}：${P(a.why)}。`,
  suspiciousLr: (a) => `对 ${a.optimizer} 来说，学习率 ${a.lr} 过高（常用值：${P(a.typical)}）；训练很可能发散。`,
  batchLargerThanData: (a) =>
    `batch_size ${num(a.batch)} 大于${q(a.data)}的 ${num(a.n)} 个训练样本；因此每个迭代周期只有一个 ${num(a.n)} 个样本的批量。`,
  conflictingSettings: (a) => `${q(a.a)}和${q(a.b)}不能同时使用：${P(a.why)}。`,
  dataProblem: (a) => `数据无法加载：${renderRuntime(a.problem, 'zh-cn')}`,
  notEnoughMemory: (a) =>
    `训练${q(a.train)}大约需要 ${a.need} 内存（权重、梯度和 ${a.optimizer} 的状态 ${a.weights}；批量 ${num(a.batch)} 的激活值 ${a.activations}；数据 ${a.data}${a.copies !== undefined ? `；另外 ${a.others} 个线程上的模型副本及其共享的数据 ${a.copies}` : ''}），` +
    `但只有 ${a.available} 可用（${a.limit === 'wasm' ? 'wasm 后端的内存上限为 4 GB' : a.limit === 'container' ? '本容器的内存上限' : '本机的空闲内存'}）：请使用更小的模型或 batch_size${a.copies !== undefined ? '，或减少线程（--threads 1）' : ''}。`,
  augmentationNeedsImages: (a) => `${a.aug} 数据增广只适用于图像 [H, W, C]，但数据的形状是 ${shape(a.features)}。`,
  validationIsTrainingData: (a) =>
    `在${q(a.data)}上验证就是在训练数据本身上验证：它衡量的是模型对所学数据的拟合程度，而不是对新数据的表现；请从中留出一部分（validation: 0.1），或指定另一个数据集。`,
  testIsTrainingData: (a) =>
    `${a.param} ${q(a.file)}同时也是 ${a.of} 文件：测试集就是训练数据，测试结果衡量的是记忆，而不是对新数据的表现；请指定单独的测试文件。`,
  embeddingVocab: (a) =>
    `embedding(${a.vocab}) 接受的词元索引是 0 到 ${a.vocab - 1}，但${q(a.data)}给出的索引最大到 ${a.tokens - 1}（它的 vocab 是 ${a.tokens}）：大于 ${a.vocab - 1} 的索引没有向量；请把数据集的 vocab（${a.tokens}）给 embedding。`,
  tryNotHere: () => '“try”（要尝试的值）只能用于 train 块的设置值及其调用的参数，不能写在这里。',
  tryNested: () => '“try”不能写在另一个“try”或列表之内：请把要尝试的值写成一个列表。',
  badTry: () => '“try”需要一个值的列表，如 try [0.1, 0.01]，或一个范围，如 try uniform(lo, hi) 或 try log_uniform(lo, hi)。',
  emptyTry: () => '“try []”中没有要尝试的值。',
  badRange: (a) => `范围 ${a.lo} 到 ${a.hi} 是空的${a.log ? '，或不大于 0（log_uniform 要取对数）' : ''}：请先写下界。`,
  rangeNotNumber: (a) => `范围给出的是数值，但${q(a.what)}不是数值设置：请改用值的列表。`,
  sweepTooLarge: (a) => `这个扫描有 ${a.trials} 次试验，超过了 ${a.max}：请减少要尝试的值，或用 trials: N 进行随机搜索。`,
  rangeNeedsTrials: () => '范围中的值无穷无尽：请加上 trials: N，随机抽取 N 次试验。',
  trialsWithoutTry: () => '写了“trials”却没有任何“try”值：这个 train 块只训练一次。',
  vanishingGradients: (a) =>
    `${q(a.first)}的梯度比最后一层${q(a.last)}的梯度小 ${a.orders} 个数量级（范数 ${a.firstNorm}，对比 ${a.lastNorm}）：前面的层几乎学不到东西（梯度消失）；请用 relu 或 leaky_relu 代替 sigmoid 或 tanh、减少层数，或在层之间加 batch_norm。`,
  explodingGradients: (a) =>
    `${q(a.layer)}的梯度正在爆炸（${a.why === 'grew' ? `范数 ${a.gradNorm}，是最初的 ${a.factor} 倍` : a.why === 'update' ? `一步更新对权重的改变是权重本身大小的 ${a.factor} 倍` : '梯度范数不是有限数'}）：请降低学习率、在 train 块中加 clip_norm: 1.0，或使用 batch_norm。`,
  deadReluUnits: (a) =>
    `${q(a.layer)}（${a.activation}）的 ${a.units} 个单元中有 ${a.dead} 个对每个探测样本都输出零：这些单元已经死亡，不再学习；请使用 leaky_relu，或降低学习率。`,
  saturatedActivations: (a) =>
    `${q(a.layer)}（${a.activation}）的输出有 ${a.percent}% 处在函数的极限处，那里斜率几乎为零，梯度几乎传不过去（饱和）；请使用 relu、在它之前加 batch_norm，或从更小的权重开始。`,

  // ---- related information ----
  firstDeclaredHere: () => '首次声明于此',
  inputOf: (a) => `模型${q(a.model)}的输入`,
  finalActivationOf: (a) => `模型${q(a.model)}末尾的 ${a.act}`,

  // ---- quick fix titles ----
  fixChangeTo: (a) => `改为${q(a.text)}`,
  fixMonitor: (a) => `改为${q(a.meant)}${a.validation ? '并添加 validation: 0.1' : ''}`,
  fixInsert: (a) => `插入 ${a.text}`,
  fixRemoveInputSize: (a) => `改为 ${a.layer}(${a.meant})`,
  fixUse: (a) => `改用 ${a.text}`,
  fixSet: (a) => `设置 ${a.text}`,
  fixAdd: (a) => `添加${w(P(a.text))}`,
  fixWrite: (a) => `改写为 ${a.text}`,
  fixChangeInput: (a) => `把输入改为 ${a.shape}`,
  fixEmbeddingVocab: (a) => `把 embedding 的 vocab 设为 ${a.vocab}`,
  fixSetUnits: (a) => `把最后一层设为 ${a.units} 个单元`,
  fixRemoveFinalActivation: (a) => `去掉 ${a.act}（损失函数会自己应用它）`,
  fixRemoveFromLogits: () => '去掉 from_logits: false（模型输出的是 logits）',
  fixRemoveJoiner: () => '删除不可见的连接符',
};

function renderZh(m: { id: MessageId; args: Record<string, unknown> }): string {
  return (zh[m.id] as (a: Record<string, unknown>) => string)(m.args);
}
