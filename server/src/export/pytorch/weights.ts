// nn's weights (tfjs names and layouts) -> the exported modules' state_dict (PyTorch keys and
// layouts), through each layer's WeightMap (layers.ts). Written as `weights.json` (key -> shape
// and offset) beside `weights.bin` (float32, little-endian), which LOAD_WEIGHTS_PY turns into a
// state_dict with NumPy; the export saves that as weights.pt.

import type { ExportedModel } from './model-py';
import { permute, inversePermutation, WeightError, type NnWeight } from '../nn-weights';

export { permute, inversePermutation, WeightError, type NnWeight };

export interface TorchTensor {
  key: string;
  shape: number[];
  data: Float32Array;
}

/**
 * The state_dict entries of `model` from nn's weights; every weight must find its place (and
 * LOAD_WEIGHTS_PY checks that every entry of the module gets a value).
 */
export function torchWeights(model: ExportedModel, weights: readonly NnWeight[]): TorchTensor[] {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const out: TorchTensor[] = [];
  for (const { node, prefix, torch } of model.layers) {
    const maps = torch.weights ?? {};
    const own = weights.filter((w) => w.name.startsWith(`${node.name}/`));
    for (const w of own) {
      const suffix = w.name.slice(node.name.length + 1);
      const m = maps[suffix];
      if (!m) throw new WeightError(`no place for weight '${w.name}' in the PyTorch module of '${node.name}'`);
      const t = m.permute ? permute(w.data, w.shape, m.permute) : { data: w.data, shape: [...w.shape] };
      out.push({ key: `${prefix}${m.key}`, shape: t.shape, data: t.data });
      byName.delete(w.name);
    }
  }
  if (byName.size > 0) throw new WeightError(`weights of no layer: ${[...byName.keys()].join(', ')}`);
  return out;
}

/** weights.json and weights.bin for LOAD_WEIGHTS_PY. */
export function weightFiles(tensors: readonly TorchTensor[]): { json: string; bin: Buffer } {
  const meta: Record<string, { shape: number[]; offset: number }> = {};
  let offset = 0;
  for (const t of tensors) {
    meta[t.key] = { shape: t.shape, offset };
    offset += t.data.length;
  }
  const bin = Buffer.alloc(offset * 4);
  let at = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) bin.writeFloatLE(t.data[i], (at + i) * 4);
    at += t.data.length;
  }
  return { json: JSON.stringify(meta), bin };
}

/**
 * Python: `load_converted(model, json_path, bin_path)` fills a module's state_dict from
 * weights.json/weights.bin, refusing a key the module lacks, a wrong shape, or a parameter or
 * buffer left without a value (batch norm's step counter excepted).
 */
export const LOAD_WEIGHTS_PY = `
import json

import numpy as np
import torch


def load_converted(model, json_path, bin_path):
    with open(json_path) as f:
        meta = json.load(f)
    data = np.fromfile(bin_path, dtype="<f4")
    state = model.state_dict()
    for key, m in meta.items():
        if key not in state:
            raise KeyError(f"{key}: not in the module")
        size = int(np.prod(m["shape"])) if m["shape"] else 1
        value = torch.from_numpy(data[m["offset"] : m["offset"] + size].reshape(m["shape"]).copy())
        if tuple(state[key].shape) != tuple(value.shape):
            raise ValueError(f"{key}: shape {tuple(value.shape)}, the module has {tuple(state[key].shape)}")
        state[key] = value
    missing = [k for k in state if k not in meta and not k.endswith("num_batches_tracked")]
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    model.load_state_dict(state)
    return model
`;

/**
 * nn's weights (tfjs names and layouts) from the module's state_dict: the inverse of
 * `torchWeights`. `wanted` lists the tfjs weights the model has (names and shapes), in their order.
 */
export function nnWeightsFrom(model: ExportedModel, state: ReadonlyMap<string, { shape: number[]; data: Float32Array }>, wanted: readonly { name: string; shape: readonly number[] }[]): NnWeight[] {
  const out: NnWeight[] = [];
  for (const w of wanted) {
    const layer = model.layers.find((l) => w.name.startsWith(`${l.node.name}/`));
    const m = layer?.torch.weights?.[w.name.slice(layer.node.name.length + 1)];
    if (!layer || !m) throw new WeightError(`no PyTorch weight for '${w.name}'`);
    const key = `${layer.prefix}${m.key}`;
    const t = state.get(key);
    if (!t) throw new WeightError(`the PyTorch checkpoint has no '${key}' (for '${w.name}')`);
    const back = m.permute ? permute(t.data, t.shape, inversePermutation(m.permute)) : { data: t.data, shape: t.shape };
    if (back.shape.join(',') !== w.shape.join(',')) throw new WeightError(`'${key}' has shape [${t.shape.join(', ')}]; '${w.name}' needs [${w.shape.join(', ')}]`);
    out.push({ name: w.name, shape: back.shape, data: back.data });
  }
  return out;
}

/** A state_dict written by train.py's save_plain: <path>.json (key -> shape, offset) and <path>.bin. */
export function readPlainState(json: string, bin: Buffer): Map<string, { shape: number[]; data: Float32Array }> {
  const meta = JSON.parse(json) as Record<string, { shape: number[]; offset: number }>;
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [key, m] of Object.entries(meta)) {
    const size = m.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(m.offset) || m.offset < 0 || m.offset + size > all.length) throw new WeightError(`'${key}' lies outside the weights file`);
    out.set(key, { shape: m.shape, data: all.slice(m.offset, m.offset + size) });
  }
  return out;
}
