// Training from VS Code: the task provider, "NN: Train" from the palette with live events to the
// chart and weights on disk, and "NN: Stop Training" stopping gracefully.

import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainEvent } from '../../../server/src/runtime/train/protocol';
import { api, workspaceFile, once, waitFor } from './util';

function collect(a: Awaited<ReturnType<typeof api>>, train: string): { events: TrainEvent[]; end: Promise<TrainEvent> } {
  const events: TrainEvent[] = [];
  let done!: (e: TrainEvent) => void;
  const end = new Promise<TrainEvent>((r) => (done = r));
  const sub = a.training.onEvent(({ run, event }) => {
    if (run.train !== train && !(event.type === 'start' && event.train === train)) return;
    events.push(event);
    if (event.type === 'end' || event.type === 'error' || event.type === 'stopped') {
      sub.dispose();
      done(event);
    }
  });
  return { events, end };
}

describe('training from VS Code', () => {
  it('lists every train block of the workspace as a task', async () => {
    await api();
    const tasks = await vscode.tasks.fetchTasks({ type: 'nn' });
    const names = tasks.map((t) => String(t.definition.train));
    for (const want of ['quick', 'long', 'mlp_fashion', 'spiral_deep']) assert.ok(names.includes(want), names.join(', '));
  });

  it('trains from the palette: the task runs, the chart receives the points, the best weights are written', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(workspaceFile('quick.nn'));
    await vscode.window.showTextDocument(doc);
    const { events, end } = collect(a, 'quick');
    const ended = once(vscode.tasks.onDidEndTaskProcess, (e) => (e.execution.task.definition as { train?: string }).train === 'quick', 150_000, 'the training task to end');
    const started = Date.now();
    await vscode.commands.executeCommand('nn.train', doc.uri.toString(), 'quick');
    const last = await end;
    const exit = await ended;
    console.log(`trained 'quick' in ${Date.now() - started} ms`);
    assert.equal(last.type, 'end', JSON.stringify(last));
    assert.equal(exit.exitCode, 0);
    const start = events.find((e) => e.type === 'start');
    assert.ok(start && start.type === 'start');
    assert.equal(events.filter((e) => e.type === 'epoch').length, 8);
    // the chart panel replays the run's events when its page is ready, which may be after a short run ends
    await waitFor(() => a.training.chart.delivered >= 8, 30_000, `the chart to receive the run's events (it has ${a.training.chart.delivered})`);
    assert.ok(fs.existsSync(path.join(start.runDir, 'best', 'model.json')), `${start.runDir}/best/model.json`);
    assert.ok(fs.existsSync(path.join(start.runDir, 'metrics.jsonl')));
    assert.ok(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === 'NN Training'),
      'the chart panel is open',
    );
  });

  it('trains on the torch engine when nn.train.engine says torch: PyTorch runs it, the chart gets its epochs, nn\'s best/ is written', async () => {
    const a = await api();
    const cfg = vscode.workspace.getConfiguration('nn');
    await cfg.update('train.engine', 'torch', vscode.ConfigurationTarget.Workspace);
    try {
      const doc = await vscode.workspace.openTextDocument(workspaceFile('quick.nn'));
      const delivered = a.training.chart.delivered;
      const { events, end } = collect(a, 'quick');
      const ended = once(vscode.tasks.onDidEndTaskProcess, (e) => (e.execution.task.definition as { train?: string }).train === 'quick', 240_000, 'the torch training task to end');
      await vscode.commands.executeCommand('nn.train', doc.uri.toString(), 'quick');
      const last = await end;
      const exit = await ended;
      assert.equal(last.type, 'end', JSON.stringify(last));
      assert.equal(exit.exitCode, 0);
      const start = events.find((e) => e.type === 'start');
      assert.ok(start && start.type === 'start');
      assert.equal(start.backend, 'torch', `the start event names the engine: ${start.backend} (${start.backendNote})`);
      assert.equal(events.filter((e) => e.type === 'epoch').length, 8);
      await waitFor(() => a.training.chart.delivered >= delivered + 8, 30_000, `the chart to receive the torch run's epochs (it has ${a.training.chart.delivered - delivered})`);
      assert.ok(fs.existsSync(path.join(start.runDir, 'best', 'model.json')), `${start.runDir}/best/model.json: nn's format, for evaluate and predict`);
      const config = JSON.parse(fs.readFileSync(path.join(start.runDir, 'config.json'), 'utf8')) as { backend: string };
      assert.equal(config.backend, 'torch');
    } finally {
      await cfg.update('train.engine', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('stops a run gracefully: the last weights are saved', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(workspaceFile('quick.nn'));
    const { events, end } = collect(a, 'long');
    const firstEpoch = once(a.training.onEvent, ({ event }) => event.type === 'epoch', 120_000, 'a first epoch');
    const ended = once(vscode.tasks.onDidEndTaskProcess, (e) => (e.execution.task.definition as { train?: string }).train === 'long', 150_000, 'the training task to end');
    await vscode.commands.executeCommand('nn.train', doc.uri.toString(), 'long');
    await firstEpoch;
    assert.equal(await vscode.commands.executeCommand('nn.stopTraining'), 1);
    const last = await end;
    assert.equal(last.type, 'stopped', JSON.stringify(last));
    assert.ok(last.type === 'stopped' && last.reason === 'requested');
    const start = events.find((e) => e.type === 'start');
    assert.ok(start && start.type === 'start' && fs.existsSync(path.join(start.runDir, 'last', 'model.json')));
    const exit = await ended;
    assert.notEqual(exit.exitCode, 0, 'a stopped run does not exit 0');
  });
});
