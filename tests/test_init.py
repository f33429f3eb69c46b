"""Initializers: registry, shapes, the spread each one promises, determinism."""
import math

import numpy as np
import pytest

from dnn_core.init import INITIALIZERS, get_initializer

NAMES = list(INITIALIZERS)
SHAPE = (300, 200)  # (out, in): fan_in 200, fan_out 300
STD = {  # the standard deviation each initializer promises for SHAPE
    "zeros": 0.0,
    "normal": 0.01,
    "large": 10.0,
    "uniform": 1.0 / math.sqrt(12.0),
    "xavier": math.sqrt(2.0 / 500),
    "xavier_uniform": math.sqrt(6.0 / 500) / math.sqrt(3.0),
    "he": math.sqrt(2.0 / 200),
    "he_uniform": math.sqrt(6.0 / 200) / math.sqrt(3.0),
}
LIMIT = {"uniform": 0.5, "xavier_uniform": math.sqrt(6.0 / 500),
         "he_uniform": math.sqrt(6.0 / 200)}


def test_registry_round_trips():
    assert set(STD) == set(NAMES), "every initializer states the spread it promises here"
    for name in NAMES:
        init = get_initializer(name)
        assert init.name == name and init.title and init.formula.startswith("W")
    with pytest.raises(ValueError, match="unknown initializer 'glorot'.*he_uniform"):
        get_initializer("glorot")


@pytest.mark.parametrize("name", NAMES)
def test_shape_spread_and_mean(name):
    W = get_initializer(name)(SHAPE, np.random.default_rng(0))
    assert W.shape == SHAPE and W.dtype == np.float64
    assert W.std() == pytest.approx(STD[name], rel=0.02)
    assert abs(W.mean()) <= 0.05 * STD[name]
    if name in LIMIT:
        assert np.abs(W).max() <= LIMIT[name] and np.abs(W).max() > 0.99 * LIMIT[name]


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_weights(name):
    init = get_initializer(name)
    a = init((4, 3), np.random.default_rng(9))
    b = init((4, 3), np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)
    if name != "zeros":
        assert not np.array_equal(a, init((4, 3), np.random.default_rng(10)))


def test_zeros_needs_no_rng():
    np.testing.assert_array_equal(get_initializer("zeros")((2, 3)), np.zeros((2, 3)))
