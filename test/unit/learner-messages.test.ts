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

  describe("PyTorch's argument order (NN316)", () => {
    it('conv2d(1, 32, 3) is said to be nn.Conv2d(in, out, kernel) once, not a 32x32 kernel or a surplus argument', () => {
      const text = 'model C {\n  input [28, 28, 1]\n  conv2d(1, 32, 3)\n  flatten()\n  dense(10)\n}\n';
      const ds = analyzeText(text).diagnostics;
      assert.deepEqual(ds.map((d) => d.code), ['NN316'], ds.map((d) => d.message).join('\n'));
      assert.match(ds[0].message, /^conv2d\(1, 32, 3\) reads like PyTorch's nn\.Conv2d\(in_channels, out_channels, kernel_size\); .*write conv2d\(32, 3\)$/);
      const fixed = applyEdits(text, ds[0].fixes[0].edits);
      assert.match(fixed, /\n {2}conv2d\(32, 3\)\n/);
      assert.deepEqual(codes(fixed), []);
    });

    it('conv1d and dense (nn.Linear(in, out)) too; the usual calls and a real surplus argument are not', () => {
      assert.deepEqual(codes('model S {\n  input [50, 8]\n  conv1d(8, 16, 5)\n}\n'), ['NN316']);
      assert.deepEqual(codes('model D {\n  input [784]\n  dense(784, 128)\n}\n'), ['NN316']);
      assert.deepEqual(codes('model E {\n  input [28, 28, 1]\n  conv2d(32, 3, padding: same)\n}\n'), []);
      const surplus = codes('model F {\n  input [28, 28, 1]\n  conv2d(1, 32, 3, 1)\n}\n');
      assert.ok(surplus.includes('NN203') && !surplus.includes('NN316'), surplus.join());
    });
  });

  describe("Keras' positional activation (NN203)", () => {
    it('dense(8, relu) and dense(10, "softmax") name the activation, with a fix; not NN316 or an unknown name', () => {
      const text = 'model K {\n  input [4]\n  dense(8, relu)\n  dense(10, "softmax")\n}\n';
      const ds = analyzeText(text).diagnostics;
      assert.deepEqual(ds.map((d) => d.code), ['NN203', 'NN203'], ds.map((d) => d.message).join('\n'));
      assert.equal(ds[0].message, "dense() takes 1 positional argument; 'relu' is a value of its activation, which is given by name: write activation: relu");
      let fixed = applyEdits(text, ds[0].fixes[0].edits);
      fixed = applyEdits(fixed, analyzeText(fixed).diagnostics[0].fixes[0].edits);
      assert.match(fixed, /dense\(8, activation: relu\)\n {2}dense\(10, activation: softmax\)/);
      assert.deepEqual(codes(fixed), []);
    });

    it('conv2d(32, 3, same) names padding; dense(4, 7) is still PyTorch order, dense(8, relu, 3) still a plain surplus', () => {
      assert.match(analyzeText('model C {\n  input [8, 8, 1]\n  conv2d(32, 3, same)\n}\n').diagnostics[0].message, /write padding: same$/);
      assert.deepEqual(codes('model D {\n  input [4]\n  dense(4, 7)\n}\n'), ['NN316']);
      const two = analyzeText('model E {\n  input [4]\n  dense(8, relu, 3)\n}\n').diagnostics;
      assert.deepEqual(two.map((d) => d.message), ['dense() takes at most 1 positional argument']);
    });
  });

  describe("Keras' monitor names", () => {
    const T = (settings: string) => `model M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor()\n  loss: cross_entropy\n${settings}}\n`;

    it('early_stopping(monitor: val_acc) suggests val_accuracy and says it needs validation:, and the fix gives both', () => {
      const text = T('  metrics: [accuracy]\n  early_stopping(monitor: val_acc)\n');
      const ds = analyzeText(text).diagnostics;
      assert.equal(ds.length, 1, ds.map((d) => d.message).join('\n'));
      assert.equal(ds[0].message, "unknown monitor 'val_acc': nn records it as 'val_accuracy', which needs validation data (validation: 0.1)");
      assert.doesNotMatch(ds[0].message, /expected one of/);
      const fixed = applyEdits(text, ds[0].fixes[0].edits);
      assert.match(fixed, /early_stopping\(monitor: val_accuracy\)\n {2}validation: 0\.1\n/);
      assert.deepEqual(codes(fixed), []);
    });

    it('without accuracy in metrics it says so too, and offers no fix that would not work', () => {
      const ds = analyzeText(T('  early_stopping(monitor: val_acc)\n')).diagnostics;
      assert.equal(ds[0].message, "unknown monitor 'val_acc': nn records it as 'val_accuracy', which needs 'accuracy' in metrics and validation data (validation: 0.1)");
      assert.deepEqual(ds[0].fixes, []);
    });
  });
});
