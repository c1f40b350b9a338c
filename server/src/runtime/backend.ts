// Choosing the TensorFlow.js backend: tfjs-node when installed (fastest on CPU), else the wasm
// backend with this project's kernels registered (server/src/runtime/kernels), else the pure-JS
// cpu backend. The choice is reported, with how to get a faster one. An explicit choice that
// cannot be had is an error, never a silent fallback.
//
// tfjs-node is not a dependency: its install script downloads libtensorflow from outside the npm
// registry (which fails on machines that reach only the registry, and is heavy for everyone else).
// Users who want it install it on demand into the same node_modules as @tensorflow/tfjs
// (TFJS_NODE_INSTALL), so it shares this tfjs. npm 11 runs a dependency's install script only when
// approved: package.json's `allowScripts` approves tfjs-node 4.22.0's. See docs/backends.md.

import { tf, loadTfjsNode, loadWasmBackend, resolveTfjsNode } from './tf';
import { rmsg, renderRuntime, type RuntimeMessage } from '../core/runtime-messages';
import { registerCpuKernels, registerWasmKernels } from './kernels';
import { registerGradientFixes } from './gradients';
import { replicasUnsupported } from './train/replicas';
import { THREADS_MIN_MULT_ADDS, WASM_MAX_THREADS, ThreadsError, coreCount, defaultThreads, threadsUnsupported, useWasmThreads, type DefaultThreads } from './wasm-threads';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** the threads it computes on: wasm's pool, cpu's one; undefined for tensorflow (TensorFlow's own choice) */
  threads?: number;
  /**
   * wasm on several threads that split the batch: this many copies of the model, each training on
   * its part of a batch on its own thread (runtime/train/replicas.ts), this thread's engine
   * single-threaded. Absent: the threads share each operation (runtime/wasm-threads.ts).
   */
  replicas?: number;
  /** one line for the user: why this one, and how to get a faster one (English) */
  note: string;
  /** the note as a message id and its arguments, for the user's locale */
  said?: RuntimeMessage;
}

/** A backend's info with its note said in English and kept as a message. */
function info(name: BackendName, threads: number | undefined, said: RuntimeMessage, replicas?: number): BackendInfo {
  return { name, ...(threads !== undefined ? { threads } : {}), ...(replicas !== undefined ? { replicas } : {}), note: renderRuntime(said, 'en'), said };
}

/** A backend that cannot be had as asked: `said` is why as a message id (core/runtime-messages.ts), `message` its English. */
export class BackendError extends Error {
  constructor(readonly said: RuntimeMessage) {
    super(renderRuntime(said, 'en'));
  }
}

/** Where selectBackend says what it tried and why it moved on (for a log or an output channel): the English, and its message id. */
export type BackendLog = (message: string, msg?: RuntimeMessage) => void;

/** `m` to a BackendLog. */
function tell(log: BackendLog | undefined, m: RuntimeMessage): void {
  log?.(renderRuntime(m, 'en'), m);
}

/** The tfjs-node release that matches this project's tfjs (4.22.0): another would load a second tfjs. */
export const TFJS_NODE_VERSION = '4.22.0';

/** The command that installs tfjs-node next to @tensorflow/tfjs, run where nn is installed. */
export const TFJS_NODE_INSTALL = `npm install --no-save @tensorflow/tfjs-node@${TFJS_NODE_VERSION}`;


/**
 * tfjs-node 4.22 calls util.isNullOrUndefined and util.isArray, which Node 23 removed (the fix is
 * merged upstream but unreleased). Defines the missing ones, on Node >= 23 only; returns their names.
 */
export function polyfillNodeUtil(nodeVersion: string = process.versions.node, util: Record<string, unknown> = process.getBuiltinModule('node:util') as unknown as Record<string, unknown>): string[] {
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  if (!(major >= 23)) return [];
  const shims: Record<string, (v: unknown) => boolean> = {
    isNullOrUndefined: (v) => v === null || v === undefined,
    isArray: (v) => Array.isArray(v),
  };
  const added: string[] = [];
  for (const [name, f] of Object.entries(shims)) {
    if (typeof util[name] === 'function') continue;
    util[name] = f;
    added.push(name);
  }
  return added;
}

/** Loads tfjs-node; undefined when it works, else why not (absent, or present but broken). */
function startTfjsNode(): RuntimeMessage | undefined {
  if (!resolveTfjsNode()) return rmsg('tfjsNodeMissing');
  polyfillNodeUtil();
  try {
    loadTfjsNode();
  } catch (e) {
    return rmsg('tfjsNodeBroken', { why: e instanceof Error ? e.message.split('\n')[0] : String(e), install: TFJS_NODE_INSTALL });
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return rmsg('tfjsNodeOtherTfjs', { tfjs: tf.version.tfjs, version: TFJS_NODE_VERSION });
  }
  return undefined;
}

async function use(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name))) throw new BackendError(rmsg('backendFailed', { name }));
}

/**
 * Makes the chosen backend tfjs' current one and returns it with a note for the user. 'auto' takes
 * the fastest that works here; an explicit preference that cannot be had throws a BackendError.
 * `threads` asks for that many threads (the wasm backend's; cpu has one, tfjs-node TensorFlow's
 * own): a count that cannot be had is a BackendError too. Without it wasm takes every core that
 * other work leaves idle (at most WASM_MAX_THREADS), one for a small model (`work`: the
 * multiply-adds of a training step's forward pass, when known), or one thread where threads cannot
 * run, which the note and the log say.
 * `split`: the caller trains a model that can be trained on parts of a batch (replicas.ts
 * `replicable`): several threads then each train a copy of it on their part (BackendInfo.replicas),
 * meeting once a step rather than at every operation (the convnet 1.78x on 2 threads against
 * 1.51x sharing each operation, docs/backends.md).
 * Also registers this project's gradient fixes, which every backend needs, and its cpu kernel fixes.
 */
export async function selectBackend(pref: BackendPreference = 'auto', log?: BackendLog, threads?: number, work?: number, split = false): Promise<BackendInfo> {
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= WASM_MAX_THREADS)) {
    throw new BackendError(rmsg('threadsRange', { threads, max: WASM_MAX_THREADS }));
  }
  registerGradientFixes();
  registerCpuKernels();
  if (pref === 'tensorflow' || pref === 'auto') {
    const problem = startTfjsNode();
    if (problem === undefined) {
      if (threads !== undefined) {
        throw new BackendError(rmsg('threadsTfjsNode', { threads }));
      }
      try {
        await use('tensorflow');
        return info('tensorflow', undefined, rmsg('backendTensorflow'));
      } catch (e) {
        if (pref === 'tensorflow') throw e;
        tell(log, rmsg('backendTried', { backend: 'tensorflow', problem: e instanceof BackendError ? e.said : rmsg('systemText', { text: (e as Error).message }) }));
      }
    } else {
      if (pref === 'tensorflow') throw new BackendError(rmsg('tensorflowUnavailable', { problem, install: TFJS_NODE_INSTALL }));
      tell(log, rmsg('backendTried', { backend: 'tensorflow', problem }));
    }
  }
  if (pref === 'wasm' || pref === 'auto') {
    let started: Started | undefined;
    try {
      loadWasmBackend();
      registerWasmKernels();
      started = await wasmThreads(threads, log, threads === undefined ? defaultThreads(undefined, undefined, work) : undefined, split);
      await use('wasm');
    } catch (e) {
      if (e instanceof BackendError) throw e;
      const problem = rmsg('wasmCannotStart', { why: e instanceof Error ? e.message : String(e) });
      if (pref === 'wasm') throw new BackendError(rmsg('wasmUnavailable', { problem }));
      tell(log, rmsg('backendTried', { backend: 'wasm', problem }));
    }
    if (started) return info('wasm', started.threads, rmsg('backendWasm', { threads: threadsSaid(started), install: TFJS_NODE_INSTALL }), started.split ? started.threads : undefined);
  }
  if (threads !== undefined && threads > 1) throw new BackendError(rmsg('threadsCpu', { threads }));
  await use('cpu');
  return info('cpu', 1, rmsg('backendCpu', { asked: pref === 'cpu', install: TFJS_NODE_INSTALL }));
}

/** How many threads wasm runs, and why, for the start line. */
export interface Started {
  threads: number;
  /** why one thread where more were wanted */
  why?: RuntimeMessage;
  /** the default it came from, when --threads was not given */
  auto?: DefaultThreads;
  /** the threads split the batch (replicas.ts): this thread's engine is single-threaded */
  split?: boolean;
}

/**
 * Starts the wasm engine with the threads asked for (an error when they cannot be had) or, by
 * default, `auto`'s (every idle core); where threads cannot run (or the threaded engine fails),
 * the default is one thread, and `why` says why.
 */
export async function wasmThreads(asked: number | undefined, log?: BackendLog, auto: DefaultThreads | undefined = asked === undefined ? defaultThreads() : undefined, split = false): Promise<Started> {
  const wanted = asked ?? auto!.threads;
  if (wanted > 1 && split) {
    const problem = replicasUnsupported();
    if (problem === undefined) {
      await useWasmThreads(1);
      return { threads: wanted, auto, split: true };
    }
    if (asked !== undefined) throw new BackendError(rmsg('threadsCannot', { threads: asked, problem }));
    tell(log, rmsg('wasmOneThread', { problem }));
    await useWasmThreads(1);
    return { threads: 1, why: problem, auto };
  }
  if (wanted > 1) {
    const problem = threadsUnsupported() ?? (await useWasmThreads(wanted).then(
      () => undefined,
      (e: unknown) => rmsg('threadedFailed', { why: e instanceof ThreadsError ? e.said : rmsg('systemText', { text: e instanceof Error ? e.message : String(e) }) }),
    ));
    if (problem === undefined) return { threads: wanted, auto };
    if (asked !== undefined) throw new BackendError(rmsg('threadsCannot', { threads: asked, problem }));
    tell(log, rmsg('wasmOneThread', { problem }));
    await useWasmThreads(1);
    return { threads: 1, why: problem, auto };
  }
  await useWasmThreads(1);
  return { threads: 1, auto };
}

/** "2 threads, one per core", "one thread (as asked)", "one thread (<why>)" ... for the start line. */
export function threadsPhrase(started: Started, cores: number = coreCount()): string {
  return renderRuntime(threadsSaid(started, cores), 'en');
}

/** threadsPhrase as a message id and its arguments. */
export function threadsSaid(started: Started, cores: number = coreCount()): RuntimeMessage {
  const said = threadsCountSaid(started, cores);
  return started.split ? rmsg('threadsSplitBatch', { threads: said }) : said;
}

function threadsCountSaid(started: Started, cores: number): RuntimeMessage {
  const n = started.threads;
  if (started.why) return rmsg('threadsWhy', { n, why: started.why });
  const auto = started.auto;
  if (!auto) return rmsg('threadsAsked', { n, ...(n > cores ? { cores } : {}) });
  if (auto.work !== undefined && auto.work < THREADS_MIN_MULT_ADDS && n === 1) {
    const millions = (x: number) => `${(x / 1e6).toFixed(1)} M`;
    return rmsg('threadsSmallModel', { n, work: millions(auto.work), min: millions(THREADS_MIN_MULT_ADDS) });
  }
  if (auto.busy > 0) return rmsg('threadsBusy', { n, cores: auto.cores, busy: auto.busy, load: auto.load.toFixed(1) });
  if (n < auto.cores) return rmsg('threadsAtMost', { n, cores: auto.cores, max: WASM_MAX_THREADS });
  return n === 1 ? rmsg('threadsOneCore') : rmsg('threadsPerCore', { n });
}
