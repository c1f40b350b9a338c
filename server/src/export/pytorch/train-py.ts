// train.py and data/: a train block as a standalone PyTorch training script. The data is written
// as nn prepared it (the same loader, splits and normalisation: data/*.bin with data.json), so
// both engines train on the same numbers; train.py holds nn's policy (epochs, shuffling, the
// loss with its penalties, optimizer, schedule, clipping, metrics, validation, the best and last
// checkpoints, early stopping with restore-best, resume, stop on a signal) and prints nn's
// training events (runtime/train/protocol.ts) as JSON lines with --json. Under torchrun (or
// WORLD_SIZE/RANK/LOCAL_RANK/MASTER_ADDR/MASTER_PORT set by hand) it trains with
// DistributedDataParallel: batch_size stays the global batch, each process takes its share of
// every batch, decisions are made by rank 0 and broadcast, and only rank 0 writes.

import type { TrainDesc } from '../../core/model';
import type { TrainConfig } from '../../core/train';
import { validationSplit } from '../../data/batches';
import type { Split, LoadedData } from '../../data/types';
import type { dataSpecs } from './data-py';
import { higherIsBetter } from '../../runtime/train/monitor';
import { PROTOCOL_VERSION, HISTOGRAM_BINS, SATURATION } from '../../runtime/train/protocol';
import { reportedLayers, PROBE_SAMPLES } from '../../runtime/train/inside';
import { thresholdFor } from '../../runtime/train/losses';
import { fitInputs, FIT_POINTS, FIT_GRID, BOUNDARY_SIZE, MAX_WEIGHT_IMAGES } from '../../runtime/train/visuals';
import { trainingCorePy, regularizedWeights, metricsPy } from './training-py';
import { LOAD_WEIGHTS_PY, inversePermutation } from './weights';
import { RANDOM_PY, AUGMENT_PY } from './random-py';
import type { ExportedModel } from './model-py';

/** What train.py needs to know that the train block does not say: the data's task and the monitors. */
export interface TrainSetup {
  task: 'classification' | 'regression';
  units: number;
  classes?: number;
  classNames?: string[];
  /** the monitor of best/ and early stopping, and whether higher is better */
  monitor: string;
  monitorMax: boolean;
  seed: number;
  dataName: string;
  /** regression on 1 or 2 inputs with one target: train.py sends the fit picture's events (visuals.ts fitInputs) */
  fit?: 1 | 2;
  /** what data.py loads when there is no data/ folder (data-py.ts dataSpecs); null where it cannot */
  dataSpec?: ReturnType<typeof dataSpecs>;
  /** 2-D classification: train.py sends the decision boundary (visuals.ts pointsEvent's data) */
  boundary?: boolean;
  /** image models: the first layer whose weights train.py sends as images (visuals.ts firstLayer) */
  firstLayer?: FirstLayer;
  /** images normalised with normalize: [mean, std], which brightness and contrast undo and redo */
  pixel?: { mean: number; std: number };
}

/** The first layer's kernel as the weights picture draws it: where it is in the state_dict and how to put it back in nn's layout. */
export interface FirstLayer {
  layer: string;
  kind: 'dense' | 'conv2d';
  key: string;
  /** PyTorch's axes in nn's order (none: the same layout) */
  permute: number[] | null;
  /** [height, width, channels] of each image */
  image: [number, number, number];
}

/**
 * The first layer with trainable weights of an image model, when it is a dense layer on the
 * flattened pixels or a conv2d on the image: visuals.ts firstLayer's rule, on the description.
 */
export function firstLayerOf(model: ExportedModel, data: LoadedData): FirstLayer | undefined {
  const f = data.featureShape;
  if (!data.image || (f.length !== 2 && f.length !== 3)) return undefined;
  const img: [number, number, number] = [f[0], f[1], f.length === 3 ? f[2] : 1];
  const first = model.layers.find((l) => l.node.weights.some((w) => w.trainable));
  const kernel = first?.node.weights.find((w) => /kernel/.test(w.name));
  const map = kernel && first!.torch.weights?.[kernel.name];
  if (!first || !kernel || !map) return undefined;
  const s = kernel.shape;
  const at = { layer: first.node.name, key: `${first.prefix}${map.key}`, permute: map.permute ? inversePermutation(map.permute) : null };
  if (first.node.kind === 'dense' && s.length === 2 && s[0] === img[0] * img[1] * img[2]) return { ...at, kind: 'dense', image: img };
  if (first.node.kind === 'conv2d' && s.length === 4 && s[2] === img[2]) return { ...at, kind: 'conv2d', image: [s[0], s[1], s[2]] };
  return undefined;
}

/** `best`: how the run judges its best epoch (monitor.ts bestMonitor). */
export function trainSetup(model: ExportedModel, data: LoadedData, seed: number, best: { name: string; mode: string }): TrainSetup {
  return {
    task: data.task,
    units: model.desc.nodes[model.desc.output].shape.at(-1)!,
    ...(data.classes === undefined ? {} : { classes: data.classes }),
    ...(data.classNames ? { classNames: data.classNames } : {}),
    monitor: best.name,
    monitorMax: higher(best.name, best.mode),
    seed,
    dataName: data.name,
    ...(fitInputs(data) ? { fit: fitInputs(data) } : {}),
    ...(data.task === 'classification' && data.featureShape.length === 1 && data.featureShape[0] === 2 ? { boundary: true } : {}),
    ...(firstLayerOf(model, data) ? { firstLayer: firstLayerOf(model, data) } : {}),
    ...(data.pixelNormalize ? { pixel: data.pixelNormalize } : {}),
  };
}

/** The last part of a path, with / or \\ between folders (an export made on Windows). */
function fileName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** Whether a monitor in a mode prefers high values (monitor.ts' rule). */
function higher(monitor: string, mode: string): boolean {
  return mode === 'max' || (mode === 'auto' && higherIsBetter(monitor));
}

/**
 * The splits a train block trains on, as nn's trainer makes them: a `validation:` fraction split
 * off with the seed (data/batches.ts validationSplit), or a separate validation dataset.
 */
export function trainSplits(cfg: TrainConfig, data: LoadedData, seed: number, validation: Split | undefined): { train: Split; validation?: Split; test?: Split } {
  // k-fold: train.py makes the folds of the whole training split (data/batches.ts kfold)
  if (cfg.kfold) return { train: data.train, test: data.test };
  if (typeof cfg.validation === 'number') {
    const v = validationSplit(data.train, cfg.validation, seed);
    return { train: v.train, validation: v.val, test: data.test };
  }
  return { train: data.train, ...(validation ? { validation } : {}), test: data.test };
}

/** data/: data.json and one x and one y file per split (float32 / int32, little-endian). */
export function dataFiles(data: LoadedData, splits: { train: Split; validation?: Split; test?: Split }): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  const meta: Record<string, { n: number; x: string; y: string }> = {};
  for (const [name, s] of Object.entries(splits)) {
    if (!s) continue;
    files[`${name}_x.bin`] = new Uint8Array(s.x.buffer, s.x.byteOffset, s.x.byteLength);
    files[`${name}_y.bin`] = new Uint8Array(s.y.buffer, s.y.byteOffset, s.y.byteLength);
    meta[name] = { n: s.n, x: `${name}_x.bin`, y: `${name}_y.bin` };
  }
  files['data.json'] = JSON.stringify(
    {
      name: data.name,
      source: data.source,
      featureShape: data.featureShape,
      task: data.task,
      ...(data.classes === undefined ? {} : { classes: data.classes }),
      ...(data.classNames ? { classNames: data.classNames } : {}),
      ...(data.targetDims === undefined ? {} : { targetDims: data.targetDims }),
      splits: meta,
    },
    null,
    2,
  );
  return files;
}

/**
 * layer_stats for train.py: when to measure, and each reported layer (inside.ts) with the key
 * model.py traces its output under and the prefix of its parameters. model.py must be written
 * with `trace` (modelPy's option) for a block that has layer_stats.
 */
function layerStatsConfig(train: TrainDesc, model: ExportedModel) {
  if (train.layerStats === undefined) return null;
  const layers = reportedLayers(model.desc).map((r) => {
    const trace = model.traces.get(r.node.id);
    if (trace === undefined) throw new Error(`model.py of '${model.desc.name}' was written without traces, which layer_stats reads`);
    const prefix = r.weighted ? model.layers.find((l) => l.node.id === r.node.id)?.prefix : undefined;
    return { name: r.node.name, kind: r.node.kind, activation: r.activation ?? null, trace, prefix: prefix || null };
  });
  return { every: train.layerStats, probe: PROBE_SAMPLES, bins: HISTOGRAM_BINS, saturation: SATURATION, layers };
}

/** train.py for one train block whose model is `model` (exported in model.py). */
export function trainPy(train: TrainDesc, model: ExportedModel, setup: TrainSetup): string {
  const core = trainingCorePy(train, { units: setup.units, classes: setup.classes }, regularizedWeights(model));
  const config = {
    train: train.name,
    // the file's name only: the exporting machine's folders mean nothing where train.py runs
    file: fileName(train.file),
    model: train.model,
    data: setup.dataName,
    epochs: train.epochs,
    batch_size: train.batchSize,
    shuffle: train.shuffle,
    seed: setup.seed,
    clip_norm: train.clipNorm ?? null,
    task: setup.task,
    units: setup.units,
    classes: setup.classes ?? null,
    class_names: setup.classNames ?? null,
    threshold: thresholdFor(train.loss.fn, train.loss.args.from_logits),
    metrics: train.metrics.map((m) => ({ name: m.fn, k: m.args.k ?? null })),
    monitor: setup.monitor,
    monitor_max: setup.monitorMax,
    early_stopping: train.earlyStopping
      ? {
          monitor: train.earlyStopping.args.monitor,
          higher: higher(String(train.earlyStopping.args.monitor), String(train.earlyStopping.args.mode)),
          patience: train.earlyStopping.args.patience,
          min_delta: train.earlyStopping.args.min_delta,
          restore_best: train.earlyStopping.args.restore_best !== false,
        }
      : null,
    checkpoint_every: (train.checkpoint?.args.every as number | undefined) ?? 1,
    plateau: train.schedule?.fn === 'reduce_on_plateau' ? { monitor: train.schedule.args.monitor, factor: train.schedule.args.factor, patience: train.schedule.args.patience, min_lr: train.schedule.args.min_lr } : null,
    layer_stats: layerStatsConfig(train, model),
    fit: setup.fit ?? null,
    data_spec: setup.dataSpec ?? null,
    boundary: setup.boundary === true,
    first_layer: setup.firstLayer ?? null,
    kfold: train.kfold ?? null,
    augment: train.augment.length ? { ops: train.augment.map((a) => ({ kind: a.fn, ...a.args })), pixel: setup.pixel ? [setup.pixel.mean, setup.pixel.std] : null } : null,
  };
  const values: Record<string, string> = {
    MODEL: model.className,
    TRAIN: train.name,
    FILE: fileName(train.file),
    CONFIG: JSON.stringify(config, null, 4),
    CORE: core,
    LOAD_WEIGHTS: LOAD_WEIGHTS_PY.replace(/^\n(import [^\n]+\n|\n)+/, '').trim(),
    METRICS: metricsPy(),
    PROTOCOL: String(PROTOCOL_VERSION),
    FIT_POINTS: String(FIT_POINTS),
    FIT_GRID: String(FIT_GRID),
    BOUNDARY_SIZE: String(BOUNDARY_SIZE),
    MAX_WEIGHT_IMAGES: String(MAX_WEIGHT_IMAGES),
    RANDOM: RANDOM_PY.trim(),
    AUGMENT: AUGMENT_PY.trim(),
    PLATEAU_MONITOR_MAX: higherIsBetter(String(train.schedule?.args.monitor ?? 'loss')) ? 'True' : 'False',
  };
  return TEMPLATE.replace(/%([A-Z_]+)%/g, (whole, key: string) => values[key] ?? whole);
}

const TEMPLATE = `"""Trains %MODEL% as nn trains the block \`%TRAIN%\` of %FILE%, on PyTorch.

The data in data/ is what nn prepared (the same splits and normalisation); without data/, data.py
makes the same from the dataset's description. One process, on the
CPU or a GPU, or several with DistributedDataParallel (batch_size stays the global batch):

    python3 train.py [--device cpu|cuda|cuda:N] [--epochs N] [--json] [--out DIR] [--resume]
    torchrun --nproc_per_node=4 train.py

--json prints nn's training events, one JSON object a line. Ctrl+C (SIGINT) or SIGTERM finish
the batch, save the last checkpoint and exit 130 (143); --resume continues from it.
"""

import argparse
import base64
import json
import math
import os
import signal
import sys
import threading
import time
import warnings

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from model import %MODEL%

HERE = os.path.dirname(os.path.abspath(__file__))
BOUNDARY_SIZE = %BOUNDARY_SIZE%
MAX_WEIGHT_IMAGES = %MAX_WEIGHT_IMAGES%

CONFIG = json.loads(
    r"""
%CONFIG%
"""
)


%CORE%


%LOAD_WEIGHTS%


%METRICS%


class Metrics:
    """An epoch's loss and metrics, from every output (nn's runtime/train/metrics.ts): a confusion
    matrix for classes (macro precision, recall, f1), sums of errors for values. The batches are
    kept and summed FLUSH at a time, with a few operations for all of them (not a dozen a batch,
    which cost a fifth of a small model's step); the sums stay on the outputs' device until the
    epoch ends: no synchronisation per batch."""

    FLUSH = 64

    def __init__(self):
        self.k = CONFIG["classes"] or 0
        self.n = 0
        self.sums = None  # [loss, |e| per dim, e^2 per dim, y per dim, y^2 per dim, top-k hits..., confusion...]
        self.pending = []  # (output, target, loss, rows) of batches not summed yet

    def add(self, output, target, loss):
        self.n += output.shape[0]
        self.pending.append((output.detach(), target, loss.detach(), output.shape[0]))
        if len(self.pending) >= self.FLUSH:
            self.flush()

    def flush(self):
        """Sums the kept batches."""
        if not self.pending:
            return
        output, target = torch.cat([p[0] for p in self.pending]), torch.cat([p[1] for p in self.pending])
        losses = torch.stack([p[2] for p in self.pending]).double().reshape(-1)
        rows = torch.tensor([float(p[3]) for p in self.pending], dtype=torch.float64, device=output.device)
        self.pending = []
        self.sum(output, target, (losses * rows).sum())

    def sum(self, output, target, loss_total):
        b, dims, k = output.shape[0], CONFIG["units"], self.k
        tops = [m["k"] for m in CONFIG["metrics"] if m["name"] == "top_k_accuracy"]
        if self.sums is None:
            self.sums = torch.zeros(1 + 4 * dims + len(tops) + k * k, dtype=torch.float64, device=output.device)
        elif self.sums.device != output.device:
            self.sums = self.sums.to(output.device)
        self.sums[0] += loss_total
        if self.k:
            target = target.long()
            predicted = (output[:, 0] > CONFIG["threshold"]).long() if output.shape[1] == 1 else output.argmax(1)
            at = 1 + 4 * dims
            for i, top in enumerate(tops):
                if output.shape[1] == 1:
                    self.sums[at + i] += b
                else:
                    true_score = output.gather(1, target.reshape(-1, 1))
                    self.sums[at + i] += ((output > true_score).sum(1) < top).sum()
            self.sums[at + len(tops) :] += torch.bincount(target * k + predicted, minlength=k * k).double()
            return
        e = output.double() - target.double()
        t = target.double()
        for i, v in enumerate((e.abs(), e * e, t, t * t)):
            self.sums[1 + i * dims : 1 + (i + 1) * dims] += v.sum(0)

    def reduce(self):
        """Sum the counts of every process (DistributedDataParallel)."""
        self.flush()
        if not (dist.is_available() and dist.is_initialized()):
            return
        counts = torch.cat([self.sums, torch.tensor([float(self.n)], dtype=torch.float64, device=self.sums.device)])
        if dist.get_backend() == "gloo":
            counts = counts.cpu()
        dist.all_reduce(counts)
        self.sums, self.n = counts[:-1].to(self.sums.device), int(counts[-1])

    def state_dict(self):
        self.flush()
        return {"n": self.n, "sums": None if self.sums is None else self.sums.cpu()}

    def load_state_dict(self, state):
        if state:
            self.n, self.sums, self.pending = state["n"], state["sums"], []

    @property
    def loss(self):
        self.flush()
        return float(self.sums[0]) / self.n if self.n and self.sums is not None else float("nan")

    @property
    def errors(self):
        self.flush()
        dims = CONFIG["units"]
        return self.sums[1 : 1 + 4 * dims].cpu().reshape(4, dims)

    @property
    def top(self):
        self.flush()
        tops = [m["k"] for m in CONFIG["metrics"] if m["name"] == "top_k_accuracy"]
        at = 1 + 4 * CONFIG["units"]
        return {top: float(self.sums[at + i]) for i, top in enumerate(tops)}

    @property
    def confusion(self):
        self.flush()
        if not self.k:
            return None
        return self.sums[-self.k * self.k :].cpu().reshape(self.k, self.k)

    def per_class(self):
        """Per-class precision, recall and F1 (0 where a class is never predicted or absent)."""
        c = self.confusion
        tp = c.diag()
        predicted, actual = c.sum(0), c.sum(1)
        precision = torch.where(predicted > 0, tp / predicted.clamp(min=1), torch.zeros_like(tp))
        recall = torch.where(actual > 0, tp / actual.clamp(min=1), torch.zeros_like(tp))
        f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall).clamp(min=1e-300), torch.zeros_like(tp))
        return {"precision": precision, "recall": recall, "f1": f1}

    def r2(self):
        sst = self.errors[3] - self.errors[2] ** 2 / self.n
        return torch.where(sst > 0, 1 - self.errors[1] / sst.clamp(min=1e-300), (self.errors[1] == 0).double())

    def values(self):
        return {m["name"]: float(METRICS[m["name"]](self, m)) for m in CONFIG["metrics"]}

    def evaluation(self):
        e = {"loss": self.loss, "metrics": self.values()}
        if self.confusion is not None:
            e["confusion"] = self.confusion.long().tolist()
            if CONFIG["class_names"]:
                e["classNames"] = CONFIG["class_names"]
        return e


%RANDOM%


%AUGMENT%


def load_data(folder, root=None):
    """data/ as nn wrote it: data.json, and <split>_x.bin / <split>_y.bin per split; without
    it, data.py loads the train block's datasets as nn does (the same splits and numbers).
    A folder given with --data must be one nn wrote: a mistyped one is an error, not data.py."""
    if folder is not None and not os.path.exists(os.path.join(folder, "data.json")):
        raise SystemExit(f"train.py: --data {folder} has no data.json: give the data/ folder nn export wrote, or leave --data out")
    folder = folder or os.path.join(HERE, "data")
    if not os.path.exists(os.path.join(folder, "data.json")):
        if CONFIG["data_spec"] is None:
            raise SystemExit(f"train.py: {folder} has no data.json, and data.py cannot load {CONFIG['data']}: export it again with nn export --train")
        sys.path.insert(0, HERE)
        import data as nn_data

        try:
            made = nn_data.splits(CONFIG["data_spec"], CONFIG["seed"], root)
        except nn_data.DataError as e:
            raise SystemExit(f"train.py: {e}")
        return None, {k: (torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y))) for k, (x, y) in made.items()}
    with open(os.path.join(folder, "data.json")) as f:
        meta = json.load(f)
    splits = {}
    for name, s in meta["splits"].items():
        x = np.fromfile(os.path.join(folder, s["x"]), dtype="<f4").reshape([s["n"], *meta["featureShape"]])
        if meta["task"] == "classification":
            y = torch.from_numpy(np.fromfile(os.path.join(folder, s["y"]), dtype="<i4").astype(np.int64))
        else:
            y = torch.from_numpy(np.fromfile(os.path.join(folder, s["y"]), dtype="<f4").reshape(s["n"], -1))
        splits[name] = (torch.from_numpy(x), y)
    return meta, splits


def finite_or_null(v):
    """\`v\` with every NaN and infinity replaced by None, in nested dicts and lists."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: finite_or_null(x) for k, x in v.items()}
    if isinstance(v, list):
        return [finite_or_null(x) for x in v]
    return v


class Events:
    """nn's training events: JSON lines with --json, else lines for a person. Rank 0 only."""

    def __init__(self, as_json, rank):
        self.as_json, self.rank = as_json, rank

    def __call__(self, event):
        if self.rank != 0:
            return
        if self.as_json:
            # a NaN or infinite value is null, as nn's protocol writes it (JSON has no NaN)
            print(json.dumps(finite_or_null(event), allow_nan=False), flush=True)
        elif event["type"] == "epoch":
            parts = [f"epoch {event['epoch']}/{event['epochs']}", f"loss {event['loss']:.4f}"]
            parts += [f"{k} {v:.4f}" for k, v in event["metrics"].items()]
            if "val" in event:
                parts.append(f"val_loss {event['val']['loss']:.4f}")
                parts += [f"val_{k} {v:.4f}" for k, v in event["val"]["metrics"].items()]
            parts.append(f"lr {event['lr']:.3g}")
            print("  ".join(parts) + ("  *" if event["best"] else ""), flush=True)
        elif event["type"] == "fold":
            print(f"fold {event['fold']}/{event['folds']}", flush=True)
        elif event["type"] == "end" and "folds" in event:
            mean, std = event["folds"]["mean"], event["folds"]["std"]
            print(f"{len(event['folds']['results'])} folds, validation: " + "  ".join(f"{k} {mean[k]:.4f} ± {std[k]:.4f}" for k in mean), flush=True)
        elif event["type"] in ("start", "stopped", "log"):
            print(event.get("message") or f"{event['train']}: {event['model']} on {event['data']}, {event['backend']} ({event['backendNote']})", flush=True)
        elif event["type"] == "end" and "test" in event:
            for key, label in (("test", f"epoch {event.get('testEpoch', event['epochs'])}, saved"), ("lastTest", f"epoch {event['epochs']}, last")):
                if key in event:
                    t = event[key]
                    print(f"test ({label}): loss {t['loss']:.4f}  " + "  ".join(f"{k} {v:.4f}" for k, v in t["metrics"].items()), flush=True)


def finite(v):
    """A measured value for JSON: NaN and infinities are written as null (nn reads them as NaN)."""
    return v if math.isfinite(v) else None


def spelled(v):
    """A number as nn's messages spell it: NaN, Infinity and -Infinity as the tfjs engine writes them."""
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return str(v)


def histogram(values, bins):
    """nn's histogram (runtime/train/layer-stats.ts): equal bins from the least to the largest finite value."""
    v = values[torch.isfinite(values)]
    if v.numel() == 0:
        return {"min": 0.0, "max": 0.0, "counts": [0] * bins}
    lo, hi = float(v.min()), float(v.max())
    width = (hi - lo) / bins
    at = ((v - lo) / width).floor().clamp(max=bins - 1).long() if width > 0 else torch.zeros(v.numel(), dtype=torch.long)
    return {"min": lo, "max": hi, "counts": torch.bincount(at.cpu(), minlength=bins).tolist()}


class LayerStats:
    """layer_stats: nn's \`layers\` events, measured as nn's tfjs trainer measures them
    (runtime/train/layer-stats.ts): a step's gradients before clipping and the change the
    optimizer made, and each reported layer's output on the probe batch (the first training
    samples, in inference mode), which model.py hands to _trace."""

    LIMITS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "hard_sigmoid": (0.0, 1.0)}

    def __init__(self, core, x):
        import model as model_module

        self.cfg = CONFIG["layer_stats"]
        self.core = core
        self.x = x[: max(1, min(self.cfg["probe"], x.shape[0]))]
        named = dict(core.named_parameters())
        self.params = [[p for k, p in named.items() if l["prefix"] and k.startswith(l["prefix"])] for l in self.cfg["layers"]]
        self.outputs = None
        paths = {id(m): name for name, m in core.named_modules()}
        wanted = {l["trace"] for l in self.cfg["layers"]}

        def trace(owner, label, value):
            if self.outputs is None:
                return
            path = paths.get(id(owner), "")
            key = f"{path}.{label}" if path else label
            if key in wanted:
                self.outputs[key] = value.detach()

        model_module._trace = trace

    def due(self, epoch, b, batches):
        every = self.cfg["every"]
        return b == batches - 1 if every == "epoch" else ((epoch - 1) * batches + b + 1) % every == 0

    def before_step(self):
        """After backward, before clipping and the optimizer's step."""
        began = time.perf_counter()
        self.before = [[p.detach().clone() for p in ps] for ps in self.params]
        self.grads = [sum(float(p.grad.double().pow(2).sum()) for p in ps if p.grad is not None) for ps in self.params]
        self.seconds = time.perf_counter() - began

    def activations(self, a, activation):
        bins = self.cfg["bins"]
        units = a.shape[-1] if a.dim() > 1 else 1
        flat = a.reshape(-1)
        n = flat.numel()
        mean = float(flat.mean()) if n else 0.0
        out = {"mean": finite(mean), "std": finite(float(((flat - mean) ** 2).mean().sqrt())) if n else 0.0, "units": units, "histogram": histogram(flat, bins)}
        if activation in ("relu", "relu6"):
            alive = (a.reshape(-1, units) != 0).any(0)
            out["dead"] = float((~alive).sum()) / units
        limits = self.LIMITS.get(activation)
        if limits:
            s = self.cfg["saturation"]
            out["saturated"] = float(((flat - limits[0] <= s) | (limits[1] - flat <= s)).sum()) / n if n else 0.0
        return out

    def event(self, epoch, b, batches):
        began = time.perf_counter()
        was = self.core.training
        self.core.eval()
        self.outputs = {}
        with torch.no_grad():
            self.core(self.x)
        outputs, self.outputs = self.outputs, None
        self.core.train(was)
        layers = []
        for l, ps, before, g in zip(self.cfg["layers"], self.params, self.before, self.grads):
            entry = {"name": l["name"], "kind": l["kind"]}
            if l["activation"]:
                entry["activation"] = l["activation"]
            if ps:
                w = torch.cat([t.reshape(-1) for t in before]).double()
                norm = float(w.pow(2).sum().sqrt())
                change = math.sqrt(sum(float((p.detach().double() - t.double()).pow(2).sum()) for p, t in zip(ps, before)))
                entry["weights"] = {"norm": finite(norm), "gradNorm": finite(math.sqrt(g)), "updateRatio": finite(change / norm if norm > 0 else 0.0), "count": w.numel(), "histogram": histogram(w, self.cfg["bins"])}
            entry["activations"] = self.activations(outputs[l["trace"]].double(), l["activation"])
            layers.append(entry)
        ms = (self.seconds + time.perf_counter() - began) * 1000
        return {"type": "layers", "epoch": epoch, "batch": b + 1, "batches": batches, "probe": self.x.shape[0], "layers": layers, "ms": ms}


def evaluate(model, split, device, batch):
    """Loss (with the penalties) and metrics of a split, in inference mode."""
    x, y = split
    acc = Metrics()
    model.eval()
    with torch.no_grad():
        pen = float(penalty(model))
        for i in range(0, x.shape[0], batch):
            xb, yb = x[i : i + batch].to(device), y[i : i + batch].to(device)
            out = model(xb)
            acc.add(out, yb, loss_fn(out, yb) + pen)
    return acc.evaluation()


def fit_grid(train_x):
    """Where the fit picture is predicted, as nn's trainer does (visuals.ts fitGrid): one input,
    %FIT_POINTS% points over the training range with 5% margins; two, a %FIT_GRID% x %FIT_GRID% grid with 10%
    margins, row-major from the smallest second input. Returns the event's fields and the inputs."""
    x = train_x.detach().cpu().double()
    if CONFIG["fit"] == 1:
        lo, hi = float(x.min()), float(x.max())
        m = (hi - lo) * 0.05 or 1.0
        xs = [lo - m + (hi - lo + 2 * m) * i / (%FIT_POINTS% - 1) for i in range(%FIT_POINTS%)]
        return {"inputs": 1, "x": [round(v, 4) for v in xs]}, torch.tensor(xs, dtype=torch.float32).reshape(-1, 1)
    e, pts = plane_grid(x, %FIT_GRID%)
    return {"inputs": 2, "extent": e, "size": %FIT_GRID%}, pts


def plane_grid(x, size):
    """A size x size grid over 2-D points' extent with 10% margins, row-major from the smallest
    second input (visuals.ts planeGrid): the decision boundary's and the 2-D fit's."""
    x = x.detach().cpu().double()
    x0, x1, y0, y1 = float(x[:, 0].min()), float(x[:, 0].max()), float(x[:, 1].min()), float(x[:, 1].max())
    mx, my = (x1 - x0) * 0.1 or 1.0, (y1 - y0) * 0.1 or 1.0
    e = [x0 - mx, x1 + mx, y0 - my, y1 + my]
    pts = [[e[0] + (c + 0.5) / size * (e[1] - e[0]), e[2] + (r + 0.5) / size * (e[3] - e[2])] for r in range(size) for c in range(size)]
    return e, torch.tensor(pts, dtype=torch.float32)


def boundary_event(model, grid, device, epoch, tag):
    """2-D classification: the predicted class over the plane after an epoch (protocol.ts 'boundary')."""
    extent, x = grid
    model.eval()
    with torch.no_grad():
        out = model(x.to(device)).cpu()
    values = (out[:, 0] > CONFIG["threshold"]).long() if out.shape[1] == 1 else out.argmax(1)
    return {"type": "boundary", "epoch": epoch, "extent": extent, "size": BOUNDARY_SIZE, "values": values.tolist(), **tag}


def weights_event(model, epoch, tag):
    """Image models: the first layer's weights as images (protocol.ts 'weights', visuals.ts
    weightsEvent): each unit's or filter's weights as bytes round(127.5 + 127.5 w / max |w|)."""
    first = CONFIG["first_layer"]
    w = model.state_dict()[first["key"]].detach().cpu().double()
    if first["permute"]:
        w = w.permute(*first["permute"])
    units = w.shape[-1]
    count = min(MAX_WEIGHT_IMAGES, units)
    images = w.reshape(-1, units)[:, :count].t()
    scale = images.abs().max(1).values
    pixels = torch.floor(127.5 + (127.5 * images) / torch.where(scale > 0, scale, torch.ones_like(scale))[:, None] + 0.5)
    pixels = torch.where(scale[:, None] > 0, pixels, torch.full_like(pixels, 128)).to(torch.uint8)
    return {
        "type": "weights",
        "epoch": epoch,
        "layer": first["layer"],
        "kind": first["kind"],
        "shape": first["image"],
        "units": units,
        "scale": [float(f"{v:.6g}") for v in scale.tolist()],
        "values": base64.b64encode(pixels.numpy().tobytes()).decode("ascii"),
        **tag,
    }


def fit_event(model, grid, device, epoch, tag):
    """The model's prediction over the fit grid after an epoch (protocol.ts 'fit'), or None when it is not finite."""
    fields, x = grid
    model.eval()
    with torch.no_grad():
        values = model(x.to(device)).reshape(-1).tolist()
    if not all(math.isfinite(v) for v in values):
        return None
    return {"type": "fit", "epoch": epoch, **fields, "values": [float(f"{v:.5g}") for v in values], **tag}


def save(path, payload):
    """Atomically: a kill leaves the previous file whole."""
    tmp = path + ".tmp"
    torch.save(payload, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, device):
    """A checkpoint save() wrote. Only tensors and plain values are read (weights_only) where
    PyTorch can: 2.6 made that the default and 2.4-2.5 warn without it; 1.13's reader lacks
    pickle's floats, which the checkpoints hold, so it reads them as it always did."""
    safe = {"weights_only": True} if int(torch.__version__.split(".")[0]) >= 2 else {}
    return torch.load(path, map_location=device, **safe)


def save_plain(path, state):
    """A state_dict as float32 values (path + ".bin") and their keys and shapes (path + ".json"),
    for readers without PyTorch: nn turns them into its own checkpoint format."""
    meta, blobs, offset = {}, [], 0
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        a = value.detach().cpu().numpy().astype("<f4")
        meta[key] = {"shape": list(a.shape), "offset": offset}
        blobs.append(a.tobytes())
        offset += a.size
    with open(path + ".bin.tmp", "wb") as f:
        f.write(b"".join(blobs))
    os.replace(path + ".bin.tmp", path + ".bin")
    with open(path + ".json.tmp", "w") as f:
        json.dump(meta, f)
    os.replace(path + ".json.tmp", path + ".json")


class Monitor:
    """A watched quantity's best value and the epochs since it improved (nn's monitor.ts)."""

    def __init__(self, name, higher, min_delta=0.0):
        self.name, self.higher, self.min_delta = name, higher, min_delta
        self.best, self.best_epoch, self.wait = None, None, 0

    def update(self, values, epoch):
        v = values[self.name]
        better = self.best is None or (v > self.best + self.min_delta if self.higher else v < self.best - self.min_delta)
        if math.isfinite(v) and better:
            self.best, self.best_epoch, self.wait = v, epoch, 0
            return True
        self.wait += 1
        return False

    def state_dict(self):
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait}

    def load_state_dict(self, s):
        self.best, self.best_epoch, self.wait = s["best"], s["best_epoch"], s["wait"]


def exit_with_parent():
    """Under nn (NN_PARENT_PID set): end when nn ends, even killed, instead of training on alone.
    The last checkpoint stays as it was; --resume continues from it."""
    parent = os.environ.get("NN_PARENT_PID")
    if not parent:
        return

    def watch():
        while True:
            if os.getppid() != int(parent):
                os._exit(137)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()


def pick_device(wanted, local_rank):
    """auto: a GPU when there is one; None (with the reason printed) for a device that is not here."""
    if wanted == "auto":
        wanted = "cuda" if torch.cuda.is_available() else "cpu"
    if wanted == "cuda":
        wanted = f"cuda:{local_rank}"
    if wanted != "cpu" and not wanted.startswith("cuda:"):
        print(f"train.py: --device must be auto, cpu, cuda or cuda:N, not {wanted}", file=sys.stderr)
        return None
    if wanted.startswith("cuda:") and (not torch.cuda.is_available() or int(wanted[5:]) >= torch.cuda.device_count()):
        print(f"train.py: no CUDA device {wanted} here (PyTorch {torch.__version__} sees {torch.cuda.device_count()})", file=sys.stderr)
        return None
    return torch.device(wanted)


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    p.add_argument("--data", default=None, help="the folder nn wrote the data to (default: data/ here; without it, data.py loads the data)")
    p.add_argument("--data-root", default=None, help="where data.py finds the dataset's files (default: the .nn file's folder as it was when exported)")
    p.add_argument("--out", default=os.path.join(HERE, "checkpoints"), help="where best.pt and last.pt go")
    p.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--json", action="store_true", help="print nn's training events as JSON lines")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    p.add_argument("--threads", type=int, default=0, help="CPU threads per process (0: PyTorch's default)")
    p.add_argument("--nn-weights", action="store_true", help="also write each checkpoint's weights as <kind>.json/.bin (for nn)")
    p.add_argument("--init", default=os.path.join(HERE, "initial"), help="start from these weights (<init>.json/.bin): nn's for the seed")
    return p.parse_args(argv)


def run(args):
    """Trains; returns the exit code and the trained module (for code that imports train.py).
    With several processes, end the process with os._exit afterwards, as __main__ does."""
    exit_with_parent()
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = pick_device(args.device, local_rank)
    if device is None:
        return 2, None
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    emit = Events(args.json, rank)
    batch = CONFIG["batch_size"]
    if batch % world != 0:
        print(f"train.py: batch_size {batch} does not split evenly over {world} processes", file=sys.stderr)
        return 2, None
    torch.manual_seed(CONFIG["seed"])
    _, splits = load_data(args.data, args.data_root)
    folds = CONFIG["kfold"]
    if folds:
        try:
            # each fold's training and validation rows of the training split
            fold_rows = kfold_indices(splits["train"][0].shape[0], folds, CONFIG["seed"])
        except ValueError as e:
            print(f"train.py: {e}", file=sys.stderr)
            return 2, None
    else:
        fold_rows = [None]

    def fold_data(fold):
        """The training and validation split of a fold (without k-fold: data/'s)."""
        if not folds:
            return splits["train"], splits.get("validation")
        x, y = splits["train"]
        t, v = fold_rows[fold]
        return (x[t], y[t]), (x[v], y[v])

    os.makedirs(args.out, exist_ok=True)
    last_path = os.path.join(args.out, "last.pt")
    resumed = None
    if args.resume:
        if not os.path.exists(last_path):
            print(f"train.py: nothing to resume: {last_path} does not exist", file=sys.stderr)
            return 2, None
        resumed = load_checkpoint(last_path, device)
    # with k-fold: the fold training is in, and the validation results of the folds before it
    first_fold = resumed.get("fold", 0) if resumed else 0
    fold_results = list(resumed.get("fold_results", [])) if resumed else []

    stop = {"signal": None}

    def on_signal(signum, _frame):
        stop["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    version = f"PyTorch {torch.__version__} on {device}" + (f", {world} processes" if world > 1 else "")
    first_train, first_val = fold_data(first_fold)
    samples = {"train": first_train[0].shape[0], "validation": first_val[0].shape[0] if first_val else 0, "test": splits["test"][0].shape[0] if "test" in splits else 0}
    emit(
        {
            "type": "start",
            "protocol": %PROTOCOL%,
            "train": CONFIG["train"],
            "file": CONFIG["file"],
            "model": CONFIG["model"],
            "data": CONFIG["data"],
            "backend": "torch",
            "backendNote": version,
            "runDir": args.out,
            "epochs": args.epochs,
            "batchSize": batch,
            "samples": samples,
            "params": sum(p.numel() for p in %MODEL%().parameters()),
            "task": CONFIG["task"],
            **({"classes": CONFIG["classes"]} if CONFIG["classes"] else {}),
            "metrics": [m["name"] for m in CONFIG["metrics"]],
            **({"kfold": folds} if folds else {}),
            **({"resumedFrom": resumed["epoch"]} if resumed else {}),
        }
    )

    def decide(*flags):
        """Rank 0's decisions, for every process: no process waits for one that stopped."""
        t = torch.tensor([float(f) for f in flags], device=device if device.type == "cuda" else "cpu")
        if world > 1:
            dist.broadcast(t, 0)
        return [bool(v) for v in t.tolist()]

    def shared_step(stopping, loss, rows):
        """Once a batch with several processes, in the one collective a batch already needed for
        rank 0's stop decision: that decision, and the whole batch's loss (each process's mean
        loss times its rows, summed, over the rows), not rank 0's share of it."""
        flag = torch.tensor([1.0 if rank == 0 and stopping else 0.0, float(rows)], dtype=torch.float64, device=loss.device)
        t = torch.cat([flag, (loss.detach().double() * rows).reshape(1)])
        dist.all_reduce(t)
        stop_flag, total_rows, total_loss = t.tolist()
        return stop_flag > 0, total_loss / total_rows

    began = time.time()
    seen = 0
    outcome, epoch, core, last_test = "completed", 0, None, None
    for fold in range(first_fold, len(fold_rows)):
        tag = {"fold": fold + 1} if folds else {}
        # each fold's own: the run's outcome is its last fold's, as nn's trainer has it
        outcome = "completed"
        # when the fold's last batch event and pictures went out: at most 10 batch events a second,
        # a boundary or fit every 0.2 s and the first layer's weights every second (as nn's trainer)
        sent = {"batch": 0.0, "pictures": 0.0, "weights": -math.inf}
        if folds:
            emit({"type": "fold", "fold": fold + 1, "folds": folds})
        (train_x, train_y), val_split = fold_data(fold)
        train_x, train_y = train_x.to(device), train_y.to(device)
        n = train_x.shape[0]
        fold_dir = os.path.join(args.out, f"fold-{fold + 1}") if folds else args.out
        os.makedirs(fold_dir, exist_ok=True)
        best_path = os.path.join(fold_dir, "best.pt")
        fit = fit_grid(train_x) if CONFIG["fit"] else None
        plane = plane_grid(train_x, BOUNDARY_SIZE) if CONFIG["boundary"] else None

        # every fold starts from the same weights (nn's for the seed)
        core = %MODEL%()
        if os.path.exists(args.init + ".json"):
            load_converted(core, args.init + ".json", args.init + ".bin")
        core = core.to(device)
        net = core
        if world > 1:
            # nn's images are channels-last, so a convolution of one input channel (MNIST's) gets
            # its weight's gradient with strides that differ from the weight's on that axis of
            # size 1 only: the same bytes. Autograd's layout contract ignores axes of size 1 (any
            # other difference it copies away before DDP sees the gradient); DDP's check does not,
            # and PyTorch 2.x warned of it on every such run
            warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
            net = nn.parallel.DistributedDataParallel(core, device_ids=[device.index] if device.type == "cuda" else None)
        params = list(core.parameters())
        optimizer = make_optimizer(params)
        stats = LayerStats(core, train_x) if CONFIG["layer_stats"] and rank == 0 else None
        best = Monitor(CONFIG["monitor"], CONFIG["monitor_max"])
        early = CONFIG["early_stopping"]
        stopper = Monitor(early["monitor"], early["higher"], early["min_delta"]) if early else None
        restore = None
        plateau_cfg = CONFIG["plateau"]
        plateau = (
            ReduceOnPlateau(lr_at(0), plateau_cfg["monitor"], %PLATEAU_MONITOR_MAX%, plateau_cfg["factor"], plateau_cfg["patience"], plateau_cfg["min_lr"])
            if plateau_cfg
            else None
        )
        start = 0
        resume_batch = None
        if resumed and fold == first_fold:
            core.load_state_dict(resumed["model"])
            optimizer.load_state_dict(resumed["optimizer"])
            # nn's best/ and best.pt both gone (nn's engine says so): the best is chosen again from here
            if not os.environ.get("NN_FORGET_BEST"):
                best.load_state_dict(resumed["best"])
            if stopper:
                stopper.load_state_dict(resumed["early"])
                if resumed.get("restore") is not None:
                    restore = resumed["restore"]
            if plateau:
                plateau.load_state_dict(resumed["plateau"])
            start = resumed["epoch"]
            resume_batch = {"batch": resumed.get("batch", 0), "metrics": resumed.get("metrics")}

        def save_last(done, batch_reached, sums):
            """last.pt: weights, optimizer, monitors, and where in the epoch after \`done\` training is."""
            state = {"model": core.state_dict(), "optimizer": optimizer.state_dict(), "epoch": done, "batch": batch_reached, "metrics": sums, "best": best.state_dict()}
            state.update({"fold": fold, "fold_results": fold_results})
            if stopper:
                state["early"] = stopper.state_dict()
                state["restore"] = restore
            if plateau:
                state["plateau"] = plateau.state_dict()
            save(last_path, state)
            if args.nn_weights:
                save_plain(os.path.join(args.out, "last"), core.state_dict())
            emit({"type": "checkpoint", "kind": "last", "epoch": done, "path": last_path})

        last_val = None
        epoch = start
        for epoch in range(start + 1, args.epochs + 1):
            lr = plateau.lr if plateau else lr_at(epoch - 1)
            for g in optimizer.param_groups:
                g["lr"] = lr
            order = epoch_order(n, sub_seed(CONFIG["seed"], fold), epoch - 1) if CONFIG["shuffle"] else torch.arange(n)
            batches = math.ceil(n / batch)
            acc = Metrics()
            net.train()
            t0 = time.time()
            stopped = False
            resume_at = resume_batch if epoch == start + 1 and resume_batch and resume_batch["batch"] else None
            if resume_at:
                acc.load_state_dict(resume_at["metrics"])
            for b in range(resume_at["batch"] if resume_at else 0, batches):
                rows = order[b * batch : (b + 1) * batch].to(device)
                if CONFIG["augment"]:
                    # the whole batch, as nn augments it, then this process's share of it
                    xb = augment(train_x[rows], sub_seed(CONFIG["seed"], fold, epoch - 1, b), CONFIG["augment"]["ops"], CONFIG["augment"]["pixel"])[rank::world]
                else:
                    xb = train_x[rows[rank::world]]
                yb = train_y[rows[rank::world]]
                optimizer.zero_grad(set_to_none=True)
                out = net(xb)
                loss = loss_fn(out, yb)
                pen = penalty(core)
                if torch.is_tensor(pen):
                    # l1/l2 of some layer; without any, penalty is the number 0 and adds no operation
                    loss = loss + pen
                loss.backward()
                measure = stats is not None and stats.due(epoch, b, batches)
                if measure:
                    stats.before_step()
                if CONFIG["clip_norm"] is not None:
                    clip_by_global_norm(params, CONFIG["clip_norm"])
                optimizer.step()
                acc.add(out, yb, loss)
                if measure:
                    emit({**stats.event(epoch, b, batches), **tag})
                if world > 1:
                    stopped, batch_loss = shared_step(stop["signal"] is not None, loss, yb.shape[0])
                else:
                    stopped, batch_loss = stop["signal"] is not None, None
                if rank == 0 and time.time() - sent["batch"] >= 0.1:
                    sent["batch"] = time.time()
                    batch_loss = loss.detach().item() if batch_loss is None else batch_loss
                    emit({"type": "batch", "epoch": epoch, "batch": b + 1, "batches": batches, "loss": finite(batch_loss), "lr": lr, **tag})
                if stopped and b + 1 < batches:
                    # inside the epoch: keep where it is, and the epoch's sums, for --resume
                    acc.reduce()
                    if rank == 0:
                        save_last(epoch - 1, b + 1, acc.state_dict())
                    outcome = "stopped"
                    emit({"type": "stopped", "reason": "requested", "epoch": epoch, "batch": b + 1, "message": f"stopped in epoch {epoch} after batch {b + 1} of {batches}; continue with --resume"})
                    break
            if outcome == "stopped":
                break
            acc.reduce()
            seen += acc.n
            seconds = time.time() - t0
            values = {"loss": acc.loss, **acc.values()}
            event = {"type": "epoch", "epoch": epoch, "epochs": args.epochs, "loss": acc.loss, "metrics": acc.values(), "lr": lr, "seconds": seconds, "samplesPerSecond": acc.n / max(seconds, 1e-9), "best": False, "tensors": 0, **tag}
            if val_split is not None:
                val = last_val = evaluate(core, val_split, device, batch)
                event["val"] = val
                values.update({"val_loss": val["loss"], **{f"val_{k}": v for k, v in val["metrics"].items()}})
            finite_now = math.isfinite(acc.loss) and math.isfinite(values.get("val_loss", 0.0))
            improved = best.update(values, epoch) if finite_now else False
            patience_over = False
            if stopper and finite_now:
                if stopper.update(values, epoch) and early["restore_best"]:
                    restore = {k: v.detach().clone() for k, v in core.state_dict().items()}
                patience_over = stopper.wait >= early["patience"] and stopper.wait > 0
            improved, patience_over, finite_now = decide(improved, patience_over, finite_now)
            event["best"] = improved
            if plateau and finite_now:
                plateau.observe(values)
            emit(event)
            if rank == 0 and improved and not stopped:
                save(best_path, {"model": core.state_dict(), "epoch": epoch, "monitor": best.name, "value": best.best})
                if args.nn_weights:
                    save_plain(os.path.join(fold_dir, "best"), core.state_dict())
                emit({"type": "checkpoint", "kind": "best", "epoch": epoch, "path": best_path})
            if rank == 0 and finite_now:
                # the epoch a run ends at always sends its pictures
                if (fit or plane) and (epoch == args.epochs or patience_over or stopped or time.time() - sent["pictures"] >= 0.2):
                    sent["pictures"] = time.time()
                    if plane:
                        emit(boundary_event(core, plane, device, epoch, tag))
                    picture = fit and fit_event(core, fit, device, epoch, tag)
                    if picture:
                        emit(picture)
                if CONFIG["first_layer"] and time.time() - sent["weights"] >= 1.0:
                    sent["weights"] = time.time()
                    emit(weights_event(core, epoch, tag))
            if not finite_now:
                outcome = "not_finite"
                value = {"of": "loss", "is": spelled(acc.loss)} if not math.isfinite(acc.loss) else {"of": "val_loss", "is": spelled(values.get("val_loss"))}
                what = f"the loss became {value['is']}" if value["of"] == "loss" else f"the validation loss became {value['is']}"
                emit({"type": "stopped", "reason": "not_finite", "epoch": epoch, "value": value, "message": f"{what} at epoch {epoch}; lower the learning rate (now {lr}), add clip_norm: 1.0, or check the data for NaN or huge values"})
                break
            if rank == 0 and (epoch % CONFIG["checkpoint_every"] == 0 or epoch == args.epochs or patience_over or stopped):
                save_last(epoch, 0, None)
            if stopped:
                outcome = "stopped"
                emit({"type": "stopped", "reason": "requested", "epoch": epoch, "message": f"stopped after epoch {epoch}; continue with --resume"})
                break
            if patience_over:
                outcome = "early_stopping"
                emit({"type": "stopped", "reason": "early_stopping", "epoch": epoch, "message": f"{early['monitor']} has not improved for {early['patience']} epochs (best {best.best:.4f} at epoch {best.best_epoch})"})
                break
        if outcome in ("stopped", "not_finite"):
            break
        # the last epoch's weights on the test split, before early stopping's best take their place
        if not folds and "test" in splits and rank == 0:
            last_test = evaluate(core, splits["test"], device, batch)
        if restore is not None:
            core.load_state_dict(restore)
        if folds:
            # what the fold ends with, on its validation rows
            fold_results.append(evaluate(core, val_split, device, batch) if restore is not None or last_val is None else last_val)

    if outcome in ("completed", "early_stopping"):
        end = {"type": "end", "epochs": epoch, "seconds": time.time() - began, "samplesPerSecond": seen / max(time.time() - began, 1e-9), "runDir": args.out}
        if best.best_epoch is not None:
            end["bestEpoch"] = best.best_epoch
        if folds:
            end["folds"] = fold_summary(fold_results)
        elif "test" in splits and rank == 0:
            # the saved weights' result (best.pt, what a user keeps), and the last epoch's when they differ
            if os.path.exists(best_path) and best.best_epoch is not None and best.best_epoch != epoch:
                saved = %MODEL%().to(device)
                saved.load_state_dict(load_checkpoint(best_path, device)["model"])
                end["test"], end["testEpoch"], end["lastTest"] = evaluate(saved, splits["test"], device, batch), best.best_epoch, last_test
            else:
                end["test"], end["testEpoch"] = last_test, epoch
        if CONFIG["first_layer"] and rank == 0:
            emit(weights_event(core, epoch, {"fold": folds} if folds else {}))
        emit(end)
    if world > 1:
        # every process reaches the end before any leaves; the group is not destroyed: gloo's
        # destructor can deadlock with Python, so the processes end with os._exit (see __main__)
        dist.barrier()
    if outcome == "stopped":
        return (143 if stop["signal"] == signal.SIGTERM else 130), core
    return (1 if outcome == "not_finite" else 0), core


def fold_summary(results):
    """k-fold: each fold's validation result, their mean and (population) standard deviation."""
    names = ["loss", *results[0]["metrics"].keys()] if results else ["loss"]
    mean, std = {}, {}
    for k in names:
        xs = [r["loss"] if k == "loss" else r["metrics"][k] for r in results]
        m = sum(xs) / len(xs)
        mean[k], std[k] = m, math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))
    return {"results": results, "mean": mean, "std": std}


if __name__ == "__main__":
    code = run(parse())[0]
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        # past destroy_process_group, gloo's threads can deadlock Python's shutdown: end at once
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
`;
