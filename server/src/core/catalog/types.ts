// The vocabulary of the language is data: every layer, loss, optimizer, schedule, metric,
// dataset, regularizer, augmentation and training callback is a `FnSpec` with typed parameters
// and documentation. Argument binding, type checks, completion, signature help and hover all
// read these tables; nothing else lists names.

import type { Shape } from '../shape';
import type { Code } from '../diagnostics';
import type { MessageId, MessageArgs } from '../messages';
import type { RuntimeMessage } from '../runtime-messages';

export type Category =
  | 'layer'
  | 'loss'
  | 'optimizer'
  | 'schedule'
  | 'metric'
  | 'dataset'
  | 'regularizer'
  | 'augmentation'
  | 'callback';

/** Parameter types. Values are checked against these and normalised (see `normalize` in args.ts). */
export type PType =
  | { t: 'int'; min?: number; max?: number }
  | { t: 'float'; min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean }
  | { t: 'bool' }
  /** text; `path`: a file path argument (files ending in one of these, for completion) or a folder */
  | { t: 'string'; path?: readonly string[] | 'folder' }
  /** a bare word or a string, kept as text: monitor: val_loss */
  | { t: 'word'; what: string }
  /** a bare word out of a fixed set */
  | { t: 'enum'; values: readonly string[]; what: string }
  /** a whole number, or a list of `n` of them: kernel 3 or [3, 5] -> [3, 5] */
  | { t: 'ints'; n: number; min: number }
  /** a shape literal: [28, 28, 1]; `allowMinusOne` lets one dimension be -1 (reshape) */
  | { t: 'shape'; allowMinusOne: boolean }
  /** a list of numbers: normalize: [0.5, 0.5] */
  | { t: 'floats'; n?: number }
  /** a call of a function of a category, or its bare name: l2(0.01), adam(lr: 0.1), relu */
  | { t: 'fn'; category: Category; what: string; accepts?: (spec: FnSpec) => boolean }
  | { t: 'list'; of: PType }
  /** a declared name: a model or dataset */
  | { t: 'ref'; kind: 'model' | 'dataset' }
  /** the first alternative that the value's form fits */
  | { t: 'oneOf'; options: PType[]; expected: string };

export interface ParamSpec {
  name: string;
  type: PType;
  /** normalised default; `undefined` with `required: false` means "not set" */
  default?: unknown;
  required?: boolean;
  /** named-only parameters cannot be given by position */
  namedOnly?: boolean;
  /** names people coming from Keras or PyTorch try; used only for "did you mean" */
  aliases?: readonly string[];
  doc: string;
}

export interface Doc {
  /** one line */
  summary: string;
  /** what it computes, in formula form */
  formula?: string;
  /** a short explanation for a learner */
  explain?: string;
  /** the Keras / PyTorch equivalent, to orient users */
  equivalent?: string;
}

export interface FnSpec {
  name: string;
  category: Category;
  params: readonly ParamSpec[];
  doc: Doc;
}

/** Normalised arguments after binding. `undefined` means unknown (an error was reported, or the value depends on a block parameter not bound yet). */
export type Args = Readonly<Record<string, unknown>>;

export interface BoundFn {
  spec: FnSpec;
  args: Args;
  /** parameters written explicitly at the call, with where they are written */
  given: Written;
}

/** The arguments written at a call, by parameter name (a plain object: one per call, often shared empty). */
export type Written = Readonly<Record<string, unknown>>;

// ---- layers ----

/** One weight tensor of a layer: what the parameter counts are made of. */
export interface Weight {
  name: string;
  /** null where a dimension is not known */
  shape: (number | null)[];
  trainable: boolean;
}

export interface LayerInference {
  shape: Shape | null;
  /** the layer's weights in tfjs order; null when not even their number is known */
  weights: Weight[] | null;
  /** multiply-accumulates per sample */
  macs: number | null;
}

export interface LayerCtx {
  /** the input shape; null when its rank is unknown */
  input: Shape | null;
  args: Args;
  /** arguments written at the call site (not defaults) */
  given: Written;
  /** whether the layer reads the model's input directly; undefined when not known (a block checked on its own) */
  atModelInput: boolean | undefined;
  /** report a problem at an argument's value (or at the call when the argument was not written) */
  report<K extends MessageId>(code: Code, id: K, args: MessageArgs<K>, at?: string): void;
}

export type LayerGroup =
  | 'core'
  | 'activation'
  | 'normalization'
  | 'convolution'
  | 'pooling'
  | 'recurrent'
  | 'embedding'
  | 'attention';

export interface LayerSpec<N extends string = string> extends FnSpec {
  /** the layer's name in the language: a literal type, so targets can key tables by it (LayerKind) */
  name: N;
  category: 'layer';
  group: LayerGroup;
  /** the required input rank(s), for messages and quick fixes; undefined = any rank */
  ranks?: readonly number[];
  /** returns undefined to mean "shape unknown past this layer" */
  infer(ctx: LayerCtx): LayerInference;
  /**
   * PyTorch's module for this layer when its constructor takes the input size first, which nn
   * infers (nn.Conv2d(in_channels, out_channels, kernel_size)): a call with one positional
   * argument more than nn takes is read as that order (NN316).
   */
  torch?: { module: string; params: readonly string[] };
}

// ---- datasets ----

export type Target =
  | { kind: 'classes'; count: number | null }
  | { kind: 'values'; dims: number | null };

export interface DataInfo {
  features: Shape | null;
  /** 'int' for token ids (embedding input) */
  featureType: 'float' | 'int';
  /** token ids (featureType 'int'): every id is below this, the vocabulary's size; null when unknown */
  tokens?: number | null;
  target: Target;
  train: number | null;
  test: number | null;
  /** features are images [H, W, C] that image augmentations apply to */
  image: boolean;
}

/** What a host can tell about a data file without the language core touching the file system. */
export type DataProbe =
  | { ok: true; info: Partial<DataInfo> }
  | { ok: false; problem: RuntimeMessage };

/** The file-backed datasets a host probes. */
export type DataKind = 'csv' | 'idx' | 'image_folder' | 'text_csv';

export interface DataHost {
  probe(kind: DataKind, args: Args, fromFile: string): DataProbe | undefined;
}

export interface DatasetSpec extends FnSpec {
  category: 'dataset';
  /** where the data comes from: generated from a seed, a file, or a known download */
  source: 'synthetic' | 'file' | 'builtin';
  describe(args: Args, host: DataHost | undefined, fromFile: string): DataProbe;
}

// ---- training vocabulary ----

export interface LossSpec extends FnSpec {
  category: 'loss';
  /** what the loss expects to compare */
  task: 'regression' | 'categorical' | 'binary' | 'hinge';
}

export interface OptimizerSpec extends FnSpec {
  category: 'optimizer';
  /** a learning rate at or above which training usually diverges */
  highLr: number;
  typicalLr: string;
  /** the state it keeps per trainable weight (momentum, running averages): for the memory estimate */
  slots: (args: Record<string, unknown>) => number;
}

export interface MetricSpec extends FnSpec {
  category: 'metric';
  tasks: readonly ('classification' | 'regression')[];
  /** prefer high values (accuracy) or low ones (mae) when monitored */
  mode: 'max' | 'min';
  /** names other libraries record it under (Keras' acc, val_acc); used only for "did you mean" */
  aliases?: readonly string[];
}

export interface AugmentationSpec extends FnSpec {
  category: 'augmentation';
  imagesOnly: boolean;
}

export type AnySpec = FnSpec | LayerSpec | DatasetSpec | LossSpec | OptimizerSpec | MetricSpec | AugmentationSpec;
