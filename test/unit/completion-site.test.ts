// What completion offers, decided in the core (core/completion.ts) from the text and the program,
// without an editor: the kind of place, which files a path string takes (from the parameter the
// string is for, in the catalogue), files listed through the host; and signature help's active
// parameter, one routine for catalogue functions and blocks (core/cursor.ts).

import { strict as assert } from 'node:assert';
import { Program } from '../../server/src/core/program';
import { completionSite, pathCandidates } from '../../server/src/core/completion';
import { activeParam, calleeOf, enclosingCall } from '../../server/src/core/cursor';
import { pathAt } from '../../server/src/core/syntax/walk';
import { MemoryHost, MAIN } from '../helpers';

const FILES: Record<string, string> = {
  '/w/lib.nn': 'block pair(a, b = 2) {\n  dense(a)\n}\n',
  '/w/data/points.csv': 'a,y\n1,0\n',
  '/w/data/notes.txt': 'x\n',
  '/w/data/train-images-idx3-ubyte': '',
  '/w/data/pics/cat/1.png': '',
  '/w/.hidden.nn': '',
};

/** The program with `marked` (| is the cursor) as /w/main.nn beside FILES, and the cursor's offset. */
function at(marked: string): { program: Program; offset: number; host: MemoryHost } {
  const offset = marked.indexOf('|');
  const host = new MemoryHost(new Map(Object.entries(FILES)));
  host.files.set(MAIN, marked.replace('|', ''));
  const program = new Program(host);
  program.loadWithImports(MAIN);
  return { program, offset, host };
}

function site(marked: string) {
  const { program, offset } = at(marked);
  return completionSite(program.file(MAIN)!, offset, program).site;
}

function paths(marked: string): string[] {
  const { program, offset, host } = at(marked);
  const s = completionSite(program.file(MAIN)!, offset, program).site;
  return s.kind === 'path' ? pathCandidates(s, host, MAIN).map((c) => c.label).sort() : [`(${s.kind})`];
}

describe('core: completion sites', () => {
  it('the kind of place: statements, settings, declarations, arguments, values', () => {
    assert.deepEqual(site('model M {\n  |\n}\n'), { kind: 'statements', first: true });
    assert.deepEqual(site('model M {\n  input [2]\n  |\n}\n'), { kind: 'statements', first: false });
    assert.equal(site('train t {\n  |\n}\n').kind, 'settings');
    assert.equal(site('|\n').kind, 'declarations');
    assert.equal(site('model M {\n  input [2]\n  parallel concat {\n    |\n  }\n}\n').kind, 'branch');
    const args = site('model M {\n  input [2]\n  dense(|)\n}\n');
    assert.ok(args.kind === 'arguments' && args.callee.kind === 'spec' && args.callee.spec.name === 'dense');
    const value = site('model M {\n  input [2]\n  dense(3, activation: |)\n}\n');
    assert.ok(value.kind === 'values' && value.type.t === 'enum' && value.owner?.name === 'dense');
    assert.deepEqual(site('model M {\n  input [2]\n  dense(3 x|)\n}\n'), { kind: 'none' });
  });

  it("a string offers the files its parameter takes: the catalogue's path types, through the host", () => {
    assert.deepEqual(paths('import "|"\n'), ['data/', 'lib.nn'], 'not itself, nothing hidden');
    assert.deepEqual(paths('dataset d = csv("data/|", label: "y")\n'), ['notes.txt', 'pics/', 'points.csv']);
    assert.deepEqual(paths('dataset d = text_csv("data/|")\n'), ['notes.txt', 'pics/', 'points.csv'], 'text_csv reads CSV too');
    assert.deepEqual(paths('dataset d = idx("data/|", "x")\n'), ['pics/', 'train-images-idx3-ubyte']);
    assert.deepEqual(paths('dataset d = image_folder("data/|")\n'), ['pics/'], 'a folder argument: folders only');
    assert.deepEqual(paths('dataset d = csv("data/points.csv", label: "|")\n'), ['(none)'], 'a column name is not a path');
    assert.deepEqual(paths('model M {\n  input [2]\n  dense(3, activation: "|")\n}\n'), ['(none)']);
  });

  it('signature help has one active-parameter routine, for catalogue functions and blocks alike', () => {
    const active = (marked: string) => {
      const { program, offset } = at(marked);
      const nodes = pathAt(program.file(MAIN)!.parsed, offset);
      const i = enclosingCall(nodes, offset)!;
      return activeParam(calleeOf(nodes, i, program, MAIN), nodes[i] as never, offset);
    };
    const block = (call: string) => `import "lib.nn"\nmodel M {\n  input [2]\n  ${call}\n}\n`;
    assert.equal(active(block('pair(|)')), 0);
    assert.equal(active(block('pair(1, |)')), 1);
    assert.equal(active(block('pair(b: 3|)')), 1);
    assert.equal(active(block('pair(1, 2, |)')), 2, 'past the last parameter');
    assert.equal(active(block('dense(4, activation: rel|)')), 1);
    assert.equal(active(block('dense(|)')), 0);
    assert.equal(active(block('nothing(|)')), undefined);
  });
});
