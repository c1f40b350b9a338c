// _FusedMatMul (matmul + bias + activation; tf.layers.dense runs on it) for wasm. The stock kernel
// has the BatchMatMul kernel's slow loop for transposed or batched operands, and in that loop it
// adds a rank-1 bias wrongly (every row after the first gets the bias' last element: measured
// max error 4 against cpu); it also refuses a bias that is not rank 1. Here: the stock kernel on
// its XNNPACK path whenever the operands fold into one matrix product (as in BatchMatMul) and the
// bias is [n]; otherwise, as the cpu backend does, the product, then Add, then the activation's own
// kernel.

import { tf } from '../tf';
import { foldForFastPath } from './batch-mat-mul';
import { type Info, type KernelArgs, free, reshape, run, size } from './util';

type Inputs = KernelArgs<'a' | 'b' | 'bias' | 'preluActivationWeights'>;

function activate(backend: Inputs['backend'], x: Info, activation: string, alpha: number, prelu: Info | undefined): Info {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return run(tf.Relu, backend, { x });
    case 'relu6':
      return run(tf.Relu6, backend, { x });
    case 'elu':
      return run(tf.Elu, backend, { x });
    case 'sigmoid':
      return run(tf.Sigmoid, backend, { x });
    case 'leakyrelu':
      return run(tf.LeakyRelu, backend, { x }, { alpha });
    case 'prelu':
      return run(tf.Prelu, backend, { x, alpha: prelu! });
    default:
      throw new Error(`_FusedMatMul: activation '${activation}' is not supported`);
  }
}

export function fusedMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (params: Parameters<tf.KernelFunc>[0]): Info => {
    const args = params as unknown as Inputs;
    const { a, b, bias, preluActivationWeights: prelu } = args.inputs as { a: Info; b: Info; bias?: Info; preluActivationWeights?: Info };
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
    const { backend } = args;
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    // what the stock kernel computes correctly: a bias of one value per column, PReLU weights likewise
    const plain = (!bias || (bias.shape.length === 1 && bias.shape[0] === n)) && (activation !== 'prelu' || (prelu !== undefined && size(prelu.shape) === n));
    const fold = plain ? foldForFastPath(args) : undefined;
    if (fold) {
      const out = stock.kernelFunc({
        inputs: { a: fold.a, b: fold.b, ...(bias ? { bias } : {}), ...(prelu ? { preluActivationWeights: prelu } : {}) },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as Info;
      const result = reshape(backend, out, fold.outShape);
      free(backend, out, ...fold.temps);
      return result;
    }
    const direct = !transposeA && !transposeB && size(a.shape.slice(0, -2)) === 1 && size(b.shape.slice(0, -2)) === 1;
    if (plain && (direct || !bias)) return stock.kernelFunc(params) as Info;
    const product = run(tf.BatchMatMul, backend, { a, b }, { transposeA, transposeB });
    const biased = bias ? run(tf.Add, backend, { a: product, b: bias }) : product;
    if (bias) free(backend, product);
    const out = activate(backend, biased, activation, leakyreluAlpha ?? 0.2, prelu);
    if (out !== biased) free(backend, biased);
    return out;
  };
  return { kernelName: tf._FusedMatMul, backendName: 'wasm', kernelFunc };
}
