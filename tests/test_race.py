"""dnn_core.race: lanes share data and initial weights, move in lockstep, diverge alone."""
import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from dnn_core.race import Race

BASE = TrainConfig(dataset="circle", n=200, hidden=(6, 3), activations="relu", init="he",
                   optimizer="sgd", lr=0.05, batch=20, seed=4)


def test_lanes_share_data_and_initial_weights():
    race = Race(BASE, [{}, {"optimizer": "adam", "lr": 0.01}, {"init": "zeros"}])
    a, b, c = (lane.trainer for lane in race.lanes)
    for t in (b, c):
        np.testing.assert_array_equal(t.X_train, a.X_train)
        np.testing.assert_array_equal(t.T_test, a.T_test)
    for pa, pb in zip(a.params, b.params):      # same architecture, initializer and seed
        np.testing.assert_array_equal(pa.value, pb.value)
    assert all(not p.value.any() for p in c.params if p.name.startswith("W"))


def test_a_lane_is_the_run_its_settings_give_alone():
    race = Race(BASE, [{}, {"optimizer": "momentum", "momentum": 0.9}])
    race.run_epochs(5)
    alone = Trainer(BASE.replace(optimizer="momentum", momentum=0.9))
    alone.run_epochs(5)
    lane = race.lanes[1].trainer
    assert lane.epoch == race.epoch == 5
    for p, q in zip(lane.params, alone.params):
        np.testing.assert_array_equal(p.value, q.value)
    assert race.results()[1].test_loss == alone.history.last["test_loss"]


def test_lanes_may_not_change_the_data():
    with pytest.raises(ValueError, match="lane 2 changes noise, seed"):
        Race(BASE, [{}, {"seed": 1, "noise": 0.2}])
    with pytest.raises(ValueError, match="1 to 4 lanes"):
        Race(BASE, [{}] * 5)


def test_a_diverging_lane_stops_alone_and_reset_brings_it_back():
    race = Race(BASE.replace(dataset="spiral", hidden=(8, 8)),
                [{"lr": 0.01}, {"lr": 10.0, "activations": ("tanh", "tanh")}])
    race.run_to(40)
    calm, wild = race.results()
    assert wild.diverged and "diverged" in wild.message and not calm.diverged
    assert calm.epoch == 40 == race.epoch and wild.epoch < 40
    race.reset()
    assert all(r.epoch == 0 and not r.diverged for r in race.results())


def test_run_to_reports_progress_and_can_be_cancelled():
    race = Race(BASE, [{}, {"lr": 0.1}])
    seen = []
    assert race.run_to(30, chunk=10, progress=seen.append) is True
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0]) and race.epoch == 30
    assert race.run_to(100, chunk=10, progress=lambda done: True) is False
    assert race.epoch == 40


def test_results_table_fields():
    race = Race(BASE.replace(dataset="plane", n=200), [{}, {"reg": "l2", "reg_rate": 0.01}])
    race.set_target(0.5)
    race.run_to(20)
    plain, l2 = race.results()
    assert plain.train_rmse > 0 and plain.test_rmse > 0      # regression: RMSE in data units
    assert plain.train_penalty == 0 and l2.train_penalty > 0
    assert plain.reached is not None and plain.reached <= 20
    hist = race.lanes[0].trainer.history.arrays()
    first = hist["epoch"][np.flatnonzero(hist["test_loss"] <= 0.5)[0]]
    assert plain.reached == first
    assert plain.ms_per_epoch > 0 and plain.best_epoch >= 0


def test_output_map_is_the_snapshots_output():
    race = Race(BASE.replace(dataset="blobs3"), [{}, {"lr": 0.1}])
    race.run_epochs(2)
    for lane in race.lanes:
        np.testing.assert_array_equal(lane.output_map(30), lane.trainer.snapshot(30)["output"])
