// Keras' 'same' padding, which every export writes out explicitly (PyTorch's and ONNX's own
// 'same' put the odd cell elsewhere, or cannot stride).

/**
 * The padding [before, after] of each spatial axis: out = ceil(n / s), the total padding split
 * with the extra cell at the end.
 */
export function samePadding(sizes: readonly number[], kernel: readonly number[], stride: readonly number[], dilation: readonly number[]): [number, number][] {
  return sizes.map((n, i) => {
    const k = (kernel[i] - 1) * (dilation[i] ?? 1) + 1;
    const out = Math.ceil(n / stride[i]);
    const total = Math.max((out - 1) * stride[i] + k - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}
