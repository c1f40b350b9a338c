// Each layer of the catalogue in PyTorch: the module its constructor makes (if it has weights or
// state), the forward expression, the helper code it needs (helpers-py.ts), and where each of its
// tfjs weights goes in the module's state_dict. A table keyed by the catalogue's names
// (`Lowering`), so a layer without a PyTorch lowering is a type error.
//
// nn's semantics, where PyTorch's defaults differ (docs/pytorch.md lists them):
// - data is channels last ([B, H, W, C]); convolutions and pooling move the channels around
//   their PyTorch call, so flatten sees nn's order;
// - 'same' padding is Keras' (the end gets the odd cell), computed here from the known shapes;
// - batch norm runs over the last axis, momentum m is PyTorch's 1 - m;
// - recurrent layers have one bias (Keras); GRU resets before its product;
// - hard_sigmoid is Keras' clip(0.2 x + 0.5, 0, 1).

import { type LayerNodeDesc, type Lowering, lower, num, nums, str, innerLayer } from '../../core/model';
import type { ActivationName } from '../../core/catalog/common';
import type { Helper } from './helpers-py';
import { samePadding } from '../padding';

/** Where one tfjs weight goes: a state_dict key under the layer's module, and the axes' order. */
export interface WeightMap {
  key: string;
  /** tfjs axes in PyTorch's order (a dense kernel [in, out] is [1, 0]); none when the layout is the same */
  permute?: number[];
}

export interface TorchLayer {
  /** the module the layer's attribute holds, when it has weights or state: `nn.Linear(784, 128)` */
  module?: string;
  /** the forward expression for input `x`, `self_` being the module's attribute (`self.dense`) */
  call(x: string, self_: string): string;
  helpers?: Helper[];
  /** by the tfjs weight's name within its layer (kernel, bias, gamma, ...) */
  weights?: Record<string, WeightMap>;
}

interface Activation {
  /** applied to an expression */
  call(x: string): string;
  /** as a Python callable, for modules that take one */
  fn: string;
  helpers?: Helper[];
}

/** Keras' activations (what tfjs computes) in PyTorch. */
export const ACTIVATIONS: Record<ActivationName, Activation> = {
  linear: { call: (x) => x, fn: 'nn.Identity()' },
  relu: { call: (x) => `torch.relu(${x})`, fn: 'torch.relu' },
  relu6: { call: (x) => `F.relu6(${x})`, fn: 'F.relu6' },
  elu: { call: (x) => `F.elu(${x})`, fn: 'F.elu' },
  selu: { call: (x) => `F.selu(${x})`, fn: 'F.selu' },
  // tfjs' gelu is the exact one (with erf), as PyTorch's default
  gelu: { call: (x) => `F.gelu(${x})`, fn: 'F.gelu' },
  sigmoid: { call: (x) => `torch.sigmoid(${x})`, fn: 'torch.sigmoid' },
  hard_sigmoid: { call: (x) => `hard_sigmoid(${x})`, fn: 'hard_sigmoid', helpers: ['hard_sigmoid'] },
  tanh: { call: (x) => `torch.tanh(${x})`, fn: 'torch.tanh' },
  softmax: { call: (x) => `torch.softmax(${x}, -1)`, fn: 'nn.Softmax(-1)' },
  softplus: { call: (x) => `F.softplus(${x})`, fn: 'F.softplus' },
  softsign: { call: (x) => `F.softsign(${x})`, fn: 'F.softsign' },
  swish: { call: (x) => `F.silu(${x})`, fn: 'F.silu' },
  mish: { call: (x) => `F.mish(${x})`, fn: 'F.mish' },
};

function activation(n: LayerNodeDesc, key = 'activation'): Activation {
  return ACTIVATIONS[str(n, key) as ActivationName];
}

/** A Python literal. */
export function py(v: number | boolean | string | readonly number[]): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/** Keras' 'same' padding of each spatial axis, as F.pad takes it (last axis first: left, right, top, bottom). */
export function samePad(sizes: readonly number[], kernel: readonly number[], stride: readonly number[], dilation: readonly number[]): number[] {
  return samePadding(sizes, kernel, stride, dilation).reverse().flat();
}

const T = [1, 0];
const linearWeights: Record<string, WeightMap> = { kernel: { key: 'weight', permute: T }, bias: { key: 'bias' } };
const rnnWeights = (prefix = ''): Record<string, WeightMap> => ({
  kernel: { key: `${prefix}weight_ih`, permute: T },
  recurrent_kernel: { key: `${prefix}weight_hh`, permute: T },
  bias: { key: `${prefix}bias` },
});

function withActivation(n: LayerNodeDesc, layer: TorchLayer): TorchLayer {
  const a = activation(n);
  return { ...layer, call: (x, s) => a.call(layer.call(x, s)), helpers: [...(layer.helpers ?? []), ...(a.helpers ?? [])] };
}

function conv(n: LayerNodeDesc<'conv1d' | 'conv2d'>): TorchLayer {
  const dims = n.kind === 'conv1d' ? 1 : 2;
  const kernel = nums(n, 'kernel');
  const stride = nums(n, 'stride');
  const dilation = nums(n, 'dilation');
  const pad = str(n, 'padding') === 'same' ? samePad(n.input.slice(0, dims), kernel, stride, dilation) : [];
  const args = [
    `${dims}`,
    `${n.input[dims]}`,
    `${num(n, 'filters')}`,
    py(kernel),
    ...(stride.every((s) => s === 1) ? [] : [`stride=${py(stride)}`]),
    ...(dilation.every((d) => d === 1) ? [] : [`dilation=${py(dilation)}`]),
    ...(pad.some((p) => p > 0) ? [`pad=${py(pad)}`] : []),
    ...(n.args.use_bias === false ? ['bias=False'] : []),
  ];
  // tfjs kernels are [*kernel, in, out]; PyTorch's [out, in, *kernel]
  const permute = dims === 1 ? [2, 1, 0] : [3, 2, 0, 1];
  return withActivation(n, {
    module: `ChannelsLastConv(${args.join(', ')})`,
    call: (x, s) => `${s}(${x})`,
    helpers: ['conv'],
    weights: { kernel: { key: 'conv.weight', permute }, bias: { key: 'conv.bias' } },
  });
}

function pool(n: LayerNodeDesc<'max_pool' | 'avg_pool'>): TorchLayer {
  const dims = n.input.length - 1;
  const size = nums(n, 'size');
  const stride = n.args.stride === undefined || n.args.stride === null ? size : nums(n, 'stride');
  const pad = str(n, 'padding') === 'same' ? samePad(n.input.slice(0, dims), size, stride, []) : [];
  const kind = n.kind === 'max_pool' ? 'max' : 'avg';
  const args = [py(kind), `${dims}`, py(size.slice(0, dims)), py(stride.slice(0, dims)), ...(pad.some((p) => p > 0) ? [`pad=${py(pad)}`] : [])];
  return { module: `ChannelsLastPool(${args.join(', ')})`, call: (x, s) => `${s}(${x})`, helpers: ['pool'] };
}

function globalPool(n: LayerNodeDesc<'global_avg_pool' | 'global_max_pool'>): TorchLayer {
  const axes = n.input.length === 2 ? '1' : '(1, 2)';
  return { call: (x) => (n.kind === 'global_avg_pool' ? `${x}.mean(${axes})` : `${x}.amax(${axes})`) };
}

function recurrent(n: LayerNodeDesc<'simple_rnn' | 'lstm' | 'gru'>): TorchLayer {
  const seq = n.args.return_sequences === true ? ', return_sequences=True' : '';
  const features = n.input[n.input.length - 1];
  const units = num(n, 'units');
  if (n.kind === 'simple_rnn') {
    const a = activation(n);
    const act = str(n, 'activation') === 'tanh' ? '' : `, activation=${a.fn}`;
    return { module: `SimpleRNN(${features}, ${units}${act}${seq})`, call: (x, s) => `${s}(${x})`, helpers: ['simple_rnn', ...(a.helpers ?? [])], weights: rnnWeights() };
  }
  const cls = n.kind === 'lstm' ? 'LSTM' : 'GRU';
  const resetAfter = n.kind === 'gru' && n.args.reset_after === true ? ', reset_after=True' : '';
  return { module: `${cls}(${features}, ${units}${seq}${resetAfter})`, call: (x, s) => `${s}(${x})`, helpers: [n.kind], weights: rnnWeights() };
}

function keyDim(n: LayerNodeDesc<'self_attention' | 'transformer_encoder'>): number {
  const dim = n.input[n.input.length - 1];
  return typeof n.args.key_dim === 'number' ? n.args.key_dim : dim / num(n, 'heads');
}

/** nn's attention layers name their projections' weights `<p>_kernel` and `<p>_bias`: each is an nn.Linear `<prefix><p>`. */
const projections = (prefix: string, names: readonly string[]): Record<string, WeightMap> =>
  Object.fromEntries(names.flatMap((p) => [[`${p}_kernel`, { key: `${prefix}${p}.weight`, permute: T }], [`${p}_bias`, { key: `${prefix}${p}.bias` }]]));
const QKVO = ['query', 'key', 'value', 'output'];

const norm = (name: string): Record<string, WeightMap> => ({ [`${name}_gamma`]: { key: `${name}.weight` }, [`${name}_beta`]: { key: `${name}.bias` } });

const call = (x: string, s: string) => `${s}(${x})`;

export const TORCH_LAYERS: Lowering<TorchLayer> = {
  dense: (n) => {
    const bias = n.args.use_bias === false ? ', bias=False' : '';
    return withActivation(n, { module: `nn.Linear(${n.input[n.input.length - 1]}, ${num(n, 'units')}${bias})`, call, weights: linearWeights });
  },
  // channels last, as the data: PyTorch's row-major flatten gives nn's order
  flatten: () => ({ call: (x) => `${x}.flatten(1)` }),
  reshape: (n) => ({ call: (x) => `${x}.reshape(-1, ${n.shape.join(', ')})` }),
  dropout: (n) => ({ module: `nn.Dropout(${num(n, 'rate')})`, call }),
  poly_features: (n) => ({
    call: (x) => `poly_features(${x}, ${num(n, 'degree')}${n.args.cross === true ? ', cross=True' : ''}${n.args.sin === true ? ', sin=True' : ''})`,
    helpers: ['poly_features'],
  }),
  relu: () => ({ call: (x) => `torch.relu(${x})` }),
  leaky_relu: (n) => ({ call: (x) => `F.leaky_relu(${x}, ${num(n, 'alpha')})` }),
  elu: () => ({ call: (x) => `F.elu(${x})` }),
  gelu: () => ({ call: (x) => `F.gelu(${x})` }),
  sigmoid: () => ({ call: (x) => `torch.sigmoid(${x})` }),
  tanh: () => ({ call: (x) => `torch.tanh(${x})` }),
  softmax: () => ({ call: (x) => `torch.softmax(${x}, -1)` }),
  batch_norm: (n) => ({
    // Keras' momentum m keeps m of the running average; PyTorch's momentum is the new batch's share
    module: `LastAxisBatchNorm(${n.input[n.input.length - 1]}, eps=${num(n, 'epsilon')}, momentum=${round(1 - num(n, 'momentum'))})`,
    call,
    helpers: ['batch_norm'],
    weights: { gamma: { key: 'weight' }, beta: { key: 'bias' }, moving_mean: { key: 'running_mean' }, moving_variance: { key: 'running_var' } },
  }),
  layer_norm: (n) => ({ module: `nn.LayerNorm(${n.input[n.input.length - 1]}, eps=${num(n, 'epsilon')})`, call, weights: { gamma: { key: 'weight' }, beta: { key: 'bias' } } }),
  conv1d: conv,
  conv2d: conv,
  max_pool: pool,
  avg_pool: pool,
  global_avg_pool: globalPool,
  global_max_pool: globalPool,
  upsampling: (n) => {
    const [a, b] = nums(n, 'size');
    return { call: (x) => `${x}.repeat_interleave(${a}, 1).repeat_interleave(${b}, 2)` };
  },
  // token ids arrive as numbers; tfjs truncates them to integers, as .long() does
  embedding: (n) => ({ module: `nn.Embedding(${num(n, 'vocab')}, ${num(n, 'dim')})`, call: (x, s) => `${s}(${x}.long())`, weights: { embeddings: { key: 'weight' } } }),
  positional_embedding: (n): TorchLayer => {
    const learned = str(n, 'kind') === 'learned';
    return {
      module: `PositionalEmbedding(${n.input[0]}, ${n.input[1]}${learned ? '' : ', learned=False'})`,
      call,
      helpers: ['positional_embedding'],
      weights: learned ? { positions: { key: 'positions' } } : {},
    };
  },
  simple_rnn: recurrent,
  lstm: recurrent,
  gru: recurrent,
  bidirectional: (n) => {
    const inner = innerLayer(n);
    const one = lower(TORCH_LAYERS, inner, undefined);
    const merge = str(n, 'merge');
    const weights: Record<string, WeightMap> = {};
    for (const [dir, attr] of [
      ['forward', 'forward_layer'],
      ['backward', 'backward_layer'],
    ] as const) {
      for (const [w, m] of Object.entries(one.weights ?? {})) weights[`${dir}_${n.name}_${inner.kind}/${w}`] = { ...m, key: `${attr}.${m.key}` };
    }
    return {
      module: `Bidirectional(${one.module}, ${one.module}${merge === 'concat' ? '' : `, merge=${py(merge)}`})`,
      call,
      helpers: ['bidirectional', ...(one.helpers ?? [])],
      weights,
    };
  },
  self_attention: (n) => {
    const dim = n.input[n.input.length - 1];
    const extra = [...(num(n, 'dropout') > 0 ? [`dropout=${num(n, 'dropout')}`] : []), ...(n.args.causal === true ? ['causal=True'] : [])];
    return { module: `SelfAttention(${[dim, num(n, 'heads'), keyDim(n), ...extra].join(', ')})`, call, helpers: ['attention'], weights: projections('', QKVO) };
  },
  transformer_encoder: (n) => {
    const dim = n.input[n.input.length - 1];
    const a = activation(n);
    const extra = [...(num(n, 'dropout') > 0 ? [`dropout=${num(n, 'dropout')}`] : []), ...(str(n, 'activation') === 'relu' ? [] : [`activation=${a.fn}`])];
    return {
      module: `TransformerEncoder(${[dim, num(n, 'heads'), keyDim(n), num(n, 'ff'), ...extra].join(', ')})`,
      call,
      helpers: ['transformer', ...(a.helpers ?? [])],
      weights: { ...projections('attention.', QKVO), ...norm('norm1'), ...norm('norm2'), ...projections('', ['ff1', 'ff2']) },
    };
  },
};

/** 1 - 0.99 is 0.010000000000000009 in floating point: print what was meant. */
function round(x: number): number {
  return Number(x.toPrecision(12));
}

/** The PyTorch lowering of one layer node. */
export function torchLayer(n: LayerNodeDesc): TorchLayer {
  return lower(TORCH_LAYERS, n, undefined);
}
