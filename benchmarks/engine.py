"""Time one full-batch training step (forward, loss, backward, update) in dnn_core, PyTorch
CPU eager and scikit-learn, side by side in one process with one BLAS thread.

    make bench            # or: python -m benchmarks.engine [--quick]

Prints a table of microseconds per step and the ratios peer / dnn_core, then writes them
with the machine (CPU model, NumPy's BLAS and the kernel it picked, from threadpoolctl) and
library versions to benchmarks/results.md. Each round times a block of every library in
turn (after a warm-up) and the median round is reported, so neither a passing hiccup nor
a load change on the machine favours one library. The clock is the thread's CPU time: with
one BLAS thread every library computes in the calling thread, and time spent waiting for
the CPU on a shared machine is not counted (memory contention still is: quote ratios).

OpenBLAS picks its kernel from the CPU; OPENBLAS_CORETYPE forces one (and
OPENBLAS_L2_SIZE its cache size). Both are reported when set.
"""
import argparse
import os
import platform
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

import dnn_core as dc  # noqa: E402

CLOCK = time.thread_time

CASES = [
    # name, layer sizes, points, loss
    ("2-8-8-1, 500 points (BCE)", (2, 8, 8, 1), 500, "bce"),
    ("2-8x6-1, 500 points (BCE)", (2, 8, 8, 8, 8, 8, 8, 1), 500, "bce"),
    ("2-64-64-64-1, 10,000 points (BCE)", (2, 64, 64, 64, 1), 10_000, "bce"),
    ("784-256-256-10, 256 points (CE)", (784, 256, 256, 10), 256, "ce"),
]


def interleaved_us(fns, repeat, number):
    """{name: median microseconds per call}: each round times a block of `number` calls of
    every function in turn, so a load change on the machine hits all of them alike."""
    for fn in fns.values():
        for _ in range(max(3, number // 10)):
            fn()
    blocks = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = CLOCK()
            for _ in range(number):
                fn()
            blocks[name].append((CLOCK() - t0) / number * 1e6)
    return {name: float(np.median(b)) for name, b in blocks.items()}


def problem(sizes, n, loss, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    if loss == "ce":
        y = rng.integers(0, sizes[-1], n)
    else:
        y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)
    return X, y


def dnn_core_step(sizes, X, y, loss_name):
    rng = np.random.default_rng(0)
    model = dc.build_mlp(sizes[0], sizes[1:-1], "tanh", sizes[-1], init="xavier", rng=rng)
    # As the Trainer does, and as PyTorch does for an input without requires_grad: the
    # gradient of the data is not computed.
    model.dense_layers()[0].input_grad = False
    loss = dc.get_loss(loss_name)
    opt = dc.make_optimizer("sgd", model.parameters(), 0.01)
    target = y.astype(np.int64) if loss_name == "ce" else y.reshape(-1, 1)

    def step():
        out = model.forward(X)
        loss.forward(out, target)
        model.backward(loss.backward())
        opt.step()
    return step


def torch_step(sizes, X, y, loss_name):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b, dtype=torch.float64))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    Xt = torch.from_numpy(X)
    if loss_name == "ce":
        yt, crit = torch.from_numpy(y.astype(np.int64)), torch.nn.CrossEntropyLoss()
    else:
        yt, crit = torch.from_numpy(y.reshape(-1, 1)), torch.nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=False)
        crit(model(Xt), yt).backward()
        opt.step()
    return step


def sklearn_step(sizes, X, y, loss_name):
    import warnings

    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=sizes[1:-1], activation="tanh", solver="sgd",
                        learning_rate_init=0.01, momentum=0.0, batch_size=len(X),
                        alpha=0.0, random_state=0)
    classes = np.unique(y.astype(np.int64))
    yi = y.astype(np.int64)
    clf.partial_fit(X, yi, classes=classes)

    def step():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(X, yi)
    return step


def snapshot_us(repeat, number):
    t = dc.Trainer(dc.TrainConfig())
    t.run_epochs(1)
    return interleaved_us({"snapshot": lambda: t.snapshot(100)}, repeat, number)["snapshot"]


def versions():
    out = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    for mod in ("torch", "sklearn"):
        try:
            out.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            out.append(f"{mod} not installed")
    return ", ".join(out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def blas():
    """The BLAS libraries loaded, e.g. "NumPy: OpenBLAS 0.3.31 (SkylakeX kernel, 1 thread)",
    from threadpoolctl, with any variable that forces OpenBLAS's kernel; PyTorch's MKL is
    linked into torch itself, so threadpoolctl cannot list it."""
    parts = []
    for info in threadpool_info():
        if info["user_api"] != "blas":
            continue
        owner = next((d[:-5] for d in info["filepath"].split(os.sep) if d.endswith(".libs")),
                     os.path.basename(info["filepath"]))
        owner = {"numpy": "NumPy", "scipy": "SciPy (scikit-learn)"}.get(owner, owner)
        parts.append(f"{owner}: {info['internal_api']} {info['version']} "
                     f"({info.get('architecture') or '?'} kernel, {info['num_threads']} thread)")
    forced = [f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
              if k in os.environ]
    parts.append(f"kernel forced by {', '.join(forced)}" if forced else
                 "kernel auto-detected (no OPENBLAS_CORETYPE)")
    try:
        import torch
        parts.append("PyTorch: " + ("MKL" if torch.backends.mkl.is_available() else "no MKL"))
    except ImportError:
        pass
    return "; ".join(parts)


def machine():
    return f"{cpu_model()}, {os.cpu_count()} cores, one BLAS thread. BLAS: {blas()}"


NOTES = "<!-- notes: kept when the benchmark rewrites this file -->"


def write_keeping_notes(path, table):
    """Write `table` to `path`, keeping the hand-written analysis below the NOTES line."""
    try:
        with open(path) as f:
            old = f.read()
    except OSError:
        old = ""
    notes = old[old.index(NOTES):] if NOTES in old else ""
    with open(path, "w") as f:
        f.write(table + ("\n" + notes if notes else ""))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.md"))
    args = ap.parse_args(argv)
    repeat = 3 if args.quick else 7
    threadpool_limits(1)
    print(f"Machine: {machine()}", flush=True)
    rows = []
    for name, sizes, n, loss in CASES:
        X, y = problem(sizes, n, loss)
        big = n * sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) > 5e6
        number = (5 if big else 200) if args.quick else (20 if big else 1000)
        fns = {"dnn_core": dnn_core_step(sizes, X, y, loss)}
        for peer, build in (("PyTorch", torch_step), ("scikit-learn", sklearn_step)):
            try:
                fns[peer] = build(sizes, X, y, loss)
            except ImportError:
                pass
        times = {"PyTorch": float("nan"), "scikit-learn": float("nan")}
        times.update(interleaved_us(fns, repeat, number))
        rows.append((name, times))
        print(f"{name:38s} " + "  ".join(f"{k} {v:9.1f} µs" for k, v in times.items()),
              flush=True)
    snap = snapshot_us(repeat, 50 if args.quick else 300)
    lines = [
        "# Engine benchmark: one full-batch training step",
        "",
        f"Machine: {machine()}. {versions()}. Command: `{' '.join(['python -m benchmarks.engine'] + (argv or sys.argv[1:]))}`.",
        "Median of interleaved rounds after a warm-up, timed in thread CPU time; tanh hidden "
        "layers, SGD, float64 everywhere. The machine is shared with other work: absolute "
        "times vary with its load, so quote the ratios, which are measured side by side.",
        "",
        "| case | dnn_core µs | PyTorch µs | scikit-learn µs | PyTorch / dnn_core | scikit-learn / dnn_core |",
        "|---|---|---|---|---|---|",
    ]
    for name, t in rows:
        lines.append(f"| {name} | {t['dnn_core']:.1f} | {t['PyTorch']:.1f} | "
                     f"{t['scikit-learn']:.1f} | {t['PyTorch'] / t['dnn_core']:.2f}x | "
                     f"{t['scikit-learn'] / t['dnn_core']:.2f}x |")
    lines += ["", f"Grid snapshot of the default network (2-4-2-1, 100x100 points, output and "
              f"every neuron): {snap:.0f} µs."]
    table = "\n".join(lines) + "\n"
    print()
    print(table)
    write_keeping_notes(args.out, table)
    return rows, snap


if __name__ == "__main__":
    main()
