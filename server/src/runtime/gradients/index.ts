// Gradients this project registers in place of tfjs' own: where tfjs' throw for layers of the
// catalogue (Conv2D, Unpack), ReLU's, which runs one kernel of this project's instead of three
// where the backend has it, batch norm's, broadcast where tfjs' tiles, and Mean's, one Tile where
// tfjs' makes ones and multiplies; and one tfjs lacks: FusedConv2D's, for the kernel NnConv2D runs
// (runtime/layers/conv2d.ts) so that its input's gradient is computed only when asked. tfjs' gradient registry is global (the last registration
// wins), so each works on every backend, delegating to tfjs' own gradient where it has nothing better.

import { tf } from '../tf';
import { batchNormGradConfig } from './batch-norm';
import { conv2DGradConfig } from './conv2d';
import { fusedConv2DGradConfig } from './fused-conv2d';
import { meanGradConfig } from './mean';
import { reluGradConfig } from './relu';
import { unpackGradConfig } from './unpack';

/** Each fix is made from tfjs' own gradient for the kernel, which it may delegate to. */
const FIXES: [string, (original: tf.GradConfig) => tf.GradConfig][] = [
  [tf.Conv2D, conv2DGradConfig],
  [tf.Unpack, () => unpackGradConfig],
  [tf.Relu, reluGradConfig],
  [tf.FusedBatchNorm, batchNormGradConfig],
  [tf.Mean, meanGradConfig],
];

/** Gradients tfjs does not register at all (its op differentiates itself with a customGrad). */
const ADDED: tf.GradConfig[] = [fusedConv2DGradConfig];

let registered = false;

/** Registers the fixed gradients (idempotent). */
export function registerGradientFixes(): void {
  if (registered) return;
  for (const [name, make] of FIXES) {
    const original = tf.getGradient(name);
    if (!original) throw new Error(`tfjs has no gradient for '${name}' to replace`);
    tf.registerGradient(make(original));
  }
  for (const g of ADDED) tf.registerGradient(g);
  registered = true;
}
