"""Save a trainer (config, data if not a toy set, weights, optimizer and history) to one file.

The file is a NumPy `.npz` archive read with `allow_pickle=False`: arrays and one JSON
header, nothing that executes. Loading rebuilds the run from its config (same seed, same
data) and then puts back the saved parameters, optimizer state, counters and random
streams, so predictions are bit-identical and training continues exactly as it would have.
"""
import io
import json
import zipfile
from dataclasses import asdict

import numpy as np

from .config import TrainConfig
from .data import Dataset
from .history import SCALARS

FORMAT = "dnn-playground-model"
VERSION = 1


def save(trainer, file=None):
    """Write `trainer` to `file` (a path or a binary file object); return the bytes when
    `file` is None."""
    header = {
        "format": FORMAT, "version": VERSION,
        "config": asdict(trainer.config),
        "epoch": trainer.epoch, "steps": trainer.steps, "cursor": trainer._cursor,
        "diverged": trainer.diverged, "message": trainer.message,
        "rng": {"shuffle": trainer._shuffle_rng.bit_generator.state,
                "dropout": trainer.dropout_rng.bit_generator.state},
        "custom_data": trainer.data is not None,
        "optimizer_scalars": {}, "optimizer_lists": {},
    }
    arrays = {f"param_{i}": p.value for i, p in enumerate(trainer.params)}
    if trainer._order is not None:
        arrays["order"] = trainer._order
    for key, value in trainer.optimizer.state_dict().items():
        if isinstance(value, (list, tuple)):
            header["optimizer_lists"][key] = len(value)
            for i, a in enumerate(value):
                arrays[f"opt_{key}_{i}"] = np.asarray(a)
        else:
            header["optimizer_scalars"][key] = value
    if trainer.data is not None:
        ds = trainer.data
        arrays["data_X"], arrays["data_y"] = ds.X, ds.y
        header["data"] = {"task": ds.task, "n_classes": ds.n_classes, "name": ds.name,
                          "classes": [str(c) if not isinstance(c, (int, float)) else c
                                      for c in ds.classes],
                          "source": getattr(ds, "source", "upload")}
    hist = trainer.history.arrays()
    for name in SCALARS:
        arrays[f"hist_{name}"] = hist[name]
    arrays["hist_grad_norm"] = hist["grad_norm"]
    arrays["hist_weight_norm"] = hist["weight_norm"]
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buf = io.BytesIO() if file is None else file
    np.savez_compressed(buf, **arrays)
    return buf.getvalue() if file is None else None


def load(source):
    """A `Trainer` from a path, a binary file object or bytes. A malformed, truncated or
    foreign file raises ValueError with a message that says what is wrong."""
    from .trainer import Trainer  # the trainer imports this module's siblings

    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        with np.load(source, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise ValueError(f"not a DNN Playground model file (could not read it: {exc})") from None
    if "header" not in arrays:
        raise ValueError("not a DNN Playground model file (no header inside)")
    try:
        header = json.loads(arrays["header"].tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not a DNN Playground model file (its header is not JSON)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not a DNN Playground model file (wrong format marker)")
    if header.get("version") != VERSION:
        raise ValueError(f"model file version {header.get('version')!r} is not supported "
                         f"(this engine reads version {VERSION})")
    try:
        return _restore(Trainer, header, arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"damaged DNN Playground model file: {exc}") from None


def _restore(Trainer, header, arrays):
    config = TrainConfig(**header["config"])
    data = None
    if header["custom_data"]:
        d = header["data"]
        data = Dataset(X=arrays["data_X"], y=arrays["data_y"], task=d["task"],
                       n_classes=d["n_classes"], name=d["name"], classes=tuple(d["classes"]),
                       source=d["source"])
    trainer = Trainer(config, data)
    if len(trainer.params) != sum(k.startswith("param_") for k in arrays):
        raise ValueError("its parameters do not match its network")
    for i, p in enumerate(trainer.params):
        saved = arrays[f"param_{i}"]
        if saved.shape != p.value.shape:
            raise ValueError(f"parameter {i} has shape {saved.shape}, expected {p.value.shape}")
        if not np.isfinite(saved).all():
            raise ValueError(f"parameter {i} holds non-finite values")
        np.copyto(p.value, saved)
    state = dict(header["optimizer_scalars"])
    for key, n in header["optimizer_lists"].items():
        state[key] = [arrays[f"opt_{key}_{i}"] for i in range(n)]
    trainer.optimizer.load_state_dict(state)
    trainer.epoch, trainer.steps = int(header["epoch"]), int(header["steps"])
    trainer._cursor = int(header["cursor"])
    trainer._order = arrays.get("order")
    trainer._shuffle_rng.bit_generator.state = header["rng"]["shuffle"]
    trainer.dropout_rng.bit_generator.state = header["rng"]["dropout"]
    trainer.diverged, trainer.message = bool(header["diverged"]), header["message"]
    trainer.history = type(trainer.history)(trainer.history.n_layers)
    for i in range(len(arrays["hist_epoch"])):
        row = {name: float(arrays[f"hist_{name}"][i]) for name in SCALARS}
        row["epoch"] = int(row["epoch"])
        row["grad_norm"] = arrays["hist_grad_norm"][i]
        row["weight_norm"] = arrays["hist_weight_norm"][i]
        trainer.history.append(row)
    return trainer
