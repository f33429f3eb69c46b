"""Each browser session's run: one Trainer kept in `st.session_state`, never shared.

Pages reach the run only through these functions, so the Playground, "Under the hood" and
"Your data" pages all see and move the same network.
"""
import streamlit as st

from dnn_core import Trainer
from dnn_core.config import needs_rebuild

_TRAINER = "dnn_trainer"
_DATA = "dnn_custom_data"
_VERSION = "dnn_version"


def current_config():
    """The TrainConfig that the session's settings describe right now."""
    from ui import state

    data = custom_data()
    task = data.task if data is not None else None
    return state.to_config(state.current_values(st.session_state), task=task)


def get_trainer():
    """The session's Trainer, built from the current settings when there is none yet."""
    trainer = st.session_state.get(_TRAINER)
    if trainer is None:
        trainer = Trainer(current_config(), data=custom_data())
        st.session_state[_TRAINER] = trainer
        bump_version()
    return trainer


def sync_trainer():
    """Bring the trainer in line with the settings: returns 'same', 'kept' or 'rebuilt'."""
    trainer = get_trainer()
    config = current_config()
    if config == trainer.config:
        return "same"
    rebuilt = needs_rebuild(trainer.config, config)
    outcome = trainer.update(config)
    if rebuilt:
        bump_version()
    return outcome


def custom_data():
    """The uploaded or drawn Dataset in use, or None for the toy datasets."""
    return st.session_state.get(_DATA)


def set_custom_data(dataset):
    """Train on `dataset` (a dnn_core Dataset) from now on; None returns to the toy sets.
    The network is rebuilt with the same settings."""
    st.session_state[_DATA] = dataset
    replace_trainer(Trainer(current_config(), data=dataset))


def replace_trainer(trainer):
    """Make `trainer` the session's run (e.g. one loaded from a file)."""
    st.session_state[_TRAINER] = trainer
    bump_version()


def data_version():
    """A number that changes whenever the data or the network's shape changes (the live
    view resends the points and the layout then)."""
    return st.session_state.get(_VERSION, 0)


def bump_version():
    st.session_state[_VERSION] = data_version() + 1
