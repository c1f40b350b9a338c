# Reference MLP in PyTorch: 784-128-64-10, ReLU, Adam 1e-3, batch 64, Normalize(0.5, 0.5): the
# classic MNIST walkthrough, on Fashion-MNIST. nn's counterpart: bench/train.nn, train mlp.
# usage: /usr/bin/python3 mlp.py IDX_DIR [EPOCHS=5] [THREADS=1] [--seed S]
#   (Debian: apt-get install python3-torch dataset-fashion-mnist; IDX_DIR /usr/share/datasets/fashion-mnist)
import torch, torch.nn as nn
from common import arguments, idx, train_epochs, test_accuracy, report

a = arguments('reference MLP on Fashion-MNIST', 'folder with the Fashion-MNIST IDX files', 5)
d = a.data
xtr = torch.tensor(idx(d, 'train-images-idx3-ubyte'), dtype=torch.float32).div(255).sub(0.5).div(0.5).reshape(-1, 784)
ytr = torch.tensor(idx(d, 'train-labels-idx1-ubyte'), dtype=torch.long)
xte = torch.tensor(idx(d, 't10k-images-idx3-ubyte'), dtype=torch.float32).div(255).sub(0.5).div(0.5).reshape(-1, 784)
yte = torch.tensor(idx(d, 't10k-labels-idx1-ubyte'), dtype=torch.long)
m = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
opt = torch.optim.Adam(m.parameters(), 1e-3)
samples, seconds, losses = train_epochs(m, opt, nn.CrossEntropyLoss(), xtr, ytr, 64, a.epochs)
report('mlp', a.threads, a.epochs, samples, seconds, losses, test_accuracy(m, xte, yte))
