// The formatter: one canonical layout for .nn files. It keeps the author's line breaks (runs of
// blank lines become one) and every comment, and normalizes indentation (two spaces per brace,
// two more inside an open bracket) and the spaces within lines. Text with syntax errors is left
// alone: guessing the structure of broken code would move it in surprising ways.
// Idempotent: formatting formatted text changes nothing (tested).

import { Lexer, T, type Token, isKeyword } from './syntax/lexer';
import { parse } from './syntax/parser';

interface Piece {
  kind: T | 'comment';
  text: string;
  start: number;
  end: number;
}

function pieces(text: string): Piece[] {
  const lexer = new Lexer(text);
  const toks: Token[] = [];
  for (let t = lexer.next(); t.kind !== T.EOF; t = lexer.next()) toks.push(t);
  const out: Piece[] = toks.map((t) => ({ kind: t.kind, text: text.slice(t.start, t.end), start: t.start, end: t.end }));
  for (const c of lexer.comments) out.push({ kind: 'comment', text: c.text.replace(/\s+$/, ''), start: c.start, end: c.end });
  return out.sort((a, b) => a.start - b.start);
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
  if (inBody && k === T.Ident && t.text !== 'shortcut' && endsStatement(prev)) return '  ';
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
  /** start offset in the output of each input token, by its start offset in the input */
  map: Map<number, number>;
}

/** The formatted text, or undefined when the text has syntax errors. */
export function format(text: string): FormatResult | undefined {
  if (parse(text).errors.length) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  const ps = pieces(text);
  const map = new Map<number, number>();
  let out = bom;
  let braces = 0;
  let brackets = 0;
  // the previous piece (for line breaks), and the last two code tokens (for spacing)
  let prev: Piece | undefined;
  let last: Piece | undefined;
  let beforeLast: Piece | undefined;
  for (const t of ps) {
    const gap = text.slice(prev ? prev.end : 0, t.start);
    // line breaks as the lexer counts them: \r\n, \n, and a lone \r (which also ends a comment)
    const breaks = (gap.match(/\r\n|\r|\n/g) ?? []).length;
    if (!prev || breaks > 0) {
      if (prev) out += eol.repeat(Math.min(breaks, 2));
      const closingBrace = t.kind === T.RBrace ? 1 : 0;
      const closingBracket = CLOSE.has(t.kind) ? 1 : 0;
      out += '  '.repeat(Math.max(0, braces - closingBrace) + Math.max(0, brackets - closingBracket));
    } else if (t.kind === 'comment') {
      // keep the author's alignment of a trailing comment, at least one space
      out += gap.length > 0 ? gap.replace(/\t/g, ' ') : ' ';
    } else {
      out += space(last!, t, beforeLast, braces > 0 && brackets === 0);
    }
    map.set(t.start, out.length);
    out += t.text;
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
  if (ps.length) out += eol;
  return { text: out, map };
}
