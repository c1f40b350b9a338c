// The weights nn starts a run from, for PyTorch: the tfjs model compiled with the run's seed
// (every initializer seeded, as the trainer compiles it), converted to the module's state_dict.
// train.py starts from them (initial.json/.bin), so the same seed gives the same starting weights
// on both engines, as it gives the same batches (train.py's epoch_order).

import type { NnWeight } from '../nn-weights';
import type { ExportedModel } from './model-py';
import { torchWeights, weightFiles } from './weights';

/** initial.json/.bin of nn's initial weights (nn-weights.ts initialWeights, or a model compiled with the seed). */
export function initialWeightFiles(exported: ExportedModel, initial: readonly NnWeight[]): Record<string, string | Uint8Array> {
  const files = weightFiles(torchWeights(exported, initial));
  return { 'initial.json': files.json, 'initial.bin': new Uint8Array(files.bin) };
}
