// The lexer: text -> tokens + comments + errors. It never throws; unknown characters become
// error tokens that the parser skips.

import type { SyntaxError } from './ast';

export const enum T {
  Ident,
  Number,
  String,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Semicolon,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Bad,
  EOF,
}

export const KEYWORDS = [
  'import',
  'const',
  'model',
  'block',
  'dataset',
  'train',
  'input',
  'residual',
  'shortcut',
  'parallel',
  'branch',
  'repeat',
  'true',
  'false',
] as const;
export type Keyword = (typeof KEYWORDS)[number];
const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);
export function isKeyword(s: string): s is Keyword {
  return keywordSet.has(s);
}

export interface Token {
  kind: T;
  start: number;
  end: number;
  /** identifier text, string contents (unescaped), or number source text */
  text: string;
  /** numeric value for Number tokens */
  value: number;
  /** true when a line break separates this token from the previous one */
  nl: boolean;
  /** the lexer reported this token as malformed (a bad number, say) */
  bad?: boolean;
}

export interface Comment {
  start: number;
  end: number;
  text: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  errors: SyntaxError[];
}

const PUNCT: Record<number, T> = {
  123: T.LBrace,
  125: T.RBrace,
  40: T.LParen,
  41: T.RParen,
  91: T.LBracket,
  93: T.RBracket,
  44: T.Comma,
  58: T.Colon,
  59: T.Semicolon,
  61: T.Equals,
  43: T.Plus,
  45: T.Minus,
  42: T.Star,
  47: T.Slash,
};

export function tokenName(kind: T): string {
  switch (kind) {
    case T.Ident:
      return 'a name';
    case T.Number:
      return 'a number';
    case T.String:
      return 'a string';
    case T.LBrace:
      return "'{'";
    case T.RBrace:
      return "'}'";
    case T.LParen:
      return "'('";
    case T.RParen:
      return "')'";
    case T.LBracket:
      return "'['";
    case T.RBracket:
      return "']'";
    case T.Comma:
      return "','";
    case T.Colon:
      return "':'";
    case T.Semicolon:
      return "';'";
    case T.Equals:
      return "'='";
    case T.Plus:
      return "'+'";
    case T.Minus:
      return "'-'";
    case T.Star:
      return "'*'";
    case T.Slash:
      return "'/'";
    case T.Bad:
      return 'an invalid character';
    case T.EOF:
      return 'the end of the file';
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const errors: SyntaxError[] = [];
  const n = text.length;
  let i = 0;
  let nl = true;
  // A byte-order mark at the start is not part of the program.
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  const push = (kind: T, start: number, end: number, str: string, value = 0) => {
    tokens.push({ kind, start, end, text: str, value, nl });
    nl = false;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 10 || c === 13) {
      nl = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      const start = i;
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      comments.push({ start, end: i, text: text.slice(start, i) });
      continue;
    }
    if (isIdentStart(c)) {
      const start = i;
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push(T.Ident, start, i, text.slice(start, i));
      continue;
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) {
      const start = i;
      let bad = false;
      while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
      if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
      } else if (text.charCodeAt(i) === 46 && !isIdentStart(text.charCodeAt(i + 1))) {
        i++; // "1." is 1.0
      }
      const e = text.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        const s = text.charCodeAt(j);
        if (s === 43 || s === 45) j++;
        if (isDigit(text.charCodeAt(j))) {
          while (j < n && isDigit(text.charCodeAt(j))) j++;
          i = j;
        } else {
          bad = true;
          i = j;
        }
      }
      // a number glued to letters ("3x3", "12abc") is one bad token, not two
      if (i < n && isIdentStart(text.charCodeAt(i))) {
        bad = true;
        while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      }
      const src = text.slice(start, i);
      const clean = src.replace(/_/g, '');
      const value = Number(clean);
      if (bad || !Number.isFinite(value) || src.endsWith('_') || src.includes('__')) {
        errors.push({ start, end: i, code: 'NN005', msg: { id: 'notANumber', args: { text: src } } });
        push(T.Number, start, i, src, 0);
        tokens[tokens.length - 1].bad = true;
      } else {
        push(T.Number, start, i, src, value);
      }
      continue;
    }
    if (c === 34 /* " */) {
      const start = i;
      i++;
      let out = '';
      let closed = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 34) {
          i++;
          closed = true;
          break;
        }
        if (d === 10 || d === 13) break;
        if (d === 92 /* \ */ && i + 1 < n) {
          const e = text[i + 1];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        out += text[i];
        i++;
      }
      if (!closed) {
        errors.push({ start, end: i, code: 'NN003', msg: { id: 'unterminatedString', args: {} } });
      }
      push(T.String, start, i, out);
      continue;
    }
    const p = PUNCT[c];
    if (p !== undefined) {
      push(p, i, i + 1, text[i]);
      i++;
      continue;
    }
    // anything else: one bad token per run of unknown characters (a surrogate pair stays whole)
    const start = i;
    i++;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (
        d <= 32 ||
        d === 35 ||
        d === 34 ||
        isIdentStart(d) ||
        isDigit(d) ||
        PUNCT[d] !== undefined ||
        d === 0xfeff ||
        d === 0xa0
      )
        break;
      i++;
    }
    const bad = text.slice(start, i);
    const shown = bad.length > 20 ? bad.slice(0, 20) + '…' : bad;
    errors.push({ start, end: i, code: 'NN004', msg: { id: 'invalidCharacter', args: { text: shown } } });
    push(T.Bad, start, i, bad);
  }
  tokens.push({ kind: T.EOF, start: n, end: n, text: '', value: 0, nl: true });
  return { tokens, comments, errors };
}
