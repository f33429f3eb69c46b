"""Save a trainer (config, data if not a toy set, and its whole state) to one file.

The file is a NumPy `.npz` archive read with `allow_pickle=False`: arrays and one JSON
header, nothing that executes. The header holds the config, the data's description and
`Trainer.state_dict()` with each array replaced by {"array": name} of an archive member.
Loading rebuilds the run from its config (same seed, same data) and then hands the state to
`Trainer.load_state_dict`, so predictions are bit-identical, training continues exactly as
it would have, and the recorded run (keyframes) comes back. Version 1 files (before the
record) still load, with a record that starts at their epoch.
"""
import io
import json
import zipfile
from dataclasses import asdict

import numpy as np

from .config import TrainConfig
from .data import Dataset
from .history import SCALARS
from .recorder import Keyframe, Recorder, flatten

FORMAT = "dnn-playground-model"
VERSION = 2
READS = (1, 2)


def save(trainer, file=None):
    """Write `trainer` to `file` (a path or a binary file object); return the bytes when
    `file` is None."""
    arrays = {}
    header = {"format": FORMAT, "version": VERSION, "config": asdict(trainer.config),
              "custom_data": trainer.data is not None,
              "state": _pack(trainer.state_dict(), "state", arrays)}
    if trainer.data is not None:
        ds = trainer.data
        arrays["data_X"], arrays["data_y"] = ds.X, ds.y
        header["data"] = {"task": ds.task, "n_classes": ds.n_classes, "name": ds.name,
                          "classes": [str(c) if not isinstance(c, (int, float)) else c
                                      for c in ds.classes],
                          "source": getattr(ds, "source", "upload")}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buf = io.BytesIO() if file is None else file
    np.savez_compressed(buf, **arrays)
    return buf.getvalue() if file is None else None


def _pack(value, name, arrays):
    """`value` as JSON: each array goes to `arrays[name]`, replaced by {"array": name}."""
    if isinstance(value, np.ndarray):
        arrays[name] = value
        return {"array": name}
    if isinstance(value, dict):
        return {k: _pack(v, f"{name}.{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_pack(v, f"{name}.{i}", arrays) for i, v in enumerate(value)]
    return value.item() if isinstance(value, np.generic) else value


def _unpack(value, arrays):
    if isinstance(value, dict):
        if set(value) == {"array"}:
            return arrays[value["array"]]
        return {k: _unpack(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpack(v, arrays) for v in value]
    return value


def load(source):
    """A `Trainer` from a path, a binary file object or bytes. A malformed, truncated or
    foreign file raises ValueError with a message that says what is wrong."""
    from .trainer import Trainer  # the trainer imports this module's siblings

    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        with np.load(source, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, AttributeError):
        raise ValueError("not a DNN Playground model file (could not read it: it is not a "
                         ".npz archive, or it is damaged or truncated)") from None
    if "header" not in arrays:
        raise ValueError("not a DNN Playground model file (no header inside)")
    try:
        header = json.loads(arrays["header"].tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not a DNN Playground model file (its header is not JSON)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not a DNN Playground model file (wrong format marker)")
    if header.get("version") not in READS:
        raise ValueError(f"model file version {header.get('version')!r} is not supported "
                         f"(this engine reads versions {', '.join(map(str, READS))})")
    try:
        return _restore(Trainer, header, arrays)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
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
    if header["version"] == 1:
        _restore_v1(trainer, header, arrays)
    else:
        trainer.load_state_dict(_unpack(header["state"], arrays))
    return trainer


def _restore_v1(trainer, header, arrays):
    """A version 1 file: parameters, optimizer, counters, streams and history rows; the
    record starts afresh at the saved epoch."""
    n = sum(k.startswith("param_") for k in arrays)
    state = trainer.state_dict()
    optimizer = dict(header["optimizer_scalars"])
    for key, count in header["optimizer_lists"].items():
        optimizer[key] = [arrays[f"opt_{key}_{i}"] for i in range(count)]
    history = type(trainer.history)(trainer.history.n_layers)
    for i in range(len(arrays["hist_epoch"])):
        row = {name: float(arrays[f"hist_{name}"][i]) for name in SCALARS}
        row["epoch"] = int(row["epoch"])
        row["grad_norm"] = arrays["hist_grad_norm"][i].tolist()
        row["weight_norm"] = arrays["hist_weight_norm"][i].tolist()
        history.append(row)
    divergence = dict(state["divergence"])
    if header["diverged"]:
        divergence["cause"] = {"what": "it had diverged before it was saved",
                               "lr": trainer.config.lr, "lr_setting": trainer.config.lr}
    params = [arrays[f"param_{i}"] for i in range(n)]
    record = Recorder(trainer.record.n_params)
    record.load_state_dict(state["record"])   # epoch 0: the same seed's initial weights
    if header["epoch"] > 0:
        record.add(Keyframe(header["epoch"], header["steps"], flatten(params),
                            flatten(state["grads"], np.float32), None, header["rng"], 0,
                            history.last))
    state.update(params=params, optimizer=optimizer, epoch=header["epoch"],
                 steps=header["steps"], cursor=header["cursor"], order=arrays.get("order"),
                 rng=header["rng"], divergence=divergence, history=history.state_dict(),
                 record=record.state_dict())
    trainer.load_state_dict(state)
