"""Losses: `forward(output, target) -> float` (mean over the batch), `backward() -> dOutput`.

The model outputs raw scores (logits); BCE and cross-entropy apply sigmoid/softmax inside,
in a form that stays finite for any logit. `backward` already divides by n (mean), so the
layers' backward passes need no 1/n. The array `backward` returns is the loss's own buffer,
valid until its next backward with the same shape. Registry `LOSSES`, lookup `get_loss`;
`sigmoid` and `softmax` turn logits into probabilities.
"""
import numpy as np

from .activations import Sigmoid
from .layers import reusable


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), elementwise and overflow-free."""
    return Sigmoid.fn(np.asarray(z))


def softmax(z):
    """softmax(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z) along the last axis."""
    P = np.exp(z - np.max(z, axis=-1, keepdims=True))
    P /= P.sum(axis=-1, keepdims=True)
    return P


def _matching(target, output):
    """Target with the output's shape: an (n,) target for an (n, 1) output is reshaped."""
    target = np.asarray(target)
    if target.shape != output.shape:
        if target.size != output.size or output.ndim != 2 or output.shape[1] != 1:
            raise ValueError(f"target shape {target.shape} does not match output {output.shape}")
        target = target.reshape(output.shape)
    return target


class Loss:
    """Mean loss over a batch. `formula` is the per-sample loss and its derivative (LaTeX)."""

    __slots__ = ("output", "target", "_grad")
    name = title = formula = output_activation = ""

    def __init__(self):
        self.output = self.target = None
        self._grad = {}

    def __repr__(self):
        return f"{type(self).__name__}()"


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits z (n, 1) with targets t in {0, 1} (n, 1).

    l = max(z, 0) - z t + ln(1 + e^-|z|)   (= -t ln sigma(z) - (1-t) ln(1 - sigma(z)))
    dJ/dz = (sigma(z) - t) / n
    """

    __slots__ = ("exp_neg_abs", "_exp")
    name, title, output_activation = "bce", "Binary cross-entropy (with logits)", "sigmoid"
    formula = (r"\ell = -t \ln \sigma(z) - (1 - t) \ln(1 - \sigma(z))"
               r" = \max(z, 0) - z t + \ln(1 + e^{-|z|}) \qquad "
               r"\frac{\partial \ell}{\partial z} = \sigma(z) - t")

    def __init__(self):
        super().__init__()
        self.exp_neg_abs, self._exp = None, {}

    def forward(self, output, target):
        z = self.output = output
        t = self.target = _matching(target, output)
        E = np.copysign(z, -1.0, out=reusable(self._exp, z.shape))   # -|z|
        np.exp(E, out=E)
        self.exp_neg_abs = E
        L = np.log1p(E)
        L += np.maximum(z, 0.0)
        return (float(L.sum()) - float(np.vdot(z, t))) / L.size

    def backward(self):
        """sigma(z) = e^min(z,0) / (1 + e^-|z|), reusing e^-|z| from the forward pass."""
        G = np.minimum(self.output, 0.0, out=reusable(self._grad, self.output.shape))
        np.exp(G, out=G)
        G /= 1.0 + self.exp_neg_abs
        G -= self.target
        G *= 1.0 / G.size
        return G


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy on logits z (n, K) with integer labels y (n,).

    l = -ln softmax(z)_y = ln sum_k e^(z_k - m) - (z_y - m),  m = max_k z_k
    dJ/dz = (softmax(z) - onehot(y)) / n
    """

    name, title, output_activation = "ce", "Cross-entropy (softmax)", "softmax"
    formula = (r"\ell = -\ln \frac{e^{z_y}}{\sum_k e^{z_k}} \qquad "
               r"\frac{\partial \ell}{\partial z_k} = \mathrm{softmax}(z)_k - [k = y]")

    def forward(self, output, target):
        n, K = output.shape
        labels = np.asarray(target)
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"cross-entropy needs integer labels of shape ({n},), "
                             f"got {labels.dtype} {labels.shape}")
        if n and (labels.min() < 0 or labels.max() >= K):
            raise ValueError(f"labels must be in 0..{K - 1}")
        self.output, self.target = output, labels
        shifted = output - output.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1)
        rows = np.arange(n)
        return float(np.sum(np.log(sums) - shifted[rows, labels])) / n

    def backward(self):
        n = self.output.shape[0]
        G = reusable(self._grad, self.output.shape)
        G[...] = softmax(self.output)
        G[np.arange(n), self.target] -= 1.0
        G *= 1.0 / n
        return G


class MSELoss(Loss):
    """Mean squared error over all elements (PyTorch's reduction='mean'), y, t (n, k).

    J = (1/(n k)) sum (y - t)^2;   dJ/dy = 2 (y - t) / (n k)
    """

    name, title, output_activation = "mse", "Mean squared error", "identity"
    formula = r"\ell = (y - t)^2 \qquad \frac{\partial \ell}{\partial y} = 2 (y - t)"

    def forward(self, output, target):
        self.output = output
        self.target = _matching(target, output)
        diff = output - self.target
        return float(np.sum(diff * diff)) / diff.size

    def backward(self):
        G = np.subtract(self.output, self.target, out=reusable(self._grad, self.output.shape))
        G *= 2.0 / G.size
        return G


LOSSES = {cls.name: cls for cls in (BCEWithLogitsLoss, CrossEntropyLoss, MSELoss)}


def get_loss(name):
    """A new loss for registry `name` ("bce", "ce", "mse"); ValueError naming the choices."""
    try:
        return LOSSES[name]()
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
