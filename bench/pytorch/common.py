# What the PyTorch references share: reading IDX files, the command line, and the result line
# that bench/train.ts reads (one JSON object after "RESULT ").
import argparse, gzip, json, os, resource, sys, time
import numpy as np
import torch


def idx(folder, name):
    """The IDX file `name` in `folder` as a numpy array: name.gz (gzipped, as Fashion-MNIST ships), or
    name itself, as nn also reads them."""
    gz = os.path.join(folder, name + '.gz')
    b = gzip.open(gz).read() if os.path.exists(gz) else open(os.path.join(folder, name), 'rb').read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)


def arguments(description, data_help, default_epochs):
    p = argparse.ArgumentParser(description=description)
    p.add_argument('data', help=data_help)
    p.add_argument('epochs', type=int, nargs='?', default=default_epochs)
    p.add_argument('threads', type=int, nargs='?', default=1)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    return a


def train_epochs(model, opt, lf, xtr, ytr, batch, epochs):
    """The reference loop: a new permutation each epoch, Adam steps on slices of it. Returns
    (samples, seconds, mean loss of each epoch); the time covers batching and the steps only."""
    n = 0
    losses = []
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        tot = 0.0
        for i in range(0, len(xtr), batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            l = lf(model(xtr[b]), ytr[b])
            l.backward()
            opt.step()
            tot += l.item()
            n += len(b)
        losses.append(tot / ((len(xtr) + batch - 1) // batch))
        print(f'epoch {ep + 1} loss {losses[-1]:.4f}', flush=True)
    return n, time.time() - t0, losses


def test_accuracy(model, xte, yte, batch=1000):
    model.eval()
    with torch.no_grad():
        hits = sum((model(xte[i:i + batch]).argmax(1) == yte[i:i + batch]).sum().item() for i in range(0, len(xte), batch))
    return hits / len(xte)


def blas():
    """The BLAS library this process loaded (PyTorch's matmuls on CPU go through it): Debian's
    python3-torch links libblas.so.3, which is the slow reference BLAS unless OpenBLAS (or another)
    is installed as the alternative."""
    try:
        with open('/proc/self/maps') as f:
            libs = {line.split()[-1] for line in f if 'blas' in line.lower() and line.split()[-1].startswith('/')}
        return os.path.realpath(sorted(libs)[0]) if libs else None
    except OSError:
        return None


def report(name, threads, epochs, samples, seconds, losses, acc):
    # ru_maxrss is in kilobytes on Linux
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'{name} threads {threads} train_s {seconds:.1f} samples_per_s {samples / seconds:.0f} test_acc {acc * 100:.2f}')
    print('RESULT ' + json.dumps({
        'model': name, 'threads': threads, 'epochs': epochs, 'samples': samples, 'trainSeconds': seconds,
        'samplesPerSecond': samples / seconds, 'testAccuracy': acc, 'losses': losses, 'peakRssMB': peak,
        'torch': torch.__version__, 'blas': blas(),
    }), flush=True)
    sys.stdout.flush()
