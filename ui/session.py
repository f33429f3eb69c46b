"""Each browser session's run: one Trainer kept in `st.session_state`, never shared.

Pages reach the run only through these functions, so the Playground, "Under the hood" and
"Your data" pages all see and move the same network.
"""
import streamlit as st

from dnn_core import Trainer
from ui import keys, memory


def current_config(values=None):
    """The TrainConfig that the session's settings (or `values`, read from them) describe."""
    return current_config_for(custom_data(), values)


def current_config_for(data, values=None):
    """The settings' TrainConfig for training on `data` (None: the toy dataset). `values`:
    the settings already read (`state.current_values`), or None to read them here."""
    from ui import state

    task = data.task if data is not None else None
    if values is None:
        values = state.current_values(st.session_state)
    memo = st.session_state.get(keys.CONFIG_MEMO)
    if memo is not None and memo[0] == task and memo[1] == values:
        return memo[2]
    config = state.to_config(values, task=task)
    st.session_state[keys.CONFIG_MEMO] = (task, dict(values), config)
    return config


def get_trainer():
    """The session's Trainer, built from the current settings when there is none yet."""
    memory.watch_session()  # so its state can be emptied once the session ended
    trainer = st.session_state.get(keys.TRAINER)
    if trainer is None:
        memory.keep_bounded()  # once per process
        trainer = Trainer(current_config(), data=custom_data())
        st.session_state[keys.TRAINER] = trainer
    return trainer


def sync_trainer(values=None):
    """Bring the trainer in line with the settings (`values`: already read, see
    `current_config_for`): returns 'same', 'kept' or 'rebuilt'."""
    trainer = get_trainer()
    config = current_config(values)
    if config == trainer.config:
        return "same"
    return trainer.update(config)


def custom_data():
    """The uploaded or drawn Dataset in use, or None for the toy datasets."""
    return st.session_state.get(keys.CUSTOM_DATA)


def set_custom_data(dataset, keep_weights=False):
    """Train on `dataset` (a dnn_core Dataset) from now on; None returns to the toy sets.
    With `keep_weights`, the current network goes on learning on the new data when it
    fits (same task and classes, e.g. a drawn point added); otherwise it is rebuilt."""
    trainer = st.session_state.get(keys.TRAINER)
    fits = (keep_weights and dataset is not None and trainer is not None
            and trainer.task == dataset.task
            and trainer.dataset.n_classes == dataset.n_classes)
    if fits:
        trainer.replace_data(dataset)
    else:
        trainer = Trainer(current_config_for(dataset), data=dataset)
    st.session_state[keys.CUSTOM_DATA] = dataset
    replace_trainer(trainer)


def replace_trainer(trainer):
    """Make `trainer` the session's run (e.g. one loaded from a file); its data, if not a
    toy set, becomes the session's data."""
    st.session_state[keys.TRAINER] = trainer
    st.session_state[keys.CUSTOM_DATA] = trainer.data
