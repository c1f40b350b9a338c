// `nn graph FILE [--model NAME] --out FILE.svg|FILE.png`: the picture written, its size, a
// broken model still drawn, and the errors (usage 2, user 1).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNn } from '../nn-cli';
import { pngSize } from '../../server/src/node/png';
import { pngScale, PNG_SCALE, MAX_PNG_PIXELS, MIN_PNG_SCALE } from '../../server/src/cli/graph';
import { wordsOf } from '../../server/src/cli/i18n';

describe('nn graph', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-graph-'));
    fs.writeFileSync(path.join(dir, 'two.nn'), 'model A {\n  input [4]\n  dense(3)\n}\n\nmodel B {\n  input [4]\n  dense(4, activation: rleu)\n  dense(2)\n}\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the SVG of a sample: its blocks, layers and the shapes on the edges', async () => {
    const out = path.join(dir, 'resnet.svg');
    const r = await runNn(['graph', 'samples/resnet.nn', '--out', out]);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.deepEqual(r.out, [`wrote ${out}: model 'SmallResNet', 29 layers`]);
    const svg = fs.readFileSync(out, 'utf8');
    assert.match(svg, /^<svg xmlns/);
    for (const s of ['>res_block(64, stride: 2)</text>', '>residual</text>', '>[7, 7, 64]</text>', '>global_avg_pool</text>', '>[10]</text>']) assert.ok(svg.includes(s), s);
  });

  it('writes a PNG at twice the SVG size', async () => {
    const svgFile = path.join(dir, 't.svg');
    const pngFile = path.join(dir, 't.png');
    assert.equal((await runNn(['graph', 'samples/transformer.nn', '--out', svgFile])).code, 0);
    const r = await runNn(['graph', 'samples/transformer.nn', '--out', pngFile]);
    assert.equal(r.code, 0, r.err.join('\n'));
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(fs.readFileSync(svgFile, 'utf8'))!;
    const size = pngSize(fs.readFileSync(pngFile));
    assert.deepEqual(size, { width: 2 * Number(w), height: 2 * Number(h) });
    assert.match(r.out[0], new RegExp(`${size.width}×${size.height} px$`));
  });

  it('draws a model with a broken layer in red, says so, and exits 0', async () => {
    const out = path.join(dir, 'b.svg');
    const r = await runNn(['graph', path.join(dir, 'two.nn'), '--model', 'B', '--out', out]);
    assert.equal(r.code, 0);
    assert.match(r.err.join('\n'), /has 1 error, model 'B' among them \(drawn in red\): run nn check/);
    const svg = fs.readFileSync(out, 'utf8');
    assert.match(svg, /class="box broken"/);
    assert.ok(svg.includes('unknown activation &#39;rleu&#39;'));
    assert.ok(svg.includes('>[2]</text>'), 'the shapes after the broken layer');
  });

  it('refuses what it cannot draw, naming the models there are', async () => {
    const two = path.join(dir, 'two.nn');
    const out = path.join(dir, 'x.svg');
    let r = await runNn(['graph', two, '--model', 'C', '--out', out]);
    assert.deepEqual([r.code, r.err], [1, [`${two}: no model named 'C'; the file has 'A', 'B'`]]);
    r = await runNn(['graph', two, '--out', out]);
    assert.deepEqual([r.code, r.err], [1, [`${two} has 2 models: 'A', 'B'; pick one with --model NAME`]]);
    r = await runNn(['graph', 'samples/blocks.nn', '--out', out]);
    assert.deepEqual([r.code, r.err], [1, ['samples/blocks.nn: no model to draw (the file declares none, and its train blocks train none)']]);
    r = await runNn(['graph', path.join(dir, 'missing.nn'), '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.err[0], /cannot read the file/);
    r = await runNn(['graph', two, '--model', 'A', '--out', path.join(dir, 'no', 'such', 'x.svg')]);
    assert.equal(r.code, 1);
    assert.match(r.err[0], /^nn graph: cannot write '.*x\.svg': ENOENT$/);
    assert.ok(!fs.existsSync(out));
  });

  it('draws a tall PNG at a smaller scale, and refuses one past the pixel limit at half scale, pointing to SVG', () => {
    assert.equal(pngScale(600, 900), PNG_SCALE);
    const tall = pngScale(300, 250_000)!;
    assert.ok(tall < PNG_SCALE && tall >= MIN_PNG_SCALE, String(tall));
    assert.ok(300 * tall * 250_000 * tall <= MAX_PNG_PIXELS * 1.0001);
    // a 30,000 px square took resvg minutes and gigabytes before the limit
    assert.equal(pngScale(30_000, 30_000), undefined);
    assert.equal(wordsOf('en').graphTooLargeForPng('g.png', 'Deep', 15_000, 15_000, 100), "nn graph: model 'Deep' is too large for a PNG (15,000×15,000 px even at half scale, over 100 million pixels); g.png was not written: write an .svg file instead");
    assert.equal(wordsOf('zh-cn').graphTooLargeForPng('g.png', 'Deep', 15_000, 15_000, 100), 'nn graph：模型“Deep”太大，无法画成 PNG（即使缩小一半也有 15,000×15,000 像素，超过 1 亿像素）；未写入 g.png：请改为写 .svg 文件');
  });

  it('is a usage error without --out, with another format, or without one file', async () => {
    for (const [argv, msg] of [
      [['graph', 'samples/mlp.nn'], 'nn: nn graph needs --out FILE.svg or --out FILE.png'],
      [['graph', 'samples/mlp.nn', '--out', 'x.jpg'], "nn: --out 'x.jpg': the picture is written as .svg or .png"],
      [['graph', '--out', 'x.svg'], 'nn: nn graph needs exactly one .nn file'],
    ] as const) {
      const r = await runNn([...argv]);
      assert.equal(r.code, 2);
      assert.equal(r.err[0], msg);
    }
  });
});
