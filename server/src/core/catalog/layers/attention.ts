// self_attention, transformer_encoder (custom tfjs layers in the runtime)

import type { LayerSpec, LayerCtx, ParamSpec } from '../types';
import { requireRank, asNum, weight } from '../common';
import type { Weight } from '../types';
import { mulOrNull, addOrNull, type Shape } from '../../shape';

const seqAdvice = (g: number) =>
  g === 1 ? 'attention reads a sequence [steps, dim]: put embedding() (for token ids) or reshape([steps, features]) before it' : undefined;

interface AttentionDims {
  steps: number | null;
  dim: number | null;
  heads: number | null;
  keyDim: number | null;
}

/** Resolve heads and key_dim; key_dim defaults to dim / heads, which must divide. */
function attentionDims(ctx: LayerCtx, name: string): AttentionDims | undefined {
  if (!requireRank(ctx, name, [2], seqAdvice)) return undefined;
  const input: Shape = ctx.input ?? [null, null];
  const steps = input[0];
  const dim = input[1];
  const heads = asNum(ctx.args.heads);
  let keyDim = asNum(ctx.args.key_dim);
  if (keyDim === null && ctx.given.key_dim === undefined && heads !== null && dim !== null) {
    if (dim % heads !== 0) ctx.report('NN313', 'headsDoNotDivide', { dim, heads }, 'heads');
    else keyDim = dim / heads;
  }
  return { steps, dim, heads, keyDim };
}

/** Query, key and value projections [dim -> heads·key_dim] with biases, and the output projection back to dim (the runtime's order). */
function attentionWeights(d: AttentionDims): Weight[] {
  const hk = mulOrNull(d.heads, d.keyDim);
  const proj = (name: string, din: number | null, dout: number | null) => [weight(`${name}_kernel`, [din, dout]), weight(`${name}_bias`, [dout])];
  return [...proj('query', d.dim, hk), ...proj('key', d.dim, hk), ...proj('value', d.dim, hk), ...proj('output', hk, d.dim)];
}

function attentionMacs(d: AttentionDims): number | null {
  const hk = mulOrNull(d.heads, d.keyDim);
  // projections: 4 · steps · dim · hk; scores and weighted sum: 2 · steps² · hk
  return addOrNull(mulOrNull(4, d.steps, d.dim, hk), mulOrNull(2, d.steps, d.steps, hk));
}

const attentionArgs: ParamSpec[] = [
  { name: 'heads', type: { t: 'int', min: 1 }, required: true, aliases: ['num_heads'], doc: 'number of attention heads' },
  { name: 'key_dim', type: { t: 'int', min: 1 }, namedOnly: true, aliases: ['head_dim'], doc: 'size of each head; dim / heads when not given' },
];
const dropoutArg = (def: number): ParamSpec => ({
  name: 'dropout',
  type: { t: 'float', min: 0, max: 1, maxOpen: true },
  default: def,
  namedOnly: true,
  doc: 'dropout rate during training',
});

export const selfAttention: LayerSpec<'self_attention'> = {
  name: 'self_attention',
  category: 'layer',
  group: 'attention',
  ranks: [2],
  params: [
    ...attentionArgs,
    dropoutArg(0),
    { name: 'causal', type: { t: 'bool' }, default: false, namedOnly: true, doc: 'each step attends only to itself and earlier steps' },
  ],
  doc: {
    summary: 'Multi-head self-attention: every step of the sequence looks at every other step and takes a weighted mix.',
    formula: 'per head: softmax(Q Kᵀ / √key_dim) V with Q, K, V = x W_q, x W_k, x W_v; heads concatenated, then · W_o',
    explain:
      'The core of Transformers. The weights come from how well a query matches each key, so the layer learns which positions matter for which. Several heads attend to different things at once. Parameters: 3·(dim·h·k + h·k) + h·k·dim + dim.',
    equivalent: 'Keras MultiHeadAttention(x, x), PyTorch nn.MultiheadAttention',
  },
  infer(ctx) {
    const d = attentionDims(ctx, 'self_attention');
    if (!d) return { shape: null, weights: null, macs: null };
    return { shape: [d.steps, d.dim], weights: attentionWeights(d), macs: attentionMacs(d) };
  },
};

export const transformerEncoder: LayerSpec<'transformer_encoder'> = {
  name: 'transformer_encoder',
  category: 'layer',
  group: 'attention',
  ranks: [2],
  params: [
    ...attentionArgs,
    { name: 'ff', type: { t: 'int', min: 1 }, required: true, aliases: ['intermediate_dim', 'dim_feedforward'], doc: 'hidden size of the feed-forward part' },
    dropoutArg(0.1),
    { name: 'activation', type: { t: 'enum', values: ['relu', 'gelu'], what: 'activation' }, default: 'relu', namedOnly: true, doc: 'activation of the feed-forward part' },
  ],
  doc: {
    summary: 'One Transformer encoder block: self-attention and a feed-forward network, each with a residual connection and layer normalization.',
    formula: 'h = layer_norm(x + dropout(self_attention(x))); y = layer_norm(h + dropout(dense(dense(h, ff, activation), dim)))',
    explain:
      'Stack a few after embedding and positional_embedding, then global_avg_pool and dense for classification. The residual connections let gradients pass straight through, so deep stacks train.',
    equivalent: 'keras_hub TransformerEncoder, PyTorch nn.TransformerEncoderLayer',
  },
  infer(ctx) {
    const d = attentionDims(ctx, 'transformer_encoder');
    if (!d) return { shape: null, weights: null, macs: null };
    const ff = asNum(ctx.args.ff);
    const norm = (name: string) => [weight(`${name}_gamma`, [d.dim]), weight(`${name}_beta`, [d.dim])];
    return {
      shape: [d.steps, d.dim],
      weights: [
        ...attentionWeights(d),
        ...norm('norm1'),
        weight('ff1_kernel', [d.dim, ff]),
        weight('ff1_bias', [ff]),
        weight('ff2_kernel', [ff, d.dim]),
        weight('ff2_bias', [d.dim]),
        ...norm('norm2'),
      ],
      macs: addOrNull(attentionMacs(d), mulOrNull(2, d.steps, d.dim, ff)),
    };
  },
};
