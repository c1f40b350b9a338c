#!/usr/bin/env bash
# Part of scripts/setup.sh, also run alone.
set -euo pipefail

# A second PyTorch, 2.x beside Debian's 1.13, for test/unit/pytorch-second.test.ts: a venv made
# from a wheel in /opt/wheels (NN_TORCH_WHEELS), with the system-site packages of a Python of the
# wheel's version (NumPy from there). No wheel, or no such Python: said, and the set-up goes on;
# that test then says it skipped. NN_TORCH2_VENV moves the venv (the test reads the same variable).
torch2_venv="${NN_TORCH2_VENV:-$HOME/.cache/nn/torch2-venv}"
wheel=$(ls "${NN_TORCH_WHEELS:-/opt/wheels}"/torch-2.*-linux*.whl "${NN_TORCH_WHEELS:-/opt/wheels}"/torch-2.*-manylinux*.whl 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$wheel" ]; then
  echo "no PyTorch 2.x wheel in ${NN_TORCH_WHEELS:-/opt/wheels}: the second-PyTorch tests will be skipped"
elif "$torch2_venv/bin/python3" -c "import torch, sys; sys.exit(torch.__version__ != sys.argv[1])" "$(basename "$wheel" | cut -d- -f2)" 2>/dev/null; then
  echo "second PyTorch: $torch2_venv (torch $(basename "$wheel" | cut -d- -f2))"
else
  tag=$(basename "$wheel" | cut -d- -f3)  # cp311
  base=""
  for py in python3 /usr/bin/python3 $(ls -d "$HOME"/.pyenv/versions/*/bin/python3 2>/dev/null); do
    if "$py" -c "import sys, numpy; sys.exit(f'cp{sys.version_info[0]}{sys.version_info[1]}' != sys.argv[1])" "$tag" 2>/dev/null \
      && ! "$py" -c "import torch" 2>/dev/null; then
      base="$py"
      break
    fi
  done
  if [ -z "$base" ]; then
    echo "no Python for $wheel ($tag with NumPy and without a PyTorch of its own): the second-PyTorch tests will be skipped"
  else
    echo "making the second PyTorch: $torch2_venv from $wheel ($base)"
    rm -rf "$torch2_venv"
    mkdir -p "$(dirname "$torch2_venv")"
    if "$base" -m venv --system-site-packages "$torch2_venv" \
      && "$torch2_venv/bin/pip" install -q --no-deps --no-index "$wheel" \
      && "$torch2_venv/bin/python3" -c "import torch, numpy"; then
      echo "second PyTorch: $torch2_venv (torch $("$torch2_venv/bin/python3" -c "import torch; print(torch.__version__)"))"
    else
      echo "the second PyTorch could not be made (above); the second-PyTorch tests will be skipped"
      rm -rf "$torch2_venv"
    fi
  fi
fi
