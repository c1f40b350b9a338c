// The formatter: one canonical layout for .nn files. It keeps the author's line breaks (runs of
// blank lines become one) and every comment, and normalizes indentation (two spaces per brace,
// two more inside an open bracket) and the spaces within lines. Text with syntax errors is left
// alone: guessing the structure of broken code would move it in surprising ways.
// Idempotent: formatting formatted text changes nothing (tested).

import { Lexer, T, type Token, isKeyword } from './syntax/lexer';
import { parse } from './syntax/parser';
import type { ParsedFile } from './syntax/ast';

interface Piece {
  kind: T | 'comment';
  text: string;
  start: number;
  end: number;
}

/** Tokens and comments in text order: the two lists come sorted from the lexer and are merged, not sorted (a 1 MB line has 400,000 tokens). */
function pieces(text: string): Piece[] {
  const lexer = new Lexer(text);
  const toks: Token[] = [];
  for (let t = lexer.next(); t.kind !== T.EOF; t = lexer.next()) toks.push(t);
  const comments = lexer.comments;
  const out: Piece[] = [];
  let c = 0;
  for (const t of toks) {
    for (; c < comments.length && comments[c].start < t.start; c++) out.push({ kind: 'comment', text: comments[c].text.replace(/\s+$/, ''), start: comments[c].start, end: comments[c].end });
    out.push({ kind: t.kind, text: text.slice(t.start, t.end), start: t.start, end: t.end });
  }
  for (; c < comments.length; c++) out.push({ kind: 'comment', text: comments[c].text.replace(/\s+$/, ''), start: comments[c].start, end: comments[c].end });
  return out;
}

/** Line breaks in text[from, to) as the lexer counts them: \r\n, \n, and a lone \r. */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) n++;
    else if (ch === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10 && i + 1 < to) i++;
    }
  }
  return n;
}

const OPEN = new Set<Piece['kind']>([T.LParen, T.LBracket]);
const CLOSE = new Set<Piece['kind']>([T.RParen, T.RBracket]);
const BINARY = new Set<Piece['kind']>([T.Plus, T.Minus, T.Star, T.Slash]);
/** after these, a + or - is a sign, not an operator */
const EXPECTS_OPERAND = new Set<Piece['kind']>([T.LParen, T.LBracket, T.Comma, T.Colon, T.Equals, T.Plus, T.Minus, T.Star, T.Slash]);

/** Does `p` end a statement or setting value (so a name after it on the same line starts the next one)? */
function endsStatement(p: Piece): boolean {
  return p.kind === T.RParen || p.kind === T.RBracket || p.kind === T.RBrace || p.kind === T.Number || p.kind === T.String || (p.kind === T.Ident && !isKeyword(p.text));
}

function space(prev: Piece, t: Piece, prevPrev: Piece | undefined, inBody: boolean): string {
  const k = t.kind;
  const p = prev.kind;
  // two statements (or settings) on one line are set apart by two spaces
  // `try uniform(..)`: the range belongs to its try, it does not start a setting
  if (inBody && k === T.Ident && t.text !== 'shortcut' && endsStatement(prev) && !(p === T.Ident && prev.text === 'try')) return '  ';
  if (k === 'comment') return ' ';
  if (k === T.Comma || k === T.Colon || k === T.Semicolon || CLOSE.has(k)) return '';
  if (OPEN.has(p)) return '';
  if (k === T.LParen && p === T.Ident) return '';
  // a sign sticks to its operand
  if ((p === T.Minus || p === T.Plus) && (!prevPrev || EXPECTS_OPERAND.has(prevPrev.kind))) return '';
  if (BINARY.has(k) && EXPECTS_OPERAND.has(p)) return p === T.LParen || p === T.LBracket ? '' : ' ';
  return ' ';
}

export interface FormatResult {
  text: string;
  /** the start offset of each token and comment in the input, in order */
  starts: number[];
  /** and its start offset in the output */
  outStarts: number[];
}

/** The formatted text, or undefined when the text has syntax errors (`parsed`: its parse, when the caller has it). */
export function format(text: string, parsed: Pick<ParsedFile, 'text' | 'errors'> = parse(text)): FormatResult | undefined {
  if (parsed.text !== text) parsed = parse(text);
  if (parsed.errors.length) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  const ps = pieces(text);
  const starts: number[] = [];
  const outStarts: number[] = [];
  // the output in parts, joined at the end, and its length so far
  const parts: string[] = [bom];
  let length = bom.length;
  const emit = (piece: string) => {
    parts.push(piece);
    length += piece.length;
  };
  let braces = 0;
  let brackets = 0;
  // the previous piece (for line breaks), and the last two code tokens (for spacing)
  let prev: Piece | undefined;
  let last: Piece | undefined;
  let beforeLast: Piece | undefined;
  for (const t of ps) {
    const gapStart = prev ? prev.end : 0;
    // line breaks as the lexer counts them: \r\n, \n, and a lone \r (which also ends a comment)
    const breaks = lineBreaks(text, gapStart, t.start);
    if (!prev || breaks > 0) {
      if (prev) emit(eol.repeat(Math.min(breaks, 2)));
      const closingBrace = t.kind === T.RBrace ? 1 : 0;
      const closingBracket = CLOSE.has(t.kind) ? 1 : 0;
      emit('  '.repeat(Math.max(0, braces - closingBrace) + Math.max(0, brackets - closingBracket)));
    } else if (t.kind === 'comment') {
      // keep the author's alignment of a trailing comment, at least one space
      emit(t.start > gapStart ? text.slice(gapStart, t.start).replace(/\t/g, ' ') : ' ');
    } else {
      emit(space(last!, t, beforeLast, braces > 0 && brackets === 0));
    }
    starts.push(t.start);
    outStarts.push(length);
    emit(t.text);
    if (t.kind === T.LBrace) braces++;
    else if (t.kind === T.RBrace) braces = Math.max(0, braces - 1);
    else if (OPEN.has(t.kind)) brackets++;
    else if (CLOSE.has(t.kind)) brackets = Math.max(0, brackets - 1);
    prev = t;
    if (t.kind !== 'comment') {
      beforeLast = last;
      last = t;
    }
  }
  if (ps.length) emit(eol);
  return { text: parts.join(''), starts, outStarts };
}
