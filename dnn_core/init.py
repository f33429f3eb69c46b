"""Weight initializers: `init(shape=(out, in), rng) -> W`.

fan_in = in (columns of W), fan_out = out (rows). Biases start at a constant (zero by
default), set by the layer, not here. Registry `INITIALIZERS`, lookup `get_initializer`.
"""
import math

import numpy as np

INITIALIZERS = {}


def initializer(name, title, formula, draws=True):
    """Register `fn` under `name` with its display `title` and LaTeX `formula`."""
    def register(fn):
        fn.name, fn.title, fn.formula, fn.draws = name, title, formula, draws
        INITIALIZERS[name] = fn
        return fn
    return register


@initializer("zeros", "Zeros", r"W = 0", draws=False)
def zeros(shape, rng=None):
    """All weights 0: every neuron of a layer stays identical (the symmetry problem)."""
    return np.zeros(shape)


@initializer("normal", "Small normal", r"W \sim \mathcal{N}(0,\ 0.01^2)")
def normal(shape, rng):
    """The course's np.random.randn(out, in) * 0.01."""
    return rng.normal(0.0, 0.01, size=shape)


@initializer("large", "Large normal (×10)", r"W \sim \mathcal{N}(0,\ 10^2)")
def large(shape, rng):
    """The course's "random" initialization, np.random.randn(out, in) * 10: too large, so
    sigmoid and tanh saturate and the first costs are huge."""
    return rng.normal(0.0, 10.0, size=shape)


@initializer("uniform", "Uniform ±0.5", r"W \sim \mathcal{U}(-0.5,\ 0.5)")
def uniform(shape, rng):
    """TF Playground's initial weights."""
    return rng.uniform(-0.5, 0.5, size=shape)


@initializer("xavier", "Xavier (Glorot) normal",
             r"W \sim \mathcal{N}\!\left(0,\ \frac{2}{n_{in} + n_{out}}\right)")
def xavier(shape, rng):
    """Glorot normal: std = sqrt(2 / (fan_in + fan_out))."""
    fan_out, fan_in = shape
    return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)


@initializer("xavier_uniform", "Xavier (Glorot) uniform",
             r"W \sim \mathcal{U}\!\left(\pm\sqrt{\frac{6}{n_{in} + n_{out}}}\right)")
def xavier_uniform(shape, rng):
    """Glorot uniform: limit = sqrt(6 / (fan_in + fan_out))."""
    fan_out, fan_in = shape
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


@initializer("he", "He (Kaiming) normal", r"W \sim \mathcal{N}\!\left(0,\ \frac{2}{n_{in}}\right)")
def he(shape, rng):
    """Kaiming normal for ReLU layers: std = sqrt(2 / fan_in)."""
    fan_in = shape[1]
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


@initializer("he_uniform", "He (Kaiming) uniform",
             r"W \sim \mathcal{U}\!\left(\pm\sqrt{\frac{6}{n_{in}}}\right)")
def he_uniform(shape, rng):
    """Kaiming uniform: limit = sqrt(6 / fan_in)."""
    limit = math.sqrt(6.0 / shape[1])
    return rng.uniform(-limit, limit, size=shape)


def get_initializer(name):
    """The initializer registered as `name`; ValueError naming the valid choices."""
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(f"unknown initializer {name!r}; choose one of "
                         f"{', '.join(INITIALIZERS)}") from None
