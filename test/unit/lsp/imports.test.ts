// Import graphs over LSP: a cycle, a missing file, a file deleted while open, and a workspace of
// 500 files (a chain of imports 500 deep, and one file importing all 500).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lsp from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { TestClient } from '../../lsp-client';

const codes = (ds: lsp.Diagnostic[]) => ds.map((d) => d.code).sort();

/** The inlay hint of a line, as text. */
async function hintAt(c: TestClient, uri: string, line: number): Promise<string | undefined> {
  const hs = await c.request<lsp.InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } } });
  const h = hs.find((x) => x.position.line === line);
  return h && (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
}

describe('lsp: import graphs', function () {
  this.timeout(120_000);
  let c: TestClient;
  afterEach(() => c.dispose());

  it('a cycle (and a file importing itself) is reported, the blocks still resolve through it, and every request is answered', async () => {
    c = await TestClient.start({
      'a.nn': 'import "b.nn"\nblock one(n) {\n  dense(n)\n}\nmodel A {\n  input [4]\n  two(3)\n}\n',
      'b.nn': 'import "c.nn"\nblock two(n) {\n  three(n)\n}\n',
      'c.nn': 'import "a.nn"\nblock three(n) {\n  one(n)\n}\n',
      'self.nn': 'import "self.nn"\n',
    });
    const a = await c.open('a.nn');
    const ds = await c.diagnostics(a);
    assert.deepEqual(codes(ds), ['NN106']);
    assert.match(String(ds[0].message), /^import cycle: a\.nn -> b\.nn -> c\.nn -> a\.nn$/);
    const self = await c.open('self.nn');
    assert.deepEqual(codes(await c.diagnostics(self)), ['NN106']);
    // the model's shapes come through the cycle: two -> three -> one -> dense(3)
    const hints = await c.request<lsp.InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: a }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    assert.ok(hints.some((h) => h.position.line === 6 && String(typeof h.label === 'string' ? h.label : h.label[0].value).startsWith('→ [3]')), JSON.stringify(hints));
    const def = await c.request<lsp.Location | lsp.Location[]>('textDocument/definition', { textDocument: { uri: a }, position: { line: 6, character: 3 } });
    assert.equal((Array.isArray(def) ? def[0] : def)?.uri, c.uri('b.nn'), JSON.stringify(def));
    assert.deepEqual(c.logs.filter((l) => / failed: /.test(l)), []);
  });

  it('a syntax error in an imported file (or one it imports) is reported at the import, and goes when it is fixed there', async () => {
    const broken = 'block two(n) {\n  dense(n\n}\n';
    c = await TestClient.start({ 'lib.nn': broken, 'mid.nn': 'import "lib.nn"\nblock three(n) {\n  dense(n)\n}\n', 'main.nn': 'import "lib.nn"\nmodel M {\n  input [4]\n  two(3)\n}\n', 'top.nn': 'import "mid.nn"\nmodel T {\n  input [4]\n  three(3)\n}\n' });
    const main = await c.open('main.nn');
    const ds = await c.diagnostics(main);
    assert.deepEqual(codes(ds), ['NN113']);
    assert.match(String(ds[0].message), /^'lib\.nn' has 1 syntax error, the first at line 2/);
    assert.deepEqual(ds[0].range.start, { line: 0, character: 7 });
    const top = await c.open('top.nn');
    const far = await c.diagnostics(top);
    assert.deepEqual(codes(far), ['NN113']);
    assert.match(String(far[0].message), /^'lib\.nn' \(imported by 'mid\.nn'\) has 1 syntax error/);
    const lib = await c.open('lib.nn');
    await c.change(lib, broken.replace('dense(n\n', 'dense(n)\n'));
    assert.deepEqual(await c.diagnosticsWhere(main, (d) => d.length === 0), []);
    assert.deepEqual(await c.diagnosticsWhere(top, (d) => d.length === 0), []);
  });

  it('a missing file is reported at its import, and found once it is created', async () => {
    c = await TestClient.start({ 'main.nn': 'import "lib.nn"\nmodel M {\n  input [4]\n  two(3)\n}\n' });
    const main = await c.open('main.nn');
    assert.deepEqual(codes(await c.diagnostics(main)), ['NN104', 'NN105']);
    fs.writeFileSync(path.join(c.root, 'lib.nn'), 'block two(n) {\n  dense(n)\n  dense(n)\n}\n');
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('lib.nn'), type: lsp.FileChangeType.Created }] });
    assert.deepEqual(await c.diagnosticsWhere(main, (d) => d.length === 0), []);
  });

  it('a file deleted while open: its text stays in use until it is closed, then importers report it missing', async () => {
    c = await TestClient.start({ 'lib.nn': 'block two(n) {\n  dense(n)\n  dense(n)\n}\n', 'main.nn': 'import "lib.nn"\nmodel M {\n  input [4]\n  two(3)\n}\n' });
    const main = await c.open('main.nn');
    const lib = await c.open('lib.nn');
    assert.deepEqual(await c.diagnostics(main), []);
    fs.rmSync(path.join(c.root, 'lib.nn'));
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: lib, type: lsp.FileChangeType.Deleted }] });
    // an edit of the open (deleted) file still reaches its importer: the shape there follows it
    assert.match((await hintAt(c, main, 3))!, /^→ \[3\]/);
    await c.change(lib, 'block two(n) {\n  dense(n)\n  dense(5)\n}\n');
    await c.diagnostics(lib);
    assert.match((await hintAt(c, main, 3))!, /^→ \[5\]/);
    await c.close(lib);
    const missing = await c.diagnosticsWhere(main, (d) => d.some((x) => x.code === 'NN105'));
    assert.deepEqual(codes(missing), ['NN104', 'NN105']);
    assert.deepEqual(c.logs.filter((l) => / failed: /.test(l)), []);
  });

  it('500 files: a chain of imports 500 deep and a file importing all of them check, and an edit at the bottom reaches the top', async () => {
    const N = 500;
    const files: Record<string, string> = {};
    for (let i = 0; i < N; i++) files[`lib/l${i}.nn`] = `${i > 0 ? `import "l${i - 1}.nn"\n` : ''}block b${i}(n) {\n  ${i > 0 ? `b${i - 1}(n)` : 'dense(n)'}\n}\n`;
    const all = Array.from({ length: N }, (_, i) => `import "lib/l${i}.nn"`).join('\n');
    files['main.nn'] = `${all}\nmodel M {\n  input [4]\n  b${N - 1}(3)\n  b0(2)\n}\n`;
    c = await TestClient.start(files);
    const main = await c.open('main.nn');
    assert.deepEqual(await c.diagnostics(main), []);
    const symbols = await c.request<lsp.SymbolInformation[]>('workspace/symbol', { query: 'b49' });
    assert.ok(symbols.some((s) => s.name === 'b499' && URI.parse(s.location.uri).fsPath.endsWith(path.join('lib', 'l499.nn'))), JSON.stringify(symbols.slice(0, 3)));
    const hover = await c.request<lsp.Hover>('textDocument/hover', { textDocument: { uri: main }, position: { line: N + 2, character: 3 } });
    assert.match(JSON.stringify(hover.contents), /\[3\]/);
    // an edit at the bottom of the chain reaches the top, 500 imports up
    assert.match((await hintAt(c, main, N + 2))!, /^→ \[3\]/);
    const l0 = await c.open('lib/l0.nn');
    await c.change(l0, 'block b0(n) {\n  dense(7)\n}\n');
    await c.diagnostics(l0);
    assert.match((await hintAt(c, main, N + 2))!, /^→ \[7\]/);
    // and a call the edit breaks is reported where it is made: b0(2) now needs a string
    await c.change(l0, 'block b0(n) {\n  dense(3, activation: n)\n}\n');
    const ds = await c.diagnosticsWhere(main, (d) => d.length > 0);
    assert.ok(ds.length >= 1 && ds.every((d) => /in block 'b(0|499)'/.test(String(d.message))), JSON.stringify(ds.map((d) => d.message)));
  });
});
