// max_pool, avg_pool (1-D or 2-D by input rank), global_avg_pool, global_max_pool, upsampling

import type { LayerSpec, LayerCtx, LayerInference } from '../types';
import { requireRank, unknownDims, passThrough } from '../common';
import { windowOutput, type Shape, mulOrNull, extend } from '../../shape';

const poolRankAdvice = (got: number) =>
  got === 1 ? 'pooling needs a sequence or an image; a flat vector has no axis to pool over' : undefined;

function poolInfer(ctx: LayerCtx, layer: string): LayerInference {
  if (!requireRank(ctx, layer, [2, 3], poolRankAdvice)) return passThrough(null);
  const input = ctx.input;
  if (input === null) return passThrough(null);
  const dims = input.length - 1;
  const size = ctx.args.size as number[] | undefined;
  const stride = (ctx.args.stride as number[] | undefined) ?? size;
  const padding = ctx.args.padding as string | undefined;
  if (!size || !stride || padding === undefined) return passThrough(extend(unknownDims(dims), input[dims]));
  if (dims === 1 && (size[0] !== size[1] || stride[0] !== stride[1])) {
    ctx.report('NN205', 'wrongType', { what: `${layer} on a sequence`, expected: 'one window size, not a [height, width] pair', got: `[${size.join(', ')}]` }, ctx.given.stride !== undefined && stride[0] !== stride[1] ? 'stride' : 'size');
  }
  const out: Shape = [];
  let tooLarge = false;
  for (let i = 0; i < dims; i++) {
    const n = input[i];
    if (padding === 'valid' && n !== null && size[i] > n) tooLarge = true;
    const o = windowOutput(n, size[i], stride[i], padding);
    out.push(o !== null && o <= 0 ? null : o);
  }
  if (tooLarge) {
    ctx.report(
      'NN305',
      'kernelTooLarge',
      {
        layer,
        what: 'window',
        size: size.slice(0, dims).join('x'),
        input: input.slice(0, dims).map((d) => d ?? '?').join('x'),
        advice: 'use a smaller size, padding: same, or remove a pooling layer',
      },
      'size',
    );
  }
  return passThrough(extend(out, input[dims]));
}

function pool<N extends 'max_pool' | 'avg_pool'>(name: N): LayerSpec<N> {
  const max = name === 'max_pool';
  return {
    name,
    category: 'layer',
    group: 'pooling',
    ranks: [2, 3],
    params: [
      { name: 'size', type: { t: 'ints', n: 2, min: 1 }, default: [2, 2], aliases: ['pool_size', 'kernel_size'], doc: 'window size: 2, or [height, width] on images' },
      { name: 'stride', type: { t: 'ints', n: 2, min: 1 }, aliases: ['strides'], namedOnly: true, doc: 'step between windows; the window size when not given' },
      { name: 'padding', type: { t: 'enum', values: ['valid', 'same'], what: 'padding' }, default: 'valid', namedOnly: true, doc: "'valid' drops the border that does not fill a window; 'same' keeps ceil(n / stride)" },
    ],
    doc: {
      summary: max
        ? 'Keeps the largest value in each window: halves height and width with size 2.'
        : 'Averages each window: halves height and width with size 2.',
      formula: max ? 'y[i, j, c] = max over the window of x' : 'y[i, j, c] = mean over the window of x',
      explain:
        (max
          ? 'Shrinks the feature map and keeps the strongest response, so small shifts of the input matter less. '
          : 'Shrinks the feature map smoothly. ') + 'It works on images [H, W, C] (2-D) and on sequences [T, C] (1-D).',
      equivalent: max ? 'Keras MaxPooling1D/2D, PyTorch nn.MaxPool1d/2d' : 'Keras AveragePooling1D/2D, PyTorch nn.AvgPool1d/2d',
    },
    infer: (ctx) => poolInfer(ctx, name),
  };
}

export const maxPool = pool('max_pool');
export const avgPool = pool('avg_pool');

function globalPool<N extends 'global_avg_pool' | 'global_max_pool'>(name: N): LayerSpec<N> {
  const max = name === 'global_max_pool';
  return {
    name,
    category: 'layer',
    group: 'pooling',
    ranks: [2, 3],
    params: [],
    doc: {
      summary: `${max ? 'Takes the maximum' : 'Averages'} over all positions, one value per channel: [H, W, C] or [T, C] becomes [C].`,
      formula: max ? 'y[c] = max over positions of x[..., c]' : 'y[c] = mean over positions of x[..., c]',
      explain: 'Replaces flatten before the classifier in modern CNNs: no weights, and the model no longer depends on the exact image size.',
      equivalent: max ? 'Keras GlobalMaxPooling1D/2D, PyTorch AdaptiveMaxPool(1)' : 'Keras GlobalAveragePooling1D/2D, PyTorch AdaptiveAvgPool(1)',
    },
    infer(ctx) {
      if (!requireRank(ctx, name, [2, 3], poolRankAdvice)) return passThrough([null]);
      const input = ctx.input;
      return passThrough([input === null ? null : input[input.length - 1]]);
    },
  };
}

export const globalAvgPool = globalPool('global_avg_pool');
export const globalMaxPool = globalPool('global_max_pool');

export const upsampling: LayerSpec<'upsampling'> = {
  name: 'upsampling',
  category: 'layer',
  group: 'pooling',
  ranks: [3],
  params: [{ name: 'size', type: { t: 'ints', n: 2, min: 1 }, default: [2, 2], aliases: ['scale_factor'], doc: 'factor for height and width: 2, or [h, w]' }],
  doc: {
    summary: 'Repeats rows and columns: [H, W, C] becomes [H·size, W·size, C].',
    formula: 'y[i, j, c] = x[floor(i / size_h), floor(j / size_w), c]',
    explain: 'The opposite of pooling, used in decoders and autoencoders to grow a feature map back (nearest neighbour).',
    equivalent: 'Keras UpSampling2D, PyTorch nn.Upsample(mode="nearest")',
  },
  infer(ctx) {
    if (!requireRank(ctx, 'upsampling', [3])) return passThrough(null);
    const input = ctx.input ?? unknownDims(3);
    const size = ctx.args.size as number[] | undefined;
    return passThrough([mulOrNull(input[0], size?.[0] ?? null), mulOrNull(input[1], size?.[1] ?? null), input[2]]);
  },
};

