// A model description (core/model.ts) and nn's weights -> an ONNX model (opset 17): one input
// `input` [batch, *input_shape] float32 in nn's layout (channels last), one output `output`
// [batch, *output_shape], the batch axis symbolic. Layers lower through ONNX_LAYERS (layers.ts);
// the weights become initializers under their tfjs names (weights.ts).

import { type ModelDesc, isLayerNode, ModelDescError } from '../../core/model';
import type { NnWeight } from '../nn-weights';
import { GraphBuilder, int } from './graph';
import { onnxLayer } from './layers';
import { WeightSource } from './weights';
import { encodeModel, type ModelP } from './proto';

/** The opset the export writes: the newest that Debian's python3-onnx (1.12) checks. */
export const OPSET = 17;
/** The IR version of opset 17 (onnx 1.12). */
export const IR_VERSION = 8;
export const INPUT = 'input';
export const OUTPUT = 'output';
export const BATCH = 'batch';

export interface OnnxOptions {
  /** what the weights are, for the model's doc string: "initial weights, seed 0", "run runs/x/1" */
  weightsFrom: string;
  /** nn's version, as the producer's */
  version: string;
  /** more metadata_props (how a run prepared its inputs, its class names) */
  metadata?: Readonly<Record<string, string>>;
}

/** The ONNX model of `desc` with `weights` (every weight of the model, by tfjs name). */
export function onnxModel(desc: ModelDesc, weights: readonly NnWeight[], options: OnnxOptions): ModelP {
  const g = new GraphBuilder([INPUT, OUTPUT]);
  const w = new WeightSource(weights);
  const tensors = new Map<number, string>();
  for (const n of desc.nodes) {
    if (n.kind === 'input') {
      tensors.set(n.id, INPUT);
      continue;
    }
    const ins = n.inputs.map((i) => tensors.get(i));
    if (ins.length === 0 || ins.some((t) => t === undefined)) throw new ModelDescError(`layer '${n.name}' has no input`);
    g.enter(n.name);
    let y: string;
    if (isLayerNode(n)) y = onnxLayer(n, { g, w, x: ins[0]! });
    else if (n.kind === 'concat') y = g.op('Concat', ins as string[], { axis: int(-1) });
    else y = ins.length === 2 ? g.op('Add', ins as string[]) : g.op('Sum', ins as string[]);
    tensors.set(n.id, g.name(y, n.id === desc.output ? OUTPUT : g.unique(n.name)));
  }
  w.finish();
  const output = desc.nodes[desc.output];
  return {
    irVersion: IR_VERSION,
    opset: OPSET,
    producerName: 'nn',
    producerVersion: options.version,
    doc: `model '${desc.name}' of ${desc.file.split(/[\\/]/).pop()}, exported by nn; ${options.weightsFrom}`,
    metadata: { model: desc.name, weights: options.weightsFrom, ...options.metadata },
    graph: {
      name: desc.name,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: INPUT, dims: [BATCH, ...desc.input], doc: 'channels last, as nn reads its data' }],
      outputs: [{ name: OUTPUT, dims: [BATCH, ...output.shape] }],
    },
  };
}

/** The bytes of model.onnx. */
export function onnxBytes(desc: ModelDesc, weights: readonly NnWeight[], options: OnnxOptions): Uint8Array {
  return encodeModel(onnxModel(desc, weights, options));
}
