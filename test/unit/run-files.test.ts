// The one reader of run folders' files (server/src/runtime/train/run-files.ts) and its one
// limit: nn runs (run-table.ts), the chart and Compare Runs (client/src/chart-files.ts) and
// nn plot read the same files alike. A 40 MB metrics.jsonl was listed by nn runs and refused by
// nn plot ("no readable metrics.jsonl"); a file over the limit is refused by all of them, with
// its name, its size and the limit.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNn } from '../nn-cli';
import { readRunText, MAX_RUN_FILE_BYTES, CheckpointError } from '../../server/src/runtime/train/run-files';
import { readJson } from '../../server/src/runtime/train/checkpoint';
import { object, str } from '../../server/src/runtime/train/schema';
import { readRun } from '../../server/src/runtime/train/run-table';
import { readRunEvents, runEvents, isRunDirOf } from '../../client/src/chart-files';

describe('run files: one reader, one limit', function () {
  this.timeout(60_000);
  let tmp: string;
  let run: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-run-files-'));
    const file = path.join(tmp, 'r.nn');
    fs.writeFileSync(file, 'model M {\n  input [2]\n  dense(2)\n}\ntrain r {\n  model: M\n  data: spiral(n: 60, classes: 2)\n  loss: cross_entropy\n  metrics: [accuracy]\n  epochs: 2\n  validation: 0.25\n  seed: 1\n}\n');
    const r = await runNn(['train', file, '--runs', path.join(tmp, 'runs'), '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    run = path.join(tmp, 'runs', 'r', fs.readdirSync(path.join(tmp, 'runs', 'r'))[0]);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const copy = (name: string) => {
    const d = path.join(tmp, 'runs', 'r', name);
    fs.cpSync(run, d, { recursive: true });
    return d;
  };

  it('a 40 MB metrics.jsonl is read by nn runs, the chart and nn plot alike', async () => {
    const big = copy('big');
    // a long line the readers skip (not an event), then the run's own lines
    const log = fs.readFileSync(path.join(big, 'metrics.jsonl'), 'utf8');
    fs.writeFileSync(path.join(big, 'metrics.jsonl'), `#${'x'.repeat(40 * 2 ** 20)}\n${log}`);
    assert.ok(fs.statSync(path.join(big, 'metrics.jsonl')).size > 40 * 2 ** 20);
    const row = readRun(big);
    assert.equal(row.status, 'done', row.reason);
    assert.equal(row.epochs, 2);
    assert.ok(readRunEvents(big)!.some((e) => e.type === 'epoch'));
    const out = path.join(tmp, 'big.svg');
    const r = await runNn(['plot', big, '--out', out]);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.match(fs.readFileSync(out, 'utf8'), /<polyline/);
  });

  it('a file over the limit is refused by every reader, naming the file, its size and the limit', async () => {
    const huge = copy('huge');
    const log = path.join(huge, 'metrics.jsonl');
    // sparse: its size is over the limit without a byte written
    fs.truncateSync(log, MAX_RUN_FILE_BYTES + 2 ** 20);
    const said = /metrics\.jsonl is 257\.0 MB, more than the 256\.0 MB that nn reads of a run folder's file/;
    assert.throws(() => readRunText(log), (e: Error) => e instanceof CheckpointError && said.test(e.message) && e.message.includes(log));
    assert.throws(() => runEvents(huge), said);
    assert.equal(readRunEvents(huge), undefined);
    const row = readRun(huge);
    assert.equal(row.status, 'failed');
    assert.match(row.reason!, said);
    const r = await runNn(['plot', huge, '--out', path.join(tmp, 'huge.svg')]);
    assert.equal(r.code, 1);
    assert.match(r.err[0], /has no readable metrics\.jsonl: .*metrics\.jsonl is 257\.0 MB, more than the 256\.0 MB/);
    assert.ok(!fs.existsSync(path.join(tmp, 'huge.svg')));
    // a file one byte over the limit does not read as the limit itself
    fs.truncateSync(log, MAX_RUN_FILE_BYTES + 1);
    assert.throws(() => readRunText(log), /metrics\.jsonl is 256\.000001 MB, more than the 256\.000000 MB that nn reads/);
    fs.truncateSync(log, MAX_RUN_FILE_BYTES + 2 ** 20);
    // and a resume of it says the same, not a crash
    const resumed = await runNn(['train', '--resume', huge, '--backend', 'cpu', '--epochs', '3']);
    assert.equal(resumed.code, 1, resumed.err.join('\n'));
    assert.match(resumed.err.join('\n'), said);
  });

  it('a missing metrics.jsonl: none to read, said as missing', () => {
    const none = copy('none');
    fs.rmSync(path.join(none, 'metrics.jsonl'));
    assert.equal(readRunText(path.join(none, 'metrics.jsonl')), undefined);
    assert.throws(() => runEvents(none), /metrics\.jsonl is missing/);
  });

  it("a sweep trial's folder is a run folder of its train block, so its chart keeps it after a window reload", () => {
    const sweep = path.join(tmp, 'runs', 'lr_sweep', '2026-01-01T10-00-00');
    assert.equal(isRunDirOf(path.join(sweep, 'trial-02'), 'lr_sweep'), true);
    assert.equal(isRunDirOf(path.join(sweep, 'trial-002'), 'lr_sweep'), true);
    assert.equal(isRunDirOf(sweep, 'lr_sweep'), true);
    // not a trial's name, or another block's sweep
    assert.equal(isRunDirOf(path.join(sweep, 'best'), 'lr_sweep'), false);
    assert.equal(isRunDirOf(path.join(tmp, 'runs', 'other', '2026', 'trial-01'), 'lr_sweep'), false);
    assert.equal(isRunDirOf(path.join('runs', 'lr_sweep', 'x', 'trial-01'), 'lr_sweep'), false);
  });

  it('a damaged JSON file is placed by the character a person counts (from 1), or said to end too soon', () => {
    const file = path.join(tmp, 'bad.json');
    const check = object({ train: str() });
    fs.writeFileSync(file, '{bad');
    assert.throws(() => readJson(file, check), /bad\.json is damaged: not valid JSON \(at character 2\)$/);
    fs.writeFileSync(file, '{"train": 5');
    assert.throws(() => readJson(file, check), /bad\.json is damaged: not valid JSON \(it ends too soon\)$/);
  });
});
