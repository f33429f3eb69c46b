"""Whole networks pass the gradient check, and the check fails on a wrong backward pass."""
import numpy as np
import pytest

from dnn_core.activations import ACTIVATIONS, Tanh
from dnn_core.gradcheck import gradcheck, relative_error
from dnn_core.layers import Dense, Dropout, Layer
from dnn_core.losses import get_loss
from dnn_core.model import Sequential, build_mlp
from dnn_core.steps import linear_backward

SMOOTH = ["tanh", "gelu", "silu", "sigmoid", "softplus", "sine", "elu", "identity"]


def data(loss_name, rng, n=6, n_in=3):
    X = rng.standard_normal((n, n_in))
    if loss_name == "bce":
        return X, (rng.random((n, 1)) > 0.5) * 1.0, 1
    if loss_name == "ce":
        return X, rng.integers(0, 3, size=n), 3
    return X, rng.standard_normal((n, 2)), 2


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("loss_name", ["bce", "ce", "mse"])
def test_networks_with_mixed_activations_pass(depth, loss_name):
    rng = np.random.default_rng(depth * 7 + len(loss_name))
    X, target, n_out = data(loss_name, rng)
    names = [SMOOTH[(depth + i) % len(SMOOTH)] for i in range(depth)]
    model = build_mlp(3, [5] * depth, names, n_out, init="xavier", rng=rng)
    for dense in model.dense_layers():
        dense.b[...] = rng.normal(0, 0.3, size=dense.b.shape)
    result = gradcheck(model, get_loss(loss_name), X, target, check_input=True)
    assert set(result.errors) == {f"{k}{l}" for l in range(1, depth + 2) for k in "Wb"} | {"X"}
    assert result.max_error < 1e-7, result.errors


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_kinked_activations_pass_away_from_the_kink(name):
    rng = np.random.default_rng(2)
    model = build_mlp(2, [4, 4], name, 1, init="he", rng=rng)
    for dense in model.dense_layers():
        dense.b[...] = 0.5
    X, t = rng.standard_normal((5, 2)), rng.standard_normal((5, 1))
    result = gradcheck(model, get_loss("mse"), X, t)
    assert result.max_error < 1e-7, result.errors


def test_every_registered_activation_passes_inside_a_network():
    rng = np.random.default_rng(4)
    for name in ACTIVATIONS:
        model = build_mlp(2, [3], name, 1, rng=rng)
        model.layers[0].b[...] = [0.4, -0.6, 0.9]
        result = gradcheck(model, get_loss("bce"), rng.standard_normal((4, 2)) * 0.1,
                           np.array([[1.0], [0.0], [1.0], [1.0]]))
        assert result.max_error < 1e-7, (name, result.errors)


def test_output_activation_and_fixed_dropout_masks_pass():
    rng = np.random.default_rng(6)
    model = build_mlp(2, [6, 6], "tanh", 1, rng=rng, dropout=0.5, output_activation="tanh")
    for layer in model.layers:
        if isinstance(layer, Dropout):
            layer.fixed_mask = (rng.random((5, 6)) >= 0.5) / 0.5
    result = gradcheck(model, get_loss("mse"), rng.standard_normal((5, 2)),
                       rng.standard_normal((5, 1)))
    assert result.max_error < 1e-7, result.errors


def test_a_penalty_term_is_checked_with_the_loss():
    rng = np.random.default_rng(8)
    model = build_mlp(2, [4], "tanh", 1, rng=rng)
    rate = 0.3

    def l2(params):
        return rate * 0.5 * sum(float(np.sum(p.value ** 2)) for p in params if p.decay)

    def l2_grad(params):
        for p in params:
            if p.decay:
                p.grad += rate * p.value

    X, t = rng.standard_normal((5, 2)), (rng.random((5, 1)) > 0.5) * 1.0
    good = gradcheck(model, get_loss("bce"), X, t, extra_loss=l2, extra_grad=l2_grad)
    assert good.max_error < 1e-7
    forgot = gradcheck(model, get_loss("bce"), X, t, extra_loss=l2)
    assert forgot.errors["W1"] > 1e-3 and forgot.errors["b1"] < 1e-7


class TwoConsumers(Layer):
    """A = tanh(X) feeds two Dense layers whose outputs are summed: dA sums both paths."""

    def __init__(self, rng):
        super().__init__()
        self.act, self.left, self.right = Tanh(), Dense(3, 2, rng=rng), Dense(3, 2, rng=rng)
        for dense, side in ((self.left, "left"), (self.right, "right")):
            dense.weight.name, dense.bias.name = f"W_{side}", f"b_{side}"

    def forward(self, X):
        A = self.act.forward(X)
        return self.left.forward(A) + self.right.forward(A)

    def backward(self, dY):
        dA = self.left.backward(dY) + self.right.backward(dY)
        return self.act.backward(dA)

    def parameters(self):
        return self.left.parameters() + self.right.parameters()


def test_an_activation_feeding_two_consumers_sums_their_gradients():
    rng = np.random.default_rng(10)
    model = Sequential([Dense(2, 3, rng=rng), TwoConsumers(rng), Dense(2, 1, rng=rng)])
    result = gradcheck(model, get_loss("bce"), rng.standard_normal((6, 2)),
                       (rng.random((6, 1)) > 0.5) * 1.0, check_input=True)
    assert set(result.errors) == {"W1", "b1", "W_left", "b_left", "W_right", "b_right", "W2",
                                  "b2", "X"}
    assert result.max_error < 1e-7, result.errors


class OnlyLeftPath(TwoConsumers):
    def backward(self, dY):
        self.right.backward(dY)
        return self.act.backward(self.left.backward(dY))


def test_forgetting_one_consumer_fails_the_check():
    rng = np.random.default_rng(10)
    model = Sequential([Dense(2, 3, rng=rng), OnlyLeftPath(rng), Dense(2, 1, rng=rng)])
    result = gradcheck(model, get_loss("bce"), rng.standard_normal((6, 2)),
                       (rng.random((6, 1)) > 0.5) * 1.0, check_input=True)
    assert result.errors["W_right"] < 1e-7 and result.errors["W1"] > 1e-3


class SteepTanh(Tanh):
    @staticmethod
    def derivative(Z, A, out=None):
        D = Tanh.derivative(Z, A, out)
        D *= 1.01
        return D


class DenseWithoutBiasGradient(Dense):
    def backward(self, dZ):
        dX, dW, _ = linear_backward(dZ, self.X, self.W)
        self.dW[...] = dW
        self.db[...] = 0.0
        return dX


def test_the_check_fails_on_a_derivative_off_by_one_percent():
    rng = np.random.default_rng(12)
    model = Sequential([Dense(2, 4, rng=rng), SteepTanh(), Dense(4, 1, rng=rng)])
    result = gradcheck(model, get_loss("bce"), rng.standard_normal((6, 2)),
                       (rng.random((6, 1)) > 0.5) * 1.0)
    assert result.errors["W2"] < 1e-7 and result.errors["W1"] > 1e-3 and not result.passed()


def test_the_check_fails_when_db_is_missing():
    rng = np.random.default_rng(13)
    model = Sequential([DenseWithoutBiasGradient(2, 4, rng=rng), Tanh(), Dense(4, 1, rng=rng)])
    result = gradcheck(model, get_loss("bce"), rng.standard_normal((6, 2)),
                       (rng.random((6, 1)) > 0.5) * 1.0)
    assert result.errors["b1"] == pytest.approx(1.0) and result.errors["W1"] < 1e-7


def test_relative_error_and_result():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    model = build_mlp(2, [], "tanh", 1, rng=np.random.default_rng(0))
    X, t = np.ones((2, 2)), np.ones((2, 1))
    result = gradcheck(model, get_loss("mse"), X, t)
    np.testing.assert_allclose(result.analytic["W1"], result.numeric["W1"], rtol=1e-8)
    assert result.passed() and X.tolist() == [[1.0, 1.0], [1.0, 1.0]]
