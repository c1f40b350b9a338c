// Data as the trainer sees it: typed arrays, one row per sample. Loading (server/src/data/load.ts)
// turns a checked dataset (core DataRef) into this; batches are cut from these arrays directly
// (never with tf.slice, which copies the whole source tensor on the wasm backend).

import type { TextRules } from './text';
import type { RuntimeMessage } from '../core/runtime-messages';

export interface Split {
  /** n × product(featureShape) values, row-major; token ids are stored as whole numbers */
  x: Float32Array;
  /** classification: the class index of each sample; regression: n × targetDims values */
  y: Int32Array | Float32Array;
  n: number;
}

export interface LoadedData {
  /** the dataset's name as written (declared name, or the function name when inline) */
  name: string;
  /** the shape of one sample, without the batch dimension */
  featureShape: number[];
  task: 'classification' | 'regression';
  /** number of classes (classification) */
  classes?: number;
  /** names of the classes in index order, when the data has them (CSV labels, Fashion-MNIST) */
  classNames?: string[];
  /** values per target (regression) */
  targetDims?: number;
  /** the dataset asked for one-hot labels (the trainer expands Int32 labels) */
  oneHot: boolean;
  /** samples are images [H, W, C]: image augmentations apply */
  image: boolean;
  train: Split;
  /** the held-out test split: the dataset's own (MNIST) or `test:` fraction of a generated/CSV set */
  test?: Split;
  /** where the data came from, for the run log: a path, a URL, or "generated (seed 3)" */
  source: string;
  /** feature standardization applied (CSV normalize: true), to apply again when predicting */
  standardize?: { mean: number[]; std: number[] };
  /** pixel normalization applied after scaling to [0, 1] (normalize: [mean, std]) */
  pixelNormalize?: { mean: number; std: number };
  /** texts made token ids (text_csv): the rules and vocabulary, to apply again when predicting */
  text?: TextRules;
}

export interface LoadOptions {
  /** the nn.data.path setting: a folder holding dataset folders (fashion-mnist/, mnist/) */
  dataPath?: string;
  /** where downloads are cached; default ~/.cache/nn-lang/datasets */
  cacheDir?: string;
  /** allow downloading a missing built-in dataset (default true) */
  download?: boolean;
  /**
   * progress and notes for the user ("downloading ...", "using /usr/share/..."): the English text,
   * and where there is one the message id it renders from in the user's language
   */
  log?: (message: string, msg?: RuntimeMessage) => void;
  /**
   * where decoded image folders are cached: by default the runs folder beside the .nn file
   * (runs/.data-cache); null: no cache
   */
  dataCacheDir?: string | null;
  /** the environment (NN_DATA); defaults to process.env */
  env?: Record<string, string | undefined>;
}
