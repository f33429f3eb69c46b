"""Sequential and build_mlp: structure, parameter order, modes, determinism."""
import numpy as np
import pytest

from dnn_core.activations import GELU, ReLU, Sigmoid, Tanh
from dnn_core.layers import Dense, Dropout
from dnn_core.losses import get_loss
from dnn_core.model import Sequential, build_mlp
from dnn_core.steps import initialize_parameters


def test_build_mlp_layout():
    model = build_mlp(2, [4, 3], ["relu", "gelu"], 1, rng=np.random.default_rng(0), dropout=0.2)
    kinds = [type(layer) for layer in model.layers]
    assert kinds == [Dense, ReLU, Dropout, Dense, GELU, Dropout, Dense]
    sizes = [(d.in_features, d.out_features) for d in model.dense_layers()]
    assert sizes == [(2, 4), (4, 3), (3, 1)]
    assert [layer.p for layer in model.layers if isinstance(layer, Dropout)] == [0.2, 0.2]


def test_one_activation_name_applies_to_all_and_output_activation_is_appended():
    model = build_mlp(3, (5, 5, 5), "tanh", 2, rng=np.random.default_rng(0),
                      output_activation="sigmoid")
    assert [type(layer) for layer in model.layers if not isinstance(layer, (Dense, Dropout))] == \
        [Tanh, Tanh, Tanh, Sigmoid]
    with pytest.raises(ValueError, match="2 hidden layers but 1 activations"):
        build_mlp(2, [3, 3], ["tanh"], 1, rng=np.random.default_rng(0))


def test_no_hidden_layer_is_logistic_regression():
    model = build_mlp(2, (), "tanh", 1, rng=np.random.default_rng(0))
    assert len(model.layers) == 1 and model.layers[0].W.shape == (1, 2)


def test_parameters_are_stable_and_ordered():
    model = build_mlp(2, [8, 8], "tanh", 1, rng=np.random.default_rng(0))
    params = model.parameters()
    assert [p.name for p in params] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert all(a is b for a, b in zip(params, model.parameters()))
    assert [p.shape for p in params] == [(8, 2), (8,), (8, 8), (8,), (1, 8), (1,)]
    assert [p.decay for p in params] == [True, False] * 3


def test_same_seed_same_weights_as_step_one():
    model = build_mlp(2, [4, 3], "tanh", 1, init="he", rng=np.random.default_rng(5))
    pairs = initialize_parameters([2, 4, 3, 1], "he", np.random.default_rng(5))
    for dense, (W, b) in zip(model.dense_layers(), pairs):
        np.testing.assert_array_equal(dense.W, W)
        np.testing.assert_array_equal(dense.b, b)


def test_forward_backward_and_zero_grad():
    rng = np.random.default_rng(1)
    model = build_mlp(2, [3], "tanh", 1, rng=rng)
    X = rng.standard_normal((5, 2))
    D1, D2 = model.dense_layers()
    expected = np.tanh(X @ D1.W.T + D1.b) @ D2.W.T + D2.b
    out = model.forward(X)
    np.testing.assert_allclose(out, expected, rtol=1e-14)
    dX = model.backward(np.ones((5, 1)))
    assert dX.shape == (5, 2)
    assert all(np.any(p.grad != 0) for p in model.parameters())
    model.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())


def test_train_and_eval_reach_every_layer():
    model = build_mlp(2, [3, 3], "relu", 1, rng=np.random.default_rng(0), dropout=0.5)
    model.eval()
    assert not model.training and not any(layer.training for layer in model.layers)
    X = np.ones((4, 2))
    first = model.forward(X).copy()
    np.testing.assert_array_equal(model.forward(X), first)  # no dropout in eval mode
    model.train()
    assert model.training and all(layer.training for layer in model.layers)


def test_dropout_changes_the_training_output_only():
    model = build_mlp(2, [16], "relu", 1, rng=np.random.default_rng(0), dropout=0.5)
    X = np.random.default_rng(1).standard_normal((8, 2))
    first = model.forward(X).copy()
    assert not np.array_equal(first, model.forward(X))
    model.eval()
    clean = model.forward(X).copy()
    for layer in model.layers:
        if isinstance(layer, Dropout):
            layer.p = 0.0
    model.train()
    np.testing.assert_array_equal(model.forward(X), clean)


def test_a_full_batch_training_loop_learns_xor():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    t = ((X[:, :1] * X[:, 1:]) > 0) * 1.0
    model = build_mlp(2, [8, 8], "tanh", 1, rng=rng)
    loss = get_loss("bce")
    first = loss.forward(model.forward(X), t)
    for _ in range(300):
        loss.forward(model.forward(X), t)
        model.backward(loss.backward())
        for p in model.parameters():
            p.value -= 0.5 * p.grad
    final = loss.forward(model.forward(X), t)
    assert final < 0.3 < first


def test_repr_lists_the_layers():
    text = repr(Sequential([Dense(2, 3, init="zeros"), ReLU(), Dropout(0.1)]))
    assert "Dense(2, 3)" in text and "ReLU()" in text and "Dropout(p=0.1)" in text
