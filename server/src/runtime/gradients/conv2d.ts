// The gradient of Conv2D, with dilations. tfjs' own asserts dilation rates of 1 ("not yet supported
// in gradients"), so a dilated conv1d or conv2d could not train on any backend. A convolution with
// dilation d equals one with dilation 1 and the filter spread out: d-1 zeros between its taps
// (same effective size, so the same 'same' padding). So: dx is the transposed convolution with the
// spread filter; dW is the filter gradient of the spread filter, taken at the real taps (every d-th).

import { tf } from '../tf';

type Attrs = tf.Conv2DAttrs;

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** [kh, kw, ci, co] -> [(kh-1)·dh+1, (kw-1)·dw+1, ci, co] with zeros between the taps. */
export function spreadFilter(filter: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filter.shape;
    let f: tf.Tensor = filter;
    if (dh > 1) f = tf.slice(tf.reshape(tf.pad(tf.reshape(f, [kh, 1, kw * ci * co]), [[0, 0], [0, dh - 1], [0, 0]]), [kh * dh, kw, ci, co]), 0, (kh - 1) * dh + 1);
    if (dw > 1) {
      const h = f.shape[0];
      f = tf.slice(tf.reshape(tf.pad(tf.reshape(f, [h * kw, 1, ci * co]), [[0, 0], [0, dw - 1], [0, 0]]), [h, kw * dw, ci, co]), [0, 0, 0, 0], [-1, (kw - 1) * dw + 1, -1, -1]);
    }
    return f as tf.Tensor4D;
  });
}

/** Conv2D's gradient: tfjs' own (`original`) for dilation 1, the spread filter's otherwise. */
export function conv2DGradConfig(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const { strides, pad, dataFormat, dilations } = attrs as unknown as Attrs;
      const [dh, dw] = pair(dilations ?? 1);
      if (dh === 1 && dw === 1) return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      const spread = spreadFilter(filter, dh, dw);
      return {
        x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter: spread }, { strides, pad, dataFormat, inputShape: x.shape }) as tf.Tensor4D,
        filter: () => {
          const dW = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, { strides, pad, dataFormat, filterShape: spread.shape }) as tf.Tensor4D;
          return tf.stridedSlice(dW, [0, 0, 0, 0], dW.shape, [dh, dw, 1, 1]);
        },
      };
    },
  };
}
