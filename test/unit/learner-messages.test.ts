// Messages a learner meets with a common mistake (issue 23): each says what happened and offers
// the fix that repairs it, not one that makes the model train and stay wrong.

import { strict as assert } from 'node:assert';
import { analyzeText, applyEdits } from '../helpers';

const codes = (text: string) => analyzeText(text).diagnostics.map((d) => d.code);

describe('messages for a learner\'s mistakes', () => {
  describe('a forgotten flatten() (NN315)', () => {
    const FORGOT = `model Mlp {
  input [28, 28, 1]
  dense(128, activation: relu)
  dense(10)
}

train t {
  model: Mlp
  data: mnist()
  loss: cross_entropy
}
`;

    it('warns at the first dense on the image only, and its fix gives the intended MLP', () => {
      const ds = analyzeText(FORGOT).diagnostics;
      const warned = ds.filter((d) => d.code === 'NN315');
      assert.equal(warned.length, 1, JSON.stringify(ds.map((d) => d.message)));
      assert.equal(FORGOT.slice(warned[0].start, warned[0].end), 'dense');
      assert.equal(FORGOT.lastIndexOf('\n', warned[0].start), FORGOT.indexOf('\n  dense(128'));
      assert.match(warned[0].message, /insert flatten\(\) before this layer/);
      const fixed = applyEdits(FORGOT, warned[0].fixes[0].edits);
      assert.match(fixed, /input \[28, 28, 1\]\n {2}flatten\(\)\n {2}dense\(128/);
      const after = analyzeText(fixed);
      assert.deepEqual(after.diagnostics.map((d) => d.code), []);
      assert.equal(after.models[0].totals.trainable, 784 * 128 + 128 + 128 * 10 + 10);
    });

    it("the loss's NN404 inserts flatten() before the first dense too, not before the last (a 1,003,530-weight layer)", () => {
      const d = analyzeText(FORGOT).diagnostics.find((x) => x.code === 'NN404')!;
      assert.ok(d, 'NN404');
      assert.doesNotMatch(d.message, /last dense/);
      const fixed = applyEdits(FORGOT, d.fixes[0].edits);
      assert.match(fixed, /input \[28, 28, 1\]\n {2}flatten\(\)\n {2}dense\(128/);
    });

    it('says nothing for dense on a flat input or on a sequence', () => {
      assert.deepEqual(codes('model A {\n  input [28, 28, 1]\n  flatten()\n  dense(10)\n}\n'), []);
      assert.deepEqual(codes('model B {\n  input [20, 8]\n  dense(4)\n}\n'), []);
    });
  });
});
