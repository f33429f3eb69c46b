"""The Compare page's parts without a page: lane syntax and words, presets, the live
payload against the engine's state, the results table."""
import numpy as np
import pytest

from dnn_core.race import Race
from ui import live, state
from ui.compare import lanes, table
from ui.compare import live as lanes_live
from ui.compare.presets import PRESETS


def test_lane_syntax_round_trips_and_describes_what_differs():
    text = "optimizer:adam;lr:0.0007|init:he|layers:8,8;activation:relu|base"
    specs, notes = lanes.parse_lanes(text)
    assert not notes and lanes.format_lanes(specs) == text
    assert specs[0] == {"optimizer": "adam", "lr": 0.0007}
    assert [lanes.describe(s) for s in specs] == [
        "Adam, lr 0.0007", "He normal init", "layers 8,8, ReLU", "base settings"]


def test_junk_in_lanes_falls_back_with_a_note_each():
    specs, notes = lanes.parse_lanes("lr:fast;init:he|seed:3;bogus:1|optimizer|a|b|c")
    assert specs[:3] == [{"init": "he"}, {}, {}] and len(specs) == 4
    assert any("lr: 'fast' is not a number" in n for n in notes), notes
    assert any("seed cannot differ" in n for n in notes)
    assert any("unknown setting 'bogus'" in n for n in notes)
    assert any("'optimizer' is not name:value" in n for n in notes)
    assert any("6 lanes given" in n for n in notes)
    one, _ = lanes.parse_lanes("init:he")
    assert one == [{"init": "he"}, {}]                     # at least two lanes


def test_every_preset_parses_cleanly_and_its_lanes_share_the_data():
    for p in PRESETS.values():
        values, notes = state.parse_query(p.base)
        assert not notes, (p.name, notes)
        specs, notes = lanes.parse_lanes(p.lanes)
        assert not notes and 2 <= len(specs) <= 4, (p.name, notes)
        base = state.to_config(values)
        configs = [state.to_config(lanes.lane_values(values, s)) for s in specs]
        Race(base, [lanes.overrides(base, c) for c in configs])   # no data field differs


def test_new_layers_keep_the_base_activation():
    values = state.defaults()
    v = lanes.lane_values(values, {"layers": (8, 8, 8)})
    assert v["activation"] == ("tanh",) * 3


def _race():
    values, _ = state.parse_query(PRESETS["init"].base)
    base = state.to_config(values)
    specs, _ = lanes.parse_lanes("init:zeros|init:he;optimizer:adam")
    configs = [state.to_config(lanes.lane_values(values, s)) for s in specs]
    return Race(base, [lanes.overrides(base, c) for c in configs]), specs


def test_the_payload_is_each_lanes_engine_state():
    race, specs = _race()
    race.run_epochs(3)
    frame = lanes_live.frame(race)
    rows, strides = lanes_live.race_history(race)
    info = lanes_live.meta(race, [lanes.describe(s) for s in specs])
    msg = live.unpack(live.pack([frame], info, history=rows, history_after=None))
    assert msg["meta"]["historyColumns"] == list(rows)
    for i, (lane, sent) in enumerate(zip(race.lanes, msg["frames"][0]["lanes"])):
        t = lane.trainer
        assert sent["epoch"] == t.epoch == 3
        assert sent["loss"]["test"] == pytest.approx(t.history.last["test_loss"], rel=1e-12)
        assert sent["metric"]["train"] == t.history.last["train_metric"]
        grid = t.snapshot(lanes_live.GRID)["output"]
        np.testing.assert_array_equal(sent["output"], live.quantize_signed(2 * grid - 1))
        hist = t.history.arrays()
        np.testing.assert_array_equal(msg["history"]["epoch"], hist["epoch"])
        np.testing.assert_allclose(msg["history"][f"{i}:test"], hist["test_loss"], rtol=1e-6)
        np.testing.assert_allclose(msg["history"][f"{i}:g1"], hist["grad_norm"][:, 1],
                                   rtol=1e-6)
    a, b = (lane.trainer for lane in race.lanes)
    np.testing.assert_array_equal(a.X_train, b.X_train)       # the same data
    assert strides == (1, 1)


def test_lanes_with_the_same_network_start_from_the_same_weights():
    values, _ = state.parse_query(PRESETS["optimizers"].base)
    base = state.to_config(values)
    specs, _ = lanes.parse_lanes(PRESETS["optimizers"].lanes)
    configs = [state.to_config(lanes.lane_values(values, s)) for s in specs]
    race = Race(base, [lanes.overrides(base, c) for c in configs])
    first = race.lanes[0].trainer.params
    for lane in race.lanes[1:]:
        for p, q in zip(first, lane.trainer.params):
            np.testing.assert_array_equal(p.value, q.value)


def test_history_rows_merge_a_diverged_lane_with_gaps():
    values, _ = state.parse_query(PRESETS["learning_rate"].base)
    base = state.to_config(values)
    race = Race(base, [{}, {"lr": 10.0}])
    race.run_to(20)
    rows, _ = lanes_live.race_history(race)
    stopped = race.lanes[1].trainer.epoch
    assert stopped < 20 and rows["epoch"][-1] == 20
    assert np.isnan(rows["1:test"][rows["epoch"] > stopped]).all()
    assert np.isfinite(rows["0:test"]).all()
    later, _ = lanes_live.race_history(race, after=10)
    np.testing.assert_array_equal(later["epoch"], np.arange(11, 21))


def test_results_table_has_every_column_the_page_promises():
    race, specs = _race()
    race.set_target(0.6)
    race.run_to(5)
    frame = table.results_frame(race.results(), [lanes.describe(s) for s in specs], "binary")
    assert list(frame.columns) == [
        "what differs", "epochs", "train loss", "test loss", "train accuracy", "test accuracy",
        "best test epoch", "best test loss", "epochs to target", "ms per epoch", "status"]
    assert list(frame["epochs"]) == [5, 5]
    assert frame.loc[2, "test loss"] == round(race.results()[1].test_loss, 4)
    assert "lane,what differs" in frame.to_csv()
