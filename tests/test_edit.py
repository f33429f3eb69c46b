"""Edits made on the live view (ui/edit.py) and the engine's one-parameter write
(Trainer.set_parameter): the diagram's events reach the same settings rows as the sidebar,
follow the keep-or-rebuild rule, and a typed weight is the engine's weight afterwards."""

import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from app_run import run_app
from ui import keys, live


# ---- the engine -----------------------------------------------------------------------
def small():
    return Trainer(TrainConfig(dataset="circle", hidden=(4, 2), n=200, seed=3))


def test_set_parameter_writes_one_weight_or_bias_in_place_and_returns_the_old_value():
    t = small()
    dense = t.model.dense_layers()
    W, b = dense[1].W, dense[2].b
    before_W, before_b = W.copy(), b.copy()
    assert t.set_parameter(1, 1, 3, 2.5) == before_W[1, 3]
    assert t.set_parameter(2, 0, None, -0.75) == before_b[0]
    assert dense[1].W is W and W[1, 3] == 2.5 and b[0] == -0.75
    changed = np.argwhere(W != before_W)
    assert changed.tolist() == [[1, 3]]


def test_training_continues_from_the_edited_weight_and_a_rewind_to_now_keeps_it():
    t, twin = small(), small()
    t.run_epochs(2), twin.run_epochs(2)
    t.set_parameter(0, 2, 1, 3.0)
    assert t.record[-1].weights[2 * 2 + 1] == 3.0, "the keyframe of now holds the edit"
    t.rewind(len(t.record) - 1)
    assert t.model.dense_layers()[0].W[2, 1] == 3.0
    t.run_epochs(1), twin.run_epochs(1)
    W, W_twin = t.model.dense_layers()[0].W, twin.model.dense_layers()[0].W
    assert abs(W[2, 1] - 3.0) < 0.5 and abs(W_twin[2, 1] - 3.0) > 1.0
    assert not np.allclose(t.snapshot(20)["output"], twin.snapshot(20)["output"])


def test_a_divergence_restore_keeps_the_edit():
    t = small()
    t.set_parameter(0, 0, 0, 1.25)
    t.apply_update()    # backs up the parameters, then one update
    t._diverge("test", restore=True)
    assert t.model.dense_layers()[0].W[0, 0] == 1.25


@pytest.mark.parametrize("args", [(3, 0, 0, 1.0), (0, 4, 0, 1.0), (0, 0, 2, 1.0),
                                  (0, 0, 0, float("nan")), (-1, 0, None, 1.0)])
def test_set_parameter_refuses_what_is_not_a_parameter(args):
    with pytest.raises(ValueError):
        small().set_parameter(*args)


# ---- the page -------------------------------------------------------------------------
def send(at, **event):
    at.session_state["live"] = {"edit": {"id": str(event), **event}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at.session_state[keys.TRAINER]


def test_the_diagrams_plus_minus_rebuild_the_network_and_say_so():
    at = run_app({"layers": "4,2"})
    t = send(at, op="neurons", layer=0, delta=1)
    assert t.config.hidden == (5, 2) and at.session_state["cfg_layers"] == (5, 2)
    t = send(at, op="layers", delta=1)
    assert t.config.hidden == (5, 2, 2) and len(t.config.activations) == 3
    assert any("rebuilt" in toast.value for toast in at.toast)
    t = send(at, op="layers", delta=-1)
    assert t.config.hidden == (5, 2)


def test_activation_and_input_edits_go_through_the_settings_rows():
    at = run_app({"layers": "4,2", "features": "x1,x2"})
    t = send(at, op="activation", layer=1, name="relu")
    assert t.config.activations == ("tanh", "relu")
    t = send(at, op="feature", name="x1sq")
    assert t.config.features == ("x1", "x2", "x1sq")
    t = send(at, op="feature", name="x1")
    t = send(at, op="feature", name="x2")
    t = send(at, op="feature", name="x1sq")
    assert t.config.features == ("x1sq",), "the last input stays"


def test_a_repeated_or_malformed_event_changes_nothing():
    at = run_app({"layers": "4,2"})
    send(at, op="neurons", layer=0, delta=1)
    at.session_state["live"] = {"edit": {"id": str({"op": "neurons", "layer": 0, "delta": 1}),
                                         "op": "neurons", "layer": 0, "delta": 1}}
    at.run()
    for junk in ({"op": "neurons", "layer": 7, "delta": 1}, {"op": "layers", "delta": 5},
                 {"op": "activation", "layer": 0, "name": "nope"}, {"op": "rm -rf"}):
        send(at, **junk)
    assert at.session_state[keys.TRAINER].config.hidden == (5, 2)


def test_a_weight_typed_while_paused_is_the_engines_and_the_payloads():
    at = run_app({"layers": "4,2"})
    t = send(at, op="weight", layer=2, out=0, **{"in": 1}, value=4.0)
    assert t.model.dense_layers()[2].W[0, 1] == 4.0
    frame = live.unpack(at.get("bidi_component")[0].proto.bytes)["frames"][-1]
    assert np.ravel(frame["W"][2])[1] == pytest.approx(4.0)
    t = send(at, op="weight", layer=0, out=3, **{"in": None}, value=-2.0)
    assert t.model.dense_layers()[0].b[3] == -2.0
    assert t.epoch == 0, "a weight edit does not train"


def test_a_weight_edit_is_refused_while_running():
    at = run_app({"layers": "4,2"})
    at.session_state[keys.RUNNING] = True
    t = send(at, op="weight", layer=2, out=0, **{"in": 1}, value=4.0)
    assert t.model.dense_layers()[2].W[0, 1] != 4.0
