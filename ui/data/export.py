"""Take the run with you: the model file, a Python script that redoes the run, the history.

    model_bytes(trainer) / load_model(data)      # the engine's .npz format, both ways
    standalone_script(config, epochs, data)      # NumPy alone -> the app's losses (see script)
    history_csv(trainer)                         # one row per recorded epoch
    data_csv(dataset)                            # your data, exactly, as CSV
"""
import io

import numpy as np
import pandas as pd

from dnn_core import serialize
from dnn_core.history import SCALARS
from ui import state
from ui.data import script

MODEL_FILE = "dnn_playground_model.npz"
SCRIPT_FILE = "dnn_playground_run.py"
DATA_FILE = "dnn_playground_data.csv"
HISTORY_FILE = "dnn_playground_history.csv"


def result_line(trainer):
    """The line the generated script prints for the trainer's current epoch (losses as
    exact float reprs)."""
    last = trainer.history.last
    return script.RESULT_LINE.format(epoch=trainer.epoch, train=float(last["train_loss"]),
                                     test=float(last["test_loss"]))


def model_bytes(trainer):
    """The trainer (settings, data if your own, weights, optimizer, history) as .npz bytes."""
    return serialize.save(trainer)


def load_model(data):
    """A Trainer from uploaded model bytes; ValueError with the loader's message."""
    if not data:
        raise ValueError("the file is empty")
    return serialize.load(bytes(data))


def session_values(config, values, task):
    """The schema values that give `config` back (`values` for the settings that shape no
    run); ValueError naming the settings the controls cannot hold."""
    return state.config_values(config, values, task)


def data_csv(dataset):
    """`dataset` as CSV bytes with a header x1,x2,label: every float written exactly
    (repr), labels as the user gave them, so reading it back gives the same Dataset."""
    labels = (dataset.y if dataset.task == "regression"
              else [dataset.classes[k] for k in dataset.y])
    table = pd.DataFrame({"x1": dataset.X[:, 0], "x2": dataset.X[:, 1], "label": labels})
    return table.to_csv(index=False).encode()


def history_csv(trainer):
    """The recorded epochs as CSV bytes: losses, metric (accuracy or r2), learning rate and
    each Dense layer's gradient and weight norm."""
    hist = trainer.history.arrays()
    metric = "r2" if trainer.task == "regression" else "accuracy"
    table = pd.DataFrame({name: hist[name] for name in SCALARS})
    table["epoch"] = table["epoch"].astype(np.int64)
    table = table.rename(columns={"train_metric": f"train_{metric}",
                                  "test_metric": f"test_{metric}"})
    for kind in ("grad_norm", "weight_norm"):
        for layer in range(hist[kind].shape[1]):
            table[f"{kind}_layer{layer + 1}"] = hist[kind][:, layer]
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def standalone_script(config, epochs, dataset=None):
    """A Python script that needs NumPy alone and retrains this run for `epochs` epochs,
    printing the app's losses digit for digit (`dataset`: your own data, embedded)."""
    return script.standalone_script(config, epochs, dataset)
