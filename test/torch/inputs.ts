// What the cross-engine tests share: inputs (random values, or token ids below the vocabulary
// where the model's input feeds an embedding) and a tfjs model's weights handed to PyTorch.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { tf } from '../../server/src/runtime/tf';
import { isLayerNode, type ModelDesc } from '../../server/src/core/model';
import type { ExportedModel } from '../../server/src/export/pytorch/model-py';
import { torchWeights, weightFiles, type NnWeight } from '../../server/src/export/pytorch/weights';
import { mulberry32 } from '../gen/random-models';

export function inputFor(desc: ModelDesc, batch: number, seed: number): Float32Array {
  const size = batch * desc.input.reduce((a, b) => a * b, 1);
  const r = mulberry32(seed);
  const embedding = desc.nodes.find((n) => isLayerNode(n) && n.kind === 'embedding' && n.inputs[0] === 0);
  const vocab = embedding && isLayerNode(embedding) ? (embedding.args.vocab as number) : undefined;
  return Float32Array.from({ length: size }, () => (vocab === undefined ? r() * 4 - 2 : Math.floor(r() * vocab)));
}

/** nn's weights of a tfjs model, by their tfjs names. */
export function weightsOf(model: tf.LayersModel): NnWeight[] {
  return model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: Float32Array.from(w.read().dataSync() as Float32Array) }));
}

/** weights.json and weights.bin in `dir`: a tfjs model's weights, converted for the exported module. */
export function writeTorchWeights(dir: string, exported: ExportedModel, model: tf.LayersModel): void {
  const files = weightFiles(torchWeights(exported, weightsOf(model)));
  fs.writeFileSync(path.join(dir, 'weights.json'), files.json);
  fs.writeFileSync(path.join(dir, 'weights.bin'), files.bin);
}
