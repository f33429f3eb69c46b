"""The engine's fast paths give the numbers of the plain ones, bit for bit: the packed
parameter vector against per-tensor updates, the per-epoch evaluation against the plain
forward pass and formulas, the predicted labels against thresholded probabilities."""
import copy

import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from dnn_core.head import output_head
from dnn_core.losses import get_loss, sigmoid, softmax
from dnn_core.metrics import accuracy
from dnn_core.model import build_mlp
from dnn_core.optimizers import OPTIMIZERS
from dnn_core.steps import model_forward


def same(a, b):
    """Equal to the last bit, signed zeros included."""
    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
            and np.array_equal(np.signbit(a), np.signbit(b)))


def test_a_model_keeps_its_parameters_and_gradients_in_one_vector_each():
    model = build_mlp(2, (4, 3), "tanh", 1, init="he", rng=np.random.default_rng(0))
    params = model.parameters()
    assert model.values.size == sum(p.value.size for p in params)
    assert same(model.values, np.concatenate([p.value.ravel() for p in params]))
    params[2].value[1, 2] = 7.5                      # W2, written through the Param
    assert model.values[params[0].value.size + params[1].value.size + 1 * 4 + 2] == 7.5
    model.grads[-1] = 3.0                            # b3, written through the vector
    assert params[-1].grad[0] == 3.0
    twin = copy.deepcopy(model)                      # a copy gets vectors of its own
    assert same(twin.values, model.values)
    assert not np.shares_memory(twin.values, model.values)
    twin.parameters()[0].value[0, 0] = -1.0
    assert twin.values[0] == -1.0 != model.values[0]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("batch", [10, 10**9])
def test_the_one_vector_update_equals_the_per_tensor_update(name, batch):
    config = TrainConfig(hidden=(5, 3), optimizer=name, lr=0.01, batch=batch, reg="l2",
                         reg_rate=0.001)
    packed, per_tensor = Trainer(config), Trainer(config)
    assert packed.optimizer._vectors is not None
    per_tensor.optimizer._vectors = None             # gather, rule, update slice by slice
    packed.run_epochs(3)
    per_tensor.run_epochs(3)
    for p, q in zip(packed.params, per_tensor.params):
        assert same(p.value, q.value) and same(p.grad, q.grad)
    for a, b in zip(packed.record.keyframes(), per_tensor.record.keyframes()):
        assert same(a.weights, b.weights) and same(a.grads, b.grads)


def test_a_deep_copied_trainer_trains_alike_and_leaves_the_original_alone():
    t = Trainer(TrainConfig(hidden=(4, 2), optimizer="adam", lr=0.01))
    t.run_epochs(2)
    before = t.model.values.copy()
    twin = copy.deepcopy(t)
    twin.run_epochs(2)
    assert same(t.model.values, before)
    t.run_epochs(2)
    assert same(t.model.values, twin.model.values)
    assert t.history.last == twin.history.last


def plain_row(t, weights):
    """The history row's losses, metrics and norms of a network with `weights` (per
    parameter), from the plain forward pass and the plain formulas. Full-batch training
    (no dropout) evaluates its training set with the training step's own forward pass."""
    Wb = list(zip(weights[::2], weights[1::2]))
    ev, row = t.evaluator, {}
    model = copy.deepcopy(t.model)
    for p, w in zip(model.parameters(), weights):
        p.value[...] = w
    for part, X, T, y in (("train", t.X_train, t.T_train, t.raw["train_y"]),
                          ("test", t.X_test, t.T_test, t.raw["test_y"])):
        full_batch = part == "train" and t.batch >= len(X)
        out = model_forward(model.train(), X) if full_batch else ev.forward(X, params=Wb)
        row[f"{part}_loss"] = float(get_loss(t.loss_name).forward(out, T))
        p = t.head.readout(out, t.target_scaler)
        pred = p.argmax(axis=1) if p.ndim == 2 else (p >= 0.5).astype(np.int64)
        row[f"{part}_metric"] = float(np.mean(y == pred))
    row["weight_norm"] = [float(np.linalg.norm(W)) for W, _ in Wb]
    return row


@pytest.mark.parametrize("config", [
    TrainConfig(dataset="circle", noise=0.05, n=400, train_frac=0.75, hidden=(10, 5),
                activations="relu", init="zeros", lr=0.01, batch=10**9),
    TrainConfig(dataset="circle", n=400, hidden=(10, 5), activations="relu", init="he",
                lr=0.01, batch=10**9),
    TrainConfig(dataset="xor", hidden=(4, 2), batch=10),
    TrainConfig(loss="mse", batch=10**9, lr=0.1),
    TrainConfig(dataset="blobs3", hidden=(6,), batch=32, optimizer="adam", lr=0.01),
], ids=["zeros", "he", "minibatch", "tanh_head", "multiclass"])
def test_every_recorded_epoch_row_equals_the_plain_evaluation(config):
    """Holds the full-batch rows to the training step's forward pass bit for bit: the
    epoch's train row and the next step share it (Trainer._forward_ahead)."""
    t = Trainer(config)
    t.run_epochs(25)
    shapes = [p.value.shape for p in t.params]
    for kf in t.record.keyframes():
        starts = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
        weights = [kf.weights[a:b].reshape(s) for a, b, s in zip(starts, starts[1:], shapes)]
        expected = plain_row(t, weights)
        assert {k: kf.row[k] for k in expected} == expected, kf.epoch


def test_predicted_labels_are_the_thresholded_probabilities_bit_for_bit():
    rng = np.random.default_rng(3)
    tiny = np.array([0.0, -0.0, 2.0**-60, -2.0**-60, -2.0**-54, -2.0**-53, -2.0**-52,
                     -2.0**-51, -2.0**-50, -2.0**-49, -1e-300, -5e-324, 1e-17, -1e-17])
    logits = [tiny, np.array([np.inf, -np.inf, np.nan, 40.0, -40.0, 800.0, -800.0])]
    logits += [rng.normal(size=500) * scale for scale in (1e-18, 1e-15, 1e-3, 1.0, 50.0)]
    sig = output_head("bce", "binary")
    for z in logits:
        np.testing.assert_array_equal(sig.labels(z[:, None]), sigmoid(z) >= 0.5)
    out = rng.normal(size=(300, 1))
    np.testing.assert_array_equal(output_head("mse", "binary").labels(out),
                                  (out[:, 0] + 1.0) / 2.0 >= 0.5)
    out = rng.normal(size=(300, 4))
    np.testing.assert_array_equal(output_head("ce", "multiclass").labels(out),
                                  softmax(out).argmax(axis=1))


def test_accuracy_is_the_mean_of_the_matches_exactly():
    rng = np.random.default_rng(4)
    for n in (1, 3, 7, 100, 301, 10_007):
        y, pred = rng.integers(0, 3, n), rng.integers(0, 3, n)
        assert accuracy(y, pred) == float(np.mean(y == pred))


@pytest.mark.parametrize("edit", ["none", "set_parameter", "rewind", "update", "indices"])
def test_the_step_that_takes_the_epochs_forward_updates_as_one_that_runs_its_own(edit):
    """Full batch: the end of each epoch runs the next step's forward (`_forward_ahead`); a
    twin that always runs its own must reach the same weights bit for bit, also when the
    weights, the settings or the layers' caches changed in between (the cache is dropped)."""
    cfg = TrainConfig(dataset="circle", n=200, hidden=(6, 3), activations="relu", lr=0.05,
                      batch=10**9, optimizer="momentum", momentum=0.9)
    fast, plain = Trainer(cfg), Trainer(cfg)
    plain._take_ahead = lambda X: None
    for t in (fast, plain):
        t.run_epochs(3)
        if edit == "set_parameter":
            t.set_parameter(0, 1, 0, 0.25)
        elif edit == "rewind":
            t.rewind(1)
        elif edit == "update":
            t.update(cfg.replace(lr=0.02))
        elif edit == "indices":
            t.step(indices=[0, 5, 7])
        t.run_epochs(4)
    assert same(fast.model.values, plain.model.values)
    for column in ("train_loss", "test_loss", "train_metric"):
        assert same(fast.history.arrays()[column], plain.history.arrays()[column])
