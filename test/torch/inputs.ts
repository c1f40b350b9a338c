// Inputs for the cross-engine tests: random values, or token ids below the vocabulary where the
// model's input feeds an embedding.

import { isLayerNode, type ModelDesc } from '../../server/src/core/model';
import { mulberry32 } from '../gen/random-models';

export function inputFor(desc: ModelDesc, batch: number, seed: number): Float32Array {
  const size = batch * desc.input.reduce((a, b) => a * b, 1);
  const r = mulberry32(seed);
  const embedding = desc.nodes.find((n) => isLayerNode(n) && n.kind === 'embedding' && n.inputs[0] === 0);
  const vocab = embedding && isLayerNode(embedding) ? (embedding.args.vocab as number) : undefined;
  return Float32Array.from({ length: size }, () => (vocab === undefined ? r() * 4 - 2 : Math.floor(r() * vocab)));
}
