// embedding, positional_embedding

import type { LayerSpec } from '../types';
import { requireRank, asNum, weight } from '../common';
import { extend } from '../../shape';

export const embedding: LayerSpec<'embedding'> = {
  name: 'embedding',
  category: 'layer',
  group: 'embedding',
  params: [
    { name: 'vocab', type: { t: 'int', min: 1 }, required: true, aliases: ['input_dim', 'num_embeddings', 'vocab_size'], doc: 'number of distinct token ids (ids go from 0 to vocab - 1)' },
    { name: 'dim', type: { t: 'int', min: 1 }, required: true, aliases: ['output_dim', 'embedding_dim'], doc: 'length of the vector learned for each token' },
  ],
  doc: {
    summary: 'Looks up a learned vector for each integer token id: [steps] becomes [steps, dim].',
    formula: 'y[t] = E[x[t]], E a vocab × dim table of weights',
    explain: 'The way text and other categorical sequences enter a network: similar tokens end up with similar vectors. It needs integer ids, so it comes right after input.',
    equivalent: 'Keras Embedding, PyTorch nn.Embedding',
  },
  infer(ctx) {
    const vocab = asNum(ctx.args.vocab);
    const dim = asNum(ctx.args.dim);
    if (ctx.atModelInput === false) ctx.report('NN311', 'embeddingNeedsTokens', {});
    const input = ctx.input;
    return { shape: input === null ? null : extend(input, dim), weights: [weight('embeddings', [vocab, dim])], macs: 0 };
  },
};

export const positionalEmbedding: LayerSpec<'positional_embedding'> = {
  name: 'positional_embedding',
  category: 'layer',
  group: 'embedding',
  ranks: [2],
  params: [
    {
      name: 'kind',
      type: { t: 'enum', values: ['learned', 'sinusoidal'], what: 'positional embedding kind' },
      default: 'learned',
      doc: "'learned': a trained vector per position (steps × dim weights); 'sinusoidal': fixed sines and cosines (no weights)",
    },
  ],
  doc: {
    summary: 'Adds a vector that encodes each position to the sequence [steps, dim], so attention can tell positions apart.',
    formula: "learned: y[t] = x[t] + P[t]; sinusoidal: P[t, 2i] = sin(t / 10000^(2i/dim)), P[t, 2i+1] = cos(…)",
    explain: 'Self-attention treats its input as a set: without positions, "dog bites man" and "man bites dog" look the same. Put it after embedding and before the transformer blocks.',
    equivalent: 'keras_hub PositionEmbedding / SinePositionEncoding',
  },
  infer(ctx) {
    const ok = requireRank(ctx, 'positional_embedding', [2], (g) => (g === 1 ? 'put it after embedding(), which gives [steps, dim]' : undefined));
    const input = ok ? ctx.input : null;
    const kind = ctx.args.kind;
    const table = input === null ? [null, null] : [input[0], input[1]];
    return { shape: input, weights: kind === undefined ? null : kind === 'learned' ? [weight('positions', table)] : [], macs: 0 };
  },
};
