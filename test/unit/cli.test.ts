// The `nn` command line, called in-process (and once as the built binary): output formats and
// exit codes.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { main } from '../../server/src/cli/main';
import { backendLine } from '../../server/src/cli/progress';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const root = path.join(__dirname, '..', '..');
const sample = (f: string) => path.join(root, 'samples', f);

describe('nn check', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-cli-'));
    fs.writeFileSync(path.join(dir, 'bad.nn'), 'model M {\n  input [4]\n  dense(10, activation: rleu)\n}\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints file:line:col: severity code: message and exits 1 on errors', async () => {
    const bad = path.join(dir, 'bad.nn');
    const r = await run('check', bad);
    assert.equal(r.code, 1);
    assert.equal(r.out, `${bad}:3:25: error NN207: unknown activation 'rleu'; did you mean 'relu'?`);
    assert.match(r.err, /1 file checked: 1 error, 0 warnings/);
  });

  it('prints JSON with 1-based ranges', async () => {
    const r = await run('check', '--json', path.join(dir, 'bad.nn'));
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.diagnostics[0], {
      file: path.join(dir, 'bad.nn'),
      line: 3,
      column: 25,
      endLine: 3,
      endColumn: 29,
      severity: 'error',
      code: 'NN207',
      message: "unknown activation 'rleu'; did you mean 'relu'?",
    });
  });

  it('checks a folder and exits 0 when clean', async () => {
    const r = await run('check', path.join(root, 'samples'));
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, '');
  });

  it('reports an unreadable path as a usage error (exit 2)', async () => {
    const r = await run('check', path.join(dir, 'nope.nn'));
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read/);
  });

  it("shows the problems checking a file finds in the files it imports (a used block's, a constant's call)", async () => {
    // both were reported only in lib.nn, which is not named: check said 0 errors, while train
    // refused the file for errors it could not show
    fs.writeFileSync(path.join(dir, 'lib.nn'), '# shared\nblock hidden(n) {\n  dense(n, activaton: relu)\n}\nconst opt = adam(lrr: 0.1)\n');
    fs.writeFileSync(
      path.join(dir, 'uses.nn'),
      'import "lib.nn"\nmodel M {\n  input [2]\n  hidden(4)\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor()\n  loss: cross_entropy\n  optimizer: opt\n}\n',
    );
    const uses = path.join(dir, 'uses.nn');
    const lib = path.join(dir, 'lib.nn');
    const r = await run('check', uses);
    assert.equal(r.code, 1);
    assert.deepEqual(r.out.split('\n'), [
      `${lib}:3:12: error NN201: dense() has no argument 'activaton'; did you mean 'activation'?`,
      `${lib}:5:18: error NN201: adam() has no argument 'lrr'; did you mean 'lr'?`,
    ]);
    assert.match(r.err, /1 file checked: 2 errors, 0 warnings/);
    // named by a relative path, the imported file is shown relative to the working folder too
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const rel = await run('check', '--json', 'uses.nn');
      assert.deepEqual(JSON.parse(rel.out).diagnostics.map((d: { file: string; line: number }) => `${d.file}:${d.line}`), ['lib.nn:3', 'lib.nn:5']);
    } finally {
      process.chdir(cwd);
    }
    // the summary points to them as well
    const sum = await run('summary', uses);
    assert.equal(sum.code, 1);
    assert.match(sum.err, /has 2 errors: run nn check/);
  });

  it('reads no import or data outside the repository checked unless --trust (issue 25)', async () => {
    // a cloned repository (a .git folder) whose file imports and reads files outside it, and
    // holds a link to /dev/zero named .nn
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-trust-'));
    try {
      const repo = path.join(top, 'repo');
      fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
      fs.mkdirSync(path.join(repo, 'src'));
      fs.mkdirSync(path.join(top, 'elsewhere'));
      fs.writeFileSync(path.join(top, 'elsewhere', 'lib.nn'), 'const width = 4\n');
      fs.writeFileSync(path.join(top, 'elsewhere', 'secret.csv'), 'root:x:0:0,y\n1,2\n');
      fs.writeFileSync(path.join(repo, 'lib.nn'), 'const depth = 2\n');
      const main = path.join(repo, 'src', 'main.nn');
      fs.writeFileSync(
        main,
        'import "../../elsewhere/lib.nn"\nimport "../lib.nn"\ndataset d = csv("../../elsewhere/secret.csv", label: "y")\n' +
          'model M {\n  input [width]\n  dense(depth)\n}\ntrain t {\n  model: M\n  data: d\n  loss: mse\n}\n',
      );
      fs.symlinkSync('/dev/zero', path.join(repo, 'zero.nn'));
      const r = await run('check', main, path.join(repo, 'zero.nn'));
      assert.equal(r.code, 1);
      const lines = r.out.split('\n');
      // the repository's own files are read (../lib.nn, above the checked file); outside it, nothing
      assert.ok(!lines.some((l) => l.includes("'depth'")), r.out);
      assert.ok(lines.some((l) => /main\.nn:1:8: error NN105: '\.\.\/\.\.\/elsewhere\/lib\.nn' is outside the folders nn check reads .*give --trust to read it/.test(l)), r.out);
      assert.ok(lines.some((l) => /main\.nn:3:.*\.\.\/\.\.\/elsewhere\/secret\.csv: outside the folders nn check reads .*give --trust/.test(l)), r.out);
      assert.ok(lines.some((l) => /zero\.nn:1:1: error NN105: .* is outside the folders nn check reads/.test(l)), r.out);
      assert.doesNotMatch(r.out, /root:x/);
      // --trust reads them: the import resolves, the CSV is probed (its columns), the link is a device
      const t = await run('check', '--trust', main, path.join(repo, 'zero.nn'));
      assert.doesNotMatch(t.out, /outside the folders/);
      assert.doesNotMatch(t.out, /main\.nn:1:8/);
      assert.match(t.out, /zero\.nn:1:1: error NN105: .* is a device, not a file/);
      // outside a repository, the folder of the file checked is the limit
      fs.rmSync(path.join(repo, '.git'), { recursive: true });
      const bare = await run('check', main);
      assert.ok(bare.out.split('\n').some((l) => /main\.nn:2:8: error NN105: '\.\.\/lib\.nn' is outside the folders nn check reads/.test(l)), bare.out);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('rejects unknown commands and options with usage (exit 2)', async () => {
    assert.equal((await run('frobnicate')).code, 2);
    const r = await run('check', '--bogus', 'x.nn');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown option --bogus/);
  });

  it('a usage error is one line and a hint, not the whole help', async () => {
    for (const argv of [['check', '--bogus'], ['predict'], ['train', 'a.nn', '--epochs', 'x'], ['frobnicate']]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.deepEqual(r.err.split('\n').slice(1), ["run 'nn --help' for the commands and their options"], `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, /^nn: \S/);
    }
    // the help itself is still there when asked for
    assert.match((await run('--help')).out, /^usage:$/m);
  });
});

describe('nn train: the start lines', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-start-'));
    fs.writeFileSync(path.join(dir, 't.nn'), 'model M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor(n: 40)\n  loss: cross_entropy\n  epochs: 1\n}\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the backend once, and says how to get tfjs-node once, plainly', async () => {
    for (const backend of ['auto', 'cpu']) {
      const r = await run('train', path.join(dir, 't.nn'), '--backend', backend, '--runs', path.join(dir, 'runs'));
      assert.equal(r.code, 0, r.err);
      const lines = r.out.split('\n');
      const start = lines.find((l) => l.trim().startsWith('backend:'))!;
      assert.ok(start, r.out);
      assert.doesNotMatch(start, /Backend:/, start);
      assert.equal(start.match(/\b(wasm|cpu|tensorflow)\b/g)?.[0], start.trim().split(' ')[1]);
      // tfjs-node: at most once in all that is printed (its install hint), never also as a line of its own
      const node = [...lines, ...r.err.split('\n')].filter((l) => l.includes('tfjs-node'));
      assert.ok(node.length <= 1, node.join('\n'));
    }
  });

  it('backendLine: a note that begins with the backend does not repeat it; another note is kept whole', () => {
    assert.equal(backendLine('wasm', 'Backend: wasm (WebAssembly with SIMD); for native TensorFlow, run x.'), 'backend: wasm (WebAssembly with SIMD); for native TensorFlow, run x');
    assert.equal(backendLine('tensorflow', 'Backend: tensorflow (tfjs-node): the fastest available.'), 'backend: tensorflow (tfjs-node): the fastest available');
    assert.equal(backendLine('torch', 'PyTorch 2.5 on cpu'), 'backend: torch (PyTorch 2.5 on cpu)');
    assert.equal(backendLine('cpu'), 'backend: cpu');
  });
});

describe('nn summary', () => {
  it('prints the per-layer table with totals', async () => {
    const r = await run('summary', sample('mlp.nn'));
    assert.equal(r.code, 0);
    assert.match(r.out, /Model: MnistMlp/);
    assert.match(r.out, /dense \(dense\)\s+\[128\]\s+100,480/);
    assert.match(r.out, /Total params: 109,386 \(427\.29 KB\)/);
    assert.match(r.out, /Mult-adds per sample: 109,184/);
  });

  it('prints JSON for one model with --model', async () => {
    const r = await run('summary', sample('mnist_convnet.nn'), '--model', 'MnistConvnet', '--json');
    const j = JSON.parse(r.out);
    assert.equal(j.models.length, 1);
    const m = j.models[0];
    assert.equal(m.name, 'MnistConvnet');
    assert.deepEqual(m.inputShape, [28, 28, 1]);
    assert.equal(m.totalParams, 34826);
    assert.equal(m.trainableParams, 34826);
    assert.deepEqual(
      m.layers.map((l: { name: string; outputShape: number[]; params: number; line: number }) => [l.name, l.outputShape.join('x'), l.params, l.line]),
      [
        ['input', '28x28x1', 0, 5],
        ['conv2d', '26x26x32', 320, 6],
        ['max_pool', '13x13x32', 0, 7],
        ['conv2d_1', '11x11x64', 18496, 8],
        ['max_pool_1', '5x5x64', 0, 9],
        ['flatten', '1600', 0, 10],
        ['dropout', '1600', 0, 11],
        ['dense', '10', 16010, 12],
      ],
    );
  });

  it('a syntax error in a model: prints what it can infer, exits 1, and --json says hasErrors (issue 23)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-sum-'));
    try {
      const file = path.join(dir, 'p.nn');
      fs.writeFileSync(file, 'model p {  input [4]\n  dense(10\n}\nmodel q {\n  input [2]\n  dense(3)\n}\n');
      const r = await run('summary', file);
      assert.equal(r.code, 1);
      assert.match(r.out, /dense \(dense\)\s+\[10\]\s+50/);
      assert.match(r.out, /The model has errors/);
      assert.match(r.err, /has 1 error: run nn check/);
      const j = await run('summary', file, '--json');
      assert.equal(j.code, 1);
      assert.deepEqual(
        JSON.parse(j.out).models.map((m: { name: string; hasErrors: boolean }) => [m.name, m.hasErrors]),
        [
          ['p', true],
          ['q', false],
        ],
      );
      // the model without errors alone: its table, exit 0, and the file's error still said
      const q = await run('summary', file, '--model', 'q');
      assert.equal(q.code, 0);
      assert.match(q.err, /has 1 error/);
      // a syntax error in an imported block the model calls: the import warns of it (NN113) and the summary counts it
      fs.writeFileSync(path.join(dir, 'lib.nn'), 'block widen(n) {\n  dense(n\n  relu()\n}\n');
      const uses = path.join(dir, 'uses.nn');
      fs.writeFileSync(uses, 'import "lib.nn"\nmodel u {\n  input [2]\n  widen(8)\n}\n');
      const u = await run('summary', uses, '--json');
      assert.equal(u.code, 1);
      assert.equal(JSON.parse(u.out).models[0].hasErrors, true);
      assert.match(u.err, /uses\.nn has 1 error: run nn check .*lib\.nn/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file of train blocks that imports its models: summary, graph and export work on the models it trains; a file of blocks says it has no model', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-imported-'));
    try {
      fs.writeFileSync(path.join(dir, 'models.nn'), 'block widen(n) {\n  dense(n, activation: relu)\n}\n\nmodel Net {\n  input [2]\n  widen(8)\n  dense(2)\n}\n\nmodel Unused {\n  input [3]\n  dense(1)\n}\n');
      const file = path.join(dir, 'train.nn');
      fs.writeFileSync(file, 'import "models.nn"\n\ntrain t {\n  model: Net\n  data: circle(n: 40)\n  loss: cross_entropy\n  epochs: 1\n}\n');
      const r = await run('summary', file);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /Model: Net/);
      // shown where it is declared, in models.nn, not in train.nn
      assert.match(r.out, /models\.nn:5/);
      assert.doesNotMatch(r.out, /Unused/);
      assert.equal((await run('summary', file, '--model', 'Net', '--json')).code, 0);
      const svg = path.join(dir, 'net.svg');
      const g = await run('graph', file, '--out', svg);
      assert.equal(g.code, 0, g.err);
      assert.match(fs.readFileSync(svg, 'utf8'), /dense/);
      const e = await run('export', file, '--to', 'pytorch', '--train', 't', '--out', path.join(dir, 'py'));
      assert.equal(e.code, 0, e.err);
      assert.match(fs.readFileSync(path.join(dir, 'py', 'model.py'), 'utf8'), /class Net\(nn\.Module\)/);
      assert.equal((await run('export', file, '--to', 'onnx', '--out', path.join(dir, 'onnx'))).code, 0);
      // the library itself: its own models; a file of blocks only has none to summarize
      fs.writeFileSync(path.join(dir, 'blocks.nn'), 'block widen(n) {\n  dense(n)\n}\n');
      const b = await run('summary', path.join(dir, 'blocks.nn'));
      assert.equal(b.code, 1);
      assert.equal(b.out, '');
      assert.match(b.err, /blocks\.nn: no model to summarize/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the models there are when --model matches none', async () => {
    const r = await run('summary', sample('mlp.nn'), '--model', 'Nope');
    assert.equal(r.code, 1);
    assert.match(r.err, /no model named 'Nope'; the file has 'MnistMlp'/);
  });

  it('runs as the built binary', () => {
    const bin = path.join(root, 'dist', 'cli.js');
    assert.ok(fs.existsSync(bin), 'dist/cli.js is missing: npm test builds it first (npm run build)');
    const out = execFileSync(process.execPath, [bin, 'summary', sample('softmax_regression.nn'), '--json'], { encoding: 'utf8' });
    assert.equal(JSON.parse(out).models[0].totalParams, 7850);
  });
});
