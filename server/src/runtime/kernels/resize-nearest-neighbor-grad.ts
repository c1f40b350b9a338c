// ResizeNearestNeighborGrad (the gradient of upsampling) for cpu and wasm; both stock kernels are
// wrong. tfjs' cpu kernel reads dy at the images' batch offset (b · h · w · c of the input instead
// of the output), so for every batch element after the first it adds the wrong part of dy:
// measured max error 0.32 for a 2x upsampling of a [2, 4, 5, 3] batch; models with an upsampling
// layer trained wrongly on cpu. wasm's stock kernel gets plain upsampling right but returns zeros
// with align_corners from a size-1 axis. The gradient of a nearest-neighbour resize sends each
// output position's gradient to the input pixel it copied: here the forward kernels' own source
// mapping (align_corners and half-pixel centres included), one pass over dy adding into dx.

import { tf } from '../tf';
import { type Info, type KernelArgs, heapViews } from './util';

/** The input index each output index copies from, as tfjs' forward kernels compute it. */
export function nearestSources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const ratio = (alignCorners && outSize > 1 ? inSize - 1 : inSize) / (alignCorners && outSize > 1 ? outSize - 1 : outSize);
  const src = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const frac = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
    let i = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) i = Math.max(0, i);
    src[o] = i;
  }
  return src;
}

/** dx[b, rows[r], cols[c], :] += dy[b, r, c, :]; dx starts at zero. */
function scatter(dx: Float32Array, dy: Float32Array, imagesShape: number[], dyShape: number[], rows: Int32Array, cols: Int32Array): void {
  const [batch, inHeight, inWidth, channels] = imagesShape;
  const [, outHeight, outWidth] = dyShape;
  let gi = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outHeight; r++) {
      const rowBase = (b * inHeight + rows[r]) * inWidth;
      for (let c = 0; c < outWidth; c++) {
        const base = (rowBase + cols[c]) * channels;
        for (let d = 0; d < channels; d++, gi++) dx[base + d] += dy[gi];
      }
    }
  }
}

function sources(images: Info, dy: Info, attrs: tf.NamedAttrMap): [Int32Array, Int32Array] {
  const alignCorners = attrs.alignCorners === true;
  const halfPixelCenters = attrs.halfPixelCenters === true;
  return [nearestSources(images.shape[1], dy.shape[1], alignCorners, halfPixelCenters), nearestSources(images.shape[2], dy.shape[2], alignCorners, halfPixelCenters)];
}

function cpuKernel(params: Parameters<tf.KernelFunc>[0]): Info {
  const backend = params.backend as tf.KernelBackend;
  const { images, dy } = params.inputs as { images: Info; dy: Info };
  const dx = new Float32Array(images.shape.reduce((a, b) => a * b, 1));
  scatter(dx, backend.readSync(dy.dataId) as Float32Array, images.shape, dy.shape, ...sources(images, dy, params.attrs ?? {}));
  return { dataId: backend.write(dx, images.shape, 'float32'), shape: images.shape, dtype: 'float32' };
}

function wasmKernel(params: Parameters<tf.KernelFunc>[0]): Info {
  const { inputs, backend, attrs } = params as unknown as KernelArgs<'images' | 'dy'>;
  const images = inputs.images!;
  const dy = inputs.dy!;
  const out = backend.makeOutput(images.shape, 'float32');
  const [dx, g] = heapViews(backend, out, dy) as Float32Array[];
  dx.fill(0);
  scatter(dx, g, images.shape, dy.shape, ...sources(images, dy, attrs));
  return out;
}

export const resizeNearestNeighborGradCpuConfig: tf.KernelConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: cpuKernel,
};

export const resizeNearestNeighborGradWasmConfig: tf.KernelConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: wasmKernel,
};
