# Reference convnet in PyTorch: the Keras MNIST example (conv32-pool-conv64-pool-dropout-dense10,
# 34,826 parameters), batch 128, Adam 1e-3, pixels scaled to [0, 1], on Fashion-MNIST. nn's
# counterpart: bench/train.nn, train convnet.
# usage: /usr/bin/python3 cnn.py IDX_DIR [EPOCHS=1] [THREADS=1] [--seed S]
import torch, torch.nn as nn
from common import arguments, idx, train_epochs, test_accuracy, report

a = arguments('reference convnet on Fashion-MNIST', 'folder with the Fashion-MNIST IDX files', 1)
d = a.data
xtr = torch.tensor(idx(d, 'train-images-idx3-ubyte'), dtype=torch.float32).div(255).unsqueeze(1)
ytr = torch.tensor(idx(d, 'train-labels-idx1-ubyte'), dtype=torch.long)
xte = torch.tensor(idx(d, 't10k-images-idx3-ubyte'), dtype=torch.float32).div(255).unsqueeze(1)
yte = torch.tensor(idx(d, 't10k-labels-idx1-ubyte'), dtype=torch.long)
m = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
print('params', sum(p.numel() for p in m.parameters()))
opt = torch.optim.Adam(m.parameters(), 1e-3)
samples, seconds, losses = train_epochs(m, opt, nn.CrossEntropyLoss(), xtr, ytr, 128, a.epochs)
report('convnet', a.threads, a.epochs, samples, seconds, losses, test_accuracy(m, xte, yte))
