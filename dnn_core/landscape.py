"""The loss landscape: the training loss over a plane through the current weights.

    land = loss_landscape(trainer, "pca")                   # the plane of the recorded path
    land = loss_landscape(trainer, "random", rng=np.random.default_rng(0))
    land.loss (res, res): row j is beta[j], column i is alpha[i]; land.path (k, 2)

L(a, b) = J(theta + a d1 + b d2), theta the current weights (all parameters, raveled in
`model.parameters()` order). J is the run's own training objective on the whole training
set with dropout off: its loss (BCE, cross-entropy or MSE, as trained) plus the
regularization penalty, the quantity the optimizer descends and the history's
"train_loss"; `penalty=False` leaves the penalty out. Directions (Li et al., "Visualizing
the Loss Landscape of Neural Nets", NeurIPS 2018):
- "random": Gaussian, filter-normalized: each row of each W (one neuron's incoming
  weights) is scaled to the norm of that row of the current W; biases do not move (their
  direction is 0), as in the paper. a = 1 moves every neuron by its own weights' norm.
- "pca": from the recorded path theta_0 .. theta_k (the keyframes, then the current
  weights): d1 is the unit vector from the current weights to the start, d2 the unit
  principal direction of the path's remaining spread, orthogonal to d1. The start and the
  current point lie in the plane exactly; `explained` is the share of the path's squared
  distance from theta that the plane holds. a, b are distances in parameter space.
Batched: the parameter sets of many grid points are stacked, one matmul per layer per chunk.
"""
from dataclasses import dataclass

import numpy as np

from .layers import Dense, Dropout
from .losses import get_loss
from .recorder import flatten
from .regularization import get_regularizer

CHUNK_ELEMENTS = 2**21     # activations (points x rows x widest layer) per chunk
PATH_MARGIN = 1.25         # the pca grid reaches this far beyond the path


@dataclass(frozen=True)
class Landscape:
    """alpha (A,), beta (B,), loss (B, A); path (k, 2) the (a, b) of the path's points
    (keyframes, the current point last), `epochs` (k,) theirs; d1, d2 (P,)."""

    alpha: np.ndarray
    beta: np.ndarray
    loss: np.ndarray
    path: np.ndarray
    epochs: list
    kind: str
    penalty: bool
    explained: float
    d1: np.ndarray
    d2: np.ndarray


def evaluate(trainer, theta, d1, d2, ab, penalty=True, progress=None):
    """J(theta + a d1 + b d2) (m,) for each row (a, b) of `ab` (m, 2); theta, d1, d2 (P,)
    flat parameter vectors of `trainer`'s network. Each point is computed as the trainer's
    epoch evaluation computes it (the same matrix product per slice, the same loss), so
    (0, 0) gives the history's training loss bit for bit. progress(done, m) per chunk."""
    shapes = [p.value.shape for p in trainer.params]
    X, T = trainer.X_train, trainer.T_train
    loss = get_loss(trainer.loss_name)
    cfg = trainer.config
    reg = get_regularizer(cfg.reg) if penalty and cfg.reg != "none" else None
    widest = max(shape[0] for shape in shapes)
    chunk = max(1, CHUNK_ELEMENTS // (len(X) * widest))
    m = len(ab)
    out = np.empty(m)
    for start in range(0, m, chunk):
        a, b = ab[start:start + chunk, :1], ab[start:start + chunk, 1:]
        block = theta + a * d1 + b * d2
        parts, at = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            parts.append(block[:, at:at + size].reshape(len(block), *shape))
            at += size
        weights = parts[::2]
        A = X
        for layer, W, b in _dense_steps(trainer.model.layers, weights, parts[1::2]):
            A = np.matmul(A, W.transpose(0, 2, 1)) + b[:, None, :] if W is not None else (
                type(layer).fn(A))
        for k in range(len(block)):
            extra = (float(cfg.reg_rate * sum(reg.fn(W[k]) for W in weights))
                     if reg is not None else 0.0)
            out[start + k] = float(loss.forward(A[k], T)) + extra
        if progress is not None:
            progress(min(start + chunk, m), m)
    return out


def _dense_steps(layers, weights, biases):
    """(layer, W (K, out, in), b (K, out)) for Dense layers, (layer, None, None) for
    activations; dropout is off."""
    stacks = iter(zip(weights, biases))
    for layer in layers:
        if isinstance(layer, Dense):
            yield (layer, *next(stacks))
        elif not isinstance(layer, Dropout):
            yield layer, None, None


def random_direction(trainer, rng):
    """A filter-normalized Gaussian direction (P,): each W row scaled to that row's norm in
    the current W; biases 0."""
    parts = []
    for p in trainer.params:
        if p.decay:
            g = rng.standard_normal(p.value.shape)
            norms = np.linalg.norm(g, axis=1, keepdims=True)
            parts.append(g * np.linalg.norm(p.value, axis=1, keepdims=True) / norms)
        else:
            parts.append(np.zeros(p.value.shape))
    return flatten(parts)


def trajectory(trainer):
    """(path (k, P), epochs): the keyframes' weights and, if it differs from the latest
    keyframe, the current point."""
    frames = trainer.record.keyframes()
    path = [k.weights for k in frames]
    epochs = [k.epoch for k in frames]
    theta = flatten(p.value for p in trainer.params)
    if not np.array_equal(path[-1], theta):
        path.append(theta)
        epochs.append(trainer.epoch)
    return np.array(path), epochs


def pca_directions(path, theta, rng=None):
    """(d1, d2, explained) for `path` (k, P) around theta (P,): d1 towards path[0], d2 the
    principal direction of the rest. A straight path spans no plane: d2 is then a random
    direction orthogonal to d1, drawn from `rng`."""
    D = path - theta
    start = np.linalg.norm(D[0])
    if start == 0:
        raise ValueError("the weights are still at their start: train a few epochs, or use "
                         "random directions")
    d1 = D[0] / start
    rest = D - np.outer(D @ d1, d1)
    _, s, Vt = np.linalg.svd(rest, full_matrices=False)
    if s[0] <= 1e-9 * start:
        if rng is None:
            raise ValueError("the path is a straight line: pass rng for the second direction")
        d2 = rng.standard_normal(len(theta))
    else:
        d2 = Vt[0]
    d2 = d2 - (d2 @ d1) * d1
    d2 /= np.linalg.norm(d2)
    total = float(np.sum(D * D))
    explained = float(np.sum((D @ d1) ** 2 + (D @ d2) ** 2) / total) if total else 1.0
    return d1, d2, explained


def loss_landscape(trainer, kind="pca", res=41, span=None, rng=None, penalty=True,
                   progress=None):
    """The Landscape of `trainer` on a res x res grid (res odd: the centre is the current
    weights). span: the grid's half-width (a, b), or one number for both; default 1 for
    random directions, the path's extent times PATH_MARGIN for pca."""
    if res < 3 or res % 2 == 0:
        raise ValueError(f"res must be odd and at least 3 (the centre is the current "
                         f"weights), got {res}")
    theta = flatten(p.value for p in trainer.params)
    path, epochs = trajectory(trainer)
    if kind == "random":
        if rng is None:
            raise ValueError("random directions need rng=np.random.default_rng(seed)")
        d1, d2 = random_direction(trainer, rng), random_direction(trainer, rng)
        explained = None
    elif kind == "pca":
        d1, d2, explained = pca_directions(path, theta, rng)
    else:
        raise ValueError(f"unknown directions {kind!r}: choose 'pca' or 'random'")
    basis = np.stack([d1, d2])
    coords = np.linalg.lstsq(basis.T, (path - theta).T, rcond=None)[0].T
    if span is None:
        extent = np.abs(coords).max(axis=0) * PATH_MARGIN if kind == "pca" else np.ones(2)
        span = np.where(extent > 0, extent, extent.max() or 1.0)
    sa, sb = np.broadcast_to(np.asarray(span, dtype=np.float64), (2,))
    alpha, beta = np.linspace(-sa, sa, res), np.linspace(-sb, sb, res)
    alpha[res // 2] = beta[res // 2] = 0.0
    ab = np.stack([g.ravel() for g in np.meshgrid(alpha, beta)], axis=1)
    loss = evaluate(trainer, theta, d1, d2, ab, penalty, progress).reshape(res, res)
    return Landscape(alpha, beta, loss, coords, epochs, kind, penalty, explained, d1, d2)
