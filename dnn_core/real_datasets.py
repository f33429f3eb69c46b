"""Real 2-D datasets, read from the CSV files shipped in `dnn_core/data_files` (provenance
and licences in data_files/SOURCE.md; nothing is downloaded).

`load(name) -> (X, y)`: every row that has both features, X (m, 2) in the file's units,
y (m,) int64 codes of `SOURCES[name].classes`, in file order.

`make(name, n, noise, rng) -> (X, y)`: the toy datasets' contract (see `datasets`):
    scale:  each feature is mapped linearly so that its range [min, max] spans
            [-SPAN, SPAN] = [-5, 5], inside the playground's square. The Trainer
            standardizes the inputs, and standardizing a column undoes any such map, so
            the network sees the same numbers as for the raw measurements.
    n:      a real set has m rows: min(n, m) of them, drawn without replacement with `rng`
            (n >= m: all m rows, shuffled). Nothing is invented.
    noise:  Gaussian jitter N(0, (noise * sd_j)^2) added to feature j (sd_j its standard
            deviation after the map), clipped to [-limit, limit] (the registry's box):
            0 shows the measurements as they are; 0.5 blurs the species into each other.
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

SPAN = 5.0


@dataclass(frozen=True)
class RealSource:
    """Where a real dataset's two features and its label live in its CSV file."""

    file: str
    columns: tuple       # (x1 column, x2 column, label column) as named in the header
    features: tuple      # what x1 and x2 measure, with units, for axis titles
    classes: tuple       # label values in class-code order (code k = classes[k])


SOURCES = {
    "penguins": RealSource("penguins.csv", ("bill_length_mm", "bill_depth_mm", "species"),
                           ("bill length (mm)", "bill depth (mm)"),
                           ("Adelie", "Chinstrap", "Gentoo")),
    "iris": RealSource("iris.csv", ("petal_length_cm", "petal_width_cm", "species"),
                       ("petal length (cm)", "petal width (cm)"),
                       ("setosa", "versicolor", "virginica")),
}


@lru_cache(maxsize=None)
def _read(name):
    """(X, y) read-only, parsed once per process: the file never changes."""
    source = SOURCES[name]
    text = resources.files(__package__).joinpath("data_files", source.file).read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    x1, x2, label = source.columns
    points, codes = [], []
    for row in rows:
        if "NA" in (row[x1], row[x2]):
            continue
        points.append((float(row[x1]), float(row[x2])))
        codes.append(source.classes.index(row[label]))
    X, y = np.array(points, dtype=np.float64), np.array(codes, dtype=np.int64)
    X.flags.writeable = y.flags.writeable = False
    return X, y


def load(name):
    """Every complete row of dataset `name`: X (m, 2) in the file's units, y (m,) int64."""
    X, y = _read(name)
    return X.copy(), y.copy()


def size(name):
    """m, the number of complete rows."""
    return len(_read(name)[1])


def make(name, n, noise, rng, limit):
    """min(n, m) rows mapped into [-SPAN, SPAN]^2, jittered by `noise` (see the module)."""
    X, y = _read(name)
    lo, hi = X.min(axis=0), X.max(axis=0)
    scaled = (X - lo) / (hi - lo) * (2 * SPAN) - SPAN
    rows = rng.permutation(len(X))[:min(n, len(X))]
    X, y = scaled[rows], y[rows]
    if noise > 0:
        X = np.clip(X + rng.normal(0.0, 1.0, X.shape) * (noise * scaled.std(axis=0)),
                    -limit, limit)
    return X, y.copy()
