"""The note after a lost session: "this tab had a run and the server no longer knows it".

A server forgets a session when its process stops (a replica restarted or failed) or when a
browser stays away longer than `server.disconnectedSessionTTL` (120 s on Community Cloud:
a laptop that slept). Streamlit's page then reconnects, through a load balancer to a live
replica, and the script runs in a new session; every setting is in the URL, so the run is
rebuilt from it (same settings and seed, epoch 0). What the server cannot tell is whether
the tab had a run before: a shared link opened fresh looks the same. The browser can.

Each server session gets a random token (`keys.SESSION_TOKEN`); a tiny inline v2 component hands
it to the tab, which remembers the last token it saw (a window variable, and sessionStorage
for a tab the browser discarded and reloaded). A different token in a tab that had one is a
lost session: the component sets its state value `lost`, and `note()` says what happened.
A reload or a link opened in a new tab starts without a token, so no note.

The flag must reach a run of the whole app, where `note()` is. Streamlit 1.67's frontend
sends every widget change made in one task as one rerun, scoped to the first fragment among
them (streamlit/streamlit#12747): when the live view's player asks for frames in the same
task, `lost` arrives in a rerun of the live view's fragment alone, nothing else reruns and
the note never showed (seen in the lecture-hall test: new token, no note, for minutes). So
the flag's callback asks for a rerun of the app; Streamlit runs the callbacks of every
changed widget in whatever run carries the change, fragment or not.
"""
import secrets

import streamlit as st

from ui import keys

JS = """export default function (c) {
  const token = c.data && c.data.token, W = window, stored = "dnn-session-token";
  if (!token) return;
  const before = W.__dnnSessionToken || (document.wasDiscarded && sessionStorage.getItem(stored));
  W.__dnnSessionToken = token;
  sessionStorage.setItem(stored, token);
  if (before && before !== token) c.setStateValue("lost", true);
}
"""

_COMPONENT = st.components.v2.component("dnn_reconnect", html="", js=JS,
                                        isolate_styles=False)

NOTE = ("The server no longer had this tab's session (it restarted, or the tab was away "
        "longer than the server keeps a session), so the run was rebuilt from the link: the "
        "same settings and seed, from epoch 0. Press Play to train again.")


def _rerun_app():
    st.rerun()


def session_lost():
    """Mount the (invisible) component; True when the tab says this session replaced one
    the server lost. It sits in the sidebar, so the page's own components come first in
    the main area (tests find the live view as the first one there)."""
    token = st.session_state.setdefault(keys.SESSION_TOKEN, secrets.token_hex(8))
    with st.sidebar:
        result = _COMPONENT(key="reconnect", data={"token": token}, height=0,
                            on_lost_change=_rerun_app)
    return bool(result.lost)


def note():
    """Say what happened, on every page of a session that replaced a lost one."""
    if session_lost():
        st.info(NOTE, icon=":material/sync_problem:")
