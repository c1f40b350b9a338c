// Simplified Chinese documentation of the catalogue: the summary and explanation of every spec,
// the doc of every parameter and of every `train` setting. Formulas stay as they are, and so does
// `equivalent` (it names Keras and PyTorch APIs). Hover, completion and signature help read docs
// through `docOf`, `paramDocOf` and `settingDocOf`, which give the catalogue's own English for 'en'.
// test/unit/i18n.test.ts checks that every spec, parameter and setting has its Chinese here, and
// nothing else; there is no fallback to English.
//
// Glossary. Terms follow 《动手学深度学习》 (zh.d2l.ai) where it has one; one term per concept,
// everywhere (messages-zh.ts too). Code words (dense, lstm, from_logits) stay in English.
//
//   全连接层        fully connected (dense) layer
//   卷积层 / 卷积核  convolutional layer / kernel; 步幅 stride; 填充 padding; 膨胀 dilation
//   通道 / 特征图    channel / feature map
//   汇聚层          pooling layer (池化 in many books; said once, in max_pool's doc);
//                   最大汇聚 / 平均汇聚 max / average pooling
//   激活函数        activation function; 修正线性单元 ReLU
//   损失函数        loss function; 交叉熵 cross-entropy; 均方误差 MSE; 平均绝对误差 MAE
//   优化器          optimizer; 随机梯度下降 SGD; 动量 momentum; 权重衰减 weight decay
//   学习率          learning rate; 学习率调度 learning-rate schedule; 预热 warm-up
//   批量 / 批量大小  batch / batch size
//   迭代周期        epoch (not 轮)
//   过拟合 / 欠拟合  overfitting / underfitting; 泛化 generalization
//   正则化 / 正则化项 regularization / regularizer; 惩罚项 penalty
//   暂退法          dropout (named once as 暂退法（dropout）in dropout's doc)
//   批量规范化       batch normalization; 层规范化 layer normalization
//   嵌入            embedding; 词元 token; 词元索引 token id; 位置嵌入 positional embedding
//   注意力          attention; 多头注意力 multi-head; 自注意力 self-attention; 头 head;
//                   查询 / 键 / 值 query / key / value; 前馈网络 feed-forward network
//   残差连接        residual connection
//   循环神经网络     recurrent network; 循环层 recurrent layer; 隐状态 hidden state;
//                   时间步 step; 记忆元 (LSTM) cell; 门 gate; 长短期记忆网络 LSTM; 门控循环单元 GRU
//   形状            shape; 参数 parameter; 权重 weight; 偏置 bias; 单元 unit
//   样本 / 特征 / 标签 / 类别  sample / feature / label / class
//   训练集 / 验证集 / 测试集  training / validation / test set
//   早停 / 检查点    early stopping / checkpoint
//   数据增广        data augmentation
//   K 折交叉验证     k-fold cross-validation
//   独热编码        one-hot encoding
//   logits          logits (kept in English)
//   推理            inference (as opposed to training)
//   精度            accuracy (d2l's term); 精确率 precision; 召回率 recall
//   评估指标        metric; 监控 monitor
//   标准化          standardize (mean 0, standard deviation 1)
//   随机种子        seed
//   多层感知机       MLP; 感知机 perceptron; 线性回归 / 逻辑回归 / 多项式回归 linear / logistic / polynomial regression

import type { Locale } from '../messages';
import { zhWord } from '../messages-zh';
import type { Doc, FnSpec, ParamSpec, PType } from './types';
import { typeText, TYPE_WORDS_EN, type TypeWords } from './describe';

/** The Chinese of one spec: what `Doc` has in words (not the formula or the equivalent), and its parameters. */
export interface ZhDoc {
  summary: string;
  explain?: string;
  /** by parameter name: every parameter of the spec */
  params: Record<string, string>;
}

// ---- parameter docs shared by several specs (as in common.ts and datasets.ts) ----

const activation = { activation: '作用在输出上的激活函数（linear 表示不用激活函数）' };
const useBias = { use_bias: '给每个输出加上一个可学习的偏置' };
const regularizers = {
  kernel_regularizer: '加到损失上的权重惩罚项：l1(0.01)、l2(0.01) 或 l1_l2(l1: .., l2: ..)',
  bias_regularizer: '加到损失上的偏置惩罚项',
};
const epsilonVariance = { epsilon: '加到方差上，避免除以 0' };
const epsilonDenominator = { epsilon: '加到分母上，保证数值稳定' };
const convStride = { stride: '相邻窗口之间的步幅' };
const convDilation = { dilation: '卷积核各元素之间的间隔（膨胀率）' };
const filters = { filters: '卷积核的个数，即输出通道数' };
const poolParams = {
  size: '窗口大小：2，或者对图像用 [height, width]',
  stride: '相邻窗口之间的步幅；不指定时等于窗口大小',
  padding: "'valid' 丢弃填不满一个窗口的边缘；'same' 保留 ceil(n / stride) 个位置",
};
const hiddenUnits = { units: '隐状态的大小' };
const returnSequences = {
  return_sequences: '输出每个时间步的隐状态 [steps, units]（用于堆叠循环层），而不是只输出最后一个 [units]',
};
const attention = {
  heads: '注意力头的个数',
  key_dim: '每个头的大小；不指定时为 dim / heads',
};
const attentionDropout = { dropout: '训练时暂退法的丢弃比例' };
const lr = (def: number) => ({ lr: `学习率：步长（默认 ${def}）` });
const betas = {
  beta1: '梯度滑动平均的衰减率',
  beta2: '梯度平方滑动平均的衰减率',
};
const weightDecay = { weight_decay: '每一步把每个权重向 0 收缩 lr · weight_decay' };
const monitor = (example: string) => ({ monitor: `要监控的量，例如 ${example}` });
const mode = { mode: "越低越好还是越高越好；'auto' 会根据损失和各评估指标自动判断" };

// datasets
const n = (def: number) => ({ n: `生成的样本数（默认 ${def}）` });
const noise = (def: number) => ({ noise: `所加噪声的标准差（默认 ${def}）` });
const testSplit = { test: '留作测试集的比例，从不用于训练' };
const seed = { seed: '生成器的随机种子：相同的种子给出相同的数据' };
const oneHot = { one_hot: '以独热编码的行而不是类别索引给出标签' };
const limit = { limit: '只使用前 N 个训练样本（用于快速实验）' };
const normalizeImages = {
  normalize: '像素先缩放到 [0, 1]；给出 [mean, std] 时再把 x 映射为 (x - mean) / std，与 torchvision 的 Normalize 相同',
};
const mnistPath = {
  path: '存放 IDX 文件的文件夹；不给出时依次查找 nn.data.path 设置、NN_DATA、/usr/share/datasets，或者下载',
};
const mnistExplain =
  '图像为 [28, 28, 1]，像素缩放到 [0, 1]；normalize: [0.5, 0.5] 把它们映射到 [-1, 1]，与 PyTorch 教程中的做法相同。';
const globalPoolExplain = '在现代卷积神经网络中代替分类器之前的 flatten：没有权重，而且模型不再依赖于确切的图像大小。';
const penalty = (name: string) => ({ [name]: '惩罚系数' });

/** Every spec of the catalogue, by `${category}:${name}`. */
export const DOCS_ZH: Record<string, ZhDoc> = {
  // ---- layers: core ----
  'layer:dense': {
    summary: '全连接层：每个输出都是所有输入的加权和。',
    explain: '`units` 个输出中的每一个都对每个输入有一个权重，另有一个偏置。输入不止一个轴时，它只作用于最后一个轴，在每个位置上使用相同的权重。',
    params: { units: '输出的个数（神经元个数）', ...activation, ...useBias, ...regularizers },
  },
  'layer:flatten': {
    summary: '把除批量轴以外的所有轴展平成一个：[28, 28, 1] 变为 [784]。',
    explain: '图像层（卷积层、汇聚层）与全连接层之间需要它，因为全连接层读取的是展平的向量。',
    params: {},
  },
  'layer:reshape': {
    summary: '把各个值重新排列成新的形状，元素个数不变。',
    explain: '可以有一个维度写成 -1：它会被自动算出，使元素个数保持不变。',
    params: { shape: '不含批量轴的新形状；可以有一个维度为 -1，由它自动算出' },
  },
  'layer:dropout': {
    summary: '暂退法（dropout）：训练时随机把一部分输入置为 0；推理时什么也不做。',
    explain:
      '一种正则化方法：每个单元都不能依赖于其他某一个单元，从而减轻过拟合。保留下来的值会乘以 1/(1 - rate)，使总和的期望不变，所以推理时不需要做任何改变。',
    params: { rate: '训练时被置为 0 的输入所占的比例，在 [0, 1) 范围内' },
  },
  'layer:poly_features': {
    summary: '多项式特征：每个输入 x 变为 x, x², …, x^degree；cross: true 时还有交叉乘积 x1·x2 等，sin: true 时还有 sin(x)。',
    explain:
      '后面接 dense(1) 就是多项式回归：模型对权重是线性的，却能拟合曲线。在很少的数据点上使用很高的次数，可以看到过拟合。对两个输入，poly_features(2, cross: true) 给出 x1, x2, x1², x1·x2, x2²，即 `TensorFlow Playground` 的特征：有了 x1·x2，单个 dense 层就能分开 `XOR`；有了 x1² 和 x2²，就能分开圆。',
    params: { degree: '每个输入的最高次幂', cross: '同时生成不同输入的乘积，直到该次数（x1·x2、x1²·x2 ……）', sin: '同时生成每个输入的 sin(x)' },
  },

  // ---- layers: activations ----
  'layer:relu': {
    summary: '修正线性单元（ReLU）：保留正值，把负值替换为 0。',
    explain:
      '隐藏层默认的激活函数：计算代价低，对正输入的梯度为 1，因此深层网络比用 sigmoid 或 tanh 训练得更快。输入一直为负的单元会停止学习（“ReLU 死亡”）；leaky_relu 可以避免这一点。',
    params: {},
  },
  'layer:leaky_relu': {
    summary: '与 ReLU 类似，但负输入保留一个小斜率 alpha。',
    explain: '负半轴上的小斜率让梯度能继续流动，因此单元不会“死亡”。Keras 默认 alpha = 0.3，PyTorch 默认 0.01。',
    params: { alpha: '负输入的斜率' },
  },
  'layer:elu': {
    summary: '指数线性单元（ELU）：对负输入是平滑的，在 -1 处饱和。',
    explain: '负的输出把激活值的均值推向 0，这可以加快学习。',
    params: {},
  },
  'layer:gelu': {
    summary: '高斯误差线性单元（GELU），Transformer 使用的激活函数。',
    explain: '一种平滑的 ReLU：按输入为正的可能性对输入加权；用于 BERT 和 GPT 的前馈层。',
    params: {},
  },
  'layer:sigmoid': {
    summary: '把每个值压缩到 (0, 1) 区间。',
    explain:
      '输出可以看作概率，因此用在二分类器的末尾（或者让 binary_cross_entropy 在 logits 上自己应用它）。在隐藏层中它会饱和：|x| 较大时梯度几乎为 0，这会拖慢深层网络的训练。',
    params: {},
  },
  'layer:tanh': {
    summary: '把每个值压缩到 (-1, 1) 区间，以 0 为中心。',
    explain: '与 sigmoid 不同，它以 0 为中心；是循环神经网络内部常用的激活函数。|x| 较大时它同样会饱和。',
    params: {},
  },
  'layer:softmax': {
    summary: '把最后一个轴变成总和为 1 的概率。',
    explain:
      '用它读出各类别的概率。不要把它放在 from_logits（默认）的 cross_entropy 之前：该损失函数会以数值稳定的方式自己应用 softmax，再多一次 softmax 会让梯度变得平缓。',
    params: {},
  },

  // ---- layers: normalization ----
  'layer:batch_norm': {
    summary: '批量规范化：在批量上对每个通道做规范化，再用可学习的 gamma 和 beta 缩放和平移。',
    explain:
      '让激活值保持在稳定的范围内，因此可以使用更高的学习率。它在训练时（用批量的统计量）和推理时（用滑动平均，即每个通道 2 个不可训练的参数）的行为不同。Keras 的 momentum 0.99 相当于 PyTorch 的 momentum 0.01。',
    params: { momentum: '滑动均值和方差跟随每个批量变化的缓慢程度', ...epsilonVariance },
  },
  'layer:layer_norm': {
    summary: '层规范化：对每个样本在最后一个轴上做规范化，再用可学习的 gamma 和 beta 缩放和平移。',
    explain: '与 batch_norm 不同，它不依赖于批量，因此训练和推理时的行为相同；它是 Transformer 使用的规范化方法。',
    params: { ...epsilonVariance },
  },

  // ---- layers: convolution ----
  'layer:conv1d': {
    summary: '序列 [steps, channels] 上的一维卷积：同一组小卷积核沿时间步滑动。',
    explain: '用很少的权重在序列中找出局部模式，不论它们出现在哪里：kernel × in_channels × filters + filters 个参数。',
    params: {
      ...filters,
      kernel: '窗口长度',
      ...convStride,
      padding: "'valid'（不填充：序列变短）或 'same'（填充，使步幅为 1 时长度不变）",
      ...convDilation,
      ...activation,
      ...useBias,
      ...regularizers,
    },
  },
  'layer:conv2d': {
    summary: '图像 [height, width, channels] 上的二维卷积：小卷积核在图像上滑动。',
    explain:
      "每个卷积核都是一个小的模式检测器（一条边缘、一种纹理），作用在每一个位置上，因此这一层只需要很少的权重：kernel_h × kernel_w × in_channels × filters + filters。'valid' 填充使图像缩小 kernel - 1；'same' 保持大小不变。",
    params: {
      ...filters,
      kernel: '窗口大小：3 表示 3x3，或者 [height, width]',
      ...convStride,
      padding: "'valid'（不填充：输出变小）或 'same'（填充，使步幅为 1 时大小不变）",
      ...convDilation,
      ...activation,
      ...useBias,
      ...regularizers,
    },
  },

  // ---- layers: pooling ----
  'layer:max_pool': {
    summary: '最大汇聚层（即池化层）：保留每个窗口中的最大值；size 为 2 时高和宽减半。',
    explain: '缩小特征图并保留最强的响应，因此输入的微小平移影响更小。它适用于图像 [H, W, C]（二维）和序列 [T, C]（一维）。',
    params: { ...poolParams },
  },
  'layer:avg_pool': {
    summary: '平均汇聚层：对每个窗口取平均；size 为 2 时高和宽减半。',
    explain: '平滑地缩小特征图。它适用于图像 [H, W, C]（二维）和序列 [T, C]（一维）。',
    params: { ...poolParams },
  },
  'layer:global_avg_pool': {
    summary: '全局平均汇聚：对所有位置取平均，每个通道得到一个值：[H, W, C] 或 [T, C] 变为 [C]。',
    explain: globalPoolExplain,
    params: {},
  },
  'layer:global_max_pool': {
    summary: '全局最大汇聚：对所有位置取最大值，每个通道得到一个值：[H, W, C] 或 [T, C] 变为 [C]。',
    explain: globalPoolExplain,
    params: {},
  },
  'layer:upsampling': {
    summary: '上采样：重复行和列，[H, W, C] 变为 [H·size, W·size, C]。',
    explain: '汇聚的逆操作，用在解码器和自编码器中，把特征图重新放大（最近邻插值）。',
    params: { size: '高和宽的放大倍数：2，或者 [h, w]' },
  },

  // ---- layers: recurrent ----
  'layer:simple_rnn': {
    summary: '普通的循环层：在每个时间步，由输入和前一个隐状态更新隐状态。',
    explain: '最简单的循环神经网络。在长序列上梯度会消失或爆炸，这正是 lstm 和 gru 存在的原因。',
    params: { ...hiddenUnits, ...returnSequences, activation: '隐状态的激活函数' },
  },
  'layer:lstm': {
    summary: '长短期记忆网络（LSTM）：带有输入门、遗忘门、输出门和记忆元的循环层。',
    explain:
      '记忆元把信息传过很多个时间步，门则学习保留什么，因此它能学到 simple_rnn 学不到的长程模式。4 组权重：4·units·(features + units + 1) 个参数。',
    params: { ...hiddenUnits, ...returnSequences },
  },
  'layer:gru': {
    summary: '门控循环单元（GRU）：与 lstm 类似，但门更少（更新门和重置门），也没有单独的记忆元。',
    explain:
      '3 组权重而不是 4 组：比 lstm 快，效果往往一样好。更新门 z 保留旧状态：z 接近 1 时 h_{t-1} 原样传下去，z 接近 0 时由候选状态 h̃ 取代；重置门 r 决定候选状态能看到多少旧状态。参数个数为 3·units·(features + units + 1)；reset_after: true 时多一个偏置：3·units·(features + units + 2)。',
    params: {
      ...hiddenUnits,
      ...returnSequences,
      reset_after: '在循环乘积之后应用重置门，并带第二个偏置（Keras 3 的默认，也是 PyTorch 的 nn.GRU），而不是在乘积之前（Keras 2 的 reset_after=False）',
    },
  },
  'layer:bidirectional': {
    summary: '双向循环层：在序列上正向和反向各运行一次循环层，并合并两个方向的输出。',
    explain: '这样每个时间步都能同时看到它的过去和未来；适用于整个序列已知的情况（分类、序列标注），不适用于预测未来的值。',
    params: { layer: '要在两个方向上运行的循环层，例如 lstm(64)', merge: '两个方向的输出如何合并' },
  },

  // ---- layers: embedding ----
  'layer:embedding': {
    summary: '嵌入层：为每个整数词元索引查出一个可学习的向量，[steps] 变为 [steps, dim]。',
    explain: '文本和其他类别序列进入网络的方式：相似的词元最终会得到相似的向量。它需要整数索引，因此紧接在 input 之后。',
    params: { vocab: '不同词元索引的个数（索引从 0 到 vocab - 1）', dim: '为每个词元学习的向量的长度' },
  },
  'layer:positional_embedding': {
    summary: '位置嵌入：给序列 [steps, dim] 加上编码每个位置的向量，使注意力能区分不同的位置。',
    explain:
      '自注意力把输入当作一个集合：没有位置信息时，“狗咬人”和“人咬狗”看起来是一样的。把它放在 embedding 之后、Transformer 块之前。',
    params: { kind: "'learned'：每个位置一个训练得到的向量（steps × dim 个权重）；'sinusoidal'：固定的正弦和余弦（没有权重）" },
  },

  // ---- layers: attention ----
  'layer:self_attention': {
    summary: '多头自注意力：序列的每个时间步都查看其他所有时间步，并取它们的加权组合。',
    explain:
      'Transformer 的核心。权重来自查询与每个键的匹配程度，因此这一层会学到哪些位置对哪些位置重要。多个头同时关注不同的内容。参数个数：3·(dim·h·k + h·k) + h·k·dim + dim。',
    params: { ...attention, ...attentionDropout, causal: '每个时间步只关注它自己和更早的时间步' },
  },
  'layer:transformer_encoder': {
    summary: '一个 Transformer 编码器块：自注意力和前馈网络，各自带有残差连接和层规范化。',
    explain: '在 embedding 和 positional_embedding 之后堆叠几个，再接 global_avg_pool 和 dense 做分类。残差连接让梯度能直接通过，因此很深的堆叠也能训练。',
    params: { ...attention, ff: '前馈部分的隐藏层大小', ...attentionDropout, activation: '前馈部分的激活函数' },
  },

  // ---- losses ----
  'loss:mse': {
    summary: '均方误差，线性回归的损失函数。',
    explain: '大的误差按平方计入，因此离群值会强烈地拉动拟合结果。',
    params: {},
  },
  'loss:mae': {
    summary: '平均绝对误差。',
    explain: '对离群值没有 mse 那么敏感；每个误差的梯度大小都相同。',
    params: {},
  },
  'loss:huber': {
    summary: '误差小时是二次的，误差大时是线性的。',
    explain: '在目标附近像 mse，又兼有 mae 对离群值的稳健性。',
    params: { delta: '损失由二次变为线性的位置' },
  },
  'loss:cross_entropy': {
    summary: '分类交叉熵：从多个类别中选出一个时使用的损失函数。',
    explain:
      '最后一层每个类别一个单元。在 from_logits（默认）下，模型输出原始分数，由损失函数自己应用 softmax，这样更稳定；所以不要让模型以 softmax 结尾。标签是类别索引（在 one_hot: true 时是独热编码的行）。',
    params: {
      from_logits: 'true：模型输出原始分数（logits），由损失函数自己应用 softmax（稳定，默认）；false：模型已经以 softmax 结尾',
      label_smoothing: '从真实类别分给其他类别的概率（标签平滑）',
    },
  },
  'loss:binary_cross_entropy': {
    summary: '二元交叉熵：只有一个输出单元的是/否判断所用的损失函数。',
    explain: '一个输出单元：类别 1 的分数（logit）。在 from_logits（默认）下，损失函数自己应用 sigmoid。',
    params: {
      from_logits: 'true：模型输出原始分数（logits），由损失函数自己应用 sigmoid（稳定，默认）；false：模型已经以 sigmoid 结尾',
    },
  },
  'loss:hinge': {
    summary: '合页损失，支持向量机的损失函数。',
    explain: '只有落在间隔错误一侧的分数才产生损失，因此有把握的正确预测不再拉动权重。',
    params: { margin: '正确的分数必须越过决策边界多远' },
  },

  // ---- optimizers ----
  'optimizer:sgd': {
    summary: '随机梯度下降，可以带动量。',
    explain: '每一步都沿一个批量的梯度的反方向移动权重。动量对各步取平均，使路径更平滑，并在方向一致时走得更快。',
    params: {
      ...lr(0.01),
      momentum: '把上一步的多大比例加到这一步上（通常取 0.9）',
      nesterov: '先沿动量方向向前看一步，再计算梯度',
      ...weightDecay,
    },
  },
  'optimizer:adam': {
    summary: 'Adam：根据梯度及其平方的滑动平均，为每个权重确定各自的步长。',
    explain: '几乎不需要调参就能工作得很好，因此通常是首选；lr 0.001 是个不错的起点。',
    params: { ...lr(0.001), ...betas, ...epsilonDenominator },
  },
  'optimizer:adamw': {
    summary: '带解耦权重衰减的 Adam。',
    explain: '直接作用在权重上、而不是通过梯度施加的权重衰减，在 Adam 中才能起到预期的正则化作用；它是 Transformer 的标准优化器。',
    params: { ...lr(0.001), ...weightDecay, ...betas, ...epsilonDenominator },
  },
  'optimizer:rmsprop': {
    summary: 'RMSProp：每一步除以近期梯度的滑动均方根。',
    explain: '梯度大且噪声多的权重步长更小；是循环神经网络的经典选择。',
    params: { ...lr(0.001), rho: '梯度平方滑动平均的衰减率', momentum: '各步的动量', ...epsilonDenominator },
  },
  'optimizer:adagrad': {
    summary: 'Adagrad：每一步除以过去所有梯度平方和的平方根。',
    explain: '稀有特征保持较大的步长；步长随时间缩小，在长时间的训练中可能过早地停止学习。',
    params: { ...lr(0.01), initial_accumulator: '梯度平方和的初始值' },
  },

  // ---- learning-rate schedules ----
  'schedule:step': {
    summary: '每隔几个迭代周期把学习率乘以 factor。',
    params: { every: '两次下降之间的迭代周期数', factor: '每次下降时学习率所乘的倍数' },
  },
  'schedule:exponential': {
    summary: '每个迭代周期之后把学习率乘以 gamma。',
    params: { gamma: '每个迭代周期之后学习率所乘的倍数' },
  },
  'schedule:cosine': {
    summary: '沿半个余弦波把学习率从 lr 降到 min_lr。',
    params: { min_lr: '最后的学习率', epochs: '衰减持续的迭代周期数；不指定时为整个训练过程' },
  },
  'schedule:warmup': {
    summary: '在最初几个迭代周期里线性地提高学习率，然后交给另一个学习率调度。',
    explain: '开始时 Adam 的统计量和批量规范化的平均值都还不准确，这时步子太大可能使训练失控；Transformer 几乎总要预热。',
    params: { epochs: '学习率从 lr / epochs 线性升到 lr 所用的迭代周期数', then: '预热之后的学习率调度，例如 cosine()' },
  },
  'schedule:reduce_on_plateau': {
    summary: '当监控的量不再改善时降低学习率。',
    params: {
      ...monitor('val_loss'),
      factor: '停滞时学习率所乘的倍数',
      patience: '降低学习率之前允许没有改善的迭代周期数',
      min_lr: '学习率的下限',
    },
  },

  // ---- metrics ----
  'metric:accuracy': { summary: '精度：预测类别等于真实类别的样本所占的比例。', params: {} },
  'metric:top_k_accuracy': {
    summary: 'top-k 精度：真实类别位于得分最高的 k 个类别之中的样本所占的比例。',
    params: { k: '计入的最高得分类别的个数' },
  },
  'metric:precision': { summary: '精确率：被预测为某一类别的样本中，真正属于该类别的比例（对各类别取宏平均）。', params: {} },
  'metric:recall': { summary: '召回率：某一类别的样本中，被预测为该类别的比例（对各类别取宏平均）。', params: {} },
  'metric:f1': { summary: 'F1 分数：精确率和召回率的调和平均（对各类别取宏平均）。', params: {} },
  'metric:mae': { summary: '预测的平均绝对误差。', params: {} },
  'metric:mse': { summary: '预测的均方误差。', params: {} },
  'metric:rmse': { summary: '均方根误差，单位与目标相同。', params: {} },
  'metric:r2': { summary: '决定系数：1 表示完全拟合，0 表示并不比总是预测均值更好。', params: {} },

  // ---- datasets ----
  'dataset:circle': {
    summary: '平面上的两个类别：一个圆盘在一个圆环之内。',
    explain: '不是线性可分的：模型需要一个隐藏层（或者 x²、y² 这样的特征）才能把它们分开。',
    params: { ...n(1000), ...noise(0.1), ...testSplit, ...seed, ...oneHot, ...limit },
  },
  'dataset:xor': {
    summary: '平面上按象限划分的两个类别：x·y > 0 或 < 0。',
    explain: '单层感知机无法解决的经典问题。',
    params: { ...n(1000), ...noise(0.1), ...testSplit, ...seed, ...oneHot, ...limit },
  },
  'dataset:gauss': {
    summary: '平面上的两团高斯分布的点，每个类别一团。',
    explain: '线性可分：逻辑回归（一个全连接层）就足够了。',
    params: { ...n(1000), ...noise(0.1), ...testSplit, ...seed, ...oneHot, ...limit },
  },
  'dataset:spiral': {
    summary: '平面上相互交错的螺旋线，每个类别一条。',
    explain: '较难：需要多个隐藏层，是检验更深的多层感知机的好例子。',
    params: { ...n(1000), ...noise(0.1), classes: '螺旋臂（类别）的个数', ...testSplit, ...seed, ...oneHot, ...limit },
  },
  'dataset:linear': {
    summary: '直线（超平面）加上噪声的回归数据：y = w·x + b + ε，x 在 [-1, 1] 上。',
    explain: '用 mse 训练一个 dense(1) 层就能还原出 w 和 b：这就是线性回归。给出 w 和 b（linear(w: [2], b: 1)）来设定真实值，再与模型学到的权重比较（`nn weights RUN`）。',
    params: {
      ...n(200),
      features: '输入特征的个数（默认：与 w 的个数相同，否则为 1）',
      ...noise(0.1),
      w: '真实的权重，每个特征一个（默认：由种子抽取，每个的大小在 1 到 3 之间，使直线明显高于噪声）',
      b: '真实的偏置（默认：由种子在 [-1, 1] 中抽取）',
      ...testSplit,
      ...seed,
      ...limit,
    },
  },
  'dataset:polynomial': {
    summary: 'x 在 [-1, 1] 上的多项式加上噪声的回归数据：随机的，或由给出的系数决定。',
    explain: '用 poly_features(degree) 再接 dense(1) 来拟合；在很少的样本上使用过高的次数会过拟合。给出 coefficients: [1, 0, -2] 时真实值为 1 - 2x²，dense 层的权重会还原出它。',
    params: {
      ...n(200),
      degree: '随机多项式的次数（默认 3，或由 coefficients 决定）',
      ...noise(0.1),
      coefficients: '真实的多项式，从最低次幂开始：[c0, c1, c2] 即 c0 + c1·x + c2·x²（默认：由种子抽取）',
      ...testSplit,
      ...seed,
      ...limit,
    },
  },
  'dataset:sine': {
    summary: '随机频率和相位的带噪正弦波窗口；目标是下一个值。',
    explain: '适合循环层的预测任务：输入 [length, 1]，预测一个值。',
    params: { ...n(1000), length: '每个输入窗口的时间步数', ...noise(0.05), ...testSplit, ...seed, ...limit },
  },
  'dataset:waveforms': {
    summary: '随机频率的正弦波、方波或三角波序列：对波形分类（3 个类别）。',
    explain: '适合 lstm、gru 或 conv1d 的序列分类：输入 [length, 1]。',
    params: { ...n(1000), length: '每个序列的时间步数', ...noise(0.1), ...testSplit, ...seed, ...oneHot, ...limit },
  },
  'dataset:majority': {
    summary: '由随机词元索引组成的序列；标签是出现次数最多的词元。',
    explain: '适合 embedding + transformer_encoder 的词元分类：模型必须把每个位置与其他所有位置相比较。',
    params: {
      ...n(2000),
      length: '每个序列中的词元个数',
      vocab: '不同词元的个数（也是类别数）',
      ...testSplit,
      ...seed,
      ...oneHot,
      ...limit,
    },
  },
  'dataset:csv': {
    summary: '一个数字表格：每行一个样本，其中一列是标签。',
    explain: '其余每一列都是一个特征，必须是数值。',
    params: {
      path: 'CSV 文件，路径相对于这个 .nn 文件',
      label: '要预测的列：它的表头名称或下标',
      task: "'auto'：标签是文本、或是取值很少的整数时按分类处理",
      header: '第一行是各列的名称',
      ...testSplit,
      ...seed,
      normalize: '把每个特征标准化为均值 0、标准差 1（使用训练部分的统计量）',
      ...oneHot,
      ...limit,
    },
  },
  'dataset:idx': {
    summary: 'MNIST 所用的 IDX 格式的图像和标签。',
    explain: '图像变为 [height, width, 1]，像素缩放到 [0, 1]。',
    params: {
      images: '训练图像的 IDX 文件（可以是 .gz）',
      labels: '训练标签的 IDX 文件',
      test_images: '测试图像的 IDX 文件',
      test_labels: '测试标签的 IDX 文件',
      test: '没有测试文件时：留作测试集的图像比例（由 seed 选取），从不用于训练',
      seed: 'test: 划分所用的随机种子',
      ...normalizeImages,
      ...oneHot,
      ...limit,
    },
  },
  'dataset:image_folder': {
    summary: '你自己的图像：每个类别一个子文件夹，里面是 PNG 和 JPEG 文件，与 torchvision 的 ImageFolder 相同。',
    explain: '类别名就是文件夹名（按名称排序）；图像变为 [height, width, channels]，像素缩放到 [0, 1]。解码后的图像缓存在运行文件夹旁边，第二次运行立即加载。',
    params: {
      path: '文件夹，路径相对于这个 .nn 文件：每个类别一个子文件夹（`cat/`、`dog/`），里面是该类的 PNG 和 JPEG 图像',
      size: '每张图像（按面积）缩放到的 [height, width]；不给时所有图像必须大小相同',
      channels: '3：RGB（彩色）；1：灰度（不接受 2）',
      ...testSplit,
      ...seed,
      ...normalizeImages,
      ...oneHot,
      ...limit,
    },
  },
  'dataset:mnist': {
    summary: '手写数字 0-9：60,000 张训练图像和 10,000 张测试图像，每张 28x28 像素。',
    explain: mnistExplain,
    params: { ...mnistPath, ...normalizeImages, ...oneHot, ...limit },
  },
  'dataset:fashion_mnist': {
    summary: 'Zalando 的 10 类服装图片：60,000 张训练图像和 10,000 张测试图像，每张 28x28 像素。',
    explain: mnistExplain,
    params: { ...mnistPath, ...normalizeImages, ...oneHot, ...limit },
  },

  'dataset:text_csv': {
    summary: 'CSV 文件中带标签的文本：一列是文本，一列是标签；每段文本变为词元索引。',
    explain: '词表由训练部分构建（出现最多的词元在前）并保存在运行中，因此 `nn predict RUN "一句话"` 会得到相同的索引。把它接到 embedding(vocab, dim)。',
    params: {
      path: 'CSV 文件（带表头），路径相对于这个 .nn 文件',
      text: '存放文本的列',
      label: '存放标签（类别名）的列',
      length: '每段文本保留的词元数：更长的文本被截断，更短的用 0 补齐',
      vocab: '词元索引的最大个数（含表示补齐的 0 和表示未知词元的 1）：把它用作 embedding 的 vocab',
      tokenize: "'words'：按词切分，每个汉字单独成为一个词元；'chars'：每个字符",
      lowercase: '切分成词元之前把文本转为小写',
      ...testSplit,
      ...seed,
      ...oneHot,
      ...limit,
    },
  },
  'dataset:cifar10': {
    summary: 'CIFAR-10：60,000 张 32x32 的彩色图像，共 10 个类别（飞机、汽车、鸟……）：50,000 张用于训练，10,000 张用于测试。',
    explain: '图像为 [32, 32, 3]，像素缩放到 [0, 1]；normalize: [0.5, 0.5] 像 PyTorch 的 CIFAR-10 教程那样把它们映射到 [-1, 1]。读取二进制版本；机器上没有时下载一次（约 170 MB）。',
    params: { path: '存放二进制版本文件的文件夹（`cifar-10-batches-bin`）；否则使用 nn.data.path 设置、NN_DATA，或下载', ...normalizeImages, ...oneHot, ...limit },
  },
  'dataset:cifar100': {
    summary: 'CIFAR-100：60,000 张 32x32 的彩色图像，共 100 个类别（或 20 个超类）：50,000 张用于训练，10,000 张用于测试。',
    explain: '图像为 [32, 32, 3]，像素缩放到 [0, 1]；normalize: [0.5, 0.5] 像 PyTorch 的 CIFAR-10 教程那样把它们映射到 [-1, 1]。读取二进制版本；机器上没有时下载一次（约 170 MB）。',
    params: { path: '存放二进制版本文件的文件夹（`cifar-100-binary`）；否则使用 nn.data.path 设置、NN_DATA，或下载', labels: "'fine'：100 个类别；'coarse'：20 个超类", ...normalizeImages, ...oneHot, ...limit },
  },

  // ---- regularizers ----
  'regularizer:l1': {
    summary: 'L1 惩罚项：把 l1 · Σ|w| 加到损失上。',
    explain: '把权重推向恰好为 0：得到忽略无用输入的稀疏模型。',
    params: { ...penalty('l1') },
  },
  'regularizer:l2': {
    summary: 'L2 惩罚项（权重衰减）：把 l2 · Σw² 加到损失上。',
    explain: '让权重保持较小，使模型更平滑，并减轻过拟合。',
    params: { ...penalty('l2') },
  },
  'regularizer:l1_l2': {
    summary: '两种惩罚项都用：把 l1 · Σ|w| + l2 · Σw² 加到损失上（弹性网络）。',
    params: { ...penalty('l1'), ...penalty('l2') },
  },

  // ---- data augmentations ----
  'augmentation:flip': {
    summary: '数据增广：随机镜像翻转训练图像。',
    params: { horizontal: '以 ½ 的概率左右翻转', vertical: '以 ½ 的概率上下翻转' },
  },
  'augmentation:shift': {
    summary: '数据增广：随机平移训练图像，空出的部分用黑色填充（像素值 0，与图像一样归一化）。',
    params: { fraction: '最大平移量，占高和宽的比例' },
  },
  'augmentation:rotate': {
    summary: '数据增广：随机旋转训练图像。',
    params: { degrees: '向任一方向旋转的最大角度' },
  },
  'augmentation:noise': {
    summary: '数据增广：给训练输入加上高斯噪声。',
    params: { std: '高斯噪声的标准差' },
  },
  'augmentation:crop': {
    summary: '数据增广：在四周补黑色像素后的图像中随机裁剪出原大小，与 CIFAR 的训练配方相同（32x32 图像上的 crop(4)）。',
    params: { padding: '随机裁剪出原大小之前在每一边补上的黑色像素数' },
  },
  'augmentation:brightness': {
    summary: '数据增广：随机调亮或调暗每张训练图像。',
    params: { delta: '像素乘以从 [1 - delta, 1 + delta] 中抽取的系数' },
  },
  'augmentation:contrast': {
    summary: '数据增广：随机提高或降低每张训练图像的对比度。',
    params: { delta: '每张图像按从 [1 - delta, 1 + delta] 中抽取的系数与它的平均灰度混合' },
  },

  // ---- callbacks ----
  'callback:early_stopping': {
    summary: '早停：当监控的量在 `patience` 个迭代周期内都没有改善时停止训练。',
    explain: '监控 val_loss 时，它会在模型开始过拟合时停止；restore_best 保留最佳迭代周期的权重。',
    params: {
      ...monitor('val_loss 或 val_accuracy'),
      patience: '停止之前允许没有改善的迭代周期数',
      min_delta: '算作改善的最小变化量',
      restore_best: '结束时使用最佳迭代周期的权重，而不是最后一个迭代周期的',
      ...mode,
    },
  },
  'callback:checkpoint': {
    summary: '检查点：选择所保存的最佳权重中“最佳”的含义（最佳权重和最后的权重总是都会保存）。',
    explain: '每次运行都在它的文件夹中保存 best/ 和 last/ 两份权重，以原子方式写入，因此中断的运行可以恢复，并能用最佳迭代周期的权重做预测。',
    params: { ...monitor('val_loss 或 val_accuracy'), ...mode, every: '每隔这么多个迭代周期保存一次最后的权重' },
  },
};

/** Every `train` setting, by name. */
export const SETTINGS_ZH: Record<string, string> = {
  model: '要训练的模型',
  data: '数据：已声明的数据集，或直接写在这里的数据集',
  loss: '训练要最小化的损失函数',
  optimizer: '如何更新权重；不指定时为 adam()',
  epochs: '迭代周期数：遍历训练数据的次数',
  batch_size: '批量大小：每个梯度步使用的样本数',
  validation: '从训练数据中留出的比例，每个迭代周期用它衡量泛化能力（val_loss、val_accuracy）',
  metrics: '除损失之外还要报告的评估指标，例如 [accuracy]',
  schedule: '学习率如何随迭代周期变化',
  kfold: 'K 折交叉验证：训练 k 个模型，每个都在不同的一折上验证',
  augment: '对训练样本的随机改变（数据增广），例如 [flip(), rotate(10)]',
  seed: '权重初始化、打乱数据和暂退法所用的随机种子：相同的种子重复同一次运行',
  shuffle: '每个迭代周期都打乱训练数据',
  clip_norm: '梯度的全局范数超过这个值时，把梯度按比例缩小（梯度裁剪）',
  trials: '随机搜索：训练这么多次试验，每次从 try 的值中抽取（由 seed 决定）；不写时，训练 try 值的每一种组合（网格搜索）',
  layer_stats: '在训练时观察网络内部：每层的梯度范数和权重范数、激活值（死亡单元和饱和单元）及其直方图；true 表示每个迭代周期一次，数字 N 表示每 N 个批次一次；梯度消失或爆炸、ReLU 单元死亡、sigmoid/tanh 层饱和时给出警告',
};

/** The key of a spec in `DOCS_ZH`. */
export function docKey(spec: FnSpec): string {
  return `${spec.category}:${spec.name}`;
}

function zhDoc(spec: FnSpec): ZhDoc {
  const z = DOCS_ZH[docKey(spec)];
  // the test keeps this from happening for the catalogue; any other spec has no Chinese
  if (!z) throw new Error(`no zh-cn documentation for ${docKey(spec)}`);
  return z;
}

/** A spec's documentation in `locale`: summary and explanation translated, formula and equivalent as they are. */
export function docOf(spec: FnSpec, locale: Locale): Doc {
  if (locale === 'en') return spec.doc;
  const z = zhDoc(spec);
  const d = spec.doc;
  return {
    summary: z.summary,
    ...(d.formula !== undefined ? { formula: d.formula } : {}),
    ...(d.explain !== undefined ? { explain: z.explain } : {}),
    ...(d.equivalent !== undefined ? { equivalent: d.equivalent } : {}),
  };
}

/** The doc of one of a spec's parameters in `locale`. */
export function paramDocOf(spec: FnSpec, param: ParamSpec, locale: Locale): string {
  if (locale === 'en') return param.doc;
  const text = zhDoc(spec).params[param.name];
  if (text === undefined) throw new Error(`no zh-cn documentation for ${docKey(spec)}(${param.name})`);
  return text;
}

/** The doc of a `train` setting (one of TRAIN_SETTINGS) in `locale`. */
export function settingDocOf(param: ParamSpec, locale: Locale): string {
  if (locale === 'en') return param.doc;
  const text = SETTINGS_ZH[param.name];
  if (text === undefined) throw new Error(`no zh-cn documentation for the setting ${param.name}`);
  return text;
}

const TYPE_WORDS_ZH: TypeWords = {
  int: '整数',
  number: '数值',
  text: '文本',
  shape: '形状',
  shapeMinusOne: '形状，可以有一个维度为 -1',
  inRange: (n, range) => `${range} 内的${n}`,
  what: (w) => zhWord(w) ?? w,
  ref: (kind) => `${zhWord(kind) ?? kind}名称`,
};

/** A parameter's type as hover and signature help show it: `int ≥ 1`, `整数 ≥ 1`. */
export function typeTextOf(t: PType, locale: Locale): string {
  return typeText(t, locale === 'en' ? TYPE_WORDS_EN : TYPE_WORDS_ZH);
}
