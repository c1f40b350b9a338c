// tfjs' Adam with each variable's update as one kernel (NnAdamStep, runtime/kernels/adam-step.ts)
// where the backend has it (wasm and cpu, with this project's kernels registered); elsewhere
// (tfjs-node) tfjs' own applyGradients. The state is AdamOptimizer's own (moments, β powers,
// iteration count), kept exactly as applyGradients keeps it, so checkpoints, getWeights and
// setWeights work unchanged, and the values are bit for bit those of the unfused ops
// (test/unit/adam-step.test.ts).

import { tf, type Tensor } from '../tf';
import { ADAM_STEP, adamConstants } from '../kernels/adam-step';
import type { NamedTensor } from './checkpoint';

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's private state (tfjs 4.22), which the fused step keeps as applyGradients does. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  incrementIterations(): void;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const list: NamedTensor[] = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const fusable = tf.getKernel(ADAM_STEP, tf.getBackend()) !== undefined && list.every((v) => !v.tensor || v.tensor.dtype === 'float32');
    if (!fusable) {
      super.applyGradients(variableGradients);
      return;
    }
    const s = this as unknown as AdamState;
    const engine = tf.engine();
    tf.tidy(() => {
      const [acc1] = s.accBeta1.dataSync();
      const [acc2] = s.accBeta2.dataSync();
      const constants = adamConstants(s.beta1, s.beta2, s.epsilon, s.learningRate, acc1, acc2);
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = engine.registeredVariables[name];
        // the moments are made on first use, named and placed as applyGradients does
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = s.accumulatedFirstMoment[i].variable;
        const v = s.accumulatedSecondMoment[i].variable;
        const [x1, m1, v1] = engine.runKernel(ADAM_STEP, { x: value, g: gradient, m, v }, constants as unknown as tf.NamedAttrMap) as Tensor[];
        m.assign(m1);
        v.assign(v1);
        value.assign(x1);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  }
}
