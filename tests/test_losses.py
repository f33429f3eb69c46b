"""Losses: exact values by hand, stability at huge logits, dL/dz by finite differences."""
import math

import numpy as np
import pytest

from dnn_core.gradcheck import numerical_gradient, relative_error
from dnn_core.losses import (LOSSES, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, get_loss,
                             sigmoid, softmax)


def test_registry_round_trips():
    assert list(LOSSES) == ["bce", "ce", "mse"]
    for name, cls in LOSSES.items():
        loss = get_loss(name)
        assert type(loss) is cls and loss.name == name and loss.title and loss.formula
    assert [LOSSES[n].output_activation for n in LOSSES] == ["sigmoid", "softmax", "identity"]
    with pytest.raises(ValueError, match="unknown loss 'hinge'.*bce, ce, mse"):
        get_loss("hinge")


def test_bce_exact_values():
    z = np.array([[0.0], [2.0], [-1.0]])
    t = np.array([[1.0], [0.0], [0.0]])
    loss = BCEWithLogitsLoss()
    expected = (math.log(2) + (2 + math.log1p(math.exp(-2))) + math.log1p(math.exp(-1))) / 3
    assert loss.forward(z, t) == pytest.approx(expected, rel=1e-15)
    s = [0.5, 1 / (1 + math.exp(-2)), 1 / (1 + math.exp(1))]
    np.testing.assert_allclose(loss.backward(), [[(s[0] - 1) / 3], [s[1] / 3], [s[2] / 3]],
                               rtol=1e-15)


def test_bce_is_finite_and_exact_at_logits_of_1000():
    z = np.array([[1000.0], [1000.0], [-1000.0], [-1000.0]])
    t = np.array([[1.0], [0.0], [1.0], [0.0]])
    loss = BCEWithLogitsLoss()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert loss.forward(z, t) == 2000.0 / 4
        np.testing.assert_array_equal(loss.backward(), [[0.0], [0.25], [-0.25], [0.0]])


def test_bce_accepts_a_flat_target_and_rejects_a_wrong_size():
    z = np.array([[0.3], [-0.2]])
    loss = BCEWithLogitsLoss()
    assert loss.forward(z, np.array([1.0, 0.0])) == loss.forward(z, np.array([[1.0], [0.0]]))
    with pytest.raises(ValueError, match="does not match"):
        loss.forward(z, np.array([1.0, 0.0, 1.0]))


def test_cross_entropy_exact_values():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    loss = CrossEntropyLoss()
    lse = math.log(math.e + math.e**2 + math.e**3)
    assert loss.forward(z, y) == pytest.approx(((lse - 3.0) + math.log(3)) / 2, rel=1e-15)
    p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    expected = np.array([p - [0, 0, 1], [1 / 3 - 1, 1 / 3, 1 / 3]]) / 2
    np.testing.assert_allclose(loss.backward(), expected, rtol=1e-14)


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0], [5000.0, 5000.0, -5000.0]])
    loss = CrossEntropyLoss()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = loss.forward(z, np.array([1, 0]))
        grad = loss.backward()
    assert value == pytest.approx((2000.0 + math.log(2)) / 2, rel=1e-15)
    np.testing.assert_allclose(grad, [[0.5, -0.5, 0.0], [-0.25, 0.25, 0.0]], atol=1e-300)


def test_cross_entropy_rejects_bad_labels():
    loss = CrossEntropyLoss()
    with pytest.raises(ValueError, match="integer labels"):
        loss.forward(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels must be in 0\.\.2"):
        loss.forward(np.zeros((2, 3)), np.array([0, 3]))


def test_mse_exact_values_mean_over_every_element():
    y = np.array([[1.0, 2.0], [3.0, 5.0]])
    t = np.array([[0.0, 2.0], [1.0, 1.0]])
    loss = MSELoss()
    assert loss.forward(y, t) == (1 + 0 + 4 + 16) / 4
    np.testing.assert_array_equal(loss.backward(), [[0.5, 0.0], [1.0, 2.0]])


CASES = {
    "bce": lambda rng: (rng.standard_normal((6, 1)) * 3, (rng.random((6, 1)) > 0.5) * 1.0),
    "ce": lambda rng: (rng.standard_normal((6, 4)) * 3, rng.integers(0, 4, size=6)),
    "mse": lambda rng: (rng.standard_normal((6, 2)), rng.standard_normal((6, 2))),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_backward_matches_finite_differences(name):
    z, target = CASES[name](np.random.default_rng(11))
    loss = get_loss(name)
    loss.forward(z, target)
    analytic = np.array(loss.backward())
    numeric = numerical_gradient(lambda: loss.forward(z, target), z)
    assert relative_error(analytic, numeric) < 1e-7


def test_output_transforms():
    np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])
    P = softmax(np.array([[1000.0, 1000.0, -1000.0], [0.0, math.log(3), 0.0]]))
    np.testing.assert_allclose(P, [[0.5, 0.5, 0.0], [0.2, 0.6, 0.2]], rtol=1e-15)
