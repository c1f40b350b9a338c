// Inside the network while it trains (`layer_stats` in a train block): for each layer with
// trainable weights, and each activation layer, the statistics of a `layers` event
// (protocol.ts LayerStats). The trainer calls `measureStep` inside the tidy of the step it
// measures (the step's own gradients, before clipping, and the update the optimizer made) and
// `event` after it (the layers' outputs on the probe batch, in inference mode). When the
// setting is off none of this exists: the step is the step without it.

import { tf, type Tensor, type LayersModel } from '../tf';
import type { ModelDesc } from '../../core/model';
import { reportedLayers, PROBE_SAMPLES } from './inside';
import { HISTOGRAM_BINS, SATURATION, type Histogram, type LayerStats, type TrainEvent } from './protocol';
import type { NamedGrads } from './optimizers';

/** The limits of the saturating activations (their outputs' range). */
const SATURATING: Record<string, [number, number]> = { sigmoid: [0, 1], tanh: [-1, 1], hard_sigmoid: [0, 1] };

interface Reported {
  name: string;
  kind: string;
  activation?: string;
  /** the names of its trainable variables (the keys of a step's gradients) */
  variables: string[];
}

export interface WeightMeasure {
  norm: number;
  gradNorm: number;
  updateRatio: number;
  count: number;
  histogram: Histogram;
}

/** `HISTOGRAM_BINS` equal bins from the least to the largest finite value; non-finite values are not counted. */
export function histogram(values: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (!(min <= max)) return { min: 0, max: 0, counts };
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0]++;
  }
  return { min, max, counts };
}

/**
 * A layer's output `values` (samples × positions × units, units last) summarized: mean and
 * standard deviation (population) of all values, its histogram, and for relu the share of units
 * that are zero everywhere (dead), for sigmoid and tanh the share of values within SATURATION of
 * a limit.
 */
export function activationStats(values: ArrayLike<number>, units: number, activation: string | undefined): LayerStats['activations'] {
  let sum = 0;
  let sq = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = n ? sum / n : 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) * (values[i] - mean);
  const out: LayerStats['activations'] = { mean, std: n ? Math.sqrt(sq / n) : 0, units, histogram: histogram(values) };
  if (activation === 'relu' || activation === 'relu6') {
    const alive = new Uint8Array(units);
    for (let i = 0; i < n; i++) if (values[i] !== 0) alive[i % units] = 1;
    let dead = 0;
    for (let u = 0; u < units; u++) dead += alive[u] ? 0 : 1;
    out.dead = dead / units;
  }
  const limits = activation ? SATURATING[activation] : undefined;
  if (limits) {
    let sat = 0;
    for (let i = 0; i < n; i++) if (values[i] - limits[0] <= SATURATION || limits[1] - values[i] <= SATURATION) sat++;
    out.saturated = n ? sat / n : 0;
  }
  return out;
}

/** The statistics of one model's layers, on a fixed probe batch of its training data. */
export class LayerProbe {
  private readonly reported: Reported[];
  private readonly probeModel: LayersModel;
  private readonly probe: number;
  private readonly xs: Float32Array;
  /** the milliseconds the last measureStep spent measuring (its update not counted) */
  private stepMs = 0;

  /** `x`: the training samples (row-major, `featureShape` each), of which the first PROBE_SAMPLES are the probe. */
  constructor(
    model: LayersModel,
    desc: ModelDesc,
    x: Float32Array,
    rows: number,
    private readonly featureShape: number[],
  ) {
    const xw = featureShape.reduce((a, b) => a * b, 1);
    this.probe = Math.max(1, Math.min(PROBE_SAMPLES, rows));
    this.xs = x.subarray(0, this.probe * xw);
    const reported: Reported[] = [];
    const outputs: tf.SymbolicTensor[] = [];
    for (const { node, activation, weighted } of reportedLayers(desc)) {
      const layer = model.getLayer(node.name);
      const variables = weighted ? layer.trainableWeights.map((w) => (w.read() as tf.Variable).name) : [];
      const out = layer.output;
      if (Array.isArray(out)) continue;
      reported.push({ name: node.name, kind: node.kind, ...(activation ? { activation } : {}), variables });
      outputs.push(out);
    }
    this.reported = reported;
    this.probeModel = tf.model({ inputs: model.inputs, outputs });
  }

  /**
   * Inside a step's tidy: measure the gradients `grads` (before clipping) and the weights, run
   * `update` (the optimizer's step), and measure the change it made. One read of the device.
   */
  measureStep(grads: NamedGrads, variables: readonly tf.Variable[], update: () => void): (WeightMeasure | undefined)[] {
    const t0 = performance.now();
    const byName = new Map(variables.map((v) => [v.name, v]));
    const zero = tf.scalar(0);
    const sumSq = (ts: Tensor[]) => (ts.length ? tf.addN(ts.map((t) => tf.sum(tf.square(t)))) : zero);
    const weighted = this.reported.filter((r) => r.variables.length);
    const before = weighted.map((r) => r.variables.map((n) => byName.get(n)!.clone()));
    const squares = weighted.flatMap((r, i) => [sumSq(before[i]), sumSq(r.variables.map((n) => grads[n]).filter((g): g is Tensor => g !== undefined))]);
    const flat = before.map((ws) => tf.concat(ws.map((w) => w.reshape([-1]))));
    const u0 = performance.now();
    update();
    const stepMs = performance.now() - u0;
    const changes = weighted.map((r, i) => sumSq(r.variables.map((n, j) => tf.sub(byName.get(n)!, before[i][j]))));
    const read = tf.stack([...squares, ...changes]).dataSync();
    const out: (WeightMeasure | undefined)[] = [];
    let k = 0;
    for (const r of this.reported) {
      if (!r.variables.length) {
        out.push(undefined);
        continue;
      }
      const norm = Math.sqrt(read[2 * k]);
      const values = flat[k].dataSync();
      out.push({ norm, gradNorm: Math.sqrt(read[2 * k + 1]), updateRatio: norm > 0 ? Math.sqrt(read[2 * weighted.length + k]) / norm : 0, count: values.length, histogram: histogram(values) });
      k++;
    }
    this.stepMs = performance.now() - t0 - stepMs;
    return out;
  }

  /** The `layers` event of a measured step: its weights' measures and every reported layer's output on the probe batch. */
  event(weights: readonly (WeightMeasure | undefined)[], at: { epoch: number; batch: number; batches: number; fold?: number }): Extract<TrainEvent, { type: 'layers' }> {
    const t0 = performance.now();
    // the values leave the tidy through `outs`, not as its result: tidy walks what it returns
    // looking for tensors, and a typed array of millions of activations is walked index by
    // index into a Set (2.5 s and +230 MB a measurement on the reference convnet)
    const outs: { values: Float32Array; units: number }[] = [];
    tf.tidy(() => {
      const p = this.probeModel.predict(tf.tensor(this.xs, [this.probe, ...this.featureShape], 'float32'), { batchSize: this.probe });
      for (const t of Array.isArray(p) ? p : [p]) outs.push({ values: t.dataSync() as Float32Array, units: t.shape[t.shape.length - 1] ?? 1 });
    });
    const layers: LayerStats[] = this.reported.map((r, i) => {
      const w = weights[i];
      return { name: r.name, kind: r.kind, ...(r.activation ? { activation: r.activation } : {}), ...(w ? { weights: w } : {}), activations: activationStats(outs[i].values, outs[i].units, r.activation) };
    });
    const ms = this.stepMs + performance.now() - t0;
    this.stepMs = 0;
    return { type: 'layers', epoch: at.epoch, batch: at.batch, batches: at.batches, probe: this.probe, layers, ms, ...(at.fold ? { fold: at.fold } : {}) };
  }
}
