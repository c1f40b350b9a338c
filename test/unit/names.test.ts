// walkNames (core/names.ts) goes through the parser's list of names instead of the tree. Here a
// walk of the tree, written the plain way, is the reference: both must visit the same names with
// the same targets (a declaration, a block parameter), in the same order, for the samples and
// for broken text (unclosed blocks and calls, stray braces, names everywhere).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as A from '../../server/src/core/syntax/ast';
import { Program, type SourceFile } from '../../server/src/core/program';
import { walkNames, type Named } from '../../server/src/core/names';
import { LAYER_BY_NAME } from '../../server/src/core/catalog/layers';
import { MemoryHost } from '../helpers';
import { mulberry32 } from '../gen/random-models';

type Visit = [Named, A.NamedDecl | A.Param | undefined];

/** The names of the tree that refer to something, by walking it. */
function treeWalk(program: Program, file: SourceFile): Visit[] {
  const out: Visit[] = [];
  const name = (id: Named, params?: Map<string, A.Param>) => {
    const p = params?.get(id.text);
    if (p) return void out.push([id, p]);
    const sym = program.lookup(file.path, id.text);
    if (sym) out.push([id, sym.decl]);
  };
  const expr = (e: A.Expr, params?: Map<string, A.Param>): void => {
    if (e.kind === 'Name') name(e, params);
    else if (e.kind === 'Call') {
      if (!LAYER_BY_NAME.has(e.callee)) name({ text: e.callee, ...A.calleeSpan(e) }, params);
      for (const a of e.args) expr(A.argValue(a), params);
    } else if (e.kind === 'List') for (const i of e.items) expr(i, params);
    else if (e.kind === 'Unary') expr(e.arg, params);
    else if (e.kind === 'Binary') {
      expr(e.left, params);
      expr(e.right, params);
    } else if (e.kind === 'Paren') expr(e.expr, params);
    else if (e.kind === 'Try') expr(e.values, params);
  };
  const stmts = (ss: A.Stmt[], params?: Map<string, A.Param>): void => {
    for (const s of ss) {
      if (s.kind === 'Input') expr(s.shape, params);
      else if (s.kind === 'Call') expr(s, params);
      else if (s.kind === 'Repeat') {
        expr(s.count, params);
        stmts(s.body.stmts, params);
      } else if (s.kind === 'Residual') {
        stmts(s.body.stmts, params);
        if (s.shortcut) stmts(s.shortcut.stmts, params);
      } else for (const b of s.branches) stmts(b.body.stmts, params);
    }
  };
  for (const d of file.parsed.decls) {
    if (d.kind === 'Const' || d.kind === 'Dataset') expr(d.value);
    else if (d.kind === 'Model') stmts(d.body.stmts);
    else if (d.kind === 'Block') {
      for (const p of d.params) if (p.default) expr(p.default);
      stmts(d.body.stmts, new Map(d.params.map((p) => [p.name.text, p])));
    } else if (d.kind === 'Train') for (const e of d.entries) expr(e.kind === 'Setting' ? e.value : e.call);
  }
  return out;
}

function listWalk(program: Program, file: SourceFile): Visit[] {
  const out: Visit[] = [];
  walkNames(program, file, (id, decl, param) => out.push([id, param ? param.param : decl?.decl]));
  return out;
}

function check(text: string, label: string): void {
  const host = new MemoryHost();
  host.files.set('/w/a.nn', text);
  const program = new Program(host);
  const file = program.file('/w/a.nn')!;
  const expected = treeWalk(program, file);
  const actual = listWalk(program, file);
  assert.equal(actual.length, expected.length, label);
  actual.forEach(([id, target], i) => {
    const e = expected[i][0];
    assert.deepEqual([id.text, id.start, id.end], [e.text, e.start, e.end], `${label}: name ${i}`);
    assert.equal(target, expected[i][1], `${label}: target of '${id.text}'`);
  });
}

describe('names', () => {
  it('walkNames visits what a walk of the tree visits, for each sample', () => {
    const dir = path.join(__dirname, '..', '..', 'samples');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.nn'))) check(fs.readFileSync(path.join(dir, f), 'utf8'), f);
  });

  it('and for 3,000 random broken texts of blocks, models and names', () => {
    const r = mulberry32(11);
    const pieces = [
      'block b(x, y = 2) {',
      'block c(x) {',
      'block e(x = y, y = x) {',
      'model M {',
      'const x = 3',
      'const y = x * 2',
      'dataset d = spiral(n: x)',
      'train t {',
      'model: M',
      'data: d',
      'input [x, 4]',
      'dense(x)',
      'dense(y, activation: relu)',
      'b(x)',
      'c(y)',
      'repeat x {',
      'residual {',
      'shortcut {',
      'parallel concat {',
      'branch {',
      '}',
      '{',
      '(',
      ')',
      'x',
      'y',
      'b',
      '[x, y]',
      '-x',
      '\n',
      '\n',
      '\n',
    ];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = 1 + Math.floor(r() * 40);
      for (let j = 0; j < n; j++) s += pieces[Math.floor(r() * pieces.length)] + (r() < 0.5 ? '\n' : ' ');
      check(s, JSON.stringify(s));
    }
  });
});
