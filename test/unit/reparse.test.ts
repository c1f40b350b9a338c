// Reparsing after an edit keeps the declarations before the change and must give exactly what a
// parse from scratch gives: the same tree, comments and errors, for any edit of any file. Checked
// over seeded random edits of every sample (typing, deleting, pasting fragments that open or
// close braces, strings and comments), each edit applied to the previous result, as in an editor.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from '../../server/src/core/syntax/parser';
import { reparse, commonPrefix } from '../../server/src/core/syntax/reparse';
import { mulberry32 } from '../gen/random-models';

const SAMPLES = path.join(__dirname, '..', '..', 'samples');
const FRAGMENTS = ['x', ' ', '\n', '{', '}', '(', ')', '[', ']', ':', ',', '#', '"', '1', '.5', 'e', '_', 'model', '\nmodel M {\n', 'dense(4)', '\n}\n', 'const', 'train t {', 'block b(x) {', 'model: ', '\ufeff', '\r\n', '\t', '-', '@'];

function edit(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const r = random();
  if (r < 0.45) return text.slice(0, at) + FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] + text.slice(at);
  if (r < 0.8) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(random() * 12)));
  // move a piece of the text elsewhere (cut and paste)
  const len = Math.floor(random() * 80);
  const piece = text.slice(at, at + len);
  const rest = text.slice(0, at) + text.slice(at + len);
  const to = Math.floor(random() * (rest.length + 1));
  return rest.slice(0, to) + piece + rest.slice(to);
}

describe('reparse', () => {
  it('finds the common prefix of two texts, across its comparison chunks', () => {
    const a = 'x'.repeat(10_000);
    assert.equal(commonPrefix(a, a), 10_000);
    assert.equal(commonPrefix(a, a.slice(0, 5000) + 'y' + a.slice(5001)), 5000);
    assert.equal(commonPrefix(a, a.slice(0, 4096)), 4096);
    assert.equal(commonPrefix('', a), 0);
  });

  it('gives what a parse from scratch gives, over random edits of every sample', () => {
    const random = mulberry32(20261122);
    let resumed = 0;
    for (const name of fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.nn'))) {
      let text = fs.readFileSync(path.join(SAMPLES, name), 'utf8');
      let parsed = parse(text);
      for (let step = 0; step < 60; step++) {
        const next = edit(text, random);
        const incremental = reparse(parsed, next);
        const scratch = parse(next);
        assert.deepStrictEqual(incremental, scratch, `${name}, edit ${step}`);
        if (incremental.decls.length && parsed.decls.length && incremental.decls[0] === parsed.decls[0]) resumed++;
        text = next;
        parsed = incremental;
      }
    }
    // most edits keep at least the first declaration: the test exercises the resumed path
    assert.ok(resumed > 300, `only ${resumed} reparses kept declarations`);
  });

  it('keeps the declarations before the change as the same objects, and parses the rest again', () => {
    const text = 'const a = 1\n\nmodel M {\n  input [2]\n  dense(a)\n}\n\nmodel N {\n  input [3]\n  dense(2)\n}\n';
    const old = parse(text);
    const edited = text.replace('dense(2)', 'dense(5)');
    const r = reparse(old, edited);
    assert.equal(r.decls[0], old.decls[0]);
    assert.equal(r.decls[1], old.decls[1]);
    assert.notEqual(r.decls[2], old.decls[2]);
    // an edit in the second token of a declaration also reparses the one before it
    const renamed = reparse(old, text.replace('model N', 'model Q'));
    assert.equal(renamed.decls[0], old.decls[0]);
    assert.notEqual(renamed.decls[1], old.decls[1]);
  });

  it('does not resume where the declaration before looked past its end', () => {
    // `model` at a line start ends the open body of M only when no ':' follows it
    const text = 'model M {\n  input [2]\nmodel\nmodel N {\n}\n';
    const old = parse(text);
    const edited = text.replace('model N', ': N');
    assert.deepStrictEqual(reparse(old, edited), parse(edited));
  });

  it('parses from scratch when the error list was cut short', () => {
    const noise = '@ '.repeat(500);
    const text = `model M {\n  input [2]\n}\n${noise}\nmodel N {\n  input [2]\n}\n`;
    const old = parse(text);
    assert.ok(old.errors.some((e) => e.code === 'NN009'));
    const edited = text.replace('input [2]\n}\n\n', 'input [3]\n}\n\n');
    assert.deepStrictEqual(reparse(old, edited), parse(edited));
  });
});
