// `npm run fuzz`: the language core and server under random and mutated input.
//
//   node --import tsx test/fuzz/main.ts [--count 100000] [--seed 1] [--workers 2] [--lsp-every 50] [--points 3] [--targets 2000]
//
// Workers check inputs in the core (parse, analyze, summarize, format), each timed; one that stops
// answering for 30 s is a hang: it is killed and another takes over. Meanwhile the main thread
// runs every --lsp-every'th input through the real language server (every request type, at
// --points positions). A crash, a hang, an analysis over 1 s or an unanswered request is a
// failure: the input is written to test/fixtures/fuzz/ (to be kept with a regression test) and
// the run exits 1. The numbers go to stdout and bench/results/fuzz.json.
// Then --targets inputs point imports and datasets at hostile files (targets.ts: devices, FIFOs,
// huge, binary, empty and unreadable files, gzip bombs, link loops and escapes) in a temporary
// folder, through the core with the Node host in the workers (a read that blocks is a hang), and
// every --lsp-every'th through the built server (dist/server.js) in that folder; a failure is
// kept in test/fixtures/fuzz-targets/.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as os from 'node:os';
import { FuzzInputs, loadSamples } from './inputs';
import { makeTargets, targetInput } from './targets';
import { checkLsp, ANSWER_MS } from './check';
import { TestClient } from '../lsp-client';
import type { WorkerResult, WorkerJob } from './worker';

const LIMIT_MS = 1000;
const HANG_MS = 30_000;
const root = path.join(__dirname, '..', '..');
const FIXTURES = path.join(root, 'test', 'fixtures', 'fuzz');
const TARGET_FIXTURES = path.join(root, 'test', 'fixtures', 'fuzz-targets');

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
const targetCount = flag('targets', 2000);

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
const targetTimes: number[] = [];
const byKind = new Map<string, { n: number; maxMs: number }>();
let slowest = { ms: 0, i: -1, kind: '' };

function keep(i: number, what: string, target = false): Failure {
  const input = target ? targetInput(seed, i, samples) : inputs.input(i);
  const folder = target ? TARGET_FIXTURES : FIXTURES;
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `seed${seed}-${i}.nn`);
  fs.writeFileSync(file, input.text);
  const f = { i, kind: input.kind, what: what.split('\n').slice(0, 6).join('\n'), file: path.relative(root, file) };
  failures.push(f);
  console.error(`FAILURE input ${i} (${input.kind}): ${f.what}\n  kept as ${f.file}`);
  return f;
}

function record(r: WorkerResult, target = false): void {
  if (r.error) {
    keep(r.i, `exception: ${r.error}`, target);
    return;
  }
  (target ? targetTimes : times).push(r.ms);
  // the strategies, without the order they were applied in
  const kind = r.kind.split('+').sort().join('+');
  const k = byKind.get(kind) ?? { n: 0, maxMs: 0 };
  k.n++;
  k.maxMs = Math.max(k.maxMs, r.ms);
  byKind.set(kind, k);
  if (!target && r.ms > slowest.ms) slowest = { ms: r.ms, i: r.i, kind: r.kind };
  if (r.ms > LIMIT_MS) keep(r.i, `analysis took ${r.ms.toFixed(0)} ms (limit ${LIMIT_MS} ms)`, target);
}

/** The core part: inputs 0..count-1 over the workers (target inputs when `targets` names their folder). */
function runCore(count: number, targets?: string): Promise<void> {
  const job = (i: number): WorkerJob => (targets ? { targets, i } : i);
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
        w.postMessage(job(slot.current));
      };
      w.on('message', (r: WorkerResult) => {
        record(r, !!targets);
        done++;
        if (done % 10_000 === 0) console.log(`  ${done} inputs, ${failures.length} failures, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        slot.current = -1;
        feed();
      });
      w.on('error', (e) => {
        // an exception that escaped the worker's own catch (a stack overflow in a handler, say)
        if (slot.current >= 0) {
          keep(slot.current, `worker died: ${e.stack ?? e.message}`, !!targets);
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
          keep(s.current, `hang: no answer in ${HANG_MS / 1000} s`, !!targets);
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

/**
 * The targets part: inputs pointing at hostile files, in the core (workers) and every
 * lspEvery'th through the built server started in the targets folder (a child process: one that
 * blocks on a read is seen as unanswered requests, not a frozen fuzzer).
 */
async function runTargets(): Promise<{ inputs: number; lspInputs: number; requests: number; seconds: number; maxMs: number }> {
  const t = Date.now();
  if (targetCount === 0) return { inputs: 0, lspInputs: 0, requests: 0, seconds: 0, maxMs: 0 };
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nn-fuzz-targets-')));
  let lspInputs = 0;
  let requests = 0;
  try {
    makeTargets(dir);
    await runCore(targetCount, dir);
    if (lspEvery > 0) {
      let client = await TestClient.start({}, { built: true, prepare: (root) => makeTargets(root) });
      for (let i = 3; i < targetCount; i += lspEvery) {
        try {
          requests += await checkLsp(client, `fuzz-${i}.nn`, targetInput(seed, i, samples).text, points, i, ANSWER_MS);
        } catch (e) {
          keep(i, `LSP: ${e instanceof Error ? e.message : String(e)}`, true);
          await client.dispose();
          client = await TestClient.start({}, { built: true, prepare: (root) => makeTargets(root) });
        }
        lspInputs++;
      }
      await client.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { inputs: targetCount, lspInputs, requests, seconds: (Date.now() - t) / 1000, maxMs: Math.round(Math.max(0, ...targetTimes)) };
}

const t0 = Date.now();
console.log(`fuzz: ${count} inputs, seed ${seed}, ${workers} workers; every ${lspEvery}th input through the language server; ${targetCount} target inputs`);
void Promise.all([
  runCore(count).then(() => (Date.now() - t0) / 1000),
  runLsp().then((r) => ({ ...r, seconds: (Date.now() - t0) / 1000 })),
]).then(async ([coreSeconds, lsp]) => {
  const targets = await runTargets();
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
    targets,
    failures,
  };
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results', 'fuzz.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(
    `done in ${result.seconds.toFixed(0)} s: ${count} inputs in the core (median ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(1)} ms, ` +
      `max ${slowest.ms.toFixed(0)} ms: input ${slowest.i}, ${slowest.kind}); ${lsp.inputs} through the server, ${lsp.requests} requests, ` +
      `slowest input ${lsp.maxMs.toFixed(0)} ms; ${targets.inputs} target inputs (slowest ${targets.maxMs} ms; ${targets.lspInputs} through the server, ${targets.requests} requests) in ${targets.seconds.toFixed(0)} s; ` +
      `${failures.length} failures`,
  );
  process.exit(failures.length ? 1 : 0);
});
