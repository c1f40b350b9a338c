// "NN: Compare Runs" in a real VS Code: from the palette's command, the panel opens beside the
// editor with a row per run folder of the workspace (read as `nn runs` reads them), follows a run
// folder that appears while it is open (a sweep running), and a row's "open" shows that run's chart.
// (Named to run after training.test.ts: opening a run's chart here would add to the chart's counts that test reads.)

import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, workspaceFile, once } from './util';

async function waitFor(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A finished run folder of train block `compare_e2e` with `lr` as its override and three epochs. */
function writeRun(dir: string, lr: number, accuracy: number[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ file: workspaceFile('compare.nn').fsPath, train: 'compare_e2e', backend: 'tfjs', overrides: { 'optimizer.lr': lr } }));
  const start = { type: 'start', train: 'compare_e2e', file: workspaceFile('compare.nn').fsPath, model: 'M', data: 'spiral()', backend: 'tfjs-wasm', runDir: dir, epochs: 3, batchSize: 32, samples: { train: 80, validation: 20, test: 0 }, params: 10, task: 'classification', classes: 2, metrics: ['accuracy'] };
  const epochs = accuracy.map((a, i) => ({ type: 'epoch', epoch: i + 1, epochs: 3, loss: 1 - a, metrics: { accuracy: a }, val: { loss: 1.1 - a, metrics: { accuracy: a - 0.05 } }, lr, seconds: 0.1, samplesPerSecond: 800, best: true, tensors: 5 }));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), [start, ...epochs].map((e) => JSON.stringify(e)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ outcome: 'done', epochs: 3, bestEpoch: 3, timings: { trainingSeconds: 0.3 } }));
}

describe('the compare view in VS Code', () => {
  const root = workspaceFile(path.join('runs', 'compare_e2e')).fsPath;
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('opens from the palette, lists the runs, follows a new run and opens a run chart', async () => {
    const a = await api();
    writeRun(path.join(root, '2026-01-01T10-00-00'), 0.01, [0.6, 0.7, 0.8]);
    writeRun(path.join(root, '2026-01-01T10-00-01'), 0.001, [0.5, 0.55, 0.6]);
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    const title = (label: string) => label === 'NN: Runs' || label === 'NN: 运行记录';
    const opened = tabs().some(title) ? Promise.resolve() : once(vscode.window.tabGroups.onDidChangeTabs, () => tabs().some(title), 30_000, 'the compare tab');
    await vscode.commands.executeCommand('nn.compareRuns');
    await opened;
    assert.ok(a.compare.current, 'the panel is open');
    const mine = () => a.compare.runs.filter((r) => r.train === 'compare_e2e');
    await waitFor(() => a.compare.delivered > 0 && mine().length === 2, 30_000, 'the two runs to reach the webview');
    const fast = mine().find((r) => r.overrides['optimizer.lr'] === 0.01)!;
    assert.equal(fast.status, 'done');
    assert.equal(fast.epochs, 3);
    assert.ok(Math.abs((fast.val?.accuracy ?? 0) - 0.75) < 1e-9, `val accuracy ${fast.val?.accuracy}`);
    // a run folder written while the panel is open (a sweep's next trial) appears without a command
    const before = a.compare.delivered;
    writeRun(path.join(root, '2026-01-01T10-00-02'), 0.1, [0.4, 0.45, 0.5]);
    await waitFor(() => a.compare.delivered > before && mine().length === 3, 30_000, 'the new run to appear');
    // "open" of a row: the run's chart, from its metrics.jsonl (the command the webview's message runs)
    assert.equal(await vscode.commands.executeCommand('nn.showChart', fast.dir), true);
    await waitFor(() => tabs().includes('NN Training'), 30_000, 'the training chart');
    assert.equal(await vscode.commands.executeCommand('nn.showChart', path.join(root, 'no-such-run')), false);
  });
});
