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
import { registerCpuKernels, registerWasmKernels } from './kernels';
import { registerGradientFixes } from './gradients';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** one line for the user: why this one, and how to get a faster one */
  note: string;
}

export class BackendError extends Error {}

/** Where selectBackend says what it tried and why it moved on (for a log or an output channel). */
export type BackendLog = (message: string) => void;

/** The tfjs-node release that matches this project's tfjs (4.22.0): another would load a second tfjs. */
export const TFJS_NODE_VERSION = '4.22.0';

/** The command that installs tfjs-node next to @tensorflow/tfjs, run where nn is installed. */
export const TFJS_NODE_INSTALL = `npm install --no-save @tensorflow/tfjs-node@${TFJS_NODE_VERSION}`;

const NODE_HINT = `for native TensorFlow (several times faster), run \`${TFJS_NODE_INSTALL}\` where nn is installed (needs internet: it downloads libtensorflow)`;

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
function startTfjsNode(): string | undefined {
  if (!resolveTfjsNode()) return `@tensorflow/tfjs-node is not installed`;
  polyfillNodeUtil();
  try {
    loadTfjsNode();
  } catch (e) {
    return `@tensorflow/tfjs-node is installed but does not load (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); reinstall it with \`${TFJS_NODE_INSTALL}\``;
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return `@tensorflow/tfjs-node loaded a tfjs of its own (not ${tf.version.tfjs}); install @tensorflow/tfjs-node@${TFJS_NODE_VERSION} next to @tensorflow/tfjs`;
  }
  return undefined;
}

async function use(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name))) throw new BackendError(`the '${name}' backend failed to start`);
}

/**
 * Makes the chosen backend tfjs' current one and returns it with a note for the user. 'auto' takes
 * the fastest that works here; an explicit preference that cannot be had throws a BackendError.
 * Also registers this project's gradient fixes, which every backend needs, and its cpu kernel fixes.
 */
export async function selectBackend(pref: BackendPreference = 'auto', log?: BackendLog): Promise<BackendInfo> {
  registerGradientFixes();
  registerCpuKernels();
  if (pref === 'tensorflow' || pref === 'auto') {
    const problem = startTfjsNode();
    if (problem === undefined) {
      try {
        await use('tensorflow');
        return { name: 'tensorflow', note: 'Backend: tensorflow (tfjs-node, native TensorFlow on the CPU): the fastest available.' };
      } catch (e) {
        if (pref === 'tensorflow') throw e;
        log?.(`tensorflow: ${(e as Error).message}`);
      }
    } else {
      if (pref === 'tensorflow') throw new BackendError(`The 'tensorflow' backend is not available: ${problem}. To install it, run \`${TFJS_NODE_INSTALL}\` where nn is installed (needs internet: it downloads libtensorflow).`);
      log?.(`tensorflow: ${problem}`);
    }
  }
  if (pref === 'wasm' || pref === 'auto') {
    try {
      loadWasmBackend();
      registerWasmKernels();
      await use('wasm');
      return { name: 'wasm', note: `Backend: wasm (WebAssembly with SIMD, one thread, nn's training kernels); ${NODE_HINT}.` };
    } catch (e) {
      const message = `the wasm backend could not start: ${e instanceof Error ? e.message : String(e)}`;
      if (pref === 'wasm') throw new BackendError(`The 'wasm' backend is not available: ${message}`);
      log?.(`wasm: ${message}`);
    }
  }
  await use('cpu');
  const why = pref === 'cpu' ? 'as asked' : 'neither tfjs-node nor wasm could start';
  return { name: 'cpu', note: `Backend: cpu (plain JavaScript, slow; ${why}); the wasm backend is several times faster, and ${NODE_HINT}.` };
}
