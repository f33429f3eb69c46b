"""The network's shape as settings: hidden layers, their neurons and activations, and the
inputs. The sidebar's layer columns (ui.controls) and the diagram's edits (ui.edit) both
change the network through these, in the `cfg_<key>` rows of the schema (ui.state); the
page's keep-or-rebuild notice (ui.notice) then says what the change did.
"""
import streamlit as st

from dnn_core.activations import ACTIVATIONS
from dnn_core.features import FEATURES
from ui.settings import MAX_LAYERS, MAX_NEURONS
from ui.state import PREFIX, SCHEMA

ss = st.session_state


def _set_layers(layers, acts):
    ss[PREFIX + "layers"], ss[PREFIX + "activation"] = tuple(layers), tuple(acts)


def add_layer(delta):
    """+1: a new last layer as wide as the current last one; -1: drop the last layer."""
    layers, acts = list(ss[PREFIX + "layers"]), list(ss[PREFIX + "activation"])
    if delta > 0 and len(layers) < MAX_LAYERS:
        layers.append(layers[-1] if layers else 4)
        acts.append(acts[-1] if acts else SCHEMA["activation"].default[0])
    elif delta < 0 and layers:
        layers.pop(), acts.pop()
    _set_layers(layers, acts)


def add_neurons(i, delta):
    """Hidden layer i gets `delta` (+1 or -1) neurons, kept within 1..MAX_NEURONS."""
    layers = list(ss[PREFIX + "layers"])
    layers[i] = min(max(layers[i] + delta, 1), MAX_NEURONS)
    _set_layers(layers, ss[PREFIX + "activation"])


def set_activation(i, name=None):
    """Layer i's activation: `name`, or the value of its selectbox `activation_<i>`."""
    acts = list(ss[PREFIX + "activation"])
    if name not in ACTIVATIONS and name is not None:
        return
    acts[i] = name or ss[f"activation_{i}"]
    _set_layers(ss[PREFIX + "layers"], acts)


def same_for_all():
    """Layer 1's activation in every hidden layer."""
    acts = ss[PREFIX + "activation"]
    _set_layers(ss[PREFIX + "layers"], acts[:1] * len(acts))


def toggle_feature(name):
    """Add input feature `name`, or drop it unless it is the last one (the diagram's input
    nodes)."""
    chosen = ss[PREFIX + "features"]
    if name not in FEATURES or chosen == (name,):
        return
    wanted = set(chosen) ^ {name}
    ss[PREFIX + "features"] = tuple(f for f in FEATURES if f in wanted)
