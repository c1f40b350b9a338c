// A fuzz worker: makes input i of the seed and checks it in the core; reports the time or the
// error. The main thread kills a worker that stops answering (a hang) and starts another.

import { parentPort, workerData } from 'node:worker_threads';
import { FuzzInputs, loadSamples } from './inputs';
import { checkCore } from './check';

export interface WorkerResult {
  i: number;
  kind: string;
  ms: number;
  error?: string;
}

const { seed } = workerData as { seed: number };
const samples = loadSamples();
const inputs = new FuzzInputs(seed, samples);

parentPort!.on('message', (i: number) => {
  const input = inputs.input(i);
  let result: WorkerResult;
  try {
    const { ms } = checkCore(input.text, samples);
    result = { i, kind: input.kind, ms };
  } catch (e) {
    result = { i, kind: input.kind, ms: 0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(result);
});
