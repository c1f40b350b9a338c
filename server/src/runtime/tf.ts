// The one import of TensorFlow.js in the project. Everything in the runtime gets `tf` from here,
// so a backend chosen at start-up (tfjs-node when installed, else wasm, else cpu) is the one used.
// The wasm backend and tfjs-node are loaded on demand (`loadWasmBackend`, `loadTfjsNode`): loading
// the wasm package registers an asynchronously initialised backend, which would make plain
// synchronous use of tf fail until something awaits `tf.setBackend`; `selectBackend` does that.

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import type * as wasm from '@tensorflow/tfjs-backend-wasm';

// Production mode: no per-op debug checks, and no banner asking for tfjs-node on every run (the
// runtime says itself which backend it uses and how to get a faster one).
tf.env().set('PROD', true);

export { tf };
export type Tensor = tf.Tensor;
export type LayersModel = tf.LayersModel;
export type SymbolicTensor = tf.SymbolicTensor;
export type BackendWasm = wasm.BackendWasm;

const nodeRequire = createRequire(__filename);

/** @tensorflow/tfjs-backend-wasm, which registers the 'wasm' backend when first loaded. */
export function loadWasmBackend(): typeof wasm {
  return nodeRequire('@tensorflow/tfjs-backend-wasm') as typeof wasm;
}

/** Where @tensorflow/tfjs-node would load from, or undefined when it is not installed. */
export function resolveTfjsNode(): string | undefined {
  try {
    return nodeRequire.resolve('@tensorflow/tfjs-node');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/** Loads @tensorflow/tfjs-node (which registers the 'tensorflow' backend); throws what it throws. */
export function loadTfjsNode(): unknown {
  return nodeRequire('@tensorflow/tfjs-node');
}
