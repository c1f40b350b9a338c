// `npm run fuzz`: the language core and server under random and mutated input.
//
//   node --import tsx test/fuzz/main.ts [--count 100000] [--seed 1] [--workers 2] [--lsp-every 50] [--points 3]
//
// Workers check inputs in the core (parse, analyze, summarize, format), each timed; one that stops
// answering for 30 s is a hang: it is killed and another takes over. Meanwhile the main thread
// runs every --lsp-every'th input through the real language server (every request type, at
// --points positions). A crash, a hang, an analysis over 1 s or an unanswered request is a
// failure: the input is written to test/fixtures/fuzz/ (to be kept with a regression test) and
// the run exits 1. The numbers go to stdout and bench/results/fuzz.json.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FuzzInputs, loadSamples } from './inputs';
import { checkLsp, ANSWER_MS } from './check';
import { TestClient } from '../lsp-client';
import type { WorkerResult } from './worker';

const LIMIT_MS = 1000;
const HANG_MS = 30_000;
const root = path.join(__dirname, '..', '..');
const FIXTURES = path.join(root, 'test', 'fixtures', 'fuzz');

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

const count = flag('count', 100_000);
const seed = flag('seed', 1);
const workers = Math.max(1, flag('workers', 2));
const lspEvery = flag('lsp-every', 50);
const points = flag('points', 3);

interface Failure {
  i: number;
  kind: string;
  what: string;
  file: string;
}

const samples = loadSamples();
const inputs = new FuzzInputs(seed, samples);
const failures: Failure[] = [];
const times: number[] = [];
const byKind = new Map<string, { n: number; maxMs: number }>();
let slowest = { ms: 0, i: -1, kind: '' };

function keep(i: number, what: string): Failure {
  const input = inputs.input(i);
  fs.mkdirSync(FIXTURES, { recursive: true });
  const file = path.join(FIXTURES, `seed${seed}-${i}.nn`);
  fs.writeFileSync(file, input.text);
  const f = { i, kind: input.kind, what: what.split('\n').slice(0, 6).join('\n'), file: path.relative(root, file) };
  failures.push(f);
  console.error(`FAILURE input ${i} (${input.kind}): ${f.what}\n  kept as ${f.file}`);
  return f;
}

function record(r: WorkerResult): void {
  if (r.error) {
    keep(r.i, `exception: ${r.error}`);
    return;
  }
  times.push(r.ms);
  // the strategies, without the order they were applied in
  const kind = r.kind.split('+').sort().join('+');
  const k = byKind.get(kind) ?? { n: 0, maxMs: 0 };
  k.n++;
  k.maxMs = Math.max(k.maxMs, r.ms);
  byKind.set(kind, k);
  if (r.ms > slowest.ms) slowest = { ms: r.ms, i: r.i, kind: r.kind };
  if (r.ms > LIMIT_MS) keep(r.i, `analysis took ${r.ms.toFixed(0)} ms (limit ${LIMIT_MS} ms)`);
}

/** The core part: inputs 0..count-1 over the workers. */
function runCore(): Promise<void> {
  let next = 0;
  let done = 0;
  return new Promise((resolve) => {
    const start = () => {
      const w = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`, { eval: true, workerData: { seed } });
      const slot = { w, current: -1, since: 0 };
      const feed = () => {
        if (next >= count) {
          void w.terminate();
          if (done >= count) resolve();
          return;
        }
        slot.current = next++;
        slot.since = Date.now();
        w.postMessage(slot.current);
      };
      w.on('message', (r: WorkerResult) => {
        record(r);
        done++;
        if (done % 10_000 === 0) console.log(`  ${done} inputs, ${failures.length} failures, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        slot.current = -1;
        feed();
      });
      w.on('error', (e) => {
        // an exception that escaped the worker's own catch (a stack overflow in a handler, say)
        if (slot.current >= 0) {
          keep(slot.current, `worker died: ${e.stack ?? e.message}`);
          done++;
        }
        slots.delete(slot);
        slots.add(start());
      });
      feed();
      return slot;
    };
    const slots = new Set(Array.from({ length: workers }, start));
    const watchdog = setInterval(() => {
      for (const s of slots) {
        if (s.current >= 0 && Date.now() - s.since > HANG_MS) {
          keep(s.current, `hang: no answer in ${HANG_MS / 1000} s`);
          done++;
          s.current = -1;
          slots.delete(s);
          void s.w.terminate();
          slots.add(start());
        }
      }
      if (done >= count) {
        clearInterval(watchdog);
        resolve();
      }
    }, 1000);
  });
}

/** The server part: every lspEvery'th input (and every tenth 1 MB one) through every request type. */
async function runLsp(): Promise<{ inputs: number; requests: number; maxMs: number }> {
  if (lspEvery === 0) return { inputs: 0, requests: 0, maxMs: 0 };
  const files: Record<string, string> = {};
  for (const [name, t] of samples) files[name] = t;
  files['data/houses.csv'] = fs.readFileSync(path.join(root, 'samples', 'data', 'houses.csv'), 'utf8');
  let client = await TestClient.start(files);
  let n = 0;
  let requests = 0;
  let maxMs = 0;
  for (let i = 7; i < count; i += lspEvery) {
    for (const j of i % 4000 < lspEvery ? [i, i - 7] : [i]) {
      const input = inputs.input(j);
      const t = performance.now();
      try {
        requests += await checkLsp(client, `fuzz-${j}.nn`, input.text, points, j, ANSWER_MS);
      } catch (e) {
        keep(j, `LSP: ${e instanceof Error ? e.message : String(e)}`);
        await client.dispose();
        client = await TestClient.start(files);
      }
      maxMs = Math.max(maxMs, performance.now() - t);
      n++;
    }
  }
  await client.dispose();
  return { inputs: n, requests, maxMs };
}

const t0 = Date.now();
console.log(`fuzz: ${count} inputs, seed ${seed}, ${workers} workers; every ${lspEvery}th input through the language server`);
void Promise.all([runCore().then(() => (Date.now() - t0) / 1000), runLsp().then((r) => ({ ...r, seconds: (Date.now() - t0) / 1000 }))]).then(([coreSeconds, lsp]) => {
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  const result = {
    seed,
    inputs: count,
    seconds: (Date.now() - t0) / 1000,
    core: {
      seconds: coreSeconds,
      analysisMs: { median: q(0.5), p99: q(0.99), max: slowest.ms },
      slowest,
      kinds: Object.fromEntries([...byKind].sort((a, b) => b[1].n - a[1].n).map(([k, v]) => [k, { n: v.n, maxMs: Math.round(v.maxMs) }])),
    },
    lsp,
    failures,
  };
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results', 'fuzz.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(
    `done in ${result.seconds.toFixed(0)} s: ${count} inputs in the core (median ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(1)} ms, ` +
      `max ${slowest.ms.toFixed(0)} ms: input ${slowest.i}, ${slowest.kind}); ${lsp.inputs} through the server, ${lsp.requests} requests, ` +
      `slowest input ${lsp.maxMs.toFixed(0)} ms; ${failures.length} failures`,
  );
  process.exit(failures.length ? 1 : 0);
});
