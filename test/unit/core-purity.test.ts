// The core's purity (ARCHITECTURE invariant 1) as the compiler enforces it: server/src/core is
// its own TypeScript project (server/src/core/tsconfig.json) without Node or DOM types and with
// its folder as rootDir, so a file it imports from outside the core, by any relative path, is an
// error. These tests compile small files against a copy of that project's configuration
// (node_modules linked, so Node's types could be found if the configuration let them in).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/** Error codes (TSnnnn) and the files they are in, for core files written into a copy of the tree. */
function compile(files: Record<string, string>): { code: number; file: string }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-core-purity-'));
  try {
    fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const core = path.join(dir, 'server/src/core');
    fs.mkdirSync(core, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'server/src/core/tsconfig.json'), path.join(core, 'tsconfig.json'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const configPath = path.join(core, 'tsconfig.json');
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    assert.equal(read.error, undefined);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, core, undefined, configPath);
    assert.deepEqual(parsed.errors, []);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    return ts.getPreEmitDiagnostics(program).map((d) => ({ code: d.code, file: d.file ? path.relative(dir, d.file.fileName) : '' }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const CLEAN = `import { twice } from './text';\nexport const four: number = twice(2);\n`;
const TEXT = `export function twice(n: number): number { return 2 * n; }\n`;

describe('core purity (the compiler)', function () {
  this.timeout(60_000);

  it('a core file importing core files compiles', () => {
    assert.deepEqual(compile({ 'server/src/core/a.ts': CLEAN, 'server/src/core/text.ts': TEXT }), []);
  });

  it('an import from outside the core is an error, at any depth (../../runtime/tf from core/catalog/)', () => {
    const runtime = { 'server/src/runtime/tf.ts': 'export const tf = 1;\n' };
    const deep = compile({ ...runtime, 'server/src/core/catalog/a.ts': `import { tf } from '../../runtime/tf';\nexport const x = tf;\n` });
    assert.ok(deep.some((d) => d.code === 6059 && d.file === 'server/src/core/catalog/a.ts'), JSON.stringify(deep));
    const typeOnly = compile({ ...runtime, 'server/src/core/a.ts': `import type { tf } from '../runtime/tf';\nexport type X = typeof tf;\n` });
    assert.ok(typeOnly.some((d) => d.code === 6059), `a type-only import too: ${JSON.stringify(typeOnly)}`);
  });

  it("Node's globals and modules are errors", () => {
    const found = compile({ 'server/src/core/a.ts': `export const a = process.argv;\nexport const b = Buffer.from('x');\nexport const c = require('fs');\n` });
    assert.deepEqual(found.map((d) => d.code), [2591, 2591, 2591], JSON.stringify(found));
    const fsImport = compile({ 'server/src/core/a.ts': `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n` });
    assert.ok(fsImport.some((d) => d.code === 2307 || d.code === 2591), JSON.stringify(fsImport));
  });

  it("the DOM's globals are errors", () => {
    const found = compile({ 'server/src/core/a.ts': `export const a = document.title;\nexport const b = window;\nexport const c = console;\n` });
    assert.equal(found.length, 3, JSON.stringify(found));
  });
});
