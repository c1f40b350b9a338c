// The parser: tokens -> tree + errors. Recursive descent that never throws. It recovers at line
// starts, closing braces and declaration keywords, so one pass reports every independent
// syntax error, and every declaration it can see is in the tree for analysis.
//
// Grammar (docs/language.md has the user-facing version):
//   file     := decl*
//   decl     := 'import' STRING | 'const' NAME '=' expr | 'dataset' NAME '=' expr
//             | 'model' NAME body | 'block' NAME '(' params? ')' body | 'train' NAME '{' entry* '}'
//   body     := '{' stmt* '}'
//   stmt     := 'input' expr | call | 'residual' body ('shortcut' body)?
//             | 'parallel' NAME? '{' ('branch' body)* '}' | 'repeat' expr body
//   entry    := NAME ':' expr | call
//   expr     := term (('+'|'-') term)*       term := unary (('*'|'/') unary)*
//   unary    := ('-'|'+') unary | primary
//   primary  := NUMBER | STRING | 'true' | 'false' | NAME | call | '[' (expr ',')* ']' | '(' expr ')'
//             | 'try' primary            (values to try: a list, or uniform(..)/log_uniform(..))
//   call     := NAME '(' (arg ',')* ')'     arg := (NAME ':')? expr
// Statements and entries need no separator; ';' and ',' between them are accepted.

import { Lexer, T, Token, tokenName, isKeyword } from './lexer';
import type * as A from './ast';
import { type MessageId, type MessageArgs } from '../messages';
import type { Code } from '../diagnostics';

const MAX_DEPTH = 64;
const DECL_KEYWORDS: ReadonlySet<string> = new Set(['import', 'const', 'model', 'block', 'dataset', 'train']);

/**
 * Syntax errors reported per file. Past this, the text is not the language (a binary file, a
 * megabyte of noise); hundreds of thousands of errors would only cost the checker and the editor
 * seconds and memory, so the rest is summed up in one error where it begins.
 */
export const MAX_SYNTAX_ERRORS = 200;

/** Every empty list of the tree (a call without arguments, an empty body): one frozen array. */
const NO_ITEMS = Object.freeze([]) as unknown as unknown[];

/**
 * Parse a file, or its end: `from` is the offset of a declaration keyword at a line start
 * (reparse.ts resumes there). Errors come sorted by position, lexer errors first where tied.
 */
export function parse(text: string, from = 0): A.ParsedFile {
  const lexer = new Lexer(text, from);
  const p = new Parser(lexer);
  const decls = p.file();
  let errors = [...lexer.errors, ...p.errors].sort((a, b) => a.start - b.start);
  const total = lexer.errors.length + p.errorCount();
  if (total > MAX_SYNTAX_ERRORS) {
    const first = errors[MAX_SYNTAX_ERRORS];
    const more = total - MAX_SYNTAX_ERRORS;
    errors = errors.slice(0, MAX_SYNTAX_ERRORS);
    errors.push({ start: first.start, end: first.end, code: 'NN009', msg: { id: 'tooManySyntaxErrors', args: { shown: MAX_SYNTAX_ERRORS, more } } });
  }
  return { text, decls, comments: lexer.comments, errors, names: p.names };
}

class Parser {
  /**
   * The errors by position that can still be among the first MAX_SYNTAX_ERRORS + 1 of the file:
   * past twice that many, they are sorted (stably, as parse sorts them) and cut back, so a megabyte
   * of noise does not keep hundreds of thousands of error objects alive.
   */
  readonly errors: A.SyntaxError[] = [];
  /** names used as values and calls, as they are made (ParsedFile.names) */
  readonly names: A.NameUse[] = [];
  /** errors cut from `errors` */
  private dropped = 0;
  /** the span of the last error, for one error per position */
  private lastError: { start: number; end: number } | undefined;
  /** tokens consumed so far: loops compare it to make sure they advance */
  private pos = 0;
  private depth = 0;
  /** >0 while inside ( ) or [ ]: line breaks do not end an expression there */
  private bracketDepth = 0;
  // The current token and, once peeked, the one after it: two Tokens the lexer scans into again
  // and again, so that a parse makes no token objects (see Lexer). And where the previous one was.
  private cur = new Token();
  private ahead = new Token();
  private hasAhead = false;
  private hasPrev = false;
  private prevStart = 0;
  /** where the previous token ends (0 before the first) */
  private prevEnd = 0;
  /**
   * Items of the lists being parsed (arguments, list items, statements, entries), a nested list's
   * above its parent's. A finished list is cut out at its exact length: an array grown by push
   * keeps room for 16 items, and the tree keeps every one alive (0.5 MB per 10k lines).
   */
  private readonly pending: unknown[] = [];

  constructor(private readonly lexer: Lexer) {
    lexer.scan(this.cur);
  }

  // ---- token helpers ----
  /** the kind of the token after the current one (scanned once, then kept; at the end, the end again) */
  private peek(): T {
    if (!this.hasAhead) {
      this.hasAhead = true;
      this.lexer.scan(this.ahead);
    }
    return this.ahead.kind;
  }
  private next(): void {
    if (this.cur.kind === T.EOF) return;
    this.hasPrev = true;
    this.prevStart = this.cur.start;
    this.prevEnd = this.cur.end;
    if (this.hasAhead) {
      // the peeked token becomes the current one; the old current one is free for the next peek
      const old = this.cur;
      this.cur = this.ahead;
      this.ahead = old;
      this.hasAhead = false;
    } else {
      this.lexer.scan(this.cur);
    }
    this.pos++;
  }
  /** the current token's span: where an error is */
  private here(): { start: number; end: number } {
    return { start: this.cur.start, end: this.cur.end };
  }
  private at(kind: T): boolean {
    return this.cur.kind === kind;
  }
  private atWord(word: string): boolean {
    return this.cur.kind === T.Ident && this.cur.text === word;
  }
  private eat(kind: T): boolean {
    if (this.cur.kind !== kind) return false;
    this.next();
    return true;
  }
  /** A declaration keyword at the start of a line: where a missing '}' is assumed. */
  private atDeclStart(): boolean {
    // `model: X` inside train is a setting, not a declaration
    return this.cur.kind === T.Ident && this.cur.nl && DECL_KEYWORDS.has(this.cur.text) && this.peek() !== T.Colon;
  }

  /** Errors found, including those cut from `errors`. */
  errorCount(): number {
    return this.errors.length + this.dropped;
  }

  private error<K extends MessageId>(span: { start: number; end: number }, code: Code, id: K, args: MessageArgs<K>): A.SyntaxError | undefined {
    // one error per position: a second one at the same place is noise from the same cause
    const last = this.lastError;
    if (last && last.start === span.start && last.end === span.end) return undefined;
    this.lastError = { start: span.start, end: span.end };
    const e: A.SyntaxError = { start: span.start, end: span.end, code, msg: { id, args: args as Record<string, unknown> } };
    this.errors.push(e);
    if (this.errors.length > 2 * (MAX_SYNTAX_ERRORS + 1)) {
      this.errors.sort((a, b) => a.start - b.start);
      this.dropped += this.errors.length - (MAX_SYNTAX_ERRORS + 1);
      this.errors.length = MAX_SYNTAX_ERRORS + 1;
    }
    return e;
  }

  /** Where to point when something is missing: the current token if on the same line, else just after the previous one. */
  private missingSpan(): { start: number; end: number } {
    if ((this.cur.kind === T.EOF || this.cur.nl) && this.hasPrev) return { start: this.prevStart, end: this.prevEnd };
    return this.here();
  }

  /** How a token reads in a message: the current one, or the one after it (after `peek`). */
  private describe(which: 'current' | 'ahead' = 'current'): string {
    const t = which === 'current' ? this.cur : this.ahead;
    if (t.kind === T.Ident || t.kind === T.Number) return `'${t.text}'`;
    if (t.kind === T.String) return 'a string';
    return tokenName(t.kind);
  }

  private expect(kind: T, what: string): boolean {
    if (this.eat(kind)) return true;
    this.error(this.missingSpan(), 'NN002', 'expected', { expected: tokenName(kind), context: what, found: this.describe() });
    return false;
  }

  /** Skip a balanced group starting at the current opening bracket (or inside one already opened: level 1). */
  /** Skip a bracketed group; one never closed ends at a declaration keyword at a line start (it would swallow the file). */
  private skipBalanced(level = 0): void {
    const startPos = this.pos;
    do {
      const k = this.cur.kind;
      if (k === T.EOF) return;
      if (this.pos > startPos && this.atDeclStart()) return;
      if (k === T.LBrace || k === T.LParen || k === T.LBracket) level++;
      else if (k === T.RBrace || k === T.RParen || k === T.RBracket) level--;
      this.next();
    } while (level > 0);
  }

  /** Skip to the next line start, a '}' of the enclosing body, or a declaration keyword. */
  private skipLine(): void {
    const startPos = this.pos;
    while (!this.at(T.EOF)) {
      if (this.pos > startPos && this.cur.nl) return;
      if (this.at(T.RBrace)) return;
      if (this.at(T.LBrace) || this.at(T.LParen) || this.at(T.LBracket)) {
        this.skipBalanced();
        continue;
      }
      this.next();
    }
  }

  private name(context: string): A.Ident | undefined {
    if (this.cur.kind === T.Ident && !isKeyword(this.cur.text)) return this.ident();
    if (this.cur.kind === T.Ident && !this.cur.nl) {
      this.error(this.here(), 'NN111', 'keywordAsName', { word: this.cur.text });
      this.next();
      return undefined;
    }
    this.error(this.missingSpan(), 'NN002', 'expectedName', { context, found: this.describe() });
    return undefined;
  }

  /** The current token's text (a name, kept as text on its node); moves past it. */
  private word(): string {
    const text = this.cur.text;
    this.next();
    return text;
  }

  /** The current token (a name) as an Ident; moves past it. */
  private ident(): A.Ident {
    const id: A.Ident = { kind: 'Ident', text: this.cur.text, start: this.cur.start, end: this.cur.end };
    this.next();
    return id;
  }

  /** The items pushed to `pending` since `mark`, as an array of their own (a shared frozen one when there are none). */
  private cut<X>(mark: number): X[] {
    return mark === this.pending.length ? (NO_ITEMS as X[]) : (this.pending.splice(mark) as X[]);
  }

  private skipSeparators(): void {
    while (this.at(T.Semicolon) || this.at(T.Comma)) this.next();
  }

  // ---- file and declarations ----
  file(): A.Decl[] {
    const decls: A.Decl[] = [];
    while (!this.at(T.EOF)) {
      this.skipSeparators();
      if (this.at(T.EOF)) break;
      if (this.cur.kind === T.Ident && DECL_KEYWORDS.has(this.cur.text)) {
        decls.push(this.decl());
        continue;
      }
      this.error(this.here(), 'NN001', 'expectedDeclaration', { found: this.describe() });
      // skip to the next declaration keyword at a line start
      this.next();
      while (!this.at(T.EOF) && !this.atDeclStart()) {
        if (this.at(T.LBrace) || this.at(T.LParen) || this.at(T.LBracket)) this.skipBalanced();
        else this.next();
      }
    }
    return decls;
  }

  private decl(): A.Decl {
    const start = this.cur.start;
    const kwText = this.cur.text;
    this.next();
    switch (kwText) {
      case 'import': {
        let path: A.StringLit | undefined;
        if (this.at(T.String)) {
          path = { kind: 'String', value: this.cur.text, start: this.cur.start, end: this.cur.end };
          this.next();
        } else {
          this.error(this.missingSpan(), 'NN002', 'expectedImportPath', { found: this.describe() });
          if (!this.cur.nl) this.skipLine();
        }
        return { kind: 'Import', path, start, end: this.prevEnd };
      }
      case 'const':
      case 'dataset': {
        const name = this.name(kwText === 'const' ? 'constantName' : 'datasetName');
        let value: A.Expr;
        if (this.eat(T.Equals)) value = this.expr();
        else {
          this.error(this.missingSpan(), 'NN002', 'expected', { expected: "'='", context: kwText, found: this.describe() });
          value = this.missing();
          if (!this.cur.nl) this.skipLine();
        }
        const kind = kwText === 'const' ? 'Const' : 'Dataset';
        return { kind, name, value, start, end: this.prevEnd };
      }
      case 'model': {
        const name = this.name('modelName');
        const body = this.body('model');
        return { kind: 'Model', name, body, start, end: this.prevEnd };
      }
      case 'block': {
        const name = this.name('blockName');
        const mark = this.pending.length;
        if (this.expect(T.LParen, 'blockParams')) {
          this.bracketDepth++;
          while (!this.at(T.RParen) && !this.at(T.EOF) && !this.at(T.LBrace) && !this.atDeclStart()) {
            const before = this.pos;
            const pn = this.name('paramName');
            if (pn) {
              let def: A.Expr | undefined;
              if (this.eat(T.Equals)) def = this.expr();
              this.pending.push({ kind: 'Param', name: pn, default: def, start: pn.start, end: this.prevEnd } satisfies A.Param);
            }
            if (!this.eat(T.Comma)) {
              if (!this.at(T.RParen)) {
                this.error(this.missingSpan(), 'NN002', 'expected', { expected: "',' or ')'", context: 'blockParams', found: this.describe() });
                while (!this.at(T.RParen) && !this.at(T.Comma) && !this.at(T.LBrace) && !this.at(T.EOF) && !this.atDeclStart()) this.next();
                this.eat(T.Comma);
              }
            }
            if (this.pos === before) this.next();
          }
          this.bracketDepth--;
          this.expect(T.RParen, 'blockParams');
        }
        const params = this.cut<A.Param>(mark);
        const body = this.body('block');
        return { kind: 'Block', name, params, body, start, end: this.prevEnd };
      }
      default: {
        // 'train'
        const name = this.name('trainName');
        const openStart = this.cur.start;
        const openEnd = this.cur.end;
        const opened = this.expect(T.LBrace, 'train');
        const mark = this.pending.length;
        let closed = false;
        if (opened) {
          while (!this.at(T.EOF)) {
            this.skipSeparators();
            if (this.eat(T.RBrace)) {
              closed = true;
              break;
            }
            if (this.atDeclStart() || this.at(T.EOF)) break;
            const e = this.entry();
            if (e) this.pending.push(e);
          }
          if (!closed) this.unclosed(openStart, openEnd, 'train', name);
        }
        const entries = this.cut<A.Entry>(mark);
        return {
          kind: 'Train',
          name,
          entries,
          lbrace: opened ? openStart : this.prevEnd,
          closed,
          start,
          end: this.prevEnd,
        };
      }
    }
  }

  private unclosed(start: number, end: number, what: string, name?: A.Ident) {
    this.error({ start, end }, 'NN006', 'unclosedBrace', { what, name: name?.text ?? '' });
  }

  private entry(): A.Entry | undefined {
    if (this.cur.kind === T.Ident && (!isKeyword(this.cur.text) || this.peek() === T.Colon)) {
      const after = this.peek();
      if (after === T.Colon) return this.setting();
      if (after === T.LParen) {
        const call = this.call();
        return { kind: 'CallEntry', call, start: call.start, end: call.end };
      }
      if (after === T.Equals) {
        // `epochs = 5`: a common slip; recover as a setting
        this.error({ start: this.ahead.start, end: this.ahead.end }, 'NN002', 'settingNeedsColon', { key: this.cur.text });
        return this.setting();
      }
      // the token after the key is on the next line: point at the key
      const span = this.ahead.nl || after === T.EOF ? this.here() : { start: this.ahead.start, end: this.ahead.end };
      this.error(span, 'NN002', 'expectedSetting', { key: this.cur.text, found: this.describe('ahead') });
      this.skipLine();
      return undefined;
    }
    this.error(this.here(), 'NN001', 'expectedEntry', { found: this.describe() });
    this.skipLine();
    return undefined;
  }

  /** `key: value`, or `key = value` (already reported): the key is the current token */
  private setting(): A.SettingEntry {
    const start = this.cur.start;
    const key = this.word();
    this.next(); // ':' or '='
    const value = this.expr();
    return { kind: 'Setting', key, value, start, end: this.prevEnd };
  }

  private body(owner: string): A.Body {
    const start = this.cur.start;
    const openEnd = this.cur.end;
    if (!this.eat(T.LBrace)) {
      this.error(this.missingSpan(), 'NN002', 'expected', { expected: "'{'", context: owner, found: this.describe() });
      return { kind: 'Body', stmts: NO_ITEMS as A.Stmt[], closed: false, start: this.prevEnd, end: this.prevEnd };
    }
    if (this.depth >= MAX_DEPTH) {
      this.error({ start, end: openEnd }, 'NN007', 'tooDeep', { max: MAX_DEPTH });
      this.skipBalanced(1);
      return { kind: 'Body', stmts: NO_ITEMS as A.Stmt[], closed: true, start, end: this.prevEnd };
    }
    this.depth++;
    const mark = this.pending.length;
    let closed = false;
    while (!this.at(T.EOF)) {
      this.skipSeparators();
      if (this.eat(T.RBrace)) {
        closed = true;
        break;
      }
      if (this.atDeclStart() || this.at(T.EOF)) break;
      const s = this.stmt();
      if (s) this.pending.push(s);
    }
    this.depth--;
    const stmts = this.cut<A.Stmt>(mark);
    if (!closed) this.unclosed(start, openEnd, owner);
    return { kind: 'Body', stmts, closed, start, end: this.prevEnd };
  }

  private stmt(): A.Stmt | undefined {
    if (this.cur.kind !== T.Ident) {
      this.error(this.here(), 'NN001', 'expectedLayer', { found: this.describe() });
      this.skipLine();
      return undefined;
    }
    const word = this.cur.text;
    const start = this.cur.start;
    const end = this.cur.end;
    switch (word) {
      case 'input': {
        this.next();
        const shape = this.expr();
        return { kind: 'Input', shape, start, end: this.prevEnd };
      }
      case 'residual': {
        this.next();
        const body = this.body('residual');
        let shortcutKeyword: A.Node | undefined;
        let shortcut: A.Body | undefined;
        if (this.atWord('shortcut')) {
          shortcutKeyword = this.here();
          this.next();
          shortcut = this.body('shortcut');
        }
        return { kind: 'Residual', body, shortcutKeyword, shortcut, start, end: this.prevEnd };
      }
      case 'repeat': {
        this.next();
        const count = this.at(T.LBrace) ? this.missingHere('repeatCount') : this.expr();
        const body = this.body('repeat');
        return { kind: 'Repeat', count, body, start, end: this.prevEnd };
      }
      case 'parallel':
        return this.parallel();
      case 'shortcut':
      case 'branch':
        this.error(this.here(), 'NN112', 'keywordOutOfPlace', { word });
        this.next();
        if (this.at(T.LBrace)) this.skipBalanced();
        return undefined;
    }
    if (isKeyword(word)) {
      this.error(this.here(), 'NN112', 'keywordOutOfPlace', { word });
      this.skipLine();
      return undefined;
    }
    if (this.peek() === T.LParen) return this.call();
    // `flatten` without parentheses: report and keep it as a call so analysis goes on
    const e = this.error(this.here(), 'NN008', 'callNeedsParens', { name: word });
    if (e) e.fix = { msg: { id: 'fixInsert', args: { text: '()' } }, start: end, end, newText: '()' };
    this.next();
    const call: A.CallExpr = { kind: 'Call', callee: word, args: NO_ITEMS as A.Arg[], argsStart: end, argsEnd: end, closed: false, start, end };
    this.names.push(call);
    return call;
  }

  private parallel(): A.ParallelStmt {
    const start = this.cur.start;
    this.next();
    let mode: A.Ident | undefined;
    if (this.cur.kind === T.Ident && !this.cur.nl && !isKeyword(this.cur.text)) mode = this.ident();
    const mark = this.pending.length;
    const openStart = this.cur.start;
    const openEnd = this.cur.end;
    const opened = this.expect(T.LBrace, 'parallel');
    let closed = false;
    if (opened) {
      while (!this.at(T.EOF)) {
        this.skipSeparators();
        if (this.eat(T.RBrace)) {
          closed = true;
          break;
        }
        if (this.atDeclStart() || this.at(T.EOF)) break;
        if (this.atWord('branch')) {
          const bStart = this.cur.start;
          this.next();
          const body = this.body('branch');
          this.pending.push({ kind: 'Branch', body, start: bStart, end: this.prevEnd } satisfies A.Branch);
          continue;
        }
        this.error(this.here(), 'NN001', 'expectedBranch', { found: this.describe() });
        this.skipLine();
      }
      if (!closed) this.unclosed(openStart, openEnd, 'parallel');
    }
    const branches = this.cut<A.Branch>(mark);
    return {
      kind: 'Parallel',
      mode,
      branches,
      lbrace: opened ? openStart : this.prevEnd,
      closed,
      start,
      end: this.prevEnd,
    };
  }

  // ---- expressions ----
  private missing(): A.MissingExpr {
    return { kind: 'Missing', start: this.prevEnd, end: this.prevEnd };
  }
  private missingHere(context: string): A.MissingExpr {
    this.error(this.missingSpan(), 'NN002', 'expectedValue', { context, found: this.describe() });
    return this.missing();
  }

  /** Can a binary operator on the current token continue the expression? Not across a line break outside brackets. */
  private continues(): boolean {
    return !this.cur.nl || this.bracketDepth > 0;
  }

  expr(): A.Expr {
    if (this.depth >= MAX_DEPTH) {
      const start = this.cur.start;
      const k = this.cur.kind;
      this.error(this.here(), 'NN007', 'tooDeep', { max: MAX_DEPTH });
      if (k === T.LParen || k === T.LBracket || k === T.LBrace) this.skipBalanced();
      else this.next();
      return { kind: 'Missing', start, end: this.prevEnd };
    }
    this.depth++;
    let left = this.term();
    while ((this.at(T.Plus) || this.at(T.Minus)) && this.continues()) {
      const op = this.cur.text as '+' | '-';
      this.next();
      const right = this.term();
      left = { kind: 'Binary', op, left, right, start: left.start, end: right.end };
    }
    this.depth--;
    return left;
  }

  private term(): A.Expr {
    let left = this.unary();
    while ((this.at(T.Star) || this.at(T.Slash)) && this.continues()) {
      const op = this.cur.text as '*' | '/';
      this.next();
      const right = this.unary();
      left = { kind: 'Binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): A.Expr {
    if (this.at(T.Minus) || this.at(T.Plus)) {
      const op = this.cur.text as '-' | '+';
      const start = this.cur.start;
      this.next();
      if (this.depth >= MAX_DEPTH) return this.expr();
      this.depth++;
      const arg = this.unary();
      this.depth--;
      return { kind: 'Unary', op, arg, start, end: arg.end };
    }
    return this.primary();
  }

  private tryExpr(): A.Expr {
    const start = this.cur.start;
    this.next();
    if (this.depth >= MAX_DEPTH) return this.primary();
    this.depth++;
    const values = this.primary();
    this.depth--;
    return { kind: 'Try', values, start, end: values.end };
  }

  private primary(): A.Expr {
    const start = this.cur.start;
    const end = this.cur.end;
    const text = this.cur.text;
    switch (this.cur.kind) {
      case T.Number: {
        const bad = this.cur.bad;
        const value = this.cur.num; // converted once, by the lexer
        this.next();
        // a malformed number was reported by the lexer; it has no value to check further
        if (bad) return { kind: 'Missing', start, end };
        return { kind: 'Number', value, start, end };
      }
      case T.String:
        this.next();
        return { kind: 'String', value: text, start, end };
      case T.Ident: {
        if (text === 'true' || text === 'false') {
          this.next();
          return { kind: 'Bool', value: text === 'true', start, end };
        }
        if (this.cur.nl && this.bracketDepth === 0 && this.pos > 0 && DECL_KEYWORDS.has(text)) return this.missingHere('value');
        // `try [..]`, `try uniform(..)`: values to try; `try` alone (or before a new line) is a name
        if (text === 'try' && (this.peek() === T.LBracket || this.peek() === T.Ident) && !this.ahead.nl) return this.tryExpr();
        if (this.peek() === T.LParen) return this.call();
        this.next();
        const ref: A.NameRef = { kind: 'Name', text, start, end };
        this.names.push(ref);
        return ref;
      }
      case T.LBracket:
        return this.list();
      case T.LParen: {
        this.next();
        this.bracketDepth++;
        const inner = this.expr();
        this.bracketDepth--;
        this.expect(T.RParen, 'parenthesis');
        return { kind: 'Paren', expr: inner, start, end: this.prevEnd };
      }
      case T.Bad: {
        // the lexer already reported it
        this.next();
        return { kind: 'Missing', start, end };
      }
      default:
        return this.missingHere('value');
    }
  }

  private list(): A.ListExpr {
    const start = this.cur.start;
    const openEnd = this.cur.end;
    this.next();
    const mark = this.pending.length;
    this.bracketDepth++;
    while (!this.at(T.RBracket)) {
      if (this.at(T.EOF) || this.at(T.RBrace) || this.atDeclStart()) break;
      const before = this.pos;
      this.pending.push(this.expr());
      if (!this.eat(T.Comma)) {
        if (this.at(T.RBracket)) break;
        // the next line is not part of this list: it was never closed (reported below)
        if (this.cur.nl) break;
        this.error(this.missingSpan(), 'NN002', 'expected', { expected: "',' or ']'", context: 'list', found: this.describe() });
        // skip to the next ',' or ']' on this line
        while (!this.at(T.Comma) && !this.at(T.RBracket) && !this.at(T.EOF) && !this.at(T.RBrace) && !this.cur.nl) {
          if (this.at(T.LParen) || this.at(T.LBracket)) this.skipBalanced();
          else this.next();
        }
        if (!this.eat(T.Comma) && !this.at(T.RBracket)) break;
      }
      if (this.pos === before) this.next();
    }
    this.bracketDepth--;
    const items = this.cut<A.Expr>(mark);
    if (!this.eat(T.RBracket)) this.error({ start, end: openEnd }, 'NN002', 'unclosedBracket', { bracket: "'['" });
    return { kind: 'List', items, start, end: this.prevEnd };
  }

  private call(): A.CallExpr {
    const start = this.cur.start;
    const callee = this.word();
    const openEnd = this.cur.end;
    // made before its arguments, to be listed before the names in them (ParsedFile.names is in
    // source order); the fields after its name are filled in at the end
    const call: A.CallExpr = { kind: 'Call', callee, args: NO_ITEMS as A.Arg[], argsStart: openEnd, argsEnd: openEnd, closed: false, start, end: openEnd };
    this.names.push(call);
    this.next(); // '('
    const mark = this.pending.length;
    let closed = false;
    this.bracketDepth++;
    while (!this.at(T.EOF)) {
      if (this.eat(T.RParen)) {
        closed = true;
        break;
      }
      if (this.at(T.RBrace) || this.atDeclStart()) break;
      const before = this.pos;
      let name: string | undefined;
      const nameStart = this.cur.start;
      if (this.cur.kind === T.Ident && this.peek() === T.Colon) {
        name = this.word();
        this.next();
      }
      const value = name !== undefined && (this.at(T.Comma) || this.at(T.RParen)) ? this.missingHere('argument') : this.expr();
      this.pending.push(name === undefined ? value : ({ kind: 'Arg', name, value, start: nameStart, end: value.end } satisfies A.NamedArg));
      if (!this.eat(T.Comma)) {
        if (this.at(T.RParen)) continue;
        // the next line is not part of these arguments: the call was never closed (reported below)
        if (this.cur.nl) break;
        this.error(this.missingSpan(), 'NN002', 'expected', { expected: "',' or ')'", context: 'arguments', found: this.describe() });
        // skip to the next ',' or ')' on this line
        while (!this.at(T.Comma) && !this.at(T.RParen) && !this.at(T.EOF) && !this.at(T.RBrace) && !this.cur.nl) {
          if (this.at(T.LParen) || this.at(T.LBracket)) this.skipBalanced();
          else this.next();
        }
        if (!this.eat(T.Comma) && !this.at(T.RParen)) break;
      }
      if (this.pos === before) this.next();
    }
    this.bracketDepth--;
    call.args = this.cut<A.Arg>(mark);
    call.argsEnd = closed ? this.prevStart : this.prevEnd;
    call.closed = closed;
    call.end = this.prevEnd;
    if (!closed) this.error({ start, end: openEnd }, 'NN002', 'unclosedCall', { name: call.callee });
    return call;
  }
}
