// A model description (core/model.ts) -> a tfjs LayersModel, one tfjs layer per node with the
// node's name, through a table keyed by the catalogue's layer names (a layer without a lowering
// is a type error). Shape inference in the core and this compiler must agree exactly; the oracle
// tests (test/unit/oracle.test.ts) compare them on every sample and on random models.

import { tf, type SymbolicTensor } from './tf';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { type ModelDesc, type LayerNodeDesc, type Lowering, type FnValue, lower, num, nums, str, fnArg, innerLayer, isLayerNode } from '../core/model';
import { ACTIVATION_FUNCTIONS, type ActivationName } from '../core/catalog/common';
import type { RegularizerName } from '../core/catalog/training';
import { PolyFeatures } from './layers/poly-features';
import { resetAfterGru } from './layers/gru';
import { SelfAttention, TransformerEncoder } from './layers/attention';
import { PositionalEmbedding } from './layers/positional-embedding';
import { NnConv2D } from './layers/conv2d';
import { seededInit } from './layers/seeds';
import { DropoutNoise, SeededDropout } from './layers/dropout';

export class CompileError extends Error {}

export interface CompileOptions {
  /** seeds the weight initializers, so the same seed gives the same starting weights */
  seed?: number;
}

export interface Compiled {
  model: tf.LayersModel;
  /** the tfjs layer of each node (by node id) */
  layers: Map<number, tf.layers.Layer>;
  /** where the model's dropout masks come from: the trainer seeds it at each step */
  noise: DropoutNoise;
}

/** Each regularizer of the catalogue in tfjs. */
const TFJS_REGULARIZERS: Record<RegularizerName, (a: FnValue['args']) => ReturnType<typeof tf.regularizers.l1>> = {
  l1: (a) => tf.regularizers.l1({ l1: a.l1 as number }),
  l2: (a) => tf.regularizers.l2({ l2: a.l2 as number }),
  l1_l2: (a) => tf.regularizers.l1l2({ l1: a.l1 as number, l2: a.l2 as number }),
};

function regularizer(r: FnValue | undefined) {
  return r ? TFJS_REGULARIZERS[r.fn as RegularizerName](r.args) : undefined;
}

function act(n: LayerNodeDesc) {
  return ACTIVATION_FUNCTIONS[str(n, 'activation') as ActivationName] as 'linear';
}

/** What building one layer needs besides its description. */
interface Ctx {
  /** seeds every initializer of the layer (see seededInit); unseeded when undefined */
  seed?: number;
  /** the dropout masks' source (runtime/layers/dropout.ts); unseeded masks without it */
  noise?: DropoutNoise;
}

function weightArgs(n: LayerNodeDesc, ctx: Ctx) {
  return {
    name: n.name,
    useBias: n.args.use_bias !== false,
    kernelRegularizer: regularizer(fnArg(n, 'kernel_regularizer')),
    biasRegularizer: regularizer(fnArg(n, 'bias_regularizer')),
    ...kernelInit(ctx),
  };
}

function pooling(n: LayerNodeDesc<'max_pool' | 'avg_pool'>): tf.layers.Layer {
  const size = nums(n, 'size');
  const stride = n.args.stride === null || n.args.stride === undefined ? size : nums(n, 'stride');
  const padding = str(n, 'padding') as 'valid';
  const name = n.name;
  if (n.input.length === 2) {
    const c = { name, poolSize: size[0], strides: stride[0], padding };
    return n.kind === 'max_pool' ? tf.layers.maxPooling1d(c) : tf.layers.averagePooling1d(c);
  }
  const c = { name, poolSize: size as [number, number], strides: stride as [number, number], padding };
  return n.kind === 'max_pool' ? tf.layers.maxPooling2d(c) : tf.layers.averagePooling2d(c);
}

const activationLayer = (n: LayerNodeDesc<'gelu' | 'sigmoid' | 'tanh'>) => tf.layers.activation({ name: n.name, activation: n.kind as 'tanh' });

/** The tfjs layer of each layer of the catalogue. */
export const TFJS_LAYERS: Lowering<tf.layers.Layer, Ctx> = {
  dense: (n, ctx) => tf.layers.dense({ units: num(n, 'units'), activation: act(n), ...weightArgs(n, ctx) }),
  // tfjs' Flatten refuses inputs that are already flat; Keras passes them through
  flatten: (n) => (n.input.length === 1 ? tf.layers.reshape({ name: n.name, targetShape: n.shape }) : tf.layers.flatten({ name: n.name })),
  // the shape the core inferred: tfjs cannot resolve a -1 statically
  reshape: (n) => tf.layers.reshape({ name: n.name, targetShape: n.shape }),
  dropout: (n, ctx) => new SeededDropout({ name: n.name, rate: num(n, 'rate'), noise: ctx.noise }),
  poly_features: (n) => new PolyFeatures({ name: n.name, degree: num(n, 'degree'), cross: n.args.cross === true, sin: n.args.sin === true }),
  relu: (n) => tf.layers.reLU({ name: n.name }),
  leaky_relu: (n) => tf.layers.leakyReLU({ name: n.name, alpha: num(n, 'alpha') }),
  elu: (n) => tf.layers.elu({ name: n.name }),
  // tfjs' Softmax layer defaults to axis 1; Keras (and the docs) mean the last axis
  softmax: (n) => tf.layers.softmax({ name: n.name, axis: n.input.length }),
  gelu: activationLayer,
  sigmoid: activationLayer,
  tanh: activationLayer,
  batch_norm: (n) => tf.layers.batchNormalization({ name: n.name, momentum: num(n, 'momentum'), epsilon: num(n, 'epsilon') }),
  layer_norm: (n) => tf.layers.layerNormalization({ name: n.name, epsilon: num(n, 'epsilon') }),
  conv1d: (n, ctx) => {
    const [k] = nums(n, 'kernel');
    const [s] = nums(n, 'stride');
    const [d] = nums(n, 'dilation');
    return tf.layers.conv1d({ filters: num(n, 'filters'), kernelSize: k, strides: s, dilationRate: d, padding: str(n, 'padding') as 'valid', activation: act(n), ...weightArgs(n, ctx) });
  },
  conv2d: (n, ctx) => {
    const args = {
      filters: num(n, 'filters'),
      kernelSize: nums(n, 'kernel'),
      strides: nums(n, 'stride'),
      dilationRate: nums(n, 'dilation') as [number, number],
      padding: str(n, 'padding') as 'valid',
      activation: act(n),
      ...weightArgs(n, ctx),
    };
    // tfjs' own Conv2D cannot differentiate a dilated convolution without activation, and
    // differentiates an undilated one into its input whether asked or not
    return new NnConv2D(args);
  },
  max_pool: pooling,
  avg_pool: pooling,
  global_avg_pool: (n) => (n.input.length === 2 ? tf.layers.globalAveragePooling1d({ name: n.name }) : tf.layers.globalAveragePooling2d({ name: n.name })),
  global_max_pool: (n) => (n.input.length === 2 ? tf.layers.globalMaxPooling1d({ name: n.name }) : tf.layers.globalMaxPooling2d({ name: n.name })),
  upsampling: (n) => tf.layers.upSampling2d({ name: n.name, size: nums(n, 'size') }),
  embedding: (n, ctx) =>
    tf.layers.embedding({ name: n.name, inputDim: num(n, 'vocab'), outputDim: num(n, 'dim'), ...(ctx.seed === undefined ? {} : { embeddingsInitializer: seededInit('glorotUniform', ctx.seed) }) }),
  positional_embedding: (n, ctx) => new PositionalEmbedding({ name: n.name, kind: str(n, 'kind') as 'learned', seed: ctx.seed }),
  simple_rnn: (n, ctx) => tf.layers.simpleRNN({ name: n.name, units: num(n, 'units'), returnSequences: n.args.return_sequences === true, activation: act(n), ...rnnInit(ctx) }),
  // the gates use the sigmoid, as Keras' and PyTorch's do and docs/reference.md says (tfjs'
  // default is the hard sigmoid, which is also 4 more kernels a gate and time step in training)
  lstm: (n, ctx) => tf.layers.lstm({ name: n.name, units: num(n, 'units'), returnSequences: n.args.return_sequences === true, recurrentActivation: 'sigmoid', ...rnnInit(ctx) }),
  gru: (n, ctx) => {
    const args = { name: n.name, units: num(n, 'units'), returnSequences: n.args.return_sequences === true, recurrentActivation: 'sigmoid' as const, ...rnnInit(ctx) };
    return n.args.reset_after === true ? resetAfterGru(args) : tf.layers.gru(args);
  },
  bidirectional: (n, ctx) => {
    const inner = innerLayer(n);
    const layer = lower(TFJS_LAYERS, inner, ctx) as unknown as tf.RNN;
    return tf.layers.bidirectional({ name: n.name, layer, mergeMode: str(n, 'merge') as 'concat' });
  },
  self_attention: (n, ctx) =>
    new SelfAttention({ name: n.name, heads: num(n, 'heads'), keyDim: keyDim(n), dropout: num(n, 'dropout'), causal: n.args.causal === true, seed: ctx.seed, noise: ctx.noise }),
  transformer_encoder: (n, ctx) =>
    new TransformerEncoder({
      name: n.name,
      heads: num(n, 'heads'),
      keyDim: keyDim(n),
      dropout: num(n, 'dropout'),
      ff: num(n, 'ff'),
      activation: str(n, 'activation') as 'relu',
      seed: ctx.seed,
      noise: ctx.noise,
    }),
};

function keyDim(n: LayerNodeDesc): number | null {
  return typeof n.args.key_dim === 'number' ? n.args.key_dim : null;
}

function kernelInit(ctx: Ctx): { kernelInitializer?: Initializer } {
  return ctx.seed === undefined ? {} : { kernelInitializer: seededInit('glorotUniform', ctx.seed) };
}

/** A recurrent layer's kernel and its recurrent kernel (orthogonal, as Keras), both seeded. */
function rnnInit(ctx: Ctx): { kernelInitializer?: Initializer; recurrentInitializer?: Initializer } {
  return ctx.seed === undefined ? {} : { ...kernelInit(ctx), recurrentInitializer: seededInit('orthogonal', ctx.seed, 1) };
}

/** Compile a model description (made from a graph that checked without errors: core/model.ts). */
export function compileModel(desc: ModelDesc, options: CompileOptions = {}): Compiled {
  const tensors = new Map<number, SymbolicTensor>();
  const layers = new Map<number, tf.layers.Layer>();
  let input: SymbolicTensor | undefined;
  const noise = new DropoutNoise();
  let seed = options.seed;
  const nextSeed = () => (seed === undefined ? undefined : seed++);
  for (const n of desc.nodes) {
    if (n.kind === 'input') {
      input = tf.input({ shape: n.shape, name: n.name });
      tensors.set(n.id, input);
      continue;
    }
    const ins = n.inputs.map((i) => tensors.get(i));
    if (ins.length === 0 || ins.some((t) => t === undefined)) throw new CompileError(`layer '${n.name}' has no input`);
    const layer = isLayerNode(n) ? lower(TFJS_LAYERS, n, { seed: nextSeed(), noise }) : n.kind === 'add' ? tf.layers.add({ name: n.name }) : tf.layers.concatenate({ name: n.name });
    const out = layer.apply(ins.length === 1 ? ins[0]! : (ins as SymbolicTensor[])) as SymbolicTensor;
    if (n.kind === 'bidirectional' && seed !== undefined) reseedBackward(layer, nextSeed()!);
    tensors.set(n.id, out);
    layers.set(n.id, layer);
  }
  if (!input) throw new CompileError(`model '${desc.name}' has no input`);
  const model = tf.model({ inputs: input, outputs: tensors.get(desc.output)!, name: desc.name });
  return { model, layers, noise };
}

/**
 * tfjs builds a bidirectional layer's backward copy from the forward layer's config, seeds
 * included, so both directions would start from the same weights: give the backward one its own.
 */
function reseedBackward(layer: tf.layers.Layer, seed: number): void {
  const backward = (layer as unknown as { backwardLayer?: tf.layers.Layer }).backwardLayer;
  if (!backward) throw new CompileError(`bidirectional layer '${layer.name}' has no backward layer`);
  backward.weights.forEach((w, i) => {
    const kind = w.originalName.endsWith('recurrent_kernel') ? 'orthogonal' : w.originalName.endsWith('kernel') ? 'glorotUniform' : undefined;
    if (!kind) return; // biases start from constants
    const value = seededInit(kind, seed, i).apply(w.shape);
    w.write(value);
    value.dispose();
  });
}
