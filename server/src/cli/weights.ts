// nn weights RUN [--layer NAME] [--last] [--threshold T] [--json]: each layer's weights of a run's
// saved checkpoint (best/, or last/ with --last): mean, standard deviation, min, max and the share
// near zero (|w| < T, stated: an L1 penalty's sparsity shows there), and for a small layer (at
// most 20 values) the values themselves: the w and b a linear regression learned.

import * as path from 'node:path';
import { loadModel, checkpointDir } from '../runtime/train/checkpoint';
import { UsageError, type Parsed } from './args';
import { CliError, readRunConfig, userError, weightsDir, weightsEpoch } from './common';
import { words } from './i18n';

/** A layer with at most this many values has them printed. */
export const SMALL_LAYER = 20;
/** |w| below this counts as near zero, unless --threshold says otherwise. */
export const NEAR_ZERO = 1e-3;

export interface WeightStats {
  /** the weight's own name in its layer: kernel, bias, ... */
  name: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  /** the share of values with |w| < threshold */
  nearZero: number;
  /** every value, row-major, for small layers */
  values?: number[];
}

export interface LayerWeights {
  layer: string;
  params: number;
  weights: WeightStats[];
}

/** Statistics of one weight's values (population standard deviation). */
export function weightStats(name: string, shape: number[], v: Float32Array, threshold: number, withValues: boolean): WeightStats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let near = 0;
  for (const x of v) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (Math.abs(x) < threshold) near++;
  }
  const n = v.length;
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (const x of v) sq += (x - mean) * (x - mean);
  return { name, shape, mean, std: n ? Math.sqrt(sq / n) : 0, min: n ? min : 0, max: n ? max : 0, nearZero: n ? near / n : 0, ...(withValues ? { values: Array.from(v) } : {}) };
}

const num = (v: number) => (v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(3) : String(Number(v.toPrecision(4))));

export async function weightsCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError(words().needsOne('weights', 'runFolder'));
  const runDir = args.positionals[0];
  const t = args.flags.get('threshold');
  const threshold = t === undefined ? NEAR_ZERO : Number(t);
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new UsageError(words().thresholdFlag(String(t)));
  const wanted = args.flags.get('layer');
  if (wanted === true) throw new UsageError(words().flagNeeds('layer', 'layerName'));
  const rc = readRunConfig(runDir);
  try {
    const last = args.flags.has('last');
    const dir = last ? checkpointDir(path.join(runDir, 'last')) : weightsDir(runDir, checkpointDir);
    if (!dir) throw new CliError(words().noLastWeights(runDir));
    const epoch = weightsEpoch(dir);
    const model = await loadModel(dir);
    const layers: LayerWeights[] = [];
    try {
      for (const l of model.layers) {
        if (!l.weights.length) continue;
        const params = l.weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
        const small = params <= SMALL_LAYER;
        layers.push({
          layer: l.name,
          params,
          weights: l.weights.map((w) => weightStats(w.originalName.slice(w.originalName.lastIndexOf('/') + 1), w.shape as number[], w.read().dataSync() as Float32Array, threshold, small)),
        });
      }
    } finally {
      model.dispose();
    }
    const shown = wanted === undefined ? layers : layers.filter((l) => l.layer === wanted);
    if (!shown.length) throw new CliError(wanted === undefined ? words().noWeightsIn(runDir) : words().noLayerNamed(runDir, wanted, layers.map((l) => l.layer)));
    if (args.flags.has('json')) {
      out(JSON.stringify({ run: runDir, train: rc.train, weights: dir, ...(epoch !== undefined ? { epoch } : {}), threshold, layers: shown }));
      return 0;
    }
    out(words().weightsHeader(rc.train, dir, epoch, threshold));
    for (const l of shown) {
      out(words().layerValues(l.layer, l.params));
      const width = Math.max(...l.weights.map((w) => `${w.name} [${w.shape.join(', ')}]`.length));
      for (const w of l.weights) {
        const head = `${w.name} [${w.shape.join(', ')}]`.padEnd(width);
        out(`  ${head}  ${words().weightStats(num(w.mean), num(w.std), num(w.min), num(w.max), (w.nearZero * 100).toFixed(1))}`);
        if (w.values) out(`  ${''.padEnd(width)}  ${words().valuesLabel} ${w.values.map(num).join(', ')}`);
      }
    }
    return 0;
  } catch (e) {
    return userError('weights', e, err);
  }
}
