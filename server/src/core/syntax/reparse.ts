// Reparsing after an edit: the declarations before the first changed character are kept (the
// same objects, so the analysis can reuse what it found for them, see core/reuse.ts), and the
// file is parsed again from the first declaration that can be parsed on its own. The result is
// exactly what `parse(text)` returns (test/unit/reparse.test.ts checks it over random edits).
//
// Why a declaration can be parsed on its own: the parser's state between declarations is empty,
// and the parse of everything before declaration j looked at the text only up to the end of j's
// second token (the parser holds one token of lookahead: `model` at a line start is checked not
// to be followed by ':'), plus one character (the lexer ends a token on the next character). So
// declarations 0..j-1 are kept when j starts at a line start and its first two tokens and the
// character after them are unchanged; errors and comments are split at j's start (the errors of
// the kept declarations lie before it because j's keyword is at a line start: see missingSpan).

import { parse, MAX_SYNTAX_ERRORS } from './parser';
import { Lexer, T, isBlank } from './lexer';
import type { ParsedFile } from './ast';

/** Texts compared this many characters at a time (native comparison of slices), then one by one. */
const CHUNK = 4096;

/** The length of the common prefix of two texts. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Declaration j of `old` can start a parse of its own, and nothing before it saw the change at `changed`. */
function canResumeAt(old: ParsedFile, j: number, changed: number): boolean {
  const start = old.decls[j].start;
  if (start >= changed) return false;
  let k = start - 1;
  while (k >= 0 && isBlank(old.text.charCodeAt(k))) k--;
  if (k < 0) return false;
  const c = old.text.charCodeAt(k);
  if (c !== 10 && c !== 13) return false;
  const lexer = new Lexer(old.text, start);
  lexer.next();
  const second = lexer.next();
  return second.kind !== T.EOF && second.end < changed;
}

/** How many of `old`'s names lie before offset `from` (they are in source order). */
function namesBefore(old: ParsedFile, from: number): number {
  let lo = 0;
  let hi = old.names.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (old.names[mid].start < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The parse of `text`, an edited version of the text `old` is the parse of. */
export function reparse(old: ParsedFile, text: string): ParsedFile {
  if (old.text === text) return old;
  // a truncated error list cannot be split
  if (old.errors.some((e) => e.code === 'NN009')) return parse(text);
  const changed = commonPrefix(old.text, text);
  let j = old.decls.length - 1;
  while (j > 0 && !canResumeAt(old, j, changed)) j--;
  if (j <= 0) return parse(text);
  const from = old.decls[j].start;
  const tail = parse(text, from);
  const kept = old.errors.filter((e) => e.start < from);
  if (kept.length + tail.errors.length > MAX_SYNTAX_ERRORS || tail.errors.some((e) => e.code === 'NN009')) return parse(text);
  return {
    text,
    decls: [...old.decls.slice(0, j), ...tail.decls],
    comments: [...old.comments.filter((c) => c.start < from), ...tail.comments],
    errors: [...kept, ...tail.errors],
    names: [...old.names.slice(0, namesBefore(old, from)), ...tail.names],
  };
}
