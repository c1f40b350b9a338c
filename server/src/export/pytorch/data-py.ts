// data.py of a PyTorch export: nn's datasets in Python, so an exported train block can load its
// data without nn (and without the data/ folder nn export writes beside it).
//
// It is a port of server/src/data: random.ts (the seeded generator, bit for bit), synthetic.ts
// (every generator's formulas and draw order; a value is rounded to float32 where nn stores it
// in a Float32Array), load.ts (test fraction, limit, CSV standardization, pixel scaling, a
// separate validation dataset aligned with the training data), csv.ts (labels, classes, task)
// and builtin.ts (where mnist and fashion_mnist are found). test/unit/pytorch-data.test.ts
// holds it to nn's data/ files, split by split. What it does not read (image_folder, cifar10,
// cifar100, text_csv) it refuses by name; `nn export` then keeps writing data/.
//
// The spec train.py gives it is `datasetSpec`'s JSON: the dataset's kind, its bound arguments
// and the folder its relative paths start from (relative to the export folder).

import * as path from 'node:path';
import type { DataRef, TrainConfig } from '../../core/train';
import { NN_RANDOM_PY } from './random-py';

/** The datasets data.py reads; others stay in data/. */
export const DATA_PY_KINDS = ['circle', 'xor', 'gauss', 'spiral', 'linear', 'polynomial', 'sine', 'waveforms', 'majority', 'csv', 'idx', 'mnist', 'fashion_mnist'] as const;

export interface DatasetSpec {
  kind: string;
  name: string;
  args: Record<string, unknown>;
  /** the folder relative data paths start from, relative to the export folder (posix) */
  dir: string;
}

/** Whether data.py can load this dataset. */
export function dataPyReads(ref: DataRef): boolean {
  return (DATA_PY_KINDS as readonly string[]).includes(ref.spec.name);
}

/** The spec of one dataset as train.py hands it to data.py. */
export function datasetSpec(ref: DataRef, exportDir: string): DatasetSpec {
  const rel = path.relative(path.resolve(exportDir), path.dirname(path.resolve(ref.file))).split(path.sep).join('/');
  return { kind: ref.spec.name, name: ref.name, args: { ...ref.fn.args }, dir: rel === '' ? '.' : rel };
}

/** CONFIG["data_spec"] of train.py: the training dataset and the validation (a fraction or a dataset), or null where data.py cannot read one. */
export function dataSpecs(cfg: TrainConfig, exportDir: string): { train: DatasetSpec; validation: number | DatasetSpec | null } | null {
  if (!cfg.data || !dataPyReads(cfg.data)) return null;
  const v = cfg.validation;
  if (v !== undefined && typeof v !== 'number' && !dataPyReads(v)) return null;
  return { train: datasetSpec(cfg.data, exportDir), validation: v === undefined ? null : typeof v === 'number' ? v : datasetSpec(v, exportDir) };
}

export const DATA_PY = String.raw`"""nn's datasets in Python: the data of a train block, made as nn makes it.

Generated datasets use nn's formulas and its seeded generator (the same seed gives the same
data as nn); csv, idx, mnist and fashion_mnist are read, split and normalised as nn reads them.
train.py uses the data/ folder when nn export wrote one, and this module otherwise:

    import data
    splits = data.splits(CONFIG["data_spec"], CONFIG["seed"])   # {"train": (x, y), ...}

x is float32 [n, *feature shape] (channels last for images), y int64 class indices or
float32 [n, targets]. Paths in a spec are relative to its "dir" (relative to this folder), or
to root= when given (train.py --data-root).
"""

import csv
import gzip
import math
import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class DataError(Exception):
    """A dataset that cannot be loaded; the message names the file or the dataset."""


${NN_RANDOM_PY.trim()}


def f32(v):
    """A value as a Float32Array stores it."""
    return float(np.float32(v))


# ---- generated datasets (nn's synthetic.ts) ----

def _plane(a, rng, classes, point):
    n, noise = int(a["n"]), a["noise"]
    x = np.empty((n, 2), dtype=np.float32)
    y = np.empty(n, dtype=np.int64)
    for i in range(n):
        cls = i % classes
        m = n // classes + (1 if cls < n % classes else 0)
        j = i // classes
        px, py = point(cls, j, m)
        # stored, then the noise added to the stored value, as nn does
        x[i, 0] = f32(f32(px) + noise * rng.normal())
        x[i, 1] = f32(f32(py) + noise * rng.normal())
        y[i] = cls
    return {"x": x, "y": y, "shape": [2], "task": "classification", "classes": classes}


def _circle(a, rng):
    def point(cls, j, m):
        r = rng.uniform(0, 0.5) if cls == 0 else rng.uniform(0.7, 1)
        t = rng.uniform(0, 2 * math.pi)
        return r * math.sin(t), r * math.cos(t)
    return _plane(a, rng, 2, point)


def _xor(a, rng):
    def point(cls, j, m):
        u = rng.uniform(-1, 1)
        v = rng.uniform(-1, 1)
        if (u * v >= 0) != (cls == 0):
            v = -v
        return u + (0.06 if u >= 0 else -0.06), v + (0.06 if v >= 0 else -0.06)
    return _plane(a, rng, 2, point)


def _gauss(a, rng):
    def point(cls, j, m):
        c = 0.4 if cls == 0 else -0.4
        px = c + 0.15 * rng.normal()
        return px, c + 0.15 * rng.normal()
    return _plane(a, rng, 2, point)


def _spiral(a, rng):
    classes = int(a["classes"])

    def point(cls, j, m):
        t = j / m
        th = 1.75 * 2 * math.pi * t + (2 * math.pi * cls) / classes
        return t * math.sin(th), t * math.cos(th)
    return _plane(a, rng, classes, point)


def _linear(a, rng):
    n, noise = int(a["n"]), a["noise"]
    given = a.get("w")
    f = int(a["features"]) if a.get("features") is not None else (len(given) if given is not None else 1)
    if given is not None:
        w = [float(v) for v in given]
    else:
        w = []
        for _ in range(f):
            sign = 1 if rng.chance(0.5) else -1
            w.append(sign * rng.uniform(1, 3))
    drawn = rng.uniform(-1, 1)
    b = a["b"] if a.get("b") is not None else drawn
    x = np.empty((n, f), dtype=np.float32)
    y = np.empty((n, 1), dtype=np.float32)
    for i in range(n):
        s = b
        for k in range(f):
            v = rng.uniform(-1, 1)
            x[i, k] = v
            s += w[k] * v
        y[i, 0] = s + noise * rng.normal()
    return {"x": x, "y": y, "shape": [f], "task": "regression"}


def _polynomial(a, rng):
    n, noise = int(a["n"]), a["noise"]
    given = a.get("coefficients")
    d = len(given) - 1 if given is not None else int(a["degree"] if a.get("degree") is not None else 3)
    if given is not None:
        coef = [float(v) for v in given]
    else:
        coef = [rng.uniform(-1, 1) for _ in range(d + 1)]
        sign = 1 if rng.chance(0.5) else -1
        coef[d] = sign * rng.uniform(0.5, 1)
    x = np.empty((n, 1), dtype=np.float32)
    y = np.empty((n, 1), dtype=np.float32)
    for i in range(n):
        v = rng.uniform(-1, 1)
        s = 0.0
        for k in range(d, -1, -1):
            s = s * v + coef[k]
        x[i, 0] = v
        y[i, 0] = s + noise * rng.normal()
    return {"x": x, "y": y, "shape": [1], "task": "regression"}


def _sine(a, rng):
    n, length, noise = int(a["n"]), int(a["length"]), a["noise"]
    x = np.empty((n, length, 1), dtype=np.float32)
    y = np.empty((n, 1), dtype=np.float32)
    for i in range(n):
        w = rng.uniform(0.1, 0.5)
        p = rng.uniform(0, 2 * math.pi)
        for t in range(length):
            x[i, t, 0] = math.sin(w * t + p) + noise * rng.normal()
        y[i, 0] = math.sin(w * length + p) + noise * rng.normal()
    return {"x": x, "y": y, "shape": [length, 1], "task": "regression"}


def _waveforms(a, rng):
    n, length, noise = int(a["n"]), int(a["length"]), a["noise"]
    x = np.empty((n, length, 1), dtype=np.float32)
    y = np.empty(n, dtype=np.int64)
    for i in range(n):
        cls = i % 3
        c = rng.uniform(1, 4)
        phase = rng.next()
        for t in range(length):
            u = (c * t) / length + phase
            p = u - math.floor(u)
            v = math.sin(2 * math.pi * p) if cls == 0 else ((1 if p < 0.5 else -1) if cls == 1 else 4 * abs(p - 0.5) - 1)
            x[i, t, 0] = v + noise * rng.normal()
        y[i] = cls
    return {"x": x, "y": y, "shape": [length, 1], "task": "classification", "classes": 3, "class_names": ["sine", "square", "triangle"]}


def _majority(a, rng):
    n, length, vocab = int(a["n"]), int(a["length"]), int(a["vocab"])
    x = np.empty((n, length), dtype=np.float32)
    y = np.empty(n, dtype=np.int64)
    for i in range(n):
        count = [0] * vocab
        for t in range(length):
            tok = rng.int(vocab)
            x[i, t] = tok
            count[tok] += 1
        best = 0
        for v in range(1, vocab):
            if count[v] > count[best]:
                best = v
        y[i] = best
    return {"x": x, "y": y, "shape": [length], "task": "classification", "classes": vocab}


GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "linear": _linear,
    "polynomial": _polynomial,
    "sine": _sine,
    "waveforms": _waveforms,
    "majority": _majority,
}


def generate(kind, args):
    """A generated dataset, rows in random order (nn's generate)."""
    rng = rng_for(args["seed"], STREAM_GENERATE)
    g = GENERATORS[kind](args, rng)
    order = np.array(rng.permutation(len(g["y"])), dtype=np.int64)
    g["x"], g["y"] = g["x"][order], g["y"][order]
    return g


# ---- splits ----

def hold_out(x, y, args, shown):
    """round(n * test) rows chosen by the dataset's seed become the test split; both keep their order."""
    f = args["test"]
    n = len(y)
    n_test = round_half_up(n * f)
    if n_test == 0:
        return (x, y), None
    if n_test >= n:
        raise DataError(f"{shown}: test: {f} holds out all {n} samples; none are left to train on")
    perm = np.array(rng_for(args["seed"], STREAM_SPLIT).permutation(n), dtype=np.int64)
    is_test = np.zeros(n, dtype=bool)
    is_test[perm[:n_test]] = True
    return (x[~is_test], y[~is_test]), (x[is_test], y[is_test])


def limited(split, args):
    limit = args.get("limit")
    if limit is None:
        return split
    return split[0][: int(limit)], split[1][: int(limit)]


def validation_split(split, fraction, seed):
    """nn's validationSplit: round(n * fraction) rows chosen by the train block's seed; both parts in order."""
    x, y = split
    n = len(y)
    n_val = round_half_up(n * fraction)
    if n_val == 0 or n_val == n:
        raise DataError(f"validation: {fraction} of {n} samples leaves {'no validation' if n_val == 0 else 'no training'} samples")
    perm = np.array(rng_for(seed, STREAM_VALIDATION).permutation(n), dtype=np.int64)
    val, train = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    return (x[train], y[train]), (x[val], y[val])


# ---- CSV (nn's csv.ts) ----

NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
FLOAT32_MAX = 3.4028234663852886e38


def is_number(s):
    return NUMBER.match(s.strip()) is not None


def _utf16(s):
    """JavaScript's order of strings (UTF-16 code units)."""
    return s.encode("utf-16-be")


def read_csv(file, shown, label, header=True, task="auto"):
    """A table of numbers with one label column: features, labels, and the task nn decides."""
    try:
        with open(file, newline="", encoding="utf-8-sig") as f:
            rows = [(r, line) for r, line in _rows(csv.reader(f)) if r and not (len(r) == 1 and r[0].strip() == "")]
    except OSError as e:
        raise DataError(f"{shown}: {e.strerror or e}")
    except csv.Error as e:
        raise DataError(f"{shown}: {e}")
    except UnicodeDecodeError:
        raise DataError(f"{shown}: not UTF-8 text")
    if not rows:
        raise DataError(f"{shown}: empty file: no rows")
    first = rows[0][0]
    width = len(first)
    columns = [c.strip() for c in first] if header else [f"column {i}" for i in range(width)]
    body = rows[1:] if header else rows
    if not body:
        raise DataError(f"{shown}: the header has no rows under it")
    if isinstance(label, str):
        if not header:
            raise DataError(f'{shown}: label: "{label}" names a column, but header: false; give the column index')
        if label not in columns:
            raise DataError(f'{shown}: no column named "{label}" in the header ({width} columns)')
        li = columns.index(label)
    else:
        li = int(label)
        if li >= width:
            raise DataError(f"{shown}: label column {li} does not exist: the table has {width} columns (0 to {width - 1})")
    if width < 2:
        raise DataError(f"{shown}: needs at least one feature column besides the label")
    n = len(body)
    features = np.empty((n, width - 1), dtype=np.float64)
    texts = []
    for r, (cells, line) in enumerate(body):
        if len(cells) != width:
            raise DataError(f"{shown}, line {line}: {len(cells)} values, but the {'header has' if header else 'first row has'} {width}")
        k = 0
        for c, cell in enumerate(cells):
            if c == li:
                continue
            if not is_number(cell):
                what = "empty cell" if cell.strip() == "" else "the value is not a number"
                raise DataError(f'{shown}, line {line}: column "{columns[c]}": {what}')
            v = float(cell)
            if abs(v) > FLOAT32_MAX:
                raise DataError(f'{shown}, line {line}: column "{columns[c]}": the value is too large for a 32-bit float (at most about 3.4e38)')
            features[r, k] = v
            k += 1
        t = cells[li].strip()
        if t == "":
            raise DataError(f'{shown}, line {line}: column "{columns[li]}": empty label')
        texts.append((t, line))
    return columns, li, features.astype(np.float32), _labels(texts, columns[li], shown, task)


def _rows(reader):
    """Rows with the line each starts on."""
    line = 1
    for row in reader:
        yield row, line
        line = reader.line_num + 1


def _labels(texts, name, shown, task):
    numeric = all(is_number(t) for t, _ in texts)
    words = sum(0 if is_number(t) else 1 for t, _ in texts)
    rows = len(texts)
    if not numeric and task == "auto" and words * 2 < rows:
        line = next(line for t, line in texts if not is_number(t))
        raise DataError(f'{shown}, line {line}: column "{name}": the label is not a number, but most labels are (a missing value?); to read the labels as class names, set task: classification')
    keys = [float(t) for t, _ in texts] if numeric else [t for t, _ in texts]
    distinct = list(dict.fromkeys(keys))
    if task == "classification" and len(distinct) > 10000:
        raise DataError(f'{shown}: column "{name}": more than 10,000 different labels: is it the label column? (task: classification)')
    integers = numeric and all(float(k).is_integer() for k in distinct)
    chosen = task if task != "auto" else ("classification" if (not numeric) or (integers and len(distinct) <= 50) else "regression")
    if chosen == "regression":
        if not numeric:
            line = next(line for t, line in texts if not is_number(t))
            raise DataError(f'{shown}, line {line}: column "{name}": the label is not a number, and task: regression needs numbers')
        return {"task": "regression", "y": np.array(keys, dtype=np.float32).reshape(-1, 1)}
    if len(distinct) < 2:
        raise DataError(f'{shown}: column "{name}": every label is the same: classification needs at least 2 classes')
    order = sorted(distinct) if numeric else sorted(distinct, key=_utf16)
    index = {k: i for i, k in enumerate(order)}
    names = [None] * len(order)
    for (t, _), k in zip(texts, keys):
        if names[index[k]] is None:
            names[index[k]] = t
    return {"task": "classification", "y": np.array([index[k] for k in keys], dtype=np.int64), "classes": len(order), "class_names": names}


def standardize(train, test):
    """(x - mean) / std per feature, with the training split's statistics (summed in order, as nn does)."""
    x = train[0].astype(np.float64)
    n = x.shape[0]
    mean = np.cumsum(x, axis=0)[-1] / n
    sq = np.cumsum((x - mean) ** 2, axis=0)[-1]
    std = np.sqrt(sq / n)
    std[std == 0] = 1
    out = lambda s: (((s[0].astype(np.float64) - mean) / std).astype(np.float32), s[1])
    return out(train), (out(test) if test is not None else None), {"mean": mean, "std": std}


# ---- IDX and the built-in image sets (nn's idx.ts, builtin.ts) ----

FILE_NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
BUILTINS = {
    "mnist": {"title": "MNIST", "folder": "mnist", "class_names": [str(i) for i in range(10)]},
    "fashion_mnist": {"title": "Fashion-MNIST", "folder": "fashion-mnist", "class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]},
}


def read_idx(file, shown):
    """An IDX file (gzipped or not): its dimensions and unsigned bytes."""
    try:
        with open(file, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"{shown}: {e.strerror or e}")
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise DataError(f"{shown}: corrupt or truncated gzip data: {e}")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataError(f"{shown}: not an IDX file")
    if raw[2] != 0x08:
        raise DataError(f"{shown}: values are not unsigned bytes (IDX type 08)")
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
    size = int(np.prod(dims)) if dims else 0
    start = 4 + 4 * nd
    if len(raw) - start != size:
        raise DataError(f"{shown}: the header promises {size} values, the file has {len(raw) - start}")
    return dims, np.frombuffer(raw, dtype=np.uint8, offset=start)


def pixel_table(normalize, shown):
    pn = None
    if isinstance(normalize, list):
        mean, std = normalize
        if not std > 0:
            raise DataError(f"{shown}: normalize: [{mean}, {std}]: the standard deviation must be greater than 0")
        pn = (mean, std)
    return np.array([(v / 255 - pn[0]) / pn[1] if pn else v / 255 for v in range(256)], dtype=np.float32)


def read_image_set(images, labels, lut, limit, shown):
    dims, pixels = read_idx(images, shown[0])
    if len(dims) < 3:
        raise DataError(f"{shown[0]}: images need 3 dimensions [count, height, width], found {dims}")
    shape = [dims[1], dims[2], dims[3] if len(dims) > 3 else 1]
    n = dims[0]
    ldims, lab = read_idx(labels, shown[1])
    if len(ldims) != 1 or ldims[0] != n:
        raise DataError(f"{shown[1]}: {ldims[0] if ldims else 0} labels for {n} images in {shown[0]}")
    m = n if limit is None else min(n, int(limit))
    x = lut[pixels[: m * shape[0] * shape[1] * shape[2]]].reshape([m, *shape])
    return (x, lab[:m].astype(np.int64)), shape, int(lab.max()) if n else 0


def builtin_files(kind, args, base):
    """The four files of mnist or fashion_mnist: path:, NN_DATA, /usr/share/datasets, nn's cache."""
    spec = BUILTINS[kind]

    def files_in(d):
        found = []
        for name in FILE_NAMES:
            p = next((os.path.join(d, f) for f in (name + ".gz", name) if os.path.isfile(os.path.join(d, f))), None)
            found.append(p)
        if all(found):
            return found
        if any(found):
            raise DataError(f"{d}: has some of the {spec['title']} files but not all four")
        return None

    roots = []
    if args.get("path") is not None:
        roots.append(os.path.join(base, args["path"]))
    elif os.environ.get("NN_DATA"):
        roots.append(os.environ["NN_DATA"])
    dirs = [d for r in roots for d in (os.path.join(r, spec["folder"]), r)]
    if args.get("path") is None:
        dirs += [os.path.join("/usr/share/datasets", spec["folder"]), os.path.join(os.path.expanduser("~"), ".cache", "nn-lang", "datasets", spec["folder"])]
    for d in dirs:
        found = files_in(d)
        if found:
            return found
    raise DataError(f"{spec['title']}: no files in {' or '.join(dirs)}: expected {', '.join(n + '.gz' for n in FILE_NAMES)} (set NN_DATA, or run nn train once to download them)")


def load_images(kind, args, base):
    lut = pixel_table(args.get("normalize"), args.get("images", kind))
    if kind == "idx":
        at = lambda k: os.path.join(base, args[k]) if args.get(k) is not None else None
        files = [at("images"), at("labels"), at("test_images"), at("test_labels")]
        shown = [args.get("images"), args.get("labels"), args.get("test_images"), args.get("test_labels")]
    else:
        files = builtin_files(kind, args, base)
        shown = files
    fraction = args.get("test") if kind == "idx" else None
    train, shape, max_label = read_image_set(files[0], files[1], lut, None if fraction is not None else args.get("limit"), shown)
    classes = 10 if kind != "idx" else max_label + 1
    test = None
    if fraction is not None:
        train, test = hold_out(train[0], train[1], args, shown[0])
        train = limited(train, args)
    elif files[2] and files[3]:
        test, tshape, _ = read_image_set(files[2], files[3], lut, None, shown[2:])
        if tshape != shape:
            raise DataError(f"{shown[2]}: test images are {'x'.join(map(str, tshape))}, training images {'x'.join(map(str, shape))}")
    out = {"shape": shape, "task": "classification", "classes": classes, "train": train, "test": test}
    if kind in BUILTINS:
        out["class_names"] = BUILTINS[kind]["class_names"]
    return out


# ---- one dataset, and a train block's splits ----

def load(spec, root=None):
    """One dataset as nn loads it: {"shape", "task", "classes"?, "class_names"?, "train": (x, y), "test": (x, y) or None}."""
    kind, args = spec["kind"], spec["args"]
    base = root if root is not None else os.path.normpath(os.path.join(HERE, spec["dir"]))
    if kind in GENERATORS:
        g = generate(kind, args)
        train, test = hold_out(g["x"], g["y"], args, spec["name"])
        g.update(train=limited(train, args), test=test)
        return g
    if kind == "csv":
        file = os.path.join(base, args["path"])
        _, _, x, lab = read_csv(file, args["path"], args["label"], args.get("header", True) is not False, args.get("task", "auto"))
        train, test = hold_out(x, lab.pop("y"), args, args["path"])
        train = limited(train, args)
        out = {"shape": [x.shape[1]], **lab, "train": train, "test": test}
        if args.get("normalize") is True:
            out["train"], out["test"], out["standardize"] = standardize(train, test)
        return out
    if kind in ("idx", "mnist", "fashion_mnist"):
        return load_images(kind, args, base)
    raise DataError(f"{spec['name']}: data.py does not read {kind}(...) datasets; use the data/ folder nn export writes")


def align(data, val):
    """A separate validation dataset prepared as the training data: standardized with its statistics, classes numbered as its."""
    x, y = val["train"]
    to, frm = data.get("standardize"), val.get("standardize")
    if to is not None or frm is not None:
        raw = x.astype(np.float64) * frm["std"] + frm["mean"] if frm is not None else x.astype(np.float64)
        x = ((raw - to["mean"]) / to["std"]).astype(np.float32) if to is not None else raw.astype(np.float32)
    names, theirs = data.get("class_names"), val.get("class_names")
    if data["task"] == "classification" and names and theirs and names != theirs:
        # numeric class names match by value (1 and 1.0), each list judged as a whole, as nn does
        keys = lambda cs: [float(c) for c in cs] if all(is_number(c) for c in cs) else list(cs)
        index = {k: i for i, k in enumerate(keys(names))}
        mapped = [index.get(k) for k in keys(theirs)]
        for c, m in zip(theirs, mapped):
            if m is None:
                raise DataError(f"class '{c}' is not one of the training data's classes ({', '.join(names)})")
        y = np.array([mapped[k] for k in y], dtype=np.int64)
    return x, y


def splits(data_spec, seed, root=None):
    """The splits train.py trains on: train, validation (a fraction split off with the train block's seed, or a dataset), test."""
    data = load(data_spec["train"], root)
    out = {"train": data["train"]}
    v = data_spec["validation"]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        out["train"], out["validation"] = validation_split(data["train"], v, seed)
    elif v is not None:
        # --data-root stands for the training dataset's folder; a validation dataset elsewhere keeps its place beside it
        vroot = os.path.normpath(os.path.join(root, os.path.relpath(v["dir"], data_spec["train"]["dir"]))) if root is not None else None
        out["validation"] = align(data, load(v, vroot))
    if data["test"] is not None:
        out["test"] = data["test"]
    return out
`;
