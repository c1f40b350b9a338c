// Parameters and helpers shared by several layers.

import type { ParamSpec, LayerInference, LayerCtx, Weight } from './types';
import type { Shape } from '../shape';

/** Activation names accepted by `activation:` arguments, mapped to their tfjs names. */
export const ACTIVATION_FUNCTIONS = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  mish: 'mish',
} as const satisfies Record<string, string>;
/** An activation a layer's `activation:` takes; targets key their tables by it. */
export type ActivationName = keyof typeof ACTIVATION_FUNCTIONS;
/** Activations that exist only as layers (they take a parameter): suggest the layer instead. */
export const LAYER_ONLY_ACTIVATIONS = ['leaky_relu'] as const;

export const activationParam: ParamSpec = {
  name: 'activation',
  type: { t: 'enum', values: Object.keys(ACTIVATION_FUNCTIONS), what: 'activation' },
  default: 'linear',
  namedOnly: true,
  doc: 'the function applied to the output (linear = none)',
};

export const useBiasParam: ParamSpec = {
  name: 'use_bias',
  type: { t: 'bool' },
  default: true,
  namedOnly: true,
  aliases: ['bias'],
  doc: 'add a learned bias to each output',
};

export const regularizerParams: ParamSpec[] = [
  {
    name: 'kernel_regularizer',
    type: { t: 'fn', category: 'regularizer', what: 'regularizer' },
    namedOnly: true,
    aliases: ['regularizer', 'weight_decay'],
    doc: 'penalty on the weights added to the loss: l1(0.01), l2(0.01) or l1_l2(l1: .., l2: ..)',
  },
  {
    name: 'bias_regularizer',
    type: { t: 'fn', category: 'regularizer', what: 'regularizer' },
    namedOnly: true,
    doc: 'penalty on the biases added to the loss',
  },
];

export function unknownOutput(): LayerInference {
  return { shape: null, weights: null, macs: null };
}

export function passThrough(input: Shape | null, macs: number | null = 0): LayerInference {
  return { shape: input, weights: [], macs };
}

/** A weight tensor (trainable unless said otherwise). */
export function weight(name: string, shape: (number | null)[], trainable = true): Weight {
  return { name, shape, trainable };
}

/** A kernel and, when the layer uses one, a bias. */
export function kernelAndBias(kernel: (number | null)[], units: number | null, useBias: boolean): Weight[] {
  return useBias ? [weight('kernel', kernel), weight('bias', [units])] : [weight('kernel', kernel)];
}

export function rankName(rank: number): string {
  switch (rank) {
    case 1:
      return 'a flat [features]';
    case 2:
      return 'a sequence [steps, features]';
    case 3:
      return 'an image [height, width, channels]';
    default:
      return `a rank-${rank}`;
  }
}

/**
 * Check the input rank. Returns false (after reporting) when it does not match; when the rank is
 * unknown it returns true and the caller works with unknown dimensions.
 */
export function requireRank(ctx: LayerCtx, layer: string, ranks: readonly number[], advice?: (got: number) => string | undefined): boolean {
  const input = ctx.input;
  if (input === null || ranks.includes(input.length)) return true;
  ctx.report('NN303', 'wrongRank', {
    layer,
    expected: ranks.map(rankName).join(' or '),
    got: input,
    advice: advice?.(input.length),
  });
  return false;
}

/** A shape of `rank` unknown dimensions, used to carry on past an unknown input. */
export function unknownDims(rank: number): Shape {
  return new Array<null>(rank).fill(null);
}

export function asNum(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

export function asPair(v: unknown): [number, number] | null {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' ? [v[0], v[1]] : null;
}
