"""Share and teach: the link that reproduces this run, classroom links, the challenge banner.

Every setting lives in the URL through the one schema (`ui.state.to_query`), so a link is
the app's address plus the non-default settings. A classroom link also names controls to
hide (`hide`, TF Playground's `<control>_hide` idea) and a `challenge` (see ui.challenge).
Uploaded or drawn data cannot travel in a URL: the link says `data=upload` (or `drawn`),
the sharer gets the data file to pass on, and the receiver is told to load it.
"""
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.context_util import maybe_trim_page_path
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import challenge, session, state
from ui.data import export

ss = st.session_state
TARGET_TITLES = {"test_loss": "test loss below", "train_loss": "training loss below",
                 "test_acc": "test accuracy (%) at least"}


def link_values(values, data_source="toy"):
    """`values` with the `data` setting saying where the data came from (when the schema
    has that row): 'toy', 'upload' or 'drawn'."""
    values = dict(values)
    if "data" in state.SCHEMA:
        values["data"] = data_source
    return values


def share_link(values, base_url):
    """The full link: base_url + '/?' + every non-default setting (commas and colons kept
    readable). base_url '' gives a link relative to the app."""
    query = urlencode(state.to_query(values), safe=",:")
    return f"{base_url.rstrip('/')}/" + (f"?{query}" if query else "")


def app_url():
    """The app's address in the user's browser without the current page's path (so the
    link opens the default page, the Playground); '' when unknown (no browser)."""
    url = st.context.url
    ctx = get_script_run_ctx()
    if not url or ctx is None:
        return ""
    return maybe_trim_page_path(url, ctx.pages_manager)


def _data_source():
    data = session.custom_data()
    return "toy" if data is None else data.source


def link_control():
    """'Copy link': the link to this exact run, in a code box with a copy button; with your
    own data, the data file to send along."""
    values = link_values(state.current_values(ss), _data_source())
    st.markdown("**Link to this run**")
    st.code(share_link(values, app_url()), language=None, wrap_lines=True)
    st.caption("Copy it with the button at the box's top right. Opening it gives the same "
               "data, the same initial weights and the same settings.")
    data = session.custom_data()
    if data is not None:
        st.warning(f"This run uses {'drawn' if data.source == 'drawn' else 'uploaded'} data, "
                   "which a link cannot carry: send this file with the link; whoever opens "
                   "the link loads it on the Your data page.")
        st.download_button("Download the data file", export.data_csv(data),
                           file_name=export.DATA_FILE, mime="text/csv", key="share_data_file")


LIMIT_TITLES = {"neurons": "Max neurons", "layers": "Max layers", "inputs": "Max inputs",
                "epochs": "Max epochs"}


def challenge_text(target, value, limits):
    """The dialog's form -> the challenge text: target 'none' gives ''; limits of 0 are
    left out. challenge_text('test_loss', 0.1, {'neurons': 6}) == 'test_loss:0.1,neurons:6'."""
    if target == "none":
        return ""
    terms = [(target, float(value))] + [(n, int(v)) for n, v in limits.items() if v]
    return challenge.format_challenge(terms)


def _challenge_form():
    """The dialog's challenge widgets (their state starts from the session's challenge)."""
    left, right = st.columns(2)
    target = left.selectbox("Target", ("none", *TARGET_TITLES), key="share_target",
                            format_func=lambda t: "no challenge" if t == "none"
                            else TARGET_TITLES[t])
    if target == "none":
        return ""
    ss.setdefault("share_target_value", 90.0 if target == "test_acc" else 0.1)
    value = right.number_input("Value", min_value=0.0001, max_value=100.0, step=0.01,
                               format="%.4g", key="share_target_value")
    limits = {}
    for column, (name, label) in zip(st.columns(4), LIMIT_TITLES.items()):
        ss.setdefault(f"share_{name}", 0)
        limits[name] = column.number_input(label, min_value=0, step=1, key=f"share_{name}",
                                           help="0: no limit")
    return challenge_text(target, value, limits)


@st.dialog("Classroom link", width="large")
def classroom_dialog():
    """Tick the controls students should not see, set an optional challenge, copy the link."""
    values = link_values(state.current_values(ss), _data_source())
    titles = state.titles()     # the controls a teacher may hide, in the schema's order
    offered = list(titles)
    ss.setdefault("share_hide", [key for key in values["hide"] if key in offered])
    hide = st.pills("Hide these controls", offered, selection_mode="multi",
                    format_func=titles.get, key="share_hide")
    values["hide"] = tuple(key for key in state.HIDEABLE if key in hide)
    if "challenge" in state.SCHEMA:
        st.markdown("**Challenge** (optional)")
        values["challenge"] = challenge.parse(_challenge_form())
        if values["challenge"]:
            st.info(challenge.describe(values["challenge"]))
    st.code(share_link(values, app_url()), language=None, wrap_lines=True)
    st.caption("Students who open this link get these settings with the ticked controls "
               "hidden; their values still apply.")


def challenge_banner(trainer, values=None):
    """The challenge from the link, if any, and whether the current run has met it.
    `values`: the settings already read (`state.current_values`), or None to read them."""
    goal = (values if values is not None else state.current_values(ss)).get("challenge", ())
    if not goal:
        return
    progress = challenge.check(goal, trainer)
    lines = "\n".join(f"- {'✅' if ok else '⬜'} {text}" for text, ok in progress.checks)
    if progress.met_epoch is None:
        st.info(f"**Challenge:** {challenge.describe(goal)}\n\n{lines}", icon="🎯")
    else:
        st.success(f"**Challenge met at epoch {progress.met_epoch}!** "
                   f"{challenge.describe(goal)}\n\n{lines}", icon="🏆")


def data_link_notice():
    """For someone who opened a link made with uploaded or drawn data they do not have."""
    source = state.current_values(ss).get("data", "toy")
    if source != "toy" and session.custom_data() is None:
        st.warning(f"This link was made with {'drawn' if source == 'drawn' else 'uploaded'} "
                   "data, which a link cannot carry. Ask for the data file and load it on "
                   "the Your data page; until then the toy dataset is used.")
