// Text edits for quick fixes. Each helper looks at the text it edits and returns no fix when the
// text is not what it expects (a fix must never produce a surprise).

import type { Fix, TextEdit } from './diagnostics';
import { render, type MessageId, type MessageArgs } from './messages';
import type { Loc } from './values';
import type { Program } from './program';
import type { Bound } from './bind';

function indentAt(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

function lineBreak(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function replaceAt(at: Loc, newText: string): TextEdit {
  return { file: at.file, start: at.start, end: at.end, newText };
}

/** Insert a statement on its own line before the statement at `stmt`. */
export function insertLineBefore(program: Program, stmt: Loc, line: string): TextEdit {
  const text = program.text(stmt.file);
  const ind = indentAt(text, stmt.start);
  // is the statement first on its line?
  let s = stmt.start;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  const atLineStart = s === 0 || text[s - 1] === '\n' || text[s - 1] === '\r';
  if (atLineStart) return { file: stmt.file, start: stmt.start, end: stmt.start, newText: `${line}${lineBreak(text)}${ind}` };
  return { file: stmt.file, start: stmt.start, end: stmt.start, newText: `${line}  ` };
}

/** Insert a line after the one holding `after`, with the same indentation. */
export function insertLineAfter(program: Program, after: Loc, line: string): TextEdit {
  const text = program.text(after.file);
  const ind = indentAt(text, after.start);
  return { file: after.file, start: after.end, end: after.end, newText: `${lineBreak(text)}${ind}${line}` };
}

/** Remove a statement: its whole line when it is alone there, otherwise just its text. */
export function removeStatement(program: Program, stmt: Loc): TextEdit {
  const text = program.text(stmt.file);
  let s = stmt.start;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  let e = stmt.end;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  const lineStart = s === 0 || text[s - 1] === '\n' || text[s - 1] === '\r';
  const lineEnd = e === text.length || text[e] === '\n' || text[e] === '\r';
  if (lineStart && lineEnd) {
    if (text[e] === '\r') e++;
    if (text[e] === '\n') e++;
    return { file: stmt.file, start: s, end: e, newText: '' };
  }
  return { file: stmt.file, start: stmt.start, end: e, newText: '' };
}

/** Remove one argument of a call, with the comma that separates it. */
export function removeArgument(program: Program, arg: Loc): TextEdit {
  const text = program.text(arg.file);
  let s = arg.start;
  let e = arg.end;
  let i = s;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  if (text[i - 1] === ',') {
    s = i - 1;
  } else {
    let j = e;
    while (j < text.length && /\s/.test(text[j])) j++;
    if (text[j] === ',') {
      e = j + 1;
      while (e < text.length && text[e] === ' ') e++;
    }
  }
  return { file: arg.file, start: s, end: e, newText: '' };
}

/** Add `name: value` to a call (or turn a bare name into a call). */
export function addArgument(program: Program, fn: Bound, argText: string): TextEdit | undefined {
  const text = program.text(fn.at.file);
  const src = text.slice(fn.at.start, fn.at.end);
  if (src === fn.spec.name) return replaceAt(fn.at, `${fn.spec.name}(${argText})`);
  if (!src.endsWith(')')) return undefined;
  const inner = src.slice(src.indexOf('(') + 1, -1);
  const pos = fn.at.end - 1;
  return { file: fn.at.file, start: pos, end: pos, newText: inner.trim() ? `, ${argText}` : argText };
}

/** Replace a value when the text there is a number literal (not a name or expression). */
export function replaceNumber(program: Program, at: Loc | undefined, value: number): TextEdit | undefined {
  if (!at) return undefined;
  const src = program.text(at.file).slice(at.start, at.end);
  return /^[0-9_.eE+-]+$/.test(src) ? replaceAt(at, String(value)) : undefined;
}

/** A fix titled by a message, when every edit could be made (none undefined). */
export function fix<K extends MessageId>(id: K, args: MessageArgs<K>, edits: (TextEdit | undefined)[], preferred = false): Fix[] {
  const real = edits.filter((e): e is TextEdit => e !== undefined);
  if (real.length !== edits.length || !real.length) return [];
  const msg = { id, args: args as Record<string, unknown> };
  return [{ title: render(msg, 'en'), msg, edits: real, preferred }];
}
