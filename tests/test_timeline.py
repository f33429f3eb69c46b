"""The Playground's timeline through AppTest: scrubbing sends the engine's snapshot of that
keyframe, "Continue from here" puts that keyframe back into the run and says what the
optimizer did, the replay plays the keyframes through the live view's pull."""
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dnn_core import Trainer
from ui import keys, live, timeline

APP = Path(__file__).resolve().parents[1] / "app.py"
pytestmark = pytest.mark.xdist_group("apptest")
BIG = {"layers": ",".join(["32"] * 8), "optimizer": "adam"}


def trained(query=None, epochs=30):
    """The Playground after `epochs` epochs (query: URL settings), paused."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.session_state[keys.TRAINER].run_epochs(epochs)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def payload(at):
    return live.unpack(at.get("bidi_component")[0].proto.bytes)


def assert_frame_is(frame, expected):
    """Every field of a sent frame equals the same field of `frame_from_snapshot(snapshot)`
    (quantized the same way, floats as float32)."""
    for name, want in expected.items():
        if name == "history":
            continue
        got = frame[name]
        if isinstance(want, np.ndarray):
            np.testing.assert_array_equal(got, want.astype(got.dtype), err_msg=name)
        elif isinstance(want, list) and want and isinstance(want[0], np.ndarray):
            for g, w in zip(got, want, strict=True):
                np.testing.assert_array_equal(g, w.astype(g.dtype), err_msg=name)
        elif isinstance(want, dict) and name == "loss":
            assert got == pytest.approx(want, rel=1e-12), name
        elif name != "neurons":
            assert got == pytest.approx(want) if isinstance(want, float) else got == want, name


def test_the_slider_shows_the_recorded_epochs_and_starts_at_the_latest():
    at = trained()
    t = at.session_state[keys.TRAINER]
    slider = at.select_slider(key=timeline.EPOCH)
    assert slider.options == [f"epoch {e}" for e in t.record.epochs()]
    assert slider.value == t.epoch == 30
    assert payload(at)["frames"][-1]["timeline"] is None


def test_scrubbing_sends_the_engines_snapshot_of_that_keyframe():
    at = trained()
    t = at.session_state[keys.TRAINER]
    at.select_slider(key=timeline.EPOCH).set_value(12).run()
    i = t.record.epochs().index(12)
    (frame,) = payload(at)["frames"]
    expected = live.frame_from_snapshot(t.snapshot_at(i, 100))
    assert frame["epoch"] == 12 and frame["timeline"]["kind"] == "scrub"
    assert_frame_is(frame, {**expected, "timeline": frame["timeline"]})
    for got, want in zip(frame["neurons"], expected["neurons"], strict=True):
        np.testing.assert_array_equal(got, want)
    assert t.epoch == 30                          # scrubbing does not touch the run
    assert "Showing epoch 12" in " ".join(c.value for c in at.caption)


def test_continue_from_here_puts_that_keyframe_back_and_trains_on_exactly():
    at = trained({"optimizer": "adam"})
    t = at.session_state[keys.TRAINER]
    reference = Trainer(t.config)
    reference.run_epochs(30)
    at.select_slider(key=timeline.EPOCH).set_value(10).run()
    kept = t.record[t.record.epochs().index(10)]
    at.button(key="pg_timeline_continue").click().run()
    assert at.session_state[keys.RUNNING] and t.epoch > 10
    assert t.record.epochs()[:11] == list(range(11))
    assert t.record[10] is kept and all(e > 10 for e in t.record.epochs()[11:])
    # Adam's moments came back: the run goes on as the uninterrupted one did.
    reference.rewind(10)
    reference.run_epochs(t.epoch - 10)
    for p, q in zip(t.params, reference.params):
        np.testing.assert_array_equal(p.value, q.value)
    at.button(key="pg_play").click().run()       # pause: the timeline says what happened
    note = " ".join(c.value for c in at.caption)
    assert "Continued from epoch 10" in note and "20 later keyframes" in note
    assert "was restored" in note


def test_continue_on_a_big_network_says_the_optimizer_starts_afresh():
    at = trained(BIG, epochs=6)
    t = at.session_state[keys.TRAINER]
    assert not t.record.keeps_optimizer
    at.select_slider(key=timeline.EPOCH).set_value(2).run()
    weights = t.record[2].weights.copy()
    at.session_state[keys.SETTING_PREFIX + "stop_epochs"] = 2   # keep it at the keyframe
    at.button(key="pg_timeline_continue").click().run()
    flat = np.concatenate([p.value.ravel() for p in t.params])
    np.testing.assert_array_equal(flat, weights)
    assert t.epoch == 2 and t.record.epochs() == [0, 1, 2]
    assert "starts afresh" in " ".join(c.value for c in at.caption)


def test_replay_plays_every_keyframe_through_the_pull_then_stops():
    at = trained(epochs=12)
    t = at.session_state[keys.TRAINER]
    at.selectbox(key=timeline.SPEED).set_value(10)
    at.button(key="pg_timeline_replay_start").click().run()
    sent = []
    for _ in range(10):
        msg = payload(at)
        if not msg["running"]:
            break
        assert {f["timeline"]["frameMs"] for f in msg["frames"]} == {100.0}
        sent += [f["epoch"] for f in msg["frames"]]
        at.session_state["live"] = {"more": 5}
        at.run()
    assert sent == t.record.epochs()
    # The end: paused, the last keyframe again, marked "replay" so the browser plays out.
    (last,) = msg["frames"]
    assert last["epoch"] == 12 and last["timeline"]["kind"] == "replay"
    at.run()
    assert payload(at)["frames"][-1]["timeline"] is None
    assert t.epoch == 12 and not (keys.RUNNING in at.session_state
                                  and at.session_state[keys.RUNNING])
