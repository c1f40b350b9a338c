// Messages between a training process and whoever watches it: `nn train --json` prints them as
// JSON lines on stdout; under VS Code the task's process also sends them to the extension over a
// local socket (NN_PROGRESS_SOCKET), which sends back `stop`. One typed union each way; both
// sides import this module, nothing else defines message shapes.

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

/** Training process -> watcher. */
export type TrainEvent =
  | {
      type: 'start';
      train: string;
      file: string;
      model: string;
      data: string;
      backend: string;
      /** why this backend, and how to get a faster one when there is one */
      backendNote?: string;
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
  | { type: 'checkpoint'; kind: 'best' | 'last'; epoch: number; path: string }
  | {
      type: 'stopped';
      reason: 'early_stopping' | 'requested' | 'not_finite';
      epoch: number;
      message: string;
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
  | { type: 'error'; message: string; file?: string }
  | { type: 'log'; message: string };

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

/** Parse one JSON line into an event; undefined when it is not one (never throws). */
export function parseEvent(line: string): TrainEvent | undefined {
  try {
    const v = JSON.parse(line) as { type?: unknown };
    return v && typeof v === 'object' && typeof v.type === 'string' ? (v as TrainEvent) : undefined;
  } catch {
    return undefined;
  }
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
