"""A trainable tensor and its gradient.

Layers own their `Param`s; optimizers and regularizers work over `model.parameters()`.
`value` and `grad` are updated in place and never rebound, so every holder of a Param (the
model, the optimizer, the UI) always sees the current numbers.
"""
import numpy as np


class Param:
    """One parameter tensor: `value` and `grad` have the same shape and dtype (float64).

    decay: True for weights (regularized by L1/L2), False for biases.
    """

    __slots__ = ("name", "value", "grad", "decay")

    def __init__(self, name, value, decay=True):
        self.name = name
        self.value = np.asarray(value, dtype=np.float64)
        self.grad = np.zeros_like(self.value)
        self.decay = decay

    @property
    def shape(self):
        return self.value.shape

    def __repr__(self):
        return f"Param({self.name!r}, shape={self.value.shape}, decay={self.decay})"
