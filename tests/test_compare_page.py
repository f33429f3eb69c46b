"""The Compare page through AppTest: every preset renders and runs to its epoch count, the
init and optimizers presets show the course's effect, the URL holds the comparison."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import keys, live
from ui.compare.presets import PRESETS

APP = Path(__file__).resolve().parents[1] / "app.py"
pytestmark = pytest.mark.xdist_group("apptest")


def open_compare(query=None):
    at = AppTest.from_file(str(APP), default_timeout=600)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("app_pages/compare.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def race(at):
    return at.session_state[keys.CMP_RACE][1]


def run_to_end(at):
    at.button(key="cmp_run_to").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return race(at).results()


@pytest.mark.parametrize("name", sorted(set(PRESETS) - {"init"}))
def test_every_preset_renders_and_runs_to_its_epochs(name):
    at = open_compare({"preset": name})
    p = PRESETS[name]
    assert at.number_input(key="cmp_epochs").value == p.epochs
    assert len(race(at).lanes) == len(p.lanes.split("|"))
    results = run_to_end(at)
    assert all(r.epoch == p.epochs or r.diverged for r in results)
    assert at.table and len(at.table[0].value) == len(results)
    if name == "optimizers":
        gd, momentum, adam = results
        assert adam.train_metric > gd.train_metric and adam.test_loss < gd.test_loss
    if name == "regularization":
        none, l2, dropout = results
        assert l2.test_loss < none.test_loss and dropout.test_loss < none.test_loss
    if name == "activations":
        sigmoid, tanh, relu = results
        assert sigmoid.train_metric <= 0.6 and min(tanh.train_metric, relu.train_metric) >= 0.9
    if name == "learning_rate":
        assert [r.diverged for r in results] == [False, False, False, True]
        assert any("Lane 4" in w.value and "diverged" in w.value for w in at.warning)


def test_init_preset_reproduces_the_courses_effect():
    at = open_compare({"preset": "init"})
    zeros, large, he = run_to_end(at)
    assert zeros.epoch == he.epoch == 15_000
    assert zeros.train_metric <= 0.60 and he.train_metric >= 0.95


def test_the_url_holds_the_lanes_and_junk_gets_a_note():
    at = open_compare({"lanes": "init:he|lr:abc;optimizer:adam", "layers": "6,3"})
    assert at.query_params["lanes"] == "init:he|optimizer:adam"
    assert any("lr: 'abc'" in w.value for w in at.warning)
    assert not any("Unknown parameter 'lanes'" in w.value for w in at.warning)
    a, b = race(at).lanes
    assert a.trainer.config.hidden == (6, 3) and a.overrides == {"init": "he"}
    assert b.overrides == {"optimizer": "adam"}


def test_play_and_step_move_every_lane_in_lockstep_and_reset_brings_them_back():
    at = open_compare({"preset": "learning_rate"})
    at.button(key="cmp_step").click().run()
    assert [lane.trainer.epoch for lane in race(at).lanes] == [1, 1, 1, 1]
    at.button(key="cmp_play").click().run()
    at.run()
    assert race(at).epoch > 1
    msg = live.unpack(at.get("bidi_component")[0].proto.bytes)
    assert [f["epoch"] for f in msg["frames"]] == sorted(f["epoch"] for f in msg["frames"])
    at.button(key="cmp_reset").click().run()
    assert all(lane.trainer.epoch == 0 for lane in race(at).lanes)


def test_lanes_are_added_edited_and_removed_on_the_page():
    at = open_compare()
    assert len(race(at).lanes) == 2
    at.button(key="cmp_add").click().run()
    assert len(race(at).lanes) == 3
    at.text_input(key="cmp_lane_text_2").input("optimizer:rmsprop;lr:0.003").run()
    assert race(at).lanes[2].overrides == {"optimizer": "rmsprop", "lr": 0.003}
    assert at.query_params["lanes"] == "base|optimizer:adam|optimizer:rmsprop;lr:0.003"
    at.button(key="cmp_remove_0").click().run()
    assert [lane.overrides for lane in race(at).lanes] == [
        {"optimizer": "adam"}, {"optimizer": "rmsprop", "lr": 0.003}]
