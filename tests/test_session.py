"""ui.session: the run follows the settings. The TrainConfig built from the settings is
reused while they stay the same, and never outlives a change of a setting or of the data's
task (a drawn regression set keeps its own loss)."""
import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.xdist_group("apptest")


def follow_the_settings():
    import streamlit as st

    from dnn_core.data import Dataset
    from ui import keys, session, state

    state.init_session(st.session_state, st.query_params)
    log = st.session_state.setdefault("log", [])
    values = state.current_values(st.session_state)
    first, again = session.current_config(values), session.current_config()
    log.append(("same object", first is again))
    log.append(("sync", session.sync_trainer(values), session.get_trainer().config.lr))
    st.session_state[keys.SETTING_PREFIX + "lr"] = 0.3
    log.append(("lr", session.current_config().lr))
    log.append(("sync", session.sync_trainer(), session.get_trainer().config.lr))
    st.session_state[keys.SETTING_PREFIX + "layers"] = (3,)
    log.append(("sync", session.sync_trainer(), session.get_trainer().config.hidden))
    st.session_state[keys.SETTING_PREFIX + "loss"] = "mse"     # tanh + squared error
    log.append(("loss", session.current_config().loss))
    X = session.get_trainer().points()["train_X"]
    st.session_state[keys.CUSTOM_DATA] = Dataset(X, X[:, 0], "regression", 1, "drawn",
                                                 source="drawn")
    log.append(("loss", session.current_config().loss))      # a regression's own: auto


def test_the_config_follows_every_change_and_is_reused_while_none_comes():
    at = AppTest.from_function(follow_the_settings, default_timeout=30).run()
    assert not at.exception, [e.message for e in at.exception]
    log = at.session_state["log"]
    assert log[0] == ("same object", True)
    assert log[1][:2] == ("sync", "same")
    assert log[2] == ("lr", 0.3)
    assert log[3] == ("sync", "kept", 0.3)
    assert log[4] == ("sync", "rebuilt", (3,))
    assert log[5:] == [("loss", "mse"), ("loss", "auto")]
