"""The recorded run: keyframes equal the run's weights at their epochs, thinning keeps the
bound for a million epochs, rewind puts a keyframe back exactly, snapshots of keyframes."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from dnn_core.recorder import BUDGET, MAX_KEYFRAMES, Recorder, flatten

LARGEST = TrainConfig(dataset="spiral3", hidden=(32,) * 8, activations="relu",
                      features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
                      optimizer="adam", lr=0.01)


def weights(trainer):
    return flatten(p.value for p in trainer.params)


def test_keyframes_are_the_weights_the_run_had_at_their_epoch_even_when_thinned():
    config = TrainConfig(optimizer="momentum", dropout=0.2, batch=16)
    run = Trainer(config)
    run.record = Recorder(run.record.n_params, max_keyframes=8)
    run.run_epochs(1)   # the record was replaced after epoch 0: it starts at epoch 1
    run.run_epochs(40)
    again, seen = Trainer(config), {}
    for _ in range(41):
        again.run_epochs(1)
        seen[again.epoch] = (weights(again), again.steps)
    assert len(run.record) <= 8 and run.record.epochs()[0] == 1
    assert run.record.epochs()[-1] == 41
    for k in run.record.keyframes():
        np.testing.assert_array_equal(k.weights, seen[k.epoch][0])
        assert k.steps == seen[k.epoch][1]


def test_a_million_epochs_keep_at_most_the_capacity_evenly_spread():
    record = Recorder(n_params=1)
    for epoch in range(1_000_000):
        record.add(SimpleNamespace(epoch=epoch))
        if epoch % 4096 == 0:
            assert len(record) <= MAX_KEYFRAMES
    epochs = record.epochs()
    assert len(epochs) <= MAX_KEYFRAMES and epochs[0] == 0 and epochs[-1] == 999_999
    assert len(set(np.diff(epochs[:-1]).tolist())) == 1, "evenly spaced"
    assert len(epochs) > MAX_KEYFRAMES // 2


def test_the_largest_network_stays_within_the_byte_budget():
    t = Trainer(LARGEST)
    assert not t.record.keeps_optimizer and 4 <= t.record.capacity < MAX_KEYFRAMES
    last = t.record[-1]
    for epoch in range(1, 1000):
        t.record.add(dataclasses.replace(last, epoch=epoch))
        assert t.record.nbytes() <= BUDGET
    assert t.record.capacity // 2 < len(t.record) <= t.record.capacity
    small = Trainer(TrainConfig(optimizer="adam"))
    assert small.record.keeps_optimizer and small.record.capacity == MAX_KEYFRAMES


def test_rewind_puts_the_keyframe_back_and_the_run_continues_as_it_did():
    config = TrainConfig(dataset="spiral", optimizer="adam", lr=0.01, dropout=0.1)
    run, twin = Trainer(config), Trainer(config)
    run.run_epochs(12)
    twin.run_epochs(12)
    i = run.record.epochs().index(5)
    kept = run.record[i]
    assert run.rewind(i) is True
    np.testing.assert_array_equal(weights(run), kept.weights)
    assert (run.epoch, run.steps) == (5, kept.steps) and run.record.epochs() == list(range(6))
    assert run.history.arrays()["epoch"].tolist() == list(range(6))
    assert run.history.last["test_loss"] == kept.row["test_loss"]
    run.run_epochs(7)   # same settings, same optimizer state and streams: the same run
    np.testing.assert_array_equal(weights(run), weights(twin))
    np.testing.assert_array_equal(run.history.arrays()["test_loss"],
                                  twin.history.arrays()["test_loss"])


def test_rewind_after_an_optimizer_change_starts_it_afresh_and_says_so():
    run = Trainer(TrainConfig(optimizer="adam", lr=0.01))
    run.run_epochs(4)
    run.update(run.config.replace(optimizer="momentum"))
    assert run.rewind(2) is False
    assert run.optimizer.name == "momentum" and not run.optimizer.velocity.any()
    np.testing.assert_array_equal(weights(run), run.record[2].weights)
    big = Trainer(LARGEST)
    big.run_epochs(1)
    assert big.rewind(0) is False and big.optimizer.t == 0
    plain = Trainer(LARGEST.replace(optimizer="sgd"))   # no state to lose
    plain.run_epochs(1)
    assert plain.rewind(0) is True


def test_rewinding_before_a_divergence_makes_the_run_healthy_again():
    run = Trainer(TrainConfig(dataset="spiral", lr=10.0))
    run.run_epochs(100)
    assert run.diverged
    run.update(run.config.replace(lr=0.01))
    run.rewind(0)
    assert not run.diverged and run.message is None and not run.step().diverged


def test_reset_and_rebuild_clear_the_record():
    run = Trainer()
    run.run_epochs(3)
    run.reset()
    assert run.record.epochs() == [0]
    run.run_epochs(2)
    run.update(run.config.replace(hidden=(3,)))
    assert run.record.epochs() == [0]


def test_a_keyframe_snapshot_is_that_epochs_state_and_leaves_the_run_alone():
    config = TrainConfig(dataset="blobs3", hidden=(4,))
    run, then = Trainer(config), Trainer(config)
    run.run_epochs(9)
    then.run_epochs(3)
    before = weights(run)
    snap, true = run.snapshot_at(run.record.epochs().index(3), res=20), then.snapshot(res=20)
    np.testing.assert_array_equal(weights(run), before)
    assert (snap["epoch"], snap["step"]) == (3, then.steps)
    np.testing.assert_array_equal(snap["output"], true["output"])
    for a, b in zip(snap["W"], true["W"]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(snap["dW"], true["dW"]):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert snap["loss"] == true["loss"] and snap["lr"] == true["lr"]
    assert snap["history"]["epoch"].tolist() == [0, 1, 2, 3]
    np.testing.assert_array_equal(snap["history"]["test_loss"], true["history"]["test_loss"])
    assert snap["history"]["best_test_loss"] == true["history"]["best_test_loss"]
    assert run.snapshot()["epoch"] == 9
