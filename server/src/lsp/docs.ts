// Documentation shown by hover, completion and signature help, in the user's locale. Catalogue
// docs come from the core's tables; keywords are documented here.

import type { Locale } from '../core/messages';

export { docOf, paramDocOf, settingDocOf, typeTextOf } from '../core/catalog/docs-zh';

const KEYWORDS: Record<string, { en: string; zh: string }> = {
  input: {
    en: '**input** [dims]: the shape of one sample, without the batch dimension. The first statement of every model: `input [28, 28, 1]` for MNIST images, `input [20, 8]` for 20 steps of 8 features.',
    zh: '**input** [维度]：单个样本的形状，不含批量维度。每个模型的第一条语句：MNIST 图像写 `input [28, 28, 1]`，20 个时间步、每步 8 个特征写 `input [20, 8]`。',
  },
  residual: {
    en: "**residual** { ... }: the body's output is added to its input (a skip connection, as in ResNet). The shapes must match; a `shortcut { ... }` after it transforms the input when they do not.",
    zh: '**residual** { ... }：把主体的输出与输入相加（残差连接，即 ResNet 的跳跃连接）。两者形状必须相同；不同时，在其后写 `shortcut { ... }` 对输入做变换。',
  },
  shortcut: {
    en: '**shortcut** { ... }: how the input of a `residual` reaches the addition when the body changes its shape, usually `conv2d(filters, 1, stride: s)` (a 1x1 projection).',
    zh: '**shortcut** { ... }：当 `residual` 的主体改变了形状时，输入先经过这里再相加，通常是 `conv2d(filters, 1, stride: s)`（1x1 投影）。',
  },
  parallel: {
    en: '**parallel** concat|add { branch { ... } ... }: every branch reads the same input; the outputs are concatenated on the last axis (as in Inception) or added.',
    zh: '**parallel** concat|add { branch { ... } ... }：每个分支读取相同的输入，输出沿最后一维拼接（如 Inception）或相加。',
  },
  branch: {
    en: '**branch** { ... }: one path of a `parallel`; an empty branch passes its input through.',
    zh: '**branch** { ... }：`parallel` 中的一条路径；空分支原样传递输入。',
  },
  repeat: {
    en: '**repeat** N { ... }: the body N times in a row, each copy with its own weights.',
    zh: '**repeat** N { ... }：把主体连续重复 N 次，每一份都有自己的权重。',
  },
  model: {
    en: '**model** Name { input [...] layers... }: a network. Train it from a `train` block; every layer shows its output shape.',
    zh: '**model** 名称 { input [...] 各层... }：一个网络。在 `train` 块中训练它；每一层都会显示输出形状。',
  },
  block: {
    en: '**block** name(params) { ... }: a reusable group of layers with parameters, called like a layer. It takes whatever shape it is called with.',
    zh: '**block** 名称(参数) { ... }：带参数、可复用的一组层，像层一样调用。它接受调用处的任意输入形状。',
  },
  dataset: {
    en: '**dataset** name = source(...): data for training; the checker compares its sample shape and classes with the model and the loss.',
    zh: '**dataset** 名称 = 来源(...)：训练用的数据；检查器会把样本形状和类别数与模型、损失函数比对。',
  },
  train: {
    en: '**train** name { model: ..., data: ..., loss: ..., ... }: how to train a model: data, loss, optimizer, epochs, batch size, validation, callbacks.',
    zh: '**train** 名称 { model: ..., data: ..., loss: ..., ... }：如何训练一个模型：数据、损失函数、优化器、轮数、批量大小、验证集、回调。',
  },
  const: {
    en: '**const** name = value: a named value, such as `const hidden = 128`.',
    zh: '**const** 名称 = 值：命名的常量，例如 `const hidden = 128`。',
  },
  import: {
    en: '**import** "file.nn": makes the blocks, models and datasets of another file visible here.',
    zh: '**import** "file.nn"：使另一个文件中的块、模型和数据集在此可见。',
  },
};

export function keywordDoc(word: string, locale: Locale): string {
  const k = KEYWORDS[word];
  if (!k) return `**${word}**`;
  return locale === 'en' ? k.en : k.zh;
}
