// The parser returns a tree and errors for any input, never throws, and recovers so that one
// pass reports independent errors and keeps the declarations after them.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from '../../server/src/core/syntax/parser';
import { lex, T } from '../../server/src/core/syntax/lexer';
import { mulberry32 } from '../gen/random-models';
import { analyzeText, namesListed } from '../helpers';
import { pathAt, allNodes } from '../../server/src/core/syntax/walk';

describe('lexer', () => {
  it('reads numbers in every written form', () => {
    const toks = lex('1 0.5 .5 1e-3 2.5E+2 60_000 3.').tokens.filter((t) => t.kind === T.Number);
    assert.deepEqual(
      toks.map((t) => t.value),
      [1, 0.5, 0.5, 0.001, 250, 60000, 3],
    );
  });
  it('reports a number glued to letters as one bad token', () => {
    const r = lex('3x3');
    assert.equal(r.tokens.length, 2);
    assert.equal(r.errors[0].code, 'NN005');
  });
  it('skips a byte-order mark and handles CRLF line breaks', () => {
    const r = parse('\uFEFFmodel M {\r\n  input [2]\r\n  dense(1)\r\n}\r\n');
    assert.deepEqual(r.errors, []);
    assert.equal(r.decls.length, 1);
  });
});

describe('parser', () => {
  it('parses the language sketch without errors', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'samples', 'resnet.nn'), 'utf8');
    assert.deepEqual(parse(text).errors, []);
  });

  it('lists every name used and every callee in source order, for each sample', () => {
    const dir = path.join(__dirname, '..', '..', 'samples');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.nn'))) {
      const r = parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.ok(r.names.length > 0, f);
      assert.ok(namesListed(r), f);
      assert.ok(r.names.every((n, i) => i === 0 || r.names[i - 1].start < n.start), f);
    }
  });

  it('keeps every declaration after syntax errors', () => {
    const r = parse('model A {\n  dense(3 4\n  relu(\n}\nmodel B {\n  input [2]\n}\ntrain t { model: B }\n');
    assert.deepEqual(
      r.decls.map((d) => d.kind),
      ['Model', 'Model', 'Train'],
    );
    assert.ok(r.errors.length >= 2, 'reports the independent errors');
  });

  it('reads statements separated by spaces, semicolons or commas', () => {
    const r = parse('model M { input [2]; dense(3), relu() dense(1) }');
    assert.deepEqual(r.errors, []);
    const m = r.decls[0];
    assert.ok(m.kind === 'Model' && m.body.stmts.length === 4);
  });

  it('never throws and always ends, on random bytes and token soup', () => {
    const rand = mulberry32(99);
    const pieces = ['model', 'block', 'train', 'dataset', 'const', 'import', 'input', 'residual', 'shortcut', 'parallel', 'branch', 'repeat', '{', '}', '(', ')', '[', ']', ',', ':', '=', '-', '*', '/', '"x', '"', '1', '2.5', 'dense', 'relu', 'x', '\n', ' ', '#c\n', '@', '1e', '\u00e9'];
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = Math.floor(rand() * 80);
      for (let j = 0; j < n; j++) {
        s += rand() < 0.2 ? String.fromCharCode(Math.floor(rand() * 0x3000)) : pieces[Math.floor(rand() * pieces.length)] + ' ';
      }
      const r = parse(s);
      assert.ok(Array.isArray(r.decls));
      assert.ok(namesListed(r), `the names list differs from the tree's names: ${JSON.stringify(s)}`);
      // analysis of broken text never throws either
      analyzeText(s);
    }
  });

  it('reports the first 200 syntax errors of a megabyte of noise, then where the rest begin', () => {
    // found by the fuzzer: a 1 MB line of names gave 209,718 errors and took the checker 3 s
    const noise = 'model M {\n' + 'ab_c '.repeat(2 ** 18);
    const r = parse(noise);
    assert.equal(r.errors.length, 201);
    const last = r.errors[200];
    assert.equal(last.code, 'NN009');
    assert.ok(r.errors.slice(0, 200).every((e) => e.start <= last.start));
    // the parser keeps only the errors that can still be among the first (sorted as it goes): the
    // unclosed '{', reported last but at the start, is still one of them
    assert.equal(r.errors[0].code, 'NN006');
    // the tree of 262,144 statements is walked without spreading them as arguments (a stack overflow in the server)
    assert.equal(pathAt(r, noise.length - 3).at(-1)?.kind, 'Ident');
    let nodes = 0;
    for (const _ of allNodes(r)) nodes++;
    assert.ok(nodes > 2 ** 18);
    const d = analyzeText(noise).diagnostics.find((x) => x.code === 'NN009');
    assert.match(d!.message, /^261,\d{3} more syntax errors from here on are not reported \(the first 200 are\)/);
  });

  it('a bracket never closed in text between declarations does not swallow the declarations after it', () => {
    // found by the incremental consistency test: a comment split by a line break left `watch the decdense(ision.`
    const r = parse('# Try fewer units\nand watch the decdense(ision boundary.\nmodel A {\n  input [2]\n  dense(3)\n}\ntrain t {\n  model: A\n}\n');
    assert.deepEqual(r.decls.map((d) => d.kind), ['Model', 'Train']);
    assert.deepEqual(r.errors.map((e) => e.code).sort(), ['NN001', 'NN004'], 'the text, and its stray full stop');
  });

  it('survives deep nesting without overflowing the stack', () => {
    const deep = 'model M { input [2] dense(' + '('.repeat(100_000) + ') }';
    const r = parse(deep);
    assert.ok(r.errors.some((e) => e.code === 'NN007'));
    const blocks = 'model M { input [2] ' + 'residual { '.repeat(5000) + '}'.repeat(5000) + ' }';
    assert.ok(parse(blocks).errors.some((e) => e.code === 'NN007'));
    analyzeText(blocks);
  });
});
