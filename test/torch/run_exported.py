"""Runs exported model.py files for test/unit/pytorch-export.test.ts.

Reads a manifest (JSON): a list of cases, each with the folder of an exported model.py, the
class name, weights.json/weights.bin converted from nn's tfjs weights, the input (float32,
little-endian, [batch, *input_shape]) and the module prefixes to hook. For each case it loads
the weights, runs the module in inference mode and writes what PyTorch saw: parameter counts,
and the output of every layer (traced) and of the model (shapes and values), to out.json/out.bin
in the case's folder. An exception in one case is reported for that case.
"""

import importlib.util
import json
import os
import sys
import traceback

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
exec(open(sys.argv[2]).read())  # load_converted, the exporter's own loader  # noqa: S102


def run(case):
    spec = importlib.util.spec_from_file_location(f"model_{case['id']}", os.path.join(case["dir"], "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, case["class"])()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    persistent = model.state_dict().keys()
    buffers = sum(
        b.numel() for name, b in model.named_buffers() if name in persistent and not name.endswith("num_batches_tracked")
    )
    load_converted(model, os.path.join(case["dir"], "weights.json"), os.path.join(case["dir"], "weights.bin"))  # noqa: F821
    model.eval()
    # every layer's output, by the key model.py traces it under (its module's path and label)
    outputs = {}
    paths = {id(m): name for name, m in model.named_modules()}

    def trace(owner, label, value):
        path = paths[id(owner)]
        outputs[f"{path}.{label}" if path else label] = value.detach().numpy().copy()

    module._trace = trace
    x = np.fromfile(os.path.join(case["dir"], "input.bin"), dtype="<f4").reshape(case["input_shape"])
    with torch.no_grad():
        y = model(torch.from_numpy(x))
    outputs[""] = y.numpy()
    meta, blobs, offset = {}, [], 0
    for name, value in outputs.items():
        value = np.ascontiguousarray(value, dtype="<f4")
        meta[name] = {"shape": list(value.shape), "offset": offset}
        blobs.append(value.tobytes())
        offset += value.size
    with open(os.path.join(case["dir"], "out.bin"), "wb") as f:
        f.write(b"".join(blobs))
    return {"trainable": trainable, "nonTrainable": frozen + buffers, "outputs": meta}


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    for case in cases:
        try:
            result = run(case)
        except Exception:  # noqa: BLE001 - reported per case, for the test to show
            result = {"error": traceback.format_exc()}
        with open(os.path.join(case["dir"], "out.json"), "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()
