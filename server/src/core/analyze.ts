// The analysis of a program: every pass, memoised per declaration, so each model, block,
// dataset and train block is checked exactly once however many files use it. `analyzeFile`
// returns what one file needs: its diagnostics, its models with shapes, its train blocks.

import type * as A from './syntax/ast';
import { Program, type SourceFile } from './program';
import { type Diagnostic, sortDiagnostics, makeDiagnostic } from './diagnostics';
import { ConstTable, type Sink, loc } from './values';
import { ModelBuilder, type ModelGraph, type GenericResult, diagnosticKey, type ExpandContext } from './graph';
import { resolveTrain, resolveDataset, type TrainConfig, type DataRef, type TrainContext } from './train';
import { TRAINING_CHECKS } from './checks/training';
import { fix } from './fixes';
import { collectReferences, checkDuplicates, checkImports, checkUnused, usedDeclarations, type Reference } from './names';

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

export class Analysis implements ExpandContext, TrainContext {
  readonly consts: ConstTable;
  readonly sink: Sink;
  private readonly diags: Diagnostic[] = [];
  private readonly models = new Map<A.ModelDecl, ModelGraph>();
  private readonly generics = new Map<A.BlockDecl, GenericResult>();
  private readonly datasets = new Map<A.DatasetDecl, DataRef | undefined>();
  private readonly trains = new Map<A.TrainDecl, TrainConfig>();
  private readonly refs = new Map<string, Reference[]>();
  private readonly checked = new Set<string>();
  /** declarations referred to from any loaded file (computed once, for the unused hint) */
  private used: Set<A.NamedDecl> | undefined;

  constructor(readonly program: Program) {
    this.sink = (d) => this.diags.push(d);
    this.consts = new ConstTable(program, this.sink);
  }

  model(decl: A.ModelDecl, file: string): ModelGraph {
    let m = this.models.get(decl);
    if (!m) {
      m = ModelBuilder.model(this, decl, file);
      this.models.set(decl, m);
    }
    return m;
  }

  generic(block: A.BlockDecl, file: string): GenericResult {
    let g = this.generics.get(block);
    if (!g) {
      // a block that (indirectly) calls itself gets an empty result while its own pass runs
      const keys = new Set<string>();
      const result = { keys, hasErrors: false };
      this.generics.set(block, result);
      ModelBuilder.generic(this, block, file, (d) => {
        keys.add(diagnosticKey(d));
        if (d.severity === 'error') result.hasErrors = true;
        this.sink(d);
      });
      g = result;
    }
    return g;
  }

  dataset(decl: A.DatasetDecl, file: string): DataRef | undefined {
    if (!this.datasets.has(decl)) this.datasets.set(decl, resolveDataset(decl, file, this.program, this.consts, this.sink));
    return this.datasets.get(decl);
  }

  train(decl: A.TrainDecl, file: string): TrainConfig {
    let t = this.trains.get(decl);
    if (!t) {
      let errors = 0;
      const sink: Sink = (d) => {
        if (d.severity === 'error') errors++;
        this.sink(d);
      };
      t = resolveTrain(this, decl, file, sink);
      for (const check of TRAINING_CHECKS) check({ program: this.program, sink }, t);
      t.hasErrors = errors > 0 || !t.model || t.model.hasErrors || !t.data || !t.loss;
      this.trains.set(decl, t);
    }
    return t;
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

  /** Run every pass over one file (once; later calls return the same diagnostics). */
  analyzeFile(path: string): FileAnalysis {
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
      for (const e of source.parsed.errors) {
        const f = e.fix;
        const fixes = f ? fix(f.msg.id, f.msg.args as never, [{ file: path, start: f.start, end: f.end, newText: f.newText }], true) : [];
        this.sink(makeDiagnostic(path, e, e.code, e.msg.id, e.msg.args as never, { fixes }));
      }
      checkImports(program, source, this.sink);
      checkDuplicates(source, this.sink);
    }
    for (const d of source.parsed.decls) {
      switch (d.kind) {
        case 'Const':
          if (d.name) this.consts.get(d, path, loc(path, d.name));
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
    return { path, source, diagnostics: this.diagnosticsOf(path), models, trains, datasets };
  }

  /** Diagnostics reported so far in one file: sorted, without repeats (a repeated block reports once). */
  diagnosticsOf(path: string): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const d of this.diags) {
      if (d.file !== path) continue;
      const key = `${diagnosticKey(d)}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
    return sortDiagnostics(out);
  }
}

/** Analyze files from scratch: the entry point for the CLI and tests. */
export function analyzeFiles(program: Program, paths: string[]): FileAnalysis[] {
  for (const p of paths) program.loadWithImports(p);
  const a = new Analysis(program);
  const results = paths.map((p) => a.analyzeFile(p));
  // a later file's analysis can only add to its own diagnostics, but collect again to be sure
  for (const r of results) r.diagnostics = a.diagnosticsOf(r.path);
  return results;
}
