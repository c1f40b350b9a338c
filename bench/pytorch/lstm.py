# An LSTM sequence classifier in PyTorch, nn's counterpart bench/train.nn, train lstm: one LSTM
# layer of 64 units over sequences of [length, 1] values, its last state into dense(3); Adam 1e-3,
# batch 64, cross-entropy. The data is nn's own (the `waveforms` dataset: sine, square or
# triangle waves with noise), written out by bench/train.ts as raw little-endian arrays
# (train-x.f32, train-y.i32, test-x.f32, test-y.i32) with meta.json giving their shapes, so both
# train on the same samples in the same split.
# One difference nn cannot remove: nn's lstm is TensorFlow.js' LSTM, whose gates use a hard
# sigmoid (clip(0.2 x + 0.5, 0, 1)); torch.nn.LSTM uses the sigmoid. Same weights and state sizes
# otherwise (PyTorch has two bias vectors where Keras has one: 256 more parameters).
# usage: /usr/bin/python3 lstm.py DATA_DIR [EPOCHS=5] [THREADS=1] [--seed S]
import json, os
import numpy as np
import torch, torch.nn as nn
from common import arguments, train_epochs, test_accuracy, report

a = arguments('LSTM on nn-generated sequences', 'folder written by bench/train.ts (meta.json, *.f32, *.i32)', 5)
meta = json.load(open(os.path.join(a.data, 'meta.json')))
shape = meta['featureShape']


def load(split):
    x = np.fromfile(os.path.join(a.data, f'{split}-x.f32'), dtype='<f4').reshape([-1] + shape)
    y = np.fromfile(os.path.join(a.data, f'{split}-y.i32'), dtype='<i4')
    return torch.tensor(x), torch.tensor(y, dtype=torch.long)


class SeqLstm(nn.Module):
    def __init__(self, units, classes):
        super().__init__()
        self.lstm = nn.LSTM(shape[1], units, batch_first=True)
        self.dense = nn.Linear(units, classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.dense(out[:, -1])


xtr, ytr = load('train')
xte, yte = load('test')
m = SeqLstm(meta['units'], meta['classes'])
opt = torch.optim.Adam(m.parameters(), meta['lr'])
samples, seconds, losses = train_epochs(m, opt, nn.CrossEntropyLoss(), xtr, ytr, meta['batchSize'], a.epochs)
report('lstm', a.threads, a.epochs, samples, seconds, losses, test_accuracy(m, xte, yte))
