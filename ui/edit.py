"""Edits made on the live view itself: the network diagram's +/−, activations, input nodes,
and a weight or bias typed in while paused.

The browser sends one "edit" trigger (ui.live.component `edited`), a dict with an `id`
(a per-page counter, so an event is applied once even if a rerun sees it again) and `op`:
  {"op": "layers", "delta": ±1}                      add / drop the last hidden layer
  {"op": "neurons", "layer": i, "delta": ±1}          hidden layer i (0-based) ± one neuron
  {"op": "activation", "layer": i, "name": "relu"}    hidden layer i's activation
  {"op": "feature", "name": "x1sq"}                   toggle an input feature (never the last)
  {"op": "weight", "layer": l, "out": j, "in": i, "value": v}   W[l][j, i] := v (paused)
  {"op": "weight", "layer": l, "out": j, "in": None, "value": v}  b[l][j] := v (paused)
Settings edits go into the same `cfg_<key>` rows the sidebar widgets use (ui.controls): the
live panel keeps the event (`handle`) and reruns the whole page, whose first call
(`apply_pending`, before any widget is drawn: Streamlit refuses a widget's key after it) writes
it; the sidebar then follows and the page's keep-or-rebuild notice (ui.notice)
says what happened. A weight edit writes into the engine
(`Trainer.set_parameter`); the fragment's next snapshot shows it in every view.
"""
import math

import streamlit as st

from dnn_core.activations import ACTIVATIONS
from dnn_core.features import FEATURES
from ui import controls, keys, session, shape
from ui.settings import MAX_LAYERS, MAX_NEURONS
from ui.state import PREFIX

ss = st.session_state


def _layer(event):
    i = event.get("layer")
    n = len(ss[PREFIX + "layers"])
    return i if isinstance(i, int) and 0 <= i < n else None


def _delta(event):
    return event.get("delta") if event.get("delta") in (-1, 1) else None


def _layers(event):
    if _delta(event) and not controls.hidden("layers"):
        shape.add_layer(_delta(event))
        return True
    return False


def _neurons(event):
    i, delta = _layer(event), _delta(event)
    if i is None or not delta or controls.hidden("layers"):
        return False
    shape.add_neurons(i, delta)
    return True


def _activation(event):
    i, name = _layer(event), event.get("name")
    if i is None or name not in ACTIVATIONS or controls.hidden("activation"):
        return False
    shape.set_activation(i, name)
    return True


def _feature(event):
    if controls.hidden("features"):
        return False
    shape.toggle_feature(event.get("name"))
    return True


def _weight(event):
    """Write one parameter when paused; a malformed or out-of-range event is ignored."""
    if ss.get(keys.RUNNING):
        return False
    value, inp = event.get("value"), event.get("in")
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    try:
        session.get_trainer().set_parameter(int(event.get("layer")), int(event.get("out")),
                                            None if inp is None else int(inp), float(value))
    except (TypeError, ValueError):
        return False
    return True


OPS = {"layers": _layers, "neurons": _neurons, "activation": _activation,
       "feature": _feature, "weight": _weight}


def handle(event):
    """The live panel's call: a weight is written at once; a settings edit is kept for
    `apply_pending` and the whole page reruns. A malformed or repeated event (same `id`) is
    ignored."""
    if not isinstance(event, dict) or event.get("op") not in OPS:
        return
    if event.get("id") is not None and event.get("id") == ss.get(keys.EDIT_LAST):
        return
    ss[keys.EDIT_LAST] = event.get("id")
    if event["op"] == "weight":
        _weight(event)
        return
    ss[keys.EDIT_PENDING] = event
    st.rerun(scope="app")


def apply_pending():
    """The page's first call: write the kept settings edit into its rows (True if any)."""
    event = ss.pop(keys.EDIT_PENDING, None)
    return bool(event) and OPS[event["op"]](event)


def settings(hide):
    """What the diagram may edit (a classroom link can hide each; `hide`: the `hide` setting),
    for the live view's settings: {"edit": {layers, activation, features, weights,
    maxLayers, maxNeurons, activations: [[name, title], ...], featureList: [[name, title],
    ...]}}."""
    return {"edit": {"layers": "layers" not in hide,
                     "activation": "activation" not in hide,
                     "features": "features" not in hide,
                     "weights": True, "maxLayers": MAX_LAYERS, "maxNeurons": MAX_NEURONS,
                     "activations": [[k, a.title] for k, a in ACTIVATIONS.items()],
                     "featureList": [[k, f.title] for k, f in FEATURES.items()]}}
