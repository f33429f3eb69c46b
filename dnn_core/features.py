"""The seven input features of TensorFlow Playground, computed from the two coordinates.

`transform(X, names)`: X (n, 2) -> (n, len(names)), column j = FEATURES[names[j]].fn(X).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Feature:
    name: str                                  # registry key and URL value
    title: str                                 # display, e.g. "X₁²"
    fn: Callable[[np.ndarray], np.ndarray]     # X (n, 2) -> (n,)
    formula: str                               # LaTeX


FEATURES = {f.name: f for f in (
    Feature("x1", "X₁", lambda X: X[:, 0], r"x_1"),
    Feature("x2", "X₂", lambda X: X[:, 1], r"x_2"),
    Feature("x1sq", "X₁²", lambda X: X[:, 0] ** 2, r"x_1^2"),
    Feature("x2sq", "X₂²", lambda X: X[:, 1] ** 2, r"x_2^2"),
    Feature("x1x2", "X₁X₂", lambda X: X[:, 0] * X[:, 1], r"x_1 x_2"),
    Feature("sinx1", "sin(X₁)", lambda X: np.sin(X[:, 0]), r"\sin(x_1)"),
    Feature("sinx2", "sin(X₂)", lambda X: np.sin(X[:, 1]), r"\sin(x_2)"),
)}


def check_names(names):
    """Return `names` as a tuple; ValueError if it is empty or holds an unknown name."""
    names = (names,) if isinstance(names, str) else tuple(names)
    valid = ", ".join(FEATURES)
    if not names:
        raise ValueError(f"choose at least one feature; valid: {valid}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; valid: {valid}")
    return names


def transform(X, names):
    """Features of X (n, 2) as an (n, len(names)) float64 array, in the order of `names`."""
    names = check_names(names)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    out = np.empty((X.shape[0], len(names)))
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].fn(X)
    return out
