// One build script for every bundle. `node esbuild.mjs` builds, `--watch` rebuilds on change,
// `--production` minifies. Entries are listed once; they share the defaults below.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Shared by every Node entry: CommonJS for VS Code's extension host and plain `node`. */
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // TensorFlow.js loads native or .wasm binaries from its own package folder, resvg (SVG to PNG)
  // a native binary, onnxruntime-node (tests only) too: never bundle them
  external: ['vscode', '@tensorflow/*', '@resvg/*', 'onnxruntime-node'],
};

const entries = [
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // a helper thread of training on several threads (server/src/runtime/train/replicas.ts), found next to cli.js
  { entryPoints: ['server/src/runtime/train/replica-worker.ts'], outfile: 'dist/replica-worker.js' },
  { entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' },
  // the chart webview runs in a browser context
  { entryPoints: ['client/webview/chart.ts'], outfile: 'dist/webview/chart.js', platform: 'browser', format: 'iife', target: 'es2020', external: [] },
  // the model graph webview too (elkjs runs in its own thread there, as in Node)
  { entryPoints: ['client/webview/graph.ts'], outfile: 'dist/webview/graph.js', platform: 'browser', format: 'iife', target: 'es2020', external: [] },
  // the compare view (NN: Compare Runs)
  { entryPoints: ['client/webview/compare.ts'], outfile: 'dist/webview/compare.js', platform: 'browser', format: 'iife', target: 'es2020', external: [] },
  // the end-to-end suite, loaded by VS Code's extension host (mocha comes from node_modules)
  { entryPoints: ['test/e2e/suite/index.ts', 'test/e2e/suite/editor.test.ts', 'test/e2e/suite/training.test.ts', 'test/e2e/suite/graph.test.ts', 'test/e2e/suite/view-compare.test.ts'], outdir: 'out/e2e', external: ['vscode', 'mocha', '@tensorflow/*'] },
];

// the threaded wasm engine's pthread worker: a file Node's worker_threads start, found next to the
// bundles (server/src/runtime/wasm-threads.ts); it loads tfjs-backend-wasm from node_modules
mkdirSync('dist', { recursive: true });
copyFileSync('server/src/runtime/wasm-worker.cjs', 'dist/wasm-worker.cjs');

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...node, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  chmodSync('dist/cli.js', 0o755);
}
