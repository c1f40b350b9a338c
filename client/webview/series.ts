// From training events to what the chart draws: a run's per-epoch series (loss, val_loss, each
// metric and its val_ twin, learning rate) per fold, the per-batch loss, and the latest boundary,
// points, predictions and weights; then the lines of each chart, smoothed and ready for a log
// scale, with earlier runs overlaid. Pure: tested in Node (test/unit/webview-*.test.ts).

import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { CHART_WORDS, say, testWeights, type ChartWords } from './chart-words';
import type { UiState } from './messages';

export type Ev<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

export interface Points {
  x: number[];
  y: number[];
}

/** One run's events, folded into series. Feed it events in order with add(). */
export class RunModel {
  start?: Ev<'start'>;
  end?: Ev<'end'>;
  stopped?: Ev<'stopped'>;
  error?: Ev<'error'>;
  lastEpoch?: Ev<'epoch'>;
  lastBatch?: Ev<'batch'>;
  fold?: Ev<'fold'>;
  boundary?: Ev<'boundary'>;
  points?: Ev<'points'>;
  predictions?: Ev<'predictions'>;
  weights?: Ev<'weights'>;
  /** layer_stats: every `layers` event, in order (each fold's) */
  readonly layers: Ev<'layers'>[] = [];
  fit?: Ev<'fit'>;
  fitPoints?: Ev<'fitPoints'>;
  readonly logs: string[] = [];
  /** per fold (0 without k-fold): series name -> points by epoch */
  readonly epochs = new Map<number, Map<string, Points>>();
  /** per fold: the loss of single batches, x = epoch - 1 + batch / batches */
  readonly batches = new Map<number, Points>();
  /** series names in the order they first came */
  readonly names: string[] = [];

  /** `words`: the language of the lines it writes into `logs` (a warning's) */
  constructor(events: readonly TrainEvent[] = [], private readonly words: ChartWords = CHART_WORDS.en) {
    for (const e of events) this.add(e);
  }

  add(e: TrainEvent): void {
    switch (e.type) {
      case 'start':
        if (e.resumedFrom !== undefined && this.start) this.truncate(e.resumedFrom);
        this.start = e;
        this.end = this.stopped = this.error = undefined;
        for (const n of ['loss', ...(e.metrics ?? [])]) this.name(n);
        break;
      case 'fold':
        this.fold = e;
        break;
      case 'batch': {
        this.lastBatch = e;
        const p = this.batchSeries(e.fold ?? 0);
        const x = e.epoch - 1 + e.batch / e.batches;
        // a resumed run sends batches again from where it stopped
        while (p.x.length && p.x[p.x.length - 1] >= x) {
          p.x.pop();
          p.y.pop();
        }
        p.x.push(x);
        p.y.push(e.loss);
        break;
      }
      case 'epoch': {
        this.lastEpoch = e;
        const f = e.fold ?? 0;
        this.put(f, 'loss', e.epoch, e.loss);
        for (const [k, v] of Object.entries(e.metrics)) this.put(f, k, e.epoch, v);
        if (e.val) {
          this.put(f, 'val_loss', e.epoch, e.val.loss);
          for (const [k, v] of Object.entries(e.val.metrics)) this.put(f, `val_${k}`, e.epoch, v);
        }
        this.put(f, 'lr', e.epoch, e.lr);
        break;
      }
      case 'boundary':
        this.boundary = e;
        break;
      case 'points':
        this.points = e;
        break;
      case 'predictions':
        this.predictions = e;
        break;
      case 'weights':
        this.weights = e;
        break;
      case 'fit':
        this.fit = e;
        break;
      case 'fitPoints':
        this.fitPoints = e;
        break;
      case 'stopped':
        this.stopped = e;
        this.logs.push(e.message);
        break;
      case 'end':
        this.end = e;
        break;
      case 'error':
        this.error = e;
        this.logs.push(e.message);
        break;
      case 'log':
        this.logs.push(e.message);
        break;
      case 'layers':
        this.layers.push(e);
        break;
      case 'warning':
        this.logs.push(say(this.words.warning, e.code, e.message));
        break;
      case 'checkpoint':
        break;
    }
  }

  get kfold(): number {
    return this.start?.kfold ?? 0;
  }

  /** The folds with epochs, in order (just 0 without k-fold). */
  get folds(): number[] {
    return [...this.epochs.keys()].sort((a, b) => a - b);
  }

  series(fold: number, name: string): Points | undefined {
    return this.epochs.get(fold)?.get(name);
  }

  /** The quantities charted, each with its val_ twin: loss first, then the metrics. */
  get groups(): string[] {
    return this.names.filter((n) => n !== 'lr' && !n.startsWith('val_'));
  }

  private name(n: string): void {
    if (!this.names.includes(n)) this.names.push(n);
  }

  private batchSeries(fold: number): Points {
    let p = this.batches.get(fold);
    if (!p) this.batches.set(fold, (p = { x: [], y: [] }));
    return p;
  }

  private put(fold: number, name: string, epoch: number, y: number): void {
    this.name(name.startsWith('val_') ? name.slice(4) : name);
    this.name(name);
    let m = this.epochs.get(fold);
    if (!m) this.epochs.set(fold, (m = new Map()));
    let p = m.get(name);
    if (!p) m.set(name, (p = { x: [], y: [] }));
    // an epoch sent again (a resumed run) replaces the one before
    const i = p.x.indexOf(epoch);
    if (i >= 0) {
      p.x.length = p.y.length = i;
    }
    p.x.push(epoch);
    p.y.push(y);
  }

  private truncate(after: number): void {
    // a resumed run measures again from where it stopped
    const kept = this.layers.filter((e) => e.epoch <= after);
    this.layers.length = 0;
    this.layers.push(...kept);
    for (const m of this.epochs.values()) {
      for (const p of m.values()) {
        const k = p.x.findIndex((x) => x > after);
        if (k >= 0) p.x.length = p.y.length = k;
      }
    }
  }
}

/**
 * Exponential moving average as TensorBoard draws it, debiased so the start is not pulled to 0:
 * s_t = w·s_{t-1} + (1 - w)·y_t, shown as s_t / (1 - w^t). Values that are not finite stay as
 * they are and do not enter the average.
 */
export function smooth(y: readonly number[], weight: number): number[] {
  if (!(weight > 0)) return [...y];
  let last = 0;
  let n = 0;
  return y.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

/** The theme's colours, resolved to CSS colour strings (the webview reads VS Code's variables). */
export interface Palette {
  train: string;
  val: string;
  lr: string;
  /** one per fold, and per class */
  series: string[];
  foreground: string;
  muted: string;
  grid: string;
  background: string;
}

export interface Line {
  label: string;
  x: number[];
  y: (number | null)[];
  color: string;
  width: number;
  alpha: number;
  dash?: number[];
  /** epoch: a run's per-epoch values; batch: single batches; history: an earlier run */
  kind: 'epoch' | 'batch' | 'history';
}

export interface Chart {
  id: string;
  title: string;
  log: boolean;
  lines: Line[];
}

export interface Overlay {
  id: string;
  label: string;
  run: RunModel;
}

const HISTORY_DASHES = [[6, 3], [2, 3], [10, 3, 2, 3], [1, 2], [12, 4]];

/** A folder name like 2024-05-01T09-30-12 as "2024-05-01 09:30:12". */
export function runLabel(id: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)(.*)$/.exec(id);
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5]}` : id;
}

/** What a line plots: smoothed (not the learning rate), and on a log scale only positive values. */
function values(y: readonly number[], ui: UiState, isLr: boolean): (number | null)[] {
  const s = isLr ? [...y] : smooth(y, ui.smoothing);
  return s.map((v) => (Number.isFinite(v) && (!ui.log || v > 0) ? v : null));
}

/** The charts of a run: one per quantity with its validation twin, then the learning rate. */
export function charts(run: RunModel, ui: UiState, palette: Palette, overlays: readonly Overlay[] = [], w: ChartWords = CHART_WORDS.en): Chart[] {
  const out: Chart[] = [];
  const kfold = run.kfold > 0;
  const folds = run.folds;
  for (const g of [...run.groups, 'lr']) {
    const lines: Line[] = [];
    const isLr = g === 'lr';
    const names = isLr ? ['lr'] : [g, `val_${g}`];
    overlays.forEach((o, k) => {
      for (const name of names) {
        const p = o.run.series(o.run.folds[0] ?? 0, name);
        if (!p) continue;
        lines.push({ label: `${name} · ${o.label}`, x: p.x, y: values(p.y, ui, isLr), color: name.startsWith('val_') ? palette.val : isLr ? palette.lr : palette.train, width: 1.25, alpha: 0.55, dash: HISTORY_DASHES[k % HISTORY_DASHES.length], kind: 'history' });
      }
    });
    if (g === 'loss' && ui.batches) {
      const f = kfold ? folds[folds.length - 1] : 0;
      const b = f !== undefined ? run.batches.get(f) : undefined;
      if (b && b.x.length) lines.push({ label: kfold ? say(w.ofFold, w.batchLoss, f) : w.batchLoss, x: b.x, y: values(b.y, ui, false), color: palette.train, width: 1, alpha: 0.3, kind: 'batch' });
    }
    // the folds share their schedule: one learning rate line (the latest fold's)
    for (const f of isLr && kfold ? folds.slice(-1) : folds) {
      for (const name of names) {
        const p = run.series(f, name);
        if (!p) continue;
        const val = name.startsWith('val_');
        const perFold = kfold && !isLr;
        const color = perFold ? palette.series[(f - 1) % palette.series.length] : isLr ? palette.lr : val ? palette.val : palette.train;
        lines.push({ label: perFold ? say(w.ofFold, name, f) : name, x: p.x, y: values(p.y, ui, isLr), color, width: 2, alpha: 1, ...(kfold && val ? { dash: [6, 4] } : {}), kind: 'epoch' });
      }
    }
    if (lines.length) out.push({ id: g, title: isLr ? w.learningRate : g === 'loss' ? w.loss : g, log: ui.log, lines });
  }
  return out;
}

/**
 * Lines on one shared, sorted x axis (as uPlot wants them): x is the union of every line's x, and
 * each line has null where it has no value.
 */
export function align(lines: readonly Line[]): { x: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(lines.flatMap((l) => l.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = lines.map((l) => {
    const y = new Array<number | null>(xs.length).fill(null);
    l.x.forEach((x, i) => (y[at.get(x)!] = l.y[i]));
    return y;
  });
  return { x: xs, ys };
}

/** One line of status: what runs, where it is, and how it ended (in `w`'s language; the runtime's own messages as they came). */
export function statusText(run: RunModel, w: ChartWords = CHART_WORDS.en): string {
  const s = run.start;
  const parts: string[] = [];
  const n = (v: number) => v.toLocaleString('en-US');
  if (s) parts.push(say(w.modelOn, s.model, s.data), s.backend, say(w.trainingSamples, n(s.samples.train)), say(w.parameters, n(s.params)));
  if (run.fold) parts.push(say(w.foldOf, run.fold.fold, run.fold.folds));
  const e = run.lastEpoch;
  if (e) parts.push(say(w.epochOf, e.epoch, e.epochs), say(w.lossIs, fmt(e.loss)), ...(e.val ? [say(w.valLossIs, fmt(e.val.loss))] : []), say(w.samplesPerSecond, n(Math.round(e.samplesPerSecond))));
  else if (run.lastBatch) parts.push(say(w.epochBatch, run.lastBatch.epoch, run.lastBatch.batch, run.lastBatch.batches));
  if (run.end) {
    parts.push(say(w.doneIn, run.end.seconds.toFixed(1)));
    const t = run.end.test;
    const label = testWeights(run.end, w);
    if (t) parts.push(say(w.testLoss, label.test, fmt(t.loss)), ...Object.entries(t.metrics).map(([k, v]) => say(w.testMetric, k, fmt(v))));
    const l = run.end.lastTest;
    if (l && label.last) parts.push(say(w.testLoss, label.last, fmt(l.loss)), ...Object.entries(l.metrics).map(([k, v]) => say(w.metric, k, fmt(v))));
  } else if (run.stopped) parts.push(run.stopped.message);
  if (run.error) parts.push(say(w.failed, run.error.message));
  return parts.join(' · ');
}

/** Progress through the run, 0 to 1 (k-fold: over all folds). */
export function progress(run: RunModel): number {
  if (run.end) return 1;
  const s = run.start;
  if (!s || !s.epochs) return 0;
  const folds = s.kfold ?? 1;
  const fold = (run.fold?.fold ?? 1) - 1;
  let epochs = run.lastEpoch && (run.lastEpoch.fold ?? 1) - 1 === fold ? run.lastEpoch.epoch : 0;
  const b = run.lastBatch;
  if (b && (b.fold ?? 1) - 1 === fold && b.epoch === epochs + 1) epochs += b.batch / b.batches;
  return Math.min(1, (fold + epochs / s.epochs) / folds);
}

/** A number for people: 4 significant digits, no exponent for ordinary sizes. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
