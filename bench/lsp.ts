// Benchmark of the language server as an editor uses it: the built server (dist/server.js) in its
// own process over stdio, a 2k- and a 10k-line document. Reports the time from the last edit of a
// burst of typing to its diagnostics (typing at the end of the file, in the middle, and on its
// first line: the server reanalyzes what follows an edit), p50/p95 of completion, hover and inlay hints (for a screen of
// 60 lines), each also right after an edit (when the request pays for the re-analysis), and the
// server's memory. Goals: completion/hover/inlay p95 under 16 ms at 2k lines; diagnostics within
// 50 ms of the end of an edit burst at 10k lines. Not a test: it prints, and writes JSON.
// usage: npm run build && npm run bench:lsp

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as rpc from 'vscode-jsonrpc/node';
import type * as lsp from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { generate } from './analysis';

const root = path.resolve(__dirname, '..');

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Deterministic pseudo-random numbers, so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

interface Row {
  lines: number;
  /** typing at the end of the file, in the middle, at the start */
  diagnosticsAfterBurst: { p50: number; p95: number };
  diagnosticsAfterBurstMiddle: { p50: number; p95: number };
  diagnosticsAfterBurstStart: { p50: number; p95: number };
  completion: { p50: number; p95: number };
  completionAfterEdit: { p50: number; p95: number };
  hover: { p50: number; p95: number };
  hoverAfterEdit: { p50: number; p95: number };
  inlayHints: { p50: number; p95: number };
  memoryMB: number;
}

async function measure(lines: number): Promise<Row> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-bench-lsp-'));
  const file = path.join(dir, 'big.nn');
  let text = generate(lines);
  fs.writeFileSync(file, text);
  const uri = URI.file(file).toString();
  const flags = process.env.NN_BENCH_SERVER_FLAGS ? process.env.NN_BENCH_SERVER_FLAGS.split(' ') : [];
  const proc = spawn(process.execPath, [...flags, path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout!), new rpc.StreamMessageWriter(proc.stdin!));
  const waiting = new Map<number, (t: number) => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: lsp.PublishDiagnosticsParams) => {
    const w = p.version !== undefined ? waiting.get(p.version) : undefined;
    if (w) {
      waiting.delete(p.version!);
      w(performance.now());
    }
  });
  conn.onRequest('workspace/configuration', () => [null]);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: URI.file(dir).toString(), workspaceFolders: [{ uri: URI.file(dir).toString(), name: 'bench' }], capabilities: {} });
  await conn.sendNotification('initialized', {});
  let version = 1;
  const diagnosed = (v: number) => new Promise<number>((r) => waiting.set(v, r));
  let first = diagnosed(1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version, text } });
  await first;

  const random = rng(lines);
  // Typing goes into comment lines, so the code stays valid: one added at the top, one in the
  // middle (before a declaration) and one at the end. Where an edit is matters: the server keeps
  // the declarations before it and what it found for them, and analyzes the rest again.
  const docLines = text.split('\n');
  const middle = docLines.findIndex((l, i) => i >= docLines.length / 2 && l.startsWith('model '));
  docLines.splice(middle, 0, '#');
  docLines.unshift('#');
  docLines.push('#');
  const typingLine = { start: 0, middle: middle + 1, end: docLines.length - 1 };
  text = docLines.join('\n');
  const positionsOf = (word: string) => docLines.flatMap((l, i) => (l.includes(word) ? [{ line: i, character: l.indexOf(word) + 1 }] : []));
  const denses = positionsOf('dense(');
  const statementStarts = docLines.flatMap((l, i) => (/^ {2}(conv2d|dense|max_pool|flatten)\(/.test(l) ? [{ line: i, character: 2 }] : []));
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];

  const type = async (ch: string, where: keyof typeof typingLine = 'end') => {
    version++;
    const line = typingLine[where];
    const character = docLines[line].length;
    docLines[line] += ch;
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: ch }] });
  };
  // the comment lines themselves
  version++;
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  first = diagnosed(version);
  await first;

  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };

  // bursts of typing: 8 characters sent back to back, then the latency of the last one's diagnostics
  const bursts = async (where: keyof typeof typingLine) => {
    const ts: number[] = [];
    for (let b = 0; b < 25; b++) {
      for (let k = 0; k < 7; k++) await type('x', where);
      await type('y', where);
      const wait = diagnosed(version);
      const sent = performance.now();
      ts.push((await wait) - sent);
    }
    return ts;
  };
  const burstsAtEnd = await bursts('end');
  const burstsInMiddle = await bursts('middle');
  const burstsAtStart = await bursts('start');

  const steady = async (f: () => Promise<unknown>, n: number) => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) ts.push(await time(f));
    return ts;
  };
  const afterEdit = async (f: () => Promise<unknown>, n: number) => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      await type('z');
      ts.push(await time(f));
    }
    return ts;
  };
  const completion = () => conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: pick(statementStarts) });
  const hover = () => conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pick(denses) });
  const inlay = () => {
    const start = Math.floor(random() * Math.max(1, docLines.length - 60));
    return conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: start, character: 0 }, end: { line: start + 60, character: 0 } } });
  };
  const c = await steady(completion, 200);
  const cAfter = await afterEdit(completion, 40);
  const h = await steady(hover, 200);
  const hAfter = await afterEdit(hover, 40);
  const ih = await steady(inlay, 200);
  const memoryMB = rss(proc.pid!);
  await conn.sendRequest('shutdown');
  const exited = new Promise((r) => proc.once('exit', r));
  await conn.sendNotification('exit');
  await exited;
  conn.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  const pp = (xs: number[]) => ({ p50: percentile(xs, 0.5), p95: percentile(xs, 0.95) });
  return { lines, diagnosticsAfterBurst: pp(burstsAtEnd), diagnosticsAfterBurstMiddle: pp(burstsInMiddle), diagnosticsAfterBurstStart: pp(burstsAtStart), completion: pp(c), completionAfterEdit: pp(cAfter), hover: pp(h), hoverAfterEdit: pp(hAfter), inlayHints: pp(ih), memoryMB };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(root, 'dist', 'server.js'))) throw new Error('dist/server.js is missing: npm run build');
  const rows: Row[] = [];
  for (const n of [2_000, 10_000]) rows.push(await measure(n));
  const f = (x: { p50: number; p95: number }) => `${x.p50.toFixed(1).padStart(6)} / ${x.p95.toFixed(1).padStart(6)}`;
  console.log('ms, p50 / p95         2k lines            10k lines');
  const line = (name: string, get: (r: Row) => { p50: number; p95: number }) => console.log(`${name.padEnd(22)} ${f(get(rows[0]))}     ${f(get(rows[1]))}`);
  line('diagnostics after burst', (r) => r.diagnosticsAfterBurst);
  line('  ... typing mid-file', (r) => r.diagnosticsAfterBurstMiddle);
  line('  ... typing at line 1', (r) => r.diagnosticsAfterBurstStart);
  line('completion', (r) => r.completion);
  line('completion after edit', (r) => r.completionAfterEdit);
  line('hover', (r) => r.hover);
  line('hover after edit', (r) => r.hoverAfterEdit);
  line('inlay hints (60 lines)', (r) => r.inlayHints);
  console.log(`${'server memory (MB)'.padEnd(22)} ${rows[0].memoryMB.toFixed(0).padStart(15)}     ${rows[1].memoryMB.toFixed(0).padStart(15)}`);
  const worst2k = Math.max(rows[0].completion.p95, rows[0].hover.p95, rows[0].inlayHints.p95);
  console.log(`goal: completion/hover/inlay p95 < 16 ms at 2k lines: ${worst2k < 16 ? 'met' : 'NOT met'} (worst ${worst2k.toFixed(1)} ms)`);
  const r = rows[1];
  const worstBurst = Math.max(r.diagnosticsAfterBurst.p95, r.diagnosticsAfterBurstMiddle.p95, r.diagnosticsAfterBurstStart.p95);
  console.log(
    `goal: diagnostics within 50 ms of the end of a burst at 10k lines, wherever the typing: ${worstBurst < 50 ? 'met' : 'NOT met'} (p95 at the end ${r.diagnosticsAfterBurst.p95.toFixed(1)}, mid-file ${r.diagnosticsAfterBurstMiddle.p95.toFixed(1)}, line 1 ${r.diagnosticsAfterBurstStart.p95.toFixed(1)} ms)`,
  );
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results', 'lsp.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
