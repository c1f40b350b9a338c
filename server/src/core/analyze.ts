// The analysis of a program: every pass, memoised per declaration, so each model, block,
// dataset and train block is checked exactly once however many files use it. `analyzeFile`
// returns what one file needs: its diagnostics, its models with shapes, its train blocks.
// Given the analysis of an earlier version of the program (an editor's last one), it takes the
// results of declarations that did not change and depend on nothing that did (reuse.ts).

import type * as A from './syntax/ast';
import { Program, type SourceFile, type Lookup, type Observer } from './program';
import { type Diagnostic, type Severity, sortDiagnostics, makeDiagnostic } from './diagnostics';
import { ConstTable, type Sink } from './values';
import { ModelBuilder, type ModelGraph, type GenericResult, diagnosticKey, type ExpandContext } from './graph';
import { resolveTrain, resolveDataset, type TrainConfig, type DataRef, type TrainContext } from './train';
import { TRAINING_CHECKS } from './checks/training';
import { fix } from './fixes';
import { EarlierResults, newFrame, addDep, addDiagnostic, type Frame } from './reuse';
import { collectReferences, checkDuplicates, checkImports, checkUnused, usedDeclarations, inDeclarations, type Reference } from './names';

export interface FileAnalysis {
  path: string;
  source: SourceFile | undefined;
  /** this file's diagnostics, sorted */
  diagnostics: Diagnostic[];
  /** models declared in this file */
  models: ModelGraph[];
  trains: TrainConfig[];
  datasets: DataRef[];
}

export class Analysis implements ExpandContext, TrainContext, Observer {
  readonly consts: ConstTable;
  readonly sink: Sink;
  /** the diagnostics reported so far, by file, each in the order reported (files in the order of their first) */
  private readonly diags = new Map<string, Diagnostic[]>();
  /** every declaration's result (model, block's generic pass, dataset, train, constant), computed or reused */
  private readonly results = new Map<A.NamedDecl, Frame>();
  private readonly earlier: EarlierResults | undefined;
  /** frames of the results being computed, innermost last */
  private readonly frames: Frame[] = [];
  private readonly refs = new Map<string, Reference[]>();
  private readonly checked = new Set<string>();
  /** declarations referred to from any loaded file (computed once, for the unused hint) */
  private used: Set<A.NamedDecl> | undefined;

  /**
   * `earlier`: the analysis of an earlier version of the program, whose still valid results are
   * taken instead of computed. Load the program's files first: results of declarations that are
   * no longer loaded are dropped.
   */
  constructor(
    readonly program: Program,
    earlier?: Analysis,
  ) {
    this.sink = (d) => {
      this.report(d);
      if (this.frames.length) addDiagnostic(this.frames[this.frames.length - 1], d);
    };
    this.consts = new ConstTable(program, this.sink, <T>(decl: A.ConstDecl, compute: () => T) => this.memo(decl, compute, undefined as T));
    // an analysis that lost its program's observer to another one has incomplete records
    if (earlier && earlier.program.observer === earlier) {
      this.earlier = earlier.earlier ? new EarlierResults(program, earlier.results, earlier.earlier.entries) : new EarlierResults(program, earlier.results);
    }
    program.observer = this;
  }

  private report(d: Diagnostic): void {
    const list = this.diags.get(d.file);
    if (list) list.push(d);
    else this.diags.set(d.file, [d]);
  }

  /** Observer: a name resolved while computing the innermost result. */
  looked(l: Lookup): void {
    const f = this.frames[this.frames.length - 1];
    if (f && l.seenBy !== f.id) {
      l.seenBy = f.id;
      addDep(f, l);
    }
  }

  /** Observer: the innermost result depends on more than its names. */
  unrepeatable(): void {
    const f = this.frames[this.frames.length - 1];
    if (f) f.repeatable = false;
  }

  /**
   * The result of a declaration: computed once per analysis, or taken from the earlier analysis
   * (reporting its diagnostics again). While it is computed, the result is `pending` (a
   * declaration that uses itself sees that).
   */
  private memo<T>(decl: A.NamedDecl, compute: () => T, pending: T): T {
    const known = this.results.get(decl);
    if (known) return known.value as T;
    const taken = this.earlier?.take(decl);
    if (taken) {
      this.results.set(decl, taken);
      for (const d of taken.diags) this.report(d);
      return taken.value as T;
    }
    const frame = newFrame(pending);
    this.results.set(decl, frame);
    this.frames.push(frame);
    try {
      frame.value = compute();
    } finally {
      this.frames.pop();
    }
    return frame.value as T;
  }

  model(decl: A.ModelDecl, file: string): ModelGraph {
    return this.memo(decl, () => ModelBuilder.model(this, decl, file), undefined as unknown as ModelGraph);
  }

  generic(block: A.BlockDecl, file: string): GenericResult {
    const known = this.results.get(block);
    if (known) return known.value as GenericResult;
    // a block that (indirectly) calls itself gets an empty result while its own pass runs
    const keys = new Set<string>();
    const result = { keys, hasErrors: false };
    return this.memo(
      block,
      () => {
        ModelBuilder.generic(this, block, file, (d) => {
          keys.add(diagnosticKey(d));
          if (d.severity === 'error') result.hasErrors = true;
          this.sink(d);
        });
        return result;
      },
      result,
    );
  }

  dataset(decl: A.DatasetDecl, file: string): DataRef | undefined {
    return this.memo(decl, () => resolveDataset(decl, file, this.program, this.consts, this.sink), undefined);
  }

  train(decl: A.TrainDecl, file: string): TrainConfig {
    return this.memo(
      decl,
      () => {
        let errors = 0;
        const sink: Sink = (d) => {
          if (d.severity === 'error') errors++;
          this.sink(d);
        };
        const t = resolveTrain(this, decl, file, sink);
        for (const check of TRAINING_CHECKS) check({ program: this.program, sink }, t);
        t.hasErrors = errors > 0 || !t.model || t.model.hasErrors || !t.data || !t.loss;
        return t;
      },
      undefined as unknown as TrainConfig,
    );
  }

  /** Names written in a file and what they refer to (for the editor; not part of checking). */
  references(path: string): Reference[] {
    let r = this.refs.get(path);
    if (!r) {
      const f = this.program.file(path);
      r = f ? collectReferences(this.program, f) : [];
      this.refs.set(path, r);
    }
    return r;
  }

  /**
   * Run every pass over one file (once; later calls return the same diagnostics). `diagnostics`:
   * false leaves them out (empty), for a caller that collects them after more files.
   */
  analyzeFile(path: string, diagnostics = true): FileAnalysis {
    const program = this.program;
    program.loadWithImports(path);
    const source = program.file(path);
    if (!source) return { path, source, diagnostics: [], models: [], trains: [], datasets: [] };
    const models: ModelGraph[] = [];
    const trains: TrainConfig[] = [];
    const datasets: DataRef[] = [];
    const first = !this.checked.has(path);
    this.checked.add(path);
    if (first) {
      for (const e of source.parsed.errors) this.sink(syntaxDiagnostic(path, e));
      checkImports(program, source, this.sink);
      checkDuplicates(source, this.sink);
    }
    for (const d of source.parsed.decls) {
      switch (d.kind) {
        case 'Const':
          if (d.name) this.consts.value(d, path);
          break;
        case 'Block':
          this.generic(d, path);
          break;
        case 'Model':
          models.push(this.model(d, path));
          break;
        case 'Dataset': {
          const r = this.dataset(d, path);
          if (r) datasets.push(r);
          break;
        }
        case 'Train':
          trains.push(this.train(d, path));
          break;
        case 'Import':
          break;
      }
    }
    if (first) {
      this.used ??= usedDeclarations(program, program.files());
      checkUnused(source, this.used, this.sink);
    }
    return { path, source, diagnostics: diagnostics ? this.diagnosticsOf(path) : [], models, trains, datasets };
  }

  /**
   * Diagnostics reported so far in one file: sorted, without repeats (a repeated block reports
   * once), at most MAX_DIAGNOSTICS of them (the most severe; then NN010 says how many more).
   */
  diagnosticsOf(path: string): Diagnostic[] {
    const all = this.diags.get(path);
    if (!all) return [];
    // sorted first, so repeats are neighbours: no key per diagnostic (a file of 300,000
    // constants reports 300,000 hints, and a set of their keys took a third of its check)
    const out = withoutRepeats(sortDiagnostics(all.slice()));
    return out.length > MAX_DIAGNOSTICS ? sortDiagnostics(capped(path, out)) : out;
  }

  /**
   * The files diagnostics were reported in so far, in the order of their first. Analyzing one
   * file reports in others too: a block's own problems are reported in the block's file, and a
   * constant's call, bound where another file uses it, reports where it is written.
   */
  reportedFiles(): string[] {
    return [...this.diags.keys()];
  }
}

/** A syntax error of the parser as a diagnostic, with its fix. */
function syntaxDiagnostic(path: string, e: SourceFile['parsed']['errors'][number]): Diagnostic {
  const f = e.fix;
  const fixes = f ? fix(f.msg.id, f.msg.args as never, [{ file: path, start: f.start, end: f.end, newText: f.newText }], true) : [];
  return makeDiagnostic(path, e, e.code, e.msg.id, e.msg.args as never, { fixes });
}

/**
 * The syntax errors written inside these declarations in files other than `analyzed`: analysing a
 * file reports its own syntax errors, not those of a file it imports, even where a declaration it
 * uses (a block, a dataset) is broken by one.
 */
export function importedSyntaxErrors(program: Program, decls: ReadonlyMap<A.NamedDecl, string>, analyzed: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const files = new Set([...decls.values()].filter((f) => !analyzed.has(f)));
  for (const path of files) {
    for (const e of program.file(path)?.parsed.errors ?? []) {
      const d = syntaxDiagnostic(path, e);
      if (inDeclarations(d, decls)) out.push(d);
    }
  }
  return out;
}

/** The most diagnostics one file reports; a file of hostile or generated text can make millions. */
export const MAX_DIAGNOSTICS = 1000;

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * Sorted diagnostics without repeats (the same place, code and message; a repeated block reports
 * once), the first reported of each kept: the sort is stable, and repeats are neighbours in it.
 */
function withoutRepeats(sorted: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let same = 0; // where the run of diagnostics at the last one's place and code starts in `out`
  for (const d of sorted) {
    const last = out.length ? out[out.length - 1] : undefined;
    if (!last || last.start !== d.start || last.end !== d.end || last.code !== d.code) {
      same = out.length;
      out.push(d);
      continue;
    }
    let repeat = false;
    for (let k = same; k < out.length && !repeat; k++) repeat = out[k].message === d.message;
    if (!repeat) out.push(d);
  }
  return out;
}

/** Of sorted diagnostics, the MAX_DIAGNOSTICS most severe (the first in the file among equals), and NN010 for the rest. */
function capped(path: string, sorted: Diagnostic[]): Diagnostic[] {
  const byRank = sorted.slice().sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const kept = byRank.slice(0, MAX_DIAGNOSTICS);
  const rest = byRank.slice(MAX_DIAGNOSTICS);
  const first = rest.reduce((a, b) => (b.start < a.start ? b : a));
  kept.push(makeDiagnostic(path, first, 'NN010', 'tooManyProblems', { shown: MAX_DIAGNOSTICS, more: rest.length }, { severity: rest[0].severity }));
  return kept;
}

/**
 * The models a command on one file works on (nn summary, graph, export): those the file declares,
 * then those its train blocks train that another file declares (a file of train blocks that
 * imports its models), each once, in the order the train blocks name them.
 */
export function modelsOfFile(r: FileAnalysis): ModelGraph[] {
  const models = [...r.models];
  for (const t of r.trains) if (t.model && !models.some((m) => m.decl === t.model!.decl)) models.push(t.model);
  return models;
}

/**
 * Analyze files from scratch: the entry point for the CLI and tests. One result per path, then
 * one for each other file the analysis reported problems in (a used block's or constant's file),
 * with those diagnostics only: what checking these files found, wherever it is written.
 */
export function analyzeFiles(program: Program, paths: string[]): FileAnalysis[] {
  for (const p of paths) program.loadWithImports(p);
  const a = new Analysis(program);
  const results = paths.map((p) => a.analyzeFile(p, false));
  const asked = new Set(paths);
  for (const path of a.reportedFiles()) {
    if (!asked.has(path)) results.push({ path, source: program.file(path), diagnostics: [], models: [], trains: [], datasets: [] });
  }
  // a later file's analysis can only add to an earlier one's diagnostics: collect them at the end
  for (const r of results) r.diagnostics = a.diagnosticsOf(r.path);
  return results;
}
