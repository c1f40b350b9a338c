// A program: the files reachable from the ones being analyzed, parsed once, with their
// declarations and imports. The host supplies text (from disk, or from an editor's open
// documents) and path resolution; the core never touches the file system itself.

import { parse } from './syntax/parser';
import { reparse } from './syntax/reparse';
import type { ParsedFile, NamedDecl, ImportDecl } from './syntax/ast';
import { LineIndex } from './text';
import type { DataHost } from './catalog/types';
import type { NotRegular } from './messages';

/**
 * Why a file's text was refused: not a regular file (a FIFO would block, a device never ends),
 * larger than the host's limit, not text (it holds NUL bytes), or outside the folders of an
 * untrusted workspace.
 */
export type ReadProblem =
  | { kind: 'not-regular'; what: NotRegular }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'binary' }
  /** it exists but cannot be opened: permission denied, or a loop of symbolic links */
  | { kind: 'unreadable'; why: 'permission' | 'loop' }
  /** an untrusted workspace reads no file outside its folders */
  | { kind: 'outside-workspace' }
  /** nn check without --trust reads no file outside the repositories (or folders) it checks */
  | { kind: 'outside-checked' };

export interface Host extends DataHost {
  /** The text of a file, why it was refused, or undefined when it cannot be found or opened. */
  readFile(path: string): string | ReadProblem | undefined;
  /** The path an `import "spec"` written in file `from` refers to. */
  resolve(from: string, spec: string): string;
  /**
   * The folders and regular files in `folder` (written relative to file `from`, as an import or a
   * data path is), for completing paths; undefined when it cannot be listed or may not be read.
   */
  listFolder(from: string, folder: string): FolderEntry[] | undefined;
}

export interface FolderEntry {
  name: string;
  folder: boolean;
  /** the entry's path, as `resolve` gives it */
  path: string;
}

export interface Symbol {
  decl: NamedDecl;
  file: string;
}

export interface SourceFile {
  path: string;
  text: string;
  parsed: ParsedFile;
  lines: LineIndex;
  /** declarations by name, in source order (more than one is a duplicate) */
  decls: Map<string, NamedDecl[]>;
  imports: { decl: ImportDecl; target: string | undefined }[];
}

/**
 * Parses keyed by path and text, shared between programs (an editor makes a program per change).
 * A new text of a cached path is reparsed from its first change: the declarations before it are
 * the same objects as before, which lets the analysis reuse their results (reuse.ts).
 */
export class ParseCache {
  private readonly files = new Map<string, SourceFile>();

  get(path: string, text: string, host: Host): SourceFile {
    const hit = this.files.get(path);
    if (hit && hit.text === text) return hit;
    const parsed = hit ? reparse(hit.parsed, text) : parse(text);
    const decls = new Map<string, NamedDecl[]>();
    const imports: SourceFile['imports'] = [];
    for (const d of parsed.decls) {
      if (d.kind === 'Import') {
        imports.push({ decl: d, target: d.path && d.path.value ? host.resolve(path, d.path.value) : undefined });
        continue;
      }
      if (!d.name) continue;
      const list = decls.get(d.name.text);
      if (list) list.push(d);
      else decls.set(d.name.text, [d]);
    }
    const file: SourceFile = { path, text, parsed, lines: new LineIndex(text), decls, imports };
    this.files.set(path, file);
    return file;
  }

  delete(path: string): void {
    this.files.delete(path);
  }
}

/** One name resolution of a program: a name as seen from a file, and what it refers to. */
export interface Lookup {
  readonly file: string;
  readonly name: string;
  readonly symbol: Symbol | undefined;
  /** bookkeeping of the observer (the analysis' frame that last recorded this lookup) */
  seenBy: number;
}

/**
 * Told of what a result depends on while the analysis computes it: every name resolution, and
 * every answer that depends on more than the text of the declarations named (the whole set of
 * visible names, a data file). reuse.ts decides from it whether a result can be reused.
 */
export interface Observer {
  looked(lookup: Lookup): void;
  /** the result being computed depends on something that name lookups do not capture */
  unrepeatable(): void;
}

export class Program {
  private readonly loaded = new Map<string, SourceFile | null>();
  /** files whose text the host refused, and why */
  private readonly refused = new Map<string, ReadProblem>();
  /** lookups by file, then name (a program is a snapshot: answers never change) */
  private readonly lookups = new Map<string, Map<string, Lookup>>();
  observer: Observer | undefined;
  /** the host's data probes, reported to the observer (a data file can change on disk at any time) */
  readonly dataHost: DataHost = {
    probe: (kind, args, fromFile) => {
      this.observer?.unrepeatable();
      return this.host.probe(kind, args, fromFile);
    },
  };

  constructor(
    readonly host: Host,
    private readonly cache: ParseCache = new ParseCache(),
  ) {}

  /** The parsed file, or undefined when the host cannot read it. */
  file(path: string): SourceFile | undefined {
    const known = this.loaded.get(path);
    if (known !== undefined) return known ?? undefined;
    const text = this.host.readFile(path);
    if (text !== undefined && typeof text !== 'string') this.refused.set(path, text);
    const f = typeof text === 'string' ? this.cache.get(path, text, this.host) : undefined;
    this.loaded.set(path, f ?? null);
    return f;
  }

  /** Why the host refused a file's text (after `file` found none), if it said. */
  problem(path: string): ReadProblem | undefined {
    return this.refused.get(path);
  }

  /** Every file loaded so far. */
  files(): SourceFile[] {
    return [...this.loaded.values()].filter((f): f is SourceFile => f !== null);
  }

  /** Load a file and everything it imports, transitively. */
  loadWithImports(path: string): void {
    const todo = [path];
    const seen = new Set<string>();
    while (todo.length) {
      const p = todo.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const f = this.file(p);
      if (f) for (const i of f.imports) if (i.target) todo.push(i.target);
    }
  }

  /**
   * Resolve a name as seen from `file`: its own declarations first, then those of the files it
   * imports directly (imports are not re-exported). The first declaration wins when duplicated.
   */
  lookup(file: string, name: string): Symbol | undefined {
    const l = this.resolution(file, name);
    this.observer?.looked(l);
    return l.symbol;
  }

  /** A name's resolution, without telling the observer. */
  resolution(file: string, name: string): Lookup {
    let byName = this.lookups.get(file);
    if (!byName) this.lookups.set(file, (byName = new Map()));
    let l = byName.get(name);
    if (l === undefined) {
      l = { file, name, symbol: this.find(file, name), seenBy: -1 };
      byName.set(name, l);
    }
    return l;
  }

  private find(file: string, name: string): Symbol | undefined {
    const f = this.file(file);
    if (!f) return undefined;
    const own = f.decls.get(name);
    if (own) return { decl: own[0], file };
    for (const i of f.imports) {
      if (!i.target || i.target === file) continue;
      const g = this.file(i.target);
      const d = g?.decls.get(name);
      if (d) return { decl: d[0], file: i.target };
    }
    return undefined;
  }

  /** Every name visible from `file`, for suggestions and completion. */
  visible(file: string): Symbol[] {
    this.observer?.unrepeatable();
    const out: Symbol[] = [];
    const seen = new Set<string>();
    const add = (f: SourceFile | undefined) => {
      if (!f) return;
      for (const [name, ds] of f.decls) {
        if (seen.has(name)) continue;
        seen.add(name);
        out.push({ decl: ds[0], file: f.path });
      }
    };
    const f = this.file(file);
    add(f);
    for (const i of f?.imports ?? []) if (i.target && i.target !== file) add(this.file(i.target));
    return out;
  }

  text(file: string): string {
    return this.file(file)?.text ?? '';
  }
}
