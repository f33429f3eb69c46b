"""The loss landscape: exact at the centre, equal to a direct evaluation along its
directions, the recorded path in the PCA plane, filter-normalized random directions."""
import copy

import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from dnn_core.landscape import loss_landscape, random_direction
from dnn_core.recorder import flatten, unflatten

CONFIGS = {
    "binary_l2": TrainConfig(reg="l2", reg_rate=0.01, optimizer="adam", lr=0.01),
    "multiclass": TrainConfig(dataset="blobs3", hidden=(5, 3), activations="relu"),
    "regression_l1_dropout": TrainConfig(dataset="plane", reg="l1", reg_rate=0.003,
                                         dropout=0.2),
    "mse_tanh_output": TrainConfig(loss="mse", activations="gelu"),
}


def trained(name, epochs=8):
    t = Trainer(CONFIGS[name])
    t.run_epochs(epochs)
    return t


def direct_loss(trainer, flat):
    """The training loss the trainer's own epoch evaluation gives at weights `flat`."""
    twin = copy.deepcopy(trainer)
    for p, w in zip(twin.params, unflatten(flat, [p.value.shape for p in twin.params])):
        np.copyto(p.value, w)
    return twin.evaluator.epoch_row()["train_loss"]


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("kind", ["pca", "random"])
def test_centre_is_the_training_loss_exactly_and_points_match_a_direct_evaluation(name, kind):
    t = trained(name)
    land = loss_landscape(t, kind, res=9, rng=np.random.default_rng(1))
    assert land.loss.shape == (9, 9)
    assert land.loss[4, 4] == t.history.last["train_loss"]
    theta = flatten(p.value for p in t.params)
    for j, i in [(4, 0), (4, 7), (1, 4), (8, 2)]:
        point = theta + land.alpha[i] * land.d1 + land.beta[j] * land.d2
        assert land.loss[j, i] == pytest.approx(direct_loss(t, point), rel=1e-12, abs=1e-15)
    assert not np.allclose(land.loss, land.loss[4, 4])


def test_penalty_is_included_unless_asked_not_to():
    t = trained("binary_l2")
    row = t.history.last
    bare = loss_landscape(t, "pca", res=3, penalty=False)
    assert bare.loss[1, 1] == pytest.approx(row["train_loss"] - row["train_penalty"], rel=1e-14)
    assert row["train_penalty"] > 0


def test_the_pca_plane_holds_the_start_and_the_current_point():
    t = trained("multiclass", epochs=30)
    land = loss_landscape(t, "pca", res=5)
    theta = flatten(p.value for p in t.params)
    start = t.record[0].weights
    a, b = land.path[0]
    np.testing.assert_allclose(theta + a * land.d1 + b * land.d2, start, rtol=0, atol=1e-12)
    np.testing.assert_allclose(land.path[-1], [0.0, 0.0], atol=1e-12)
    assert land.epochs[0] == 0 and land.epochs[-1] == t.epoch
    assert abs(land.d1 @ land.d2) < 1e-12 and 0 < land.explained <= 1
    assert np.abs(land.path[:, 0]).max() < land.alpha[-1]   # the grid covers the path


def test_random_directions_are_filter_normalized_and_leave_biases():
    t = trained("multiclass")
    d = unflatten(random_direction(t, np.random.default_rng(3)),
                  [p.value.shape for p in t.params])
    for p, dp in zip(t.params, d):
        if p.decay:
            np.testing.assert_allclose(np.linalg.norm(dp, axis=1),
                                       np.linalg.norm(p.value, axis=1), rtol=1e-12)
        else:
            assert not dp.any()


def test_progress_is_reported_and_bad_requests_say_what_to_change():
    t = trained("binary_l2", epochs=1)
    calls = []
    loss_landscape(t, "random", res=5, rng=np.random.default_rng(0),
                   progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (25, 25)
    with pytest.raises(ValueError, match="odd"):
        loss_landscape(t, "random", res=40, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        loss_landscape(t, "random")
    with pytest.raises(ValueError, match="still at their start"):
        loss_landscape(Trainer(), "pca")
