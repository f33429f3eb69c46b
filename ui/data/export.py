"""Take the run with you: the model file, a Python script that redoes the run, the history.

    model_bytes(trainer) / load_model(data)      # the engine's .npz format, both ways
    standalone_script(config, epochs)            # python run.py -> the same final loss
    history_csv(trainer)                         # one row per recorded epoch
    data_csv(dataset)                            # your data, exactly, for the script or a link
"""
import io
from dataclasses import fields

import numpy as np
import pandas as pd

from dnn_core import serialize
from dnn_core.config import TrainConfig
from dnn_core.history import SCALARS
from ui import state

MODEL_FILE = "dnn_playground_model.npz"
SCRIPT_FILE = "dnn_playground_run.py"
DATA_FILE = "dnn_playground_data.csv"
HISTORY_FILE = "dnn_playground_history.csv"
# The script's last line; the test compares it with the app's run character for character.
RESULT_LINE = "epoch {epoch}: train loss {train!r}, test loss {test!r}"


def result_line(trainer):
    """The line the generated script prints at the end (losses as exact float reprs)."""
    last = trainer.history.last
    return RESULT_LINE.format(epoch=trainer.epoch, train=float(last["train_loss"]),
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


def _config_lines(config):
    return "\n".join(f"    {f.name}={getattr(config, f.name)!r}," for f in fields(TrainConfig))


_DATA_BLOCK = '''
# Your own data, downloaded from the app: x1, x2, label after a header line.
DATA_FILE = "{data_file}"   # in the folder you run this from, or give its full path
with open(DATA_FILE, newline="", encoding="utf-8") as file:
    rows = list(csv.reader(file))[1:]
cells = np.array(rows, dtype=object)
data = from_arrays(cells[:, :2], cells[:, 2], task="{task}", name="your data")
'''


def standalone_script(config, epochs, dataset=None):
    """A runnable Python script that rebuilds this run with dnn_core and trains it for
    `epochs` epochs: same config, same seed, so the same weights and the same final loss.
    With `dataset` (uploaded or drawn data) the script reads DATA_FILE (see `data_csv`)."""
    imports = ["from dnn_core.config import TrainConfig", "from dnn_core.trainer import Trainer"]
    data_block, data_arg = "\ndata = None  # the toy dataset named in the config\n", "data"
    if dataset is not None:
        imports = ["import csv", "", "import numpy as np", "",
                   "from dnn_core.data import from_arrays", *imports]
        data_block = _DATA_BLOCK.format(data_file=DATA_FILE, task=dataset.task)
    return f'''"""DNN Playground run, rebuilt with dnn_core: same settings, same seed, same result.

Run it where `import dnn_core` works (the DNN Playground folder, or with that folder on
PYTHONPATH):  python {SCRIPT_FILE}
In a notebook, `%run {SCRIPT_FILE}` leaves `trainer` to explore: trainer.model.layers,
trainer.history.arrays(), trainer.predict_proba(points), trainer.run_epochs(100) ...
"""
{chr(10).join(imports)}

config = TrainConfig(
{_config_lines(config)}
)
{data_block}
trainer = Trainer(config, data={data_arg})
trainer.run_epochs({int(epochs)})
if trainer.diverged:
    print(trainer.message)
last = trainer.history.last
print(f"epoch {{trainer.epoch}}: train loss {{float(last['train_loss'])!r}}, "
      f"test loss {{float(last['test_loss'])!r}}")
'''
