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

/** Test hook: called after each step of an atomic write (to simulate a kill between steps). */
export type StepHook = (step: 'files' | 'old' | 'renamed' | 'done') => void;

export function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
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

/** Write a folder of files atomically (see the header). */
export function writeDirAtomic(dir: string, files: Files, hook?: StepHook): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  recover(dir);
  const tmp = `${dir}.tmp`;
  const old = `${dir}.old`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  for (const [name, data] of Object.entries(files)) writeSynced(path.join(tmp, name), data);
  fsyncDir(tmp);
  hook?.('files');
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  hook?.('old');
  fs.renameSync(tmp, dir);
  fsyncDir(parent);
  hook?.('renamed');
  fs.rmSync(old, { recursive: true, force: true });
  hook?.('done');
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

function readModelJson(dir: string): { json: ModelJson; weights: ArrayBuffer } {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const buf = fs.readFileSync(path.join(dir, 'weights.bin'));
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
    if (!t) throw new Error(`the checkpoint has no weight '${w.originalName}': it was saved from another model`);
    if (t.shape.join(',') !== w.shape.join(',')) throw new Error(`the checkpoint's '${w.originalName}' has shape [${t.shape}], the model's is [${w.shape}]`);
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
