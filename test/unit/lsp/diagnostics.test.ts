// Diagnostics over LSP: pushed on open and change, merged across a burst of edits, pushed for
// files that import the changed one, cleared when a file leaves.

import { strict as assert } from 'node:assert';
import type * as lsp from 'vscode-languageserver-protocol';
import { TestClient } from '../../lsp-client';

const MODEL = 'model M {\n  input [4]\n  dense(3, activation: relu)\n}\n';

describe('lsp: diagnostics', () => {
  let c: TestClient;
  afterEach(() => c.dispose());

  it('publishes located diagnostics with codes on open', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', 'model M {\n  input [4]\n  dense(3, activation: rleu)\n}\n');
    const ds = await c.diagnostics(uri);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].code, 'NN207');
    assert.equal(ds[0].source, 'nn');
    assert.equal(ds[0].severity, 1);
    assert.deepEqual(ds[0].range, { start: { line: 2, character: 23 }, end: { line: 2, character: 27 } });
    assert.match(String(ds[0].message), /did you mean 'relu'/);
  });

  it('updates on change, for the latest version only, after a burst of edits', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', MODEL);
    assert.deepEqual(await c.diagnostics(uri), []);
    // five quick edits: the published diagnostics are for the last one
    for (let i = 1; i <= 5; i++) await c.change(uri, MODEL.replace('dense(3', `dense(${i % 2 ? -i : i}`));
    const ds = await c.diagnostics(uri);
    assert.equal(c.version(uri), 6);
    assert.equal(ds.length, 1);
    assert.match(String(ds[0].message), /got -5/);
  });

  it('after an edit, reports and shows what the edit changed in declarations before it', async () => {
    // the server keeps what it found for declarations before an edit, unless they use what changed
    const text = 'model M {\n  input [8]\n  wide(4)\n  dense(2)\n}\n\nblock wide(n) {\n  dense(n)\n}\n';
    c = await TestClient.start();
    const uri = await c.open('a.nn', text);
    assert.deepEqual(await c.diagnostics(uri), []);
    // wrong only for the argument model M passes: reported at M's call, before the edit
    await c.edit(uri, { start: { line: 7, character: 8 }, end: { line: 7, character: 9 } }, 'n - 4');
    const ds = await c.diagnosticsWhere(uri, (d) => d.length > 0);
    assert.deepEqual(
      ds.map((d) => d.range.start.line),
      [2],
    );
    assert.match(String(ds[0].message), /in block 'wide'/);
    await c.edit(uri, { start: { line: 7, character: 8 }, end: { line: 7, character: 13 } }, 'n * 4');
    assert.deepEqual(await c.diagnosticsWhere(uri, (d) => d.length === 0), []);
    const hints = await c.request<lsp.InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    const label = (h: lsp.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
    assert.match(label(hints.find((h) => h.position.line === 2)!), /\[16\]/);
  });

  it('pushes diagnostics to a file that imports the changed one', async () => {
    c = await TestClient.start({ 'lib.nn': 'block two(n) {\n  dense(n)\n  dense(n)\n}\n', 'main.nn': 'import "lib.nn"\nmodel M {\n  input [4]\n  two(3)\n}\n' });
    const main = await c.open('main.nn');
    const lib = await c.open('lib.nn');
    assert.deepEqual(await c.diagnostics(main), []);
    await c.diagnostics(lib);
    // rename the block in lib: main's call is now unknown
    await c.change(lib, 'block pair(n) {\n  dense(n)\n  dense(n)\n}\n');
    const ds = await c.diagnosticsWhere(main, (d) => d.length > 0);
    assert.equal(ds[0].code, 'NN104');
    assert.match(String(ds[0].message), /unknown layer 'two'/);
  });

  it('publishes for a closed file that imports an open one, and clears a file that leaves', async () => {
    c = await TestClient.start({ 'lib.nn': 'block two(n) {\n  dense(n)\n}\n', 'user.nn': 'import "lib.nn"\nmodel M {\n  input [4]\n  two(3)\n}\n' });
    const userUri = c.uri('user.nn');
    const lib = await c.open('lib.nn');
    await c.diagnostics(lib);
    await c.change(lib, 'block three(n) {\n  dense(n)\n}\n');
    const ds = await c.diagnosticsWhere(userUri, (d) => d.length > 0);
    assert.equal(ds[0].code, 'NN104');
    await c.close(lib);
    assert.deepEqual(await c.diagnosticsWhere(userUri, (d) => d.length === 0), []);
  });

  it("publishes the problems an open file's analysis finds in a closed file it imports, and clears them when they go", async () => {
    // the open file alone looks clean: its model and train block are broken by lib.nn's block
    // and constant, whose problems are reported where they are written
    c = await TestClient.start({
      'lib.nn': '# shared\nblock hidden(n) {\n  dense(n, activaton: relu)\n}\nconst opt = adam(lrr: 0.1)\n',
      'uses.nn': 'import "lib.nn"\nmodel M {\n  input [2]\n  hidden(4)\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor()\n  loss: cross_entropy\n  optimizer: opt\n}\n',
    });
    const uses = await c.open('uses.nn');
    assert.deepEqual(await c.diagnostics(uses), []);
    const lib = await c.diagnosticsWhere(c.uri('lib.nn'), (d) => d.length > 0);
    assert.deepEqual(
      lib.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [
        ['NN201', 2, 11],
        ['NN201', 4, 17],
      ],
    );
    // uses.nn no longer uses them: lib.nn is neither open nor reported in, and is cleared
    await c.change(uses, 'model M {\n  input [2]\n  dense(2)\n}\n');
    assert.deepEqual(await c.diagnosticsWhere(c.uri('lib.nn'), (d) => d.length === 0), []);
  });

  it('an edited file gets the problems that the files importing it find in it', async () => {
    // lib.nn is published before uses.nn is analysed; binding `opt` there finds the misspelling
    c = await TestClient.start({ 'lib.nn': 'const opt = adam(lr: 0.01)\n', 'uses.nn': 'import "lib.nn"\nmodel M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor()\n  loss: cross_entropy\n  optimizer: opt\n}\n' });
    const lib = await c.open('lib.nn');
    assert.deepEqual(await c.diagnostics(lib), []);
    await c.change(lib, 'const opt = adam(lrr: 0.01)\n');
    const ds = await c.diagnosticsWhere(lib, (d) => d.length > 0);
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.character]),
      [['NN201', 17]],
    );
  });

  it('recovers from a broken document without crashing, and reports several errors', async () => {
    c = await TestClient.start();
    const uri = await c.open('a.nn', 'model M {\n  input [4\n  dense(\n  @@@\n}\ntrain t { model: M }\n');
    const ds = await c.diagnostics(uri);
    assert.ok(ds.length >= 3, ds.map((d) => d.message).join('\n'));
    assert.ok(ds.every((d) => typeof d.code === 'string' && d.range));
    assert.deepEqual(c.logs.filter((l) => l.includes('failed')), []);
  });
});
