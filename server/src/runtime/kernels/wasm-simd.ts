// A WebAssembly module of one function, written as instructions here and assembled to bytes at
// run time, that works on the wasm backend's own memory (it imports the backend's
// WebAssembly.Memory, so tensor data is read and written in place, by byte offset, without copies).
// This is how a kernel of this project's gets 128-bit SIMD arithmetic on the wasm backend: tfjs'
// kernel registry lets us add kernels, but not code to the backend's own wasm binary, and a loop in
// JavaScript runs scalar double arithmetic (NnAdamStep in JavaScript took 14.5 ns an element; the
// same loop here, 4 lanes at a time, about a tenth of that).
//
// Only the instructions the kernels use are here; each is the opcode of the WebAssembly 2.0 spec
// (https://webassembly.github.io/spec/core/binary/instructions.html), SIMD ones after prefix 0xfd.

export type ValueType = 'i32' | 'f32' | 'v128';
const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** An instruction: its bytes. Build a body by concatenating them. */
export type Code = number[];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
/** memarg: alignment hint 4 bytes (float32 data; any address is allowed), offset 0 */
const MEMARG = [2, 0];

/** The instructions, by their text-format names. */
export const op = {
  localGet: (i: number): Code => [0x20, ...uleb(i)],
  localSet: (i: number): Code => [0x21, ...uleb(i)],
  i32Const: (n: number): Code => [0x41, ...sleb(n)],
  f32Const: (x: number): Code => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  i32Add: [0x6a] as Code,
  i32Mul: [0x6c] as Code,
  i32Eqz: [0x45] as Code,
  i32GeU: [0x4f] as Code,
  /** block with no result; `end` closes it */
  block: [0x02, 0x40] as Code,
  loop: [0x03, 0x40] as Code,
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  end: [0x0b] as Code,
  f32Load: [0x2a, ...MEMARG] as Code,
  v128Load: simd(0x00, ...MEMARG),
  v128Store: simd(0x0b, ...MEMARG),
  /** one float32 into all four lanes */
  v128Load32Splat: simd(0x09, ...MEMARG),
  /** two float32 values (8 bytes) into the low lanes, the high lanes zero */
  v128Load64Zero: simd(0x5d, ...MEMARG),
  /** the low two float32 lanes as two float64 lanes (exact) */
  f64x2PromoteLowF32x4: simd(0x5f),
  f64x2Add: simd(0xf0),
  f32x4Splat: simd(0x13),
  f32x4Eq: simd(0x41),
  f32x4Ne: simd(0x42),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  /** a & ~b */
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  i32x4AllTrue: simd(0xa3),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
};

/** `body` again and again until `exit` (an i32 condition, tested before each pass) holds: a block around a loop. */
export function until(exit: Code[], body: Code[]): Code[] {
  return [op.block, op.loop, ...exit, op.brIf(1), ...body, op.br(0), op.end, op.end];
}

/** The condition `a >= b` on two i32 locals, unsigned (byte offsets, counts). */
export function atOrPast(a: number, b: number): Code[] {
  return [op.localGet(a), op.localGet(b), op.i32GeU];
}

/** local += amount (i32). */
export function addTo(local: number, amount: Code): Code[] {
  return [op.localGet(local), amount, op.i32Add, op.localSet(local)];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

export interface SimdFunction {
  /** the export's name */
  name: string;
  params: ValueType[];
  /** the result's type, if it returns one */
  result?: ValueType;
  /** locals after the parameters, numbered from params.length */
  locals: ValueType[];
  body: Code[];
}

/** The module's bytes: memory imported as env.memory (shared: the threaded engine's), one exported function. */
export function assemble(fn: SimdFunction, shared = false): Uint8Array<ArrayBuffer> {
  const results = fn.result ? [0x01, TYPE_CODE[fn.result]] : [0x00];
  const type = [0x01, 0x60, ...uleb(fn.params.length), ...fn.params.map((t) => TYPE_CODE[t]), ...results];
  // limits: at least 0 pages, no maximum; the backend's memory has what it has. A shared memory
  // must be imported as shared, with a maximum at least its own: 65536 pages (4 GiB, wasm32's all)
  const limits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  const imports = [0x01, ...name('env'), ...name('memory'), 0x02, ...limits];
  const functions = [0x01, 0x00];
  const exports = [0x01, ...name(fn.name), 0x00, 0x00];
  const localGroups = fn.locals.map((t) => [...uleb(1), TYPE_CODE[t]]);
  const body = [...uleb(localGroups.length), ...localGroups.flat(), ...fn.body.flat(), ...op.end];
  const code = [0x01, ...uleb(body.length), ...body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, type),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/**
 * The backend's WebAssembly.Memory: the single-threaded build exports it (Emscripten keeps the
 * instance's exports in Module.asm), the threaded build imports a shared one (Module.wasmMemory).
 */
function backendMemory(wasmModule: unknown): WebAssembly.Memory {
  const m = wasmModule as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = m.asm?.memory ?? m.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the wasm backend does not expose its memory (Module.asm.memory or Module.wasmMemory): a tfjs-backend-wasm version this project does not know');
  return memory;
}

/**
 * `fn` as a function of a wasm backend: assembled and instantiated on the backend's memory the
 * first time, then the same instance. Its pointer arguments are byte offsets (util.heapOffsets).
 */
export function simdKernel<F extends (...args: number[]) => number | void>(fn: SimdFunction): (backend: { wasm: unknown }) => F {
  const instances = new WeakMap<WebAssembly.Memory, F>();
  return (backend) => {
    const memory = backendMemory(backend.wasm);
    let f = instances.get(memory);
    if (!f) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble(fn, typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer)), { env: { memory } });
      f = instance.exports[fn.name] as F;
      instances.set(memory, f);
    }
    return f;
  };
}
