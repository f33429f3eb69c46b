"""L1 and L2 weight penalties, TensorFlow Playground's definitions.

Only weights are penalized (`Param.decay` True), never biases. With rate lambda:

    l1    penalty = lambda * sum |W|          grad = lambda * sign(W)   (0 at W = 0)
    l2    penalty = lambda * 0.5 * sum W^2    grad = lambda * W

The trainer adds `penalty(...)` to the data loss it reports and `add_penalty_grad(...)` to
the gradients after backward and before the optimizer step, so every optimizer sees the
regularized gradient.
"""
import numpy as np


class NoPenalty:
    name, title = "none", "None"
    formula = r"\Omega(W) = 0"

    @staticmethod
    def fn(W):
        return 0.0

    @staticmethod
    def derivative(W):
        return np.zeros_like(W)


class L1:
    name, title = "l1", "L1"
    formula = (r"\Omega(W) = \lambda \sum |W|, \quad "
               r"\frac{\partial \Omega}{\partial W} = \lambda\, \operatorname{sign}(W)")

    @staticmethod
    def fn(W):
        return np.abs(W).sum()

    @staticmethod
    def derivative(W):
        return np.sign(W)


class L2:
    name, title = "l2", "L2"
    formula = (r"\Omega(W) = \frac{\lambda}{2} \sum W^2, \quad "
               r"\frac{\partial \Omega}{\partial W} = \lambda\, W")

    @staticmethod
    def fn(W):
        return 0.5 * np.square(W).sum()

    @staticmethod
    def derivative(W):
        return W


REGULARIZERS = {cls.name: cls for cls in (NoPenalty, L1, L2)}


def get_regularizer(kind):
    """The regularizer class registered as `kind` ("none", "l1", "l2")."""
    if kind not in REGULARIZERS:
        raise ValueError(f"unknown regularization {kind!r}: choose one of {sorted(REGULARIZERS)}")
    return REGULARIZERS[kind]


def _check_rate(rate):
    if not rate >= 0:
        raise ValueError(f"regularization rate must be >= 0, got {rate}")


def penalty(params, kind, rate):
    """rate * sum over the weights (decay params) of the penalty; a float."""
    reg = get_regularizer(kind)
    _check_rate(rate)
    return float(rate * sum(reg.fn(p.value) for p in params if p.decay))


def penalty_grad(W, kind, rate):
    """d penalty / dW for one weight array: a new array shaped like W."""
    _check_rate(rate)
    return rate * get_regularizer(kind).derivative(W)


def add_penalty_grad(params, kind, rate):
    """Add the penalty's gradient into `p.grad` in place, for the weights only."""
    reg = get_regularizer(kind)
    _check_rate(rate)
    if reg is NoPenalty or rate == 0:
        return
    for p in params:
        if p.decay:
            p.grad += rate * reg.derivative(p.value)
