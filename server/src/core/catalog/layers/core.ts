// dense, flatten, reshape, dropout, poly_features

import type { LayerSpec } from '../types';
import { activationParam, useBiasParam, regularizerParams, passThrough, unknownOutput, asNum, kernelAndBias } from '../common';
import { product, mulOrNull, type Shape, last, extend } from '../../shape';

export const dense: LayerSpec<'dense'> = {
  name: 'dense',
  category: 'layer',
  group: 'core',
  params: [
    { name: 'units', type: { t: 'int', min: 1 }, required: true, aliases: ['out_features', 'size'], doc: 'number of outputs (neurons)' },
    activationParam,
    useBiasParam,
    ...regularizerParams,
  ],
  doc: {
    summary: 'A fully connected layer: every output is a weighted sum of all inputs.',
    formula: 'y = activation(x · W + b)',
    explain:
      'Each of the `units` outputs has one weight per input and a bias. On inputs with more than one axis it acts on the last axis only, the same weights at every position.',
    equivalent: 'Keras Dense, PyTorch nn.Linear',
  },
  torch: { module: 'nn.Linear', params: ['in_features', 'out_features'] },
  infer({ input, args }) {
    const units = asNum(args.units);
    const useBias = args.use_bias !== false;
    if (input === null) return { shape: null, weights: kernelAndBias([null, units], units, useBias), macs: null };
    const inFeatures = last(input);
    const positions = product(input.slice(0, -1));
    return {
      shape: extend(input.slice(0, -1), units),
      weights: kernelAndBias([inFeatures, units], units, useBias),
      macs: mulOrNull(positions, inFeatures, units),
    };
  },
};

export const flatten: LayerSpec<'flatten'> = {
  name: 'flatten',
  category: 'layer',
  group: 'core',
  params: [],
  doc: {
    summary: 'Flattens all axes but the batch into one: [28, 28, 1] becomes [784].',
    formula: 'y = reshape(x, [-1])',
    explain: 'Needed between image layers (conv, pooling) and dense layers, which read a flat vector.',
    equivalent: 'Keras Flatten, PyTorch nn.Flatten',
  },
  infer(ctx) {
    const input = ctx.input;
    if (input === null) return passThrough([null]);
    if (input.length === 1) ctx.report('NN310', 'noOpLayer', { layer: 'flatten()', reason: 'its input is already flat' });
    return passThrough([product(input)]);
  },
};

export const reshape: LayerSpec<'reshape'> = {
  name: 'reshape',
  category: 'layer',
  group: 'core',
  params: [
    {
      name: 'shape',
      type: { t: 'shape', allowMinusOne: true },
      required: true,
      aliases: ['target_shape'],
      doc: 'the new shape without the batch axis; one dimension may be -1 to be computed',
    },
  ],
  doc: {
    summary: 'Rearranges the values into a new shape with the same number of elements.',
    formula: 'y = reshape(x, shape)',
    explain: 'One dimension can be -1: it is computed so that the element count stays the same.',
    equivalent: 'Keras Reshape, PyTorch x.view(...)',
  },
  infer(ctx) {
    const target = ctx.args.shape as number[] | undefined;
    if (!target) return unknownOutput();
    const minusOnes = target.filter((d) => d === -1).length;
    if (minusOnes > 1) {
      ctx.report('NN309', 'reshapeTwoUnknown', {}, 'shape');
      return passThrough(target.map((d) => (d === -1 ? null : d)));
    }
    const count = ctx.input === null ? null : product(ctx.input);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    let out: Shape = target.map((d) => (d === -1 ? null : d));
    if (count !== null) {
      if (minusOnes === 1) {
        if (count % known !== 0) {
          ctx.report('NN306', 'reshapeIndivisible', { from: ctx.input, to: target, count, known }, 'shape');
        } else {
          out = target.map((d) => (d === -1 ? count / known : d));
        }
      } else if (known !== count) {
        ctx.report('NN306', 'reshapeMismatch', { from: ctx.input, to: target, fromCount: count, toCount: known }, 'shape');
      }
    }
    return passThrough(out);
  },
};

export const dropout: LayerSpec<'dropout'> = {
  name: 'dropout',
  category: 'layer',
  group: 'core',
  params: [
    {
      name: 'rate',
      type: { t: 'float', min: 0, max: 1, maxOpen: true },
      required: true,
      aliases: ['p'],
      doc: 'fraction of inputs set to 0 during training, in [0, 1)',
    },
  ],
  doc: {
    summary: 'Randomly zeroes a fraction of its inputs during training; does nothing at inference.',
    formula: 'training: y = x · mask / (1 - rate), mask ~ Bernoulli(1 - rate); inference: y = x',
    explain:
      'A regularizer: units cannot rely on any single other unit, which reduces overfitting. The survivors are scaled up by 1/(1 - rate) so the expected sum is unchanged, which is why nothing needs to change at inference.',
    equivalent: 'Keras Dropout, PyTorch nn.Dropout',
  },
  infer(ctx) {
    if (ctx.args.rate === 0) ctx.report('NN310', 'noOpLayer', { layer: 'dropout(0)', reason: 'a rate of 0 drops nothing' }, 'rate');
    return passThrough(ctx.input);
  },
};

/** The most features poly_features may make; beyond it the layer is refused (NN317). */
export const MAX_POLY_FEATURES = 100_000;

/**
 * The terms poly_features makes from `features` inputs, in scikit-learn PolynomialFeatures' order
 * (without the constant): by degree, then in lexicographic order of the inputs they multiply. Each
 * term lists the input indices it multiplies (x1·x2 is [0, 1], x1³ is [0, 0, 0]). Without `cross`
 * only the powers of single inputs are kept: x1, x2, x1², x2², ... The sines (`sin: true`) follow
 * the terms and are not listed here. Engines compute exactly these products, in this order.
 */
export function polyTerms(features: number, degree: number, cross: boolean): number[][] {
  const terms: number[][] = [];
  let level: number[][] = [[]];
  for (let k = 1; k <= degree; k++) {
    const next: number[][] = [];
    for (const t of level) for (let f = t.length ? t[t.length - 1] : 0; f < features; f++) next.push([...t, f]);
    level = next;
    for (const t of level) if (cross || t.every((f) => f === t[0])) terms.push(t);
  }
  return terms;
}

/** How many features poly_features makes, counted without listing them (inputs may be many). */
export function polyFeatureCount(features: number, degree: number, cross: boolean, sin: boolean): number {
  let count = 0;
  if (cross) {
    // monomials of degree k in F variables: C(F + k - 1, k)
    let c = 1;
    for (let k = 1; k <= degree; k++) {
      c = (c * (features + k - 1)) / k;
      count += c;
    }
  } else count = features * degree;
  return Math.round(count) + (sin ? features : 0);
}

export const polyFeatures: LayerSpec<'poly_features'> = {
  name: 'poly_features',
  category: 'layer',
  group: 'core',
  ranks: [1],
  params: [
    { name: 'degree', type: { t: 'int', min: 1, max: 20 }, required: true, doc: 'highest power of each input' },
    { name: 'cross', type: { t: 'bool' }, default: false, namedOnly: true, aliases: ['interaction', 'interactions'], doc: 'also the products of different inputs up to the degree (x1·x2, x1²·x2, ...)' },
    { name: 'sin', type: { t: 'bool' }, default: false, namedOnly: true, aliases: ['sine'], doc: 'also sin(x) of each input' },
  ],
  doc: {
    summary: 'Polynomial features: each input x becomes x, x², …, x^degree; with cross: true also the products x1·x2, …; with sin: true also sin(x).',
    formula: 'y = [x, x², …, x^degree] (per input feature), then the cross products and sin(x) when asked',
    explain:
      'Followed by dense(1), this is polynomial regression: a model that is linear in its weights but fits a curve. A high degree on few points shows overfitting. On two inputs, poly_features(2, cross: true) gives x1, x2, x1², x1·x2, x2²: the features of the TensorFlow Playground, with which a single dense layer separates XOR (x1·x2) and the circle (x1², x2²).',
    equivalent: 'scikit-learn PolynomialFeatures(include_bias=False) with cross: true (its order); interaction terms off by default',
  },
  infer(ctx) {
    const degree = asNum(ctx.args.degree);
    const input = ctx.input;
    if (input === null) return passThrough([null]);
    if (input.length !== 1) {
      ctx.report('NN303', 'wrongRank', { layer: 'poly_features', expected: 'a flat [features]', got: input, advice: 'add flatten() before it' });
      return passThrough([null]);
    }
    if (input[0] === null || degree === null) return passThrough([null]);
    const count = polyFeatureCount(input[0], degree, ctx.args.cross === true, ctx.args.sin === true);
    if (count > MAX_POLY_FEATURES) {
      ctx.report('NN317', 'tooManyPolyFeatures', { count, features: input[0], max: MAX_POLY_FEATURES }, ctx.args.cross === true ? 'cross' : 'degree');
      return passThrough([null]);
    }
    return passThrough([count]);
  },
};
