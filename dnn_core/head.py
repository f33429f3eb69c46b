"""The output head: what the network's last layer is and how its output is read, from the
loss and the task, decided here once.

    loss  task        network ends with  output activation  prediction        P(class 1) / value
    bce   binary      Dense (logits z)   sigmoid            sigma(z) (n, 1)   sigma(z) (n,)
    ce    multiclass  Dense (logits z)   softmax            softmax(z) (n, K) softmax(z) (n, K)
    mse   binary      Dense, then tanh   tanh               y (n, 1) in ±1    (y + 1) / 2 (n,)
    mse   regression  Dense              identity           y (n, 1)          y * std + mean (n,)

For bce and ce the loss applies sigmoid/softmax itself (exactly, on the logits), so the
network ends with a Dense layer; MSE on binary labels uses TF Playground's tanh output with
targets ±1.
"""
from dataclasses import dataclass

import numpy as np

from .losses import sigmoid, softmax

ACTIVATE = {"sigmoid": sigmoid, "softmax": softmax, "tanh": None, "identity": None}


@dataclass(frozen=True)
class Head:
    """`layer`: the activation appended to the network (None: it ends with Dense);
    `activation`: the output activation's name, as the UI shows it; `task`."""

    layer: str
    activation: str
    task: str

    def prediction(self, out):
        """The output activation applied to the network output `out` (n, K): what the
        loss compares with the target (a copy for tanh/identity, already applied)."""
        fn = ACTIVATE[self.activation]
        return out.copy() if fn is None else fn(out)

    def labels(self, out):
        """The predicted class (n,) for the network output `out` (n, K) of a classifier:
        the most probable class, or class 1 when P(class 1) >= 0.5 (the same labels as
        thresholding `readout`, bit for bit)."""
        if self.activation == "softmax":
            return softmax(out).argmax(axis=1)
        if self.activation == "sigmoid":
            return _sigmoid_at_least_half(out[:, 0])
        return (out[:, 0] + 1.0) / 2.0 >= 0.5

    def readout(self, out, target_scaler):
        """P(class 1) (n,), class probabilities (n, K) or predictions in the data's units
        (n,) from the network output `out` (n, K)."""
        if self.activation == "softmax":
            return softmax(out)
        if self.activation == "sigmoid":
            return sigmoid(out[:, 0])
        if self.activation == "tanh":
            return (out[:, 0] + 1.0) / 2.0
        return out[:, 0] * target_scaler.std + target_scaler.mean


def _sigmoid_at_least_half(z):
    """sigmoid(z) >= 0.5 for logits z (n,), mostly without computing sigmoid.

    `sigmoid` computes e^min(z,0) / (1 + e^-|z|): for z >= 0 that is 1 / (1 + e^-z) with
    1 + e^-z <= 2, so >= 0.5; for z < 0 it is e / (1 + e) with e = e^z, which is below 0.5
    unless e rounds to 1 (|z| below about 2^-53). Logits in [-2^-50, 0) (met in practice
    only near a zero network) are left to `sigmoid` itself.
    """
    if np.abs(z).min() < 2.0**-50:
        return sigmoid(z) >= 0.5
    return z >= 0.0


def output_head(loss_name, task):
    """The Head for a resolved loss name ("bce", "ce", "mse") on `task`."""
    if loss_name == "mse" and task == "binary":
        return Head("tanh", "tanh", task)
    return Head(None, {"bce": "sigmoid", "ce": "softmax", "mse": "identity"}[loss_name], task)
