// Gradients this project registers in place of tfjs' own, where tfjs' throw for layers of the
// catalogue. They are backend-independent (composed of ops), so they are registered for every
// backend; tfjs' gradient registry is global and the last registration wins.

import { tf } from '../tf';
import { conv2DGradConfig } from './conv2d';
import { unpackGradConfig } from './unpack';

/** Each fix is made from tfjs' own gradient for the kernel, which it may delegate to. */
const FIXES: [string, (original: tf.GradConfig) => tf.GradConfig][] = [
  [tf.Conv2D, conv2DGradConfig],
  [tf.Unpack, () => unpackGradConfig],
];

let registered = false;

/** Registers the fixed gradients (idempotent). */
export function registerGradientFixes(): void {
  if (registered) return;
  for (const [name, make] of FIXES) {
    const original = tf.getGradient(name);
    if (!original) throw new Error(`tfjs has no gradient for '${name}' to replace`);
    tf.registerGradient(make(original));
  }
  registered = true;
}
