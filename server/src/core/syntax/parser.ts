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
//   call     := NAME '(' (arg ',')* ')'     arg := (NAME ':')? expr
// Statements and entries need no separator; ';' and ',' between them are accepted.

import { Lexer, T, type Token, tokenName, isKeyword } from './lexer';
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
  /** names used as values and callees, as they are made (ParsedFile.names) */
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
  private cur: Token;
  private ahead: Token | undefined;
  private prev: Token | undefined;
  /**
   * Items of the lists being parsed (arguments, list items, statements, entries), a nested list's
   * above its parent's. A finished list is cut out at its exact length: an array grown by push
   * keeps room for 16 items, and the tree keeps every one alive (0.5 MB per 10k lines).
   */
  private readonly pending: unknown[] = [];

  constructor(private readonly lexer: Lexer) {
    this.cur = lexer.next();
  }

  // ---- token helpers ----
  private get tok(): Token {
    return this.cur;
  }
  /** the token after the current one */
  private peek(): Token {
    if (!this.ahead) this.ahead = this.cur.kind === T.EOF ? this.cur : this.lexer.next();
    return this.ahead;
  }
  private get prevEnd(): number {
    return this.prev ? this.prev.end : 0;
  }
  private next(): Token {
    const t = this.cur;
    if (t.kind !== T.EOF) {
      this.prev = t;
      this.cur = this.ahead ?? this.lexer.next();
      this.ahead = undefined;
      this.pos++;
    }
    return t;
  }
  private at(kind: T): boolean {
    return this.tok.kind === kind;
  }
  private atWord(word: string): boolean {
    return this.tok.kind === T.Ident && this.tok.text === word;
  }
  private eat(kind: T): Token | undefined {
    return this.at(kind) ? this.next() : undefined;
  }
  /** A declaration keyword at the start of a line: where a missing '}' is assumed. */
  private atDeclStart(): boolean {
    // `model: X` inside train is a setting, not a declaration
    return this.tok.kind === T.Ident && this.tok.nl && DECL_KEYWORDS.has(this.tok.text) && this.peek().kind !== T.Colon;
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
    const t = this.tok;
    if (t.kind === T.EOF || t.nl) {
      const prev = this.prev;
      return prev ? { start: prev.start, end: prev.end } : { start: t.start, end: t.end };
    }
    return { start: t.start, end: t.end };
  }

  private describe(t: Token): string {
    if (t.kind === T.Ident) return `'${t.text}'`;
    if (t.kind === T.Number) return `'${t.text}'`;
    if (t.kind === T.String) return 'a string';
    return tokenName(t.kind);
  }

  private expect(kind: T, what: string): Token | undefined {
    const t = this.eat(kind);
    if (!t) this.error(this.missingSpan(), 'NN002', 'expected', { expected: tokenName(kind), context: what, found: this.describe(this.tok) });
    return t;
  }

  /** Skip a balanced group starting at the current opening bracket (or inside one already opened: level 1). */
  /** Skip a bracketed group; one never closed ends at a declaration keyword at a line start (it would swallow the file). */
  private skipBalanced(level = 0): void {
    const startPos = this.pos;
    do {
      const k = this.tok.kind;
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
      if (this.pos > startPos && this.tok.nl) return;
      if (this.at(T.RBrace)) return;
      if (this.at(T.LBrace) || this.at(T.LParen) || this.at(T.LBracket)) {
        this.skipBalanced();
        continue;
      }
      this.next();
    }
  }

  private name(context: string): A.Ident | undefined {
    const t = this.tok;
    if (t.kind === T.Ident && !isKeyword(t.text)) {
      this.next();
      return { kind: 'Ident', text: t.text, start: t.start, end: t.end };
    }
    if (t.kind === T.Ident && isKeyword(t.text) && !t.nl) {
      this.error(t, 'NN111', 'keywordAsName', { word: t.text });
      this.next();
      return undefined;
    }
    this.error(this.missingSpan(), 'NN002', 'expectedName', { context, found: this.describe(t) });
    return undefined;
  }

  private ident(t: Token): A.Ident {
    return { kind: 'Ident', text: t.text, start: t.start, end: t.end };
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
      const t = this.tok;
      if (t.kind === T.Ident && DECL_KEYWORDS.has(t.text)) {
        decls.push(this.decl());
        continue;
      }
      this.error(t, 'NN001', 'expectedDeclaration', { found: this.describe(t) });
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
    const kw = this.next();
    const keyword = { start: kw.start, end: kw.end };
    switch (kw.text) {
      case 'import': {
        let path: A.StringLit | undefined;
        if (this.at(T.String)) {
          const s = this.next();
          path = { kind: 'String', value: s.text, start: s.start, end: s.end };
        } else {
          this.error(this.missingSpan(), 'NN002', 'expectedImportPath', { found: this.describe(this.tok) });
          if (!this.tok.nl) this.skipLine();
        }
        return { kind: 'Import', keyword, path, start: kw.start, end: this.prevEnd };
      }
      case 'const':
      case 'dataset': {
        const name = this.name(kw.text === 'const' ? 'constantName' : 'datasetName');
        let value: A.Expr;
        if (this.eat(T.Equals)) value = this.expr();
        else {
          this.error(this.missingSpan(), 'NN002', 'expected', { expected: "'='", context: kw.text, found: this.describe(this.tok) });
          value = this.missing();
          if (!this.tok.nl) this.skipLine();
        }
        const kind = kw.text === 'const' ? 'Const' : 'Dataset';
        return { kind, keyword, name, value, start: kw.start, end: this.prevEnd };
      }
      case 'model': {
        const name = this.name('modelName');
        const body = this.body('model');
        return { kind: 'Model', keyword, name, body, start: kw.start, end: this.prevEnd };
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
                this.error(this.missingSpan(), 'NN002', 'expected', { expected: "',' or ')'", context: 'blockParams', found: this.describe(this.tok) });
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
        return { kind: 'Block', keyword, name, params, body, start: kw.start, end: this.prevEnd };
      }
      default: {
        // 'train'
        const name = this.name('trainName');
        const open = this.expect(T.LBrace, 'train');
        const mark = this.pending.length;
        let closed = false;
        if (open) {
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
          if (!closed) this.unclosed(open, 'train', name);
        }
        const entries = this.cut<A.Entry>(mark);
        return {
          kind: 'Train',
          keyword,
          name,
          entries,
          lbrace: open ? open.start : this.prevEnd,
          closed,
          start: kw.start,
          end: this.prevEnd,
        };
      }
    }
  }

  private unclosed(open: { start: number; end: number }, what: string, name?: A.Ident) {
    this.error({ start: open.start, end: open.end }, 'NN006', 'unclosedBrace', { what, name: name?.text ?? '' });
  }

  private entry(): A.Entry | undefined {
    const t = this.tok;
    if (t.kind === T.Ident && (!isKeyword(t.text) || this.peek().kind === T.Colon)) {
      const after = this.peek();
      if (after.kind === T.Colon) {
        this.next();
        this.next();
        const value = this.expr();
        return { kind: 'Setting', key: this.ident(t), value, start: t.start, end: this.prevEnd };
      }
      if (after.kind === T.LParen) {
        const call = this.call();
        return { kind: 'CallEntry', call, start: call.start, end: call.end };
      }
      if (after.kind === T.Equals) {
        // `epochs = 5`: a common slip; recover as a setting
        this.error(after, 'NN002', 'settingNeedsColon', { key: t.text });
        this.next();
        this.next();
        const value = this.expr();
        return { kind: 'Setting', key: this.ident(t), value, start: t.start, end: this.prevEnd };
      }
      this.error(this.nl(after) ? t : after, 'NN002', 'expectedSetting', { key: t.text, found: this.describe(after) });
      this.skipLine();
      return undefined;
    }
    this.error(t, 'NN001', 'expectedEntry', { found: this.describe(t) });
    this.skipLine();
    return undefined;
  }

  private nl(t: Token): boolean {
    return t.nl || t.kind === T.EOF;
  }

  private body(owner: string): A.Body {
    const start = this.tok.start;
    const open = this.eat(T.LBrace);
    if (!open) {
      this.error(this.missingSpan(), 'NN002', 'expected', { expected: "'{'", context: owner, found: this.describe(this.tok) });
      return { kind: 'Body', stmts: NO_ITEMS as A.Stmt[], closed: false, start: this.prevEnd, end: this.prevEnd };
    }
    if (this.depth >= MAX_DEPTH) {
      this.error(open, 'NN007', 'tooDeep', { max: MAX_DEPTH });
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
    if (!closed) this.unclosed(open, owner);
    return { kind: 'Body', stmts, closed, start, end: this.prevEnd };
  }

  private stmt(): A.Stmt | undefined {
    const t = this.tok;
    if (t.kind !== T.Ident) {
      this.error(t, 'NN001', 'expectedLayer', { found: this.describe(t) });
      this.skipLine();
      return undefined;
    }
    const keyword = { start: t.start, end: t.end };
    switch (t.text) {
      case 'input': {
        this.next();
        const shape = this.expr();
        return { kind: 'Input', keyword, shape, start: t.start, end: this.prevEnd };
      }
      case 'residual': {
        this.next();
        const body = this.body('residual');
        let shortcutKeyword: A.Node | undefined;
        let shortcut: A.Body | undefined;
        if (this.atWord('shortcut')) {
          const s = this.next();
          shortcutKeyword = { start: s.start, end: s.end };
          shortcut = this.body('shortcut');
        }
        return { kind: 'Residual', keyword, body, shortcutKeyword, shortcut, start: t.start, end: this.prevEnd };
      }
      case 'repeat': {
        this.next();
        const count = this.at(T.LBrace) ? this.missingHere('repeatCount') : this.expr();
        const body = this.body('repeat');
        return { kind: 'Repeat', keyword, count, body, start: t.start, end: this.prevEnd };
      }
      case 'parallel':
        return this.parallel();
      case 'shortcut':
      case 'branch':
        this.error(t, 'NN112', 'keywordOutOfPlace', { word: t.text });
        this.next();
        if (this.at(T.LBrace)) this.skipBalanced();
        return undefined;
    }
    if (isKeyword(t.text)) {
      this.error(t, 'NN112', 'keywordOutOfPlace', { word: t.text });
      this.skipLine();
      return undefined;
    }
    if (this.peek().kind === T.LParen) return this.call();
    // `flatten` without parentheses: report and keep it as a call so analysis goes on
    this.next();
    const e = this.error(t, 'NN008', 'callNeedsParens', { name: t.text });
    if (e) e.fix = { msg: { id: 'fixInsert', args: { text: '()' } }, start: t.end, end: t.end, newText: '()' };
    const callee = this.ident(t);
    this.names.push(callee);
    return {
      kind: 'Call',
      callee,
      args: NO_ITEMS as A.Arg[],
      argsStart: t.end,
      argsEnd: t.end,
      closed: false,
      start: t.start,
      end: t.end,
    };
  }

  private parallel(): A.ParallelStmt {
    const kw = this.next();
    const keyword = { start: kw.start, end: kw.end };
    let mode: A.Ident | undefined;
    if (this.tok.kind === T.Ident && !this.tok.nl && !isKeyword(this.tok.text)) mode = this.ident(this.next());
    const mark = this.pending.length;
    const open = this.expect(T.LBrace, 'parallel');
    let closed = false;
    if (open) {
      while (!this.at(T.EOF)) {
        this.skipSeparators();
        if (this.eat(T.RBrace)) {
          closed = true;
          break;
        }
        if (this.atDeclStart() || this.at(T.EOF)) break;
        if (this.atWord('branch')) {
          const b = this.next();
          const body = this.body('branch');
          this.pending.push({ kind: 'Branch', keyword: { start: b.start, end: b.end }, body, start: b.start, end: this.prevEnd } satisfies A.Branch);
          continue;
        }
        this.error(this.tok, 'NN001', 'expectedBranch', { found: this.describe(this.tok) });
        this.skipLine();
      }
      if (!closed) this.unclosed(open, 'parallel');
    }
    const branches = this.cut<A.Branch>(mark);
    return {
      kind: 'Parallel',
      keyword,
      mode,
      branches,
      lbrace: open ? open.start : this.prevEnd,
      closed,
      start: kw.start,
      end: this.prevEnd,
    };
  }

  // ---- expressions ----
  private missing(): A.MissingExpr {
    return { kind: 'Missing', start: this.prevEnd, end: this.prevEnd };
  }
  private missingHere(context: string): A.MissingExpr {
    this.error(this.missingSpan(), 'NN002', 'expectedValue', { context, found: this.describe(this.tok) });
    return this.missing();
  }

  /** Can a binary operator on this token continue the expression? Not across a line break outside brackets. */
  private continues(t: Token): boolean {
    return !t.nl || this.bracketDepth > 0;
  }

  expr(): A.Expr {
    if (this.depth >= MAX_DEPTH) {
      const t = this.tok;
      this.error(t, 'NN007', 'tooDeep', { max: MAX_DEPTH });
      if (t.kind === T.LParen || t.kind === T.LBracket || t.kind === T.LBrace) this.skipBalanced();
      else this.next();
      return { kind: 'Missing', start: t.start, end: this.prevEnd };
    }
    this.depth++;
    let left = this.term();
    while ((this.at(T.Plus) || this.at(T.Minus)) && this.continues(this.tok)) {
      const op = this.next().text as '+' | '-';
      const right = this.term();
      left = { kind: 'Binary', op, left, right, start: left.start, end: right.end };
    }
    this.depth--;
    return left;
  }

  private term(): A.Expr {
    let left = this.unary();
    while ((this.at(T.Star) || this.at(T.Slash)) && this.continues(this.tok)) {
      const op = this.next().text as '*' | '/';
      const right = this.unary();
      left = { kind: 'Binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): A.Expr {
    if (this.at(T.Minus) || this.at(T.Plus)) {
      const t = this.next();
      if (this.depth >= MAX_DEPTH) return this.expr();
      this.depth++;
      const arg = this.unary();
      this.depth--;
      return { kind: 'Unary', op: t.text as '-' | '+', arg, start: t.start, end: arg.end };
    }
    return this.primary();
  }

  private primary(): A.Expr {
    const t = this.tok;
    switch (t.kind) {
      case T.Number:
        this.next();
        // a malformed number was reported by the lexer; it has no value to check further
        if (t.bad) return { kind: 'Missing', start: t.start, end: t.end };
        return { kind: 'Number', value: t.value, start: t.start, end: t.end };
      case T.String:
        this.next();
        return { kind: 'String', value: t.text, start: t.start, end: t.end };
      case T.Ident: {
        if (t.text === 'true' || t.text === 'false') {
          this.next();
          return { kind: 'Bool', value: t.text === 'true', start: t.start, end: t.end };
        }
        if (t.nl && this.bracketDepth === 0 && this.pos > 0 && DECL_KEYWORDS.has(t.text)) return this.missingHere('value');
        if (this.peek().kind === T.LParen) return this.call();
        this.next();
        const ref: A.NameRef = { kind: 'Name', text: t.text, start: t.start, end: t.end };
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
        return { kind: 'Paren', expr: inner, start: t.start, end: this.prevEnd };
      }
      case T.Bad: {
        // the lexer already reported it
        this.next();
        return { kind: 'Missing', start: t.start, end: t.end };
      }
      default:
        return this.missingHere('value');
    }
  }

  private list(): A.ListExpr {
    const open = this.next();
    const mark = this.pending.length;
    this.bracketDepth++;
    while (!this.at(T.RBracket)) {
      if (this.at(T.EOF) || this.at(T.RBrace) || this.atDeclStart()) break;
      const before = this.pos;
      this.pending.push(this.expr());
      if (!this.eat(T.Comma)) {
        if (this.at(T.RBracket)) break;
        // the next line is not part of this list: it was never closed (reported below)
        if (this.tok.nl) break;
        this.error(this.missingSpan(), 'NN002', 'expected', { expected: "',' or ']'", context: 'list', found: this.describe(this.tok) });
        // skip to the next ',' or ']' on this line
        while (!this.at(T.Comma) && !this.at(T.RBracket) && !this.at(T.EOF) && !this.at(T.RBrace) && !this.tok.nl) {
          if (this.at(T.LParen) || this.at(T.LBracket)) this.skipBalanced();
          else this.next();
        }
        if (!this.eat(T.Comma) && !this.at(T.RBracket)) break;
      }
      if (this.pos === before) this.next();
    }
    this.bracketDepth--;
    const items = this.cut<A.Expr>(mark);
    if (!this.eat(T.RBracket)) this.error(open, 'NN002', 'unclosedBracket', { bracket: "'['" });
    return { kind: 'List', items, start: open.start, end: this.prevEnd };
  }

  private call(): A.CallExpr {
    const nameTok = this.next();
    // the callee before the names in the arguments: ParsedFile.names is in source order
    const callee = this.ident(nameTok);
    this.names.push(callee);
    const open = this.next(); // '('
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
      let name: A.Ident | undefined;
      if (this.tok.kind === T.Ident && this.peek().kind === T.Colon) {
        name = this.ident(this.next());
        this.next();
      }
      const value = name && (this.at(T.Comma) || this.at(T.RParen)) ? this.missingHere('argument') : this.expr();
      this.pending.push({ kind: 'Arg', name, value, start: name ? name.start : value.start, end: value.end } satisfies A.Arg);
      if (!this.eat(T.Comma)) {
        if (this.at(T.RParen)) continue;
        // the next line is not part of these arguments: the call was never closed (reported below)
        if (this.tok.nl) break;
        this.error(this.missingSpan(), 'NN002', 'expected', { expected: "',' or ')'", context: 'arguments', found: this.describe(this.tok) });
        // skip to the next ',' or ')' on this line
        while (!this.at(T.Comma) && !this.at(T.RParen) && !this.at(T.EOF) && !this.at(T.RBrace) && !this.tok.nl) {
          if (this.at(T.LParen) || this.at(T.LBracket)) this.skipBalanced();
          else this.next();
        }
        if (!this.eat(T.Comma) && !this.at(T.RParen)) break;
      }
      if (this.pos === before) this.next();
    }
    this.bracketDepth--;
    const args = this.cut<A.Arg>(mark);
    const argsEnd = closed ? this.prev!.start : this.prevEnd;
    if (!closed) this.error({ start: nameTok.start, end: open.end }, 'NN002', 'unclosedCall', { name: nameTok.text });
    return {
      kind: 'Call',
      callee,
      args,
      argsStart: open.end,
      argsEnd,
      closed,
      start: nameTok.start,
      end: this.prevEnd,
    };
  }
}
