// Choosing the TensorFlow.js backend: tfjs-node when installed (fastest on CPU), else the wasm
// backend with this project's kernels registered (server/src/runtime/kernels), else the pure-JS
// cpu backend. The choice is reported, with how to get a faster one.

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** one line for the user: why this one, and how to get a faster one */
  note: string;
}
