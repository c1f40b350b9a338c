// Checkpoints on disk, written so that a kill at any moment leaves the previous one readable.
//
// A checkpoint is a folder (best/, last/). It is written whole into `<name>.tmp/` (every file
// fsynced, then the folder), then the old folder is renamed to `<name>.old/`, the new one to
// `<name>/`, the parent folder fsynced, and `<name>.old/` removed. At every moment either
// `<name>/` or `<name>.old/` is a complete checkpoint; `checkpointDir` finds it.
//
// Weights are in the tfjs format: model.json (topology and weights manifest, as tfjs'
// file:// saver writes it) and weights.bin, produced by a custom save handler
// (tf.io.withSaveHandler), so `tf.loadLayersModel` reads them back.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, type LayersModel, type Tensor } from '../tf';
// registers the custom layers (tf.serialization.registerClass) that a saved model.json may name
import '../compile';
import { CheckpointError, NOFOLLOW, ioProblem, notAFile, damaged, cannotRead, readBytes, MAX_RUN_FILE_BYTES } from './run-files';
import { rmsg } from '../../core/runtime-messages';
import { SchemaError, list, object, str, int, oneOf, opt, record, refine, type Check } from './schema';

/** A tensor with a name, as optimizers' getWeights and tf.io.encodeWeights use. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

export type Files = Record<string, string | Uint8Array>;

// reading a run folder's files is run-files.ts's; these are used with the checkpoints' own
export { CheckpointError, ioProblem, readBytes } from './run-files';

/**
 * Test hook: called after each step of an atomic write of `dir`, to simulate a kill or a failure
 * there: 'file' after each file written into `<dir>.tmp/` (`name` says which), 'files' when all
 * are, 'old' when the previous folder is `<dir>.old/`, 'renamed' when the new one is `<dir>/`,
 * 'done' when `.old` is gone.
 */
export type StepHook = (step: 'file' | 'files' | 'old' | 'renamed' | 'done', dir: string, name?: string) => void;


export function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | NOFOLLOW, 0o666);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  // directories can be fsynced on POSIX; Windows refuses to open them, and renames there are durable enough
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * mkdir -p that reports what went wrong: Node's recursive mkdir says ENOENT ("file not found")
 * on a read-only file system, where each level made on its own says EROFS.
 */
export function makeDirs(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeDirs(parent);
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** Append a line to a file (metrics.jsonl), not through a symbolic link. */
export function appendLine(file: string, line: string): void {
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | NOFOLLOW, 0o666);
    try {
      fs.writeSync(fd, line + '\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new CheckpointError(rmsg('cannotWriteFile', { file, why: ioProblem(e) }));
  }
}

/**
 * A JSON file of a run folder, read as `readBytes` reads and checked against its schema; a
 * missing, damaged or changed one is a CheckpointError naming the file and the field. The message
 * never quotes the file: a parse error gives the position only.
 */
export function readJson<T>(file: string, check: Check<T>, max = MAX_RUN_FILE_BYTES): T {
  const text = readBytes(file, { max }).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // JSON.parse counts from 0; people count characters from 1
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    const problem = at === undefined ? { empty: text.trim() === '' } : Number(at) >= text.length ? { cut: true } : { at: Number(at) + 1 };
    throw damaged(file, rmsg('notJson', problem));
  }
  try {
    return check(value, '');
  } catch (e) {
    if (e instanceof SchemaError) throw damaged(file, e.said);
    throw e;
  }
}

/**
 * Write a folder of files atomically (see the header). When it fails (a full disk, a read-only
 * folder), the partial `<dir>.tmp/` is removed and the error says which complete checkpoint is
 * left, if any.
 */
export function writeDirAtomic(dir: string, files: Files, hook?: StepHook): void {
  try {
    writeDirSteps(dir, files, hook);
  } catch (e) {
    if (e instanceof CheckpointError || !(e as NodeJS.ErrnoException).code) throw e;
    try {
      fs.rmSync(`${dir}.tmp`, { recursive: true, force: true });
    } catch {
      // the message below is what matters; a read-only folder cannot hold a .tmp anyway
    }
    const kept = checkpointDir(dir);
    throw new CheckpointError(rmsg('cannotWriteCheckpoint', { dir, why: ioProblem(e), ...(kept ? { kept } : {}) }));
  }
}

function writeDirSteps(dir: string, files: Files, hook?: StepHook): void {
  const parent = path.dirname(dir);
  makeDirs(parent);
  recover(dir);
  const tmp = `${dir}.tmp`;
  const old = `${dir}.old`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  for (const [name, data] of Object.entries(files)) {
    writeSynced(path.join(tmp, name), data);
    hook?.('file', dir, name);
  }
  fsyncDir(tmp);
  hook?.('files', dir);
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  hook?.('old', dir);
  fs.renameSync(tmp, dir);
  fsyncDir(parent);
  hook?.('renamed', dir);
  fs.rmSync(old, { recursive: true, force: true });
  hook?.('done', dir);
}

/** A write killed between its two renames left only `<dir>.old`: put it back. */
function recover(dir: string): void {
  const old = `${dir}.old`;
  if (!fs.existsSync(dir) && fs.existsSync(old)) fs.renameSync(old, dir);
}

/** An entry's lstat, or undefined when there is none. */
function lstatOf(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw cannotRead(p, e);
  }
}

/**
 * Refuses a symbolic link at `dir` (a run's best/ linked to another run's, a fold-2/ linked
 * elsewhere): a run folder is read and written only inside itself. Returns whether it exists.
 */
export function noLink(dir: string): boolean {
  const st = lstatOf(dir);
  if (st?.isSymbolicLink()) throw new CheckpointError(rmsg('runFolderLink', { dir }));
  return st !== undefined;
}

/** The complete checkpoint folder for `dir` (itself, or the `.old` a kill left), if any; never one reached through a symbolic link. */
export function checkpointDir(dir: string): string | undefined {
  for (const d of [dir, `${dir}.old`]) {
    if (!noLink(d)) continue;
    if (!lstatOf(d)!.isDirectory()) throw notAFile(d, lstatOf(d)!);
    if (lstatOf(path.join(d, 'model.json'))) return d;
  }
  return undefined;
}

/** The model's topology and weights as the two files of the tfjs format. */
export async function modelFiles(model: LayersModel): Promise<Files> {
  let files: Files | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      files = { 'model.json': JSON.stringify(json), 'weights.bin': data };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    }),
  );
  return files!;
}

interface ModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest: [{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** A weights manifest (model.json's, optimizer.json's): names, shapes and types of the tensors of a .bin file. */
export const manifestCheck: Check<tf.io.WeightsManifestEntry[]> = list(
  object<tf.io.WeightsManifestEntry>({
    name: str(),
    shape: refine(list(int(0, 2 ** 31 - 1), 0, 8), (s) => (s.reduce((a, b) => a * b, 1) > 2 ** 31 ? { expected: rmsg('expShapeSize'), found: `[${s.join(', ')}]` } : undefined)),
    dtype: oneOf('float32', 'int32', 'bool'),
    group: opt(str()) as Check<tf.io.WeightGroup | undefined>,
    quantization: (v, at) => {
      // nn never writes quantized weights: their sizes would not be what the dtype says
      if (v !== undefined) throw new SchemaError(at, rmsg('expNotQuantized'), v);
      return undefined;
    },
  }),
);

/** The bytes the tensors of a manifest take. */
export function manifestBytes(specs: tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[w.dtype], 0);
}

const modelJsonCheck: Check<ModelJson> = object<ModelJson>({
  modelTopology: record((v) => v),
  weightsManifest: list(object({ paths: list(str()), weights: manifestCheck }), 1, 1) as Check<ModelJson['weightsManifest']>,
});

function readModelJson(dir: string): { json: ModelJson; file: string; specs: tf.io.WeightsManifestEntry[] } {
  const file = path.join(dir, 'model.json');
  const json = readJson(file, modelJsonCheck);
  return { json, file, specs: json.weightsManifest[0].weights };
}

/** Whether a checkpoint folder's model.json and weights.bin can be read (the weights' size is the manifest's); a CheckpointError names the file when not. */
export function checkWeightFiles(dir: string): void {
  readWeights(dir, readModelJson(dir).specs);
}

/** A checkpoint's weights.bin, read once its size is what the manifest says. */
function readWeights(dir: string, specs: tf.io.WeightsManifestEntry[]): ArrayBuffer {
  const buf = readBytes(path.join(dir, 'weights.bin'), { exact: manifestBytes(specs), manifest: 'model.json' });
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/**
 * The manifest of a checkpoint against the model it is loaded into, before the weights are read:
 * one weight of the same shape for each of the model's, and no others.
 */
function checkManifestFits(model: LayersModel, specs: tf.io.WeightsManifestEntry[]): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const w of model.weights) {
    const s = byName.get(w.originalName);
    // a user's error (the model was edited since the run), not ours: a message and exit 1
    if (!s) throw new CheckpointError(rmsg('checkpointNoWeight', { name: w.originalName }));
    if (s.shape.join(',') !== w.shape.join(',')) throw new CheckpointError(rmsg('checkpointShape', { name: w.originalName, shape: String(s.shape), want: String(w.shape) }));
  }
  if (byName.size !== model.weights.length) throw new CheckpointError(rmsg('checkpointWeightCount', { n: byName.size, want: model.weights.length }));
}

/** How deep a model topology may nest (tfjs deserializes it recursively; nn's models nest a few levels). */
const MAX_TOPOLOGY_DEPTH = 64;

/**
 * A topology that tfjs can build without running out of stack or taking memory the manifest does
 * not account for: nested at most MAX_TOPOLOGY_DEPTH levels, and every `class_name` one that tfjs
 * or nn registers (a Keras `Lambda` would fail deep inside tfjs). Walked without recursion.
 */
function checkTopology(topology: unknown, file: string): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const stack: { v: unknown; depth: number; at: string }[] = [{ v: topology, depth: 1, at: 'modelTopology' }];
  while (stack.length) {
    const { v, depth, at } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_TOPOLOGY_DEPTH) throw damaged(file, rmsg('topologyDeep', { max: MAX_TOPOLOGY_DEPTH, at: at.slice(0, 80) }));
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, at: `${at}[${i}]` }));
    else {
      const o = v as Record<string, unknown>;
      if ('class_name' in o && (typeof o.class_name !== 'string' || !Object.hasOwn(known, o.class_name))) {
        throw damaged(file, rmsg('topologyClass', { at, ...(typeof o.class_name === 'string' ? { name: o.class_name.slice(0, 60) } : {}) }));
      }
      for (const [k, x] of Object.entries(o)) stack.push({ v: x, depth: depth + 1, at: `${at}.${k}` });
    }
  }
}

/**
 * While a topology is built: the values its layers' weights may take in all, and what they took.
 * Layers allocate their weights as they are built, before any are loaded: a topology edited to
 * 100,000 units allocated gigabytes before the weights could be found not to fit.
 */
let weightBudget: { left: number; file: string } | undefined;

class OverBudget extends CheckpointError {}

{
  type AddWeight = (this: unknown, name: string, shape: (number | null)[], ...rest: unknown[]) => unknown;
  const proto = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const addWeight = proto.addWeight;
  proto.addWeight = function (this: unknown, name, shape, ...rest) {
    if (weightBudget) {
      const n = shape.reduce((a: number, b) => a * (b ?? 1), 1);
      weightBudget.left -= n;
      if (!(weightBudget.left >= 0)) throw new OverBudget(rmsg('runFileDamaged', { file: weightBudget.file, problem: rmsg('topologyOverBudget', { name, shape: shape.join(', ') }) }));
    }
    return addWeight.call(this, name, shape, ...rest);
  };
}

/**
 * A checked topology whose every weight is about to be set from the checkpoint: its initializers
 * made zeros, so building it draws nothing (tfjs' Orthogonal initializer of a recurrent kernel is
 * slow, and printed its English warning in every nn evaluate and nn predict of an LSTM run).
 * A copy: the file's topology is not changed.
 */
function withoutInitializers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutInitializers);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k.endsWith('_initializer') && x !== null && typeof x === 'object' ? { class_name: 'Zeros', config: {} } : withoutInitializers(x)]));
}

/** Load a saved model: its topology built (checked first), then its weights, each checked against the other. */
export async function loadModel(dir: string): Promise<LayersModel> {
  const { json, file, specs } = readModelJson(dir);
  checkTopology(json.modelTopology, file);
  const weights = readWeights(dir, specs);
  let model: LayersModel;
  weightBudget = { left: specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0), file };
  try {
    model = await tf.models.modelFromJSON({ modelTopology: withoutInitializers(json.modelTopology) } as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    // what tfjs says of a configuration it cannot build (a negative size, a missing field): the file's fault
    throw damaged(file, rmsg('topologyBuild', { why: (e as Error).message.slice(0, 200) }));
  } finally {
    weightBudget = undefined;
  }
  try {
    checkManifestFits(model, specs);
    setNamedWeights(model, tf.io.decodeWeights(weights, specs));
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Set a compiled model's weights from a checkpoint, matching weights by name. */
export function loadWeightsInto(model: LayersModel, dir: string): void {
  const { specs } = readModelJson(dir);
  checkManifestFits(model, specs);
  setNamedWeights(model, tf.io.decodeWeights(readWeights(dir, specs), specs));
}

/** Set a model's weights from named tensors (weights' original names); takes ownership of them. */
export function setNamedWeights(model: LayersModel, named: tf.NamedTensorMap): void {
  const values = model.weights.map((w) => {
    const t = named[w.originalName];
    if (!t) throw new CheckpointError(rmsg('checkpointNoWeight', { name: w.originalName }));
    if (t.shape.join(',') !== w.shape.join(',')) throw new CheckpointError(rmsg('checkpointShape', { name: w.originalName, shape: String(t.shape), want: String(w.shape) }));
    return t;
  });
  model.setWeights(values);
  tf.dispose(Object.values(named));
}

/** Named tensors as one binary blob and its manifest (tf.io.encodeWeights). */
export async function encodeTensors(named: NamedTensor[]): Promise<{ bin: Uint8Array; specs: tf.io.WeightsManifestEntry[] }> {
  const { data, specs } = await tf.io.encodeWeights(named);
  return { bin: new Uint8Array(data), specs };
}

/** The tensors of a .bin file (optimizer.bin, restore.bin), read once its size is what its manifest (`json`, checked) says. */
export function readTensors(bin: string, specs: tf.io.WeightsManifestEntry[], json: string): NamedTensor[] {
  const buf = readBytes(bin, { exact: manifestBytes(specs), manifest: path.basename(json) });
  const map = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
