"""Activations: registry, exact values, g' against finite differences, layer = pure math."""
import math

import numpy as np
import pytest

from dnn_core.activations import ACTIVATIONS, Activation, Tanh, get_activation
from dnn_core.gradcheck import gradcheck
from dnn_core.losses import MSELoss

NAMES = list(ACTIVATIONS)   # every test walks the registry: a new activation is tested too


def away_from_kinks(rng, shape):
    """Inputs in ±[0.1, 3]: relu and leaky_relu are smooth there."""
    Z = rng.uniform(0.1, 3.0, size=shape)
    return Z * rng.choice([-1.0, 1.0], size=shape)


def test_registry_round_trips_every_name():
    assert set(EXACT) == set(NAMES), "every activation states its exact values in EXACT"
    for name in NAMES:
        layer = get_activation(name)
        assert isinstance(layer, Activation) and layer.name == name
        assert layer.title and "g(z)" in layer.formula and "g'(z)" in layer.formula
        assert get_activation(name) is not layer


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*leaky_relu.*sine"):
        get_activation("swish")


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


EXACT = {  # name -> (g, g') at z by hand, for z in Z_POINTS
    "identity": (lambda z: z, lambda z: 1.0),
    "relu": (lambda z: max(z, 0.0), lambda z: float(z > 0)),
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01),
    "elu": (lambda z: z if z > 0 else math.exp(z) - 1.0, lambda z: 1.0 if z > 0 else math.exp(z)),
    "gelu": (lambda z: 0.5 * z * (1 + math.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3))),
             None),
    "silu": (lambda z: z * sigma(z), lambda z: sigma(z) * (1 + z * (1 - sigma(z)))),
    "tanh": (math.tanh, lambda z: 1.0 - math.tanh(z) ** 2),
    "sigmoid": (sigma, lambda z: sigma(z) * (1 - sigma(z))),
    "softplus": (lambda z: math.log(1.0 + math.exp(z)), sigma),
    "sine": (math.sin, math.cos),
}
Z_POINTS = [-2.5, -0.7, 0.3, 1.9]


@pytest.mark.parametrize("name", NAMES)
def test_exact_values_against_hand_formulas(name):
    cls = ACTIVATIONS[name]
    Z = np.array([Z_POINTS])
    g, dg = EXACT[name]
    A = cls.fn(Z)
    np.testing.assert_allclose(A[0], [g(z) for z in Z_POINTS], rtol=1e-14, atol=1e-15)
    if dg is not None:
        np.testing.assert_allclose(cls.derivative(Z, A)[0], [dg(z) for z in Z_POINTS],
                                   rtol=1e-14, atol=1e-15)


def test_kinks_follow_pytorch_at_zero():
    Z = np.array([[0.0]])
    assert ACTIVATIONS["relu"].derivative(Z, Z)[0, 0] == 0.0
    assert ACTIVATIONS["leaky_relu"].derivative(Z, Z)[0, 0] == 0.01
    assert ACTIVATIONS["elu"].derivative(Z, Z)[0, 0] == 1.0


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_finite_differences(name):
    rng = np.random.default_rng(3)
    Z = away_from_kinks(rng, (6, 3))
    result = gradcheck(get_activation(name), MSELoss(), Z, rng.standard_normal((6, 3)),
                       check_input=True)
    assert result.errors["X"] < 1e-7


@pytest.mark.parametrize("name", NAMES)
def test_layer_runs_the_pure_math_and_reuses_its_buffers(name):
    rng = np.random.default_rng(4)
    Z, dA = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    layer = get_activation(name)
    A = layer.forward(Z)
    np.testing.assert_array_equal(A, layer.fn(Z))
    dZ = layer.backward(dA)
    np.testing.assert_array_equal(dZ, dA * layer.derivative(Z, layer.fn(Z)))
    assert layer.forward(Z + 1.0) is A                 # same batch shape: same buffer
    assert layer.forward(Z[:2]) is not A               # new shape: a new buffer


@pytest.mark.parametrize("name", NAMES)
def test_pure_math_keeps_float32_and_stays_finite(name):
    cls = ACTIVATIONS[name]
    Z = np.array([[-1000.0, -30.0, 0.5, 30.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = cls.fn(Z)
        D = cls.derivative(Z, A)
    assert np.isfinite(A).all() and np.isfinite(D).all()
    assert cls.fn(Z.astype(np.float32)).dtype == np.float32


def test_stable_tails_are_exact():
    Z = np.array([[-1000.0, 1000.0]])
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].fn(Z), [[0.0, 1.0]])
    np.testing.assert_array_equal(ACTIVATIONS["softplus"].fn(Z), [[0.0, 1000.0]])
    np.testing.assert_array_equal(ACTIVATIONS["elu"].fn(Z), [[-1.0, 1000.0]])


def test_backward_uses_the_class_derivative():
    class SteepTanh(Tanh):
        @staticmethod
        def derivative(Z, A, out=None):
            return Tanh.derivative(Z, A, out) * 1.01

    Z = np.array([[0.5]])
    assert SteepTanh().forward(Z)[0, 0] == Tanh().forward(Z)[0, 0]
    layer = SteepTanh()
    layer.forward(Z)
    assert layer.backward(np.ones((1, 1)))[0, 0] == pytest.approx(1.01 * (1 - math.tanh(0.5) ** 2))
