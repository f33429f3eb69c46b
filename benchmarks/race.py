"""Time Compare's "Run to epoch" for the `init` preset, with a PyTorch loop beside it.

    make bench-race       # or: python -m benchmarks.race [--epochs 15000] [--chunk 500]
    python -m benchmarks.race --against dnn_core_old --against-path /tmp/old  # vs a copy

The race is ui/compare/presets.py's `init`: circle data (noise 5 %, 400 points, 75 % to
train), a 2-10-5-1 ReLU network, full-batch gradient descent at lr 0.01, three lanes with
zeros, large (x10) and He initial weights, to epoch 15,000; `dnn_core.race.Race.run_to`
trains it, recording every epoch as the app does (history row, keyframe). The turns train
on one core (`workers=0`); then the whole race runs once as the app's button runs it, its
lanes in worker processes (dnn_core/workers.py), for the wall-clock time a user waits.

The peer is the same race written as a plain PyTorch float64 loop: the same data and
initial weights, each epoch one full-batch step (forward, BCE loss, backward, SGD step) and
then the train and test loss and accuracy under `torch.no_grad()`, like ours. `--against`
adds another copy of the engine (a module name importable from `--against-path`, e.g. the
code before a change, renamed) as a third contender.

The contenders take turns, `--chunk` epochs each, so a load change on the shared machine
hits them alike; each is timed in wall-clock and thread CPU time. The table gives ms per
lane-epoch (medians of the chunks) and the whole race's time (the sum of its chunks), and is
written to benchmarks/results.md between the markers below (`make bench` keeps it).
"""
import argparse
import importlib
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import dnn_core  # noqa: E402
from dnn_core import workers  # noqa: E402
from benchmarks.engine import cpu_model, versions  # noqa: E402

LANES = ({"init": "zeros"}, {"init": "large"}, {"init": "he"})
START, END = "<!-- race: start -->", "<!-- race: end -->"


def init_preset(engine):
    """The `init` preset's Race in the engine module `engine` (dnn_core or a copy)."""
    race = importlib.import_module(engine.__name__ + ".race")
    base = engine.TrainConfig(dataset="circle", noise=0.05, n=400, train_frac=0.75,
                              hidden=(10, 5), activations="relu", optimizer="sgd", lr=0.01,
                              batch=10**9)
    return race.Race(base, [dict(lane) for lane in LANES])


class TorchRace:
    """The same three lanes as plain PyTorch float64 loops, from our lanes' data and
    initial weights."""

    def __init__(self, race):
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        t = race.lanes[0].trainer
        self.X, self.Xt = torch.from_numpy(t.X_train), torch.from_numpy(t.X_test)
        self.T, self.Tt = torch.from_numpy(t.T_train), torch.from_numpy(t.T_test)
        self.y, self.yt = torch.from_numpy(t.raw["train_y"]), torch.from_numpy(t.raw["test_y"])
        self.lanes = []
        for lane in race.lanes:
            dense = lane.trainer.model.dense_layers()
            layers = []
            for i, d in enumerate(dense):
                linear = torch.nn.Linear(d.in_features, d.out_features, dtype=torch.float64)
                with torch.no_grad():
                    linear.weight.copy_(torch.from_numpy(d.W))
                    linear.bias.copy_(torch.from_numpy(d.b))
                layers += [linear] + ([torch.nn.ReLU()] if i < len(dense) - 1 else [])
            model = torch.nn.Sequential(*layers)
            self.lanes.append((model, torch.optim.SGD(model.parameters(), lr=0.01)))
        self.loss = torch.nn.BCEWithLogitsLoss()
        self.epoch, self.last = 0, None

    def run_epochs(self, k):
        torch = self.torch
        for _ in range(k):
            rows = []
            for model, opt in self.lanes:
                opt.zero_grad(set_to_none=False)
                self.loss(model(self.X), self.T).backward()
                opt.step()
                with torch.no_grad():
                    row = []
                    for X, T, y in ((self.X, self.T, self.y), (self.Xt, self.Tt, self.yt)):
                        out = model(X)
                        row += [float(self.loss(out, T)),
                                float(((out[:, 0] >= 0) == y).double().mean())]
                    rows.append(row)
            self.last = rows
            self.epoch += 1

    def train_accuracy(self):
        return [row[1] for row in self.last]


def measure(contenders, epochs, chunk):
    """{name: (wall seconds per lane-epoch list, cpu list, total wall, total cpu)}."""
    out = {name: ([], [], 0.0, 0.0) for name in contenders}
    done = 0
    while done < epochs:
        k = min(chunk, epochs - done)
        order = list(contenders) if (done // chunk) % 2 == 0 else list(contenders)[::-1]
        for name in order:
            run = contenders[name]
            w0, c0 = time.perf_counter(), time.thread_time()
            run(done + k)
            w, c = time.perf_counter() - w0, time.thread_time() - c0
            walls, cpus, wall, cpu = out[name]
            walls.append(w / (3 * k))
            cpus.append(c / (3 * k))
            out[name] = (walls, cpus, wall + w, cpu + c)
        done += k
    return out


def run_as_the_app(epochs):
    """(wall seconds, race) of the `init` preset's Run to epoch as Compare's button runs it:
    one `run_to` call, the lanes in worker processes (warmed first, as the page does)."""
    workers.warm()
    workers.run_to(init_preset(dnn_core), 1)   # waits until the workers are up
    race = init_preset(dnn_core)
    start = time.perf_counter()
    race.run_to(epochs, chunk=max(10, min(500, epochs // 40)))
    return time.perf_counter() - start, race


def write_section(path, text):
    """Put `text` between the race markers in `path` (after the notes marker if new)."""
    try:
        with open(path) as f:
            old = f.read()
    except OSError:
        old = ""
    block = f"{START}\n{text}{END}\n"
    if START in old and END in old:
        new = old[:old.index(START)] + block + old[old.index(END) + len(END) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(new)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=15_000)
    ap.add_argument("--chunk", type=int, default=500)
    ap.add_argument("--against", help="another copy of the engine, by module name")
    ap.add_argument("--against-path", help="where that module is (prepended to sys.path)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.md"))
    args = ap.parse_args(argv)
    load_before = os.getloadavg()
    ours = init_preset(dnn_core)
    peer = TorchRace(ours)
    contenders = {"dnn_core": lambda e: ours.run_to(e, chunk=e, workers=0),
                  "PyTorch loop": lambda e: peer.run_epochs(e - peer.epoch)}
    if args.against:
        if args.against_path:
            sys.path.insert(0, args.against_path)
        other = init_preset(importlib.import_module(args.against))
        contenders[args.against] = lambda e: other.run_to(e, chunk=e, workers=0)
    results = measure(contenders, args.epochs, args.chunk)
    app_wall, app_race = run_as_the_app(args.epochs)
    load_after = os.getloadavg()
    ours_acc = [r.train_metric for r in ours.results()]
    lines = [
        f"## Run to epoch: the `init` preset ({args.epochs:,} epochs x 3 lanes)",
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, one BLAS thread; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after. {versions()}. Command: "
        f"`python -m benchmarks.race {' '.join(argv if argv is not None else sys.argv[1:])}`. "
        f"Turns of {args.chunk} epochs each; medians of the turns.",
        "",
        "| contender | ms per lane-epoch (wall) | (thread CPU) | whole race, wall s | "
        "(thread CPU s) | vs dnn_core (CPU) |",
        "|---|---|---|---|---|---|",
    ]
    base_cpu = float(np.median(results["dnn_core"][1]))
    for name, (walls, cpus, wall, cpu) in results.items():
        cpu_ms = float(np.median(cpus))
        lines.append(f"| {name} | {1e3 * float(np.median(walls)):.3f} | {1e3 * cpu_ms:.3f} | "
                     f"{wall:.1f} | {cpu:.1f} | {cpu_ms / base_cpu:.2f}x |")
    same = all(np.array_equal(a.trainer.model.values, b.trainer.model.values)
               for a, b in zip(ours.lanes, app_race.lanes))
    lines += ["", f"**Run to epoch as the app runs it** (`Race.run_to`, lanes in "
              f"{workers.cores()} worker processes, started before the clock): "
              f"**{app_wall:.1f} s** wall for the whole race; its weights are "
              f"{'bit for bit' if same else 'NOT'} those of the one-core run above.",
              "", "Train accuracy at the end (zeros, large, he): dnn_core "
              + " / ".join(f"{a:.3f}" for a in ours_acc) + "; PyTorch loop "
              + " / ".join(f"{a:.3f}" for a in peer.train_accuracy()) + ".", ""]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section(args.out, text)
    return results


if __name__ == "__main__":
    main()
