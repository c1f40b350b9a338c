// The wasm backend on several threads (server/src/runtime/wasm-threads.ts): the thread count asked
// for is the one the engine runs; results are the same bits as on one thread (XNNPACK splits a
// product's output among threads, never a sum, so each value is computed in the same order); nn's
// kernels, the SIMD ones on the shared memory included, pass their suites on the threaded build;
// `nn train --threads N` trains, repeats itself with the same seed, and exits when done (the pool's
// workers do not keep the process alive); a model without batch_norm trains on threads that split
// the batch (runtime/train/replicas.ts: the numbers of one thread to rounding; replicas.test.ts),
// one with it on the pool (the same bits); threads that cannot run are an error when asked for and
// a stated single thread by default.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { tf, type BackendWasm } from '../../server/src/runtime/tf';
import { BackendError, selectBackend, threadsPhrase, wasmThreads } from '../../server/src/runtime/backend';
import { renderRuntime, rmsg } from '../../server/src/core/runtime-messages';
import { THREADS_MIN_MULT_ADDS, WASM_MAX_THREADS, defaultThreads, useWasmThreads, wasmThreads as registeredThreads } from '../../server/src/runtime/wasm-threads';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { FusedAdamOptimizer } from '../../server/src/runtime/train/adam';
import type { ModelGraph } from '../../server/src/core/graph';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import { ModelGenerator, mulberry32 } from '../gen/random-models';
import { main } from '../../server/src/cli/main';
import { parseEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';
import { WAVES_NN } from '../helpers';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function engine(): BackendWasm {
  assert.equal(tf.getBackend(), 'wasm');
  return tf.backend() as BackendWasm;
}

const threadsOf = (b: BackendWasm) => (b.wasm as unknown as { tfjs: { getThreadsCount(): number } }).tfjs.getThreadsCount();

describe('the wasm backend on several threads', function () {
  after(async () => {
    await useWasmThreads(1);
    await tf.setBackend('cpu');
  });

  it('by default takes every core other work leaves idle, at least 1, at most 8', () => {
    const cases: [cores: number, load: number, threads: number][] = [
      [2, 0, 2],
      [2, 0.4, 2],
      [2, 0.6, 1],
      [2, 7.8, 1],
      [8, 1.2, 7],
      [16, 0, 8],
      [16, 7.6, 8],
      [16, 9, 7],
      [1, 0, 1],
    ];
    for (const [cores, load, threads] of cases) assert.equal(defaultThreads(cores, load).threads, threads, `${cores} cores, load ${load}`);
    assert.equal(WASM_MAX_THREADS, 8);
  });

  it('by default runs a small model (under 50 M multiply-adds a step) on one thread', () => {
    // the reference MLP at batch 64, and the convnet at batch 128 (nn summary's mult-adds per sample)
    assert.equal(defaultThreads(8, 0, 109_184 * 64).threads, 1);
    assert.equal(defaultThreads(8, 0, 2_440_960 * 128).threads, 8);
    assert.equal(defaultThreads(8, 6, 2_440_960 * 128).threads, 2);
    assert.equal(THREADS_MIN_MULT_ADDS, 50e6);
  });

  it('the start line says how many threads and why', () => {
    const auto = (cores: number, load: number) => defaultThreads(cores, load);
    assert.equal(threadsPhrase({ threads: 2, auto: auto(2, 0) }, 2), '2 threads, one per core');
    assert.equal(threadsPhrase({ threads: 8, auto: auto(16, 0) }, 16), "8 threads (of 16 cores: TensorFlow.js' wasm engine makes at most 8)");
    assert.equal(threadsPhrase({ threads: 1, auto: auto(2, 7.8) }, 2), 'one thread (2 cores, 2 busy with other work: load 7.8; --threads N to choose)');
    assert.equal(threadsPhrase({ threads: 4 }, 2), '4 threads (as asked; more than the 2 cores here)');
    assert.equal(threadsPhrase({ threads: 1 }, 2), 'one thread (as asked)');
    assert.equal(threadsPhrase({ threads: 1, why: rmsg('noSharedArrayBuffer'), auto: auto(4, 0) }, 4), 'one thread (this JavaScript runtime has no SharedArrayBuffer)');
    assert.equal(threadsPhrase({ threads: 1, auto: defaultThreads(4, 0, 7e6) }, 4), 'one thread (a small model: 7.0 M multiply-adds a step, under the 50.0 M where threads start to pay; --threads N to choose)');
  });

  it('--threads 2 runs the threaded engine with 2 threads on a shared memory', async () => {
    const info = await selectBackend('wasm', undefined, 2);
    assert.equal(info.name, 'wasm');
    assert.equal(info.threads, 2);
    assert.ok(info.note.includes('on 2 threads (as asked)'), info.note);
    const b = engine();
    assert.equal(threadsOf(b), 2);
    assert.ok((b.wasm as unknown as { wasmMemory: WebAssembly.Memory }).wasmMemory.buffer instanceof SharedArrayBuffer);
    // and back to tfjs' single-threaded build, whose memory is not shared
    const one = await selectBackend('wasm', undefined, 1);
    assert.equal(one.threads, 1);
    assert.equal(threadsOf(engine()), 1);
    assert.equal(registeredThreads(), 1);
  });

  it("the heap view tfjs reads covers the memory after it grows elsewhere (as when a pool thread's malloc grows it)", async () => {
    await selectBackend('wasm', undefined, 2);
    const wasm = engine().wasm as unknown as { wasmMemory: WebAssembly.Memory; HEAPU8: Uint8Array };
    const before = wasm.HEAPU8.byteLength;
    wasm.wasmMemory.grow(16);
    assert.equal(wasm.HEAPU8.byteLength, before + 16 * 65536);
    // and tensors still go in and out through it (integer sums under 2^24: exact in float32)
    const values = Float32Array.from({ length: 1 << 20 }, (_, i) => i % 7);
    const x = tf.tensor(values);
    assert.equal(tf.tidy(() => tf.sum(x).dataSync()[0]), values.reduce((a, b) => a + b, 0));
    assert.deepEqual(x.dataSync().slice(-7), values.slice(-7));
    x.dispose();
  });

  it('the engine runs up to 8 threads; more is refused, and the cpu backend takes no threads', async function () {
    this.timeout(300_000);
    await useWasmThreads(8);
    assert.ok(await tf.setBackend('wasm'));
    assert.equal(threadsOf(engine()), 8);
    await assert.rejects(selectBackend('wasm', undefined, 9), (e: unknown) => e instanceof BackendError && /runs 1 to 8 threads/.test(e.message));
    await assert.rejects(selectBackend('cpu', undefined, 2), (e: unknown) => e instanceof BackendError && /cpu backend runs one thread/.test(e.message));
    assert.equal((await selectBackend('cpu', undefined, 1)).threads, 1);
  });

  /** --threads 2 is refused with `problem`; the default (4 idle cores) takes one thread and says why. */
  async function refusedThenOneThread(problem: string): Promise<void> {
    await useWasmThreads(1);
    await assert.rejects(selectBackend('wasm', undefined, 2), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.equal(e.message, `--threads 2: the wasm backend cannot run threads here: ${problem}. Use --threads 1.`);
      return true;
    });
    const logged: string[] = [];
    const started = await wasmThreads(undefined, (m) => logged.push(m), defaultThreads(4, 0));
    assert.deepEqual({ ...started, why: started.why && renderRuntime(started.why, 'en') }, { threads: 1, why: problem, auto: defaultThreads(4, 0) });
    assert.deepEqual(logged, [`wasm: one thread: ${problem}`]);
    assert.equal(registeredThreads(), 1);
  }

  it('threads that cannot run: an error when asked for, one thread and the reason by default', async () => {
    const sab = Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer')!;
    delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
    try {
      await refusedThenOneThread('this JavaScript runtime has no SharedArrayBuffer');
    } finally {
      Object.defineProperty(globalThis, 'SharedArrayBuffer', sab);
    }
  });

  it('a worker that fails while the engine starts: an error when asked for, one thread and the reason by default, no crash', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-worker-'));
    const broken = path.join(dir, 'broken-worker.cjs');
    fs.writeFileSync(broken, "throw new Error('this worker cannot start');\n");
    process.env.NN_TEST_WASM_WORKER = broken;
    try {
      await refusedThenOneThread('the threaded engine failed to start: a worker failed: this worker cannot start');
      // the other workers' errors arrive later, and must not crash the process either
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      delete process.env.NN_TEST_WASM_WORKER;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // and the engine starts again with the real worker
    await useWasmThreads(2);
    assert.ok(await tf.setBackend('wasm'));
    assert.equal(threadsOf(engine()), 2);
  });

  describe('the same bits as on one thread', () => {
    /** Loss, gradients and the weights after one Adam step (NnAdamStep) of `graph`, on `threads` threads. */
    async function trainStep(graph: ModelGraph, threads: number, seed: number): Promise<Float32Array[]> {
      await useWasmThreads(threads);
      assert.ok(await tf.setBackend('wasm'));
      assert.equal(threadsOf(engine()), threads);
      const { model } = compileModel(describeModel(graph), { seed });
      const r = mulberry32(seed);
      const shape = [4, ...(graph.inputShape as number[])];
      const input = graph.nodes.find((n) => n.kind === 'input')!;
      const first = graph.nodes.find((n) => n.inputs.includes(input.id));
      const vocab = first?.kind === 'embedding' ? (first.args.vocab as number) : undefined;
      const n = shape.reduce((a, b) => a * b, 1);
      const x = vocab === undefined ? tf.tensor(Float32Array.from({ length: n }, () => r() * 2 - 1), shape) : tf.tensor(Int32Array.from({ length: n }, () => Math.floor(r() * vocab)), shape, 'int32');
      const outShape = [4, ...(graph.nodes[graph.output!].shape as number[])];
      const target = tf.tensor(Float32Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), outShape);
      const optimizer = new FusedAdamOptimizer(1e-2, 0.9, 0.999, 1e-7);
      try {
        const values = tf.tidy(() => {
          const f = () => tf.mean(tf.square(tf.sub(model.apply(x, { training: false }) as tf.Tensor, target))) as tf.Scalar;
          const { value, grads } = tf.variableGrads(f);
          const out = [value.dataSync() as Float32Array, ...Object.values(grads).map((g) => g.dataSync() as Float32Array)];
          optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
          return out;
        });
        return [...values, ...model.trainableWeights.map((w) => w.read().dataSync() as Float32Array)];
      } finally {
        optimizer.dispose();
        model.dispose();
        tf.dispose([x, target]);
      }
    }

    /** Each graph's step on 1 thread, then on 2 and on 3 (one engine each), compared bit for bit. */
    async function sameBits(graphs: ModelGraph[], seed: number): Promise<void> {
      const on = async (threads: number) => {
        const out: Float32Array[][] = [];
        for (const [i, g] of graphs.entries()) out.push(await trainStep(g, threads, seed + i));
        return out;
      };
      const one = await on(1);
      for (const threads of [2, 3]) {
        const many = await on(threads);
        graphs.forEach((g, k) => {
          assert.equal(many[k].length, one[k].length);
          one[k].forEach((a, i) => assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(many[k][i].buffer, many[k][i].byteOffset, many[k][i].byteLength)), `${g.name}: value ${i} differs on ${threads} threads`));
        });
      }
    }

    it('the reference samples (MLP, convnet, LeNet-5, LSTM, transformer): loss, gradients and the Adam step', async () => {
      const samples = analyzeFiles(new Program(new NodeHost()), ['mlp.nn', 'mnist_convnet.nn', 'lenet5.nn', 'lstm.nn', 'transformer.nn'].map((f) => path.join(root, 'samples', f))).flatMap((r) => r.models);
      const graphs = ['MnistMlp', 'MnistConvnet', 'LeNet5', 'SineLstm', 'TinyTransformer'].map((name) => {
        const graph = samples.find((g) => g.name === name);
        assert.ok(graph, name);
        return graph;
      });
      await sameBits(graphs, 11);
    });

    it('30 random models covering the catalogue', async function () {
      this.timeout(300_000);
      const gen = new ModelGenerator(20261206);
      await sameBits(Array.from({ length: 30 }, (_, i) => gen.model(`Random${i}`).graph), 100);
    });
  });

  it("nn's kernel suites pass on the threaded build (NN_WASM_THREADS=2)", function () {
    this.timeout(600_000);
    const suites = ['kernels', 'adam-step', 'relu-grad', 'wasm-training'].map((s) => path.join(__dirname, `${s}.test.ts`));
    const r = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--node-option', 'import=tsx', '--timeout', '600000', '--reporter', 'dot', ...suites], {
      env: { ...process.env, NN_WASM_THREADS: '2' },
      encoding: 'utf8',
      timeout: 590_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\d+ passing/);
    assert.doesNotMatch(r.stdout, /pending|failing/);
  });
});

/** A model with batch statistics: a batch cannot be split among threads, which share each operation instead. */
const BN_MODEL = WAVES_NN.replace('  conv1d(8, 3, activation: relu)\n', '  conv1d(8, 3)\n  batch_norm()\n  relu()\n');

describe('nn train on several threads', function () {
  this.timeout(300_000);
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-threads-'));
    file = path.join(dir, 'waves.nn');
    // a convolution, pooling, dropout and Adam: nn's kernels and seeded dropout masks
    fs.writeFileSync(file, WAVES_NN);
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await useWasmThreads(1);
    await tf.setBackend('cpu');
  });

  async function train(threads?: number, f = file): Promise<TrainEvent[]> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['train', f, '--json', '--runs', path.join(dir, 'runs'), '--backend', 'wasm', ...(threads ? ['--threads', String(threads)] : [])], (s) => out.push(s), (s) => err.push(s));
    assert.equal(code, 0, err.join('\n'));
    return out.map((l) => parseEvent(l)!);
  }

  /** Every epoch's loss and metrics, with validation's and the test's (batch events are sent by time, so fewer or more). */
  const losses = (evs: TrainEvent[]): unknown[] => evs.flatMap((e): unknown[] => (e.type === 'epoch' ? [e.loss, ...Object.values(e.metrics), e.val?.loss, ...Object.values(e.val?.metrics ?? {})] : e.type === 'end' ? [JSON.stringify(e.test ?? null)] : []));

  /** The numbers of `losses`, the test's JSON read back. */
  const numbers = (evs: TrainEvent[]): number[] =>
    losses(evs).flatMap(function flat(v: unknown): number[] {
      if (typeof v === 'number') return [v];
      if (typeof v === 'string') return v.startsWith('{') ? flat(JSON.parse(v)) : [];
      if (Array.isArray(v)) return v.flatMap(flat);
      return v && typeof v === 'object' ? Object.values(v).flatMap(flat) : [];
    });

  it('threads that split the batch: the same seed and thread count repeat a run, and 2 threads give the numbers of 1 to rounding', async () => {
    const a = await train(2);
    const start = a[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.equal(start.type, 'start');
    assert.ok(start.backendNote?.includes('on 2 threads (as asked), each training a copy of the model on its part of every batch'), start.backendNote);
    const b = await train(2);
    const one = await train(1);
    assert.ok(losses(a).length >= 7);
    assert.deepEqual(losses(b), losses(a));
    // the gradient of the batch is the shards' average: the same to float rounding, not the same bits
    const [x, y] = [numbers(one), numbers(a)];
    assert.equal(x.length, y.length);
    x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= 1e-5 * Math.max(1, Math.abs(v)), `value ${i}: ${v} on 1 thread, ${y[i]} on 2`));
    assert.notDeepEqual(losses(one), losses(a), 'the two runs summed alike: this test no longer sees the split');
  });

  it('a model with batch_norm shares each operation among the threads instead: the same bits as on one thread', async () => {
    const bnFile = path.join(dir, 'waves-bn.nn');
    assert.notEqual(BN_MODEL, WAVES_NN);
    fs.writeFileSync(bnFile, BN_MODEL);
    const a = await train(2, bnFile);
    const start = a[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.ok(start.backendNote?.includes('on 2 threads (as asked);'), start.backendNote);
    assert.deepEqual(losses(await train(2, bnFile)), losses(a));
    assert.deepEqual(losses(await train(1, bnFile)), losses(a));
  });

  it('by default a model this small trains on one thread, and the start line says why', async () => {
    const start = (await train())[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.ok(start.backendNote?.includes('on one thread (a small model: 0.1 M multiply-adds a step'), start.backendNote);
  });

  /** Runs the built CLI; resolves with its exit code, or null when it had to be killed. */
  function runCli(nodeArgs: string[], args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    assert.ok(fs.existsSync(cli), 'npm test builds dist/cli.js first');
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [...nodeArgs, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // a run of 3 small epochs takes a few seconds; a process kept alive by a worker never ends
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('the built nn train trains on 2 threads and exits when done', async () => {
    const r = await runCli([], ['train', file, '--json', '--runs', path.join(dir, 'runs'), '--threads', '2']);
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
    const evs = r.stdout.trim().split('\n').map((l) => parseEvent(l)!);
    const start = evs[0] as Extract<TrainEvent, { type: 'start' }>;
    assert.ok(start.backendNote?.includes('on 2 threads (as asked)'), start.backendNote);
    assert.equal(evs[evs.length - 1].type, 'end');
  });

  it('the built nn train hears a helper thread that dies: exit 1 with why, not a silent exit 0', async () => {
    // the main thread then waits with Atomics.waitAsync, which alone keeps no process alive
    const r = await runCli([], ['train', file, '--runs', path.join(dir, 'runs'), '--threads', '2'], { NN_TEST_REPLICA_FAULT: 'exit:5' });
    assert.equal(r.code, 1, `exit ${r.code}\n${r.stderr}`);
    assert.ok(r.stderr.includes('training thread 2 of 2 failed: it ended with exit code 3. The run is saved before this batch'), r.stderr);
  });

  it('where threads cannot run, --threads 2 is an error (exit 1) and --threads 1 trains', async () => {
    const noThreads = ['--no-harmony-sharedarraybuffer'];
    const refused = await runCli(noThreads, ['train', file, '--runs', path.join(dir, 'runs'), '--threads', '2']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.ok(refused.stderr.includes('--threads 2: the wasm backend cannot run threads here: this JavaScript runtime has no SharedArrayBuffer. Use --threads 1.'), refused.stderr);
    const one = await runCli(noThreads, ['train', file, '--json', '--runs', path.join(dir, 'runs'), '--threads', '1']);
    assert.equal(one.code, 0, one.stderr);
  });

  it('--threads outside 1 to 8 is a usage error', async () => {
    const err: string[] = [];
    assert.equal(await main(['train', file, '--threads', '9'], () => {}, (s) => err.push(s)), 2);
    assert.ok(err[0].startsWith("nn: --threads needs a whole number from 1 to 8, not '9'"), err[0]);
  });
});
