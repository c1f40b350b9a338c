// What the chart shows besides curves, built from the data and the model (protocol.ts): the
// training points of 2-D data under the decision boundary, a grid of test predictions for image
// classification, the first layer's weights of image models drawn as images, and for regression
// on 1 or 2 inputs the data points with the model's prediction over the input range (the fitted
// curve, or a heat map). Each event is small: at most 400 points, 32 images of uint8 pixels, 64
// weight images of uint8, a fit of 64 points or 32 × 32 cells.

import type { LayersModel } from '../tf';
import type { LoadedData, Split } from '../../data/types';
import type { TrainEvent, FitSample } from './protocol';
import { predictRows, outputUnits } from './evaluate';

type PointsEvent = Extract<TrainEvent, { type: 'points' }>;
type PredictionsEvent = Extract<TrainEvent, { type: 'predictions' }>;
type WeightsEvent = Extract<TrainEvent, { type: 'weights' }>;
type FitEvent = Extract<TrainEvent, { type: 'fit' }>;
type FitPointsEvent = Extract<TrainEvent, { type: 'fitPoints' }>;

export const MAX_POINTS = 400;
export const MAX_PREDICTIONS = 32;
export const MAX_WEIGHT_IMAGES = 64;
/** the decision boundary's grid: BOUNDARY_SIZE × BOUNDARY_SIZE cells */
export const BOUNDARY_SIZE = 40;

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** 2-D classification: an evenly spaced sample of at most `max` training points. */
export function pointsEvent(data: LoadedData, max = MAX_POINTS): PointsEvent | undefined {
  if (data.task !== 'classification' || data.featureShape.length !== 1 || data.featureShape[0] !== 2) return undefined;
  const s = data.train;
  const n = Math.min(max, s.n);
  const ev: PointsEvent = { type: 'points', x: [], y: [], labels: [] };
  for (let k = 0; k < n; k++) {
    const i = Math.floor((k * s.n) / n);
    ev.x.push(round4(s.x[2 * i]));
    ev.y.push(round4(s.x[2 * i + 1]));
    ev.labels.push(s.y[i]);
  }
  return ev;
}

/** [height, width, channels] of image data, or undefined for other data. */
function imageShape(data: LoadedData): [number, number, number] | undefined {
  const f = data.featureShape;
  if (!data.image) return undefined;
  if (f.length === 3) return [f[0], f[1], f[2]];
  if (f.length === 2) return [f[0], f[1], 1];
  return undefined;
}

/** Image classification with test data: the first `max` test images, their labels and the model's predictions. */
export function predictionsEvent(model: LayersModel, data: LoadedData, max = MAX_PREDICTIONS): PredictionsEvent | undefined {
  const shape = imageShape(data);
  const test = data.test;
  if (!shape || data.task !== 'classification' || !test || test.n === 0) return undefined;
  const n = Math.min(max, test.n);
  const w = shape[0] * shape[1] * shape[2];
  const x = test.x.subarray(0, n * w);
  const out = predictRows(model, data.featureShape, x, n);
  const units = outputUnits(model);
  const pixels = new Uint8Array(n * w);
  const pn = data.pixelNormalize;
  for (let i = 0; i < n * w; i++) pixels[i] = Math.max(0, Math.min(255, Math.round((pn ? x[i] * pn.std + pn.mean : x[i]) * 255)));
  const ev: PredictionsEvent = { type: 'predictions', shape, images: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength).toString('base64'), labels: [], predicted: [], confidence: [] };
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * units, (i + 1) * units);
    const { cls, p } = units === 1 ? binary(row[0]) : softmaxTop(row);
    ev.labels.push(test.y[i]);
    ev.predicted.push(cls);
    ev.confidence.push(round4(p));
  }
  if (data.classNames) ev.classNames = data.classNames;
  return ev;
}

/** One output unit: a logit, or a probability when it already lies in [0, 1] (sigmoid output). */
function binary(v: number): { cls: number; p: number } {
  const p1 = v >= 0 && v <= 1 ? v : 1 / (1 + Math.exp(-v));
  return p1 > 0.5 ? { cls: 1, p: p1 } : { cls: 0, p: 1 - p1 };
}

/** The largest output and its softmax probability (outputs that already sum to 1 are taken as they are). */
function softmaxTop(row: Float32Array): { cls: number; p: number } {
  let cls = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[cls]) cls = j;
  let sum = 0;
  let probs = true;
  for (const v of row) {
    sum += v;
    if (v < 0 || v > 1) probs = false;
  }
  if (probs && Math.abs(sum - 1) < 1e-3) return { cls, p: row[cls] };
  let z = 0;
  for (const v of row) z += Math.exp(v - row[cls]);
  return { cls, p: 1 / z };
}

/** The first layer with weights of an image model, when it is a dense layer on the flattened pixels or a conv2d on the image. */
export function firstLayer(model: LayersModel, data: LoadedData): { layer: string; kind: 'dense' | 'conv2d'; kernel: () => { values: Float32Array; shape: number[] } } | undefined {
  const img = imageShape(data);
  if (!img) return undefined;
  const layer = model.layers.find((l) => l.trainableWeights.length > 0);
  if (!layer) return undefined;
  const kernel = layer.trainableWeights.find((w) => /kernel/.test(w.originalName));
  if (!kernel) return undefined;
  const shape = kernel.shape as number[];
  const cls = layer.getClassName();
  const read = () => ({ values: kernel.read().dataSync() as Float32Array, shape });
  if (cls === 'Dense' && shape.length === 2 && shape[0] === img[0] * img[1] * img[2]) return { layer: layer.name, kind: 'dense', kernel: read };
  if (cls === 'Conv2D' && shape.length === 4 && shape[2] === img[2]) return { layer: layer.name, kind: 'conv2d', kernel: read };
  return undefined;
}

/** The first layer's weights as images (see protocol.ts), or undefined when the model has no such layer. */
export function weightsEvent(model: LayersModel, data: LoadedData, epoch: number, fold?: number, max = MAX_WEIGHT_IMAGES): WeightsEvent | undefined {
  const first = firstLayer(model, data);
  if (!first) return undefined;
  const { values, shape } = first.kernel();
  // dense [pixels, units]: unit u's image is column u; conv2d [kh, kw, c, filters]: filter f's is [.., .., .., f]
  const img: [number, number, number] = first.kind === 'dense' ? imageShape(data)! : [shape[0], shape[1], shape[2]];
  const size = img[0] * img[1] * img[2];
  const units = shape[shape.length - 1];
  const count = Math.min(max, units);
  const bytes = new Uint8Array(count * size);
  const scale: number[] = [];
  for (let u = 0; u < count; u++) {
    let m = 0;
    for (let i = 0; i < size; i++) m = Math.max(m, Math.abs(values[i * units + u]));
    scale.push(Number(m.toPrecision(6)));
    for (let i = 0; i < size; i++) bytes[u * size + i] = m > 0 ? Math.round(127.5 + (127.5 * values[i * units + u]) / m) : 128;
  }
  return {
    type: 'weights',
    epoch,
    layer: first.layer,
    kind: first.kind,
    shape: img,
    units,
    scale,
    values: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    ...(fold !== undefined ? { fold } : {}),
  };
}

/** Regression on 1 or 2 inputs with one target: what the fit picture can show. */
export function fitInputs(data: LoadedData): 1 | 2 | undefined {
  const f = data.featureShape;
  if (data.task !== 'regression' || (data.targetDims ?? 1) !== 1 || f.length !== 1 || (f[0] !== 1 && f[0] !== 2)) return undefined;
  return f[0] as 1 | 2;
}

/** An evenly spaced sample of at most `max` points of a split, for the fit picture. */
function fitSample(s: Split, inputs: 1 | 2, max: number): FitSample {
  const n = Math.min(max, s.n);
  const out: FitSample = { x: [], t: [], ...(inputs === 2 ? { y: [] } : {}) };
  for (let k = 0; k < n; k++) {
    const i = Math.floor((k * s.n) / n);
    out.x.push(round4(s.x[inputs * i]));
    if (inputs === 2) out.y!.push(round4(s.x[2 * i + 1]));
    out.t.push(round4(s.y[i]));
  }
  return out;
}

/** Regression on 1 or 2 inputs: a sample of the training, validation and test points (at most `max` each). */
export function fitPointsEvent(data: LoadedData, train: Split, validation: Split | undefined, max = MAX_POINTS): FitPointsEvent | undefined {
  const inputs = fitInputs(data);
  if (!inputs) return undefined;
  return {
    type: 'fitPoints',
    inputs,
    train: fitSample(train, inputs, max),
    ...(validation && validation.n > 0 ? { validation: fitSample(validation, inputs, max) } : {}),
    ...(data.test && data.test.n > 0 ? { test: fitSample(data.test, inputs, max) } : {}),
  };
}

/** Where the fit is predicted: 1 input, 64 points over the training range (5% margin); 2 inputs, a 32 × 32 grid. */
export type FitGrid = { inputs: 1; x: Float32Array } | { inputs: 2; extent: [number, number, number, number]; size: number; x: Float32Array };

export const FIT_POINTS = 64;
export const FIT_GRID = 32;

export function fitGrid(data: LoadedData, train: Split): FitGrid | undefined {
  const inputs = fitInputs(data);
  if (!inputs || train.n === 0) return undefined;
  if (inputs === 2) return { inputs, size: FIT_GRID, ...planeGrid(train, FIT_GRID) };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < train.n; i++) {
    lo = Math.min(lo, train.x[i]);
    hi = Math.max(hi, train.x[i]);
  }
  const m = (hi - lo) * 0.05 || 1;
  const x = new Float32Array(FIT_POINTS);
  for (let i = 0; i < FIT_POINTS; i++) x[i] = lo - m + ((hi - lo + 2 * m) * i) / (FIT_POINTS - 1);
  return { inputs, x };
}

/** The model's prediction over the fit grid; undefined when a prediction is not finite (nothing to draw). */
export function fitEvent(model: LayersModel, grid: FitGrid, epoch: number, fold?: number): FitEvent | undefined {
  const n = grid.inputs === 1 ? grid.x.length : grid.size * grid.size;
  const out = predictRows(model, [grid.inputs], grid.x, n);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i])) return undefined;
    values.push(Number(out[i].toPrecision(5)));
  }
  const tag = fold !== undefined ? { fold } : {};
  if (grid.inputs === 1) return { type: 'fit', epoch, inputs: 1, x: Array.from(grid.x, round4), values, ...tag };
  return { type: 'fit', epoch, inputs: 2, extent: grid.extent, size: grid.size, values, ...tag };
}

/** A size × size grid over a 2-D split's extent (10% margin), row-major from ymin: the decision boundary's and the 2-D fit's. */
export function planeGrid(s: Split, size: number): { extent: [number, number, number, number]; x: Float32Array } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < s.n; i++) {
    x0 = Math.min(x0, s.x[2 * i]);
    x1 = Math.max(x1, s.x[2 * i]);
    y0 = Math.min(y0, s.x[2 * i + 1]);
    y1 = Math.max(y1, s.x[2 * i + 1]);
  }
  const mx = (x1 - x0) * 0.1 || 1;
  const my = (y1 - y0) * 0.1 || 1;
  const extent: [number, number, number, number] = [x0 - mx, x1 + mx, y0 - my, y1 + my];
  const x = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      x[2 * i] = extent[0] + ((c + 0.5) / size) * (extent[1] - extent[0]);
      x[2 * i + 1] = extent[2] + ((r + 0.5) / size) * (extent[3] - extent[2]);
    }
  }
  return { extent, x };
}
