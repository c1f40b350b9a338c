// Every word of the training chart (its page, its status line, its curves' titles and its save
// dialog), in each language the editor speaks: one table, where a key missing in Chinese is a type
// error and test/unit/webview-i18n.test.ts fails on English left in a Chinese page. The page reads
// its language from <html lang> (client/src/chart-html.ts, from VS Code's display language). The
// pictures inside it have their own tables: layers.ts (the Layers view), pictures.ts (the fit).
// Pure: the chart (chart.ts, series.ts) and the extension (chart-view.ts) import it.

export type ChartLang = 'en' | 'zh-cn';

const EN = {
  title: 'NN Training',
  /** the page's heading while a block trains: `{0}` the train block */
  training: 'Training {0}',
  smoothing: 'Smoothing',
  smoothingTip: 'Exponential moving average of the curves (as TensorBoard): 0 is none',
  logScale: 'Log scale',
  batches: 'Batches',
  batchesTip: 'The loss of single batches, faint under the epoch curve',
  /** an export button's tooltip: `{0}` CSV, SVG or PNG */
  saveAs: 'Save the curves as {0}',
  exportFailed: 'Could not export {0}: {1}',
  empty: 'Waiting for a training run. Start one with "NN: Train" (or the ▶ button of a .nn file).',
  curves: 'Training curves',
  earlierRuns: 'Earlier runs:',
  none: 'none',
  /** an earlier run's tooltip: `{0}` epochs, `{1}` its loss */
  historyTip: '{0} epochs, loss {1}',
  historyVal: ', val_loss {0}',
  noEpochs: 'no epochs',
  /** the x axis and the cursor's value */
  epoch: 'epoch',
  loss: 'loss',
  learningRate: 'learning rate',
  batchLoss: 'batch loss',
  noValues: 'no values',
  /** a line of one fold: `{0}` the line, `{1}` the fold */
  ofFold: '{0} · fold {1}',
  cls: 'class {0}',
  boundaryLabel: 'Decision boundary with the training points',
  boundary: 'Decision boundary · epoch {0}',
  /** after a heading: `{0}` the fold */
  fold: ' · fold {0}',
  boundaryCaption: 'The class the model predicts at each point of the plane (x {0} to {1}, y {2} to {3}), with {4} on top.',
  boundaryPoints: '{0} of the training points',
  boundaryNoPoints: 'no points',
  confusionAxes: 'true ↓ / predicted →',
  confusionCell: 'true {0}, predicted {1}: {2} ({3}% of the row)',
  /** `{0}` whose weights (savedWeights, bestWeights, ...) */
  confusion: 'Confusion matrix (test, {0})',
  confusionCaption: '{0} of {1} test samples right ({2}%). Rows are the true classes, columns the predicted ones; the colour is the share of the row.',
  foldColumn: 'fold',
  meanStd: 'mean ± std',
  folds: 'k-fold: {0} folds',
  foldsCaption: 'Each fold is validated on its own part of the data; the spread says how far one validation score can be trusted.',
  predictionTip: 'true: {0}\npredicted: {1} ({2}%)',
  trueClass: 'true: {0}',
  predictions: 'Test predictions: {0} of {1} right',
  predictionsCaption: 'The first test images with the predicted class; red where it is wrong, with the true class under it.',
  unitTip: 'unit {0}: weights from -{1} to {1}',
  filterTip: 'filter {0}: weights from -{1} to {1}',
  negative: 'negative',
  positive: 'positive',
  denseWhat: "{0} of its {1} units, each unit's weights over the {2}×{3} input pixels",
  convWhat: '{0} of its {1} filters, each {2}×{3} kernel',
  denseExplain: 'A unit responds to bright pixels where its picture is orange and to dark ones where it is blue: the picture is the pattern it matches.',
  convExplain: 'Each kernel slides over the image; it responds where the image looks like its pattern (orange positive, blue negative weights).',
  weightsCaption: '{0} (each on its own scale). {1}',
  colourChannels: 'Three channels are drawn as colour.',
  weights: 'First layer: {0} · epoch {1}',
  layersLabel: 'Gradient norms, activation histograms and dead or saturated units per layer',
  layers: 'Layers · {0} measurements',
  fitLabel: "Regression fit: the data points and the model's prediction",
  fitCaption1: "The model's prediction over the range of the input (the line), with the data: training (circles), validation (squares) and test (diamonds) points.",
  fitCaption2: "The model's prediction over the plane of the two inputs, on the colour scale at the right; the points are the data, coloured by their targets on the same scale.",
  messages: 'Messages ({0})',
  /** a warning event in the messages: `{0}` its code, `{1}` its text */
  warning: 'warning {0}: {1}',
  // the status line
  modelOn: '{0} on {1}',
  trainingSamples: '{0} training samples',
  parameters: '{0} parameters',
  foldOf: 'fold {0}/{1}',
  epochOf: 'epoch {0}/{1}',
  lossIs: 'loss {0}',
  valLossIs: 'val_loss {0}',
  samplesPerSecond: '{0} samples/s',
  epochBatch: 'epoch {0}, batch {1}/{2}',
  doneIn: 'done in {0} s',
  /** `{0}` whose weights, `{1}` the loss */
  testLoss: 'test ({0}): loss {1}',
  /** a test metric: `{0}` its name, `{1}` its value */
  testMetric: 'test {0} {1}',
  metric: '{0} {1}',
  failed: 'failed: {0}',
  // whose weights a test result is (as protocol.ts testLabels says them)
  savedWeights: 'saved weights',
  weightsOfEpoch: 'weights of epoch {0}',
  bestWeights: 'best weights, epoch {0}',
  lastWeights: 'last weights, epoch {0}',
  // the save dialog (the extension's side)
  saveDialog: 'Save the training curves as {0}',
  saved: 'Saved {0}',
  notSaved: 'Could not save {0}: {1}',
  csvFiles: 'CSV table',
  pngFiles: 'PNG image',
  svgFiles: 'SVG image',
};

export type ChartWords = { readonly [K in keyof typeof EN]: string };

export const CHART_WORDS: Record<ChartLang, ChartWords> = {
  en: EN,
  'zh-cn': {
    title: 'NN 训练',
    training: '正在训练 {0}',
    smoothing: '平滑',
    smoothingTip: '曲线的指数移动平均（与 TensorBoard 相同）：0 表示不平滑',
    logScale: '对数刻度',
    batches: '批次',
    batchesTip: '单个批次的损失，淡淡地画在每轮曲线之下',
    saveAs: '将曲线保存为 {0}',
    exportFailed: '无法导出 {0}：{1}',
    empty: '正在等待训练运行。用“NN: 训练”（或 .nn 文件的 ▶ 按钮）开始一次。',
    curves: '训练曲线',
    earlierRuns: '之前的运行：',
    none: '无',
    historyTip: '{0} 轮，损失 {1}',
    historyVal: '，验证损失 {0}',
    noEpochs: '没有完成的轮次',
    epoch: '轮次',
    loss: '损失',
    learningRate: '学习率',
    batchLoss: '批次损失',
    noValues: '没有数值',
    ofFold: '{0} · 第 {1} 折',
    cls: '类别 {0}',
    boundaryLabel: '决策边界与训练点',
    boundary: '决策边界 · 第 {0} 轮',
    fold: ' · 第 {0} 折',
    boundaryCaption: '模型在平面上每一点预测的类别（x 从 {0} 到 {1}，y 从 {2} 到 {3}），上面画着{4}。',
    boundaryPoints: '训练点中的 {0} 个',
    boundaryNoPoints: '没有点',
    confusionAxes: '真实 ↓ / 预测 →',
    confusionCell: '真实 {0}，预测 {1}：{2}（占该行的 {3}%）',
    confusion: '混淆矩阵（测试集，{0}）',
    confusionCaption: '{1} 个测试样本中对了 {0} 个（{2}%）。行是真实类别，列是预测类别；颜色表示占该行的比例。',
    foldColumn: '折',
    meanStd: '均值 ± 标准差',
    folds: 'k 折交叉验证：{0} 折',
    foldsCaption: '每一折都在自己那部分数据上验证；分散程度说明单个验证分数有多可信。',
    predictionTip: '真实：{0}\n预测：{1}（{2}%）',
    trueClass: '真实：{0}',
    predictions: '测试预测：{1} 个中对了 {0} 个',
    predictionsCaption: '前几张测试图像及其预测类别；预测错误的标红，下面是真实类别。',
    unitTip: '单元 {0}：权重从 -{1} 到 {1}',
    filterTip: '卷积核 {0}：权重从 -{1} 到 {1}',
    negative: '负',
    positive: '正',
    denseWhat: '它的 {1} 个单元中的 {0} 个，每个单元在 {2}×{3} 个输入像素上的权重',
    convWhat: '它的 {1} 个卷积核中的 {0} 个，每个 {2}×{3}',
    denseExplain: '图中橙色处单元对亮像素响应，蓝色处对暗像素响应：这幅图就是它匹配的模式。',
    convExplain: '每个卷积核在图像上滑动；图像像它的模式时就响应（橙色为正权重，蓝色为负权重）。',
    weightsCaption: '{0}（各自按自己的刻度）。{1}',
    colourChannels: '三个通道画成彩色。',
    weights: '第一层：{0} · 第 {1} 轮',
    layersLabel: '每层的梯度范数、激活直方图以及死亡或饱和单元',
    layers: '网络各层 · {0} 次测量',
    fitLabel: '回归拟合：数据点与模型的预测',
    fitCaption1: '模型在输入范围上的预测（曲线），以及数据：训练点（圆）、验证点（方）和测试点（菱形）。',
    fitCaption2: '模型在两个输入构成的平面上的预测，颜色刻度在右侧；点是数据，按目标值用同一刻度着色。',
    messages: '消息（{0}）',
    warning: '警告 {0}：{1}',
    modelOn: '{0}，数据 {1}',
    trainingSamples: '{0} 个训练样本',
    parameters: '{0} 个参数',
    foldOf: '第 {0}/{1} 折',
    epochOf: '第 {0}/{1} 轮',
    lossIs: '损失 {0}',
    valLossIs: '验证损失 {0}',
    samplesPerSecond: '每秒 {0} 个样本',
    epochBatch: '第 {0} 轮，第 {1}/{2} 批',
    doneIn: '用时 {0} 秒完成',
    testLoss: '测试（{0}）：损失 {1}',
    testMetric: '测试 {0} {1}',
    metric: '{0} {1}',
    failed: '失败：{0}',
    savedWeights: '保存的权重',
    weightsOfEpoch: '第 {0} 轮的权重',
    bestWeights: '最佳权重，第 {0} 轮',
    lastWeights: '最后的权重，第 {0} 轮',
    saveDialog: '将训练曲线保存为 {0}',
    saved: '已保存 {0}',
    notSaved: '无法保存 {0}：{1}',
    csvFiles: 'CSV 表格',
    pngFiles: 'PNG 图片',
    svgFiles: 'SVG 图片',
  },
};

/** `{0}`, `{1}`, ... of a word filled in. */
export const say = (s: string, ...args: (string | number)[]): string => s.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)]));

/** The chart's language from a page's <html lang> (or VS Code's display language): Chinese for zh*, English otherwise. */
export const chartLang = (tag: string | null | undefined): ChartLang => (tag?.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en');

/** Whose weights a test result is, in words (the branches of protocol.ts testLabels). */
export function testWeights(end: { testEpoch?: number; lastTest?: unknown; epochs: number }, w: ChartWords): { test: string; last?: string } {
  if (end.testEpoch === undefined) return { test: w.savedWeights };
  if (!end.lastTest) return { test: say(w.weightsOfEpoch, end.testEpoch) };
  return { test: say(w.bestWeights, end.testEpoch), last: say(w.lastWeights, end.epochs) };
}
