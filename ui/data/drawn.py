"""Data you draw: click on the output map to add a point, remove the nearest one.

Pure functions from a Dataset (or None: an empty canvas) to a new Dataset; nothing is
changed in place, so the session can keep the previous data until the new one is in use.

    data = add_point(None, 1.5, -2.0, label=1)        # a fresh binary canvas
    data = add_point(trainer.dataset, 0.0, 0.0, 0)    # start from the toy data
    data = remove_nearest(data, 0.1, 0.0, radius=0.5)
"""
import numpy as np

from dnn_core.data import MAX_ROWS, MIN_ROWS, Dataset

NAME = "drawn points"


def _drawn(X, y, like):
    """A 'drawn' Dataset with the task and classes of `like`."""
    return Dataset(X, y, like.task, like.n_classes, NAME, like.classes, "drawn")


def empty_canvas(task="binary"):
    """No points yet: binary (classes 0 and 1) or regression."""
    if task == "regression":
        return Dataset(np.empty((0, 2)), np.empty(0), "regression", 1, NAME, (), "drawn")
    if task != "binary":
        raise ValueError(f"a drawing starts as binary or regression, not {task!r}")
    return Dataset(np.empty((0, 2)), np.empty(0, dtype=np.int64), "binary", 2, NAME, (0, 1),
                   "drawn")


def add_point(dataset, x, y, label):
    """`dataset` plus the point (x, y) with `label`: a class index 0..K-1 (classification)
    or a target value (regression). `dataset` None starts an empty binary canvas."""
    dataset = empty_canvas() if dataset is None else dataset
    if len(dataset.X) >= MAX_ROWS:
        raise ValueError(f"{len(dataset.X):,} points already: at most {MAX_ROWS:,}")
    point = np.array([[float(x), float(y)]])
    if not np.isfinite(point).all():
        raise ValueError(f"the point ({x}, {y}) is not finite")
    if dataset.task == "regression":
        value = np.array([float(label)])
    else:
        if not (isinstance(label, (int, np.integer)) and 0 <= label < dataset.n_classes):
            raise ValueError(f"class must be 0..{dataset.n_classes - 1}, got {label!r}")
        value = np.array([label], dtype=np.int64)
    return _drawn(np.vstack([dataset.X, point]), np.concatenate([dataset.y, value]), dataset)


def click_label(dataset, chosen, shift=False):
    """The label a click adds: `chosen` (a class index, or a regression target), or with
    shift the other class (the next one, for more than two) or the opposite target."""
    if dataset.task == "regression":
        return -float(chosen) if shift else float(chosen)
    chosen = min(max(int(chosen), 0), dataset.n_classes - 1)
    return (chosen + 1) % dataset.n_classes if shift else chosen


def remove_nearest(dataset, x, y, radius):
    """`dataset` without its point nearest to (x, y), if that point lies within `radius`
    (input-plane units); otherwise `dataset` itself, unchanged."""
    if len(dataset.X) == 0:
        return dataset
    dist = np.hypot(dataset.X[:, 0] - x, dataset.X[:, 1] - y)
    nearest = int(np.argmin(dist))
    if dist[nearest] > radius:
        return dataset
    keep = np.arange(len(dataset.X)) != nearest
    return _drawn(dataset.X[keep], dataset.y[keep], dataset)


def not_trainable_reason(dataset):
    """Why a network cannot learn from the drawing yet (a sentence), or None when it can:
    at least 4 points and, for a classifier, points of two classes."""
    n = len(dataset.X)
    if n < MIN_ROWS:
        return f"Add at least {MIN_ROWS} points ({n} so far)."
    if dataset.task != "regression" and len(np.unique(dataset.y)) < 2:
        return "Add points of a second class: a classifier needs at least two."
    if dataset.task == "regression" and np.ptp(dataset.y) == 0:
        return "Add points with a different value: all targets are the same."
    return None
