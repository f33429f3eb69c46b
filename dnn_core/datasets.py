"""Toy 2-D datasets: TensorFlow Playground's six, plus moons, flower and two 3-class sets.

`make(name, n, noise, rng) -> (X, y)`:
    X: (n, 2) float64, every point inside [-LIMIT, LIMIT]^2 (LIMIT = 5.5), drawn in the
       input square DOMAIN = [-6, 6]^2.
    y: (n,) int64 labels 0..K-1 (classification) or (n,) float64 targets in [-1, 1]
       (regression).
noise: 0..0.5 (TF Playground's 0-50 % slider / 100). Generating classes get n // K points
each, the remainder going to the first classes; the rows come back shuffled. All
randomness comes from `rng`, so the same seed gives the same arrays.

Binary labels: 1 is TF Playground's positive (blue) class: inside the circle, x*y > 0,
the blob at (2, 2), the spiral arm that starts at angle 0.
Circle and xor follow TF Playground: the label is computed on a noise-shifted copy of
the point, so with noise > 0 some labels flip and the class counts are no longer exact.
Gaussian noise is conditioned on the box: a point drawn outside it is drawn again.
"""
from dataclasses import dataclass
import math

import numpy as np

DOMAIN = (-6.0, 6.0)
LIMIT = 5.5
TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    task: str          # "binary" | "multiclass" | "regression"
    n_classes: int     # 2, K, or 1 for regression
    default_n: int
    description: str


def _class_sizes(n, k):
    """n // k points per class, the remainder given to the first classes."""
    return [n // k + (c < n % k) for c in range(k)]


def _sample_classes(draw, sizes):
    """Class c gets sizes[c] points from `draw(c, m) -> (m, 2)`, redrawing any outside the box."""
    parts = []
    for c, k in enumerate(sizes):
        P = draw(c, k)
        outside = np.abs(P).max(axis=1) > LIMIT
        while outside.any():
            P[outside] = draw(c, int(outside.sum()))
            outside = np.abs(P).max(axis=1) > LIMIT
        parts.append(P)
    return np.vstack(parts), np.repeat(np.arange(len(sizes)), sizes)


def _polar(r, t):
    """Points (r sin t, r cos t), TF Playground's angle convention; shape (len(r), 2)."""
    return np.column_stack([r * np.sin(t), r * np.cos(t)])


def _blob_variance(noise):
    """TF Playground's Gaussian: noise 0 -> variance 0.5, noise 0.5 -> variance 4."""
    return 0.5 + noise * (4.0 - 0.5) / 0.5


def _circle(sizes, noise, rng):
    """Class 1: r ~ U(0, 2.5), class 0: r ~ U(3.5, 5); label = |p + U(-5, 5) noise| < 2.5."""
    inside = _polar(rng.uniform(0, 2.5, sizes[1]), rng.uniform(0, 2 * np.pi, sizes[1]))
    outside = _polar(rng.uniform(3.5, 5, sizes[0]), rng.uniform(0, 2 * np.pi, sizes[0]))
    X = np.vstack([outside, inside])
    shifted = X + rng.uniform(-5, 5, X.shape) * noise
    return X, (np.hypot(shifted[:, 0], shifted[:, 1]) < 2.5).astype(np.int64)


def _xor(sizes, noise, rng):
    """|x1|, |x2| ~ U(0.3, 5.3), same signs for class 1; label = x1 x2 >= 0 after the shift."""
    parts = []
    for label, k in enumerate(sizes):
        sign_x = rng.choice([-1.0, 1.0], k)
        sign_y = sign_x if label == 1 else -sign_x
        parts.append(np.column_stack([sign_x, sign_y]) * (rng.uniform(0, 5, (k, 2)) + 0.3))
    X = np.vstack(parts)
    shifted = X + rng.uniform(-5, 5, X.shape) * noise
    return X, (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)


def _gaussian_blobs(centers, sizes, noise, rng):
    """Class c ~ N(centers[c], variance I), variance 0.5..4 as noise goes 0..0.5."""
    std = math.sqrt(_blob_variance(noise))
    return _sample_classes(lambda c, m: centers[c] + rng.normal(0, std, (m, 2)), sizes)


def _gauss(sizes, noise, rng):
    return _gaussian_blobs(np.array([(-2.0, -2.0), (2.0, 2.0)]), sizes, noise, rng)


def _blobs3(sizes, noise, rng):
    angles = np.pi / 2 + 2 * np.pi / 3 * np.arange(3)
    return _gaussian_blobs(3.0 * np.column_stack([np.cos(angles), np.sin(angles)]),
                           sizes, noise, rng)


def _arms(sizes, turns, noise, rng):
    """Arm c: r = 5 i/k, t = 2 pi turns i/k + 2 pi c/K, jittered by U(-noise, noise)."""
    parts = []
    for c, k in enumerate(sizes):
        frac = np.arange(k) / max(k, 1)
        t = 2 * np.pi * (turns * frac + c / len(sizes))
        parts.append(_polar(5 * frac, t) + rng.uniform(-1, 1, (k, 2)) * noise)
    return np.vstack(parts), np.repeat(np.arange(len(sizes)), sizes)


def _spiral(sizes, noise, rng):
    X, y = _arms(sizes, 1.75, noise, rng)
    return X, 1 - y      # label 1 is the arm starting at angle 0


def _spiral3(sizes, noise, rng):
    return _arms(sizes, 1.25, noise, rng)     # same gap between arms as the 2-arm spiral


def _moons(sizes, noise, rng):
    """Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t); t ~ U(0, pi); scaled 3.3."""
    def draw(c, m):
        t = rng.uniform(0, np.pi, m)
        arc = np.column_stack([np.cos(t), np.sin(t)])
        if c == 1:
            arc = (1.0, 0.5) - arc
        return 3.3 * (arc - (0.5, 0.25)) + rng.normal(0, 2 * noise, (m, 2))
    return _sample_classes(draw, sizes)


def _flower(sizes, noise, rng):
    """Class c: t ~ U(c pi, (c+1) pi) + N(0, noise), r = 4 sin 4t + N(0, noise); scaled 1.25.

    Noise 0.2 is the course's flower (which jitters t and r by N(0, 0.2))."""
    def draw(c, m):
        t = rng.uniform(c * np.pi, (c + 1) * np.pi, m) + rng.normal(0, noise, m)
        return 1.25 * _polar(4 * np.sin(4 * t) + rng.normal(0, noise, m), t)
    return _sample_classes(draw, sizes)


_PLANE_BOX = 5.0


def _plane(n, noise, rng):
    """y = (x1 + x2) / 10 at the noise-shifted point, clipped to [-1, 1]."""
    X = rng.uniform(-_PLANE_BOX, _PLANE_BOX, (n, 2))
    shifted = X + rng.uniform(-_PLANE_BOX, _PLANE_BOX, X.shape) * noise
    return X, np.clip(shifted.sum(axis=1) / 10, -1.0, 1.0)


_BUMPS = np.array([(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                   (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)], dtype=float)


def _multigauss(n, noise, rng):
    """y = sum_k s_k exp(-|p - c_k|^2 / 2) at the noise-shifted point p, clipped to [-1, 1]."""
    X = rng.uniform(-_PLANE_BOX, _PLANE_BOX, (n, 2))
    shifted = X + rng.uniform(-_PLANE_BOX, _PLANE_BOX, X.shape) * noise
    sq_dist = ((shifted[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)
    return X, np.clip(np.exp(-sq_dist / 2) @ _BUMPS[:, 2], -1.0, 1.0)


def _info(name, title, task, n_classes, default_n, description):
    return name, DatasetInfo(name, title, task, n_classes, default_n, description)


DATASETS = dict([
    _info("circle", "Circle", "binary", 2, 500,
          "A disc of radius 2.5 inside a ring from 3.5 to 5."),
    _info("xor", "Exclusive or", "binary", 2, 500,
          "The four quadrants: class 1 where x1 and x2 have the same sign."),
    _info("gauss", "Gaussian", "binary", 2, 500,
          "Two Gaussian blobs at (2, 2) and (-2, -2); noise widens them."),
    _info("spiral", "Spiral", "binary", 2, 500,
          "Two interleaved spiral arms of 1.75 turns."),
    _info("plane", "Plane", "regression", 1, 1200,
          "A tilted plane: target (x1 + x2) / 10."),
    _info("multigauss", "Multi Gaussian", "regression", 1, 1200,
          "Six Gaussian bumps, alternately up and down, on a 3 x 2 grid."),
    _info("moons", "Moons", "binary", 2, 500,
          "Two interleaving half circles."),
    _info("flower", "Flower", "binary", 2, 400,
          "The course's planar flower: petals r = 4 sin 4t, alternating classes."),
    _info("blobs3", "Three blobs", "multiclass", 3, 600,
          "Three Gaussian blobs on a circle of radius 3."),
    _info("spiral3", "Three-arm spiral", "multiclass", 3, 600,
          "Three interleaved spiral arms of 1.25 turns."),
])

_CLASSIFIERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
                "moons": _moons, "flower": _flower, "blobs3": _blobs3, "spiral3": _spiral3}
_REGRESSIONS = {"plane": _plane, "multigauss": _multigauss}


def get_info(name):
    """The DatasetInfo for `name`; ValueError naming the valid datasets."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid: {', '.join(DATASETS)}")
    return DATASETS[name]


def make(name, n, noise, rng):
    """Draw dataset `name`: X (n, 2) float64 and y (n,) (int64 labels or float64 targets)."""
    info = get_info(name)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise must be in [0, 0.5], got {noise!r}")
    if info.task == "regression":
        X, y = _REGRESSIONS[name](int(n), float(noise), rng)
    else:
        X, y = _CLASSIFIERS[name](_class_sizes(int(n), info.n_classes), float(noise), rng)
        y = y.astype(np.int64)
    order = rng.permutation(len(X))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order]
