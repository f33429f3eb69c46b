"""Datasets as values: toy or your own (uploaded, drawn), the train/test split, standardization.

`from_arrays` checks user data cell by cell and raises ValueError with a message that
says what is wrong and where ("row 17, column 'x2': 'abc' is not a number"), so the UI
can show it as it is.
"""
from dataclasses import dataclass
import math

import numpy as np

from dnn_core import datasets

MIN_ROWS = 4
MAX_ROWS = 100_000
MAX_CLASSES = 10
TASKS = datasets.TASKS
SOURCES = ("toy", "upload", "drawn")


@dataclass(frozen=True, eq=False)
class Dataset:
    """One dataset, ready to split: points, labels or targets, and what they mean."""

    X: np.ndarray            # (n, 2) float64
    y: np.ndarray            # (n,) int64 labels 0..K-1, or (n,) float64 targets
    task: str                # "binary" | "multiclass" | "regression"
    n_classes: int           # K for classification, 1 for regression
    name: str
    classes: tuple = ()      # classes[k] is the original label of class k; () for regression
    source: str = "toy"      # "toy" | "upload" | "drawn"

    def __post_init__(self):
        if self.X.ndim != 2 or self.X.shape[1] != 2 or self.y.shape != (len(self.X),):
            raise ValueError(f"X must be (n, 2) and y (n,), got {self.X.shape} and {self.y.shape}")
        if self.task not in TASKS or self.source not in SOURCES:
            raise ValueError(f"task must be one of {TASKS} and source one of {SOURCES}")
        if len(self.classes) != (0 if self.task == "regression" else self.n_classes):
            raise ValueError(f"{self.n_classes} classes but classes={self.classes!r}")


def make_dataset(name, n, noise, rng):
    """The registry's dataset `name` (see datasets.DATASETS) as a Dataset; a real one's
    classes are its species names."""
    info = datasets.get_info(name)
    X, y = datasets.make(name, n, noise, rng)
    classes = () if info.task == "regression" else info.classes or tuple(range(info.n_classes))
    return Dataset(X, y, info.task, info.n_classes, name, classes, "toy")


def train_test_split(X, y, train_frac, rng):
    """One permutation, then a slice: the first round(train_frac n) rows train, the rest test.

    With n >= 2 each part keeps at least one row. Returns X_train, y_train, X_test, y_test.
    """
    if not 0.0 < train_frac < 1.0:
        raise ValueError(f"train_frac must be strictly between 0 and 1, got {train_frac!r}")
    n = len(X)
    n_train = min(max(math.floor(train_frac * n + 0.5), 1), max(n - 1, 1))
    order = rng.permutation(n)
    train, test = order[:n_train], order[n_train:]
    return X[train], y[train], X[test], y[test]


class Standardizer:
    """x' = (x - mean) / std per column, mean and std fitted on the training rows only.

    A constant column (std 0) gets std 1, so it maps to 0 instead of dividing by zero.
    Works on X (n, d) and on targets (n,).
    """

    def __init__(self, mean=None, std=None):
        self.mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.std = None if std is None else np.asarray(std, dtype=np.float64)

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.mean = X.mean(axis=0)
        std = X.std(axis=0)
        self.std = np.where(std > 1e-12 * (1.0 + np.abs(self.mean)), std, 1.0)
        return self

    def transform(self, X):
        if self.mean is None:
            raise ValueError("Standardizer.transform called before fit")
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.std

    def to_dict(self):
        return {"mean": np.asarray(self.mean).tolist(), "std": np.asarray(self.std).tolist()}

    @classmethod
    def from_dict(cls, d):
        return cls(d["mean"], d["std"])


def input_domain(X):
    """(x0, x1, y0, y1): the plane the UI draws the output over.

    DOMAIN x DOMAIN (TF Playground's [-6, 6]^2) when every point lies inside it and the
    data spans at least a quarter of it on each axis; otherwise each axis is the data's
    range padded by 10 % (uploaded data may be in any units, each axis in its own).
    """
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0), X.max(axis=0)
    d0, d1 = datasets.DOMAIN
    if lo.min() >= d0 and hi.max() <= d1 and (hi - lo).min() >= (d1 - d0) / 4:
        return (d0, d1, d0, d1)
    span = hi - lo
    pad = np.where(span > 0, 0.1 * span, np.maximum(1.0, 0.1 * np.abs(lo)))
    (x0, y0), (x1, y1) = lo - pad, hi + pad
    return (float(x0), float(x1), float(y0), float(y1))


# ---- reading user data -------------------------------------------------------------

def _clip(text, width=30):
    return text if len(text) <= width else text[:width - 3] + "..."


def _show(label):
    """A label as the user wrote it: 1 (not 1.0), 0.5, 'cat'."""
    if isinstance(label, str):
        return f"'{_clip(label)}'"
    label = float(label)
    return str(int(label)) if label.is_integer() else repr(label)


def _number(cell):
    """The cell as a float (NaN when missing, inf when infinite), or None if it is not a number."""
    if cell is None or type(cell).__name__ in ("NAType", "NaTType"):
        return math.nan
    if isinstance(cell, str):
        cell = cell.strip()
        if not cell:
            return math.nan
    try:
        return float(cell)
    except (TypeError, ValueError):
        return None
    except OverflowError:
        return math.inf


def _problem(cell, value):
    """Why a parsed cell is unusable, or None."""
    if value is None:
        text = str(cell).strip()
        hint = " (use a dot for decimals)" if _number(text.replace(",", ".")) is not None else ""
        return f"'{_clip(text)}' is not a number{hint}"
    if math.isnan(value):
        is_nan = isinstance(cell, (float, np.floating)) or str(cell).strip().lower() == "nan"
        return "missing value (NaN)" if is_nan else "missing value (empty cell)"
    if math.isinf(value):
        return "infinity is not allowed"
    return None


def _read_column(cells, text_allowed=False):
    """(values, text, first_problem) for one column of n cells.

    values: (n,) float64, NaN where a cell is not a number; text: (n,) str when
    text_allowed and some cell is not a number (then the column holds names), else None;
    first_problem: (row index, message) of the first unusable cell, or None.
    """
    if cells.dtype.kind in "biuf":
        values = cells.astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad) == 0:
            return values, None, None
        value = float(values[bad[0]])
        return values, None, (int(bad[0]), _problem(value, value))
    parsed = [_number(cell) for cell in cells]
    is_text = text_allowed and any(v is None for v in parsed)
    values = np.array([math.nan if v is None else v for v in parsed], dtype=np.float64)
    bad = (i for i, v in enumerate(parsed) if (v is None and not is_text)
           or (v is not None and not math.isfinite(v)))
    i = next(bad, None)
    first = None if i is None else (i, _problem(cells[i], parsed[i]))
    text = np.array([str(cell).strip() for cell in cells]) if is_text else None
    return values, text, first


def _count_columns(X, columns):
    """Check there are exactly two feature columns (the label is the third)."""
    n_columns = X.shape[1] + 1
    if n_columns != 3:
        names = ""
        if len(columns) == n_columns:
            shown = [str(c) for c in columns[:8]] + (["..."] if n_columns > 8 else [])
            names = f" ({', '.join(shown)})"
        plural = "column" if n_columns == 1 else "columns"
        raise ValueError(f"expected 2 feature columns and a label, got {n_columns} {plural}{names}")
    if len(columns) != 3:
        raise ValueError(f"columns must name x1, x2 and the label, got {tuple(columns)!r}")


def _count_rows(n):
    if n < MIN_ROWS:
        raise ValueError(f"{n:,} row{'' if n == 1 else 's'}: at least {MIN_ROWS} are needed")
    if n > MAX_ROWS:
        raise ValueError(f"{n:,} rows: at most {MAX_ROWS:,} are allowed")


def _choose_task(values, text, task, first_row):
    """The task of a clean label column: `task` when it is possible, else inferred."""
    if task not in (None, *TASKS):
        raise ValueError(f"unknown task {task!r}; valid: {', '.join(TASKS)}")
    distinct = np.unique(values if text is None else text)
    shown, k = [_show(v) for v in distinct], len(distinct)
    integer = text is None and bool(np.all(values == np.round(values)))
    if k == 1 and task == "regression":
        raise ValueError(f"all labels are {shown[0]}: "
                         "a regression needs at least two different values")
    if k == 1:
        raise ValueError(f"only one class (label {shown[0]}): a classifier needs at least two")
    if task is None:
        classify = k == 2 or text is not None or (integer and k <= MAX_CLASSES)
        task = ("binary" if k == 2 else "multiclass") if classify else "regression"
    if task == "binary" and k != 2:
        listed = ", ".join(shown[:6] + (["..."] if k > 6 else []))
        raise ValueError(f"binary needs exactly 2 distinct labels, got {k:,} ({listed})")
    if task == "multiclass" and text is None and not integer:
        i = int(np.flatnonzero(values != np.round(values))[0])
        raise ValueError(f"multiclass needs integer labels; "
                         f"row {first_row + i} has {_show(values[i])}")
    if task == "multiclass" and k > MAX_CLASSES:
        why = ", and text labels cannot be a regression target" if text is not None else ""
        raise ValueError(f"{k:,} distinct labels: "
                         f"a classifier handles at most {MAX_CLASSES} classes{why}")
    if task == "regression" and text is not None:
        i = int(np.flatnonzero(np.isnan(values))[0])
        raise ValueError(f"regression needs numeric labels; "
                         f"row {first_row + i} has {_show(text[i])}")
    return task


# Beyond this size a value's square overflows float64 on the way to the standardizer's std
# (1e300 gave inf, so the network saw zeros): such data is refused with its row and column.
MAX_MAGNITUDE = 1e100


def _too_large(columns_values, columns, first_row):
    for j, values in columns_values:
        big = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
        if len(big):
            i = int(big[0])
            raise ValueError(f"row {first_row + i}, column '{columns[j]}': {values[i]:g} is too "
                             f"large to train on (at most {MAX_MAGNITUDE:g} in size); rescale "
                             "the column, e.g. to other units")


def from_arrays(X, y, task=None, columns=("x1", "x2", "label"), first_row=1, *,
                name="your data", source="upload"):
    """Check user data and return it as a Dataset; ValueError saying what is wrong and where.

    X: (n, 2) features, y: (n,) labels, both possibly object arrays straight from pandas
    (strings, None, NaN, inf). columns: the file's column names (for messages); first_row:
    the number shown for row 0 (the file line of the first data row).
    Task when None: 2 distinct labels -> binary (0/1 in sorted order), integer labels with
    3..10 values or text labels -> multiclass (0..K-1), other numbers -> regression.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"X must be (n, features) and y (n,), got {X.shape} and {y.shape}")
    _count_columns(X, columns)
    _count_rows(len(X))
    x1, _, problem1 = _read_column(X[:, 0])
    x2, _, problem2 = _read_column(X[:, 1])
    labels, text, problem3 = _read_column(y, text_allowed=True)
    problems = [(p[0], j, p[1]) for j, p in enumerate((problem1, problem2, problem3)) if p]
    if problems:
        i, j, message = min(problems)
        raise ValueError(f"row {first_row + i}, column '{columns[j]}': {message}")
    task = _choose_task(labels, text, task, first_row)
    _too_large([(0, x1), (1, x2)] + ([(2, labels)] if task == "regression" else []), columns,
               first_row)
    X = np.column_stack([x1, x2])
    if task == "regression":
        return Dataset(X, labels, task, 1, name, (), source)
    distinct, codes = np.unique(labels if text is None else text, return_inverse=True)
    classes = tuple(str(v) if text is not None else int(v) if v.is_integer() else float(v)
                    for v in distinct)
    return Dataset(X, codes.astype(np.int64), task, len(distinct), name, classes, source)
