"""L1/L2 penalties: exact values, finite differences, weights only, registry."""
import numpy as np
import pytest

from dnn_core.params import Param
from dnn_core.regularization import (REGULARIZERS, add_penalty_grad, get_regularizer, penalty,
                                     penalty_grad)

W_VALUES = [[1.0, -2.0], [0.5, 0.0]]


def weights_and_bias():
    W = Param("W1", np.array(W_VALUES), decay=True)
    b = Param("b1", np.array([3.0, -4.0]), decay=False)
    return [W, b]


def test_exact_penalties_ignore_biases():
    params = weights_and_bias()
    assert penalty(params, "l1", 0.1) == pytest.approx(0.1 * 3.5, rel=1e-15)
    assert penalty(params, "l2", 0.1) == pytest.approx(0.1 * 0.5 * 5.25, rel=1e-15)
    assert penalty(params, "none", 0.1) == 0.0
    assert penalty(params, "l2", 0.0) == 0.0
    assert isinstance(penalty(params, "l1", 0.1), float)


def test_exact_gradients_with_sign_zero_at_zero():
    W = np.array(W_VALUES)
    np.testing.assert_array_equal(penalty_grad(W, "l1", 0.5), [[0.5, -0.5], [0.5, 0.0]])
    np.testing.assert_array_equal(penalty_grad(W, "l2", 0.5), [[0.5, -1.0], [0.25, 0.0]])
    np.testing.assert_array_equal(penalty_grad(W, "none", 0.5), np.zeros((2, 2)))
    np.testing.assert_array_equal(W, W_VALUES)


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_gradient_matches_centered_finite_differences(kind):
    rng = np.random.default_rng(0)
    magnitudes = rng.uniform(0.1, 2.0, size=(4, 3))   # L1: stay away from the kink at 0
    W = Param("W", magnitudes * rng.choice([-1.0, 1.0], size=(4, 3)))
    rate, h = 0.3, 1e-6
    numeric = np.zeros_like(W.value)
    for i in np.ndindex(W.value.shape):
        saved = W.value[i]
        W.value[i] = saved + h
        up = penalty([W], kind, rate)
        W.value[i] = saved - h
        down = penalty([W], kind, rate)
        W.value[i] = saved
        numeric[i] = (up - down) / (2 * h)
    analytic = penalty_grad(W.value, kind, rate)
    rel_err = np.abs(numeric - analytic).max() / np.abs(analytic).max()
    assert rel_err < 1e-7


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_add_penalty_grad_adds_in_place_to_weights_only(kind):
    W, b = params = weights_and_bias()
    W.grad[...] = 1.0
    b.grad[...] = 2.0
    grad_array = W.grad
    add_penalty_grad(params, kind, 0.25)
    assert W.grad is grad_array
    np.testing.assert_array_equal(W.grad, 1.0 + penalty_grad(W.value, kind, 0.25))
    np.testing.assert_array_equal(b.grad, [2.0, 2.0])
    np.testing.assert_array_equal(W.value, W_VALUES)


@pytest.mark.parametrize("kind, rate", [("none", 0.5), ("l2", 0.0)])
def test_no_penalty_leaves_gradients_alone(kind, rate):
    W, b = params = weights_and_bias()
    W.grad[...] = 1.0
    add_penalty_grad(params, kind, rate)
    np.testing.assert_array_equal(W.grad, np.ones((2, 2)))


def test_registry_round_trips_and_rejects_unknown_names():
    assert set(REGULARIZERS) == {"none", "l1", "l2"}
    for name, cls in REGULARIZERS.items():
        assert get_regularizer(name) is cls and cls.name == name
        assert cls.title and cls.formula.startswith(r"\Omega")
    with pytest.raises(ValueError, match="l1.*l2.*none"):
        penalty(weights_and_bias(), "dropout", 0.1)
    with pytest.raises(ValueError, match="rate"):
        add_penalty_grad(weights_and_bias(), "l2", -0.1)
