// The gradient of Unpack (tf.unstack), for a tensor unstacked into ONE piece. tfjs' gradient
// stacks `dy`, but the tape hands a kernel with one output a single tensor rather than a list, so
// it threw ("Argument tensors passed to stack must be a `Tensor[]`"): every recurrent layer over a
// sequence of length 1 failed to train, on every backend.

import { tf } from '../tf';

export const unpackGradConfig: tf.GradConfig = {
  kernelName: tf.Unpack,
  gradFunc: (dy, _saved, attrs) => {
    const { axis } = attrs as { axis: number };
    return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
  },
};
