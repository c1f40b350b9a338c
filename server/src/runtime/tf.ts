// The one import of TensorFlow.js in the project. Everything in the runtime gets `tf` from here,
// so a backend chosen at start-up (tfjs-node when installed, else wasm, else cpu) is the one used.

import * as tf from '@tensorflow/tfjs';

// Production mode: no per-op debug checks, and no banner asking for tfjs-node on every run (the
// runtime says itself which backend it uses and how to get a faster one).
tf.env().set('PROD', true);

export { tf };
export type Tensor = tf.Tensor;
export type LayersModel = tf.LayersModel;
export type SymbolicTensor = tf.SymbolicTensor;
