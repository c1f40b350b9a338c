// conv1d, conv2d

import type { LayerSpec, LayerCtx, LayerInference, ParamSpec } from '../types';
import { activationParam, useBiasParam, regularizerParams, requireRank, unknownDims, asNum, kernelAndBias } from '../common';
import { windowOutput, type Shape, product, mulOrNull, extend } from '../../shape';

function convParams(dims: 1 | 2): ParamSpec[] {
  // tfjs-layers has no working 'causal' padding (wrong shapes, throws when run), so it is not offered
  const paddings = ['valid', 'same'];
  return [
    { name: 'filters', type: { t: 'int', min: 1 }, required: true, aliases: ['out_channels', 'channels'], doc: 'number of filters: the output channels' },
    {
      name: 'kernel',
      type: { t: 'ints', n: dims, min: 1 },
      required: true,
      aliases: ['kernel_size'],
      doc: dims === 1 ? 'window length' : 'window size: 3 for 3x3, or [height, width]',
    },
    { name: 'stride', type: { t: 'ints', n: dims, min: 1 }, default: new Array(dims).fill(1), aliases: ['strides'], namedOnly: true, doc: 'step between windows' },
    {
      name: 'padding',
      type: { t: 'enum', values: paddings, what: 'padding' },
      default: 'valid',
      namedOnly: true,
      doc: dims === 1 ? "'valid' (no padding: the sequence shrinks) or 'same' (pad to keep the length at stride 1)" : "'valid' (no padding: the output shrinks) or 'same' (pad to keep the size at stride 1)",
    },
    { name: 'dilation', type: { t: 'ints', n: dims, min: 1 }, default: new Array(dims).fill(1), aliases: ['dilation_rate'], namedOnly: true, doc: 'spacing between kernel taps' },
    activationParam,
    useBiasParam,
    ...regularizerParams,
  ];
}


function convInfer(ctx: LayerCtx, dims: 1 | 2): LayerInference {
  const layer = dims === 1 ? 'conv1d' : 'conv2d';
  const filters = asNum(ctx.args.filters);
  const ok = requireRank(ctx, layer, [dims + 1], (got) =>
    dims === 2
      ? got === 1
        ? 'a flat vector has no height and width: reshape it first, e.g. reshape([28, 28, 1])'
        : got === 2
          ? 'add a channel axis with reshape([..., 1]), or use conv1d for sequences'
          : undefined
      : got === 3
        ? 'use conv2d for images'
        : got === 1
          ? 'reshape it to [steps, 1] first'
          : undefined,
  );
  const useBias = ctx.args.use_bias !== false;
  const kernelDims = (ctx.args.kernel as number[] | undefined) ?? unknownDims(dims);
  if (!ok) return { shape: extend(unknownDims(dims), filters), weights: kernelAndBias(extend(kernelDims, null, filters), filters, useBias), macs: null };
  const input: Shape = ctx.input ?? unknownDims(dims + 1);
  const kernel = ctx.args.kernel as number[] | undefined;
  const stride = ctx.args.stride as number[] | undefined;
  const dilation = ctx.args.dilation as number[] | undefined;
  const padding = ctx.args.padding as string | undefined;
  if (stride && dilation && stride.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    ctx.report('NN312', 'strideAndDilation', { layer }, 'dilation');
  }
  const out: Shape = [];
  let tooLarge = false;
  for (let i = 0; i < dims; i++) {
    const n = input[i];
    if (!kernel || !stride || !dilation || padding === undefined) {
      out.push(null);
      continue;
    }
    const eff = (kernel[i] - 1) * dilation[i] + 1;
    if (padding === 'valid' && n !== null && eff > n) tooLarge = true;
    const o = windowOutput(n, kernel[i], stride[i], padding, dilation[i]);
    out.push(o !== null && o <= 0 ? null : o);
  }
  if (tooLarge && kernel && dilation) {
    const eff = kernel.map((k, i) => (k - 1) * dilation[i] + 1);
    ctx.report(
      'NN305',
      'kernelTooLarge',
      {
        layer,
        what: dilation.some((d) => d > 1) ? 'dilated kernel' : 'kernel',
        size: eff.join('x'),
        input: input.slice(0, dims).map((d) => d ?? '?').join('x'),
        advice: dims === 2 ? "use padding: same, a smaller kernel, or fewer pooling layers before it" : 'use padding: same or a smaller kernel',
      },
      'kernel',
    );
  }
  const cin = input[dims];
  const k = kernel ? kernel.reduce((a, b) => a * b, 1) : null;
  return {
    shape: extend(out, filters),
    weights: kernelAndBias(extend(kernelDims, cin, filters), filters, useBias),
    macs: mulOrNull(product(out), filters, k, cin),
  };
}

export const conv1d: LayerSpec<'conv1d'> = {
  name: 'conv1d',
  category: 'layer',
  group: 'convolution',
  ranks: [2],
  params: convParams(1),
  doc: {
    summary: 'A 1-D convolution over sequences [steps, channels]: the same small filters slide along the steps.',
    formula: 'y[t, f] = activation(b[f] + Σ_k Σ_c x[t·stride + k·dilation, c] · W[k, c, f])',
    explain: 'Finds local patterns in a sequence wherever they occur, with few weights: kernel × in_channels × filters + filters.',
    equivalent: 'Keras Conv1D, PyTorch nn.Conv1d (channels last here)',
  },
  infer: (ctx) => convInfer(ctx, 1),
  torch: { module: 'nn.Conv1d', params: ['in_channels', 'out_channels', 'kernel_size'] },
};

export const conv2d: LayerSpec<'conv2d'> = {
  name: 'conv2d',
  category: 'layer',
  group: 'convolution',
  ranks: [3],
  params: convParams(2),
  doc: {
    summary: 'A 2-D convolution over images [height, width, channels]: small filters slide over the image.',
    formula: 'y[i, j, f] = activation(b[f] + Σ_{u,v,c} x[i·s + u·d, j·s + v·d, c] · W[u, v, c, f])',
    explain:
      "Each filter is a small pattern detector (an edge, a texture) applied at every position, so the layer needs few weights: kernel_h × kernel_w × in_channels × filters + filters. 'valid' padding shrinks the image by kernel - 1; 'same' keeps it.",
    equivalent: 'Keras Conv2D, PyTorch nn.Conv2d (channels last here)',
  },
  infer: (ctx) => convInfer(ctx, 2),
  torch: { module: 'nn.Conv2d', params: ['in_channels', 'out_channels', 'kernel_size'] },
};

