// Completion and signature help over LSP, in each context.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type * as lsp from 'vscode-languageserver';
import { TestClient, cursor } from '../../lsp-client';

async function complete(c: TestClient, marked: string, name = 'c.nn'): Promise<lsp.CompletionItem[]> {
  const { text, position } = cursor(marked);
  const uri = await c.open(name, text);
  const r = await c.request<lsp.CompletionItem[] | lsp.CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  await c.close(uri);
  return Array.isArray(r) ? r : r.items;
}
const labels = (items: lsp.CompletionItem[]) => items.map((i) => i.label);

describe('lsp: completion', () => {
  let c: TestClient;
  before(
    async () =>
      (c = await TestClient.start({
        'lib.nn': 'block conv_bn(filters, kernel = 3) {\n  conv2d(filters, kernel, padding: same)\n}\n',
        'data/points.csv': 'a,b,y\n1,2,0\n',
        'data/notes.txt': 'x',
        'other.nn': 'model Other {\n  input [2]\n}\n',
      })),
  );
  after(() => c.dispose());

  it('layers, blocks and structure keywords at a statement in a model', async () => {
    const items = await complete(c, 'import "lib.nn"\nmodel M {\n  input [8, 8, 1]\n  |\n}\n');
    const l = labels(items);
    for (const want of ['dense', 'conv2d', 'lstm', 'transformer_encoder', 'conv_bn', 'residual', 'parallel', 'repeat']) assert.ok(l.includes(want), want);
    assert.ok(!l.includes('input'), 'input only as the first statement');
    const dense = items.find((i) => i.label === 'dense')!;
    assert.equal(dense.insertText, 'dense(${1:units})');
    assert.match(dense.detail!, /dense\(units, activation: linear/);
    assert.equal(items.find((i) => i.label === 'conv_bn')!.insertText, 'conv_bn(${1:filters})');
  });

  it('input first in an empty model', async () => {
    const items = await complete(c, 'model M {\n  |\n}\n');
    assert.equal(items.find((i) => i.preselect)?.label, 'input');
  });

  it('argument names not yet given, inside a call', async () => {
    const l = labels(await complete(c, 'model M {\n  input [4]\n  dense(10, |)\n}\n'));
    assert.ok(l.includes('activation:') && l.includes('use_bias:') && l.includes('kernel_regularizer:'));
    assert.ok(!l.includes('units:'), 'units is given');
  });

  it('allowed values after `name:`: activations, paddings, regularizers', async () => {
    assert.ok(labels(await complete(c, 'model M {\n  input [4]\n  dense(10, activation: |)\n}\n')).includes('gelu'));
    assert.deepEqual(labels(await complete(c, 'model M {\n  input [4, 4, 1]\n  conv2d(2, 3, padding: |)\n}\n')), ['valid', 'same']);
    assert.deepEqual(labels(await complete(c, 'model M {\n  input [4]\n  dense(3, kernel_regularizer: |)\n}\n')), ['l1', 'l2', 'l1_l2']);
  });

  it('train settings not yet written, and callbacks', async () => {
    const l = labels(await complete(c, 'train t {\n  epochs: 3\n  |\n}\n'));
    assert.ok(l.includes('model') && l.includes('loss') && l.includes('early_stopping') && !l.includes('epochs'));
  });

  it('declared models and datasets, losses and optimizers where they belong', async () => {
    const src = 'import "other.nn"\ndataset d = xor()\nmodel M {\n  input [2]\n}\ntrain t {\n  model: |\n}\n';
    const models = labels(await complete(c, src));
    assert.ok(models.includes('M') && models.includes('Other') && !models.includes('d'));
    const data = labels(await complete(c, src.replace('model: |', 'data: |')));
    assert.ok(data.includes('d') && data.includes('spiral') && data.includes('fashion_mnist'));
    assert.ok(labels(await complete(c, src.replace('model: |', 'loss: |'))).includes('binary_cross_entropy'));
    assert.ok(labels(await complete(c, src.replace('model: |', 'optimizer: |'))).includes('adamw'));
  });

  it('monitors from the train block: loss and its metrics, with val_', async () => {
    const l = labels(await complete(c, 'train t {\n  metrics: [accuracy]\n  early_stopping(monitor: |)\n}\n'));
    assert.deepEqual(l, ['val_loss', 'val_accuracy', 'loss', 'accuracy']);
  });

  it('list elements: metrics', async () => {
    const l = labels(await complete(c, 'train t {\n  metrics: [accuracy, |]\n}\n'));
    assert.ok(l.includes('top_k_accuracy') && l.includes('r2'));
  });

  it('file paths in import and csv()', async () => {
    const imports = labels(await complete(c, 'import "|"\n'));
    assert.ok(imports.includes('lib.nn') && imports.includes('other.nn') && imports.includes('data/'));
    const csv = labels(await complete(c, 'dataset d = csv("data/|", label: "y")\n'));
    assert.deepEqual(csv.sort(), ['notes.txt', 'points.csv']);
  });

  it('file paths offer only folders and regular files: no FIFO, device link, broken link or link loop', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = path.join(c.root, 'odd');
    fs.mkdirSync(dir);
    try {
      execFileSync('mkfifo', [path.join(dir, 'pipe.nn')]);
      fs.symlinkSync('/dev/zero', path.join(dir, 'zero.nn'));
      fs.symlinkSync('nowhere.nn', path.join(dir, 'broken.nn'));
      fs.symlinkSync('loop.nn', path.join(dir, 'loop.nn'));
      fs.writeFileSync(path.join(dir, 'real.nn'), '');
      fs.symlinkSync('real.nn', path.join(dir, 'alias.nn'));
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.symlinkSync('sub', path.join(dir, 'subalias'));
      const l = labels(await complete(c, 'import "odd/|"\n'));
      assert.deepEqual(l.sort(), ['alias.nn', 'real.nn', 'sub/', 'subalias/']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declaration snippets at the top level, the train one filled with declared names', async () => {
    const items = await complete(c, 'model Net {\n  input [2]\n}\ndataset pts = xor()\n|');
    assert.deepEqual(labels(items), ['model', 'block', 'dataset', 'train', 'const', 'import']);
    assert.match(items.find((i) => i.label === 'train')!.insertText!, /model: \$\{2:Net\}\n\tdata: \$\{3:pts\}/);
  });
});

describe('lsp: signature help', () => {
  let c: TestClient;
  before(async () => (c = await TestClient.start()));
  after(() => c.dispose());

  async function sig(marked: string): Promise<lsp.SignatureHelp | null> {
    const { text, position } = cursor(marked);
    const uri = await c.open('s.nn', text);
    const r = await c.request<lsp.SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position });
    await c.close(uri);
    return r;
  }

  it('shows the signature with the active parameter', async () => {
    const h = (await sig('model M {\n  input [8, 8, 1]\n  conv2d(16, |)\n}\n'))!;
    const s = h.signatures[0];
    assert.match(s.label, /^conv2d\(filters, kernel, stride: 1, padding: valid/);
    const active = s.parameters![h.activeParameter!].label as [number, number];
    assert.equal(s.label.slice(active[0], active[1]), 'kernel');
  });

  it('follows named arguments', async () => {
    const h = (await sig('model M {\n  input [4]\n  dense(3, activation: re|)\n}\n'))!;
    const s = h.signatures[0];
    const active = s.parameters![h.activeParameter!].label as [number, number];
    assert.equal(s.label.slice(active[0], active[1]), 'activation: linear');
  });

  it("works for the user's blocks and for optimizers", async () => {
    assert.equal((await sig('block b(n, k = 3) {\n  dense(n)\n}\nmodel M {\n  input [2]\n  b(|)\n}\n'))!.signatures[0].label, 'b(n, k = 3)');
    assert.match((await sig('train t {\n  optimizer: sgd(|)\n}\n'))!.signatures[0].label, /^sgd\(lr: 0\.01, momentum: 0/);
  });
});
