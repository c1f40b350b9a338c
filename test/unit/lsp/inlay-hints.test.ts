// Inlay hints: the output shape after every layer line, the parameter count, hints inside
// blocks from their calls, hints past a broken layer, and the settings that turn them off.

import { strict as assert } from 'node:assert';
import * as lsp from 'vscode-languageserver';
import { TestClient } from '../../lsp-client';

const TEXT = `model Mlp {
  input [28, 28, 1]
  flatten()
  dense(128, activation: relu)
  dense(64, activation: rleu)
  dense(10)
  dnese(5)
  dense(2)
}

block conv_bn(f) {
  conv2d(f, 3, padding: same)
  batch_norm()
}

model Cnn {
  input [8, 8, 1]
  conv_bn(4)
  conv_bn(2)
}

block pair(f) {
  conv_bn(f)
  relu()
}

model Deep {
  input [8, 8, 1]
  pair(4)
  pair(2)
  pair(2)
  pair(2)
}
`;

async function hints(c: TestClient, uri: string): Promise<Map<number, string>> {
  const hs = await c.request<lsp.InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
  return new Map(hs.map((h) => [h.position.line + 1, typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')]));
}

describe('lsp: inlay hints', () => {
  let c: TestClient;
  afterEach(() => c.dispose());

  it('shows the output shape and parameter count after each layer, also past a broken layer', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', TEXT);
    const h = await hints(c, uri);
    assert.equal(h.get(3), '→ [784]');
    assert.equal(h.get(4), '→ [128]  100,480 params');
    assert.equal(h.get(5), '→ [64]  8,256 params', 'a layer with a bad argument still has a shape');
    assert.equal(h.get(6), '→ [10]  650 params', 'and so does the one after it');
    assert.equal(h.get(7), undefined, 'nothing for an unknown layer');
    assert.equal(h.get(8), undefined, 'after an unknown layer not even the rank is known');
  });

  it('shows every call of a block inside it, and the block output at each call', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', TEXT);
    const h = await hints(c, uri);
    assert.equal(h.get(12), '→ [8, 8, 4] 40 | [8, 8, 2] 74 | [8, 8, 2] 38 params', 'each call with its own count, the same once');
    assert.equal(h.get(13), '→ [8, 8, 4] 16 | [8, 8, 2] 8 params');
    assert.equal(h.get(18), '→ [8, 8, 4]  56 params');
    assert.equal(h.get(19), '→ [8, 8, 2]  82 params');
  });

  it('a block call inside a block called several times: each call its shape and count, not the last shape with the sum', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', TEXT);
    const h = await hints(c, uri);
    // conv_bn(4) on 1 channel: 3·3·1·4 + 4 + 4·4 = 56; conv_bn(2) on 4 channels: 3·3·4·2 + 2 + 4·2 = 82
    // and 3·3·2·2 + 2 + 4·2 = 46 for the last two calls, 2 channels to 2: shown once
    assert.equal(h.get(23), '→ [8, 8, 4] 56 | [8, 8, 2] 82 | [8, 8, 2] 46 params');
    assert.equal(h.get(24), '→ [8, 8, 4] | [8, 8, 2]', 'relu has no parameters in any call');
    assert.equal(h.get(29), '→ [8, 8, 4]  56 params');
    assert.equal(h.get(30), '→ [8, 8, 2]  82 params');
  });

  it('places a hint at the end of the statement line', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', TEXT);
    const hs = await c.request<lsp.InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } } });
    assert.equal(hs.length, 1);
    assert.deepEqual(hs[0].position, { line: 3, character: 30 });
    assert.equal(hs[0].paddingLeft, true);
  });

  it('follows the settings: no parameters, or nothing', async () => {
    c = await TestClient.start({}, { settings: { inlayHints: { shapes: true, parameters: false } } });
    const uri = await c.open('a.nn', TEXT);
    await c.diagnostics(uri); // settings are loaded after initialized
    assert.equal((await hints(c, uri)).get(4), '→ [128]');
    c.settings = { inlayHints: { shapes: false, parameters: false } };
    await c.notify('workspace/didChangeConfiguration', { settings: {} });
    await c.change(uri, TEXT + '\n');
    await c.diagnostics(uri);
    assert.equal((await hints(c, uri)).size, 0);
  });
});
