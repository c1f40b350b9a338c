// The wasm backend on several cores. tfjs-backend-wasm 4.22 ships a threaded build
// (wasm-out/tfjs-backend-wasm-threaded-simd.*: XNNPACK over a pthreadpool of Web Workers on a
// shared memory) but never uses it in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is false when
// IS_NODE, tfjs issue 3830). Node's worker_threads run it when it is given three things:
// - the pthread worker as a real file (the package ships it only as a string for a Blob URL):
//   wasm-worker.cjs, found next to this module (dist/ in the bundles, copied by esbuild.mjs);
// - `locateFile` (that file and the .wasm) and `mainScriptUrlOrBlob` (the factory's own path,
//   which each worker evaluates);
// - the thread count. backend.cc (4.22) computes, at start-up, num_cores =
//   emscripten_num_logical_cores() / 2 and creates its pool with
//   min(max(requested, 1), 8, num_cores) threads, so a request above half the logical cores is
//   cut (the package's setThreadsCount cannot raise it). The `instantiateWasm` hook replaces
//   that one import so that it reports twice the threads wanted; 8 stays the ceiling (backend.cc's
//   max_num_threads, and the 8 workers the glue code creates at start-up), WASM_MAX_THREADS.
// The module is registered as tfjs' 'wasm' backend (the package's BackendWasm on it), so every
// kernel registered for 'wasm', stock and nn's, runs on it unchanged. 1 thread is the package's
// own single-threaded SIMD build, as before.
//
// Shutdown: the pool's threads are workers that Emscripten keeps referenced, which would keep the
// process alive after the work is done; once the pool is made they are unreferenced (they end
// with the process), and the workers the pool does not use are terminated.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { tf, loadWasmBackend } from './tf';
import { rmsg, renderRuntime, type RuntimeMessage } from '../core/runtime-messages';

/** The most threads the engine runs (backend.cc's max_num_threads, and the workers it creates). */
export const WASM_MAX_THREADS = 8;

/** How long the threaded engine may take to start (its 8 workers each compile the module). */
const START_TIMEOUT_MS = 60_000;

const nodeRequire = createRequire(__filename);

/** The logical cores this process may use. */
export function coreCount(): number {
  return os.availableParallelism();
}

/**
 * Below this many multiply-adds in a training step's forward pass, one thread by default: the
 * pool's threads meet at every operation, and small operations cost more to share than to do.
 * Measured on 2 cores (docs/backends.md): the reference MLP (7 M a step) trained 3-4x slower on 2
 * threads than on one, the convnet (312 M) 1.47x faster. Threads that split the batch
 * (runtime/train/replicas.ts) move the line little: each pays a step's fixed cost (tfjs' dispatch),
 * and the MLP split on 2 threads trained at 19,500-21,500 samples/s against 34,000 on one, where
 * the convnet gained 1.84x.
 */
export const THREADS_MIN_MULT_ADDS = 50e6;

/** The default thread count and what it was chosen from. */
export interface DefaultThreads {
  threads: number;
  cores: number;
  /** cores busy with other work when nn started: the 1-minute load average, rounded (0 where the system has none: Windows) */
  busy: number;
  load: number;
  /** the multiply-adds of a step's forward pass, when known */
  work?: number;
}

/**
 * Threads by default: every core that other work does not keep busy, at least 1, at most
 * WASM_MAX_THREADS; one for a model whose step has under THREADS_MIN_MULT_ADDS multiply-adds
 * (`work`, when known). The pool's threads wait for each other at every operation, so a thread
 * whose core another process holds makes every step wait for the scheduler: on 2 cores under a
 * load of 5-8, 2 threads trained the MLP 3-4x slower than one (docs/backends.md).
 */
export function defaultThreads(cores: number = coreCount(), load: number = os.loadavg()[0], work?: number): DefaultThreads {
  const busy = Math.min(cores, Math.max(0, Math.round(load)));
  const idle = Math.max(1, Math.min(cores - busy, WASM_MAX_THREADS));
  const threads = work !== undefined && work < THREADS_MIN_MULT_ADDS ? 1 : idle;
  return { threads, cores, busy, load, ...(work !== undefined ? { work } : {}) };
}

/** The smallest module with a shared memory and an atomic load: validates where wasm threads exist. */
const ATOMICS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]);

/** The pthread worker file this module hands to Emscripten (NN_TEST_WASM_WORKER: another, for the fault tests only). */
export function workerFile(): string {
  return process.env.NN_TEST_WASM_WORKER ?? path.join(__dirname, 'wasm-worker.cjs');
}

/** Why the threaded engine cannot run in this runtime, or undefined when it can. */
export function threadsUnsupported(): RuntimeMessage | undefined {
  return workersUnsupported(workerFile(), true);
}

/**
 * Why worker threads on shared memory cannot run the worker `file` here (no SharedArrayBuffer,
 * with `wasmAtomics` no WebAssembly threads, no worker_threads, the file missing from the
 * install), or undefined when they can: for this engine's pool and for threads that split the
 * batch (runtime/train/replicas.ts).
 */
export function workersUnsupported(file: string, wasmAtomics = false): RuntimeMessage | undefined {
  if (typeof SharedArrayBuffer !== 'function') return rmsg('noSharedArrayBuffer');
  if (wasmAtomics) {
    try {
      if (!WebAssembly.validate(ATOMICS_PROBE)) return rmsg('noWasmThreads', {});
    } catch (e) {
      return rmsg('noWasmThreads', { why: (e as Error).message });
    }
  }
  try {
    nodeRequire('node:worker_threads');
  } catch {
    return rmsg('noWorkerThreads');
  }
  if (!fs.existsSync(file)) return rmsg('noWorkerFile', { file });
  return undefined;
}

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

/** tfjs' own 'wasm' factory (single-threaded SIMD), kept when ours replaces it. */
let stockFactory: BackendFactory | undefined;
/** A threaded engine started by useWasmThreads that tfjs has not taken yet. */
let unclaimed: tf.KernelBackend | undefined;
/** The threads of the 'wasm' factory registered now. */
let registeredThreads = 1;

/** The threads of the 'wasm' backend as registered (the running one, once tfjs started it). */
export function wasmThreads(): number {
  return registeredThreads;
}

/**
 * Makes tfjs' 'wasm' backend run `threads` threads: the threaded build for 2 or more, the
 * package's single-threaded one for 1. The threaded engine is started here, so a failure throws
 * here and changes nothing; on success a running 'wasm' backend of another count is disposed (its
 * tensors with it, its threads ended) and the next `tf.setBackend('wasm')` takes the new one.
 */
export async function useWasmThreads(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1 || threads > WASM_MAX_THREADS) throw new RangeError(`wasm threads must be 1 to ${WASM_MAX_THREADS}, not ${threads}`);
  loadWasmBackend();
  stockFactory ??= tf.findBackendFactory('wasm') as BackendFactory;
  if (threads === registeredThreads) return;
  const started = threads === 1 ? undefined : await startThreaded(threads);
  tf.removeBackend('wasm');
  unclaimed?.dispose();
  unclaimed = started;
  const factory: BackendFactory =
    threads === 1
      ? stockFactory
      : () => {
          // the engine started above, then a new one each time tfjs starts the backend again
          const b = unclaimed ?? startThreaded(threads);
          unclaimed = undefined;
          return b;
        };
  tf.registerBackend('wasm', factory, 2);
  registeredThreads = threads;
}

/** The Emscripten module of the threaded build, as far as this file uses it. */
interface ThreadedModule {
  wasmMemory: WebAssembly.Memory;
  HEAPU8: Uint8Array;
  cwrap: (name: string, result: string | null, args: string[]) => (...args: number[]) => unknown;
  PThread: { runningWorkers: { unref(): void }[]; unusedWorkers: { terminate(): unknown; onerror: unknown }[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

/** Why the threaded engine did not start, as a message id (the English in `message`). */
export class ThreadsError extends Error {
  constructor(readonly said: RuntimeMessage) {
    super(renderRuntime(said, 'en'));
  }
}

async function startThreaded(threads: number): Promise<tf.KernelBackend> {
  const unsupported = threadsUnsupported();
  if (unsupported) throw new ThreadsError(unsupported);
  const wasm = loadWasmBackend();
  const factoryPath = nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const dir = path.dirname(factoryPath);
  const compiled = await WebAssembly.compile(fs.readFileSync(path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm')));
  const factory = nodeRequire(factoryPath) as (config: object) => Promise<ThreadedModule>;
  const worker = workerFile();
  // Emscripten makes this object the module itself: after a failed start it still holds the workers
  const config = {
    locateFile: (file: string) => (file.endsWith('.worker.js') ? worker : path.join(dir, file)),
    mainScriptUrlOrBlob: factoryPath,
    instantiateWasm: (info: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      // backend.cc takes half of this as the cores it may use (see the header)
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      const instance = new WebAssembly.Instance(compiled, info as unknown as WebAssembly.Imports);
      receive(instance, compiled);
      return instance.exports;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  let module: ThreadedModule;
  // the factory creates the 8 workers before it returns; Emscripten's handler of a worker's error
  // throws it out of an event (a crash with the whole minified module printed): while the engine
  // starts, a worker's error fails the start instead. Emscripten's handlers are put back once it
  // has started; after a failed start the other workers' errors, still on their way, go nowhere
  const pending = factory(config);
  const workers = (config as Partial<ThreadedModule>).PThread?.unusedWorkers ?? [];
  const handlers = workers.map((w) => w.onerror);
  try {
    module = await Promise.race([
      pending,
      new Promise<never>((_, reject) => {
        for (const w of workers) w.onerror = (e: unknown) => reject(new ThreadsError(rmsg('workerFailed', { why: e instanceof Error ? e.message : String(e) })));
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ThreadsError(rmsg('threadsStartTimeout', { seconds: START_TIMEOUT_MS / 1000 }))), START_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    (config as Partial<ThreadedModule>).PThread?.terminateAllThreads();
    throw e instanceof Error ? e : new Error(String((e as { message?: unknown })?.message ?? e));
  } finally {
    clearTimeout(timer);
  }
  workers.forEach((w, i) => (w.onerror = handlers[i]));
  keepHeapViewCurrent(module);
  // what tfjs' own init() adds to the module before BackendWasm uses it
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  // the constructor creates the pool (init_with_threads_count) with the threads the hook allows
  const backend = new wasm.BackendWasm(module as never);
  const got = (module.tfjs.getThreadsCount as () => number)();
  for (const w of module.PThread.runningWorkers) w.unref();
  for (const w of module.PThread.unusedWorkers.splice(0)) void w.terminate();
  if (got !== threads) {
    backend.dispose();
    throw new ThreadsError(rmsg('threadsMade', { got, threads }));
  }
  return backend;
}

/**
 * BackendWasm reads the heap through Module.HEAPU8, which Emscripten renews when the thread that
 * grows the shared memory is this one; a view made before another thread grew it is too short.
 * Makes HEAPU8 a view of the whole memory whenever it is read.
 */
function keepHeapViewCurrent(module: ThreadedModule): void {
  const memory = module.wasmMemory;
  let view = module.HEAPU8;
  Object.defineProperty(module, 'HEAPU8', {
    configurable: true,
    enumerable: true,
    get: () => (view.byteLength === memory.buffer.byteLength ? view : (view = new Uint8Array(memory.buffer))),
    set: (v: Uint8Array) => {
      view = v;
    },
  });
}
