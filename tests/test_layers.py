"""Dense and Dropout: exact forward/backward, finite differences, buffers, dropout masks."""
import numpy as np
import pytest

from dnn_core.gradcheck import gradcheck
from dnn_core.layers import MAX_CACHED_SHAPES, Dense, Dropout, Layer
from dnn_core.losses import MSELoss


def small_dense():
    layer = Dense(2, 3, init="zeros")
    layer.W[...] = [[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]]
    layer.b[...] = [0.5, -1.0, 2.0]
    return layer


def test_dense_shapes_follow_pytorch_linear():
    layer = Dense(4, 3, rng=np.random.default_rng(0))
    assert layer.W.shape == (3, 4) and layer.b.shape == (3,)
    assert layer.dW.shape == (3, 4) and layer.db.shape == (3,)
    assert [p.name for p in layer.parameters()] == ["W", "b"]
    assert [p.decay for p in layer.parameters()] == [True, False]
    assert layer.parameters()[0] is layer.parameters()[0]
    np.testing.assert_array_equal(layer.b, 0.0)
    assert np.all(Dense(2, 2, init="zeros", bias=0.1).b == 0.1)


def test_dense_forward_and_backward_exact_values():
    layer = small_dense()
    X = np.array([[1.0, -1.0], [2.0, 0.0]])
    Z = layer.forward(X)
    np.testing.assert_array_equal(Z, [[-0.5, -2.5, -1.0], [2.5, -3.0, 2.0]])
    dZ = np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 1.0]])
    dX = layer.backward(dZ)
    np.testing.assert_array_equal(layer.dW, dZ.T @ X)
    np.testing.assert_array_equal(layer.dW, [[1.0, -1.0], [-2.0, 0.0], [4.0, -2.0]])
    np.testing.assert_array_equal(layer.db, [1.0, -1.0, 3.0])
    np.testing.assert_array_equal(dX, [[1.0, 8.0], [1.0, 2.5]])


def test_backward_overwrites_gradients_and_never_touches_weights():
    layer = small_dense()
    W_before = layer.W.copy()
    X, dZ = np.ones((2, 2)), np.ones((2, 3))
    layer.forward(X)
    layer.backward(dZ)
    layer.backward(dZ)
    np.testing.assert_array_equal(layer.db, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(layer.W, W_before)


def test_dense_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    layer = Dense(3, 4, init="he", rng=rng)
    result = gradcheck(layer, MSELoss(), rng.standard_normal((5, 3)),
                       rng.standard_normal((5, 4)), check_input=True)
    assert set(result.errors) == {"W", "b", "X"}
    assert result.max_error < 1e-7


def test_buffers_are_reused_per_batch_shape_and_parameters_never_rebound():
    layer = Dense(2, 3, rng=np.random.default_rng(2))
    W, dW = layer.W, layer.dW
    big, small = np.ones((10, 2)), np.ones((4, 2))
    Z_big = layer.forward(big)
    Z_small = layer.forward(small)
    assert layer.forward(big) is Z_big and layer.forward(small) is Z_small
    assert Z_big.shape == (10, 3) and Z_small.shape == (4, 3)
    layer.backward(np.ones((4, 3)))
    assert layer.W is W and layer.dW is dW
    for n in range(MAX_CACHED_SHAPES + 1):
        layer.forward(np.ones((20 + n, 2)))
    assert layer.forward(big) is not Z_big  # the oldest shape was dropped, not overwritten
    np.testing.assert_array_equal(Z_big, layer.forward(big))


def test_layer_modes():
    layer = Layer()
    assert layer.training and layer.parameters() == []
    assert layer.eval() is layer and not layer.training
    assert layer.train().training


def test_dropout_is_identity_in_eval_mode_and_at_p_zero():
    X = np.arange(6.0).reshape(3, 2)
    assert Dropout(0.5, np.random.default_rng(0)).eval().forward(X) is X
    layer = Dropout(0.0)
    assert layer.forward(X) is X and layer.backward(X) is X


def test_dropout_mask_is_the_inverted_formula_from_rng():
    p, shape = 0.3, (200, 5)
    layer = Dropout(p, np.random.default_rng(7))
    X = np.ones(shape)
    Y = layer.forward(X)
    expected = (np.random.default_rng(7).random(shape) >= p) / (1 - p)
    np.testing.assert_array_equal(Y, expected)
    np.testing.assert_array_equal(layer.mask, expected)
    assert set(np.unique(Y)) == {0.0, 1.0 / (1 - p)}
    assert abs(Y.mean() - 1.0) < 0.05                      # inverted: E[Y] = X
    dY = np.full(shape, 2.0)
    np.testing.assert_array_equal(layer.backward(dY), 2.0 * expected)
    assert not np.array_equal(layer.forward(X), expected)  # a new mask each forward


def test_dropout_p_is_settable_and_validated():
    layer = Dropout(0.2, np.random.default_rng(0))
    layer.p = 0.6
    assert layer.p == 0.6
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            layer.p = bad
    with pytest.raises(ValueError, match="needs rng"):
        Dropout(0.5).forward(np.ones((2, 2)))


def test_dropout_with_a_fixed_mask_matches_finite_differences():
    rng = np.random.default_rng(5)
    mask = (rng.random((4, 3)) >= 0.5) / 0.5
    layer = Dropout(0.5, fixed_mask=mask)
    result = gradcheck(layer, MSELoss(), rng.standard_normal((4, 3)),
                       rng.standard_normal((4, 3)), check_input=True)
    assert result.errors["X"] < 1e-7
    np.testing.assert_array_equal(layer.mask, mask)
    assert layer.eval().forward(mask) is mask
