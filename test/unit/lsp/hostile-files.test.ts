// Files that are not .nn sources where the server looks for them (issue 25): an import of a
// device, a FIFO named like a source file, a large binary file in the workspace. The built server
// runs as a child process (a blocked or runaway server must not take the test with it); a hover on
// a good file is answered within a second beside each bad target, the server's peak memory stays
// bounded, and the bad import is reported for what it is. `nn check` of such a folder finishes.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { execFileSync, spawnSync } from 'node:child_process';
import * as lsp from 'vscode-languageserver';
import { TestClient } from '../../lsp-client';

const dist = path.join(__dirname, '..', '..', '..', 'dist');
const GOOD = 'model M {\n  input [4]\n  dense(3)\n}\n';

/** The peak resident memory of a process, in MB (VmHWM). */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A hover on `model M`'s `dense` within `ms`, or a failure naming what happened. */
async function hoverWithin(c: TestClient, uri: string, ms: number): Promise<number> {
  const t0 = Date.now();
  const hover = c.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 4 } });
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
  const h = await Promise.race([hover, timeout]);
  if (h === 'timeout') assert.fail(`no hover answer in ${ms} ms`);
  assert.ok(h && JSON.stringify(h.contents).includes('dense'), JSON.stringify(h));
  return Date.now() - t0;
}

/** Writes `mb` megabytes of seeded noise (with NUL bytes, as a binary has) quickly. */
function writeNoise(file: string, mb: number): void {
  const chunk = Buffer.alloc(2 ** 20);
  let x = 12345;
  for (let i = 0; i < chunk.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    chunk[i] = x >>> 24;
  }
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mb; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

const canFifo = process.platform !== 'win32';

describe('lsp: hostile files beside good ones (built server)', function () {
  this.timeout(60_000);
  let c: TestClient | undefined;
  before(function () {
    if (!fs.existsSync(path.join(dist, 'server.js'))) assert.fail('dist/server.js is missing: npm test builds it first (npm run build)');
  });
  /** sockets made for a test, closed after it */
  const sockets: net.Server[] = [];
  afterEach(async () => {
    await c?.dispose();
    c = undefined;
    for (const s of sockets.splice(0)) s.close();
  });

  const cases: { name: string; files: Record<string, string>; prepare?: (root: string) => void; bad: string; message: RegExp }[] = [
    { name: 'an import of /dev/zero', files: { 'bad.nn': 'import "/dev/zero"\n' }, bad: 'bad.nn', message: /'\/dev\/zero' is a device, not a file/ },
    {
      name: 'a FIFO named x.nn, imported',
      files: { 'bad.nn': 'import "x.nn"\n' },
      prepare: (root) => execFileSync('mkfifo', [path.join(root, 'x.nn')]),
      bad: 'bad.nn',
      message: /'x\.nn' is a FIFO \(named pipe\), not a file/,
    },
    {
      name: 'a 40 MB binary file in the workspace, imported',
      files: { 'bad.nn': 'import "big.nn"\n' },
      prepare: (root) => writeNoise(path.join(root, 'big.nn'), 40),
      bad: 'bad.nn',
      message: /'big\.nn' is 40\.0 MB, larger than the 8\.0 MB a \.nn file may have/,
    },
    {
      name: 'a socket named s.nn, imported',
      files: { 'bad.nn': 'import "s.nn"\n' },
      prepare: (root) => {
        const server = net.createServer().listen(path.join(root, 's.nn'));
        sockets.push(server);
      },
      bad: 'bad.nn',
      message: /^'s\.nn' is a socket, not a file: only regular files are read$/,
    },
    {
      name: 'a loop of symbolic links, imported',
      files: { 'bad.nn': 'import "loop-a.nn"\n' },
      prepare: (root) => {
        fs.symlinkSync('loop-b.nn', path.join(root, 'loop-a.nn'));
        fs.symlinkSync('loop-a.nn', path.join(root, 'loop-b.nn'));
      },
      bad: 'bad.nn',
      message: /^cannot read 'loop-a\.nn': its symbolic links form a loop$/,
    },
    {
      name: 'a small file with NUL bytes, imported',
      files: { 'bad.nn': 'import "bin.nn"\n' },
      prepare: (root) => writeNoise(path.join(root, 'bin.nn'), 1),
      bad: 'bad.nn',
      message: /'bin\.nn' is not a text file \(it holds NUL bytes\)/,
    },
  ];

  for (const k of cases) {
    it(`${k.name}: a hover on a good file is answered within a second, memory bounded, the import reported`, async function () {
      if (!canFifo) this.skip();
      c = await TestClient.start({ 'good.nn': GOOD, ...k.files }, { built: true, prepare: k.prepare });
      const good = await c.open('good.nn');
      await hoverWithin(c, good, 5000); // the first one starts the server's analysis
      await hoverWithin(c, good, 1000);
      const bad = await c.open(k.bad);
      const ds = await c.diagnostics(bad);
      assert.deepEqual(ds.map((d) => d.code), ['NN105'], JSON.stringify(ds));
      assert.match(String(ds[0].message), k.message);
      assert.equal(ds[0].range.start.line, 0);
      await hoverWithin(c, good, 1000);
      const peak = peakMb(c.pid!);
      assert.ok(peak < 400, `the server's peak memory was ${peak.toFixed(0)} MB`);
    });
  }

  it('nn.maxFileSize sets the limit: a 1 MB file refused at 0.5, read at 2', async () => {
    c = await TestClient.start({ 'good.nn': GOOD, 'main.nn': 'import "lib.nn"\n' }, { built: true, settings: { maxFileSize: 0.5 }, prepare: (root) => fs.writeFileSync(path.join(root, 'lib.nn'), `${'# padding\n'.repeat(100_000)}block two(n) {\n  dense(n)\n}\n`) });
    const main = await c.open('main.nn');
    const ds = await c.diagnosticsWhere(main, (d) => d.length > 0);
    assert.match(String(ds[0].message), /'lib\.nn' is 1\.0 MB, larger than the 0\.5 MB a \.nn file may have \(the setting nn\.maxFileSize\)/);
    c.settings = { maxFileSize: 2 };
    await c.notify('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(await c.diagnosticsWhere(main, (d) => d.length === 0), []);
  });

  it('an open document over nn.maxFileSize is not analysed: one diagnostic says why, and requests are still answered', async () => {
    const big = `${'# padding\n'.repeat(100_000)}block two(n) {\n  dense(n\n}\n`;
    c = await TestClient.start({ 'good.nn': GOOD }, { built: true, settings: { maxFileSize: 0.5 }, prepare: (root) => fs.writeFileSync(path.join(root, 'big.nn'), big) });
    const good = await c.open('good.nn');
    await hoverWithin(c, good, 5000);
    const bigUri = await c.open('big.nn');
    const ds = await c.diagnosticsWhere(bigUri, (d) => d.length > 0);
    assert.deepEqual(ds.map((d) => d.code), ['NN105']);
    assert.match(String(ds[0].message), /'big\.nn' is 1\.0 MB, larger than the 0\.5 MB a \.nn file may have \(the setting nn\.maxFileSize\)/);
    assert.deepEqual(ds[0].range.start, { line: 0, character: 0 });
    await hoverWithin(c, good, 1000);
    // under a larger limit it is analysed like any file: its syntax error is found
    c.settings = { maxFileSize: 2 };
    await c.notify('workspace/didChangeConfiguration', { settings: {} });
    const after = await c.diagnosticsWhere(bigUri, (d) => d.some((x) => x.code === 'NN002'));
    assert.ok(!after.some((d) => d.code === 'NN105'));
  });
});

describe('nn check: a folder with a FIFO, a device link and a binary named .nn', function () {
  this.timeout(60_000);
  it('finishes, naming each for what it is; the good file is checked', function () {
    if (!canFifo) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-hostile-'));
    try {
      fs.writeFileSync(path.join(dir, 'good.nn'), GOOD);
      execFileSync('mkfifo', [path.join(dir, 'x.nn')]);
      fs.symlinkSync('/dev/zero', path.join(dir, 'zero.nn')); // read with --trust: a link out of the folder is refused without it (cli.test.ts)
      writeNoise(path.join(dir, 'big.nn'), 20);
      const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'check', '--trust', dir], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.signal, null, `nn check was killed (${r.signal}): it did not finish`);
      assert.equal(r.status, 1, r.stderr);
      const at = (f: string) => path.join(dir, f);
      assert.match(r.stdout, new RegExp(`${at('x.nn')}:1:1: error NN105: '${at('x.nn')}' is a FIFO \\(named pipe\\), not a file`));
      assert.match(r.stdout, new RegExp(`${at('zero.nn')}:1:1: error NN105: '${at('zero.nn')}' is a device, not a file`));
      assert.match(r.stdout, new RegExp(`${at('big.nn')}:1:1: error NN105: '${at('big.nn')}' is 20\\.0 MB, larger than the 8\\.0 MB`));
      assert.doesNotMatch(r.stdout, /good\.nn/);
      assert.match(r.stderr, /4 files checked: 3 errors/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
