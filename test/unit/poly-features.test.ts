// poly_features(degree, cross, sin): the terms in scikit-learn's order, the count the checker
// infers without listing them, the values tfjs computes, and the Playground lesson it enables:
// XOR is separable by one dense layer once the cross term x1·x2 is there, and not without it.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { polyTerms, polyFeatureCount, MAX_POLY_FEATURES } from '../../server/src/core/catalog/layers/core';
import { describeModel } from '../../server/src/core/model';
import { compileModel } from '../../server/src/runtime/compile';
import { tf } from '../../server/src/runtime/tf';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { analyzeText } from '../helpers';
import { runNn } from '../nn-cli';

describe('poly_features', () => {
  it('lists its terms in scikit-learn PolynomialFeatures order, powers only without cross', () => {
    assert.deepEqual(polyTerms(2, 2, true), [[0], [1], [0, 0], [0, 1], [1, 1]]);
    assert.deepEqual(polyTerms(2, 3, false), [[0], [1], [0, 0], [1, 1], [0, 0, 0], [1, 1, 1]]);
    assert.deepEqual(polyTerms(3, 2, true).slice(3), [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]]);
  });

  it('counts its features without listing them, for every size', () => {
    for (let f = 1; f <= 6; f++)
      for (let d = 1; d <= 4; d++)
        for (const cross of [false, true])
          for (const sin of [false, true]) assert.equal(polyFeatureCount(f, d, cross, sin), polyTerms(f, d, cross).length + (sin ? f : 0), `${f} ${d} ${cross} ${sin}`);
    assert.equal(polyFeatureCount(784, 2, true, false), 784 + (784 * 785) / 2);
  });

  it('shows its shape, and refuses a layer that would make too many features (NN317)', () => {
    const text = 'model A {\n  input [2]\n  poly_features(2, cross: true, sin: true)\n  dense(1)\n}\nmodel B {\n  input [784]\n  poly_features(3, cross: true)\n}\n';
    const r = analyzeText(text);
    const a = describeModel(r.models.find((m) => m.name === 'A')!);
    assert.deepEqual(a.nodes.find((n) => n.kind === 'poly_features')!.shape, [7]);
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errs.map((d) => d.code), ['NN317']);
    assert.match(errs[0].message, new RegExp(`at most ${MAX_POLY_FEATURES.toLocaleString('en-US')}`));
    assert.equal(text.slice(errs[0].start, errs[0].end), 'true', 'at the cross argument');
  });

  it('computes x, its powers, the cross products and the sines (tfjs)', async () => {
    await tf.setBackend('cpu');
    const r = analyzeText('model A {\n  input [2]\n  poly_features(3, cross: true, sin: true)\n}\n');
    const { model } = compileModel(describeModel(r.models[0]));
    const [a, b] = [2, -3];
    const y = Array.from((model.predict(tf.tensor2d([[a, b]])) as tf.Tensor).dataSync());
    const want = [a, b, a * a, a * b, b * b, a ** 3, a * a * b, a * b * b, b ** 3, Math.sin(a), Math.sin(b)];
    assert.equal(y.length, want.length);
    y.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `term ${i}: ${v} vs ${want[i]}`));
    model.dispose();
  });

  describe('the XOR lesson: one dense layer on the Playground features', function () {
    this.timeout(120_000);
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-poly-'))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function testAccuracy(cross: boolean): Promise<number> {
      const file = path.join(dir, `xor-${cross}.nn`);
      fs.writeFileSync(
        file,
        `model M {\n  input [2]\n  poly_features(2${cross ? ', cross: true' : ''})\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor(n: 600, seed: 3)\n  loss: cross_entropy\n  optimizer: adam(lr: 0.05)\n  epochs: 20\n  metrics: [accuracy]\n  seed: 1\n}\n`,
      );
      const r = await runNn(['train', file, '--json', '--runs', path.join(dir, `runs-${cross}`)]);
      assert.equal(r.code, 0, r.err.join('\n'));
      const end = r.out.map((l) => parseEvent(l)).find((e): e is Extract<TrainEvent, { type: 'end' }> => e?.type === 'end')!;
      return end.test!.metrics.accuracy;
    }

    it('separates XOR with the cross term x1·x2, and cannot without it', async () => {
      const withCross = await testAccuracy(true);
      const without = await testAccuracy(false);
      assert.ok(withCross > 0.95, `with cross: test accuracy ${withCross}`);
      assert.ok(without < 0.75, `without cross: test accuracy ${without}`);
    });
  });
});
