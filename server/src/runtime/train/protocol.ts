// Messages between a training process and whoever watches it: `nn train --json` prints them as
// JSON lines on stdout; under VS Code the task's process also sends them to the extension over a
// local socket (NN_PROGRESS_SOCKET), which sends back `stop`. One typed union each way; both
// sides import this module, nothing else defines message shapes.

import type { RuntimeMessage } from '../../core/runtime-messages';

/**
 * The protocol's version: a start event may carry it (`protocol`); a reader refuses a newer one
 * (the torch engine says which nn wrote train.py). Bumped when an event changes meaning; a new
 * event type is not such a change (readers skip types they do not know: `layers`, `warning`).
 */
export const PROTOCOL_VERSION = 1;

export interface Samples {
  train: number;
  validation: number;
  test: number;
}

export interface MetricValues {
  [metric: string]: number;
}

export interface Evaluation {
  loss: number;
  metrics: MetricValues;
  /** classification: rows are true classes, columns predicted */
  confusion?: number[][];
  classNames?: string[];
}

/** A histogram: `counts[i]` values fell in the i-th of `counts.length` equal bins from `min` to `max` (min = max: all in bin 0). */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** The bins of every histogram of a `layers` event. */
export const HISTOGRAM_BINS = 20;

/**
 * One layer inside the network at a statistics step (`layer_stats`). A layer with trainable
 * weights has `weights`; every reported layer has `activations` (its output on the probe batch).
 */
export interface LayerStats {
  /** the layer's name in the model (as in the summary) */
  name: string;
  /** the catalogue's layer name: dense, conv2d, relu, ... */
  kind: string;
  /** the activation its output passes through last (its own, or the layer's kind for relu(), sigmoid(), ...), when it has one */
  activation?: string;
  weights?: {
    /** L2 norms over all the layer's trainable weights: of the weights before the step, of the step's gradient (before clipping), and of the step's change over the weights' norm */
    norm: number;
    gradNorm: number;
    updateRatio: number;
    count: number;
    histogram: Histogram;
  };
  activations: {
    mean: number;
    std: number;
    /** relu: the share of units (the last axis) that are zero on every probe sample and position */
    dead?: number;
    /** units of the last axis */
    units: number;
    /** sigmoid and tanh: the share of outputs within SATURATION of the function's limits (0 and 1; -1 and 1) */
    saturated?: number;
    histogram: Histogram;
  };
}

/** An output within this of sigmoid's 0 and 1, or tanh's -1 and 1, is saturated: the function's slope there is under 4% of its largest. */
export const SATURATION = 0.01;

/** Regression data: a sample of one split's points (the inputs x, with two inputs also y) and their targets t. */
export interface FitSample {
  x: number[];
  y?: number[];
  t: number[];
}

/** Training process -> watcher. */
export type TrainEvent =
  | {
      type: 'start';
      /** PROTOCOL_VERSION of the writer (absent: 1) */
      protocol?: number;
      train: string;
      file: string;
      model: string;
      data: string;
      backend: string;
      /** why this backend, and how to get a faster one when there is one */
      backendNote?: string;
      /** backendNote as a message id and its arguments, for a reader's locale */
      backendMsg?: RuntimeMessage;
      runDir: string;
      epochs: number;
      batchSize: number;
      samples: Samples;
      params: number;
      task: 'classification' | 'regression';
      classes?: number;
      metrics: string[];
      kfold?: number;
      /** the epoch training resumes after, when resuming */
      resumedFrom?: number;
      /** resuming inside epoch resumedFrom + 1: the batches of it already trained */
      resumedBatch?: number;
    }
  | { type: 'fold'; fold: number; folds: number }
  | {
      type: 'batch';
      epoch: number;
      batch: number;
      batches: number;
      loss: number;
      lr: number;
      fold?: number;
    }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      loss: number;
      metrics: MetricValues;
      val?: Evaluation;
      lr: number;
      seconds: number;
      samplesPerSecond: number;
      /** this epoch is the best so far by the monitored quantity */
      best: boolean;
      /** live tensors after the epoch (flat across epochs: no leaks) */
      tensors: number;
      fold?: number;
    }
  | {
      /** predictions over a grid of the input plane, for 2-D datasets: the decision boundary */
      type: 'boundary';
      epoch: number;
      /** [xmin, xmax, ymin, ymax] */
      extent: [number, number, number, number];
      size: number;
      /** size × size predicted class (or value), row-major from ymin */
      values: number[];
      fold?: number;
    }
  | {
      /** 2-D classification data: a sample of the training points (at most 400), to draw over the decision boundary */
      type: 'points';
      /** x, y of each point, in the plane of the boundary's extent */
      x: number[];
      y: number[];
      /** the class of each point */
      labels: number[];
    }
  | {
      /** image classification, at the end: the first test images with their true and predicted classes */
      type: 'predictions';
      /** [height, width, channels] of each image */
      shape: [number, number, number];
      /** base64 of uint8 pixels (0-255, row-major height × width × channels), the images one after another */
      images: string;
      labels: number[];
      predicted: number[];
      /** the probability given to the predicted class */
      confidence: number[];
      classNames?: string[];
    }
  | {
      /**
       * image models: the first layer's weights as images, every few epochs and at the end. dense on
       * flattened pixels: each unit's weight vector as height × width × channels; conv2d: each
       * filter's kernel (kh × kw × channels).
       */
      type: 'weights';
      epoch: number;
      layer: string;
      kind: 'dense' | 'conv2d';
      /** [height, width, channels] of each image */
      shape: [number, number, number];
      /** the layer's units or filters; `scale.length` of them are sent (the first ones) */
      units: number;
      /** the largest |w| of each image sent */
      scale: number[];
      /** base64 of uint8: round(127.5 + 127.5 · w / scale) per weight, the images one after another */
      values: string;
      fold?: number;
    }
  | {
      /**
       * inside the network (`layer_stats`): after the training step of `batch` of `epoch`, that
       * step's gradients and update, and every reported layer's output on the probe batch (the
       * first `probe` training samples, in inference mode)
       */
      type: 'layers';
      epoch: number;
      batch: number;
      batches: number;
      probe: number;
      layers: LayerStats[];
      /** milliseconds the measuring took (around the step, the probe, the statistics): what layer_stats costs */
      ms?: number;
      fold?: number;
    }
  | {
      /**
       * a problem seen inside the network while training, with the advice; `code` is stable
       * (core/diagnostics.ts), `id` and `args` render `message` in another locale (core/messages.ts)
       */
      type: 'warning';
      code: string;
      epoch: number;
      layer: string;
      message: string;
      id: string;
      args: Record<string, string | number>;
      fold?: number;
    }
  | ({
      /**
       * regression on 1 or 2 inputs with one target: the model's prediction over the input range
       * after an epoch (the fitted curve, or a heat map of the prediction). Sent live as training
       * goes; the run's last one is written to metrics.jsonl.
       */
      type: 'fit';
      epoch: number;
      fold?: number;
    } & (
      | {
          inputs: 1;
          /** the inputs, ascending */
          x: number[];
          /** the prediction at each x */
          values: number[];
        }
      | {
          inputs: 2;
          /** [xmin, xmax, ymin, ymax] */
          extent: [number, number, number, number];
          size: number;
          /** size × size predictions, row-major from ymin */
          values: number[];
        }
    ))
  | {
      /** regression on 1 or 2 inputs with one target: a sample of each split's points (at most 400 each), drawn with the fit */
      type: 'fitPoints';
      inputs: 1 | 2;
      train: FitSample;
      validation?: FitSample;
      test?: FitSample;
    }
  | { type: 'checkpoint'; kind: 'best' | 'last'; epoch: number; path: string }
  | {
      type: 'stopped';
      reason: 'early_stopping' | 'requested' | 'not_finite';
      epoch: number;
      message: string;
      /** requested inside an epoch: the batches of it done (the torch engine's Python says it; the trainer says it in `msg`) */
      batch?: number;
      /** not_finite: which value stopped being finite, and what it became (NaN, Infinity, -Infinity), from the torch engine's Python */
      value?: { of: 'loss' | 'val_loss'; is: string };
      /** `message` as a message id and its arguments, for a reader's locale (core/runtime-messages.ts) */
      msg?: RuntimeMessage;
    }
  | {
      type: 'end';
      /** the test split on the saved weights (best/, else last/): what nn evaluate and nn predict use */
      test?: Evaluation;
      /** the epoch whose weights `test` measures */
      testEpoch?: number;
      /** the test split on the weights of the last epoch (`epochs`), when they are not the saved ones */
      lastTest?: Evaluation;
      /** k-fold: the validation result of each fold, and their mean and standard deviation */
      folds?: { results: Evaluation[]; mean: MetricValues; std: MetricValues };
      bestEpoch?: number;
      epochs: number;
      seconds: number;
      samplesPerSecond: number;
      runDir: string;
    }
  | { type: 'error'; message: string; file?: string; msg?: RuntimeMessage }
  | { type: 'log'; message: string; msg?: RuntimeMessage };

/**
 * What the end event's test results measure, for people: `test` the saved weights' (labelled
 * "best weights" when the last epoch's differ, which `last` then labels), with their epochs.
 */
export function testLabels(end: { testEpoch?: number; lastTest?: Evaluation; epochs: number }): { test: string; last?: string } {
  if (end.testEpoch === undefined) return { test: 'saved weights' };
  if (!end.lastTest) return { test: `weights of epoch ${end.testEpoch}` };
  return { test: `best weights, epoch ${end.testEpoch}`, last: `last weights, epoch ${end.epochs}` };
}

/** Watcher -> training process. */
export type ControlMessage = { type: 'stop' };

export type TrainEventType = TrainEvent['type'];

/** Parse one JSON line into a checked event; undefined when it is not one (never throws). */
export function parseEvent(line: string): TrainEvent | undefined {
  try {
    return checkEvent(JSON.parse(line));
  } catch {
    return undefined;
  }
}

// ---- the one validator of events: every reader (the CLI, the torch engine reading Python, the
// extension, the chart, run folders) checks with it. Nothing here trusts its input.

type Obj = Record<string, unknown>;
type Ev<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown, min = 0): v is number => Number.isInteger(v) && (v as number) >= min;
const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || isStr(v);
/** A message id with its arguments: its shape only; an id this version does not know is shown by its event's `message` (renderStored) */
const optMsg = (v: unknown) => v === undefined || (isObj(v) && isStr(v.id) && isObj(v.args));
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

function histogram(v: unknown): Histogram | undefined {
  if (!isObj(v) || !isNum(v.min) || !isNum(v.max) || v.max < v.min || !ints(v.counts) || v.counts.length < 1 || v.counts.length > 1024) return undefined;
  return { min: v.min, max: v.max, counts: v.counts };
}

const share = (v: unknown) => v === undefined || (isNum(v) && v >= 0 && v <= 1);

/** A layer's statistics; measured values may be NaN (JSON null) when the training step broke them. */
function layerStats(v: unknown): LayerStats | undefined {
  if (!isObj(v) || !isStr(v.name) || !isStr(v.kind) || !optStr(v.activation) || !isObj(v.activations)) return undefined;
  const a = v.activations;
  const ah = histogram(a.histogram);
  const mean = value(a.mean);
  const std = value(a.std);
  if (!ah || mean === undefined || std === undefined || !isInt(a.units, 1) || !share(a.dead) || !share(a.saturated)) return undefined;
  const out: LayerStats = { name: v.name, kind: v.kind, ...(v.activation !== undefined ? { activation: v.activation } : {}), activations: { mean, std, units: a.units, ...(a.dead !== undefined ? { dead: a.dead as number } : {}), ...(a.saturated !== undefined ? { saturated: a.saturated as number } : {}), histogram: ah } };
  if (v.weights !== undefined) {
    const w = v.weights;
    if (!isObj(w)) return undefined;
    const wh = histogram(w.histogram);
    const norm = value(w.norm);
    const gradNorm = value(w.gradNorm);
    const updateRatio = value(w.updateRatio);
    if (!wh || norm === undefined || gradNorm === undefined || updateRatio === undefined || !isInt(w.count, 1)) return undefined;
    out.weights = { norm, gradNorm, updateRatio, count: w.count, histogram: wh };
  }
  return out;
}

const WARNING_CODE = /^NN\d{3}$/;

/** The checks of each event type: the event, or undefined when something is missing or of the wrong type. */
const checks: { [T in TrainEvent['type']]: (v: Obj) => Ev<T> | undefined } = {
  start: (v) => {
    const s = v.samples;
    if (v.protocol !== undefined && !(isInt(v.protocol, 1) && v.protocol <= PROTOCOL_VERSION)) return undefined;
    if (!isStr(v.train) || !isStr(v.model) || !isStr(v.data) || !isStr(v.backend) || !optStr(v.backendNote) || !optMsg(v.backendMsg) || !optStr(v.runDir) || !optStr(v.file)) return undefined;
    if (!isInt(v.epochs) || !isInt(v.batchSize) || !isInt(v.params) || !(v.task === 'classification' || v.task === 'regression') || !strs(v.metrics)) return undefined;
    if (!isObj(s) || !isInt(s.train) || !isInt(s.validation) || !isInt(s.test) || !optInt(v.classes) || !optInt(v.kfold) || !optInt(v.resumedFrom) || !optInt(v.resumedBatch, 1)) return undefined;
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
  layers: (v) => {
    if (!isInt(v.epoch, 1) || !isInt(v.batch, 1) || !isInt(v.batches, 1) || v.batch > v.batches || !isInt(v.probe, 1) || !Array.isArray(v.layers) || v.layers.length > 10_000 || !optInt(v.fold, 1)) return undefined;
    if (v.ms !== undefined && !(isNum(v.ms) && v.ms >= 0)) return undefined;
    const layers = v.layers.map(layerStats);
    if (layers.some((l) => !l)) return undefined;
    return { ...(v as Ev<'layers'>), layers: layers as LayerStats[] };
  },
  warning: (v) => {
    const args = v.args;
    if (!isStr(v.code) || !WARNING_CODE.test(v.code) || !isInt(v.epoch) || !isStr(v.layer) || !isStr(v.message) || !isStr(v.id) || !isObj(args) || !optInt(v.fold, 1)) return undefined;
    if (!Object.values(args).every((x) => isStr(x) || isNum(x))) return undefined;
    return v as Ev<'warning'>;
  },
  fit: (v) => {
    if (!isInt(v.epoch) || !optInt(v.fold, 1) || !nums(v.values)) return undefined;
    if (v.inputs === 1) return nums(v.x) && v.x.length === v.values.length && v.x.length <= 4096 ? (v as Ev<'fit'>) : undefined;
    if (v.inputs !== 2) return undefined;
    const e = v.extent;
    return nums(e) && e.length === 4 && isInt(v.size, 1) && v.size <= 512 && v.values.length === v.size * v.size ? (v as Ev<'fit'>) : undefined;
  },
  fitPoints: (v) => {
    if (v.inputs !== 1 && v.inputs !== 2) return undefined;
    const two = v.inputs === 2;
    const sample = (s: unknown, optional: boolean) => (s === undefined ? optional : isObj(s) && nums(s.x) && nums(s.t) && s.x.length === s.t.length && s.x.length <= 100_000 && (two ? nums(s.y) && s.y.length === s.x.length : s.y === undefined));
    return sample(v.train, false) && sample(v.validation, true) && sample(v.test, true) ? (v as Ev<'fitPoints'>) : undefined;
  },
  checkpoint: (v) => ((v.kind === 'best' || v.kind === 'last') && isInt(v.epoch) && isStr(v.path) ? (v as Ev<'checkpoint'>) : undefined),
  stopped: (v) =>
    (v.reason === 'early_stopping' || v.reason === 'requested' || v.reason === 'not_finite') &&
    isInt(v.epoch) &&
    isStr(v.message) &&
    optMsg(v.msg) &&
    optInt(v.batch, 1) &&
    (v.value === undefined || (isObj(v.value) && (v.value.of === 'loss' || v.value.of === 'val_loss') && isStr(v.value.is)))
      ? (v as Ev<'stopped'>)
      : undefined,
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
  error: (v) => (isStr(v.message) && optStr(v.file) && optMsg(v.msg) ? (v as Ev<'error'>) : undefined),
  log: (v) => (isStr(v.message) && optMsg(v.msg) ? (v as Ev<'log'>) : undefined),
};

/** A checked event, or undefined for anything that is not one. */
export function checkEvent(v: unknown): TrainEvent | undefined {
  if (!isObj(v) || !isStr(v.type) || !Object.hasOwn(checks, v.type)) return undefined;
  return (checks[v.type as TrainEvent['type']] as (v: Obj) => TrainEvent | undefined)(v);
}

/** Parse and validate a control message; undefined for anything else. */
export function parseControl(line: string): ControlMessage | undefined {
  try {
    const v = JSON.parse(line) as { type?: unknown };
    return v && typeof v === 'object' && v.type === 'stop' ? { type: 'stop' } : undefined;
  } catch {
    return undefined;
  }
}
