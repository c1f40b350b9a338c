// A sweep in the editor: the train block's code lens counts its trials, hover on its name or on a
// `try` lists them (grid and random, as nn train runs them), each value is checked; English and
// Simplified Chinese.

import { strict as assert } from 'node:assert';
import type * as lsp from 'vscode-languageserver';
import { TestClient, cursor } from '../../lsp-client';

const SRC = `model Wide {
  input [2]
  dense(64, activation: relu)
  dense(3)
}
model Deep {
  input [2]
  dense(16, activation: relu)
  dense(16, activation: relu)
  dense(3)
}
train lr_sweep {
  model: try [Wide, Deep]
  data: spiral(n: 300, classes: 3)
  loss: cross_entropy
  optimizer: adam(lr: try [0.01, 0.003, 0.001])
}
train random {
  model: Wide
  data: spiral(n: 300, classes: 3)
  loss: cross_entropy
  optimizer: adam(lr: try log_uniform(0.0001, 0.01))
  trials: 4
  seed: 7
}
`;

async function hover(c: TestClient, text: string, find: string): Promise<string> {
  const i = text.indexOf(find);
  const { text: t, position } = cursor(text.slice(0, i + 1) + '|' + text.slice(i + 1));
  const uri = await c.open('s.nn', t);
  const h = await c.request<lsp.Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  await c.close(uri);
  return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
}

describe('lsp: sweeps', () => {
  let c: TestClient;
  before(async () => (c = await TestClient.start()));
  after(() => c.dispose());

  it('the code lens counts the trials, and hover lists them', async () => {
    const uri = await c.open('lens.nn', SRC);
    assert.deepEqual(await c.diagnostics(uri), []);
    const lenses = await c.request<lsp.CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const sweeps = lenses.filter((l) => l.command!.title.startsWith('Sweep'));
    assert.deepEqual(sweeps.map((l) => `${l.range.start.line}:${l.command!.title}`), ['11:Sweep: 6 trials', '17:Sweep: 4 trials']);
    await c.close(uri);
    const grid = await hover(c, SRC, 'lr_sweep');
    assert.match(grid, /\*\*Sweep: 6 trials\*\* \(grid: every combination\)/);
    assert.match(grid, /1\. `model=Wide optimizer\.lr=0\.01`/);
    assert.match(grid, /6\. `model=Deep optimizer\.lr=0\.001`/);
    const onTry = await hover(c, SRC, 'try log_uniform');
    assert.match(onTry, /random search, seed 7/);
    const lrs = [...onTry.matchAll(/optimizer\.lr=([\d.e-]+)/g)].map((m) => Number(m[1]));
    assert.equal(lrs.length, 4);
    assert.ok(lrs.every((x) => x >= 0.0001 && x <= 0.01), lrs.join());
  });

  it('checks each value to try, and speaks Chinese', async () => {
    const uri = await c.open('bad.nn', SRC.replace('0.003', '-1').replace('try [Wide, Deep]', 'try [Wide, Dep]'));
    const ds = await c.diagnostics(uri);
    assert.deepEqual(ds.map((d) => d.code).sort(), ['NN101', 'NN206']);
    await c.close(uri);
    const zh = await TestClient.start({}, { locale: 'zh-cn' });
    try {
      const u = await zh.open('zh.nn', SRC);
      const lenses = await zh.request<lsp.CodeLens[]>('textDocument/codeLens', { textDocument: { uri: u } });
      assert.ok(lenses.some((l) => l.command!.title === '扫描: 6 次试验'), lenses.map((l) => l.command!.title).join());
      await zh.close(u);
      assert.match(await hover(zh, SRC, 'lr_sweep'), /网格搜索/);
    } finally {
      await zh.dispose();
    }
  });
});
