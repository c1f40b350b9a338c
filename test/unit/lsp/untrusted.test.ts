// An untrusted workspace (the client says `initializationOptions.trusted: false`): imports and data
// probes read nothing outside the workspace folders, links out of them included, and a diagnostic
// says why and that trusting the workspace lifts it; `nn/trust` lifts it.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver';
import { TestClient } from '../../lsp-client';

describe('lsp: an untrusted workspace', function () {
  this.timeout(60_000);
  let c: TestClient;
  let outside: string;
  before(() => {
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nn-outside-')));
    fs.writeFileSync(path.join(outside, 'lib.nn'), 'block two(n) {\n  dense(n)\n}\n');
    fs.writeFileSync(path.join(outside, 'data.csv'), 'a,b,y\n1,2,0\n3,4,1\n');
  });
  after(() => fs.rmSync(outside, { recursive: true, force: true }));
  afterEach(() => c.dispose());

  const byLine = (ds: lsp.Diagnostic[]) => ds.map((d) => `${d.range.start.line} ${d.code} ${d.message}`).sort();

  it('reads no import or data outside its folders (nor through a link), says why; trusting it lifts that', async () => {
    const lib = path.join(outside, 'lib.nn');
    const main =
      `import "${lib}"\nimport "link.nn"\nimport "inside.nn"\nimport "${path.join(outside, 'nowhere.nn')}"\n` +
      `dataset d = csv("${path.join(outside, 'data.csv')}", label: "y")\ndataset e = csv("here.csv", label: "y")\n` +
      'model M {\n  input [2]\n  two(3)\n  one(2)\n}\ntrain t {\n  model: M\n  data: d\n  loss: cross_entropy\n  batch_size: 2\n}\ntrain u {\n  model: M\n  data: e\n  loss: cross_entropy\n  batch_size: 2\n}\n';
    c = await TestClient.start(
      { 'main.nn': main, 'inside.nn': 'block one(n) {\n  dense(n)\n}\n', 'here.csv': 'a,b,y\n1,2,0\n3,4,1\n' },
      { initializationOptions: { trusted: false }, prepare: (root) => fs.symlinkSync(lib, path.join(root, 'link.nn')) },
    );
    const uri = await c.open('main.nn');
    const ds = byLine(await c.diagnostics(uri));
    const why = 'is outside the workspace folders: an untrusted workspace reads no file outside them; trust the workspace to read it';
    assert.ok(ds.includes(`0 NN105 '${lib}' ${why}`), ds.join('\n'));
    assert.ok(ds.includes(`1 NN105 'link.nn' ${why}`), ds.join('\n'));
    // a file outside that does not exist is refused the same way: the answer does not tell
    assert.ok(ds.includes(`3 NN105 '${path.join(outside, 'nowhere.nn')}' ${why}`), ds.join('\n'));
    assert.ok(ds.some((d) => d.startsWith('4 NN416') && d.includes(`${path.join(outside, 'data.csv')}: outside the workspace folders: an untrusted workspace reads no data outside them; trust the workspace to read it`)), ds.join('\n'));
    assert.ok(!ds.some((d) => d.startsWith('2 ') || d.startsWith('5 ')), `the import and data inside are read: ${ds.join('\n')}`);
    await c.notify('nn/trust', { trusted: true });
    const after = byLine(await c.diagnosticsWhere(uri, (d) => !d.some((x) => String(x.message).includes('outside the workspace'))));
    // trusted: only the missing file is left
    assert.deepEqual(after, [`3 NN105 cannot find the file '${path.join(outside, 'nowhere.nn')}'`]);
  });

  it('completes no path outside its folders (the server listed any folder before)', async () => {
    c = await TestClient.start({ 'main.nn': '', 'inside.nn': '' }, { initializationOptions: { trusted: false } });
    const complete = async (text: string) => {
      const uri = await c.open('c.nn', text);
      const r = await c.request<lsp.CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: text.length - 1 } });
      await c.close(uri);
      return r.map((i) => i.label).sort();
    };
    assert.deepEqual(await complete(`import "${outside}/"`), []);
    assert.deepEqual(await complete(`dataset d = csv("${outside}/"`), []);
    assert.deepEqual(await complete('import "./"'), ['inside.nn', 'main.nn']);
    await c.notify('nn/trust', { trusted: true });
    assert.deepEqual(await complete(`import "${outside}/"`), ['lib.nn']);
  });

  it('a client that says nothing is trusted: files outside are read', async () => {
    c = await TestClient.start({ 'main.nn': `import "${path.join(outside, 'lib.nn')}"\nmodel M {\n  input [2]\n  two(3)\n}\n` });
    const uri = await c.open('main.nn');
    assert.deepEqual(await c.diagnostics(uri), []);
  });
});
