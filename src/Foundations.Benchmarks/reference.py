"""Reference timings for `dotnet run -c Release --project src/Foundations.Benchmarks -- compare`.

Run with Debian's interpreter, which has the python3-numpy and python3-torch packages:

    /usr/bin/python3 reference.py --threads 2 --workloads '[{"name": "5x784x10", "kind": "matmul", "m": 5, "k": 784, "n": 10}]'

For each workload it times NumPy's `a @ b` (OpenBLAS, when libopenblas0-pthread is installed)
and `torch.matmul(a, b)` with the same protocol as the C# side (warm up, then the best and median
of up to 31 samples, each sample long enough to dwarf the timer), and prints one JSON object.
A workload may list the "libraries" to time (default: all that apply) and shorten the protocol
with "warmup_seconds", "max_seconds" and "min_samples", as `scale` does for 4096x4096 products.
--threads sets torch's thread count; OpenBLAS (and so NumPy) reads OPENBLAS_NUM_THREADS when it
loads, so a caller that wants NumPy on a given number of threads sets that variable for this process.
"""

import argparse
import ctypes
import json
import os
import platform
import statistics
import time

import numpy as np
import torch

WARMUP_SECONDS = 0.5
MIN_SAMPLE_SECONDS = 0.002
MAX_SAMPLES = 31
MAX_SECONDS_PER_WORKLOAD = 4.0


def time_call(call, warmup_seconds=WARMUP_SECONDS, max_seconds=MAX_SECONDS_PER_WORKLOAD, min_samples=5):
    """Per-call seconds: (best, median, samples, calls per sample)."""
    start = time.perf_counter()
    call()
    while time.perf_counter() - start < warmup_seconds:
        call()

    begin = time.perf_counter()
    call()
    one = max(time.perf_counter() - begin, 1e-9)
    batch = max(1, int(MIN_SAMPLE_SECONDS / one) + 1)

    samples = []
    deadline = time.perf_counter() + max_seconds
    while len(samples) < MAX_SAMPLES and (len(samples) < min_samples or time.perf_counter() < deadline):
        begin = time.perf_counter()
        for _ in range(batch):
            call()
        samples.append((time.perf_counter() - begin) / batch)
    return min(samples), statistics.median(samples), len(samples), batch


def matmul_calls(spec):
    """The same product for NumPy and for torch; operands are float32, row-major, uniform in [-1, 1)."""
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (spec["m"], spec["k"])).astype(np.float32)
    b = rng.uniform(-1, 1, (spec["k"], spec["n"])).astype(np.float32)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    return {"numpy": lambda: a @ b, "torch": lambda: torch.matmul(ta, tb)}


def training_step_calls(spec):
    """One forward + backward + SGD step of the 784-50-1 MSE model, the idiomatic PyTorch way.
    The images do not require grad, so autograd skips their gradient, as the C# side does."""
    torch.manual_seed(0)
    x = torch.randn(spec["batch"], spec["inputs"])
    y = torch.randn(spec["batch"])
    model = torch.nn.Sequential(
        torch.nn.Linear(spec["inputs"], spec["hidden"]), torch.nn.ReLU(), torch.nn.Linear(spec["hidden"], 1))
    sgd = torch.optim.SGD(model.parameters(), lr=spec["lr"])

    def step():
        loss = torch.nn.functional.mse_loss(model(x).squeeze(-1), y)
        sgd.zero_grad(set_to_none=True)
        loss.backward()
        sgd.step()

    return {"torch": step}


def classifier_step_calls(spec):
    """One step of the 784-50-10 classifier on a batch of 64, with MSE on one-hot targets or
    cross-entropy, the idiomatic PyTorch way (labels 0..9 repeating, as on the C# side); the
    gradients are dropped (set_to_none) or zeroed in place, as the C# row does."""
    torch.manual_seed(0)
    x = torch.randn(spec["batch"], spec["inputs"])
    labels = torch.arange(spec["batch"]) % spec["classes"]
    one_hot = torch.nn.functional.one_hot(labels, spec["classes"]).float()
    model = torch.nn.Sequential(
        torch.nn.Linear(spec["inputs"], spec["hidden"]), torch.nn.ReLU(), torch.nn.Linear(spec["hidden"], spec["classes"]))
    sgd = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    if spec["loss"] == "mse":
        loss_of = lambda out: torch.nn.functional.mse_loss(out, one_hot)
    else:
        loss_of = lambda out: torch.nn.functional.cross_entropy(out, labels)

    set_to_none = spec.get("set_to_none", True)

    def step():
        sgd.zero_grad(set_to_none=set_to_none)
        loss_of(model(x)).backward()
        sgd.step()

    return {"torch": step}


def allocation_calls(spec):
    """A fresh n x n float32 array written once (what a @ b's result costs before any arithmetic),
    against writing one array again."""
    n = spec["n"]
    reused = np.empty((n, n), np.float32)
    return {"numpy": lambda: np.empty((n, n), np.float32).fill(1.0), "numpy reused": lambda: reused.fill(1.0)}


KINDS = {"matmul": matmul_calls, "allocation": allocation_calls, "training_step": training_step_calls, "classifier_step": classifier_step_calls}


def loaded_openblas():
    """The OpenBLAS that NumPy and torch actually loaded (found in this process's memory map), or None.
    Its own answers say which kernel it picked: OPENBLAS_CORETYPE, if set, overrides the CPU check."""
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {
                "blas": f"{lib.openblas_get_config().decode()} ({path})",
                "openblas_core": lib.openblas_get_corename().decode(),
                "openblas_threads": lib.openblas_get_num_threads(),
            }
        except (OSError, AttributeError):
            continue
    return {"blas": "not OpenBLAS: " + (", ".join(paths) or "no BLAS loaded"), "openblas_core": None, "openblas_threads": None}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--workloads", required=True, help="JSON list of {name, kind, ...}")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    results = {"numpy": {}, "torch": {}, "numpy reused": {}}
    for spec in json.loads(args.workloads):
        protocol = {key: spec[key] for key in ("warmup_seconds", "max_seconds", "min_samples") if key in spec}
        for library, call in KINDS[spec["kind"]](spec).items():
            if library not in spec.get("libraries", [library]):
                continue
            best, median, samples, batch = time_call(call, **protocol)
            results[library][spec["name"]] = {
                "best_us": best * 1e6, "median_us": median * 1e6, "samples": samples, "batch": batch}

    print(json.dumps({
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        **loaded_openblas(),
        "results": results,
    }))


if __name__ == "__main__":
    main()
