// `nn/graph`: the model's picture description through the server: the shapes of its nodes and
// edges are the inlay hints' text, errors in the editor's language, and null for a missing model.

import { strict as assert } from 'node:assert';
import type * as lsp from 'vscode-languageserver';
import { TestClient } from '../../lsp-client';
import type { GraphResult } from '../../../server/src/lsp/requests';

const TEXT = `block conv_bn(f) {
  conv2d(f, 3, padding: same)
  batch_norm()
}

model Net {
  input [12, 12, 1]
  conv_bn(4)
  repeat 2 {
    conv2d(8, 3)
    relu()
  }
  residual {
    conv2d(8, 3, padding: same)
  }
  flatten()
  dense(16, activation: rleu)
  dense(10)
}
`;

describe('lsp: nn/graph', () => {
  let c: TestClient;
  afterEach(() => c.dispose());

  it('labels nodes and edges with the shapes the inlay hints show on their lines', async () => {
    c = await TestClient.start();
    const uri = await c.open('net.nn', TEXT);
    const hs = await c.request<lsp.InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    // the shapes of a hint: a line whose calls differ in their counts writes each call's count after its shape
    const shapesOf = (label: string) => label.replace(/^→ /, '').split('  ')[0].replace(/\] [\d,?]+/g, ']').replace(/ params$/, '');
    const hints = new Map(hs.map((h) => [h.position.line + 1, shapesOf(typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))]));
    const r = await c.request<GraphResult>('nn/graph', { uri, model: 'Net' });
    const layers = r.diagram.nodes.filter((n) => n.role === 'layer' || n.role === 'merge');
    assert.equal(layers.length, 9);
    let compared = 0;
    for (const n of layers) {
      if (n.role === 'merge') continue;
      assert.equal(n.shape, hints.get(n.line), `${n.kind} on line ${n.line}`);
      for (const e of r.diagram.edges.filter((x) => x.from === n.id && !x.to.startsWith('n'))) assert.equal(e.label, n.shape);
      compared++;
    }
    assert.equal(compared, 8);
    // the repeated conv: both repetitions' shapes, as its hint writes them
    assert.equal(r.diagram.nodes.find((n) => n.kind === 'conv2d' && n.line === 10)!.shape, '[10, 10, 8] | [8, 8, 8]');
    assert.equal(r.diagram.nodes.find((n) => n.line === 17)!.error, "unknown activation 'rleu'; did you mean 'relu'?");
    assert.equal(await c.request('nn/graph', { uri, model: 'Nope' }), null);
  });

  it('writes errors in the editor language', async () => {
    c = await TestClient.start({}, { locale: 'zh-cn' });
    const uri = await c.open('net.nn', TEXT);
    const r = await c.request<GraphResult>('nn/graph', { uri, model: 'Net' });
    const err = r.diagram.nodes.find((n) => n.line === 17)!.error!;
    assert.ok(/[\u4e00-\u9fff]/.test(err), err);
  });
});
