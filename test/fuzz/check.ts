// What the fuzzer does with one input: the core (parse, analyze with the samples beside it,
// summarize every model, format) timed, and, for a sample of inputs, every LSP request of the
// real server at positions spread over the text. A thrown exception, a guarded handler that
// logged a failure, or an unanswered request is a crash.

import * as lsp from 'vscode-languageserver/node';
import { MemoryHost, namesListed } from '../helpers';
import { Program } from '../../server/src/core/program';
import { Analysis } from '../../server/src/core/analyze';
import { summarize } from '../../server/src/core/summary';
import { describeDiagram } from '../../server/src/core/diagram';
import { paramCount } from '../../server/src/core/graph';
import { format } from '../../server/src/core/format';
import { LineIndex } from '../../server/src/core/text';
import { Lexer, T } from '../../server/src/core/syntax/lexer';
import type { TestClient } from '../lsp-client';
import { SummaryRequest, TrainBlocksRequest, GraphRequest } from '../../server/src/lsp/requests';
import { mulberry32 } from '../gen/random-models';

export const FUZZ_FILE = '/w/fuzz.nn';

/** Analyzes `text` as /w/fuzz.nn with the samples in /w/; returns the milliseconds it took. */
export function checkCore(text: string, samples: Map<string, string>): { ms: number; diagnostics: number } {
  const host = new MemoryHost();
  for (const [name, t] of samples) host.files.set(`/w/${name}`, t);
  host.files.set(FUZZ_FILE, text);
  const t0 = performance.now();
  const program = new Program(host);
  program.loadWithImports(FUZZ_FILE);
  const analysis = new Analysis(program);
  const r = analysis.analyzeFile(FUZZ_FILE);
  for (const m of r.models) summarize(m, (f) => program.file(f)?.lines);
  for (const m of r.models) describeDiagram(m, { lines: (f) => program.file(f)?.lines, diagnostics: r.diagnostics });
  const formatted = format(text, program.file(FUZZ_FILE)?.parsed);
  const ms = performance.now() - t0;
  // formatting changes only whitespace: the same tokens and comments, in the same order
  if (formatted && codeOf(formatted.text).join('\u0000') !== codeOf(text).join('\u0000')) throw new Error('formatting changed more than whitespace');
  const parsed = program.file(FUZZ_FILE)?.parsed;
  if (parsed && !namesListed(parsed)) throw new Error("the parser's list of names differs from the names in its tree");
  // weights are inferred again when asked (graph.ts): they must give the counts of the analysis
  for (const m of r.models) {
    for (const n of m.nodes) {
      const w = n.weights;
      if (paramCount(w, true) !== n.trainable || paramCount(w, false) !== n.nonTrainable) throw new Error(`${n.name}: its weights give other parameter counts than the analysis'`);
    }
  }
  return { ms, diagnostics: r.diagnostics.length };
}

/** The tokens and comments of a text, as written. */
function codeOf(text: string): string[] {
  const lexer = new Lexer(text);
  const out: string[] = [];
  for (let t = lexer.next(); t.kind !== T.EOF; t = lexer.next()) out.push(text.slice(t.start, t.end));
  return [...out, ...lexer.comments.map((c) => c.text.trimEnd())];
}

/** Positions spread over a text: its start and end, and `n` seeded ones between. */
export function positions(text: string, n: number, seed: number): lsp.Position[] {
  const lines = new LineIndex(text);
  const r = mulberry32(seed);
  const out = [lines.position(0), lines.position(text.length)];
  for (let k = 0; k < n; k++) out.push(lines.position(Math.floor(r() * (text.length + 1))));
  return out;
}

/** How long one request may take before `npm run fuzz` counts it as unanswered. */
export const ANSWER_MS = 10_000;

/** `p`, or a rejection after `ms` (none by default: the unit tests time nothing, mocha's timeout stands). */
function answered<T>(what: string, p: Promise<T>, ms = Infinity): Promise<T> {
  if (ms === Infinity) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens `text` as `name` in the server, waits for its diagnostics, sends every request type
 * (at `points` positions where a request takes one), closes it. Returns how many requests were
 * answered; throws on a request unanswered within `answerMs` or a handler failure in the server's log.
 */
export async function checkLsp(client: TestClient, name: string, text: string, points: number, seed: number, answerMs = Infinity): Promise<number> {
  const logsBefore = client.logs.length;
  const uri = await client.open(name, text);
  await answered('diagnostics', client.diagnostics(uri), answerMs);
  const doc = { textDocument: { uri } };
  const lines = new LineIndex(text);
  const end = lines.position(text.length);
  const whole = { start: { line: 0, character: 0 }, end };
  const requests: [string, unknown][] = [
    ['textDocument/documentSymbol', doc],
    ['workspace/symbol', { query: 'M' }],
    ['textDocument/foldingRange', doc],
    ['textDocument/semanticTokens/full', doc],
    ['textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } }],
    ['textDocument/rangeFormatting', { ...doc, range: whole, options: { tabSize: 2, insertSpaces: true } }],
    ['textDocument/codeLens', doc],
    ['textDocument/inlayHint', { ...doc, range: whole }],
    ['textDocument/codeAction', { ...doc, range: whole, context: { diagnostics: client.lastDiagnostics(uri) ?? [] } }],
    [TrainBlocksRequest, {}],
    [SummaryRequest, { uri, model: 'M' }],
    [GraphRequest, { uri, model: 'M' }],
  ];
  const ps = positions(text, points, seed);
  requests.push(['textDocument/selectionRange', { ...doc, positions: ps }]);
  for (const position of ps) {
    const at = { ...doc, position };
    requests.push(
      ['textDocument/hover', at],
      ['textDocument/completion', at],
      ['textDocument/signatureHelp', at],
      ['textDocument/definition', at],
      ['textDocument/references', { ...at, context: { includeDeclaration: true } }],
      ['textDocument/documentHighlight', at],
      ['textDocument/prepareRename', at],
      ['textDocument/rename', { ...at, newName: 'renamed_x' }],
      ['textDocument/codeAction', { ...doc, range: { start: position, end: position }, context: { diagnostics: [] } }],
    );
  }
  for (const [method, params] of requests) {
    try {
      await answered(method, client.request(method, params), answerMs);
    } catch (e) {
      // the server may refuse a request with an LSP error (rename of nothing, say): an answer all the same
      if (!(e instanceof Error && 'code' in e && typeof (e as { code: unknown }).code === 'number')) throw e;
    }
  }
  await client.close(uri);
  const failures = client.logs.slice(logsBefore).filter((l) => / failed: /.test(l));
  if (failures.length) throw new Error(`the server logged a handler failure:\n${failures.join('\n')}`);
  return requests.length;
}
