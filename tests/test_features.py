"""Input features: registry order, titles, exact values, errors."""
import numpy as np
import pytest

from dnn_core.features import FEATURES, transform

X = np.array([[1.0, 2.0], [0.5, -3.0], [-np.pi / 2, 0.0]])


def test_registry_order_and_titles():
    assert list(FEATURES) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]
    assert [f.title for f in FEATURES.values()] == \
        ["X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)"]
    for name, feature in FEATURES.items():
        assert feature.name == name and feature.formula


def test_exact_values_for_every_feature():
    out = transform(X, list(FEATURES))
    expected = np.array([
        [1.0, 2.0, 1.0, 4.0, 2.0, np.sin(1.0), np.sin(2.0)],
        [0.5, -3.0, 0.25, 9.0, -1.5, np.sin(0.5), np.sin(-3.0)],
        [-np.pi / 2, 0.0, np.pi ** 2 / 4, 0.0, 0.0, -1.0, 0.0],
    ])
    assert out.shape == (3, 7) and out.dtype == np.float64
    assert np.array_equal(out[:, :5], expected[:, :5])
    np.testing.assert_allclose(out[:, 5:], expected[:, 5:], rtol=0, atol=1e-15)


def test_columns_follow_the_order_of_names():
    out = transform(X, ("x1x2", "x1"))
    assert np.array_equal(out, np.column_stack([X[:, 0] * X[:, 1], X[:, 0]]))
    assert np.array_equal(transform(X, "x2"), X[:, 1:])


def test_integer_input_gives_float64():
    assert transform(np.array([[1, 2]]), ["x1sq"]).dtype == np.float64


@pytest.mark.parametrize("names, message", [
    ([], "choose at least one feature; valid: x1, x2, x1sq"),
    (["x1", "cosx1"], "unknown feature 'cosx1'; valid: x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2"),
])
def test_bad_names_raise_with_the_valid_names(names, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        transform(X, names)


def test_wrong_shape_raises():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        transform(np.zeros((4, 3)), ["x1"])
