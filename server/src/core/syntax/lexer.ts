// The lexer: text -> tokens + comments + errors. It never throws; unknown characters become
// error tokens that the parser skips.

import type { SyntaxError } from './ast';
import type { Message } from '../diagnostics';
import { VIRAMA, LEFT_JOINING, RIGHT_JOINING, TRANSPARENT, MARK_CCC } from './joiners';

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

/**
 * A token: what `Lexer.scan` fills in. Tools and tests get a new one per token (`Lexer.next`,
 * `lex`); the parser reuses two (the current token and the one after it).
 */
export class Token {
  kind: T = T.EOF;
  start = 0;
  end = 0;
  /** identifier text, string contents (unescaped), or number source text */
  text = '';
  /** true when a line break separates this token from the previous one */
  nl = false;
  /** the lexer reported this token as malformed (a bad number, say) */
  bad = false;
  /** a Number token's value, converted once by the lexer (stale on other kinds: read `value`) */
  num = 0;

  /** numeric value for Number tokens (0 for a malformed one) */
  get value(): number {
    return this.kind === T.Number && !this.bad ? this.num : 0;
  }
}

/** The value of a number as written ("60_000" is 60000); NaN or Infinity when it has none. */
export function numberValue(src: string): number {
  return Number(src.includes('_') ? src.replace(/_/g, '') : src);
}

/**
 * Identifier strings are shared: the same name written many times is one string, found by a
 * hash of its characters without slicing the text first. A bounded table, shared by all parses.
 */
const INTERN_SIZE = 4096;
const intern: (string | undefined)[] = new Array(INTERN_SIZE);

function internIdent(text: string, start: number, end: number, hash: number): string {
  const slot = hash & (INTERN_SIZE - 1);
  const known = intern[slot];
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let k = 0; k < known.length; k++) {
      if (known.charCodeAt(k) !== text.charCodeAt(start + k)) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  // a copy, not a slice: a slice would keep the whole document alive from the table
  const s = (' ' + text.slice(start, end)).slice(1);
  intern[slot] = s;
  return s;
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

// Names are Unicode identifiers as in Python 3 and JavaScript (UAX #31): a letter or `_`, then
// letters, digits, `_` and combining marks; `model 花分类` and `train 训练` are names. ASCII takes
// the fast path; other characters are looked up by code point (a surrogate pair is one).
// A name is its NFC form (UAX #31 section 5, as Python 3 does): `Café` written with a precomposed
// é or with e and a combining accent is one name, wherever names are compared (lookups, rename,
// run folders, --train). The invisible joiners U+200C and U+200D are part of a name only where
// UAX #31 section 2.3 allows them (they change how letters join); elsewhere they are NN011.
const NAME_START = /[\p{ID_Start}_]/u;
const NAME_PART = /[\p{ID_Continue}\u200c\u200d]/u;
/** The source of a regular expression (flag `u`) matching one whole name: one rule for every check. */
export const NAME_RE_SOURCE = '[\\p{ID_Start}_][\\p{ID_Continue}\\u200c\\u200d]*';
const NAME_ONLY = new RegExp(`^${NAME_RE_SOURCE}$`, 'u');

/**
 * Whether `text` is a whole name as the lexer reads one (for rename, run folders, configs): its
 * characters, and a joiner only where UAX #31 allows one. Compare names by `nameKey`.
 */
export function isName(text: string): boolean {
  if (!NAME_ONLY.test(text)) return false;
  for (let i = text.indexOf('\u200c'); i >= 0; i = text.indexOf('\u200c', i + 1)) if (!joinerAllowed(text, 0, i)) return false;
  for (let i = text.indexOf('\u200d'); i >= 0; i = text.indexOf('\u200d', i + 1)) if (!joinerAllowed(text, 0, i)) return false;
  return true;
}

/** A name as the language compares it: its NFC form (a name given on the command line, a rename). */
export function nameKey(text: string): string {
  return text.normalize('NFC');
}

const ZWNJ = 0x200c;
const ZWJ = 0x200d;
const IS_VIRAMA = new RegExp(`[${VIRAMA}]`, 'u');
const IS_LEFT_JOINING = new RegExp(`[${LEFT_JOINING}]`, 'u');
const IS_RIGHT_JOINING = new RegExp(`[${RIGHT_JOINING}]`, 'u');
const IS_TRANSPARENT = new RegExp(`[${TRANSPARENT}]`, 'u');
const IS_MARK_CCC = new RegExp(`[${MARK_CCC}]`, 'u');
const IS_MN = /\p{Mn}/u;
const IS_LETTER = /\p{L}/u;

/** The character ending before `i` (a surrogate pair whole), or '' at `from`. */
function charBefore(text: string, from: number, i: number): string {
  if (i <= from) return '';
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i - 2 >= from ? text.slice(i - 2, i) : text[i - 1];
}

/**
 * Whether the joiner at `i` (U+200C or U+200D) may be part of the name starting at `from`, by
 * UAX #31 section 2.3: in a conjunct, /$L $M* $V $M1* ZW(N)J/ (A2, B); a non-joiner also where it
 * breaks a cursive connection, /$LJ $T* ZWNJ $T* $RJ/ (A1).
 */
export function joinerAllowed(text: string, from: number, i: number): boolean {
  // conjunct: back over $M1* to a virama (a virama is itself an $M1: try each), back over $M*, a letter
  let j = i;
  let ch = charBefore(text, from, j);
  while (ch) {
    if (IS_VIRAMA.test(ch)) {
      let k = j - ch.length;
      let before = charBefore(text, from, k);
      while (before && IS_MN.test(before)) before = charBefore(text, from, (k -= before.length));
      if (before && IS_LETTER.test(before)) return true;
    }
    if (!IS_MARK_CCC.test(ch)) break;
    ch = charBefore(text, from, (j -= ch.length));
  }
  if (text.charCodeAt(i) !== ZWNJ) return false;
  // breaking a cursive connection: a left-joining letter before, a right-joining one after
  j = i;
  ch = charBefore(text, from, j);
  while (ch && IS_TRANSPARENT.test(ch)) ch = charBefore(text, from, (j -= ch.length));
  if (!ch || !IS_LEFT_JOINING.test(ch)) return false;
  for (let k = i + 1; k < text.length; ) {
    const cp = text.codePointAt(k)!;
    const c = String.fromCodePoint(cp);
    if (IS_RIGHT_JOINING.test(c)) return true;
    if (!IS_TRANSPARENT.test(c)) return false;
    k += c.length;
  }
  return false;
}

/** Whether code point `c` may start a name. */
export function isNameStart(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return NAME_START.test(String.fromCodePoint(c));
}
/** Whether code point `c` may continue a name. */
export function isNamePart(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
  return NAME_PART.test(String.fromCodePoint(c));
}
/** The code point at `i` (a surrogate pair read whole), as the lexer reads names. */
function codePointAt(text: string, i: number): number {
  return text.codePointAt(i) ?? 0;
}
/** Whether a name starts at `i`. */
function nameStartsAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (Number.isNaN(c)) return false; // past the end
  return c < 128 ? isNameStart(c) : isNameStart(codePointAt(text, i));
}
/** The length in code units of the name character at `i`, 0 when there is none. */
function namePartAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return isNamePart(c) ? 1 : 0;
  if (Number.isNaN(c)) return 0; // past the end
  const cp = codePointAt(text, i);
  return isNamePart(cp) ? (cp > 0xffff ? 2 : 1) : 0;
}
/** Whitespace other than line breaks. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Scans one token at a time into a Token it is given. The parser gives the same two over and over,
 * so a parse makes no token objects: they were an eighth of what a parse and analysis of a file
 * allocated, and a parse took half as long again with them: more young-generation collections,
 * each copying every syntax node made so far.
 */
export class Lexer {
  readonly comments: Comment[] = [];
  readonly errors: SyntaxError[] = [];
  /** the token being scanned into */
  private out = new Token();
  private i = 0;
  /** a line break since the last token */
  private lineBreak = true;
  private readonly n: number;

  /** `from`: where to start (a line start); tokens before it are not scanned. */
  constructor(
    private readonly source: string,
    from = 0,
  ) {
    this.n = source.length;
    this.i = from;
    // A byte-order mark at the start is not part of the program.
    if (from === 0 && source.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  private set(kind: T, start: number, end: number, text: string, bad = false): T {
    const t = this.out;
    t.kind = kind;
    t.start = start;
    t.end = end;
    t.text = text;
    t.nl = this.lineBreak;
    t.bad = bad;
    this.lineBreak = false;
    return kind;
  }

  /** The next token, in a new Token (tools and tests). */
  next(): Token {
    const t = new Token();
    this.scan(t);
    return t;
  }

  /** Scan the next token into `into`; returns its kind. */
  scan(into: Token): T {
    this.out = into;
    const text = this.source;
    const n = this.n;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      // whitespace
      if (c === 10 || c === 13) {
        this.lineBreak = true;
        i++;
        continue;
      }
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (c === 35 /* # */) {
        const start = i;
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        this.comments.push({ start, end: i, text: text.slice(start, i) });
        continue;
      }
      if (c < 128 ? isNameStart(c) : nameStartsAt(text, i)) {
        const start = i;
        let hash = 0;
        let d: number;
        let ascii = true;
        while (i < n) {
          d = text.charCodeAt(i);
          if (d < 128) {
            if (!isNamePart(d)) break;
            hash = (Math.imul(hash, 31) + d) | 0;
            i++;
            continue;
          }
          const len = namePartAt(text, i);
          if (len === 0) break;
          ascii = false;
          for (let k = 0; k < len; k++) hash = (Math.imul(hash, 31) + text.charCodeAt(i + k)) | 0;
          i += len;
        }
        this.i = i;
        return this.set(T.Ident, start, i, ascii ? internIdent(text, start, i, hash) : this.unicodeName(start, i));
      }
      if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) return this.number(i);
      if (c === 34 /* " */) return this.string(i);
      const p = PUNCT[c];
      if (p !== undefined) {
        this.i = i + 1;
        return this.set(p, i, i + 1, text[i]);
      }
      return this.badRun(i);
    }
    this.i = i;
    this.set(T.EOF, n, n, '');
    into.nl = true;
    return T.EOF;
  }

  /**
   * The text of a name with characters beyond ASCII: its NFC form, without the joiners UAX #31
   * does not allow where they are (each one NN011, with a fix that removes it).
   */
  private unicodeName(start: number, end: number): string {
    const text = this.source;
    let raw = text.slice(start, end);
    if (raw.includes('\u200c') || raw.includes('\u200d')) {
      let kept = '';
      let from = start;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if ((c === ZWNJ || c === ZWJ) && !joinerAllowed(text, start, i)) {
          kept += text.slice(from, i);
          from = i + 1;
          const msg: Message = { id: 'fixRemoveJoiner', args: {} };
          this.errors.push({ start: i, end: i + 1, code: 'NN011', msg: { id: 'joinerInName', args: { joiner: c === ZWJ ? 'U+200D' : 'U+200C' } }, fix: { msg, start: i, end: i + 1, newText: '' } });
        }
      }
      raw = kept + text.slice(from, end);
    }
    const name = raw.normalize('NFC');
    let hash = 0;
    for (let k = 0; k < name.length; k++) hash = (Math.imul(hash, 31) + name.charCodeAt(k)) | 0;
    return internIdent(name, 0, name.length, hash);
  }

  private number(start: number): T {
    const text = this.source;
    const n = this.n;
    let i = start;
    let bad = false;
    while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
      i++;
      while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    } else if (text.charCodeAt(i) === 46 && !nameStartsAt(text, i + 1)) {
      i++; // "1." is 1.0
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(text.charCodeAt(j))) {
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        i = j;
      } else {
        bad = true;
        i = j;
      }
    }
    // a number glued to letters ("3x3", "12abc") is one bad token, not two
    if (i < n && nameStartsAt(text, i)) {
      bad = true;
      for (let len = namePartAt(text, i); i < n && len > 0; len = namePartAt(text, i)) i += len;
    }
    this.i = i;
    const src = text.slice(start, i);
    const value = bad ? NaN : numberValue(src);
    if (!Number.isFinite(value) || src.endsWith('_') || src.includes('__')) {
      this.errors.push({ start, end: i, code: 'NN005', msg: { id: 'notANumber', args: { text: src } } });
      this.out.num = 0;
      return this.set(T.Number, start, i, src, true);
    }
    this.out.num = value;
    return this.set(T.Number, start, i, src);
  }

  private string(start: number): T {
    const text = this.source;
    const n = this.n;
    let i = start + 1;
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
    if (!closed) this.errors.push({ start, end: i, code: 'NN003', msg: { id: 'unterminatedString', args: {} } });
    this.i = i;
    return this.set(T.String, start, i, out);
  }

  /** One bad token per run of unknown characters (a surrogate pair stays whole). */
  private badRun(start: number): T {
    const text = this.source;
    const n = this.n;
    let i = start + 1;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d <= 32 || d === 35 || d === 34 || nameStartsAt(text, i) || isDigit(d) || PUNCT[d] !== undefined || d === 0xfeff || d === 0xa0) break;
      i++;
    }
    this.i = i;
    const bad = text.slice(start, i);
    const shown = bad.length > 20 ? bad.slice(0, 20) + '…' : bad;
    this.errors.push({ start, end: i, code: 'NN004', msg: { id: 'invalidCharacter', args: { text: shown } } });
    return this.set(T.Bad, start, i, bad);
  }
}

/** All tokens at once (tests and tools; the parser streams). */
export function lex(text: string): LexResult {
  const l = new Lexer(text);
  const tokens: Token[] = [];
  let t: Token;
  do {
    t = l.next();
    tokens.push(t);
  } while (t.kind !== T.EOF);
  return { tokens, comments: l.comments, errors: l.errors };
}
