// The server's view of the files: open documents over the disk, the workspace's .nn files, and
// an analysis of the current state. Edits only mark the state dirty; the analysis is rebuilt
// when someone needs it (a request, or the debounced diagnostics run), so a burst of edits costs
// one analysis, not a queue of stale ones. Parses are cached by text across analyses.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeHost } from '../node/host';
import { Program, ParseCache, type SourceFile } from '../core/program';
import { Analysis, type FileAnalysis } from '../core/analyze';
import type { ModelGraph } from '../core/graph';
import type { Diagnostic } from '../core/diagnostics';

export interface OpenDocument {
  uri: string;
  path: string;
  version: number;
  text: string;
}

/** One consistent analysis of the workspace at one version. */
export class Snapshot {
  private readonly analyzed = new Map<string, FileAnalysis>();

  constructor(
    readonly version: number,
    readonly program: Program,
    readonly analysis: Analysis,
  ) {}

  file(path: string): FileAnalysis {
    let r = this.analyzed.get(path);
    if (!r) {
      r = this.analysis.analyzeFile(path);
      this.analyzed.set(path, r);
    }
    return r;
  }

  source(path: string): SourceFile | undefined {
    return this.program.file(path);
  }

  diagnostics(path: string): Diagnostic[] {
    this.file(path);
    return this.analysis.diagnosticsOf(path);
  }

  /** The files problems were reported in by the analyses so far (see Analysis.reportedFiles). */
  reportedFiles(): string[] {
    return this.analysis.reportedFiles();
  }

  /** Every model of the analyzed files (layers of a block show the shapes of its calls). */
  models(): ModelGraph[] {
    return [...this.analyzed.values()].flatMap((r) => r.models);
  }

  /** The files that import `path`, directly or not. */
  importers(path: string): string[] {
    const out = new Set<string>();
    let frontier = [path];
    while (frontier.length) {
      const next: string[] = [];
      for (const f of this.program.files()) {
        if (out.has(f.path)) continue;
        if (f.imports.some((i) => i.target !== undefined && frontier.includes(i.target))) {
          out.add(f.path);
          next.push(f.path);
        }
      }
      frontier = next;
    }
    out.delete(path);
    return [...out];
  }
}

export class Workspace {
  readonly host = new NodeHost();
  private readonly cache = new ParseCache();
  private readonly docs = new Map<string, OpenDocument>();
  private readonly files = new Set<string>();
  private version = 0;
  private snapshot: Snapshot | undefined;

  get currentVersion(): number {
    return this.version;
  }

  open(doc: OpenDocument): void {
    this.docs.set(doc.path, doc);
    this.host.overlay.set(doc.path, doc.text);
    this.files.add(doc.path);
    this.touch();
  }

  change(doc: OpenDocument): void {
    this.open(doc);
  }

  close(filePath: string): void {
    this.docs.delete(filePath);
    this.host.overlay.delete(filePath);
    if (!fs.existsSync(filePath)) this.files.delete(filePath);
    this.touch();
  }

  document(filePath: string): OpenDocument | undefined {
    return this.docs.get(filePath);
  }

  openDocuments(): OpenDocument[] {
    return [...this.docs.values()];
  }

  /** A file on disk was created, changed or deleted (the client's file watcher). */
  diskChanged(filePath: string, exists: boolean): void {
    if (exists) this.files.add(filePath);
    else if (!this.docs.has(filePath)) {
      this.files.delete(filePath);
      this.cache.delete(filePath);
    }
    this.touch();
  }

  /** Find the .nn files under the workspace folders. */
  scan(folders: string[], limit = 5000): void {
    const walk = (dir: string, depth: number) => {
      if (this.files.size >= limit || depth > 20) return;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'runs') continue;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, depth + 1);
        else if (e.isFile() && e.name.endsWith('.nn')) this.files.add(p);
      }
    };
    for (const f of folders) walk(f, 0);
    this.touch();
  }

  /** Read no file outside `folders` (an untrusted workspace), or lift that (undefined). */
  restrict(folders: string[] | undefined): void {
    this.host.restrict(folders);
    this.touch();
  }

  /** The largest .nn file read from disk (the setting nn.maxFileSize); files are read again. */
  setMaxFileSize(bytes: number): void {
    if (bytes === this.host.maxFileSize) return;
    this.host.maxFileSize = bytes;
    this.touch();
  }

  workspaceFiles(): string[] {
    return [...this.files];
  }

  private touch(): void {
    this.version++;
  }

  /** The analysis of the current state, built now if an edit came since the last one. */
  current(): Snapshot {
    if (this.snapshot && this.snapshot.version === this.version) return this.snapshot;
    const program = new Program(this.host, this.cache);
    for (const f of this.files) program.loadWithImports(f);
    // the last analysis' results of unchanged declarations are reused (core/reuse.ts)
    this.snapshot = new Snapshot(this.version, program, new Analysis(program, this.snapshot?.analysis));
    return this.snapshot;
  }
}
