// Activation layers: relu, leaky_relu, elu, gelu, sigmoid, tanh, softmax

import type { LayerSpec, Doc, ParamSpec } from '../types';
import { passThrough } from '../common';

function activation<N extends string>(name: N, doc: Doc, params: ParamSpec[] = []): LayerSpec<N> {
  return {
    name,
    category: 'layer',
    group: 'activation',
    params,
    doc,
    infer: (ctx) => passThrough(ctx.input),
  };
}

export const relu = activation('relu', {
  summary: 'Rectified linear unit: keeps positive values, replaces negatives with 0.',
  formula: 'y = max(0, x)',
  explain:
    'The default hidden-layer activation: cheap, and its gradient is 1 for positive inputs, so deep networks train faster than with sigmoid or tanh. A unit whose input stays negative stops learning ("dying ReLU"); leaky_relu avoids that.',
  equivalent: 'Keras ReLU, PyTorch nn.ReLU',
});

export const leakyRelu = activation(
  'leaky_relu',
  {
    summary: 'Like ReLU, but negative inputs keep a small slope alpha.',
    formula: 'y = x if x > 0, else alpha · x',
    explain: 'The small negative slope keeps a gradient flowing, so units cannot "die". Keras uses alpha = 0.3 by default, PyTorch 0.01.',
    equivalent: 'Keras LeakyReLU, PyTorch nn.LeakyReLU',
  },
  [{ name: 'alpha', type: { t: 'float', min: 0 }, default: 0.3, aliases: ['negative_slope'], doc: 'slope for negative inputs' }],
);

export const elu = activation('elu', {
  summary: 'Exponential linear unit: smooth for negative inputs, saturating at -1.',
  formula: 'y = x if x > 0, else exp(x) - 1',
  explain: 'Negative outputs push the mean activation towards 0, which can speed up learning.',
  equivalent: 'Keras ELU, PyTorch nn.ELU',
});

export const gelu = activation('gelu', {
  summary: 'Gaussian error linear unit, the activation of Transformers.',
  formula: 'y = x · Φ(x), Φ the standard normal CDF',
  explain: 'A smooth ReLU that weights inputs by how likely they are to be positive; used in BERT and GPT feed-forward layers.',
  equivalent: 'Keras activations.gelu, PyTorch nn.GELU',
});

export const sigmoid = activation('sigmoid', {
  summary: 'Squashes each value into (0, 1).',
  formula: 'y = 1 / (1 + exp(-x))',
  explain:
    'Reads as a probability, so it ends binary classifiers (or let binary_cross_entropy apply it to logits). In hidden layers it saturates: for large |x| the gradient is nearly 0, which slows deep networks.',
  equivalent: 'Keras sigmoid, PyTorch nn.Sigmoid',
});

export const tanh = activation('tanh', {
  summary: 'Squashes each value into (-1, 1), centred on 0.',
  formula: 'y = (exp(x) - exp(-x)) / (exp(x) + exp(-x))',
  explain: 'Zero-centred, unlike sigmoid; the usual activation inside RNNs. It saturates for large |x| too.',
  equivalent: 'Keras tanh, PyTorch nn.Tanh',
});

export const softmax = activation('softmax', {
  summary: 'Turns the last axis into probabilities that sum to 1.',
  formula: 'y_i = exp(x_i) / Σ_j exp(x_j)',
  explain:
    'Use it to read class probabilities. Do not put it before cross_entropy with from_logits (the default): that loss applies softmax itself, in a numerically stable way, and a second softmax flattens the gradients.',
  equivalent: 'Keras Softmax, PyTorch nn.Softmax(dim=-1)',
});
