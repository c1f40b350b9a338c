// A small seeded run of the fuzzer (`npm run fuzz` runs 100,000 inputs), and the inputs it
// found that broke something, kept in test/fixtures/fuzz/: none throws, and the server answers
// every request on them. Time is not asserted here (a loaded machine would make it flaky):
// `npm run fuzz` measures every analysis against its 1 s budget.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FuzzInputs, loadSamples } from '../fuzz/inputs';
import { checkCore, checkLsp } from '../fuzz/check';
import { TestClient } from '../lsp-client';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { makeTargets, targetInput } from '../fuzz/targets';
import type { WorkerJob, WorkerResult } from '../fuzz/worker';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'fuzz');
const TARGET_FIXTURES = path.join(__dirname, '..', 'fixtures', 'fuzz-targets');

/**
 * Runs target jobs in a fuzz worker, each within `ms` (a read that blocks the thread is a hang
 * there, not a frozen test); returns the results, throwing on a hang.
 */
async function inWorker(seed: number, jobs: WorkerJob[], ms: number): Promise<WorkerResult[]> {
  const w = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(path.join(__dirname, '..', 'fuzz', 'worker.ts'))});`, { eval: true, workerData: { seed } });
  const out: WorkerResult[] = [];
  try {
    for (const job of jobs) {
      out.push(
        await new Promise<WorkerResult>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`hang: ${JSON.stringify(job)} unanswered in ${ms} ms`)), ms);
          w.once('message', (r: WorkerResult) => {
            clearTimeout(timer);
            resolve(r);
          });
          w.postMessage(job);
        }),
      );
    }
  } finally {
    await w.terminate();
  }
  return out;
}

describe('fuzz', function () {
  this.timeout(300_000);
  const samples = loadSamples();
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.nn')).sort();

  it('a seeded run: 1,200 inputs through the core, none throws', () => {
    const inputs = new FuzzInputs(20260101, samples);
    for (let i = 0; i < 1200; i++) checkCore(inputs.input(i).text, samples);
  });

  it('the kept crashers: none throws', () => {
    assert.ok(fixtures.length > 0);
    for (const f of fixtures) checkCore(fs.readFileSync(path.join(FIXTURES, f), 'utf8'), samples);
  });

  it('targets: 300 seeded inputs pointing imports and data at hostile files, and the kept ones: none throws or hangs', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nn-fuzz-targets-')));
    try {
      makeTargets(dir);
      const kept = fs.existsSync(TARGET_FIXTURES) ? fs.readdirSync(TARGET_FIXTURES).filter((f) => f.endsWith('.nn')) : [];
      const jobs: WorkerJob[] = Array.from({ length: 300 }, (_, i) => ({ targets: dir, i }));
      // a kept input is input i of its seed (seedS-i.nn)
      for (const f of kept) {
        const [, seed, i] = /^seed(\d+)-(\d+)\.nn$/.exec(f) ?? [];
        assert.equal(targetInput(Number(seed), Number(i), samples).text, fs.readFileSync(path.join(TARGET_FIXTURES, f), 'utf8'), `${f} is not what its seed and number make`);
      }
      const results = await inWorker(20260101, jobs, 20_000);
      for (const f of kept) {
        const [, seed, i] = /^seed(\d+)-(\d+)\.nn$/.exec(f)!;
        results.push(...(await inWorker(Number(seed), [{ targets: dir, i: Number(i) }], 20_000)));
      }
      assert.deepEqual(results.filter((r) => r.error).map((r) => `${r.i}: ${r.error}`), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('targets: the built server answers every request on 12 target inputs, in a folder of hostile files', async function () {
    if (process.platform === 'win32') this.skip();
    assert.ok(fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'server.js')), 'dist/server.js is missing: npm run build');
    const client = await TestClient.start({}, { built: true, prepare: (root) => makeTargets(root) });
    try {
      let requests = 0;
      for (let i = 0; i < 12; i++) requests += await checkLsp(client, `fuzz-${i}.nn`, targetInput(5, i, samples).text, 2, i, 10_000);
      assert.ok(requests > 12 * 20);
    } finally {
      await client.dispose();
    }
  });

  it('the server answers every request type on seeded inputs and on the kept crashers', async () => {
    const files: Record<string, string> = Object.fromEntries(samples);
    const client = await TestClient.start(files);
    try {
      const inputs = new FuzzInputs(77, samples);
      let requests = 0;
      for (let i = 1; i <= 24; i++) requests += await checkLsp(client, `fuzz-${i}.nn`, inputs.input(i).text, 2, i);
      for (const f of fixtures) requests += await checkLsp(client, `kept-${f}`, fs.readFileSync(path.join(FIXTURES, f), 'utf8'), 2, 1);
      assert.ok(requests > 24 * 20);
    } finally {
      await client.dispose();
    }
  });
});
