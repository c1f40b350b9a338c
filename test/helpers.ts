// Test helpers: an in-memory host, analysis of text, and inline annotations.
//
// Annotations are comment lines under the line they describe. Carets mark columns of that line:
//
//     dense(128, activation: rleu)
//   #                        ^^^^ error NN207 "did you mean 'relu'" fix="Change to 'relu'"
//     flatten()
//   # ^^^^^^^^^ [784] params=0
//
// `[shape]` expects the layer starting at the carets to have that output shape (every instance,
// when a block or repeat makes several), optionally with params=, trainable=, nontrainable=, macs=.
// `severity code` expects a diagnostic exactly on the carets, optionally with a message part and
// a fix by title; applying the fix must remove that diagnostic. Every diagnostic must be annotated.
// A fixture can hold several files: a line `#--- name.nn` starts the next one.

import type { FolderEntry, Host } from '../server/src/core/program';
import { Program } from '../server/src/core/program';
import { Analysis, type FileAnalysis } from '../server/src/core/analyze';
import type { DataProbe, Args } from '../server/src/core/catalog/types';
import type { Diagnostic, TextEdit } from '../server/src/core/diagnostics';
import { formatShape } from '../server/src/core/messages';
import type { ParsedFile, NameUse } from '../server/src/core/syntax/ast';
import { allNodes } from '../server/src/core/syntax/walk';

export function posixJoin(dir: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${dir}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

export class MemoryHost implements Host {
  constructor(
    readonly files: Map<string, string> = new Map(),
    private readonly probes: (kind: 'csv' | 'idx', args: Args) => DataProbe | undefined = () => undefined,
  ) {}
  readFile(path: string): string | undefined {
    return this.files.get(path);
  }
  resolve(from: string, spec: string): string {
    return posixJoin(from.slice(0, from.lastIndexOf('/')), spec);
  }
  probe(kind: 'csv' | 'idx', args: Args): DataProbe | undefined {
    return this.probes(kind, args);
  }
  listFolder(from: string, folder: string): FolderEntry[] | undefined {
    const dir = this.resolve(from, folder || '.').replace(/\/?$/, '/');
    const out = new Map<string, FolderEntry>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(dir)) continue;
      const [name, ...rest] = p.slice(dir.length).split('/');
      out.set(name, { name, folder: rest.length > 0, path: dir + name });
    }
    return out.size ? [...out.values()] : undefined;
  }
}

export const MAIN = '/w/main.nn';

/** Analyze `text` as /w/main.nn, with other files beside it. */
export function analyzeText(text: string, others: Record<string, string> = {}, host?: MemoryHost): FileAnalysis {
  const h = host ?? new MemoryHost();
  h.files.set(MAIN, text);
  for (const [name, t] of Object.entries(others)) h.files.set(posixJoin('/w', name), t);
  const program = new Program(h);
  for (const p of h.files.keys()) program.loadWithImports(p);
  return new Analysis(program).analyzeFile(MAIN);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

export interface Annotation {
  line: number;
  start: number;
  end: number;
  text: string;
}

const ANNOTATION = /^#( *)(\^+) (.*)$/;

export function splitFixture(src: string): { main: string; others: Record<string, string> } {
  const parts = src.split(/^#--- (\S+)\n/m);
  const others: Record<string, string> = {};
  for (let i = 1; i < parts.length; i += 2) others[parts[i]] = parts[i + 1];
  return { main: parts[0], others };
}

/** Annotations of a text, with offsets into it. */
export function readAnnotations(text: string): Annotation[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  let o = 0;
  for (const l of lines) {
    starts.push(o);
    o += l.length + 1;
  }
  const out: Annotation[] = [];
  let target = -1;
  lines.forEach((l, i) => {
    const m = ANNOTATION.exec(l);
    if (!m) {
      target = i;
      return;
    }
    const col = 1 + m[1].length;
    out.push({ line: target, start: starts[target] + col, end: starts[target] + col + m[2].length, text: m[3].trim() });
  });
  return out;
}

export interface AnnotationFailure {
  message: string;
}

function words(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of s.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) m.set(x[1], x[3] ?? x[2]);
  return m;
}

/** Check every annotation of the main file; returns the failures (empty when all hold). */
export function checkAnnotations(src: string): string[] {
  const { main, others } = splitFixture(src);
  const r = analyzeText(main, others);
  const failures: string[] = [];
  const anns = readAnnotations(main);
  const lineOf = (off: number) => r.source!.lines.position(off).line + 1;
  const matched = new Set<Diagnostic>();
  const nodes = r.models.flatMap((m) => m.nodes);
  for (const a of anns) {
    const where = `line ${a.line + 1}`;
    if (a.text.startsWith('[')) {
      const close = a.text.indexOf(']');
      const shape = a.text.slice(0, close + 1);
      const opts = words(a.text.slice(close + 1));
      const at = nodes.filter((n) => n.at.file === MAIN && n.at.start === a.start);
      if (!at.length) {
        failures.push(`${where}: no layer starts at column ${a.start - r.source!.lines.lineStart(a.line) + 1}`);
        continue;
      }
      for (const n of at) {
        const got = formatShape(n.shape);
        if (got !== shape) failures.push(`${where}: ${n.name} has shape ${got}, expected ${shape}`);
        const params = n.trainable === null || n.nonTrainable === null ? null : n.trainable + n.nonTrainable;
        const checks: [string, number | null][] = [
          ['params', params],
          ['trainable', n.trainable],
          ['nontrainable', n.nonTrainable],
          ['macs', n.macs],
        ];
        for (const [k, v] of checks) {
          const want = opts.get(k);
          if (want !== undefined && String(v) !== want.replace(/,/g, '')) failures.push(`${where}: ${n.name} has ${k}=${v}, expected ${want}`);
        }
      }
      continue;
    }
    const m = /^(error|warning|info|hint) (NN\d{3})\s*(?:"([^"]*)")?\s*(?:fix="([^"]*)")?$/.exec(a.text);
    if (!m) {
      failures.push(`${where}: cannot read the annotation '${a.text}'`);
      continue;
    }
    const [, severity, code, part, fixTitle] = m;
    const d = r.diagnostics.find((x) => !matched.has(x) && x.start === a.start && x.end === a.end && x.code === code);
    if (!d) {
      const near = r.diagnostics.filter((x) => lineOf(x.start) === a.line + 1).map((x) => `${x.code}@${x.start}-${x.end} ${x.message}`);
      failures.push(`${where}: expected ${severity} ${code} at ${a.start}-${a.end}; on this line: ${near.join(' | ') || 'none'}`);
      continue;
    }
    matched.add(d);
    if (d.severity !== severity) failures.push(`${where}: ${code} is a ${d.severity}, expected ${severity}`);
    if (part && !d.message.includes(part)) failures.push(`${where}: ${code} message '${d.message}' lacks '${part}'`);
    if (fixTitle !== undefined) {
      const f = d.fixes.find((x) => x.title === fixTitle);
      if (!f) {
        failures.push(`${where}: ${code} has no fix '${fixTitle}' (fixes: ${d.fixes.map((x) => x.title).join(', ') || 'none'})`);
        continue;
      }
      const edited = applyEdits(main, f.edits.filter((e) => e.file === MAIN));
      const otherEdits = f.edits.filter((e) => e.file !== MAIN);
      const others2 = { ...others };
      for (const e of otherEdits) {
        const name = e.file.slice('/w/'.length);
        others2[name] = applyEdits(others2[name], [e]);
      }
      const after = analyzeText(edited, others2);
      const before = r.diagnostics.filter((x) => x.code === code).length;
      const now = after.diagnostics.filter((x) => x.code === code).length;
      if (now >= before) failures.push(`${where}: fix '${fixTitle}' did not remove ${code}:\n${edited}`);
    }
  }
  for (const d of r.diagnostics) {
    if (!matched.has(d)) failures.push(`line ${lineOf(d.start)}: unexpected ${d.severity} ${d.code} at ${d.start}-${d.end}: ${d.message}`);
  }
  return failures;
}

/** Calls `f` with each line a stream carries (JSON lines from a child process or a socket), without its newline. */
export { onLines } from '../server/src/node/lines';

/** The names a tree holds (names used as values, calls), found by walking it: what ParsedFile.names must list. */
export function namesInTree(parsed: ParsedFile): NameUse[] {
  const out: NameUse[] = [];
  for (const n of allNodes(parsed)) if (n.kind === 'Name' || n.kind === 'Call') out.push(n);
  return out;
}

/** Whether ParsedFile.names lists exactly the tree's names, the same objects in the same order. */
export function namesListed(parsed: ParsedFile): boolean {
  const tree = namesInTree(parsed);
  return tree.length === parsed.names.length && tree.every((n, i) => n === parsed.names[i]);
}

/**
 * A small model of a convolution, pooling, dropout and Adam on generated sequences (waveforms):
 * nn's kernels and seeded dropout masks in a few seconds of training, for the tests of threads.
 */
export const WAVES_NN = `model Wave {
  input [32, 1]
  conv1d(8, 3, activation: relu)
  max_pool(2)
  flatten()
  dropout(0.3)
  dense(16, activation: relu)
  dense(3)
}

train waves {
  model: Wave
  data: waveforms(n: 600)
  loss: cross_entropy
  optimizer: adam(lr: 0.01)
  epochs: 3
  batch_size: 32
  metrics: [accuracy]
  seed: 7
}
`;
