"""The trainer: learning on every toy set, epochs and batches, determinism, divergence,
keeping weights across hyper-parameter changes, and the snapshot's truth."""
import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from dnn_core.datasets import DATASETS

# The stated configurations that learn each toy set (also shown in the README).
LEARNS = {
    "circle": dict(hidden=(8, 4), activations="tanh", noise=0.1),
    "xor": dict(hidden=(8, 4), activations="tanh", noise=0.1),
    "gauss": dict(hidden=(4,), activations="tanh", noise=0.1),
    "spiral": dict(hidden=(16, 16), activations="relu", features=("x1", "x2", "sinx1", "sinx2")),
    "moons": dict(hidden=(8, 8), activations="tanh", noise=0.1),
    "flower": dict(hidden=(16, 8), activations="tanh", noise=0.05),
    "blobs3": dict(hidden=(8,), activations="tanh", noise=0.1),
    "spiral3": dict(hidden=(16, 16), activations="relu", features=("x1", "x2", "sinx1", "sinx2")),
    "plane": dict(hidden=(4,), activations="tanh"),
    "multigauss": dict(hidden=(16, 16), activations="tanh"),
}


def adam(dataset, **kw):
    base = dict(dataset=dataset, n=600, seed=1, optimizer="adam", lr=0.01, batch=32)
    base.update(kw)
    return TrainConfig(**base)


@pytest.mark.parametrize("name", list(LEARNS))
def test_learns_every_toy_dataset(name):
    t = Trainer(adam(name, **LEARNS[name]))
    t.run_epochs(400)
    row = t.history.last
    if DATASETS[name].task == "regression":
        assert row["test_metric"] >= 0.95, f"{name}: R² {row['test_metric']:.3f}"
    else:
        assert row["test_metric"] >= 0.95, f"{name}: test accuracy {row['test_metric']:.3f}"


def test_an_epoch_is_one_pass_with_the_partial_batch_included():
    t = Trainer(TrainConfig(n=100, train_frac=0.5, batch=16))
    for _ in range(3):
        rec = t.step()
    assert (t.epoch, t.steps) == (0, 3)
    rec = t.run_epochs(1)
    assert rec.epoch_done and t.epoch == 1 and t.steps == 4  # ceil(50 / 16) = 4
    t.run_epochs(2)
    assert t.steps == 12 and len(t.history) == 4  # epoch 0 (initial) plus three


def test_each_epoch_reshuffles():
    t = Trainer(TrainConfig(n=100, batch=10))
    t.step()
    first = t._order.copy()
    t.run_epochs(1)
    t.step()
    assert not np.array_equal(first, t._order)
    assert sorted(first) == sorted(t._order)


def test_same_seed_same_run_and_reset_is_bit_identical():
    cfg = TrainConfig(dataset="spiral", hidden=(6, 6), seed=7, dropout=0.2)
    a, b = Trainer(cfg), Trainer(cfg)
    w0 = [p.value.copy() for p in a.params]
    a.run_epochs(5)
    b.run_epochs(5)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p.value, q.value)
    a.reset()
    for p, w in zip(a.params, w0):
        np.testing.assert_array_equal(p.value, w)
    assert a.epoch == 0 and a.steps == 0
    other = Trainer(cfg.replace(seed=8))
    assert not np.array_equal(other.params[0].value, w0[0])


@pytest.mark.parametrize("change", [
    dict(lr=0.1), dict(optimizer="adam"), dict(momentum=0.5, optimizer="momentum"),
    dict(batch=50), dict(reg="l2", reg_rate=0.01), dict(dropout=0.3),
    dict(schedule="inverse_time", decay=0.1)])
def test_hyper_changes_keep_the_trained_weights(change):
    t = Trainer(TrainConfig())
    t.run_epochs(3)
    before = [p.value.copy() for p in t.params]
    assert t.update(t.config.replace(**change)) == "kept"
    for p, w in zip(t.params, before):
        np.testing.assert_array_equal(p.value, w)
    assert t.epoch == 3
    t.run_epochs(1)
    assert t.epoch == 4


def test_a_new_learning_rate_takes_effect_at_the_next_step():
    t = Trainer(TrainConfig(batch=500))
    t.update(t.config.replace(lr=0.5))
    g = [p.value.copy() for p in t.params]
    t.step()
    dW = t.model.dense_layers()[0].dW
    np.testing.assert_allclose(t.params[0].value, g[0] - 0.5 * dW, rtol=0, atol=1e-15)


@pytest.mark.parametrize("change", [
    dict(dataset="xor"), dict(noise=0.2), dict(seed=3), dict(features=("x1", "x2", "x1x2")),
    dict(hidden=(3,)), dict(activations="relu"), dict(init="he"), dict(loss="mse")])
def test_data_and_architecture_changes_rebuild(change):
    t = Trainer(TrainConfig())
    t.run_epochs(2)
    assert t.update(t.config.replace(**change)) == "rebuilt"
    assert t.epoch == 0 and len(t.history) == 1


def test_learning_rate_100_on_spiral_diverges_politely():
    t = Trainer(TrainConfig(dataset="spiral", hidden=(8, 8), lr=100.0))
    rec = None
    for _ in range(200):
        rec = t.run_epochs(1)
        if rec.diverged:
            break
    assert rec.diverged and "learning rate" in rec.message
    assert all(np.isfinite(p.value).all() for p in t.params)
    again = t.step()
    assert again.diverged and t.steps == rec.step
    snap = t.snapshot(20)
    assert snap["diverged"] and np.isfinite(snap["output"]).all()
    t.reset()
    assert not t.diverged and not t.step().diverged


def test_mse_on_binary_uses_a_tanh_output_and_pm1_targets():
    t = Trainer(TrainConfig(loss="mse"))
    assert t.output_activation == "tanh"
    assert set(np.unique(t.T_train)) == {-1.0, 1.0}
    p = t.predict_proba(t.raw["test_X"])
    assert ((p >= 0) & (p <= 1)).all()


def test_wrong_loss_for_the_task_says_so():
    with pytest.raises(ValueError, match="does not fit a multiclass task"):
        Trainer(TrainConfig(dataset="blobs3", loss="bce"))


def test_snapshot_is_the_engines_true_state():
    t = Trainer(TrainConfig(hidden=(3, 2)))
    t.run_epochs(2)
    s = t.snapshot(res=30)
    assert s["output"].shape == (30, 30)
    assert [n.shape for n in s["neurons"]] == [(3, 30, 30), (2, 30, 30)]
    assert s["inputs"].shape == (2, 30, 30)
    assert s["layer_sizes"] == [2, 3, 2, 1] and s["epoch"] == 2
    for w, layer in zip(s["W"], t.model.dense_layers()):
        np.testing.assert_array_equal(w, layer.W)
    x0, x1, y0, y1 = s["domain"]
    # Grid corner (row 0 = bottom, column 0 = left) equals a direct prediction there.
    for (i, j) in [(0, 0), (0, 29), (29, 0), (17, 11)]:
        pt = np.array([[x0 + j * (x1 - x0) / 29, y0 + i * (y1 - y0) / 29]])
        assert s["output"][i, j] == pytest.approx(t.predict_proba(pt)[0], abs=1e-5)
    assert s["history"]["epoch"].tolist() == [0, 1, 2]
    assert s["loss"]["train"] == t.history.last["train_loss"]


def test_multiclass_snapshot_holds_class_probabilities():
    t = Trainer(TrainConfig(dataset="blobs3", hidden=(4,)))
    s = t.snapshot(res=20)
    assert s["output"].shape == (20, 20, 3)
    np.testing.assert_allclose(s["output"].sum(axis=2), 1.0, rtol=1e-5)


def test_regularization_penalty_is_part_of_the_cost_and_shown_apart():
    t = Trainer(TrainConfig(reg="l2", reg_rate=0.1))
    t.run_epochs(1)
    row = t.history.last
    W = [d.W for d in t.model.dense_layers()]
    assert row["train_penalty"] == pytest.approx(0.1 * 0.5 * sum((w ** 2).sum() for w in W))
    s = t.snapshot(10)
    assert s["loss"]["train"] == pytest.approx(s["loss"]["train_data"] + s["loss"]["train_penalty"])


def test_learning_rate_10_on_the_default_spiral_network_is_caught():
    t = Trainer(TrainConfig(dataset="spiral", lr=10.0))
    rec = t.run_epochs(100)
    assert rec.diverged and "stayed above 2x its starting value" in rec.message


@pytest.mark.parametrize("name", ["circle", "spiral", "plane", "blobs3"])
def test_healthy_runs_never_count_as_diverged(name):
    t = Trainer(TrainConfig(dataset=name, noise=0.3, optimizer="adam", lr=0.1))
    assert not t.run_epochs(100).diverged


def test_uploaded_regression_targets_in_large_units_learn_and_come_back_in_units():
    from dnn_core.data import from_arrays

    rng = np.random.default_rng(3)
    X = rng.uniform(0, 100, (400, 2))
    y = 5000.0 + 30.0 * X[:, 0] - 12.0 * X[:, 1]  # prices, say
    t = Trainer(TrainConfig(hidden=(8,), optimizer="adam", lr=0.01, batch=32),
                data=from_arrays(X, y))
    assert t.task == "regression"
    rec = t.run_epochs(200)
    assert not rec.diverged and t.history.last["test_metric"] > 0.99
    pred = t.predict_proba(X[:5])
    np.testing.assert_allclose(pred, y[:5], rtol=0.02)


def test_replace_data_keeps_the_network_and_goes_on_learning():
    from dnn_core.data import from_arrays

    rng = np.random.default_rng(5)
    X = rng.uniform(-5, 5, (60, 2))
    y = (X[:, 0] > 0).astype(int)
    t = Trainer(TrainConfig(hidden=(4,), optimizer="adam", lr=0.05, batch=8),
                data=from_arrays(X, y, source="drawn"))
    t.run_epochs(5)
    weights = [p.value.copy() for p in t.params]
    more = from_arrays(np.vstack([X, [[4.0, 4.0]]]), np.append(y, 1), source="drawn")
    t.replace_data(more)
    for p, w in zip(t.params, weights):
        np.testing.assert_array_equal(p.value, w)
    assert len(t.raw["train_X"]) + len(t.raw["test_X"]) == 61 and t.epoch == 5
    t.run_epochs(30)
    assert t.epoch == 35 and t.history.last["test_metric"] > 0.9
    with pytest.raises(ValueError, match="must stay binary with 2 classes"):
        t.replace_data(from_arrays(X, X[:, 0], task="regression"))


def test_peeking_at_the_next_batch_does_not_change_the_run():
    a, b = Trainer(TrainConfig(batch=16)), Trainer(TrainConfig(batch=16))
    first = a.next_batch_indices().copy()
    np.testing.assert_array_equal(a.next_batch_indices(), first)
    a.run_epochs(2)
    b.run_epochs(2)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p.value, q.value)


def test_an_update_that_overflows_the_weights_is_rolled_back():
    t = Trainer(TrainConfig(batch=500, hidden=(3,)))
    t.run_epochs(1)
    before = [p.value.copy() for p in t.params]
    update = t.optimizer.step

    def overflowing_update():
        update()
        t.model.dense_layers()[0].W[0, 0] = np.inf
    t.optimizer.step = overflowing_update
    rec = t.step()
    assert rec.diverged and "non-finite" in rec.message
    for p, w in zip(t.params, before):
        np.testing.assert_array_equal(p.value, w)


def test_the_divergence_message_stays_true_when_the_learning_rate_is_lowered():
    t = Trainer(TrainConfig(dataset="spiral", lr=10.0))
    assert t.run_epochs(100).diverged
    assert "learning rate 10" in t.message and "lower it and press Reset" in t.message
    t.update(t.config.replace(lr=0.01))
    assert "(10) is probably too high" not in t.message and "lower it" not in t.message
    assert "diverged at learning rate 10" in t.message and "is now 0.01" in t.message
    assert "Reset to start again with the current settings" in t.message
    assert t.snapshot(10)["message"] == t.message


def test_state_dict_moves_a_run_mid_epoch_into_a_fresh_trainer_bit_for_bit():
    config = TrainConfig(dataset="moons", optimizer="rmsprop", lr=0.01, dropout=0.3, batch=7)
    a = Trainer(config)
    a.run_epochs(3)
    for _ in range(5):
        a.step()
    b = Trainer(config)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.next_batch_indices(), b.next_batch_indices())
    a.run_epochs(2)
    b.run_epochs(2)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p.value, q.value)
    assert b.record.epochs() == a.record.epochs() == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="6 parameter arrays for a network of 4"):
        Trainer(config.replace(hidden=(3,))).load_state_dict(a.state_dict())
    with pytest.raises(ValueError, match="shape"):
        Trainer(config.replace(hidden=(3, 2))).load_state_dict(a.state_dict())
