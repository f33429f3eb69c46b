"""ui.export: the model file round trip, the history and data as CSV (the standalone script:
test_script.py)."""
import io

import numpy as np
import pandas as pd
import pytest

from dnn_core.config import TrainConfig
from dnn_core.trainer import Trainer
from ui.data import drawn, export, upload

CONFIG = TrainConfig(dataset="xor", n=200, noise=0.1, seed=7, features=("x1", "x2", "x1x2"),
                     hidden=(5, 3), activations=("relu", "tanh"), optimizer="adam", lr=0.01,
                     batch=16, reg="l2", reg_rate=0.001, schedule="inverse_time", decay=0.01)
EPOCHS = 12


def _grid():
    return np.stack(np.meshgrid(np.linspace(-6, 6, 9), np.linspace(-6, 6, 9)), -1).reshape(-1, 2)


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
