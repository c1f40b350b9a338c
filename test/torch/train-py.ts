// What the tests of an exported train.py share: exporting a train block, running train.py with a
// given Python, reading its events, and the loss of the first batch event.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { main } from '../../server/src/cli/main';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';

export async function exportTrain(file: string, train: string, out: string): Promise<void> {
  const err: string[] = [];
  const code = await main(['export', file, '--to', 'pytorch', '--train', train, '--out', out], () => undefined, (s) => err.push(s));
  assert.equal(code, 0, err.join('\n'));
}

/** train.py's stdout with --json: every line an event nn's own parser reads. */
export function events(stdout: string): TrainEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const e = parseEvent(l);
      assert.ok(e, `not an event: ${l}`);
      return e;
    });
}

/** `python train.py --json --threads 1 ARGS` in dir, one process. */
export function trainPy(python: string, dir: string, args: string[], env: Record<string, string> = {}): { code: number; events: TrainEvent[]; stderr: string } {
  const r = spawnSync(python, ['train.py', '--json', '--threads', '1', ...args], { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, events: events(r.stdout), stderr: r.stderr };
}

/** The loss of epoch 1's first batch event (always sent: a run's first batch has one). */
export function firstBatchLoss(es: TrainEvent[]): number {
  const first = es.find((e) => e.type === 'batch' && e.epoch === 1 && e.batch === 1) as Extract<TrainEvent, { type: 'batch' }> | undefined;
  assert.ok(first, 'no batch event for epoch 1, batch 1');
  return first.loss;
}

/** The loss of each epoch event. */
export function curve(es: TrainEvent[]): number[] {
  return es.filter((e) => e.type === 'epoch').map((e) => (e as { loss: number }).loss);
}
