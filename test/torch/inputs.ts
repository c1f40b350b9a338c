// What the cross-engine tests (PyTorch, ONNX) share: the sample models, inputs (random values,
// or token ids below the vocabulary where the model's input feeds an embedding), weights made to
// look trained, a tfjs model's weights handed to PyTorch, and the comparison of outputs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { isLayerNode, type ModelDesc } from '../../server/src/core/model';
import type { ModelGraph } from '../../server/src/core/graph';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import type { ExportedModel } from '../../server/src/export/pytorch/model-py';
import { torchWeights, weightFiles } from '../../server/src/export/pytorch/weights';
import { weightsOf, type NnWeight } from '../../server/src/export/nn-weights';
import { mulberry32 } from '../gen/random-models';

export { weightsOf };

/** Every model of every sample (samples/*.nn), labelled `file model`. */
export function sampleModels(): { label: string; graph: ModelGraph }[] {
  const samples = path.join(__dirname, '..', '..', 'samples');
  const files = fs.readdirSync(samples).filter((f) => f.endsWith('.nn')).map((f) => path.join(samples, f));
  return analyzeFiles(new Program(new NodeHost()), files).flatMap((r) => r.models.map((graph) => ({ label: `${path.basename(r.path)} ${graph.name}`, graph })));
}

export function inputFor(desc: ModelDesc, batch: number, seed: number): Float32Array {
  const size = batch * desc.input.reduce((a, b) => a * b, 1);
  const r = mulberry32(seed);
  const embedding = desc.nodes.find((n) => isLayerNode(n) && n.kind === 'embedding' && n.inputs[0] === 0);
  const vocab = embedding && isLayerNode(embedding) ? (embedding.args.vocab as number) : undefined;
  return Float32Array.from({ length: size }, () => (vocab === undefined ? r() * 4 - 2 : Math.floor(r() * vocab)));
}

/**
 * A compiled model's weights with batch norm's statistics and the betas made non-trivial (a fresh
 * model's are 0 and 1, which would hide a swapped mean and variance), set into the model too.
 */
export function trainedLikeWeights(model: tf.LayersModel): NnWeight[] {
  const weights = weightsOf(model).map((w) => {
    const name = w.name;
    const data = name.endsWith('moving_variance') ? w.data.map((_, i) => 0.5 + ((i * 7) % 5) / 4) : name.endsWith('moving_mean') || name.endsWith('/beta') ? w.data.map((_, i) => (((i * 3) % 7) - 3) / 10) : w.data;
    return { ...w, data };
  });
  model.setWeights(weights.map((w) => tf.tensor(w.data, [...w.shape])));
  return weights;
}

/**
 * The largest difference between `got` and `want`, and whether it is within `tolerance` of the
 * tensor's scale (its largest value, at least 1).
 */
export function compareValues(want: ArrayLike<number>, got: ArrayLike<number>, tolerance: number): { worst: number; scale: number; ok: boolean } {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  return { worst, scale, ok: got.length === want.length && worst <= tolerance * scale };
}

/** weights.json and weights.bin in `dir`: a tfjs model's weights, converted for the exported module. */
export function writeTorchWeights(dir: string, exported: ExportedModel, model: tf.LayersModel): void {
  const files = weightFiles(torchWeights(exported, weightsOf(model)));
  fs.writeFileSync(path.join(dir, 'weights.json'), files.json);
  fs.writeFileSync(path.join(dir, 'weights.bin'), files.bin);
}
