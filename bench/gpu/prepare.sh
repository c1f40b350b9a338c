#!/bin/bash
# Prepares the GPU check (bench/gpu/README.md) on a machine with Node: exports the reference models
# of bench/train.nn (mlp, convnet, lstm) and bench/gpu/gpu.nn's convnet_bn to PyTorch folders in
# bench/gpu/out/, without their data/ (data.py makes it: the Fashion-MNIST IDX files are copied to
# out/fashion-mnist, the waveforms are generated from nn's formulas), about 31 MB in all, so that
# the folder can travel to a machine with a GPU and no Node, where run.py trains them.
#   bash bench/gpu/prepare.sh [IDX_DIR]   (default NN_BENCH_IDX or /usr/share/datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/../.."
idx="${1:-${NN_BENCH_IDX:-/usr/share/datasets/fashion-mnist}}"
out=bench/gpu/out
# always: an old dist/ would export an old train.py
npm run build --silent
rm -rf "$out"
mkdir -p "$out/fashion-mnist"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  if [ -f "$idx/$f.gz" ]; then cp "$idx/$f.gz" "$out/fashion-mnist/"; else cp "$idx/$f" "$out/fashion-mnist/"; fi
done
for t in mlp convnet lstm; do node dist/cli.js export bench/train.nn --to pytorch --train "$t" --no-data --out "$out/$t"; done
node dist/cli.js export bench/gpu/gpu.nn --to pytorch --train convnet_bn --no-data --out "$out/convnet_bn"
cp bench/gpu/run.py "$out/"
du -sh "$out"
