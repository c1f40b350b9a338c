# The GPU check of nn's PyTorch export (issue 18, bench/gpu/README.md), run on a machine with CUDA
# and no Node, in the folder prepare.sh made (bench/gpu/out/, with this file copied into it):
#   python3 run.py [--epochs-scale F] [--only mlp,convnet,...] [--cpu]
# For each exported reference model it trains with the exported train.py as a user would:
# `python3 train.py --device cuda`, then `torchrun --standalone --nproc_per_node=G` (G: the GPUs
# there are), and reads nn's training events (--json) for the samples/s of each epoch and the test
# accuracy. The MLP's first epoch also runs on the CPU, to compare its loss with CUDA's. It prints a
# table and writes results.json to $OUT (when set) or here. --cpu runs the same on the CPU
# (gloo, 2 processes), to try the script on a machine without a GPU.
import argparse, json, os, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = {  # folder: epochs (bench/train.nn's, as bench:train runs them)
    "mlp": 5,
    "convnet": 2,
    "lstm": 5,
    "convnet_bn": 2,
}
TIMEOUT_S = 240


def torchrun():
    """torchrun next to this Python, else on PATH, else the module (what torchrun itself runs)."""
    near = os.path.join(os.path.dirname(sys.executable), "torchrun")
    if os.path.exists(near):
        return [near]
    if shutil.which("torchrun"):
        return [shutil.which("torchrun")]
    return [sys.executable, "-m", "torch.distributed.run"]


def train(model, epochs, device, out, launcher=None):
    """One run of model/train.py; returns what its events say, and the run's seconds."""
    cmd = (launcher or [sys.executable]) + ["train.py", "--device", device, "--json", "--epochs", str(epochs), "--out", out]
    env = dict(os.environ, NN_DATA=HERE, PYTHONUNBUFFERED="1")
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=os.path.join(HERE, model), env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"over {TIMEOUT_S} s", "command": " ".join(cmd)}
    wall = time.time() - t0
    events = []
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
    start = next((e for e in events if e.get("type") == "start"), {})
    epochs_ev = [e for e in events if e.get("type") == "epoch"]
    end = next((e for e in events if e.get("type") == "end"), None)
    r = {
        "ok": p.returncode == 0 and end is not None,
        "command": " ".join(cmd),
        "backend": start.get("backendNote"),
        "samples_per_s": [round(e["samplesPerSecond"]) for e in epochs_ev],
        "losses": [e["loss"] for e in epochs_ev],
        "test_accuracy": ((end or {}).get("test") or {}).get("metrics", {}).get("accuracy"),
        "wall_s": round(wall, 1),
    }
    if not r["ok"]:
        r["error"] = f"exit {p.returncode}: " + (p.stderr.strip()[-1500:] or p.stdout.strip()[-1500:])
    elif p.stderr.strip():
        r["stderr"] = p.stderr.strip()[-800:]
    return r


def main():
    a = argparse.ArgumentParser(description="nn's PyTorch export on a GPU")
    a.add_argument("--epochs-scale", type=float, default=1.0, help="multiply each model's epochs (at least 1)")
    a.add_argument("--only", default=",".join(MODELS), help="models, comma-separated")
    a.add_argument("--cpu", action="store_true", help="no GPU: the same runs on the CPU (2 gloo processes)")
    o = a.parse_args()
    import torch

    gpus = 0 if o.cpu else torch.cuda.device_count()
    if not o.cpu and gpus == 0:
        sys.exit("run.py: no CUDA device (torch.cuda.device_count() is 0); --cpu tries the script without one")
    device = "cpu" if o.cpu else "cuda"
    info = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "devices": [torch.cuda.get_device_name(i) for i in range(gpus)],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(info), flush=True)
    procs = 2 if o.cpu else gpus
    results = {"machine": info, "runs": {}}
    if procs == 1:
        results["note"] = "one GPU: torchrun runs one process, so DistributedDataParallel's NCCL path is not exercised"
        print(results["note"], flush=True)
    runs_dir = os.path.join(HERE, "runs")
    shutil.rmtree(runs_dir, ignore_errors=True)
    dest = os.path.join(os.environ.get("OUT") or HERE, "results.json")

    def save():
        # after every run: a check cut short by the machine's time limit keeps what it measured
        with open(dest, "w") as f:
            json.dump(results, f, indent=1)

    for m in o.only.split(","):
        epochs = max(1, round(MODELS[m] * o.epochs_scale))
        plain = train(m, epochs, device, os.path.join(runs_dir, f"{m}-plain"))
        print(f"{m}: python3 train.py --device {device}: {json.dumps(plain)}", flush=True)
        results["runs"][m] = {"epochs": epochs, "plain": plain, "processes": procs}
        save()
        launcher = torchrun() + ["--standalone", f"--nproc_per_node={procs}"]
        dist = train(m, epochs, device, os.path.join(runs_dir, f"{m}-torchrun"), launcher)
        print(f"{m}: torchrun --nproc_per_node={procs}: {json.dumps(dist)}", flush=True)
        results["runs"][m]["torchrun"] = dist
        save()
        if m == "mlp" and not o.cpu:
            cpu = train(m, 1, "cpu", os.path.join(runs_dir, "mlp-cpu"))
            results["runs"][m]["cpu_first_epoch"] = cpu
            if cpu["ok"] and plain["ok"]:
                results["runs"][m]["first_epoch_loss_cpu_vs_cuda"] = [cpu["losses"][0], plain["losses"][0]]
            save()
    print()
    print(f"| model | epochs | {device} samples/s (each epoch) | test acc | torchrun x{procs} samples/s | test acc |")
    print("|---|---|---|---|---|---|")
    for m, r in results["runs"].items():
        acc = lambda x: "-" if x.get("test_accuracy") is None else f"{x['test_accuracy']:.4f}"
        cell = lambda x: (", ".join(f"{v:,}" for v in x["samples_per_s"]), acc(x)) if x["ok"] else ("failed: " + x["error"][:200].replace("\n", " "), "")
        p, d = cell(r["plain"]), cell(r["torchrun"])
        print(f"| {m} | {r['epochs']} | {p[0]} | {p[1]} | {d[0]} | {d[1]} |")
    if "first_epoch_loss_cpu_vs_cuda" in results["runs"].get("mlp", {}):
        c, g = results["runs"]["mlp"]["first_epoch_loss_cpu_vs_cuda"]
        print(f"mlp first epoch loss: cpu {c:.6f}, cuda {g:.6f} (relative difference {abs(c - g) / abs(c):.2e})")
    save()
    print(f"written: {dest}")
    failed = [m for m, r in results["runs"].items() if not (r["plain"]["ok"] and r["torchrun"]["ok"])]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
