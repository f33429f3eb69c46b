"""The take-away script: NumPy alone, the app's losses digit for digit.

Every script runs in a child `python -I` (no PYTHONPATH, no user site, not started in the
repository) under an import guard that refuses anything but NumPy and the standard
library, so a script that reached for dnn_core, pandas or the app would fail here.
"""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dnn_core.activations import ACTIVATIONS
from dnn_core.config import TrainConfig
from dnn_core.datasets import DATASETS
from dnn_core.init import INITIALIZERS
from dnn_core.optimizers import OPTIMIZERS, Optimizer
from dnn_core.schedules import SCHEDULES
from dnn_core.trainer import Trainer
from ui.data import drawn, script, upload

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 4

# Runs each script given on the command line (after the repository's path, which must not
# be importable) with only NumPy and the standard library importable; prints each script's
# output after a marker line.
GUARD = r'''
import importlib.abc, runpy, sys
class OnlyNumpy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top != "numpy" and top not in sys.stdlib_module_names:
            raise ModuleNotFoundError(f"the script imported {name}")
sys.meta_path.insert(0, OnlyNumpy())
repo, scripts = sys.argv[1], sys.argv[2:]
assert "" not in sys.path and not any(p.rstrip("/") == repo for p in sys.path), sys.path
for path in scripts:
    print("=== " + path, flush=True)
    runpy.run_path(path, run_name="__main__")
'''

BASE = TrainConfig(dataset="xor", n=120, noise=0.1, seed=3, features=("x1", "x2", "x1x2"),
                   hidden=(5, 3), activations=("relu", "tanh"), batch=16, lr=0.03)
CONFIGS = {
    **{f"optimizer-{name}": BASE.replace(optimizer=name) for name in OPTIMIZERS},
    **{f"activation-{name}": BASE.replace(activations=name, init="he") for name in ACTIVATIONS},
    **{f"dataset-{name}": BASE.replace(dataset=name, n=90) for name in DATASETS},
    **{f"schedule-{name}": BASE.replace(schedule=name, decay=0.3, interval=2)
       for name in SCHEDULES},
    **{f"init-{name}": BASE.replace(init=name) for name in INITIALIZERS},
    "dropout-l2-adam": BASE.replace(dropout=0.3, reg="l2", reg_rate=0.01, optimizer="adam"),
    "l1-rmsprop": BASE.replace(reg="l1", reg_rate=0.003, optimizer="rmsprop"),
    "l2-rate-0": BASE.replace(reg="l2", reg_rate=0.0),
    "full-batch": BASE.replace(batch=10_000),
    "batch-1": BASE.replace(batch=1, n=40),
    "multiclass": BASE.replace(dataset="spiral3", hidden=(8, 8), activations="tanh",
                               optimizer="adam", lr=0.01, dropout=0.1),
    "regression": BASE.replace(dataset="multigauss", features=("x1", "x2", "sinx1", "sinx2"),
                               optimizer="momentum", lr=0.01),
    "binary-mse-tanh-output": BASE.replace(loss="mse", optimizer="nesterov"),
    "no-hidden-layer": BASE.replace(hidden=(), activations=()),
    "penguins-every-row": BASE.replace(dataset="penguins", n=400, noise=0.0, hidden=(8,),
                                       activations="tanh", batch=10, optimizer="adam"),
    "iris-jittered": BASE.replace(dataset="iris", n=150, noise=0.3, hidden=(4,),
                                  activations="tanh", batch=10, optimizer="rmsprop"),
    "8x32-all-inputs": BASE.replace(
        dataset="spiral", n=200, hidden=(32,) * 8, activations="relu", init="he",
        features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"), optimizer="adam",
        lr=0.003, dropout=0.1),
}


def _uploaded(rows):
    return upload.read_csv(rows.encode())[0]


def _drawn():
    data = None
    for i, (x, y) in enumerate([(-2, -2), (2, 2), (-2, 2), (2, -2), (0, 1), (1, 0), (3, 3),
                                (-3, 1)]):
        data = drawn.add_point(data, x, y, i % 2)
    return data


rng = np.random.default_rng(5)
POINTS = rng.uniform(-40, 90, (150, 2)).tolist()
OWN_DATA = {
    "upload-text-labels": (_uploaded("x,y,animal\n" + "".join(
        f"{a!r},{b!r},{'cat' if a * b > 900 else 'dog'}\n" for a, b in POINTS)),
        TrainConfig(hidden=(4,), activations="sine", seed=3)),
    "upload-ten-classes": (_uploaded("".join(
        f"{a!r},{b!r},{int(a + 40) // 13}\n" for a, b in POINTS)),
        TrainConfig(hidden=(6,), activations="gelu", optimizer="adam", lr=0.01)),
    "upload-regression": (_uploaded("".join(
        f"{a!r},{b!r},{1e4 + 3 * a - b!r}\n" for a, b in POINTS)),
        TrainConfig(hidden=(4, 4), activations="elu", batch=32)),
    "drawn": (_drawn(), TrainConfig(hidden=(3,), activations="tanh", batch=3)),
}


def _app_lines(trainer, epochs):
    lines = []
    for epoch in range(epochs + 1):
        if epoch in script.printed_epochs(epochs):
            last = trainer.history.last
            lines.append(script.RESULT_LINE.format(epoch=epoch, train=float(last["train_loss"]),
                                                   test=float(last["test_loss"])))
        trainer.run_epochs(1)
    return lines


def _run_scripts(texts, tmp):
    """{name: printed lines} from running every script in one guarded child process."""
    paths = []
    for name, text in texts.items():
        path = tmp / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run([sys.executable, "-I", "-c", GUARD, str(ROOT), *paths], cwd=tmp,
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    out, name = {}, None
    for line in done.stdout.splitlines():
        if line.startswith("=== "):
            name = Path(line[4:]).stem
            out[name] = []
        else:
            out[name].append(line)
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    runs = {name: (None, config) for name, config in CONFIGS.items()} | OWN_DATA
    texts = {name: script.standalone_script(config, EPOCHS, data)
             for name, (data, config) in runs.items()}
    return _run_scripts(texts, tmp_path_factory.mktemp("scripts")), runs


@pytest.mark.parametrize("name", [*CONFIGS, *OWN_DATA])
def test_script_prints_the_apps_losses_digit_for_digit(printed, name):
    lines, runs = printed
    data, config = runs[name]
    assert lines[name] == _app_lines(Trainer(config, data=data), EPOCHS)


def test_script_reads_like_the_engine_and_embeds_your_points():
    data, config = OWN_DATA["upload-regression"]
    text = script.standalone_script(config, 3, data)
    assert "dnn_core" not in text.split('"""', 2)[2].replace("(dnn_core.", "")
    assert "def linear_forward(A_prev, W, b, out=None):" in text      # the engine's step 2
    assert repr(POINTS[0][0]) in text                       # your points, exactly
    assert "target_scaler = Standardizer().fit" in text


@pytest.mark.parametrize("name", ["penguins", "iris"])
def test_a_real_dataset_is_embedded_with_its_source_and_licence(name):
    trainer = Trainer(BASE.replace(dataset=name, n=60, noise=0.2))
    text = script.script_for(trainer, 2)
    info = DATASETS[name]
    assert f"# Licence: {info.licence}." in text
    assert " ".join(info.source.split()[:3]) in text
    assert repr(float(trainer.dataset.X[0, 0])) in text       # the rows the trainer drew
    assert f"# classes[k] is the label of class k: {list(info.classes)!r}" in text


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_the_script_needs_numbers_not_the_pages_setting_rows(optimizer):
    text = script.standalone_script(BASE.replace(optimizer=optimizer), 2)
    code = text.split('"""', 2)[2]
    for ui_only in (r"Hyper", r"\.default\b(?!_rng)", r"formula =", r"\.formula", r"worked",
                    r"SETTINGS", r"\btitle\b"):
        assert not re.search(ui_only, code), ui_only
    if optimizer == "adam":
        assert "def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-08):" in text
    if optimizer == "sgd":     # SGD's own rule stays, the lines naming the page's rule go
        assert "self.nesterov = bool(nesterov)" in text and "rule = " not in text


def test_a_throwaway_optimizer_is_written_into_the_script(tmp_path):
    class Halving(Optimizer):
        """value -= lr * g / 2**t: every step half the last (a test's own rule)."""

        name, STATE = "halving", ()

        def __init__(self, params, lr, base=2.0):
            super().__init__(params, lr)
            self.base, self.t = base, 0

        def _rule(self, g, delta):
            self.t += 1
            np.multiply(g, self.lr / self.base ** self.t, out=delta)

    config = BASE.replace(optimizer="sgd")
    fresh, app = Trainer(config), Trainer(config)
    fresh.optimizer = Halving(fresh.params, 0.5, base=1.5)
    app.optimizer = Halving(app.params, 0.5, base=1.5)
    text = script.script_for(fresh, 3)
    assert "class Halving(Optimizer):" in text
    assert "optimizer = Halving(params, lr=0.5, base=1.5)" in text
    assert _run_scripts({"halving": text}, tmp_path)["halving"] == _app_lines(app, 3)
