// Outline, workspace symbols, folding, selection ranges, semantic tokens, formatting, quick
// fixes, code lenses and the extension's own requests, over LSP.

import { strict as assert } from 'node:assert';
import * as lsp from 'vscode-languageserver';
import { TestClient, cursor } from '../../lsp-client';
import { TOKEN_TYPES, TOKEN_MODIFIERS } from '../../../server/src/lsp/features/semantic-tokens';
import type { SummaryResult, TrainBlocksResult } from '../../../server/src/lsp/requests';

const SRC = `# a comment
# and another
const width = 32
block unit(n) {
  dense(n, activation: relu)
}
model Mlp {
  input [28, 28, 1]
  flatten()
  unit(width)
  dense(10, activation: softmax)
}
train t {
  model: Mlp
  data: mnist()
  loss: cross_entropy
}
`;

function applyEdits(text: string, edits: lsp.TextEdit[]): string {
  const offsets = (p: lsp.Position) => text.split('\n').slice(0, p.line).reduce((a, l) => a + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offsets(b.range.start) - offsets(a.range.start))) out = out.slice(0, offsets(e.range.start)) + e.newText + out.slice(offsets(e.range.end));
  return out;
}

describe('lsp: structure, tokens, formatting, fixes, lenses', () => {
  let c: TestClient;
  let uri: string;
  beforeEach(async () => {
    c = await TestClient.start({ 'other.nn': 'model Other {\n  input [2]\n}\n' });
    uri = await c.open('s.nn', SRC);
  });
  afterEach(() => c.dispose());

  it('outlines declarations, with the layers of a model and their shapes', async () => {
    const syms = await c.request<lsp.DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(syms.map((s) => s.name), ['width', 'unit', 'Mlp', 't']);
    const mlp = syms[2];
    assert.deepEqual(mlp.children!.map((s) => `${s.name}${s.detail ? ' ' + s.detail : ''}`), ['input', 'flatten [784]', 'unit', 'dense [10]']);
    assert.deepEqual(syms[3].children!.map((s) => s.name), ['model', 'data', 'loss']);
  });

  it('finds declarations of every file by a fuzzy query', async () => {
    const syms = await c.request<lsp.SymbolInformation[]>('workspace/symbol', { query: 'oth' });
    assert.deepEqual(syms.map((s) => s.name), ['Other']);
    assert.equal(syms[0].location.uri, c.uri('other.nn'));
  });

  it('folds bodies and comment runs; selection grows from a word to its declaration', async () => {
    const folds = await c.request<lsp.FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.ok(folds.some((f) => f.startLine === 0 && f.endLine === 1 && f.kind === 'comment'));
    assert.ok(folds.some((f) => f.startLine === 6 && f.endLine === 10), JSON.stringify(folds));
    const [sel] = await c.request<lsp.SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri }, positions: [{ line: 9, character: 8 }] });
    const chain: string[] = [];
    for (let r: lsp.SelectionRange | undefined = sel; r; r = r.parent) chain.push(`${r.range.start.line}:${r.range.start.character}-${r.range.end.line}:${r.range.end.character}`);
    assert.deepEqual(chain.slice(0, 4), ['9:7-9:12', '9:2-9:13', '6:10-11:1', '6:0-11:1']);
  });

  it('gives semantic tokens: built-in vs user functions, parameters, settings, enum words', async () => {
    const t = await c.request<lsp.SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const lines = SRC.split('\n');
    const decoded: string[] = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i < t.data.length; i += 5) {
      line += t.data[i];
      ch = t.data[i] ? t.data[i + 1] : ch + t.data[i + 1];
      const mods = TOKEN_MODIFIERS.filter((_, k) => t.data[i + 4] & (1 << k));
      decoded.push(`${lines[line].slice(ch, ch + t.data[i + 2])}:${TOKEN_TYPES[t.data[i + 3]]}${mods.length ? '.' + mods.join('.') : ''}`);
    }
    for (const want of ['unit:function.declaration', 'n:parameter.declaration', 'dense:function.defaultLibrary', 'activation:property', 'relu:enumMember.defaultLibrary', 'unit:function', 'width:variable.readonly', 'Mlp:class', 'mnist:function.defaultLibrary', 'cross_entropy:function.defaultLibrary', 'model:property']) {
      assert.ok(decoded.includes(want), `${want} not in ${decoded.join(' ')}`);
    }
  });

  it('formats the document and a range', async () => {
    const messy = 'model   M{\ninput [2,2]\n      dense(3,activation:relu)\n   dense( 1 )\n}\n';
    const u = await c.open('f.nn', messy);
    const all = await c.request<lsp.TextEdit[]>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(applyEdits(messy, all), 'model M {\n  input [2, 2]\n  dense(3, activation: relu)\n  dense(1)\n}\n');
    const range = await c.request<lsp.TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri: u }, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(applyEdits(messy, range), 'model   M{\ninput [2,2]\n  dense(3, activation: relu)\n   dense( 1 )\n}\n');
  });

  it('offers quick fixes that remove their diagnostic', async () => {
    const ds = await c.diagnostics(uri);
    const softmax = ds.find((d) => d.code === 'NN407')!;
    assert.ok(softmax, 'softmax before cross_entropy is reported');
    const actions = await c.request<lsp.CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: softmax.range, context: { diagnostics: [softmax] } });
    assert.deepEqual(actions.map((a) => a.title), ['Remove the softmax (the loss applies it)', 'Set from_logits: false']);
    assert.equal(actions[0].isPreferred, true);
    const fixed = applyEdits(SRC, actions[0].edit!.changes![uri]);
    assert.match(fixed, /dense\(10\)\n/);
    await c.change(uri, fixed);
    assert.equal((await c.diagnostics(uri)).filter((d) => d.code === 'NN407').length, 0);
  });

  it('puts Train and Summary lenses over train blocks and models', async () => {
    const lenses = await c.request<lsp.CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command!.title}:${l.command!.command}`);
    assert.deepEqual(titles, ['12:▶ Train:nn.train', '12:Summary:nn.showSummary', '6:Summary · 25,450 params:nn.showSummary', '6:Graph:nn.showGraph']);
    assert.deepEqual(lenses[3].command!.arguments, [uri, 'Mlp']);
    assert.deepEqual(lenses[0].command!.arguments, [uri, 't']);
  });

  it('answers nn/summary and nn/trainBlocks', async () => {
    const s = await c.request<SummaryResult>('nn/summary', { uri, model: 'Mlp' });
    assert.equal(s.summary.totalParams, 25450);
    assert.match(s.text, /Total params: 25,450/);
    const t = await c.request<TrainBlocksResult>('nn/trainBlocks', {});
    assert.deepEqual(t.trains.map((x) => [x.name, x.model, x.data, x.ok]), [['t', 'Mlp', 'mnist', true]]);
  });

  it('answers every request on a broken document without an error', async () => {
    const { text, position } = cursor('model M {\n  input [2\n  dense(|\n  @@\ntrain { model: \n');
    const u = await c.open('broken.nn', text);
    const td = { textDocument: { uri: u } };
    const requests: [string, unknown][] = [
      ['textDocument/hover', { ...td, position }],
      ['textDocument/completion', { ...td, position }],
      ['textDocument/signatureHelp', { ...td, position }],
      ['textDocument/definition', { ...td, position }],
      ['textDocument/references', { ...td, position, context: { includeDeclaration: true } }],
      ['textDocument/documentHighlight', { ...td, position }],
      ['textDocument/documentSymbol', td],
      ['textDocument/foldingRange', td],
      ['textDocument/selectionRange', { ...td, positions: [position] }],
      ['textDocument/semanticTokens/full', td],
      ['textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } }],
      ['textDocument/codeAction', { ...td, range: { start: position, end: position }, context: { diagnostics: [] } }],
      ['textDocument/codeLens', td],
      ['textDocument/inlayHint', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } }],
      ['nn/graph', { uri: u, model: 'M' }],
    ];
    for (const [method, params] of requests) await c.request(method, params);
    assert.deepEqual(c.logs.filter((l) => l.includes('failed')), []);
    assert.ok((await c.diagnostics(u)).length > 0);
    void lsp;
  });
});
