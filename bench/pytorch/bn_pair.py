# The batch-norm pair in PyTorch (nn's counterparts: bench/bn.nn): a convnet
# (conv32-relu-pool-conv64-relu-pool-dense10) and the same with conv -> BatchNorm2d -> ReLU blocks,
# batch 128, Adam 1e-3, random 28x28 images. Training steps of the two alternate (plain, bn,
# plain, ...) so that a machine's changing load falls on both alike; prints their median step
# times as one JSON line after "RESULT ".
# usage: /usr/bin/python3 bn_pair.py [STEPS=20] [THREADS=1]
import json, sys, time
import torch, torch.nn as nn

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
torch.manual_seed(0)


def block(cin, cout, bn):
    return [nn.Conv2d(cin, cout, 3), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU()] if bn else [nn.Conv2d(cin, cout, 3), nn.ReLU()]


def model(bn):
    return nn.Sequential(*block(1, 32, bn), nn.MaxPool2d(2), *block(32, 64, bn), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 10))


x = torch.rand(128, 1, 28, 28)
y = torch.randint(0, 10, (128,))
lf = nn.CrossEntropyLoss()
runs = {}
for name, bn in (('plain', False), ('bn', True)):
    m = model(bn)
    m.train()
    runs[name] = (m, torch.optim.Adam(m.parameters(), 1e-3), [])


def step(m, opt):
    opt.zero_grad()
    l = lf(m(x), y)
    l.backward()
    opt.step()
    return l.item()


for m, opt, _ in runs.values():
    for _ in range(3):
        step(m, opt)
for _ in range(steps):
    for m, opt, times in runs.values():
        t = time.perf_counter()
        step(m, opt)
        times.append(time.perf_counter() - t)
med = {k: sorted(v[2])[len(v[2]) // 2] * 1000 for k, v in runs.items()}
print('RESULT ' + json.dumps({'plainMs': med['plain'], 'bnMs': med['bn'], 'torch': torch.__version__}), flush=True)
