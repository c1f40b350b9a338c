// Metrics accumulated over a whole epoch (or a whole evaluation), from the model's outputs of
// each batch read back into JS: a confusion matrix and top-k hits for classification, sums of
// errors for regression. Values are exact over the epoch, not averages of batch averages.
//
// precision, recall and f1 are macro averages over classes (scikit-learn's average='macro');
// a class never predicted has precision 0, a class absent from the labels recall 0, and
// f1 is the mean of the per-class F1 scores. r2 is averaged over target dimensions
// (Keras R2Score's 'uniform_average').

import type { BoundFn } from '../../core/catalog/types';
import type { MetricName } from '../../core/catalog/training';

export interface MetricsSetup {
  task: 'classification' | 'regression';
  /** output units of the model */
  units: number;
  /** classes of the data (classification) */
  classes?: number;
  /** one output unit for two classes: class 1 when the output exceeds this */
  threshold: number;
  /** the metrics to report, as written */
  metrics: readonly BoundFn[];
}

export interface AccumulatorState {
  lossSum: number;
  n: number;
  confusion?: number[][];
  topHits: [number, number][];
  absErr: number;
  sqErr: number;
  ySum: number[];
  ySq: number[];
  dimSq: number[];
}

export class MetricsAccumulator {
  private lossSum = 0;
  private n = 0;
  readonly confusion: number[][] | undefined;
  private topHits: Map<number, number> = new Map();
  private absErr = 0;
  private sqErr = 0;
  private ySum: Float64Array;
  private ySq: Float64Array;
  private dimSq: Float64Array;
  private readonly dims: number;

  constructor(private readonly setup: MetricsSetup) {
    const k = setup.classes ?? 0;
    this.confusion = setup.task === 'classification' ? Array.from({ length: k }, () => new Array<number>(k).fill(0)) : undefined;
    this.dims = setup.task === 'regression' ? setup.units : 0;
    this.ySum = new Float64Array(this.dims);
    this.ySq = new Float64Array(this.dims);
    this.dimSq = new Float64Array(this.dims);
    for (const m of setup.metrics) if (m.spec.name === 'top_k_accuracy') this.topHits.set(m.args.k as number, 0);
  }

  /** One batch: `out` is b × units model outputs, `y` the b labels (or b × dims targets). */
  add(out: Float32Array | Int32Array, y: Int32Array | Float32Array, b: number, meanLoss: number): void {
    this.lossSum += meanLoss * b;
    this.n += b;
    const u = this.setup.units;
    if (this.confusion) {
      for (let i = 0; i < b; i++) {
        const t = y[i];
        const row = out.subarray(i * u, i * u + u);
        const pred = u === 1 ? (row[0] > this.setup.threshold ? 1 : 0) : argmax(row);
        this.confusion[t][pred]++;
        for (const [k, hits] of this.topHits) if (rankOf(row, t, u) < k) this.topHits.set(k, hits + 1);
      }
      return;
    }
    for (let i = 0; i < b; i++) {
      for (let d = 0; d < u; d++) {
        const e = out[i * u + d] - y[i * u + d];
        this.absErr += Math.abs(e);
        this.sqErr += e * e;
        this.dimSq[d] += e * e;
        this.ySum[d] += y[i * u + d];
        this.ySq[d] += y[i * u + d] * y[i * u + d];
      }
    }
  }

  /** The sums so far, as JSON (a checkpoint taken mid-epoch resumes the epoch's metrics). */
  state(): AccumulatorState {
    return {
      lossSum: this.lossSum,
      n: this.n,
      confusion: this.confusion,
      topHits: [...this.topHits],
      absErr: this.absErr,
      sqErr: this.sqErr,
      ySum: [...this.ySum],
      ySq: [...this.ySq],
      dimSq: [...this.dimSq],
    };
  }

  restore(s: AccumulatorState): void {
    this.lossSum = s.lossSum;
    this.n = s.n;
    if (this.confusion && s.confusion) s.confusion.forEach((row, i) => row.forEach((v, j) => (this.confusion![i][j] = v)));
    this.topHits = new Map(s.topHits);
    this.absErr = s.absErr;
    this.sqErr = s.sqErr;
    this.ySum = Float64Array.from(s.ySum);
    this.ySq = Float64Array.from(s.ySq);
    this.dimSq = Float64Array.from(s.dimSq);
  }

  get count(): number {
    return this.n;
  }

  get loss(): number {
    return this.n ? this.lossSum / this.n : NaN;
  }

  /** The requested metrics by name (as monitors and reports name them). */
  values(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.setup.metrics) out[m.spec.name] = this.value(m);
    return out;
  }

  private value(m: BoundFn): number {
    const n = this.n;
    // exhaustive over the catalogue's metrics: a metric without a case is a type error
    const name = m.spec.name as MetricName;
    switch (name) {
      case 'accuracy':
        return this.confusion ? trace(this.confusion) / n : NaN;
      case 'top_k_accuracy':
        return (this.topHits.get(m.args.k as number) ?? 0) / n;
      case 'precision':
        return mean(this.perClass().map((c) => c.precision));
      case 'recall':
        return mean(this.perClass().map((c) => c.recall));
      case 'f1':
        return mean(this.perClass().map((c) => c.f1));
      case 'mae':
        return this.absErr / (n * this.dims);
      case 'mse':
        return this.sqErr / (n * this.dims);
      case 'rmse':
        return Math.sqrt(this.sqErr / (n * this.dims));
      case 'r2': {
        let r2 = 0;
        for (let d = 0; d < this.dims; d++) {
          const sst = this.ySq[d] - (this.ySum[d] * this.ySum[d]) / n;
          r2 += sst > 0 ? 1 - this.dimSq[d] / sst : this.dimSq[d] === 0 ? 1 : 0;
        }
        return r2 / this.dims;
      }
      default: {
        const missing: never = name;
        throw new Error(`no implementation of the metric '${String(missing)}'`);
      }
    }
  }

  private perClass(): { precision: number; recall: number; f1: number }[] {
    const c = this.confusion!;
    return c.map((row, k) => {
      const tp = row[k];
      const predicted = c.reduce((s, r) => s + r[k], 0);
      const actual = row.reduce((s, v) => s + v, 0);
      const precision = predicted ? tp / predicted : 0;
      const recall = actual ? tp / actual : 0;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      return { precision, recall, f1 };
    });
  }
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  return best;
}

/** How many classes score strictly higher than class t (0: t is the top class). */
function rankOf(row: ArrayLike<number>, t: number, u: number): number {
  if (u === 1) return 0;
  let r = 0;
  for (let j = 0; j < u; j++) if (row[j] > row[t]) r++;
  return r;
}

function trace(m: number[][]): number {
  return m.reduce((s, r, i) => s + r[i], 0);
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}
