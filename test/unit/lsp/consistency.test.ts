// Incremental consistency: after a seeded random sequence of edits (didChange with ranges: lines
// inserted, deleted, duplicated, numbers changed, noise with CRLF, non-ASCII and a surrogate pair
// inserted and often taken back), with diagnostics and hints asked for now and then on the way, the server's
// state equals what a fresh server says about the final text: the same diagnostics, inlay hints,
// symbols, folding ranges and semantic tokens.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lsp from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from '../../lsp-client';
import { mulberry32 } from '../../gen/random-models';

const SAMPLES = path.join(__dirname, '..', '..', '..', 'samples');

/** The files of the workspace: every sample (so imports resolve), and their data. */
function workspace(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(SAMPLES)) if (f.endsWith('.nn')) files[f] = fs.readFileSync(path.join(SAMPLES, f), 'utf8');
  // the data files (not the image folders: their images are not text)
  for (const f of fs.readdirSync(path.join(SAMPLES, 'data'), { withFileTypes: true })) if (f.isFile()) files[`data/${f.name}`] = fs.readFileSync(path.join(SAMPLES, 'data', f.name), 'utf8');
  return files;
}

/** Noise an edit inserts: tokens, brackets, line breaks, CRLF, non-ASCII and a surrogate pair, numbers out of range. */
const NOISE = ['dense(', ')', '(', '[', ']', '{', '}', ',', ':', '\n', '\r\n', '  ', 'relu', '"x.csv"', '1e309', '-3', 'é', '😀', 'model M {\n', 'repeat 2 {\n'];
/** Whole lines an edit inserts at a line start. */
const LINES = ['dense(8)\n', 'dense(4, activation: relu)\n', 'conv2d(4, 3)\n', 'flatten()\n', '# a note\n', 'dropout(0.5)\n', 'block extra(n) {\n  dense(n)\n}\n', 'dnese(3)\n', '\r\n'];

/**
 * One random edit of `doc` (never splitting a \r\n): mostly what typing does to a file that
 * stays close to the language (lines inserted, deleted, duplicated; a number changed), and some
 * noise; a noise insertion is often taken back by the next edit, as typing does.
 */
function randomEdit(doc: TextDocument, r: () => number, undo: { edit?: { range: lsp.Range; text: string } }): { range: lsp.Range; text: string } {
  if (undo.edit && r() < 0.6) {
    const e = undo.edit;
    undo.edit = undefined;
    return e;
  }
  undo.edit = undefined;
  const text = doc.getText();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const lines = doc.lineCount;
  const line = Math.floor(r() * lines);
  const lineStart = { line, character: 0 };
  const nextLine = line + 1 < lines ? { line: line + 1, character: 0 } : doc.positionAt(text.length);
  const k = r();
  if (k < 0.25) return { range: { start: lineStart, end: lineStart }, text: pick(LINES) };
  if (k < 0.4 && line > 0) return { range: { start: lineStart, end: nextLine }, text: '' };
  if (k < 0.5) return { range: { start: lineStart, end: lineStart }, text: text.slice(doc.offsetAt(lineStart), doc.offsetAt(nextLine)) };
  if (k < 0.65) {
    const numbers = [...text.matchAll(/\d+(\.\d+)?/g)];
    if (numbers.length) {
      const m = pick(numbers);
      return { range: { start: doc.positionAt(m.index), end: doc.positionAt(m.index + m[0].length) }, text: String(Math.floor(r() * 64) + 1) };
    }
  }
  let o = Math.floor(r() * (text.length + 1));
  if (o > 0 && text[o - 1] === '\r' && text[o] === '\n') o--;
  const at = doc.positionAt(o);
  const noise = pick(NOISE);
  // the edit that takes it back: the inserted text's range, found after it is applied
  const after = TextDocument.update(TextDocument.create('', 'nn', 0, text), [{ range: { start: at, end: at }, text: noise }], 1);
  undo.edit = { range: { start: at, end: after.positionAt(o + noise.length) }, text: '' };
  return { range: { start: at, end: at }, text: noise };
}

/** What the server says about a document: everything that depends on its text. */
async function state(c: TestClient, uri: string): Promise<unknown> {
  const doc = { textDocument: { uri } };
  const whole = { start: { line: 0, character: 0 }, end: { line: 100_000, character: 0 } };
  const byRange = (a: lsp.Diagnostic, b: lsp.Diagnostic) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || String(a.code).localeCompare(String(b.code)) || String(a.message).localeCompare(String(b.message));
  return {
    diagnostics: [...(await c.diagnostics(uri))].sort(byRange),
    hints: await c.request('textDocument/inlayHint', { ...doc, range: whole }),
    symbols: await c.request('textDocument/documentSymbol', doc),
    folding: await c.request('textDocument/foldingRange', doc),
    // the tokens without their resultId (a new one per request)
    tokens: (await c.request<lsp.SemanticTokens>('textDocument/semanticTokens/full', doc)).data,
  };
}

describe('lsp: incremental consistency', function () {
  this.timeout(300_000);
  const files = workspace();

  for (const [sample, seed, count] of [
    ['blocks.nn', 1, 200],
    ['resnet.nn', 2, 200],
    ['playground.nn', 3, 200],
  ] as const) {
    it(`${count} random edits of ${sample} (seed ${seed}): the server's state equals a fresh analysis of the final text`, async () => {
      const r = mulberry32(seed);
      const c = await TestClient.start(files);
      let fresh: TestClient | undefined;
      try {
        const uri = await c.open(sample);
        let doc = TextDocument.create(uri, 'nn', 1, files[sample]);
        const undo = {};
        for (let i = 0; i < count; i++) {
          const e = randomEdit(doc, r, undo);
          await c.edit(uri, e.range, e.text);
          doc = TextDocument.update(doc, [e], doc.version + 1);
          // now and then, let the server analyse a version in the middle (its caches then hold it)
          if (r() < 0.15) await c.diagnostics(uri);
          if (r() < 0.05) await c.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } } });
        }
        assert.equal(c.version(uri), count + 1);
        const edited = await state(c, uri);
        // a fresh server, the final text opened in it under the same name
        fresh = await TestClient.start(files);
        const uri2 = await fresh.open(sample, doc.getText());
        const want = JSON.parse(JSON.stringify(await state(fresh, uri2)).split(fresh.root).join(c.root));
        assert.deepEqual(edited, want);
        // the text is still close enough to the language for the comparison to mean something
        const got = edited as { tokens: number[]; symbols: unknown[]; hints: unknown[] };
        assert.ok(got.tokens.length > 0 && got.symbols.length > 0, `tokens ${got.tokens.length}, symbols ${got.symbols.length}, hints ${got.hints.length}: ${JSON.stringify(doc.getText()).slice(0, 3000)}`);
      } finally {
        await c.dispose();
        await fresh?.dispose();
      }
    });
  }
});
