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

/** A tensor with a name, as optimizers' getWeights and tf.io.encodeWeights use. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

export type Files = Record<string, string | Uint8Array>;

/**
 * Test hook: called after each step of an atomic write of `dir`, to simulate a kill or a failure
 * there: 'file' after each file written into `<dir>.tmp/` (`name` says which), 'files' when all
 * are, 'old' when the previous folder is `<dir>.old/`, 'renamed' when the new one is `<dir>/`,
 * 'done' when `.old` is gone.
 */
export type StepHook = (step: 'file' | 'files' | 'old' | 'renamed' | 'done', dir: string, name?: string) => void;

/**
 * A run folder or checkpoint that cannot be written or read back (a full disk, a read-only
 * folder, a damaged file): the message names the file and the problem, for the user to fix.
 */
export class CheckpointError extends Error {}

/** An I/O error in words. */
export function ioProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is exhausted';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'file not found';
    case 'ELOOP':
      return 'is a symbolic link; the files of a run folder are never written through one';
    default:
      return (e as Error).message;
  }
}

/** Files in run folders are created and written without following a symbolic link at their name. */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

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
    throw new CheckpointError(`cannot write ${file}: ${ioProblem(e)}`);
  }
}

/** A JSON file of a run folder; a missing or damaged one is a CheckpointError naming it. */
export function readJson<T>(file: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read ${file}: ${ioProblem(e)}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new CheckpointError(`${file} is damaged: not valid JSON (${(e as Error).message})`);
  }
}

/** A binary file of a run folder; a missing one is a CheckpointError naming it. */
export function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(`cannot read ${file}: ${ioProblem(e)}`);
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
    throw new CheckpointError(`cannot write the checkpoint ${dir}: ${ioProblem(e)}; ${kept ? `the last good checkpoint is kept in ${kept}` : 'no earlier checkpoint of it exists'}`);
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

/** The complete checkpoint folder for `dir` (itself, or the `.old` a kill left), if any. */
export function checkpointDir(dir: string): string | undefined {
  if (fs.existsSync(path.join(dir, 'model.json'))) return dir;
  const old = `${dir}.old`;
  if (fs.existsSync(path.join(old, 'model.json'))) return old;
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
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function readModelJson(dir: string): { json: ModelJson; weights: ArrayBuffer } {
  const json = readJson<ModelJson>(path.join(dir, 'model.json'));
  const specs = json.weightsManifest?.[0]?.weights;
  if (!json.modelTopology || !Array.isArray(specs)) throw new CheckpointError(`${path.join(dir, 'model.json')} is damaged: no model topology or weights manifest`);
  const bad = specs.find((w) => !w || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0));
  if (bad !== undefined) throw new CheckpointError(`${path.join(dir, 'model.json')} is damaged: a weight of the manifest has no valid shape (${JSON.stringify(bad)?.slice(0, 80)})`);
  const buf = readBytes(path.join(dir, 'weights.bin'));
  const want = specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[w.dtype] ?? 4), 0);
  if (buf.byteLength !== want) throw new CheckpointError(`${path.join(dir, 'weights.bin')} is damaged: ${buf.byteLength} bytes, the manifest in model.json needs ${want}`);
  return { json, weights: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer };
}

/** Load a saved model (topology and weights) with tfjs. */
export async function loadModel(dir: string): Promise<LayersModel> {
  const { json, weights } = readModelJson(dir);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights }));
}

/** Set a compiled model's weights from a checkpoint, matching weights by name. */
export function loadWeightsInto(model: LayersModel, dir: string): void {
  const { json, weights } = readModelJson(dir);
  const named = tf.io.decodeWeights(weights, json.weightsManifest[0].weights);
  setNamedWeights(model, named);
}

/** Set a model's weights from named tensors (weights' original names); takes ownership of them. */
export function setNamedWeights(model: LayersModel, named: tf.NamedTensorMap): void {
  const values = model.weights.map((w) => {
    const t = named[w.originalName];
    // a user's error (the model was edited since the run), not ours: a message and exit 1
    if (!t) throw new CheckpointError(`the checkpoint has no weight '${w.originalName}': it was saved from another model (was the model changed since?)`);
    if (t.shape.join(',') !== w.shape.join(',')) throw new CheckpointError(`the checkpoint's '${w.originalName}' has shape [${t.shape}], the model's is [${w.shape}] (was the model changed since?)`);
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

export function decodeTensors(bin: Buffer, specs: tf.io.WeightsManifestEntry[]): NamedTensor[] {
  const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
