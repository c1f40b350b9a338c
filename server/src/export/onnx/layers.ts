// Each layer of the catalogue in ONNX (opset 17): the ops computing what tfjs computes in
// inference mode, from the layer's input tensor to its output. A table keyed by the catalogue's
// names (`Lowering`), so a layer without an ONNX lowering is a type error.
//
// nn's semantics, written out where ONNX's ops differ:
// - data is channels last ([N, T, C], [N, H, W, C]); Conv, pooling and BatchNormalization take
//   channels first, so the input is transposed in and the output back;
// - 'same' padding is Keras' (the odd cell at the end), given as explicit pads;
// - GELU is x·(1 + erf(x/√2))/2 (opset 17 has no Gelu); swish and mish are written from
//   Sigmoid, Tanh and Softplus; hard_sigmoid is Keras' (0.2 x + 0.5);
// - recurrent layers have Keras' one bias (ONNX's recurrent bias is zero), LSTM gates in
//   ONNX's order i, o, f, c, GRU with the reset gate before the product (linear_before_reset 0);
//   a simple_rnn whose activation ONNX's RNN op lacks is unrolled over its (known) steps;
// - dropout is the identity (inference); attention is MatMul and Softmax.

import { polyTerms } from '../../core/catalog/layers/core';
import { type LayerNodeDesc, type Lowering, lower, num, nums, str, innerLayer } from '../../core/model';
import type { ActivationName } from '../../core/catalog/common';
import { sinusoid } from '../../runtime/layers/positional-embedding';
import { samePadding } from '../padding';
import { type GraphBuilder, float, int, ints, string, strings } from './graph';
import { type WeightSource, convKernel, gateMatrix, gateBias } from './weights';
import type { NnWeight } from '../nn-weights';
import { DataType } from './proto';

/** What lowering one layer needs: the graph, the weights, and the layer's input tensor. */
export interface LayerCtx {
  g: GraphBuilder;
  w: WeightSource;
  x: string;
}

type Act = (g: GraphBuilder, x: string) => string;

/** x·(1 + erf(x/√2))/2, as tfjs' gelu. */
function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.float32([Math.SQRT2])])]);
  return g.op('Mul', [g.op('Mul', [x, g.float32([0.5])]), g.op('Add', [erf, g.float32([1])])]);
}

// Keras' SELU constants (tfjs': scale·alpha and scale)
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.7580993408473768599402175208123 / SELU_SCALE;

/** Keras' activations (what tfjs computes) in ONNX. */
export const ONNX_ACTIVATIONS: Record<ActivationName, Act> = {
  linear: (_, x) => x,
  relu: (g, x) => g.op('Relu', [x]),
  relu6: (g, x) => g.op('Clip', [x, g.float32([0]), g.float32([6])]),
  elu: (g, x) => g.op('Elu', [x], { alpha: float(1) }),
  selu: (g, x) => g.op('Selu', [x], { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) }),
  gelu,
  sigmoid: (g, x) => g.op('Sigmoid', [x]),
  hard_sigmoid: (g, x) => g.op('HardSigmoid', [x], { alpha: float(0.2), beta: float(0.5) }),
  tanh: (g, x) => g.op('Tanh', [x]),
  softmax: (g, x) => g.op('Softmax', [x], { axis: int(-1) }),
  softplus: (g, x) => g.op('Softplus', [x]),
  softsign: (g, x) => g.op('Softsign', [x]),
  swish: (g, x) => g.op('Mul', [x, g.op('Sigmoid', [x])]),
  mish: (g, x) => g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x])])]),
};

function activation(n: LayerNodeDesc, g: GraphBuilder, x: string): string {
  return ONNX_ACTIVATIONS[str(n, 'activation') as ActivationName](g, x);
}

/** x·W + b over the last axis, with tfjs' weights `<prefix>kernel` and `<prefix>bias` (no bias when `bias` is false). */
function linear(n: LayerNodeDesc, { g, w }: LayerCtx, x: string, prefix: string, bias = true): string {
  const k = w.take(n, `${prefix}kernel`);
  const y = g.op('MatMul', [x, g.weight(k.name, k.shape, k.data)]);
  if (!bias) return y;
  const b = w.take(n, `${prefix}bias`);
  return g.op('Add', [y, g.weight(b.name, b.shape, b.data)]);
}

/** Channels last to first ([N, ..., C] -> [N, C, ...]) and back. */
const toFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
const toLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];

/** `op` applied channels first to a channels-last tensor of rank `rank` (with the batch). */
function channelsFirst(g: GraphBuilder, x: string, rank: number, op: (x: string) => string): string {
  return g.op('Transpose', [op(g.op('Transpose', [x], { perm: ints(toFirst(rank)) }))], { perm: ints(toLast(rank)) });
}

/** ONNX's pads: every axis' start, then every axis' end. */
function pads(p: [number, number][]): number[] {
  return [...p.map((x) => x[0]), ...p.map((x) => x[1])];
}

function conv(n: LayerNodeDesc<'conv1d' | 'conv2d'>, ctx: LayerCtx): string {
  const { g, w } = ctx;
  const dims = n.kind === 'conv1d' ? 1 : 2;
  const kernel = nums(n, 'kernel');
  const stride = nums(n, 'stride');
  const dilation = nums(n, 'dilation');
  const same = str(n, 'padding') === 'same';
  const p: [number, number][] = same ? samePadding(n.input.slice(0, dims), kernel, stride, dilation) : kernel.map(() => [0, 0]);
  const k = w.take(n, 'kernel');
  const kt = convKernel(k);
  const inputs = [g.weight(k.name, kt.shape, kt.data)];
  if (n.args.use_bias !== false) {
    const b = w.take(n, 'bias');
    inputs.push(g.weight(b.name, b.shape, b.data));
  }
  const y = channelsFirst(g, ctx.x, dims + 2, (x) =>
    g.op('Conv', [x, ...inputs], { kernel_shape: ints(kernel), strides: ints(stride), dilations: ints(dilation), pads: ints(pads(p)) }),
  );
  return activation(n, g, y);
}

function pool(n: LayerNodeDesc<'max_pool' | 'avg_pool'>, { g, x }: LayerCtx): string {
  const dims = n.input.length - 1;
  const size = nums(n, 'size').slice(0, dims);
  const stride = (n.args.stride === undefined || n.args.stride === null ? nums(n, 'size') : nums(n, 'stride')).slice(0, dims);
  const same = str(n, 'padding') === 'same';
  const p: [number, number][] = same ? samePadding(n.input.slice(0, dims), size, stride, []) : size.map(() => [0, 0]);
  // padded cells never win a max, and are not counted in an average (count_include_pad 0)
  const op = n.kind === 'max_pool' ? 'MaxPool' : 'AveragePool';
  return channelsFirst(g, x, dims + 2, (y) => g.op(op, [y], { kernel_shape: ints(size), strides: ints(stride), pads: ints(pads(p)) }));
}

function globalPool(n: LayerNodeDesc<'global_avg_pool' | 'global_max_pool'>, { g, x }: LayerCtx): string {
  const axes = n.input.length === 2 ? [1] : [1, 2];
  return g.op(n.kind === 'global_avg_pool' ? 'ReduceMean' : 'ReduceMax', [x], { axes: ints(axes), keepdims: int(0) });
}

/** The ops ONNX's RNN op can apply, for the activations nn's simple_rnn can have. */
const RNN_ACTIVATIONS: Partial<Record<ActivationName, string>> = { tanh: 'Tanh', relu: 'Relu', sigmoid: 'Sigmoid' };

/**
 * One direction of a recurrent layer over x [N, T, F]: [N, T, units] with return_sequences, else
 * [N, units]. `prefix` names its tfjs weights (`forward_bi_lstm/` inside a bidirectional layer).
 * The backward direction's sequence is in time order (its step t read x_t), as Keras gives it.
 */
function recurrentDirection(n: LayerNodeDesc<'simple_rnn' | 'lstm' | 'gru'>, owner: LayerNodeDesc, ctx: LayerCtx, prefix: string, reverse: boolean): string {
  const { g, w, x } = ctx;
  const units = num(n, 'units');
  const [steps, features] = n.input;
  const sequences = n.args.return_sequences === true;
  const kernel = w.take(owner, `${prefix}kernel`);
  const recurrent = w.take(owner, `${prefix}recurrent_kernel`);
  const bias = w.take(owner, `${prefix}bias`);
  const act = n.kind === 'simple_rnn' ? (str(n, 'activation') as ActivationName) : 'tanh';
  if (n.kind === 'simple_rnn' && !RNN_ACTIVATIONS[act]) return unrolledRnn(ctx, kernel, recurrent, bias, act, steps, sequences, reverse);
  // Keras' gate blocks -> ONNX's: LSTM i, f, c, o -> i, o, f, c; GRU z, r, h as they are
  const order = n.kind === 'lstm' ? [0, 3, 1, 2] : n.kind === 'gru' ? [0, 1, 2] : [0];
  const op = n.kind === 'lstm' ? 'LSTM' : n.kind === 'gru' ? 'GRU' : 'RNN';
  const gates = order.length;
  const W = g.weight(kernel.name, [1, gates * units, features], gateMatrix(kernel, units, order));
  const R = g.weight(recurrent.name, [1, gates * units, units], gateMatrix(recurrent, units, order));
  const B = g.weight(bias.name, [1, 2 * gates * units], gateBias(bias, units, order));
  const attrs = {
    hidden_size: int(units),
    direction: string(reverse ? 'reverse' : 'forward'),
    ...(n.kind === 'simple_rnn' ? { activations: strings([RNN_ACTIVATIONS[act]!]) } : {}),
    // reset_after: the reset gate multiplies the recurrent product and its bias (ONNX's linear_before_reset)
    ...(n.kind === 'gru' ? { linear_before_reset: int(n.args.reset_after === true ? 1 : 0) } : {}),
  };
  const seq = g.op('Transpose', [x], { perm: ints([1, 0, 2]) }); // [T, N, F]
  if (sequences) {
    const [y] = g.opN(op, [seq, W, R, B], 1, attrs); // [T, 1, N, units]
    return g.op('Reshape', [g.op('Transpose', [y], { perm: ints([2, 0, 1, 3]) }), g.int64([-1, steps, units])]);
  }
  const [, yh] = g.opN(op, [seq, W, R, B], ['', undefined], attrs); // [1, N, units]
  return g.op('Reshape', [yh, g.int64([-1, units])]);
}

/** A simple RNN stepped through time: h_t = act(x_t W + b + h_{t-1} U), h_0 = 0. */
function unrolledRnn(
  { g, x }: LayerCtx,
  kernel: NnWeight,
  recurrent: NnWeight,
  bias: NnWeight,
  act: ActivationName,
  steps: number,
  sequences: boolean,
  reverse: boolean,
): string {
  const xw = g.op('Add', [g.op('MatMul', [x, g.weight(kernel.name, kernel.shape, kernel.data)]), g.weight(bias.name, bias.shape, bias.data)]); // [N, T, units]
  const U = g.weight(recurrent.name, recurrent.shape, recurrent.data);
  const outs: string[] = new Array<string>(steps);
  let h: string | undefined;
  for (let i = 0; i < steps; i++) {
    const t = reverse ? steps - 1 - i : i;
    const xt = g.op('Gather', [xw, g.int64([t], [])], { axis: int(1) }); // [N, units]
    h = ONNX_ACTIVATIONS[act](g, h === undefined ? xt : g.op('Add', [xt, g.op('MatMul', [h, U])]));
    outs[t] = h;
  }
  if (!sequences) return h!;
  const axis = g.int64([1]);
  return g.op('Concat', outs.map((o) => g.op('Unsqueeze', [o, axis])), { axis: int(1) });
}

function recurrent(n: LayerNodeDesc<'simple_rnn' | 'lstm' | 'gru'>, ctx: LayerCtx): string {
  return recurrentDirection(n, n, ctx, '', false);
}

function keyDim(n: LayerNodeDesc<'self_attention' | 'transformer_encoder'>): number {
  return typeof n.args.key_dim === 'number' ? n.args.key_dim : n.input[n.input.length - 1] / num(n, 'heads');
}

/** nn's multi-head self-attention of x [N, T, D] (weights query/key/value/output_kernel and _bias). */
function attention(n: LayerNodeDesc<'self_attention' | 'transformer_encoder'>, ctx: LayerCtx, x: string, causal: boolean): string {
  const { g } = ctx;
  const [steps] = n.input;
  const heads = num(n, 'heads');
  const kd = keyDim(n);
  // [N, T, h·kd] -> [N, h, T, kd]
  const split = (y: string) => g.op('Transpose', [g.op('Reshape', [y, g.int64([-1, steps, heads, kd])])], { perm: ints([0, 2, 1, 3]) });
  const q = split(linear(n, ctx, x, 'query_'));
  const k = split(linear(n, ctx, x, 'key_'));
  const v = split(linear(n, ctx, x, 'value_'));
  let scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: ints([0, 1, 3, 2]) })]), g.float32([1 / Math.sqrt(kd)])]);
  if (causal) {
    // -1e9 above the diagonal: a step sees itself and the steps before it
    const mask = Float32Array.from({ length: steps * steps }, (_, i) => (i % steps > Math.floor(i / steps) ? -1e9 : 0));
    scores = g.op('Add', [scores, g.float32(mask, [steps, steps])]);
  }
  const weights = g.op('Softmax', [scores], { axis: int(-1) });
  const merged = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [weights, v])], { perm: ints([0, 2, 1, 3]) }), g.int64([-1, steps, heads * kd])]);
  return linear(n, ctx, merged, 'output_');
}

/** LayerNormalization over the last axis with tfjs' `<prefix>gamma` and `<prefix>beta`. */
function layerNorm(n: LayerNodeDesc, { g, w }: LayerCtx, x: string, prefix: string, epsilon: number): string {
  const gamma = w.take(n, `${prefix}gamma`);
  const beta = w.take(n, `${prefix}beta`);
  return g.op('LayerNormalization', [x, g.weight(gamma.name, gamma.shape, gamma.data), g.weight(beta.name, beta.shape, beta.data)], { axis: int(-1), epsilon: float(epsilon) });
}

const simple =
  (op: string, attrs?: Record<string, ReturnType<typeof int>>) =>
  (_: LayerNodeDesc, { g, x }: LayerCtx): string =>
    g.op(op, [x], attrs);

/** The ONNX ops of each layer of the catalogue; each returns its output tensor. */
export const ONNX_LAYERS: Lowering<string, LayerCtx> = {
  dense: (n, ctx) => activation(n, ctx.g, linear(n, ctx, ctx.x, '', n.args.use_bias !== false)),
  // channels last, as the data: a row-major flatten gives nn's order
  flatten: simple('Flatten', { axis: int(1) }),
  reshape: (n, { g, x }) => g.op('Reshape', [x, g.int64([-1, ...n.shape])]),
  dropout: simple('Identity'),
  poly_features: (n, { g, x }) => {
    // core's terms, degree by degree: each factor of a term gathered from x, then multiplied
    const terms = polyTerms(n.input[0], num(n, 'degree'), n.args.cross === true);
    const parts: string[] = [];
    for (let k = 1; k <= num(n, 'degree'); k++) {
      const ofDegree = terms.filter((t) => t.length === k);
      if (!ofDegree.length) continue;
      let y = g.op('Gather', [x, g.int64(ofDegree.map((t) => t[0]))], { axis: int(-1) });
      for (let j = 1; j < k; j++) y = g.op('Mul', [y, g.op('Gather', [x, g.int64(ofDegree.map((t) => t[j]))], { axis: int(-1) })]);
      parts.push(y);
    }
    if (n.args.sin === true) parts.push(g.op('Sin', [x]));
    return parts.length === 1 ? parts[0] : g.op('Concat', parts, { axis: int(-1) });
  },
  relu: simple('Relu'),
  leaky_relu: (n, { g, x }) => g.op('LeakyRelu', [x], { alpha: float(num(n, 'alpha')) }),
  elu: simple('Elu', { alpha: float(1) }),
  gelu: (_, { g, x }) => gelu(g, x),
  sigmoid: simple('Sigmoid'),
  tanh: simple('Tanh'),
  softmax: simple('Softmax', { axis: int(-1) }),
  batch_norm: (n, { g, w, x }) => {
    const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((s) => {
      const t = w.take(n, s);
      return g.weight(t.name, t.shape, t.data);
    });
    const bn = (y: string) => g.op('BatchNormalization', [y, gamma, beta, mean, variance], { epsilon: float(num(n, 'epsilon')) });
    const rank = n.input.length + 1;
    return rank === 2 ? bn(x) : channelsFirst(g, x, rank, bn);
  },
  layer_norm: (n, ctx) => layerNorm(n, ctx, ctx.x, '', num(n, 'epsilon')),
  conv1d: conv,
  conv2d: conv,
  max_pool: pool,
  avg_pool: pool,
  global_avg_pool: globalPool,
  global_max_pool: globalPool,
  upsampling: (n, { g, x }) => {
    // nearest neighbour: each cell repeated a times down and b times across
    const [h, w, c] = n.input;
    const [a, b] = nums(n, 'size');
    const spread = g.op('Reshape', [x, g.int64([-1, h, 1, w, 1, c])]);
    const repeated = g.op('Expand', [spread, g.int64([1, 1, a, 1, b, 1])]);
    return g.op('Reshape', [repeated, g.int64([-1, h * a, w * b, c])]);
  },
  // token ids arrive as numbers; tfjs truncates them to integers, as Cast does
  embedding: (n, { g, w, x }) => {
    const table = w.take(n, 'embeddings');
    return g.op('Gather', [g.weight(table.name, table.shape, table.data), g.op('Cast', [x], { to: int(DataType.INT64) })], { axis: int(0) });
  },
  positional_embedding: (n, { g, w, x }) => {
    const [steps, dim] = n.input;
    if (str(n, 'kind') !== 'learned') return g.op('Add', [x, g.float32(sinusoid(steps, dim), [steps, dim])]);
    const table = w.take(n, 'positions');
    return g.op('Add', [x, g.weight(table.name, table.shape, table.data)]);
  },
  simple_rnn: recurrent,
  lstm: recurrent,
  gru: recurrent,
  bidirectional: (n, ctx) => {
    const inner = innerLayer(n);
    const forward = recurrentDirection(inner, n, ctx, `forward_${inner.name}/`, false);
    const backward = recurrentDirection(inner, n, ctx, `backward_${inner.name}/`, true);
    const { g } = ctx;
    switch (str(n, 'merge')) {
      case 'concat':
        return g.op('Concat', [forward, backward], { axis: int(-1) });
      case 'sum':
        return g.op('Add', [forward, backward]);
      case 'mul':
        return g.op('Mul', [forward, backward]);
      default:
        return g.op('Mul', [g.op('Add', [forward, backward]), g.float32([0.5])]);
    }
  },
  self_attention: (n, ctx) => attention(n, ctx, ctx.x, n.args.causal === true),
  transformer_encoder: (n, ctx) => {
    const { g, x } = ctx;
    // post-norm: h = LN(x + attention(x)); y = LN(h + ff(h)), layer norms with epsilon 1e-3
    const h = layerNorm(n, ctx, g.op('Add', [x, attention(n, ctx, x, false)]), 'norm1_', 1e-3);
    const inner = linear(n, ctx, h, 'ff1_');
    const act = str(n, 'activation') === 'gelu' ? gelu(g, inner) : g.op('Relu', [inner]);
    return layerNorm(n, ctx, g.op('Add', [h, linear(n, ctx, act, 'ff2_')]), 'norm2_', 1e-3);
  },
};

/** The ONNX ops of one layer node. */
export function onnxLayer(n: LayerNodeDesc, ctx: LayerCtx): string {
  return lower(ONNX_LAYERS, n, ctx);
}
