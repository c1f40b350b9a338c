// A fuzz worker: makes input i of the seed and checks it in the core; reports the time or the
// error. The main thread kills a worker that stops answering (a hang) and starts another.
// A message { targets: dir, i } checks target input i (targets.ts) with the Node host in `dir`.

import { parentPort, workerData } from 'node:worker_threads';
import { FuzzInputs, loadSamples } from './inputs';
import { checkCore } from './check';
import { targetInput, checkOnDisk } from './targets';

export interface WorkerResult {
  i: number;
  kind: string;
  ms: number;
  error?: string;
}

export type WorkerJob = number | { targets: string; i: number };

const { seed } = workerData as { seed: number };
const samples = loadSamples();
const inputs = new FuzzInputs(seed, samples);

parentPort!.on('message', (job: WorkerJob) => {
  const i = typeof job === 'number' ? job : job.i;
  const input = typeof job === 'number' ? inputs.input(i) : targetInput(seed, i, samples);
  let result: WorkerResult;
  try {
    const { ms } = typeof job === 'number' ? checkCore(input.text, samples) : checkOnDisk(input.text, job.targets, i);
    result = { i, kind: input.kind, ms };
  } catch (e) {
    result = { i, kind: input.kind, ms: 0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(result);
});
