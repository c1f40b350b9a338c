// Security: what an untrusted workspace may do (the manifest), where runs may write, and that
// nothing in a .nn file runs code. The webviews' CSP, nonces and localResourceRoots are tested
// with the chart (chart-host.test.ts), the validation of every message from it in
// webview-events.test.ts; downloads over https only, checked against checksums, in
// data-builtin.test.ts.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { newRunDir, RunError } from '../../server/src/runtime/train/runs';
import { parse } from '../../server/src/core/syntax/parser';

const root = path.join(__dirname, '..', '..');

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: { commands: { command: string; enablement?: string }[]; menus: Record<string, { command: string; when?: string }[]>; configuration: { properties: Record<string, unknown> } };
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

describe('security', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

  it('untrusted workspaces: supported in a limited way; training, predicting and paths from settings off', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    for (const s of ['nn.train.nodePath', 'nn.python', 'nn.data.path']) assert.ok(u.restrictedConfigurations?.includes(s), s);
    // the commands that start a process or write files are enabled only in a trusted workspace
    const writes = manifest.contributes.commands.filter((c) => /^nn\.(train|predict)/.test(c.command));
    assert.ok(writes.length >= 2, writes.map((c) => c.command).join(', '));
    for (const c of writes) assert.equal(c.enablement, 'isWorkspaceTrusted', c.command);
    for (const items of Object.values(manifest.contributes.menus)) {
      for (const m of items) if (/^nn\.(train|predict)/.test(m.command)) assert.match(m.when ?? '', /isWorkspaceTrusted/, `menu item ${m.command}`);
    }
    // the client also refuses, for tasks and for commands run some other way (client/src/training.ts)
    const training = fs.readFileSync(path.join(root, 'client', 'src', 'training.ts'), 'utf8');
    assert.match(training, /provideTasks[\s\S]{0,200}if \(!vscode\.workspace\.isTrusted\) return \[\]/);
    assert.match(training, /resolveTask[\s\S]{0,200}!vscode\.workspace\.isTrusted\) return undefined/);
    // the server is told whether the workspace is trusted, at each start and when trust is granted
    // (what it then refuses: test/unit/lsp/untrusted.test.ts)
    const extension = fs.readFileSync(path.join(root, 'client', 'src', 'extension.ts'), 'utf8');
    assert.match(extension, /initializationOptions: \(\) => \(\{[^}]*trusted: vscode\.workspace\.isTrusted/);
    assert.match(extension, /onDidGrantWorkspaceTrust\(\(\) => void client\?\.sendNotification\(TrustNotification, \{ trusted: true \}/);
  });

  it('a run folder is always under the runs folder: a train name that is not an identifier is refused', () => {
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-runs-'));
    try {
      for (const bad of ['../x', '..', '/etc', 'a/b', 'a\\b', '', '.']) assert.throws(() => newRunDir(runs, bad), RunError, bad);
      assert.deepEqual(fs.readdirSync(runs), [], 'nothing made for a refused name');
      assert.equal(path.dirname(path.dirname(newRunDir(runs, 'ok_1'))), runs);
    } finally {
      fs.rmSync(runs, { recursive: true, force: true });
    }
    // and the language cannot write one: a train block's name is an identifier
    const r = parse('train ../x {\n}\n');
    assert.ok(r.errors.length > 0 && !r.decls.some((d) => d.kind === 'Train' && d.name?.text.includes('.')));
  });

  it('runs started in the same second each get a run folder of their own (it is created when named)', () => {
    // two processes started together both took the first free name, and wrote into one folder
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-runs-'));
    try {
      const now = new Date('2026-11-22T10:00:00Z');
      const dirs = [1, 2, 3].map(() => newRunDir(runs, 'same', now));
      assert.deepEqual(dirs.map((d) => path.basename(d)), ['2026-11-22T10-00-00', '2026-11-22T10-00-00-2', '2026-11-22T10-00-00-3']);
      for (const d of dirs) assert.ok(fs.statSync(d).isDirectory(), d);
    } finally {
      fs.rmSync(runs, { recursive: true, force: true });
    }
  });

  it('nn train --train ../x writes nothing anywhere', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-sec-'));
    try {
      const file = path.join(dir, 'a.nn');
      fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: circle(n: 50)\n  loss: cross_entropy\n  epochs: 1\n}\n');
      const err: string[] = [];
      const code = await main(['train', file, '--train', '../x', '--runs', path.join(dir, 'runs'), '--backend', 'cpu'], () => undefined, (s) => err.push(s));
      assert.equal(code, 2);
      assert.match(err.join('\n'), /has no train block '\.\.\/x'; it has 't'/);
      assert.deepEqual(fs.readdirSync(dir), ['a.nn']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a run folder file replaced by a symbolic link is not written through: the run stops, the target is unchanged', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-sec-'));
    try {
      const file = path.join(dir, 'a.nn');
      fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: circle(n: 50)\n  loss: cross_entropy\n  epochs: 1\n  seed: 1\n}\n');
      const out: string[] = [];
      assert.equal(await main(['train', file, '--runs', path.join(dir, 'runs'), '--backend', 'cpu', '--json'], (s) => out.push(s), () => undefined), 0);
      const runDir = (JSON.parse(out[0]) as { runDir: string }).runDir;
      const victim = path.join(dir, 'victim.txt');
      fs.writeFileSync(victim, 'precious\n');
      fs.rmSync(path.join(runDir, 'metrics.jsonl'));
      fs.symlinkSync(victim, path.join(runDir, 'metrics.jsonl'));
      const again: string[] = [];
      const code = await main(['train', '--resume', runDir, '--epochs', '2', '--backend', 'cpu', '--json'], (s) => again.push(s), () => undefined);
      assert.equal(code, 1);
      // refused when the resume reads it back, before anything is written (writes open with O_NOFOLLOW too)
      assert.match(again[again.length - 1], /metrics\.jsonl is a symbolic link; a run folder is read and written only inside itself/);
      assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing in a .nn file runs code: the language server, the core and the data layer never evaluate, spawn or load code', () => {
    // the language has no code: values are numbers, strings, lists, names and calls of the catalogue
    // (server/src/core/values.ts); imports read .nn text, datasets read data. This holds the code to it.
    const forbidden = /\beval\s*\(|new\s+Function\s*\(|\bnode:vm\b|['"]vm['"]|child_process|\bimport\s*\(|require\s*\(\s*[^'"\s]/;
    const files = [...sources(path.join(root, 'server', 'src', 'core')), ...sources(path.join(root, 'server', 'src', 'lsp')), ...sources(path.join(root, 'server', 'src', 'node')), ...sources(path.join(root, 'server', 'src', 'data'))];
    assert.ok(files.length > 50);
    const found = files.filter((f) => forbidden.test(fs.readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '')));
    assert.deepEqual(found.map((f) => path.relative(root, f)), []);
  });
});
