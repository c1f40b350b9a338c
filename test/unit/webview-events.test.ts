// The chart's checks of what it is sent and what it reads (client/webview/events.ts, messages.ts):
// every real event passes, anything malformed is dropped without an exception, truncated log
// lines are skipped, the replay log keeps only what the chart draws, and the webview's messages
// to the extension are accepted only in their exact shape.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkEvent, parseEventLines, EventLog, base64Length } from '../../client/webview/events';
import { parseFromWebview, parseToWebview, parseState, parseUi, safeFileName, DEFAULT_UI, MAX_EXPORT } from '../../client/webview/messages';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';

const fixtures = path.join(__dirname, '..', 'webview', 'fixtures');
const recorded = (name: string) => fs.readFileSync(path.join(fixtures, `${name}.jsonl`), 'utf8');
const raw = (name: string): Record<string, unknown>[] => recorded(name).trim().split('\n').map((l) => JSON.parse(l));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const first = (name: string, type: string) => clone(raw(name).find((e) => e.type === type)!);

describe('webview: events', () => {
  it('accepts every event of real runs (spiral, k-fold, dense and conv image models) as it is', () => {
    for (const name of ['spiral', 'spiral-earlier', 'kfold', 'mlp', 'cnn']) {
      const lines = raw(name);
      const events = lines.map(checkEvent);
      events.forEach((e, i) => assert.ok(e, `${name} line ${i + 1} (${String(lines[i].type)}) rejected`));
      assert.deepEqual(events, lines);
    }
  });

  it('drops events with a missing or mistyped field, never throws', () => {
    const bad: unknown[] = [
      null,
      42,
      'epoch',
      [],
      {},
      { type: 'nonsense' },
      { type: 'toString' },
      { type: '__proto__' },
      { ...first('spiral', 'epoch'), epoch: '3' },
      { ...first('spiral', 'epoch'), metrics: { accuracy: 'high' } },
      { ...first('spiral', 'epoch'), val: { loss: 1 } },
      { ...first('spiral', 'epoch'), lr: null },
      { ...first('spiral', 'start'), samples: { train: 1 } },
      { ...first('spiral', 'start'), metrics: 'accuracy' },
      { ...first('spiral', 'batch'), batches: 0 },
      { ...first('spiral', 'boundary'), values: [0, 1] },
      { ...first('spiral', 'boundary'), extent: [0, 1, 2] },
      { ...first('spiral', 'points'), labels: [0] },
      { ...first('spiral', 'end'), test: { loss: 0.1, metrics: {}, confusion: [[1, 2], [3]] } },
      { ...first('spiral', 'end'), lastTest: { loss: 0.1 } },
      { ...first('spiral', 'end'), testEpoch: 0 },
      { ...first('spiral', 'end'), testEpoch: '3' },
      { ...first('kfold', 'end'), folds: { results: [{ loss: 'x', metrics: {} }], mean: {}, std: {} } },
      { ...first('mlp', 'predictions'), images: String(first('mlp', 'predictions').images).slice(4) },
      { ...first('mlp', 'predictions'), images: '!!!!' },
      { ...first('mlp', 'predictions'), predicted: [1] },
      { ...first('mlp', 'predictions'), shape: [28, 28] },
      { ...first('mlp', 'weights'), scale: [1, 2] },
      { ...first('mlp', 'weights'), kind: 'lstm' },
      { type: 'stopped', reason: 'bored', epoch: 1, message: 'x' },
      { type: 'log' },
    ];
    for (const b of bad) assert.equal(checkEvent(b), undefined, JSON.stringify(b).slice(0, 120));
  });

  it('keeps the end event\'s labelled test results: the saved weights\' epoch and the last weights\' result', () => {
    const end = { ...first('spiral', 'end'), testEpoch: 3, lastTest: { loss: 0.2, metrics: { accuracy: 0.9 } } };
    assert.deepEqual(checkEvent(end), end);
  });

  it('reads a measured value written as null (NaN in JSON) back as NaN', () => {
    const e = checkEvent({ ...first('spiral', 'epoch'), val: { loss: null, metrics: { accuracy: null } } });
    assert.ok(e && e.type === 'epoch' && Number.isNaN(e.val!.loss) && Number.isNaN(e.val!.metrics.accuracy));
  });

  it('counts the bytes of base64 without decoding, and refuses what is not base64', () => {
    assert.equal(base64Length(Buffer.from('abcde').toString('base64')), 5);
    assert.equal(base64Length(Buffer.from('abcdef').toString('base64')), 6);
    assert.equal(base64Length(''), 0);
    assert.equal(base64Length('abc'), -1);
    assert.equal(base64Length('ab$='), -1);
  });

  it('skips truncated, garbage and invalid lines of a metrics.jsonl', () => {
    const text = recorded('spiral');
    const all = parseEventLines(text);
    assert.equal(all.length, text.trim().split('\n').length);
    const cut = text.slice(0, text.length - 40); // the last line cut short (a run still writing)
    assert.equal(parseEventLines(cut).length, all.length - 1);
    const messy = `garbage\n\n{"type":"epoch"}\n${text.split('\n')[0]}\n[1,2]\n{"type":"log","message":"ok"}\r\n\u0000\n`;
    assert.deepEqual(
      parseEventLines(messy).map((e) => e.type),
      ['start', 'log'],
    );
    assert.deepEqual(
      parseEventLines(text, (e) => e.type === 'epoch').map((e) => e.type),
      all.filter((e) => e.type === 'epoch').map((e) => e.type),
    );
  });

  it('the replay log keeps the latest boundary and weights of each fold, and thins batches past its limit', () => {
    const log = new EventLog(10);
    const b = (epoch: number, fold?: number): TrainEvent => ({ type: 'boundary', epoch, extent: [0, 1, 0, 1], size: 1, values: [0], ...(fold ? { fold } : {}) });
    log.push(b(1, 1));
    log.push(b(1, 2));
    log.push({ type: 'log', message: 'x' });
    log.push(b(2, 1));
    assert.deepEqual(
      log.events.map((e) => [e.type, (e as { epoch?: number }).epoch, (e as { fold?: number }).fold]),
      [
        ['boundary', 1, 2],
        ['log', undefined, undefined],
        ['boundary', 2, 1],
      ],
    );
    for (let i = 1; i <= 11; i++) log.push({ type: 'batch', epoch: 1, batch: i, batches: 20, loss: 1, lr: 0.1 });
    const batches = log.events.filter((e) => e.type === 'batch').map((e) => (e as { batch: number }).batch);
    // the 11th batch thinned the first ten to every other one, then came itself
    assert.deepEqual(batches, [1, 3, 5, 7, 9, 11]);
    assert.equal(log.length, 3 + 6);
    log.clear();
    assert.equal(log.events.length, 0);
  });

  it('the replay of a real run: every epoch kept, one boundary', () => {
    const log = new EventLog();
    const events = parseEventLines(recorded('spiral'));
    for (const e of events) log.push(e);
    const kept = log.events;
    assert.equal(kept.filter((e) => e.type === 'boundary').length, 1);
    assert.equal(kept.filter((e) => e.type === 'epoch').length, 60);
    assert.deepEqual(kept.filter((e) => e.type === 'boundary')[0], events.filter((e) => e.type === 'boundary').pop());
  });
});

describe('webview: messages', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString('base64');

  it('from the webview: ready, and save with a safe name, a known format and data of that format', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'save', format: 'csv', name: 'spiral-2024.csv', data: 'a,b\n' }), { type: 'save', format: 'csv', name: 'spiral-2024.csv', data: 'a,b\n' });
    assert.equal(parseFromWebview({ type: 'save', format: 'png', name: 'x.png', data: png })?.type, 'save');
    assert.equal(parseFromWebview({ type: 'save', format: 'svg', name: 'x.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' })?.type, 'save');
    const bad: unknown[] = [
      undefined,
      'ready',
      { type: 'Ready' },
      { type: 'save', format: 'exe', name: 'x.exe', data: 'x' },
      { type: 'save', format: 'csv', name: '../x.csv', data: 'x' },
      { type: 'save', format: 'csv', name: '/etc/x.csv', data: 'x' },
      { type: 'save', format: 'csv', name: '.bashrc.csv', data: 'x' },
      { type: 'save', format: 'csv', name: 'x.png', data: 'x' },
      { type: 'save', format: 'csv', name: 'x.csv', data: '' },
      { type: 'save', format: 'csv', name: 'x.csv', data: 7 },
      { type: 'save', format: 'csv', name: 'x.csv', data: 'x'.repeat(MAX_EXPORT + 1) },
      { type: 'save', format: 'png', name: 'x.png', data: Buffer.from('GIF89a').toString('base64') },
      { type: 'save', format: 'png', name: 'x.png', data: `${png}<script>` },
      { type: 'save', format: 'svg', name: 'x.svg', data: '<html><svg></svg></html>' },
    ];
    for (const b of bad) assert.equal(parseFromWebview(b), undefined, JSON.stringify(b)?.slice(0, 100));
  });

  it('safe file names: plain names with the format\'s extension', () => {
    assert.equal(safeFileName('spiral_deep-2024-05-01-09-30-12.svg', 'svg'), 'spiral_deep-2024-05-01-09-30-12.svg');
    for (const n of ['a b.svg', 'a/b.svg', 'a\\b.svg', '..svg', 'x.svg.exe', 'x.SVG ', '']) assert.equal(safeFileName(n, 'svg'), undefined, n);
  });

  it('to the webview: runs, events and history checked event by event', () => {
    const events = parseEventLines(recorded('kfold'));
    const run = parseToWebview({ type: 'run', train: 't', runDir: '/r', events: [...events, { type: 'epoch' }, 5] });
    assert.ok(run?.type === 'run' && run.events.length === events.length && run.runDir === '/r');
    assert.equal(parseToWebview({ type: 'run', train: 't', events: 'all' }), undefined);
    assert.equal(parseToWebview({ type: 'run', train: 3, events: [] }), undefined);
    assert.deepEqual(parseToWebview({ type: 'event', event: events[0] }), { type: 'event', event: events[0] });
    assert.equal(parseToWebview({ type: 'event', event: { type: 'epoch', epoch: -1 } }), undefined);
    assert.equal(parseToWebview({ type: 'event', runDir: 5, event: events[0] }), undefined);
    const h = parseToWebview({ type: 'history', train: 't', runs: [{ id: 'a', events: events.slice(0, 3) }, { id: 7, events: [] }, { id: 'b' }, null] });
    assert.ok(h?.type === 'history');
    assert.deepEqual(
      h.runs.map((r) => r.id),
      ['a'],
    );
    assert.equal(parseToWebview({ type: 'boom' }), undefined);
  });

  it('the saved state: checked, with the controls\' defaults for anything odd', () => {
    const events = parseEventLines(recorded('spiral')).slice(0, 5);
    const s = parseState({ train: 't', runDir: '/runs/t/1', events, ui: { smoothing: 0.6, log: true, batches: false, overlay: ['a', 3] } });
    assert.deepEqual(s, { train: 't', runDir: '/runs/t/1', events, ui: { smoothing: 0.6, log: true, batches: false, overlay: ['a'] } });
    assert.deepEqual(parseState({ train: 't' }), { train: 't', ui: DEFAULT_UI });
    assert.equal(parseState({ train: 1 }), undefined);
    assert.equal(parseState(null), undefined);
    assert.deepEqual(parseUi({ smoothing: 5, log: 'yes', overlay: 'a' }), DEFAULT_UI);
  });
});
