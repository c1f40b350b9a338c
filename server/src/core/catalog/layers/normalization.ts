// batch_norm, layer_norm

import type { LayerSpec } from '../types';
import { last } from '../../shape';
import { weight } from '../common';

export const batchNorm: LayerSpec<'batch_norm'> = {
  name: 'batch_norm',
  category: 'layer',
  group: 'normalization',
  params: [
    { name: 'momentum', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0.99, doc: 'how slowly the running mean and variance follow each batch' },
    { name: 'epsilon', type: { t: 'float', min: 0, minOpen: true }, default: 0.001, aliases: ['eps'], doc: 'added to the variance to avoid dividing by 0' },
  ],
  doc: {
    summary: 'Normalizes each channel over the batch, then scales and shifts it with learned gamma and beta.',
    formula: 'training: y = gamma · (x - mean_batch) / sqrt(var_batch + epsilon) + beta; inference: the running mean and variance instead',
    explain:
      'Keeps activations in a stable range so higher learning rates work. It behaves differently in training (batch statistics) and inference (running averages, the 2 non-trainable parameters per channel). Keras momentum 0.99 equals PyTorch momentum 0.01.',
    equivalent: 'Keras BatchNormalization, PyTorch nn.BatchNorm1d/2d',
  },
  infer({ input }) {
    const c = input === null ? null : last(input);
    return {
      shape: input,
      weights: [weight('gamma', [c]), weight('beta', [c]), weight('moving_mean', [c], false), weight('moving_variance', [c], false)],
      macs: 0,
    };
  },
};

export const layerNorm: LayerSpec<'layer_norm'> = {
  name: 'layer_norm',
  category: 'layer',
  group: 'normalization',
  params: [{ name: 'epsilon', type: { t: 'float', min: 0, minOpen: true }, default: 0.001, aliases: ['eps'], doc: 'added to the variance to avoid dividing by 0' }],
  doc: {
    summary: 'Normalizes each sample over its last axis, then scales and shifts with learned gamma and beta.',
    formula: 'y = gamma · (x - mean(x)) / sqrt(var(x) + epsilon) + beta, statistics over the last axis',
    explain: 'Unlike batch_norm it does not depend on the batch, so it behaves the same in training and inference; the normalization of Transformers.',
    equivalent: 'Keras LayerNormalization, PyTorch nn.LayerNorm',
  },
  infer({ input }) {
    const c = input === null ? null : last(input);
    return { shape: input, weights: [weight('gamma', [c]), weight('beta', [c])], macs: 0 };
  },
};
