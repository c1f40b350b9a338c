// Reusing an earlier analysis' results after an edit. The editor analyzes the whole workspace
// again after every edit; most declarations did not change, and neither did anything they
// depend on, so their results (a model's shapes, a block's generic pass, a constant's value, a
// train block's settings) and the diagnostics found while computing them can be taken as they are.
//
// Invariants (test/unit/reuse.test.ts checks a reused analysis against one from scratch):
// - A result is a function of its declaration's syntax tree and of the name resolutions made
//   while computing it (each recorded in its frame), and of nothing else. Anything else it reads
//   (the set of all visible names for a suggestion, a data file's header) makes it unrepeatable.
// - Syntax trees are immutable, and a declaration is the same object in a new program only when
//   its text and position did not change (reparse.ts keeps the declarations before an edit).
// - So an earlier result is valid when its declaration is still in the program, every name it
//   resolved resolves to the same declaration now, and each of those declarations' results is
//   valid in turn. A result that depends on itself (a cycle, always an error) is not reused.
// - Diagnostics belong to the frame that reported them (not to the frames of results it used):
//   reusing a result reports its diagnostics again; computing one reports what it finds.

import type { NamedDecl } from './syntax/ast';
import type { Lookup, Program } from './program';
import type { Diagnostic } from './diagnostics';

let frames = 0;

/** The lists of a frame that recorded nothing (most record no diagnostics): one frozen array. */
const NOTHING = Object.freeze([]) as unknown as never[];

/**
 * One declaration's result and what computing it saw. One object per result, its lists
 * allocated on their first item: an analysis keeps every frame alive for the next one.
 */
export interface Frame {
  /** distinct among all frames: lookups remember the last frame that recorded them */
  readonly id: number;
  /** the result; while it is computed, what a declaration that uses itself sees */
  value: unknown;
  /** the name resolutions made while computing it (its dependencies), each once */
  deps: readonly Lookup[];
  /** the diagnostics reported while computing it (not while computing results it used) */
  diags: readonly Diagnostic[];
  /** false when it depended on more than its dependencies */
  repeatable: boolean;
}

/** A frame for a result being computed, holding `pending` until it is. */
export function newFrame(pending: unknown): Frame {
  return { id: frames++, value: pending, deps: NOTHING, diags: NOTHING, repeatable: true };
}

/** A frame's list with `x` added: a new array in place of the shared empty one, else the same array. */
function added<T>(list: readonly T[], x: T): readonly T[] {
  if (list === NOTHING) return [x];
  (list as T[]).push(x);
  return list;
}

export function addDep(f: Frame, l: Lookup): void {
  f.deps = added(f.deps, l);
}

export function addDiagnostic(f: Frame, d: Diagnostic): void {
  f.diags = added(f.diags, d);
}

/** The results of an earlier analysis, offered to a new program; each taken only if still valid. */
export class EarlierResults {
  readonly entries = new Map<NamedDecl, Frame>();
  /** validity, decided once per declaration (false while being decided: a cycle is not reused) */
  private readonly verdicts = new Map<NamedDecl, boolean>();

  /**
   * `sources`: an earlier analysis' results (then the earlier results it did not get to; the
   * first source wins), kept only for declarations that are still in `program`, so a long
   * editing session does not keep every old syntax tree alive.
   */
  constructor(
    private readonly program: Program,
    ...sources: ReadonlyMap<NamedDecl, Frame>[]
  ) {
    const live = new Set<NamedDecl>();
    for (const f of program.files()) for (const d of f.parsed.decls) if (d.kind !== 'Import') live.add(d);
    for (const source of sources) {
      for (const [decl, entry] of source) if (live.has(decl) && !this.entries.has(decl)) this.entries.set(decl, entry);
    }
  }

  /** The earlier result of `decl`, if nothing it depends on changed. */
  take(decl: NamedDecl): Frame | undefined {
    const e = this.entries.get(decl);
    return e && this.valid(decl) ? e : undefined;
  }

  private valid(decl: NamedDecl): boolean {
    const known = this.verdicts.get(decl);
    if (known !== undefined) return known;
    const e = this.entries.get(decl);
    if (!e || !e.repeatable) {
      this.verdicts.set(decl, false);
      return false;
    }
    this.verdicts.set(decl, false);
    let ok = true;
    for (const dep of e.deps) {
      const was = dep.symbol;
      const now = this.program.resolution(dep.file, dep.name).symbol;
      if (now?.decl !== was?.decl || now?.file !== was?.file || (was && !this.valid(was.decl))) {
        ok = false;
        break;
      }
    }
    this.verdicts.set(decl, ok);
    return ok;
  }
}
