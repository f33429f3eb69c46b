"""ui.export: the model file round trip, the standalone script (run in a subprocess), the
history and data as CSV."""
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dnn_core.config import TrainConfig
from dnn_core.trainer import Trainer
from ui.data import drawn, export, upload

ROOT = Path(__file__).resolve().parents[1]
CONFIG = TrainConfig(dataset="xor", n=200, noise=0.1, seed=7, features=("x1", "x2", "x1x2"),
                     hidden=(5, 3), activations=("relu", "tanh"), optimizer="adam", lr=0.01,
                     batch=16, reg="l2", reg_rate=0.001, schedule="inverse_time", decay=0.01)
EPOCHS = 12


def _grid():
    return np.stack(np.meshgrid(np.linspace(-6, 6, 9), np.linspace(-6, 6, 9)), -1).reshape(-1, 2)


def _run(script, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_save_load_gives_identical_predictions_and_continues_identically():
    trainer = Trainer(CONFIG)
    trainer.run_epochs(EPOCHS)
    loaded = export.load_model(export.model_bytes(trainer))
    np.testing.assert_array_equal(loaded.predict_proba(_grid()), trainer.predict_proba(_grid()))
    trainer.run_epochs(2)
    loaded.run_epochs(2)
    assert export.result_line(loaded) == export.result_line(trainer)


def test_save_load_keeps_your_own_data():
    data = None
    for i, (x, y) in enumerate([(-2, -2), (2, 2), (-2, 2), (2, -2), (0, 1), (1, 0)]):
        data = drawn.add_point(data, x, y, i % 2)
    trainer = Trainer(TrainConfig(hidden=(3,), activations="tanh"), data=data)
    trainer.run_epochs(3)
    loaded = export.load_model(export.model_bytes(trainer))
    np.testing.assert_array_equal(loaded.dataset.X, data.X)
    np.testing.assert_array_equal(loaded.predict_proba(_grid()), trainer.predict_proba(_grid()))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"x1,x2,label\n1,2,0\n", "not a DNN Playground model file"),
    (export.model_bytes(Trainer(TrainConfig()))[:200], "not a DNN Playground model file"),
])
def test_bad_model_files_get_the_loaders_message(data, message):
    with pytest.raises(ValueError, match=message):
        export.load_model(data)


def test_script_prints_the_apps_final_loss():
    script = export.standalone_script(CONFIG, EPOCHS)
    compile(script, export.SCRIPT_FILE, "exec")
    trainer = Trainer(CONFIG)
    trainer.run_epochs(EPOCHS)
    assert _run(script, cwd=ROOT) == export.result_line(trainer)


def test_script_with_your_data_reads_the_data_file(tmp_path):
    rows = "".join(f"{x},{y},{'cat' if x * y > 0 else 'dog'}\n"
                   for x in (-2.5, -1, 0.5, 3) for y in (-1.75, 0.25, 2))
    dataset, _ = upload.read_csv(("x,y,animal\n" + rows).encode())
    (tmp_path / export.DATA_FILE).write_bytes(export.data_csv(dataset))
    config = TrainConfig(hidden=(4,), activations="sine", seed=3)
    trainer = Trainer(config, data=dataset)
    trainer.run_epochs(5)
    assert _run(export.standalone_script(config, 5, dataset), cwd=tmp_path) == \
        export.result_line(trainer)


def test_data_csv_reads_back_as_the_same_dataset():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2)) * 1e3
    targets = rng.normal(size=50).tolist()
    rows = "".join(f"{a!r},{b!r},{t!r}\n" for (a, b), t in zip(X.tolist(), targets))
    dataset, _ = upload.read_csv(rows.encode())
    again, _ = upload.read_csv(export.data_csv(dataset))
    np.testing.assert_array_equal(again.X, dataset.X)
    np.testing.assert_array_equal(again.y, dataset.y)
    assert again.task == dataset.task == "regression"


def test_history_csv_has_a_row_per_epoch_and_named_metrics():
    trainer = Trainer(CONFIG)
    trainer.run_epochs(4)
    table = pd.read_csv(io.BytesIO(export.history_csv(trainer)))
    assert table["epoch"].tolist() == [0, 1, 2, 3, 4]
    assert {"train_loss", "test_accuracy", "grad_norm_layer3", "weight_norm_layer1"} <= set(table)
    assert table["train_loss"].iloc[-1] == trainer.history.last["train_loss"]


def test_session_values_give_the_config_back_or_say_what_does_not_fit():
    from ui import state
    values = export.session_values(CONFIG, state.defaults(), "binary")
    assert state.to_config(values, "binary") == CONFIG
    with pytest.raises(ValueError, match="n = 10000"):
        export.session_values(CONFIG.replace(n=10_000), state.defaults(), "binary")
