// A checked model graph -> a tfjs LayersModel, one tfjs layer per graph node with the node's
// name. Shape inference in the core and this compiler must agree exactly; the oracle tests
// (test/unit/oracle.test.ts) compare them on every sample and on random models.

import { tf, type SymbolicTensor } from './tf';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { ModelGraph, LayerNode } from '../core/graph';
import type { BoundFn } from '../core/catalog/types';
import { ACTIVATION_FUNCTIONS } from '../core/catalog/common';
import { PolyFeatures } from './layers/poly-features';
import { SelfAttention, TransformerEncoder } from './layers/attention';
import { PositionalEmbedding } from './layers/positional-embedding';
import { DilatedConv2D } from './layers/dilated-conv2d';
import { seededInit } from './layers/seeds';
import { DropoutNoise, SeededDropout } from './layers/dropout';

export class CompileError extends Error {}

export interface CompileOptions {
  /** seeds the weight initializers, so the same seed gives the same starting weights */
  seed?: number;
}

export interface Compiled {
  model: tf.LayersModel;
  /** the tfjs layer of each graph node (by node id) */
  layers: Map<number, tf.layers.Layer>;
  /** where the model's dropout masks come from: the trainer seeds it at each step */
  noise: DropoutNoise;
}

type LayerArgs = {
  name: string;
  /** seeds every initializer of the layer (see seededInit); unseeded when undefined */
  seed?: number;
  /** the output shape the core inferred (tfjs cannot resolve a -1 statically) */
  outShape?: (number | null)[] | null;
  /** the dropout masks' source (runtime/layers/dropout.ts); unseeded masks without it */
  noise?: DropoutNoise;
};

function concrete(s: (number | null)[] | null | undefined): number[] | undefined {
  return s && s.every((d) => d !== null) ? (s as number[]) : undefined;
}

function regularizer(fn: unknown) {
  const r = fn as BoundFn | undefined;
  if (!r) return undefined;
  switch (r.spec.name) {
    case 'l1':
      return tf.regularizers.l1({ l1: r.args.l1 as number });
    case 'l2':
      return tf.regularizers.l2({ l2: r.args.l2 as number });
    default:
      return tf.regularizers.l1l2({ l1: r.args.l1 as number, l2: r.args.l2 as number });
  }
}

function act(a: unknown) {
  return ACTIVATION_FUNCTIONS[a as string] as 'linear';
}

/** The tfjs layer for one catalogue layer. `rank` is the input rank without the batch axis. */
export function buildLayer(kind: string, args: Record<string, unknown>, rank: number, base: LayerArgs): tf.layers.Layer {
  const a = args;
  const weights = {
    useBias: a.use_bias !== false,
    kernelRegularizer: regularizer(a.kernel_regularizer),
    biasRegularizer: regularizer(a.bias_regularizer),
    ...kernelInit(base),
  };
  const name = base.name;
  switch (kind) {
    case 'dense':
      return tf.layers.dense({ name, units: a.units as number, activation: act(a.activation), ...weights });
    case 'flatten':
      // tfjs' Flatten refuses inputs that are already flat; Keras passes them through
      return rank === 1 ? tf.layers.reshape({ name, targetShape: concrete(base.outShape) ?? [-1] }) : tf.layers.flatten({ name });
    case 'reshape':
      return tf.layers.reshape({ name, targetShape: concrete(base.outShape) ?? (a.shape as number[]) });
    case 'dropout':
      return new SeededDropout({ name, rate: a.rate as number, noise: base.noise });
    case 'poly_features':
      return new PolyFeatures({ name, degree: a.degree as number });
    case 'relu':
      return tf.layers.reLU({ name });
    case 'leaky_relu':
      return tf.layers.leakyReLU({ name, alpha: a.alpha as number });
    case 'elu':
      return tf.layers.elu({ name });
    case 'softmax':
      // tfjs' Softmax layer defaults to axis 1; Keras (and the docs) mean the last axis
      return tf.layers.softmax({ name, axis: rank });
    case 'gelu':
    case 'sigmoid':
    case 'tanh':
      return tf.layers.activation({ name, activation: kind as 'tanh' });
    case 'batch_norm':
      return tf.layers.batchNormalization({ name, momentum: a.momentum as number, epsilon: a.epsilon as number });
    case 'layer_norm':
      return tf.layers.layerNormalization({ name, epsilon: a.epsilon as number });
    case 'conv1d': {
      const [k] = a.kernel as number[];
      const [s] = a.stride as number[];
      const [d] = a.dilation as number[];
      return tf.layers.conv1d({ name, filters: a.filters as number, kernelSize: k, strides: s, dilationRate: d, padding: a.padding as 'valid', activation: act(a.activation), ...weights });
    }
    case 'conv2d': {
      const args = {
        name,
        filters: a.filters as number,
        kernelSize: a.kernel as number[],
        strides: a.stride as number[],
        dilationRate: a.dilation as [number, number],
        padding: a.padding as 'valid',
        activation: act(a.activation),
        ...weights,
      };
      // tfjs' own Conv2D cannot differentiate a dilated convolution without activation
      return args.dilationRate.some((d) => d !== 1) ? new DilatedConv2D(args) : tf.layers.conv2d(args);
    }
    case 'max_pool':
    case 'avg_pool': {
      const size = a.size as number[];
      const stride = (a.stride as number[] | undefined) ?? size;
      const padding = a.padding as 'valid';
      if (rank === 2) {
        const c = { name, poolSize: size[0], strides: stride[0], padding };
        return kind === 'max_pool' ? tf.layers.maxPooling1d(c) : tf.layers.averagePooling1d(c);
      }
      const c = { name, poolSize: size as [number, number], strides: stride as [number, number], padding };
      return kind === 'max_pool' ? tf.layers.maxPooling2d(c) : tf.layers.averagePooling2d(c);
    }
    case 'global_avg_pool':
      return rank === 2 ? tf.layers.globalAveragePooling1d({ name }) : tf.layers.globalAveragePooling2d({ name });
    case 'global_max_pool':
      return rank === 2 ? tf.layers.globalMaxPooling1d({ name }) : tf.layers.globalMaxPooling2d({ name });
    case 'upsampling':
      return tf.layers.upSampling2d({ name, size: a.size as number[] });
    case 'embedding':
      return tf.layers.embedding({ name, inputDim: a.vocab as number, outputDim: a.dim as number, ...(base.seed === undefined ? {} : { embeddingsInitializer: seededInit('glorotUniform', base.seed) }) });
    case 'positional_embedding':
      return new PositionalEmbedding({ name, kind: a.kind as 'learned', seed: base.seed });
    case 'simple_rnn':
      return tf.layers.simpleRNN({ name, units: a.units as number, returnSequences: a.return_sequences === true, activation: act(a.activation), ...rnnInit(base) });
    // the gates use the sigmoid, as Keras' and PyTorch's do and docs/reference.md says (tfjs'
    // default is the hard sigmoid, which is also 4 more kernels a gate and time step in training)
    case 'lstm':
      return tf.layers.lstm({ name, units: a.units as number, returnSequences: a.return_sequences === true, recurrentActivation: 'sigmoid', ...rnnInit(base) });
    case 'gru':
      return tf.layers.gru({ name, units: a.units as number, returnSequences: a.return_sequences === true, recurrentActivation: 'sigmoid', ...rnnInit(base) });
    case 'bidirectional': {
      const inner = a.layer as BoundFn;
      const layer = buildLayer(inner.spec.name, inner.args, rank, { ...base, name: `${name}_${inner.spec.name}` }) as unknown as tf.RNN;
      return tf.layers.bidirectional({ name, layer, mergeMode: a.merge as 'concat' });
    }
    case 'self_attention':
      return new SelfAttention({ name, heads: a.heads as number, keyDim: (a.key_dim as number | undefined) ?? null, dropout: a.dropout as number, causal: a.causal === true, seed: base.seed, noise: base.noise });
    case 'transformer_encoder':
      return new TransformerEncoder({
        name,
        heads: a.heads as number,
        keyDim: (a.key_dim as number | undefined) ?? null,
        dropout: a.dropout as number,
        ff: a.ff as number,
        activation: a.activation as 'relu',
        seed: base.seed,
        noise: base.noise,
      });
    default:
      throw new CompileError(`no tfjs layer for '${kind}'`);
  }
}

function kernelInit(base: LayerArgs): { kernelInitializer?: Initializer } {
  return base.seed === undefined ? {} : { kernelInitializer: seededInit('glorotUniform', base.seed) };
}

/** A recurrent layer's kernel and its recurrent kernel (orthogonal, as Keras), both seeded. */
function rnnInit(base: LayerArgs): { kernelInitializer?: Initializer; recurrentInitializer?: Initializer } {
  return base.seed === undefined ? {} : { ...kernelInit(base), recurrentInitializer: seededInit('orthogonal', base.seed, 1) };
}

/** Compile a model graph that checked without errors. */
export function compileModel(graph: ModelGraph, options: CompileOptions = {}): Compiled {
  if (graph.hasErrors) throw new CompileError(`model '${graph.name}' has errors; run nn check`);
  const tensors = new Map<number, SymbolicTensor>();
  const layers = new Map<number, tf.layers.Layer>();
  let input: SymbolicTensor | undefined;
  const noise = new DropoutNoise();
  let seed = options.seed;
  const nextSeed = () => (seed === undefined ? undefined : seed++);
  for (const n of graph.nodes) {
    if (n.kind === 'input') {
      if (!n.shape || n.shape.some((d) => d === null)) throw new CompileError(`model '${graph.name}' has no known input shape`);
      input = tf.input({ shape: n.shape as number[], name: n.name });
      tensors.set(n.id, input);
      continue;
    }
    const ins = n.inputs.map((i) => tensors.get(i));
    if (ins.length === 0 || ins.some((t) => t === undefined)) throw new CompileError(`layer '${n.name}' has no input`);
    const layer = makeLayer(n, ins as SymbolicTensor[], nextSeed(), noise);
    const out = layer.apply(ins.length === 1 ? ins[0]! : (ins as SymbolicTensor[])) as SymbolicTensor;
    if (n.kind === 'bidirectional' && seed !== undefined) reseedBackward(layer, nextSeed()!);
    tensors.set(n.id, out);
    layers.set(n.id, layer);
  }
  if (!input || graph.output === undefined) throw new CompileError(`model '${graph.name}' has no layers`);
  const model = tf.model({ inputs: input, outputs: tensors.get(graph.output)!, name: graph.name });
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

function makeLayer(n: LayerNode, ins: SymbolicTensor[], seed: number | undefined, noise: DropoutNoise): tf.layers.Layer {
  if (n.kind === 'add') return tf.layers.add({ name: n.name });
  if (n.kind === 'concat') return tf.layers.concatenate({ name: n.name });
  const rank = ins[0].shape.length - 1;
  return buildLayer(n.kind, n.args, rank, { name: n.name, seed, outShape: n.shape, noise });
}
