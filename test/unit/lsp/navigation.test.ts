// Definition, references, highlights and rename over LSP, across files.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver';
import { TestClient, cursor } from '../../lsp-client';

const LIB = 'block conv_bn(filters) {\n  conv2d(filters, 3, padding: same)\n  batch_norm()\n}\ndataset shared = xor()\n';
const MAIN = 'import "lib.nn"\nconst k = 4\nmodel M {\n  input [2]\n  reshape([1, 2, 1])\n  conv_bn(k)\n  conv_bn(k * 2)\n  global_avg_pool()\n  dense(2)\n}\ntrain t {\n  model: M\n  data: shared\n  loss: cross_entropy\n}\n';

/** `text` with LSP edits applied (single-line edits, as a rename makes). */
function apply(text: string, edits: lsp.TextEdit[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

describe('lsp: navigation and rename', () => {
  let c: TestClient;
  beforeEach(async () => (c = await TestClient.start({ 'lib.nn': LIB, 'main.nn': MAIN })));
  afterEach(() => c.dispose());

  const pos = (text: string, find: string, at = 1) => {
    const i = text.indexOf(find);
    return cursor(text.slice(0, i + at) + '|' + text.slice(i + at)).position;
  };

  it('goes to a block in another file, and to a block parameter', async () => {
    const main = await c.open('main.nn');
    const d = await c.request<lsp.Location>('textDocument/definition', { textDocument: { uri: main }, position: pos(MAIN, 'conv_bn(k)') });
    assert.equal(d.uri, c.uri('lib.nn'));
    assert.deepEqual(d.range, { start: { line: 0, character: 6 }, end: { line: 0, character: 13 } });
    const lib = await c.open('lib.nn');
    const p = await c.request<lsp.Location>('textDocument/definition', { textDocument: { uri: lib }, position: pos(LIB, 'filters, 3') });
    assert.deepEqual(p.range, { start: { line: 0, character: 14 }, end: { line: 0, character: 21 } });
  });

  it('finds every reference, in every file, with or without the declaration', async () => {
    const lib = await c.open('lib.nn');
    const refs = await c.request<lsp.Location[]>('textDocument/references', { textDocument: { uri: lib }, position: pos(LIB, 'conv_bn'), context: { includeDeclaration: true } });
    assert.equal(refs.length, 3);
    assert.equal(refs.filter((r) => r.uri === c.uri('main.nn')).length, 2);
    const noDecl = await c.request<lsp.Location[]>('textDocument/references', { textDocument: { uri: lib }, position: pos(LIB, 'conv_bn'), context: { includeDeclaration: false } });
    assert.equal(noDecl.length, 2);
  });

  it('highlights a constant in its file: the declaration as a write', async () => {
    const main = await c.open('main.nn');
    const hs = await c.request<lsp.DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri: main }, position: pos(MAIN, 'k * 2', 0) });
    assert.equal(hs.length, 3);
    assert.equal(hs.filter((h) => h.kind === 3).length, 1);
  });

  it('renames a block across files, and applying the edit keeps everything checking clean', async () => {
    const lib = await c.open('lib.nn');
    const main = await c.open('main.nn');
    const prep = await c.request<{ range: lsp.Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: lib }, position: pos(LIB, 'conv_bn') });
    assert.equal(prep.placeholder, 'conv_bn');
    const edit = await c.request<lsp.WorkspaceEdit>('textDocument/rename', { textDocument: { uri: lib }, position: pos(LIB, 'conv_bn'), newName: 'cbr' });
    assert.equal(edit.changes![lib].length, 1);
    assert.equal(edit.changes![main].length, 2);
    assert.deepEqual(await c.diagnostics(main), [], 'clean before');
    await c.change(lib, apply(LIB, edit.changes![lib]));
    await c.change(main, apply(MAIN, edit.changes![main]));
    assert.deepEqual(await c.diagnostics(main), [], 'clean after');
    assert.match(fs.readFileSync(path.join(c.root, 'lib.nn'), 'utf8'), /conv_bn/, 'rename edits documents, not the disk');
  });

  it('refuses a rename to a keyword, a built-in layer or a name already taken', async () => {
    const main = await c.open('main.nn');
    const at = pos(MAIN, 'conv_bn(k)');
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: main }, position: at, newName: 'model' }), /keyword/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: main }, position: at, newName: 'dense' }), /built-in layer/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: main }, position: at, newName: 'shared' }), /already declared in lib\.nn/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: main }, position: at, newName: '2x' }), /not a name/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: main }, position: at, newName: '卷积。' }), /not a name/);
    // an invisible joiner where UAX #31 does not allow one (between Latin letters)
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: main }, position: at, newName: 'con\u200dv' }), /not a name/);
  });

  it('renames to a name written in Chinese, and the files still check clean', async () => {
    const lib = await c.open('lib.nn');
    const main = await c.open('main.nn');
    const edit = await c.request<lsp.WorkspaceEdit>('textDocument/rename', { textDocument: { uri: lib }, position: pos(LIB, 'conv_bn'), newName: '卷积块' });
    assert.equal(edit.changes![main].length, 2);
    for (const e of edit.changes![main]) assert.equal(e.newText, '卷积块');
    await c.change(lib, apply(LIB, edit.changes![lib]));
    await c.change(main, apply(MAIN, edit.changes![main]));
    assert.deepEqual(await c.diagnostics(main), []);
    assert.deepEqual(await c.diagnostics(lib), []);
  });

  it('renames to the NFC form of a name typed decomposed (Cafe + U+0301 is Café)', async () => {
    const lib = await c.open('lib.nn');
    const main = await c.open('main.nn');
    const edit = await c.request<lsp.WorkspaceEdit>('textDocument/rename', { textDocument: { uri: lib }, position: pos(LIB, 'conv_bn'), newName: 'Cafe\u0301' });
    for (const e of [...edit.changes![main], ...edit.changes![lib]]) assert.equal(e.newText, 'Caf\u00e9');
  });

  it('does not rename built-in words', async () => {
    const main = await c.open('main.nn');
    assert.equal(await c.request('textDocument/prepareRename', { textDocument: { uri: main }, position: pos(MAIN, 'cross_entropy') }), null);
  });
});
