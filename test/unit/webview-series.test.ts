// From events to what the chart draws (client/webview/series.ts): series per epoch and fold, the
// batch loss on a fractional epoch axis, resumed runs, TensorBoard's smoothing, the lines of each
// chart (overlays, per-fold colours, log scale), one shared x axis for uPlot, status and progress.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunModel, smooth, charts, align, statusText, progress, runLabel, fmt, type Palette } from '../../client/webview/series';
import { parseEventLines } from '../../client/webview/events';
import { DEFAULT_UI } from '../../client/webview/messages';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';

const recorded = (name: string) => parseEventLines(fs.readFileSync(path.join(__dirname, '..', 'webview', 'fixtures', `${name}.jsonl`), 'utf8'));
const palette: Palette = { train: '#0000ff', val: '#ff8000', lr: '#800080', series: ['#111111', '#222222', '#333333', '#444444', '#555555'], foreground: '#eeeeee', muted: '#999999', grid: '#333333', background: '#000000' };

function epoch(n: number, loss: number, extra: Partial<Extract<TrainEvent, { type: 'epoch' }>> = {}): TrainEvent {
  return { type: 'epoch', epoch: n, epochs: 10, loss, metrics: { accuracy: 1 - loss }, val: { loss: loss + 0.1, metrics: { accuracy: 0.9 - loss } }, lr: 0.1, seconds: 1, samplesPerSecond: 100, best: false, tensors: 5, ...extra };
}
const start = (extra: object = {}): TrainEvent => ({ type: 'start', train: 't', file: 'f.nn', model: 'M', data: 'd', backend: 'cpu', runDir: '/runs/t/1', epochs: 10, batchSize: 8, samples: { train: 80, validation: 20, test: 0 }, params: 10, task: 'classification', classes: 2, metrics: ['accuracy'], ...extra });

describe('webview: series', () => {
  it('a run\'s events become per-epoch series: loss, each metric with its val_ twin, the learning rate', () => {
    const events = recorded('spiral');
    const run = new RunModel(events);
    const epochs = events.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[];
    assert.deepEqual(run.folds, [0]);
    assert.deepEqual(run.groups, ['loss', 'accuracy']);
    assert.deepEqual(run.series(0, 'loss')!.x, epochs.map((e) => e.epoch));
    assert.deepEqual(run.series(0, 'loss')!.y, epochs.map((e) => e.loss));
    assert.deepEqual(run.series(0, 'val_accuracy')!.y, epochs.map((e) => e.val!.metrics.accuracy));
    assert.deepEqual(run.series(0, 'lr')!.y, epochs.map((e) => e.lr));
    // batches on the epoch axis: batch b of B in epoch e sits at e - 1 + b/B
    const batches = events.filter((e) => e.type === 'batch') as Extract<TrainEvent, { type: 'batch' }>[];
    const b = run.batches.get(0)!;
    assert.equal(b.x.length, batches.length);
    assert.equal(b.x[3], batches[3].epoch - 1 + batches[3].batch / batches[3].batches);
    assert.ok(b.x.every((x, i) => i === 0 || x > b.x[i - 1]), 'batch x increases');
    assert.equal(run.boundary, events.filter((e) => e.type === 'boundary').pop());
    assert.ok(run.points && run.end?.test?.confusion);
    assert.equal(progress(run), 1);
  });

  it('k-fold: curves per fold, grouped by the events\' fold; the end\'s mean and std', () => {
    const run = new RunModel(recorded('kfold'));
    assert.equal(run.kfold, 5);
    assert.deepEqual(run.folds, [1, 2, 3, 4, 5]);
    for (const f of run.folds) assert.deepEqual(run.series(f, 'val_loss')!.x, Array.from({ length: 15 }, (_, i) => i + 1));
    assert.notDeepEqual(run.series(1, 'val_loss')!.y, run.series(2, 'val_loss')!.y);
    assert.equal(run.end!.folds!.results.length, 5);
    const list = charts(run, DEFAULT_UI, palette);
    const loss = list.find((c) => c.id === 'loss')!;
    const epochLines = loss.lines.filter((l) => l.kind === 'epoch');
    assert.deepEqual(
      epochLines.map((l) => l.label),
      [1, 2, 3, 4, 5].flatMap((f) => [`loss · fold ${f}`, `val_loss · fold ${f}`]),
    );
    // a colour per fold; validation dashed
    assert.equal(epochLines[2].color, palette.series[1]);
    assert.equal(epochLines[2].color, epochLines[3].color);
    assert.ok(!epochLines[2].dash && epochLines[3].dash);
    // the batch loss of the last fold only; one learning-rate line
    assert.deepEqual(
      loss.lines.filter((l) => l.kind === 'batch').map((l) => l.label),
      ['batch loss · fold 5'],
    );
    assert.deepEqual(
      list.find((c) => c.id === 'lr')!.lines.map((l) => l.label),
      ['lr'],
    );
  });

  it('a resumed run replaces the epochs after the one it resumed from', () => {
    const run = new RunModel([start(), epoch(1, 0.9), epoch(2, 0.8), epoch(3, 0.7), start({ resumedFrom: 2 }), epoch(3, 0.5), epoch(4, 0.4)]);
    assert.deepEqual(run.series(0, 'loss'), { x: [1, 2, 3, 4], y: [0.9, 0.8, 0.5, 0.4] });
    assert.deepEqual(run.series(0, 'val_loss')!.x, [1, 2, 3, 4]);
  });

  it('smoothing is TensorBoard\'s debiased exponential moving average; non-finite values pass through', () => {
    assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3]);
    const s = smooth([1, 2, 3], 0.5);
    // s1 = 0.5·1 / (1 - 0.5) = 1; s2 = (0.25 + 1) / 0.75; s3 = (0.625 + 1.5) / 0.875
    assert.deepEqual(s.map((v) => Number(v.toFixed(10))), [1, Number((1.25 / 0.75).toFixed(10)), Number((2.125 / 0.875).toFixed(10))]);
    const c = smooth([5, 5, 5, 5], 0.9);
    assert.ok(c.every((v) => Math.abs(v - 5) < 1e-12), 'a constant stays itself (no pull towards 0)');
    const n = smooth([1, NaN, 3], 0.5);
    assert.ok(Number.isNaN(n[1]));
    assert.equal(n[2], (0.25 + 1.5) / 0.75);
  });

  it('the lines of a chart: smoothed (not the learning rate), log scale without values ≤ 0, batches on request', () => {
    const run = new RunModel([start(), { type: 'batch', epoch: 1, batch: 1, batches: 2, loss: 0, lr: 0.1 }, { type: 'batch', epoch: 1, batch: 2, batches: 2, loss: 2, lr: 0.1 }, epoch(1, 1, { lr: 0.5 }), epoch(2, 3, { lr: 0.25 })]);
    let list = charts(run, { ...DEFAULT_UI, smoothing: 0.5 }, palette);
    assert.deepEqual(
      list.map((c) => c.id),
      ['loss', 'accuracy', 'lr'],
    );
    const loss = list[0];
    assert.deepEqual(
      loss.lines.map((l) => [l.label, l.kind]),
      [
        ['batch loss', 'batch'],
        ['loss', 'epoch'],
        ['val_loss', 'epoch'],
      ],
    );
    assert.deepEqual(loss.lines[1].y, smooth([1, 3], 0.5));
    assert.deepEqual(list[2].lines[0].y, [0.5, 0.25]);
    assert.equal(loss.lines[0].alpha < 1, true, 'the batch loss is faint');
    list = charts(run, { ...DEFAULT_UI, log: true, batches: false }, palette);
    assert.ok(list.every((c) => c.log));
    assert.deepEqual(
      list[0].lines.map((l) => l.label),
      ['loss', 'val_loss'],
    );
    // accuracy 1 - loss: 0 at epoch 1, -2 at epoch 2: nothing to draw on a log scale
    assert.deepEqual(list[1].lines[0].y, [null, null]);
  });

  it('earlier runs overlaid: the same quantities, dashed and faint, a dash pattern each', () => {
    const run = new RunModel([start(), epoch(1, 0.5)]);
    const old = [
      { id: '2024-01-01T10-00-00', label: runLabel('2024-01-01T10-00-00'), run: new RunModel([start(), epoch(1, 0.9), epoch(2, 0.7)]) },
      { id: '2024-01-02T10-00-00', label: runLabel('2024-01-02T10-00-00'), run: new RunModel([start(), epoch(1, 0.8)]) },
    ];
    const loss = charts(run, DEFAULT_UI, palette, old)[0];
    const hist = loss.lines.filter((l) => l.kind === 'history');
    assert.deepEqual(
      hist.map((l) => l.label),
      ['loss · 2024-01-01 10:00:00', 'val_loss · 2024-01-01 10:00:00', 'loss · 2024-01-02 10:00:00', 'val_loss · 2024-01-02 10:00:00'],
    );
    assert.deepEqual(hist[0].x, [1, 2]);
    assert.ok(hist.every((l) => l.alpha < 1 && l.dash));
    assert.notDeepEqual(hist[0].dash, hist[2].dash);
    assert.equal(hist[1].color, palette.val);
  });

  it('lines share one sorted x axis for uPlot, with null where a line has no value', () => {
    const { x, ys } = align([
      { label: 'a', x: [1, 2, 3], y: [10, 20, 30], color: '', width: 1, alpha: 1, kind: 'epoch' },
      { label: 'b', x: [0.5, 2, 2.5], y: [5, null, 25], color: '', width: 1, alpha: 1, kind: 'batch' },
    ]);
    assert.deepEqual(x, [0.5, 1, 2, 2.5, 3]);
    assert.deepEqual(ys, [
      [null, 10, 20, null, 30],
      [5, null, null, 25, null],
    ]);
  });

  it('status and progress say where the run is', () => {
    const run = new RunModel([start({ epochs: 4 }), epoch(1, 0.5), { type: 'batch', epoch: 2, batch: 1, batches: 2, loss: 0.4, lr: 0.1 }]);
    assert.equal(progress(run), 1.5 / 4);
    assert.match(statusText(run), /^M on d · cpu · 80 training samples · 10 parameters · epoch 1\/10 · loss 0\.5 · val_loss 0\.6/);
    const k = new RunModel([start({ epochs: 10, kfold: 5 }), { type: 'fold', fold: 3, folds: 5 }, epoch(5, 0.5, { fold: 3 })]);
    assert.equal(progress(k), (2 + 0.5) / 5);
    run.add({ type: 'stopped', reason: 'requested', epoch: 2, message: 'stopped at epoch 2 as asked' });
    assert.match(statusText(run), /stopped at epoch 2 as asked$/);
    run.add({ type: 'error', message: 'boom' });
    assert.match(statusText(run), /failed: boom$/);
    assert.deepEqual(run.logs, ['stopped at epoch 2 as asked', 'boom']);
    // the test results say whose weights they are: the saved best epoch's, and the last epoch's when they differ
    const end = { type: 'end', epochs: 40, seconds: 1, samplesPerSecond: 1, runDir: '/r', bestEpoch: 6, test: { loss: 0.5, metrics: { accuracy: 0.75 } } } as const;
    const done = new RunModel([start(), epoch(1, 0.5), { ...end, testEpoch: 6, lastTest: { loss: 0.56, metrics: { accuracy: 0.7333 } } }]);
    assert.match(statusText(done), /test \(best weights, epoch 6\): loss 0\.5 · test accuracy 0\.75 · test \(last weights, epoch 40\): loss 0\.56 · accuracy 0\.7333$/);
    assert.match(statusText(new RunModel([start(), { ...end, testEpoch: 40 }])), /test \(weights of epoch 40\): loss 0\.5 · test accuracy 0\.75$/);
    assert.equal(progress(new RunModel()), 0);
  });

  it('numbers and run names for people', () => {
    assert.equal(fmt(0.123456), '0.1235');
    assert.equal(fmt(12345.6), '12350');
    assert.equal(fmt(0.00001234), '1.23e-5');
    assert.equal(fmt(0), '0');
    assert.equal(fmt(NaN), 'NaN');
    assert.equal(runLabel('2024-05-01T09-30-12'), '2024-05-01 09:30:12');
    assert.equal(runLabel('2024-05-01T09-30-12-2'), '2024-05-01 09:30:12-2');
    assert.equal(runLabel('my-run'), 'my-run');
  });
});
