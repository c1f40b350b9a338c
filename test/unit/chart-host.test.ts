// The extension's side of the chart, without VS Code: the panel's HTML keeps a strict CSP (nonce
// for the script and the style sheet, resources only from the webview's source), the panel may
// load only from dist/webview, and run folders are read defensively for the overlay and restore.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chartHtml, chartCsp, chartPanelOptions } from '../../client/src/chart-html';
import { readHistory, readRunEvents, isRunDirOf, MAX_HISTORY_RUNS } from '../../client/src/chart-files';
import { nonce } from '../../client/src/html';

const root = path.join(__dirname, '..', '..');

describe('chart panel: HTML and options', () => {
  const src = 'https://file+.vscode-resource.vscode-cdn.net';
  const n = nonce();
  const html = chartHtml({ cspSource: src, nonce: n, script: `${src}/ext/dist/webview/chart.js`, style: `${src}/ext/dist/webview/chart.css` });

  it('has a strict Content-Security-Policy: nothing by default, script and style by nonce, images from the webview or data:', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    assert.ok(csp, 'a CSP meta tag');
    assert.equal(csp, chartCsp({ cspSource: src, nonce: n }));
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], [`'nonce-${n}'`]);
    assert.deepEqual(directives['style-src'], [src, `'nonce-${n}'`]);
    assert.deepEqual(directives['img-src'], [src, 'data:']);
    assert.deepEqual(Object.keys(directives).sort(), ['default-src', 'img-src', 'script-src', 'style-src']);
    assert.ok(!/unsafe-(inline|eval)/.test(csp));
    assert.match(n, /^[A-Za-z0-9]{16,}$/);
  });

  it('loads one script and one style sheet, both with the nonce, from the extension\'s dist/webview; nothing inline', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0][2].trim(), '', 'no inline script');
    assert.match(scripts[0][1], new RegExp(`nonce="${n}"`));
    assert.match(scripts[0][1], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/chart\.js"/);
    const links = [...html.matchAll(/<link([^>]*)>/g)];
    assert.equal(links.length, 1);
    assert.match(links[0][1], new RegExp(`rel="stylesheet" nonce="${n}" href="${src.replace(/[.+]/g, '\\$&')}/ext/dist/webview/chart\\.css"`));
    assert.ok(!/<style/.test(html) && !/\sstyle=/.test(html) && !/\son[a-z]+=/.test(html), 'no inline style or handlers');
    // every URL in the page is the webview's own
    for (const m of html.matchAll(/https?:\/\/[^\s"')]+/g)) assert.ok(m[0].startsWith(src), m[0]);
    // a fresh nonce per page
    assert.notEqual(nonce(), n);
  });

  it('the bundle the page loads exists after the build, with its CSS (uPlot\'s included) beside it', () => {
    const js = path.join(root, 'dist', 'webview', 'chart.js');
    const css = path.join(root, 'dist', 'webview', 'chart.css');
    assert.ok(fs.existsSync(js) && fs.existsSync(css), 'npm test builds before the unit tests');
    assert.ok(fs.readFileSync(css, 'utf8').includes('.u-legend'), "uPlot's style sheet is bundled");
    assert.ok(!/https?:\/\/(?!www\.w3\.org)[a-z]/i.test(fs.readFileSync(css, 'utf8')), 'no remote resources in the CSS');
  });

  it('resource roots: only the extension\'s dist/webview; scripts enabled for this panel', () => {
    const join = (base: string, ...segments: string[]) => [base, ...segments].join('/');
    const o = chartPanelOptions('/ext', join);
    assert.deepEqual(o.localResourceRoots, ['/ext/dist/webview']);
    assert.equal(o.enableScripts, true);
  });
});

describe('chart panel: run folders', () => {
  let dir: string;
  const start = (train: string) => JSON.stringify({ type: 'start', train, file: 'f.nn', model: 'M', data: 'd', backend: 'cpu', runDir: '/x', epochs: 2, batchSize: 4, samples: { train: 8, validation: 0, test: 0 }, params: 3, task: 'regression', metrics: [] });
  const epoch = (n: number, loss: number) => JSON.stringify({ type: 'epoch', epoch: n, epochs: 2, loss, metrics: {}, lr: 0.1, seconds: 1, samplesPerSecond: 8, best: true, tensors: 1 });
  const write = (train: string, id: string, lines: string[]) => {
    fs.mkdirSync(path.join(dir, train, id), { recursive: true });
    fs.writeFileSync(path.join(dir, train, id, 'metrics.jsonl'), lines.join('\n'));
  };

  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-chart-runs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('earlier runs of the block, newest first, without the current one; garbage lines skipped, only what the overlay needs', () => {
    write('t', '2024-01-01T10-00-00', [start('t'), epoch(1, 0.5), '{"type":"checkpoint","kind":"best","epoch":1,"path":"p"}', epoch(2, 0.4)]);
    write('t', '2024-01-02T10-00-00', [start('t'), 'not json', epoch(1, 0.3), '{"type":"epoch","epoch":2,"epo']);
    write('t', '2024-01-03T10-00-00', [start('t'), epoch(1, 0.2)]); // the current run
    write('t', '2024-01-04T10-00-00', [start('t')]); // no epochs: nothing to draw
    write('t', '2024-01-05T10-00-00', [start('other'), epoch(1, 0.1)]); // another block's
    fs.mkdirSync(path.join(dir, 't', '2024-01-06T10-00-00')); // no metrics.jsonl
    fs.writeFileSync(path.join(dir, 't', 'stray-file'), 'x');
    const h = readHistory(path.join(dir, 't', '2024-01-03T10-00-00'), 't');
    assert.deepEqual(
      h.map((r) => r.id),
      ['2024-01-02T10-00-00', '2024-01-01T10-00-00'],
    );
    assert.deepEqual(
      h[0].events.map((e) => e.type),
      ['start', 'epoch'],
    );
    assert.deepEqual(
      h[1].events.map((e) => e.type),
      ['start', 'epoch', 'epoch'],
    );
  });

  it('at most a few earlier runs; a missing folder gives none', () => {
    for (let i = 0; i < MAX_HISTORY_RUNS + 3; i++) write('t', `2024-01-${String(i + 10)}T10-00-00`, [start('t'), epoch(1, i)]);
    const h = readHistory(path.join(dir, 't', 'now'), 't');
    assert.equal(h.length, MAX_HISTORY_RUNS);
    assert.equal(h[0].id, `2024-01-${MAX_HISTORY_RUNS + 12}T10-00-00`);
    assert.deepEqual(readHistory(path.join(dir, 'nothing', 'here'), 'nothing'), []);
  });

  it('a run\'s events for restoring; undefined without a readable log', () => {
    write('t', 'r', [start('t'), epoch(1, 0.5), '', 'garbage', '{"type":"boundary","epoch":1,"extent":[0,1,0,1],"size":1,"values":[0]}']);
    assert.deepEqual(
      readRunEvents(path.join(dir, 't', 'r'))!.map((e) => e.type),
      ['start', 'epoch', 'boundary'],
    );
    assert.equal(readRunEvents(path.join(dir, 't', 'missing')), undefined);
    assert.equal(readRunEvents(dir), undefined);
  });

  it("a run's metrics.jsonl that is a symbolic link (to another run's) or a FIFO is left out, not read", function () {
    if (process.platform === 'win32') this.skip();
    write('t', 'real', [start('t'), epoch(1, 0.5)]);
    fs.mkdirSync(path.join(dir, 't', 'linked'));
    fs.symlinkSync(path.join(dir, 't', 'real', 'metrics.jsonl'), path.join(dir, 't', 'linked', 'metrics.jsonl'));
    assert.equal(readRunEvents(path.join(dir, 't', 'linked')), undefined);
    fs.mkdirSync(path.join(dir, 't', 'fifo'));
    execFileSync('mkfifo', [path.join(dir, 't', 'fifo', 'metrics.jsonl')]);
    assert.equal(readRunEvents(path.join(dir, 't', 'fifo')), undefined);
    assert.deepEqual(readHistory(path.join(dir, 't', 'now'), 't').map((h) => h.id), ['real']);
  });

  it('a run folder of the block: absolute runs/<train>/<run>, nothing else', () => {
    assert.equal(isRunDirOf(path.join(dir, 'spiral', '2024'), 'spiral'), true);
    assert.equal(isRunDirOf(path.join(dir, 'other', '2024'), 'spiral'), false);
    assert.equal(isRunDirOf('runs/spiral/2024', 'spiral'), false);
    assert.equal(isRunDirOf('/a/spiral/../spiral/2024', 'spiral'), false);
  });
});
