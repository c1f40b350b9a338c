// Python for nn's seeded randomness in train.py: the generator (data/random.ts mulberry32, bit
// for bit), the seeds mixed from it (subSeed), an epoch's order of samples, the k-fold folds
// (data/batches.ts), and the augmentations (data/augment.ts) drawn from it, so that the same seed
// gives PyTorch the same batches, folds and augmented images as nn's trainer. The snippets need
// math, numpy (np) and torch; test/unit/pytorch-augment.test.ts runs them against nn's.

/**
 * NnRandom, rng_for with nn's streams, and round_half_up: train.py (RANDOM_PY) and data.py
 * (data-py.ts) carry this same text, so the export has one generator. Needs math and numpy (np).
 */
export const NN_RANDOM_PY = `
class NnRandom:
    """nn's seeded generator (server/src/data/random.ts: mulberry32; normals by Box-Muller), bit
    for bit: the same seed gives the same data, batches and augmentations on both engines. The
    seed is a number as nn's JavaScript computes it (a float above 2**53 keeps its rounding)."""

    MASK = 0xFFFFFFFF

    def __init__(self, seed):
        whole = int(seed)
        low, high = whole % 2**32, (whole // 2**32) & self.MASK
        self.state = (((low ^ 0x9E3779B9) * 0x85EBCA6B) & self.MASK) ^ high
        self.spare = None

    def next(self):
        m = self.MASK
        self.state = (self.state + 0x6D2B79F5) & m
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & m
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & m)) & m
        return ((t ^ (t >> 14)) & m) / 4294967296

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = int(self.next() * (i + 1))
            p[i], p[j] = p[j], p[i]
        return p

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.next()

    def int(self, n):
        return math.floor(self.next() * n)

    def chance(self, p):
        return self.next() < p

    def normal(self):
        """One N(0, 1) value (nn's normal(): Box-Muller, the second of each pair kept for the next call)."""
        if self.spare is not None:
            z, self.spare = float(self.spare), None
            return z
        u1 = 1 - self.next()
        u2 = self.next()
        r = math.sqrt(-2 * math.log(u1))
        self.spare = r * math.sin(2 * math.pi * u2)
        return r * math.cos(2 * math.pi * u2)

    def uniforms(self, m):
        """The next m values of next() at once: the state only adds a constant each draw."""
        m64 = np.uint64(self.MASK)
        s = (np.uint64(self.state) + np.uint64(0x6D2B79F5) * np.arange(1, m + 1, dtype=np.uint64)) & m64
        t = ((s ^ (s >> np.uint64(15))) * (s | np.uint64(1))) & m64
        t ^= (t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & m64)) & m64
        if m:
            self.state = int(s[-1])
        return ((t ^ (t >> np.uint64(14))) & m64) / 4294967296

    def normals(self, count):
        """The next \`count\` values of nn's normal() (Box-Muller, the second of each pair kept for the next call)."""
        out = np.empty(count)
        at = 0
        if self.spare is not None and count:
            out[0], self.spare, at = self.spare, None, 1
        pairs = (count - at + 1) // 2
        u = self.uniforms(2 * pairs)
        r = np.sqrt(-2 * np.log(1 - u[0::2]))
        z = np.empty(2 * pairs)
        z[0::2] = r * np.cos(2 * np.pi * u[1::2])
        z[1::2] = r * np.sin(2 * np.pi * u[1::2])
        out[at:] = z[: count - at]
        if (count - at) % 2:
            self.spare = z[-1]
        return out


# nn's streams of one seed (data/random.ts STREAM): each purpose draws from its own generator
STREAM_GENERATE, STREAM_SPLIT, STREAM_SHUFFLE, STREAM_VALIDATION, STREAM_KFOLD, STREAM_AUGMENT = 0, 1, 2, 3, 4, 5


def rng_for(seed, stream, sub=0):
    """The generator of one purpose of a seed: nn's rngFor, in floating point as JavaScript computes it."""
    return NnRandom((float(seed) * 8 + stream) * 65599 + sub)


def round_half_up(v):
    """JavaScript's Math.round: halves go up (Python's round() goes to even)."""
    return math.floor(v + 0.5)
`;

/** NnRandom (with rng_for, the streams and round_half_up), sub_seed, epoch_order, kfold_indices. */
export const RANDOM_PY = `${NN_RANDOM_PY}


def sub_seed(seed, *parts):
    """nn's subSeed: a seed mixed with small numbers (a fold, an epoch)."""
    h = seed & 0xFFFFFFFF
    for p in parts:
        h = ((((h ^ ((p + 0x9E3779B9) & 0xFFFFFFFF)) * 0x85EBCA6B) & 0xFFFFFFFF) ^ (h >> 13)) & 0xFFFFFFFF
    return h


def epoch_order(n, seed, epoch):
    """The order nn's trainer takes the samples in, in epoch \`epoch\` (from 0): rngFor(seed, shuffle, epoch)."""
    return torch.tensor(rng_for(seed, STREAM_SHUFFLE, epoch).permutation(n))


def kfold_indices(n, k, seed):
    """nn's folds of n samples (data/batches.ts kfold): one permutation by the seed, cut into k
    parts; fold f validates on part f and trains on the others, each in ascending order."""
    if k > n:
        raise ValueError(f"kfold: {k} folds need at least {k} samples, there are {n}")
    perm = rng_for(seed, STREAM_KFOLD).permutation(n)
    folds = []
    for f in range(k):
        a, b = f * n // k, (f + 1) * n // k
        folds.append((torch.tensor(sorted(perm[:a] + perm[b:])), torch.tensor(sorted(perm[a:b]))))
    return folds
`;

/** augment(x, seed, ops, pixel) and what it needs: one batch [B, *sample shape], changed as nn changes it. */
export const AUGMENT_PY = `
def moved(x, dy, dx, black):
    """Each image [B, H, W, C] moved by whole pixels dy, dx (one of each per image), black moved in."""
    b, h, w, _ = x.shape
    ys = torch.arange(h, device=x.device)[None, :] - dy[:, None]
    xs = torch.arange(w, device=x.device)[None, :] - dx[:, None]
    inside = (((ys >= 0) & (ys < h))[:, :, None] & ((xs >= 0) & (xs < w))[:, None, :])[..., None]
    out = x[torch.arange(b, device=x.device)[:, None, None], ys.clamp(0, h - 1)[:, :, None], xs.clamp(0, w - 1)[:, None, :]]
    return torch.where(inside, out, torch.full_like(out, black))


def rotated(x, radians, black):
    """Each image turned by its angle about its center, bilinearly, black outside (augment.ts rotateImage)."""
    b, h, w, _ = x.shape
    dev, img = x.device, x.double()
    cos, sin = (torch.from_numpy(f(radians)).to(dev)[:, None, None] for f in (np.cos, np.sin))
    cx, cy = (w - 1) / 2, (h - 1) / 2
    dx = (torch.arange(w, device=dev, dtype=torch.float64) - cx)[None, None, :]
    dy = (torch.arange(h, device=dev, dtype=torch.float64) - cy)[None, :, None]
    sx = cos * dx + sin * dy + cx
    sy = -sin * dx + cos * dy + cy
    x0, y0 = sx.floor(), sy.floor()
    ax, ay = (sx - x0)[..., None], (sy - y0)[..., None]
    x0, y0 = x0.long(), y0.long()
    at = torch.arange(b, device=dev)[:, None, None]

    def pixel(xx, yy):
        ok = ((xx >= 0) & (xx < w) & (yy >= 0) & (yy < h))[..., None]
        v = img[at, yy.clamp(0, h - 1), xx.clamp(0, w - 1)]
        return torch.where(ok, v, torch.full_like(v, black))

    a00, a10, a01, a11 = pixel(x0, y0), pixel(x0 + 1, y0), pixel(x0, y0 + 1), pixel(x0 + 1, y0 + 1)
    return ((1 - ay) * ((1 - ax) * a00 + ax * a10) + ay * ((1 - ax) * a01 + ax * a11)).float()


def augment(x, seed, ops, pixel=None):
    """nn's augmentations (data/augment.ts) of a training batch, in order, from nn's generator
    for this batch: the same seed changes the same samples in the same way as nn does. \`pixel\`:
    the images' normalize: [mean, std], which brightness and contrast undo and redo; shift, crop
    and rotate move in black (pixel 0 before normalizing), as torchvision pads before Normalize."""
    rng = rng_for(seed, STREAM_AUGMENT)
    mean, std = pixel or (0.0, 1.0)
    black = (0.0 - mean) / std
    b, dev = x.shape[0], x.device
    for a in ops:
        kind = a["kind"]
        if kind == "noise":
            z = torch.from_numpy(rng.normals(x.numel())).to(dev).reshape(x.shape)
            x = (x.double() + a["std"] * z).float()
            continue
        _, h, w, c = x.shape
        if kind == "flip":
            sides = [s for s in ("horizontal", "vertical") if a[s]]
            drawn = torch.from_numpy(rng.uniforms(b * len(sides)).reshape(b, len(sides)) < 0.5).to(dev)
            for i, side in enumerate(sides):
                x = torch.where(drawn[:, i, None, None, None], x.flip(2 if side == "horizontal" else 1), x)
        elif kind in ("shift", "crop"):
            my, mx = (a["padding"], a["padding"]) if kind == "crop" else (round_half_up(a["fraction"] * h), round_half_up(a["fraction"] * w))
            d = rng.uniforms(2 * b).reshape(b, 2)
            dy = torch.from_numpy(np.floor(d[:, 0] * (2 * my + 1)) - my).long().to(dev)
            dx = torch.from_numpy(np.floor(d[:, 1] * (2 * mx + 1)) - mx).long().to(dev)
            x = moved(x, dy, dx, black)
        elif kind == "rotate":
            deg = a["degrees"]
            x = rotated(x, ((-deg + (deg - -deg) * rng.uniforms(b)) * math.pi) / 180, black)
        elif kind in ("brightness", "contrast"):
            lo, hi = max(0, 1 - a["delta"]), 1 + a["delta"]
            f = torch.from_numpy(lo + (hi - lo) * rng.uniforms(b)).to(dev)[:, None, None, None]
            v = x.double() * std + mean
            if kind == "brightness":
                v = v * f
            else:
                grey = (0.299 * v[..., 0] + 0.587 * v[..., 1] + 0.114 * v[..., 2]) if c == 3 else v[..., 0]
                v = f * v + (1 - f) * (grey.sum((1, 2)) / (h * w))[:, None, None, None]
            x = ((v.clamp(0, 1) - mean) / std).float()
    return x
`;
