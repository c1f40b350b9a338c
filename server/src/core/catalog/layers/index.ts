// The layer catalogue. To add a layer, see ARCHITECTURE.md "How to add a layer".

import type { LayerSpec } from '../types';
import { dense, flatten, reshape, dropout, polyFeatures } from './core';
import { relu, leakyRelu, elu, gelu, sigmoid, tanh, softmax } from './activations';
import { batchNorm, layerNorm } from './normalization';
import { conv1d, conv2d } from './conv';
import { maxPool, avgPool, globalAvgPool, globalMaxPool, upsampling } from './pooling';
import { simpleRnn, lstm, gru, bidirectional } from './recurrent';
import { embedding, positionalEmbedding } from './embedding';
import { selfAttention, transformerEncoder } from './attention';

export const LAYERS = [
  dense,
  flatten,
  reshape,
  dropout,
  polyFeatures,
  relu,
  leakyRelu,
  elu,
  gelu,
  sigmoid,
  tanh,
  softmax,
  batchNorm,
  layerNorm,
  conv1d,
  conv2d,
  maxPool,
  avgPool,
  globalAvgPool,
  globalMaxPool,
  upsampling,
  simpleRnn,
  lstm,
  gru,
  bidirectional,
  embedding,
  positionalEmbedding,
  selfAttention,
  transformerEncoder,
] as const satisfies readonly LayerSpec[];

/**
 * The name of a layer of the catalogue. Every target (tfjs, PyTorch, ONNX) lowers layers through a
 * table keyed by it (`{ [K in LayerKind]: ... }`), so a layer added here without a lowering is a
 * type error in each target, not an error at run time.
 */
export type LayerKind = (typeof LAYERS)[number]['name'];

export function isLayerKind(name: string): name is LayerKind {
  return LAYER_BY_NAME.has(name);
}

export const LAYER_BY_NAME: ReadonlyMap<string, LayerSpec> = new Map(LAYERS.map((l): [string, LayerSpec] => [l.name, l]));
