// The model description: what every target lowers from. A checked model graph (graph.ts) keeps
// syntax objects for the editor; this is the same model as plain, versioned, JSON-serialisable
// data, with blocks, residual, parallel and repeat already expanded, every argument resolved,
// every shape known, and where each node came from. tfjs (runtime/compile.ts), the PyTorch export
// (export/pytorch) and later exports read this, never the syntax tree.

import type { ModelGraph, LayerNode } from './graph';
import type { Args, BoundFn } from './catalog/types';
import { type LayerKind, isLayerKind } from './catalog/layers';
import type { LineIndex } from './text';
import type { TrainConfig } from './train';

/** Bumped when a field changes meaning; readers refuse descriptions of another format. */
export const MODEL_FORMAT = 1;

/** A resolved argument: plain data. A function argument (a regularizer, a wrapped layer) is `{ fn, args }`. */
export type ArgValue = number | string | boolean | null | readonly ArgValue[] | FnValue;
export interface FnValue {
  fn: string;
  args: Readonly<Record<string, ArgValue>>;
}

export interface WeightDesc {
  /** the tfjs weight name within its layer (kernel, bias, gamma, ...) */
  name: string;
  shape: number[];
  trainable: boolean;
}

/** One block call, expanded: the nodes it made have it (or a call inside it) as their `call`. */
export interface BlockCallDesc {
  id: number;
  /** the block's name as written */
  block: string;
  /** the enclosing call, for calls written inside a block */
  parent?: number;
  /** the call as written, for comments: `res_block(32, stride: 2)` */
  text: string;
  file: string;
  /** 1-based */
  line: number;
}

interface NodeBase {
  id: number;
  /** unique in the model: dense, dense_1, ... (the tfjs layer name) */
  name: string;
  /** the nodes feeding this one, by id */
  inputs: number[];
  /** the output shape, without the batch axis */
  shape: number[];
  /** the innermost block call this node came from */
  call?: number;
  file: string;
  /** 1-based line of the statement */
  line: number;
}

export interface InputNodeDesc extends NodeBase {
  kind: 'input';
}

export interface MergeNodeDesc extends NodeBase {
  kind: 'add' | 'concat';
  /** `residual` or `parallel`: how the merge is written */
  written: 'residual' | 'parallel';
}

export interface LayerNodeDesc<K extends LayerKind = LayerKind> extends NodeBase {
  kind: K;
  /** every parameter of the layer, defaults filled in */
  args: Readonly<Record<string, ArgValue>>;
  /** the input shape, without the batch axis */
  input: number[];
  /** in tfjs order */
  weights: WeightDesc[];
  trainable: number;
  nonTrainable: number;
}

export type NodeDesc = InputNodeDesc | MergeNodeDesc | LayerNodeDesc;

export interface ModelDesc {
  format: typeof MODEL_FORMAT;
  name: string;
  file: string;
  line: number;
  input: number[];
  nodes: NodeDesc[];
  /** the node whose output is the model's output */
  output: number;
  calls: BlockCallDesc[];
  trainable: number;
  nonTrainable: number;
}

/** A model that cannot be described: it has errors, or a shape is not known. */
export class ModelDescError extends Error {}

export function isLayerNode(n: NodeDesc): n is LayerNodeDesc {
  return n.kind !== 'input' && n.kind !== 'add' && n.kind !== 'concat';
}

function isBound(v: unknown): v is BoundFn {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'spec' in v && 'args' in v;
}

/** A checked argument as plain data; undefined (not set) is left out by the caller. */
export function argValue(v: unknown): ArgValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(argValue);
  if (isBound(v)) return { fn: v.spec.name, args: argsValue(v.args) };
  throw new ModelDescError(`an argument of an unexpected kind: ${typeof v}`);
}

export function argsValue(args: Args): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = argValue(v);
  return out;
}

function known(shape: readonly (number | null)[] | null, what: string): number[] {
  if (shape === null || shape.some((d) => d === null)) throw new ModelDescError(`${what} has no known shape`);
  return shape as number[];
}

/**
 * The description of a model that checked without errors. `lines` gives a file's line index
 * (for the line of each node), as `summarize` takes it.
 */
export function describeModel(graph: ModelGraph, lines: (file: string) => LineIndex | undefined = () => undefined): ModelDesc {
  if (graph.hasErrors) throw new ModelDescError(`model '${graph.name}' has errors; run nn check`);
  if (graph.output === undefined) throw new ModelDescError(`model '${graph.name}' has no layers`);
  const lineOf = (file: string, offset: number) => (lines(file)?.position(offset).line ?? 0) + 1;
  const textOf = (file: string, start: number, end: number) => {
    const index = lines(file);
    return index ? index.text.slice(start, end) : '';
  };
  // block calls: one per call site object (a repeated call is one site per repetition)
  const calls: BlockCallDesc[] = [];
  const callOf = new Map<object, number>();
  const nodes: NodeDesc[] = [];
  for (const n of graph.nodes) {
    let parent: number | undefined;
    n.sites.forEach((site, depth) => {
      let id = callOf.get(site);
      if (id === undefined) {
        id = calls.length;
        callOf.set(site, id);
        calls.push({ id, block: n.blocks[depth], ...(parent === undefined ? {} : { parent }), text: textOf(site.file, site.start, site.end), file: site.file, line: lineOf(site.file, site.start) });
      }
      parent = id;
    });
    nodes.push(describeNode(n, parent, lineOf(n.at.file, n.at.start)));
  }
  const trainable = graph.totals.trainable;
  const nonTrainable = graph.totals.nonTrainable;
  if (trainable === null || nonTrainable === null) throw new ModelDescError(`model '${graph.name}' has unknown parameter counts`);
  return {
    format: MODEL_FORMAT,
    name: graph.name,
    file: graph.file,
    line: lineOf(graph.file, graph.decl.start),
    input: known(graph.inputShape, `model '${graph.name}'`),
    nodes,
    output: graph.output,
    calls,
    trainable,
    nonTrainable,
  };
}

function describeNode(n: LayerNode, call: number | undefined, line: number): NodeDesc {
  const base = {
    id: n.id,
    name: n.name,
    inputs: [...n.inputs],
    shape: known(n.shape, `layer '${n.name}'`),
    ...(call === undefined ? {} : { call }),
    file: n.at.file,
    line,
  };
  if (n.kind === 'input') return { ...base, kind: 'input' };
  if (n.kind === 'add' || n.kind === 'concat') return { ...base, kind: n.kind, written: n.statement.kind === 'Residual' ? 'residual' : 'parallel' };
  if (!isLayerKind(n.kind)) throw new ModelDescError(`'${n.kind}' is not a layer`);
  const weights = (n.weights ?? []).map((w) => ({ name: w.name, shape: known(w.shape, `weight '${w.name}' of '${n.name}'`), trainable: w.trainable }));
  if (n.trainable === null || n.nonTrainable === null) throw new ModelDescError(`layer '${n.name}' has unknown parameter counts`);
  return { ...base, kind: n.kind, args: argsValue(n.args), input: known(n.input, `the input of '${n.name}'`), weights, trainable: n.trainable, nonTrainable: n.nonTrainable };
}

// ---- reading arguments in lowerings ----

export function num(n: { name: string; args: Readonly<Record<string, ArgValue>> }, key: string): number {
  const v = n.args[key];
  if (typeof v !== 'number') throw new ModelDescError(`layer '${n.name}': '${key}' is not a number`);
  return v;
}

export function nums(n: { name: string; args: Readonly<Record<string, ArgValue>> }, key: string): number[] {
  const v = n.args[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new ModelDescError(`layer '${n.name}': '${key}' is not a list of numbers`);
  return v as number[];
}

export function str(n: { name: string; args: Readonly<Record<string, ArgValue>> }, key: string): string {
  const v = n.args[key];
  if (typeof v !== 'string') throw new ModelDescError(`layer '${n.name}': '${key}' is not a word`);
  return v;
}

export function fnArg(n: { args: Readonly<Record<string, ArgValue>> }, key: string): FnValue | undefined {
  const v = n.args[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as FnValue) : undefined;
}

/**
 * The layer a `bidirectional` node wraps, as a node of its own: named `<name>_<kind>` (as tfjs
 * names the forward copy), with the wrapper's input and the inner layer's arguments.
 */
export function innerLayer(n: LayerNodeDesc<'bidirectional'>): LayerNodeDesc<'simple_rnn' | 'lstm' | 'gru'> {
  const inner = fnArg(n, 'layer');
  if (!inner || (inner.fn !== 'simple_rnn' && inner.fn !== 'lstm' && inner.fn !== 'gru')) throw new ModelDescError(`layer '${n.name}' wraps no recurrent layer`);
  const units = inner.args.units as number;
  const steps = inner.args.return_sequences === true ? [n.input[0]] : [];
  return { ...n, kind: inner.fn, name: `${n.name}_${inner.fn}`, args: inner.args, shape: [...steps, units], weights: [], trainable: 0, nonTrainable: 0 };
}

/** A lowering table: one entry per layer of the catalogue, so a missing lowering is a type error. */
export type Lowering<T, C = void> = { [K in LayerKind]: (node: LayerNodeDesc<K>, ctx: C) => T };

export function lower<T, C>(table: Lowering<T, C>, node: LayerNodeDesc, ctx: C): T {
  return (table[node.kind] as (n: LayerNodeDesc, c: C) => T)(node, ctx);
}

// ---- the resolved train block ----

/** A train block as plain data: what every engine trains by (the data is described by its loader). */
export interface TrainDesc {
  format: typeof MODEL_FORMAT;
  name: string;
  file: string;
  model: string;
  loss: FnValue;
  optimizer: FnValue;
  schedule?: FnValue;
  metrics: FnValue[];
  epochs: number;
  batchSize: number;
  /** a fraction of the training data, or a separate dataset (its name) */
  validation?: number | string;
  kfold?: number;
  augment: FnValue[];
  seed?: number;
  shuffle: boolean;
  clipNorm?: number;
  /** per-layer statistics: once an epoch ('epoch') or every N batches; absent when off */
  layerStats?: 'epoch' | number;
  earlyStopping?: FnValue;
  checkpoint?: FnValue;
}

/** The description of a train block that checked without errors. */
export function describeTrain(cfg: TrainConfig): TrainDesc {
  if (cfg.hasErrors || !cfg.model || !cfg.loss || !cfg.optimizer) throw new ModelDescError(`train block '${cfg.name}' has errors; run nn check`);
  const fn = (b: BoundFn): FnValue => argValue(b) as FnValue;
  return {
    format: MODEL_FORMAT,
    name: cfg.name,
    file: cfg.file,
    model: cfg.model.name,
    loss: fn(cfg.loss),
    optimizer: fn(cfg.optimizer),
    ...(cfg.schedule ? { schedule: fn(cfg.schedule) } : {}),
    metrics: cfg.metrics.map(fn),
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    ...(cfg.validation === undefined ? {} : { validation: typeof cfg.validation === 'number' ? cfg.validation : cfg.validation.name }),
    ...(cfg.kfold === undefined ? {} : { kfold: cfg.kfold }),
    augment: cfg.augment.map(fn),
    ...(cfg.seed === undefined ? {} : { seed: cfg.seed }),
    shuffle: cfg.shuffle,
    ...(cfg.clipNorm === undefined ? {} : { clipNorm: cfg.clipNorm }),
    ...(cfg.layerStats === false ? {} : { layerStats: cfg.layerStats }),
    ...(cfg.earlyStopping ? { earlyStopping: fn(cfg.earlyStopping) } : {}),
    ...(cfg.checkpoint ? { checkpoint: fn(cfg.checkpoint) } : {}),
  };
}
