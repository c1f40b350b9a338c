// Hover over LSP: layers with shapes and weights, activations, losses, arguments, settings,
// keywords, the user's declarations; English and Simplified Chinese.

import { strict as assert } from 'node:assert';
import type * as lsp from 'vscode-languageserver';
import { TestClient, cursor } from '../../lsp-client';

const SRC = `const width = 64
block conv_bn(f) {
  conv2d(f, 3, padding: same)
  batch_norm()
}
model Mlp {
  input [28, 28, 1]
  flatten()
  dense(128, activation: relu)
  dense(10)
}
model Cnn {
  input [8, 8, 1]
  conv_bn(4)
  residual { conv_bn(4) }
}
dataset fashion = fashion_mnist(normalize: [0.5, 0.5])
train t {
  model: Mlp
  data: fashion
  loss: cross_entropy
  optimizer: adam(lr: 0.001)
  epochs: 5
}
`;

async function hoverAt(c: TestClient, marked: string): Promise<string> {
  const { text, position } = cursor(marked);
  const uri = await c.open('h.nn', text);
  const h = await c.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  await c.close(uri);
  if (!h) return '';
  return typeof h.contents === 'string' ? h.contents : 'value' in h.contents ? h.contents.value : '';
}

function mark(find: string, at = 1): string {
  const i = SRC.indexOf(find);
  if (i < 0) throw new Error(find);
  return SRC.slice(0, i + at) + '|' + SRC.slice(i + at);
}

describe('lsp: hover', () => {
  let c: TestClient;
  before(async () => (c = await TestClient.start()));
  after(() => c.dispose());

  it('a layer: input and output shapes, weights, mult-adds, formula and explanation', async () => {
    const h = await hoverAt(c, mark('dense(128'));
    assert.match(h, /\*\*dense\*\* · layer/);
    assert.match(h, /`\[784\] → \[128\]` · 100,480 params/);
    assert.match(h, /kernel 784×128 \+ bias 128/);
    assert.match(h, /100,352 mult-adds/);
    assert.match(h, /y = activation\(x · W \+ b\)/);
    assert.match(h, /PyTorch nn\.Linear/);
  });

  it('a layer inside a block: every call it is made for, non-trainable weights marked', async () => {
    const h = await hoverAt(c, mark('batch_norm()'));
    assert.match(h, /`\[8, 8, 4\] → \[8, 8, 4\]` · 16 params/);
    assert.match(h, /moving_mean 4\*/);
    assert.match(h, /non-trainable: 8/);
  });

  it('a block call: its output and parameters', async () => {
    const h = await hoverAt(c, mark('conv_bn(4)\n  residual'));
    assert.match(h, /\*\*conv_bn\*\* · block/);
    assert.match(h, /block conv_bn\(f\)/);
    assert.match(h, /`→ \[8, 8, 4\]` · 2 layers · 56 params/);
  });

  it('an activation word, a loss, an optimizer, an argument name, a setting', async () => {
    assert.match(await hoverAt(c, mark('relu)')), /\*\*relu\*\* · activation[\s\S]*max\(0, x\)/);
    assert.match(await hoverAt(c, mark('cross_entropy')), /\*\*cross_entropy\*\*[\s\S]*logits/);
    assert.match(await hoverAt(c, mark('adam(')), /\*\*adam\*\*[\s\S]*m̂/);
    const arg = await hoverAt(c, mark('activation:'));
    assert.match(arg, /\*\*activation\*\* · dense\(\)/);
    assert.match(arg, /default `linear`/);
    assert.match(await hoverAt(c, mark('epochs:')), /setting \*\*epochs\*\*[\s\S]*passes over the training data/);
  });

  it("the user's declarations: a model's totals, a dataset's samples, a constant's value", async () => {
    const model = await hoverAt(c, mark('Mlp\n  data'));
    assert.match(model, /\*\*Mlp\*\* · model/);
    assert.match(model, /`\[28, 28, 1\] → \[10\]` · 101,770 params/);
    const data = await hoverAt(c, mark('fashion\n  loss'));
    assert.match(data, /samples `\[28, 28, 1\]` · 10 classes · 60,000 training samples · 10,000 test samples/);
    assert.match(await hoverAt(c, mark('width')), /\*\*width\*\* · constant = `64`/);
  });

  it("a train block: its parts, and the memory training needs (what nn train checks, NN420)", async () => {
    const h = await hoverAt(c, mark('train t', 7));
    assert.match(h, /\*\*t\*\* · train/);
    assert.match(h, /model `Mlp` · dataset `fashion` · loss `cross_entropy`/);
    // 101,770 weights × 4 bytes × (weight, gradient, adam's 2 slots) = 1,628,320 B = 1.55 MiB;
    // Fashion-MNIST's 70,000 images of 784 floats = 219,520,000 B = 209.35 MiB; batch 32 (the default)
    assert.match(h, /training needs about 211\.24 MB: weights, gradients and optimizer state 1\.55 MB · activations of a batch of 32 345\.75 KB · data 209\.35 MB/);
  });

  it('keywords', async () => {
    assert.match(await hoverAt(c, mark('residual')), /skip connection/);
    assert.match(await hoverAt(c, mark('input [28')), /without the batch dimension/);
  });

  it('nothing on whitespace or comments', async () => {
    assert.equal(await hoverAt(c, '# a comment|\nmodel M {\n  input [2]\n}\n'), '');
  });

  it('speaks Simplified Chinese to a zh-cn client', async () => {
    const zh = await TestClient.start({}, { locale: 'zh-cn' });
    try {
      const h = await hoverAt(zh, mark('dense(128'));
      assert.match(h, /\*\*dense\*\* · 层/);
      assert.match(h, /`\[784\] → \[128\]` · 100,480 参数/);
      assert.match(h, /全连接层/);
      // the kinds and the train block's settings in Chinese too (they were English)
      assert.match(await hoverAt(zh, mark('adam(')), /\*\*adam\*\* · 优化器/);
      assert.match(await hoverAt(zh, mark('relu)')), /\*\*relu\*\* · 激活函数/);
      const train = await hoverAt(zh, mark('train t', 7));
      assert.match(train, /损失 `cross_entropy`/);
      assert.match(train, /轮数 5 · 批量 32/);
      const { text } = cursor(mark('dense(128'));
      const uri = await zh.open('z.nn', text.replace('relu', 'rleu'));
      const d = (await zh.diagnostics(uri)).find((x) => x.code === 'NN207')!;
      assert.match(String(d.message), /[\u4e00-\u9fff]/);
      assert.match(String(d.message), /relu/);
    } finally {
      await zh.dispose();
    }
  });
});
