// Dropout masks come from the step's seed (runtime/layers/dropout.ts): the same step seed draws the
// same masks, each mask of a step its own, another step other masks; outside training nothing is
// dropped; and a saved model names the layer tfjs' Dropout, so it loads anywhere tfjs does.
// The trainer's side (the same seed repeats a run with dropout, a resumed one included) is in
// train-loop.test.ts.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { compileModel, type Compiled } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { modelFiles, loadModel } from '../../server/src/runtime/train/checkpoint';
import { analyzeText } from '../helpers';

function compiled(input: string, layers: string): Compiled {
  const r = analyzeText(`model M {\n  input ${input}\n  ${layers}\n}\n`);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return compileModel(describeModel(r.models[0]), { seed: 3 });
}

/** The model's outputs in training mode, in a step seeded with `stepSeed` (outside a step without one). */
function trainingOutput(c: Compiled, x: tf.Tensor, stepSeed: number | undefined): number[] {
  const apply = () => tf.tidy(() => Array.from((c.model.apply(x, { training: true }) as tf.Tensor).dataSync()));
  return stepSeed === undefined ? apply() : c.noise.step(stepSeed, apply);
}

/** Which of the values are dropped (0). */
const dropped = (v: number[]) => v.map((a) => a === 0);

describe('compile: seeded dropout', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const ones = () => tf.ones([4, 256]);

  it('the same step seed draws the same mask; another step seed another one', () => {
    const c = compiled('[256]', 'dropout(0.5)');
    const x = ones();
    try {
      const a = trainingOutput(c, x, 11);
      const b = trainingOutput(c, x, 11);
      const other = trainingOutput(c, x, 12);
      assert.deepEqual(a, b);
      assert.notDeepEqual(dropped(a), dropped(other));
      // kept values are scaled by 1 / (1 - rate); about half are dropped
      assert.ok(a.every((v) => v === 0 || Math.abs(v - 2) < 1e-6));
      const n = a.filter((v) => v === 0).length;
      assert.ok(n > 400 && n < 624, `${n} of 1024 dropped`);
    } finally {
      x.dispose();
      c.model.dispose();
    }
  });

  it('two dropout layers in one step draw different masks', () => {
    // the second layer drops values the first kept; with the first's mask it would drop none of them
    const one = compiled('[256]', 'dropout(0.5)');
    const two = compiled('[256]', 'dropout(0.5)\n  dropout(0.5)');
    const x = ones();
    try {
      const first = trainingOutput(one, x, 5);
      const both = trainingOutput(two, x, 5);
      // the first mask of the step is the same in both models
      first.forEach((v, i) => assert.ok(v !== 0 || both[i] === 0, `value ${i} was dropped by the first layer`));
      const droppedBySecond = both.filter((v, i) => v === 0 && first[i] !== 0).length;
      assert.ok(droppedBySecond > 150, `the second layer dropped ${droppedBySecond} values the first kept`);
    } finally {
      x.dispose();
      one.model.dispose();
      two.model.dispose();
    }
  });

  it('attention and the transformer encoder draw their dropout from the step seed too', () => {
    for (const layer of ['self_attention(heads: 2, dropout: 0.3)', 'transformer_encoder(heads: 2, ff: 16, dropout: 0.3)']) {
      const c = compiled('[6, 8]', layer);
      const x = tf.randomNormal([3, 6, 8], 0, 1, 'float32', 1);
      try {
        const a = trainingOutput(c, x, 21);
        assert.deepEqual(trainingOutput(c, x, 21), a, layer);
        assert.notDeepEqual(trainingOutput(c, x, 22), a, layer);
      } finally {
        x.dispose();
        c.model.dispose();
      }
    }
  });

  it('drops nothing outside training, and draws unseeded masks outside a step (after one too)', () => {
    const c = compiled('[256]', 'dropout(0.5)');
    const x = ones();
    try {
      const inference = tf.tidy(() => Array.from((c.model.apply(x, { training: false }) as tf.Tensor).dataSync()));
      assert.ok(inference.every((v) => v === 1));
      // a seed left over from the step would draw the same mask after each of two equal steps
      const afterStep = () => {
        trainingOutput(c, x, 11);
        return trainingOutput(c, x, undefined);
      };
      const [a, b] = [afterStep(), afterStep()];
      assert.ok(a.some((v) => v === 0) && a.some((v) => v === 2));
      assert.notDeepEqual(dropped(a), dropped(b));
    } finally {
      x.dispose();
      c.model.dispose();
    }
  });

  it("saves as tfjs' Dropout, which nn predict's loader reads back as tfjs' own layer", async () => {
    const c = compiled('[4]', 'dense(3)\n  dropout(0.25)\n  dense(2)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-dropout-'));
    try {
      const files = await modelFiles(c.model);
      for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
      const topology = JSON.parse(files['model.json'] as string).modelTopology as { config: { layers: { class_name: string; config: { rate?: number } }[] } };
      const saved = topology.config.layers.find((l) => l.class_name === 'Dropout');
      assert.ok(saved, JSON.stringify(topology.config.layers.map((l) => l.class_name)));
      assert.equal(saved.config.rate, 0.25);
      const loaded = await loadModel(dir);
      const layer = loaded.layers.find((l) => l.getClassName() === 'Dropout')!;
      assert.equal(layer.constructor, tf.layers.dropout({ rate: 0.5 }).constructor, "tfjs' own Dropout class");
      assert.equal(layer.getConfig().rate, 0.25);
      const x = tf.tensor2d([[0.5, -1, 2, 0.25]]);
      assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((c.model.predict(x) as tf.Tensor).dataSync()));
      x.dispose();
      loaded.dispose();
    } finally {
      c.model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
