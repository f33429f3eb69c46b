"""A trainable tensor and its gradient, and the one vector a model keeps them in.

Layers own their `Param`s; optimizers and regularizers work over `model.parameters()`.
`value` and `grad` are updated in place and never rebound, so every holder of a Param (the
model, the optimizer, the UI) always sees the current numbers.

A `Sequential` lays its parameters out in two vectors (`pack`): every value is a view of its
slice of one (P,) vector, every gradient of another, in `parameters()` order. Work on the
whole model is then one NumPy call instead of one per tensor: the optimizer's update, the
trainer's backup before it, a keyframe's copy. `as_vector` finds such a vector again; code
that uses it keeps a per-tensor path for parameters laid out any other way (a deep copy,
hand-made Params), with the same numbers.
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


def pack(params):
    """Move the values and gradients of `params` into two new (P,) vectors, in order, and
    return them (values, grads). Each Param's value and grad become views of their slice,
    holding the same numbers: call it while nothing else holds those arrays (building)."""
    size = sum(p.value.size for p in params)
    values, grads = np.empty(size), np.empty(size)
    start = 0
    for p in params:
        end = start + p.value.size
        value, grad = values[start:end].reshape(p.value.shape), grads[start:end].reshape(
            p.value.shape)
        value[...], grad[...] = p.value, p.grad
        p.value, p.grad = value, grad
        start = end
    return values, grads


def as_vector(arrays):
    """The (P,) vector whose consecutive slices `arrays` are, in order (a view of it), or
    None when they are laid out any other way."""
    if not arrays:
        return None
    base = arrays[0].base
    if base is None or base.ndim != 1 or base.dtype != np.float64:
        return None
    origin = base.__array_interface__["data"][0]
    first = (arrays[0].__array_interface__["data"][0] - origin) // base.itemsize
    end = first
    for a in arrays:
        if (a.base is not base or not a.flags.c_contiguous
                or a.__array_interface__["data"][0] != origin + end * base.itemsize):
            return None
        end += a.size
    return base[first:end]
