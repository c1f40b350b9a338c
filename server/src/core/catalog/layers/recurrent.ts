// simple_rnn, lstm, gru, bidirectional

import type { LayerSpec, LayerCtx, LayerInference, BoundFn } from '../types';
import { requireRank, asNum, ACTIVATION_FUNCTIONS, weight } from '../common';
import type { Weight } from '../types';
import { mulOrNull, addOrNull } from '../../shape';

const seqAdvice = (got: number) =>
  got === 1
    ? 'recurrent layers read a sequence: reshape([steps, features]) first, or put embedding() before it for token ids'
    : got === 3
      ? 'reshape the image into a sequence first, e.g. reshape([28, 28]) reads each row as one step'
      : undefined;

/** Gates per cell: the weight blocks of each kind of recurrent layer. */
export const GATES: Record<string, number> = { simple_rnn: 1, lstm: 4, gru: 3 };

/**
 * tfjs-layers: kernel [F, g·u], recurrent kernel [u, g·u], one bias [g·u]; a GRU with reset_after
 * has Keras' two biases [2, 3·u] (the input's, then the recurrent product's).
 */
function rnnWeights(gates: number, features: number | null, units: number | null, resetAfter = false): Weight[] {
  const gu = mulOrNull(gates, units);
  return [weight('kernel', [features, gu]), weight('recurrent_kernel', [units, gu]), weight('bias', resetAfter ? [2, gu] : [gu])];
}

export function rnnInfer(ctx: LayerCtx, name: string): LayerInference {
  const units = asNum(ctx.args.units);
  const seq = ctx.args.return_sequences === true;
  const gates = GATES[name];
  const resetAfter = name === 'gru' && ctx.args.reset_after === true;
  if (!requireRank(ctx, name, [2], seqAdvice)) return { shape: seq ? [null, units] : [units], weights: rnnWeights(gates, null, units, resetAfter), macs: null };
  const steps = ctx.input === null ? null : ctx.input[0];
  const features = ctx.input === null ? null : ctx.input[1];
  return {
    shape: seq ? [steps, units] : [units],
    weights: rnnWeights(gates, features, units, resetAfter),
    macs: mulOrNull(steps, gates, units, units === null ? null : addOrNull(features, units)),
  };
}

function rnn<N extends 'simple_rnn' | 'lstm' | 'gru'>(name: N, summary: string, formula: string, explain: string, equivalent: string): LayerSpec<N> {
  return {
    name,
    category: 'layer',
    group: 'recurrent',
    ranks: [2],
    params: [
      { name: 'units', type: { t: 'int', min: 1 }, required: true, aliases: ['hidden_size'], doc: 'size of the hidden state' },
      {
        name: 'return_sequences',
        type: { t: 'bool' },
        default: false,
        namedOnly: true,
        doc: 'output the hidden state at every step [steps, units] (to stack recurrent layers) instead of only the last [units]',
      },
      ...(name === 'simple_rnn'
        ? [
            {
              name: 'activation',
              type: { t: 'enum' as const, values: Object.keys(ACTIVATION_FUNCTIONS), what: 'activation' },
              default: 'tanh',
              namedOnly: true,
              doc: 'activation of the hidden state',
            },
          ]
        : []),
      ...(name === 'gru'
        ? [
            {
              name: 'reset_after',
              type: { t: 'bool' as const },
              default: false,
              namedOnly: true,
              doc: "apply the reset gate after the recurrent product, with a second bias (Keras 3's default, and PyTorch's nn.GRU) instead of before it (Keras 2's reset_after=False)",
            },
          ]
        : []),
    ],
    doc: { summary, formula, explain, equivalent },
    infer: (ctx) => rnnInfer(ctx, name),
  };
}

export const simpleRnn = rnn(
  'simple_rnn',
  'A plain recurrent layer: the hidden state is updated from the input and the previous state at every step.',
  'h_t = tanh(x_t · W + h_{t-1} · U + b)',
  'The simplest recurrent network. Gradients shrink or explode over long sequences, which is why lstm and gru exist.',
  'Keras SimpleRNN, PyTorch nn.RNN',
);

export const lstm = rnn(
  'lstm',
  'Long short-term memory: a recurrent layer with input, forget and output gates and a cell state.',
  'i, f, o = σ(x_t W_{i,f,o} + h_{t-1} U_{i,f,o} + b); g = tanh(x_t W_g + h_{t-1} U_g + b_g); c_t = f·c_{t-1} + i·g; h_t = o·tanh(c_t)',
  'The cell state carries information across many steps, and the gates learn what to keep, so it learns long-range patterns that simple_rnn cannot. 4 weight blocks: 4·units·(features + units + 1) parameters.',
  'Keras LSTM, PyTorch nn.LSTM (PyTorch has two bias vectors, so it counts 4·units more)',
);

export const gru = rnn(
  'gru',
  'Gated recurrent unit: like lstm with fewer gates (update and reset) and no separate cell state.',
  'z, r = σ(x_t W_{z,r} + h_{t-1} U_{z,r} + b_{z,r}); h̃ = tanh(x_t W_h + (r·h_{t-1}) U_h + b_h); h_t = z·h_{t-1} + (1 - z)·h̃. With reset_after: true, z, r = σ(x_t W_{z,r} + b_{z,r} + h_{t-1} U_{z,r} + b\'_{z,r}); h̃ = tanh(x_t W_h + b_h + r·(h_{t-1} U_h + b\'_h))',
  '3 weight blocks instead of 4: faster than lstm and often as good. The update gate z keeps the old state: z near 1 carries h_{t-1} on unchanged, z near 0 replaces it by the candidate h̃; the reset gate r decides how much of the old state the candidate sees. Parameters: 3·units·(features + units + 1); with reset_after: true, a second bias: 3·units·(features + units + 2).',
  'Keras GRU(reset_after=False) (Keras 2); with reset_after: true, Keras 3\'s GRU and PyTorch\'s nn.GRU (its gates ordered r, z, n)',
);

export const bidirectional: LayerSpec<'bidirectional'> = {
  name: 'bidirectional',
  category: 'layer',
  group: 'recurrent',
  ranks: [2],
  params: [
    {
      name: 'layer',
      type: { t: 'fn', category: 'layer', what: 'recurrent layer', accepts: (s) => s.name in GATES },
      required: true,
      doc: 'the recurrent layer to run in both directions, e.g. lstm(64)',
    },
    { name: 'merge', type: { t: 'enum', values: ['concat', 'sum', 'mul', 'ave'], what: 'merge mode' }, default: 'concat', namedOnly: true, aliases: ['merge_mode'], doc: 'how the two directions combine' },
  ],
  doc: {
    summary: 'Runs a recurrent layer forwards and backwards over the sequence and combines both outputs.',
    formula: "y = merge(layer(x), reverse(layer'(reverse(x))))",
    explain: 'Each step then sees both its past and its future, useful when the whole sequence is known (classification, tagging), not for forecasting.',
    equivalent: 'Keras Bidirectional, PyTorch bidirectional=True',
  },
  infer(ctx) {
    const inner = ctx.args.layer as BoundFn | undefined;
    if (!inner) {
      requireRank(ctx, 'bidirectional', [2], seqAdvice);
      return { shape: null, weights: null, macs: null };
    }
    const r = rnnInfer({ ...ctx, args: inner.args, given: inner.given }, inner.spec.name);
    const merge = ctx.args.merge;
    const shape = r.shape === null ? null : r.shape.map((d, i, a) => (i < a.length - 1 ? d : merge === undefined ? null : merge === 'concat' ? mulOrNull(d, 2) : d));
    const both = r.weights && [...r.weights.map((w) => ({ ...w, name: `forward_${w.name}` })), ...r.weights.map((w) => ({ ...w, name: `backward_${w.name}` }))];
    return { shape, weights: both, macs: mulOrNull(r.macs, 2) };
  },
};
