// Training events as the chart receives them, checked: from the extension (messages), from a
// run's metrics.jsonl (history and restore), from the webview's saved state. Nothing here trusts
// its input: a value of the wrong shape makes the event undefined (skipped), never an exception.
// Pure functions: the extension, the webview and the tests import this module.

import type { TrainEvent, Evaluation, MetricValues } from '../../server/src/runtime/train/protocol';

type Obj = Record<string, unknown>;
type Ev<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown, min = 0): v is number => Number.isInteger(v) && (v as number) >= min;
const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || isStr(v);
const optInt = (v: unknown, min = 0) => v === undefined || isInt(v, min);
const nums = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const ints = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => isInt(x));
const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
/** a measured value: JSON writes NaN and Infinity as null; they come back as NaN */
const value = (v: unknown): number | undefined => (typeof v === 'number' ? v : v === null ? NaN : undefined);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes that a base64 string decodes to, or -1 when it is not base64. */
export function base64Length(s: string): number {
  if (s.length % 4 !== 0 || !BASE64.test(s)) return -1;
  return (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
}

function metricValues(v: unknown): MetricValues | undefined {
  if (!isObj(v)) return undefined;
  const out: MetricValues = {};
  for (const [k, x] of Object.entries(v)) {
    const n = value(x);
    if (n === undefined) return undefined;
    out[k] = n;
  }
  return out;
}

function evaluation(v: unknown): Evaluation | undefined {
  if (!isObj(v)) return undefined;
  const loss = value(v.loss);
  const metrics = metricValues(v.metrics);
  if (loss === undefined || !metrics) return undefined;
  const ev: Evaluation = { loss, metrics };
  if (Array.isArray(v.confusion)) {
    const m = v.confusion;
    if (!m.every((row) => ints(row) && row.length === m.length)) return undefined;
    ev.confusion = m as number[][];
  }
  if (v.classNames !== undefined) {
    if (!strs(v.classNames)) return undefined;
    ev.classNames = v.classNames;
  }
  return ev;
}

function shape3(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => isInt(x, 1)) && v[0] * v[1] * v[2] <= 1 << 20;
}

/** The checks of each event type: the event, or undefined when something is missing or of the wrong type. */
const checks: { [T in TrainEvent['type']]: (v: Obj) => Ev<T> | undefined } = {
  start: (v) => {
    const s = v.samples;
    if (!isStr(v.train) || !isStr(v.model) || !isStr(v.data) || !isStr(v.backend) || !optStr(v.backendNote) || !optStr(v.runDir) || !optStr(v.file)) return undefined;
    if (!isInt(v.epochs) || !isInt(v.batchSize) || !isInt(v.params) || !(v.task === 'classification' || v.task === 'regression') || !strs(v.metrics)) return undefined;
    if (!isObj(s) || !isInt(s.train) || !isInt(s.validation) || !isInt(s.test) || !optInt(v.classes) || !optInt(v.kfold) || !optInt(v.resumedFrom)) return undefined;
    return v as Ev<'start'>;
  },
  fold: (v) => (isInt(v.fold, 1) && isInt(v.folds, 1) ? (v as Ev<'fold'>) : undefined),
  batch: (v) => {
    const loss = value(v.loss);
    if (!isInt(v.epoch, 1) || !isInt(v.batch, 1) || !isInt(v.batches, 1) || loss === undefined || !isNum(v.lr) || !optInt(v.fold, 1)) return undefined;
    return { ...(v as Ev<'batch'>), loss };
  },
  epoch: (v) => {
    const loss = value(v.loss);
    const metrics = metricValues(v.metrics);
    const val = v.val === undefined ? undefined : evaluation(v.val);
    if (!isInt(v.epoch, 1) || !isInt(v.epochs) || loss === undefined || !metrics || (v.val !== undefined && !val) || !isNum(v.lr) || !optInt(v.fold, 1)) return undefined;
    return { ...(v as Ev<'epoch'>), loss, metrics, ...(val ? { val } : {}), seconds: isNum(v.seconds) ? v.seconds : 0, samplesPerSecond: isNum(v.samplesPerSecond) ? v.samplesPerSecond : 0, best: v.best === true, tensors: isInt(v.tensors) ? v.tensors : 0 };
  },
  boundary: (v) => {
    const e = v.extent;
    if (!isInt(v.epoch) || !isInt(v.size, 1) || v.size > 512 || !nums(e) || e.length !== 4 || !ints(v.values) || v.values.length !== v.size * v.size || !optInt(v.fold, 1)) return undefined;
    return v as Ev<'boundary'>;
  },
  points: (v) => {
    if (!nums(v.x) || !nums(v.y) || !ints(v.labels) || v.x.length !== v.y.length || v.x.length !== v.labels.length || v.x.length > 100_000) return undefined;
    return v as Ev<'points'>;
  },
  predictions: (v) => {
    if (!shape3(v.shape) || !isStr(v.images) || !ints(v.labels) || !ints(v.predicted) || !nums(v.confidence)) return undefined;
    const n = v.labels.length;
    if (v.predicted.length !== n || v.confidence.length !== n || n > 1024) return undefined;
    if (base64Length(v.images) !== n * v.shape[0] * v.shape[1] * v.shape[2]) return undefined;
    if (v.classNames !== undefined && !strs(v.classNames)) return undefined;
    return v as Ev<'predictions'>;
  },
  weights: (v) => {
    if (!isInt(v.epoch) || !isStr(v.layer) || !(v.kind === 'dense' || v.kind === 'conv2d') || !shape3(v.shape) || !isInt(v.units, 1) || !nums(v.scale) || !isStr(v.values) || !optInt(v.fold, 1)) return undefined;
    const n = v.scale.length;
    if (n > v.units || n > 1024 || base64Length(v.values) !== n * v.shape[0] * v.shape[1] * v.shape[2]) return undefined;
    return v as Ev<'weights'>;
  },
  checkpoint: (v) => ((v.kind === 'best' || v.kind === 'last') && isInt(v.epoch) && isStr(v.path) ? (v as Ev<'checkpoint'>) : undefined),
  stopped: (v) => ((v.reason === 'early_stopping' || v.reason === 'requested' || v.reason === 'not_finite') && isInt(v.epoch) && isStr(v.message) ? (v as Ev<'stopped'>) : undefined),
  end: (v) => {
    const test = v.test === undefined ? undefined : evaluation(v.test);
    const lastTest = v.lastTest === undefined ? undefined : evaluation(v.lastTest);
    if ((v.test !== undefined && !test) || (v.lastTest !== undefined && !lastTest) || !optInt(v.testEpoch, 1) || !isInt(v.epochs) || !isNum(v.seconds) || !optInt(v.bestEpoch) || !optStr(v.runDir)) return undefined;
    let folds: Ev<'end'>['folds'];
    if (v.folds !== undefined) {
      const f = v.folds;
      if (!isObj(f) || !Array.isArray(f.results)) return undefined;
      const results = f.results.map(evaluation);
      const mean = metricValues(f.mean);
      const std = metricValues(f.std);
      if (results.some((r) => !r) || !mean || !std) return undefined;
      folds = { results: results as Evaluation[], mean, std };
    }
    return { ...(v as Ev<'end'>), ...(test ? { test } : {}), ...(lastTest ? { lastTest } : {}), ...(folds ? { folds } : {}), samplesPerSecond: isNum(v.samplesPerSecond) ? v.samplesPerSecond : 0 };
  },
  error: (v) => (isStr(v.message) && optStr(v.file) ? (v as Ev<'error'>) : undefined),
  log: (v) => (isStr(v.message) ? (v as Ev<'log'>) : undefined),
};

/** A checked event, or undefined for anything that is not one. */
export function checkEvent(v: unknown): TrainEvent | undefined {
  if (!isObj(v) || !isStr(v.type) || !Object.hasOwn(checks, v.type)) return undefined;
  return (checks[v.type as TrainEvent['type']] as (v: Obj) => TrainEvent | undefined)(v);
}

/** The events of a metrics.jsonl text: lines that are not JSON, or not a valid event, are skipped. */
export function parseEventLines(text: string, keep?: (e: TrainEvent) => boolean): TrainEvent[] {
  const out: TrainEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue; // a truncated last line (a run still writing, a crash) or garbage
    }
    const e = checkEvent(v);
    if (e && (!keep || keep(e))) out.push(e);
  }
  return out;
}

/** Events that only the latest of counts, per fold: older ones are dropped when a newer one comes. */
const SUPERSEDED = new Set<TrainEvent['type']>(['boundary', 'weights', 'points', 'predictions']);

/**
 * The events of one run kept for replay (a reopened panel, the saved state): every event, but
 * only the latest boundary, weights, points and predictions of each fold, and batch events
 * thinned to every other one once there are more than `maxBatches`.
 */
export class EventLog {
  private items: (TrainEvent | undefined)[] = [];
  private readonly latest = new Map<string, number>();
  private batches = 0;
  private holes = 0;

  constructor(private readonly maxBatches = 10_000) {}

  clear(): void {
    this.items = [];
    this.latest.clear();
    this.batches = 0;
    this.holes = 0;
  }

  push(e: TrainEvent): void {
    if (SUPERSEDED.has(e.type)) {
      const key = `${e.type}:${(e as { fold?: number }).fold ?? 0}`;
      const old = this.latest.get(key);
      if (old !== undefined) this.drop(old);
      this.latest.set(key, this.items.length);
    }
    if (e.type === 'batch' && ++this.batches > this.maxBatches) this.thinBatches();
    this.items.push(e);
    if (this.holes > 1024 && this.holes > this.items.length / 2) this.compact();
  }

  get events(): TrainEvent[] {
    return this.items.filter((e): e is TrainEvent => e !== undefined);
  }

  get length(): number {
    return this.items.length - this.holes;
  }

  private drop(i: number): void {
    if (this.items[i] === undefined) return;
    if (this.items[i]!.type === 'batch') this.batches--;
    this.items[i] = undefined;
    this.holes++;
  }

  private thinBatches(): void {
    let k = 0;
    for (let i = 0; i < this.items.length; i++) if (this.items[i]?.type === 'batch' && k++ % 2 === 1) this.drop(i);
  }

  private compact(): void {
    const kept = this.events;
    this.clear();
    for (const e of kept) this.push(e);
  }
}
