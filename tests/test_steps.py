"""The nine textbook steps: plain functions, exact values, and the layers really call them."""
import inspect
import sys

import numpy as np
import pytest

from dnn_core import steps
from dnn_core.activations import Tanh
from dnn_core.layers import Dense
from dnn_core.losses import get_loss
from dnn_core.model import build_mlp

NINE = ["initialize_parameters", "linear_forward", "activation_forward", "model_forward",
        "compute_cost", "linear_backward", "activation_backward", "model_backward",
        "update_parameters"]

W = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]])
b = np.array([0.5, -1.0, 2.0])
X = np.array([[1.0, -1.0], [2.0, 0.0]])


def test_nine_plain_functions_with_their_formula_first():
    for number, name in enumerate(NINE, start=1):
        fn = getattr(steps, name)
        assert inspect.isfunction(fn)
        assert inspect.getdoc(fn).startswith(f"Step {number}")
        assert name in steps.__doc__


def test_initialize_parameters():
    pairs = steps.initialize_parameters([2, 4, 1], "xavier", np.random.default_rng(0), bias=0.1)
    assert [(W.shape, b.shape) for W, b in pairs] == [((4, 2), (4,)), ((1, 4), (1,))]
    assert all(np.all(b == 0.1) for _, b in pairs)
    with pytest.raises(ValueError, match="draws random weights: pass rng"):
        steps.initialize_parameters([2, 1], "he", None)
    [(W0, _)] = steps.initialize_parameters([3, 2], lambda shape, rng: np.full(shape, 7.0), None)
    assert W0.shape == (2, 3) and np.all(W0 == 7.0)


def test_linear_forward_exact_and_in_place():
    expected = [[-0.5, -2.5, -1.0], [2.5, -3.0, 2.0]]
    Z = steps.linear_forward(X, W, b)
    np.testing.assert_array_equal(Z, expected)
    out = steps.column_major((2, 3))
    assert steps.linear_forward(X, W, b, out=out) is out
    np.testing.assert_array_equal(out, expected)
    assert out.T.flags.c_contiguous


def test_linear_backward_exact_and_in_place():
    dZ = np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 1.0]])
    dA_prev, dW, db = steps.linear_backward(dZ, X, W)
    np.testing.assert_array_equal(dW, [[1.0, -1.0], [-2.0, 0.0], [4.0, -2.0]])
    np.testing.assert_array_equal(db, [1.0, -1.0, 3.0])
    np.testing.assert_array_equal(dA_prev, [[1.0, 8.0], [1.0, 2.5]])
    dW_out, db_out, dA_out = np.empty((3, 2)), np.empty(3), steps.column_major((2, 2))
    result = steps.linear_backward(dZ, X, W, dW_out=dW_out, db_out=db_out, dA_prev_out=dA_out)
    assert result[0] is dA_out and result[1] is dW_out and result[2] is db_out
    np.testing.assert_array_equal(dA_out, dA_prev)
    steps.linear_backward(dZ[:1], X[:1], W)  # another batch size uses its own ones vector
    np.testing.assert_array_equal(steps.linear_backward(dZ, X, W)[2], db)


def test_activation_steps_use_the_layers_cache():
    layer = Tanh()
    Z = np.array([[0.0, 1.0]])
    A = layer.forward(Z)
    np.testing.assert_array_equal(steps.activation_forward(layer, Z), np.tanh(Z))
    dZ = steps.activation_backward(layer, np.array([[2.0, 3.0]]))
    np.testing.assert_allclose(dZ, [[2.0, 3.0 * (1 - np.tanh(1.0) ** 2)]], rtol=1e-15)
    assert layer.A is A


def test_model_cost_and_update():
    rng = np.random.default_rng(0)
    model = build_mlp(2, [3], "tanh", 1, rng=rng)
    Xs, t = rng.standard_normal((4, 2)), np.ones((4, 1))
    out = steps.model_forward(model, Xs).copy()
    np.testing.assert_array_equal(out, model.forward(Xs))
    loss = get_loss("bce")
    cost = steps.compute_cost(loss, out, t, penalty=0.25)
    assert cost == loss.forward(out, t) + 0.25
    dX = steps.model_backward(model, loss.backward())
    assert dX.shape == (4, 2)

    class PlainSGD:
        def __init__(self, params):
            self.params = params

        def step(self):
            for p in self.params:
                p.value -= 0.1 * p.grad

    W1 = model.layers[0].W.copy()
    steps.update_parameters(PlainSGD(model.parameters()))
    np.testing.assert_array_equal(model.layers[0].W, W1 - 0.1 * model.layers[0].dW)


def calls_during(action):
    """The set of steps.* functions that ran (at any depth) during action()."""
    codes = {getattr(steps, name).__code__: name for name in NINE}
    seen = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            seen.add(codes[frame.f_code])

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return seen


def test_layers_and_model_run_the_step_functions():
    rng = np.random.default_rng(1)
    assert calls_during(lambda: Dense(2, 3, rng=rng)) == {"initialize_parameters"}
    model = build_mlp(2, [3, 3], "tanh", 1, rng=rng)
    Xs, t = rng.standard_normal((4, 2)), np.ones((4, 1))
    loss = get_loss("bce")
    assert calls_during(lambda: model.forward(Xs)) == {"model_forward", "linear_forward",
                                                       "activation_forward"}
    loss.forward(model.forward(Xs), t)
    assert calls_during(lambda: model.backward(loss.backward())) == {
        "model_backward", "linear_backward", "activation_backward"}
