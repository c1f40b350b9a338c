// The pthread worker of @tensorflow/tfjs-backend-wasm's threaded build, as a file Node's
// worker_threads can start (wasm-threads.ts names it to the Emscripten module through locateFile).
// The package ships the worker only as a string (wasmWorkerContents) that tfjs turns into a Blob
// URL, which Node's Worker cannot load. This runs that string as the body of a CommonJS module
// would run (its own scope, this file's require and __filename), after escaping the newline the
// string holds inside one of its string literals, as tfjs' own locateFile does for its Blob.
// esbuild.mjs copies this file next to the bundles (dist/wasm-worker.cjs).
'use strict';
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
