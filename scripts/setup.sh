#!/usr/bin/env bash
# Set-up on a fresh Debian/Ubuntu machine with Node.js 20: the system packages the tests use,
# then the npm dependencies. Safe to run again: it installs only what is missing.
#   dataset-fashion-mnist   the real Fashion-MNIST (/usr/share/datasets/fashion-mnist)
#   chromium, ripgrep and build tools   the end-to-end tests: code-server (a real VS Code, from
#                           npm, native modules built with node-gyp) driven by Chromium
#   python3-torch, python3-numpy   the PyTorch export and engine (their tests run real PyTorch),
#                           and the PyTorch reference in npm run bench:train
#   python3-onnx            onnx.checker for the ONNX export's tests
#   libopenblas0-pthread    an optimised BLAS for that PyTorch (Debian's links the slow reference
#                           BLAS otherwise: about 7x slower on the reference MLP)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(dataset-fashion-mnist chromium ripgrep build-essential python3 python3-torch python3-numpy python3-onnx libopenblas0-pthread pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
  echo "installing: ${missing[*]}"
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# A second PyTorch (2.x beside Debian's 1.13) where a wheel is at /opt/wheels: see the script.
bash scripts/torch2-venv.sh

# onnxruntime-node (a development dependency, the ONNX export's tests) would download GPU
# providers in its install script: skip that, its CPU binaries are in the package.
npm ci --no-audit --no-fund --onnxruntime-node-install=skip
