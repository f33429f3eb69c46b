"""The comparison in session state: its lanes and preset from the URL and back, the Race
built from the Playground's settings (the base) and the lanes, and the page's actions.

The base is the session's own settings (`cfg_*`, the Playground's run); a preset sets
them (over the defaults, except settings the URL names itself) and the lanes. The URL
holds the whole comparison: the base as the Playground's parameters, `lanes` (see
ui/compare/lanes.py) and `preset` (dropped once the lanes are edited).
"""
import streamlit as st

from dnn_core.race import Race
from ui import keys, session, state
from ui.compare import lanes as lanes_
from ui.compare.presets import PRESETS

DEFAULT_LANES = "base|optimizer:adam"


def _apply_preset(preset, query_params):
    for key, row in state.SCHEMA.items():
        if row.field or row.option:
            st.session_state[state.PREFIX + key] = row.default
    values, notes = state.parse_query({**preset.base, **{
        k: query_params.get_all(k) for k in query_params if k in state.SCHEMA}})
    for key, row in state.SCHEMA.items():
        if row.field or row.option:
            st.session_state[state.PREFIX + key] = values[key]
    if session.custom_data() is not None:
        session.set_custom_data(None)
    return notes


def read_url(query_params):
    """Take the preset, and the lanes when the URL's differ from those last written to it
    (a new link), into the session; the notes about junk go to `keys.CMP_NOTES`."""
    ss, notes = st.session_state, []
    name = query_params.get("preset")
    lanes_text = query_params.get("lanes")
    if name and name != ss.get(keys.CMP_PRESET):
        preset = PRESETS.get(name)
        if preset is None:
            notes.append(f"preset: {name!r} is not one of {', '.join(PRESETS)}; ignored.")
            del query_params["preset"]
        else:
            notes += _apply_preset(preset, query_params)
            ss[keys.CMP_PRESET] = name
            ss["cmp_epochs"] = preset.epochs         # the "Run to epoch" widget
            lanes_text = lanes_text or preset.lanes
    if ss.get(keys.CMP_LANES) is None or (lanes_text and lanes_text != ss.get(keys.CMP_URL)):
        specs, more = lanes_.parse_lanes(lanes_text or DEFAULT_LANES)
        ss[keys.CMP_LANES] = specs
        ss[keys.CMP_URL] = lanes_text
        notes += more
    if notes:
        ss[keys.CMP_NOTES] = ss.get(keys.CMP_NOTES, []) + notes


def sync_url(query_params):
    text = lanes_.format_lanes(specs())
    st.session_state[keys.CMP_URL] = text
    if query_params.get("lanes") != text:
        query_params["lanes"] = text


def specs():
    return st.session_state[keys.CMP_LANES]


def set_specs(new):
    """Replace the lanes (edited on the page): the preset no longer describes them."""
    st.session_state[keys.CMP_LANES] = list(new)
    st.session_state[keys.CMP_RUNNING] = False
    if "preset" in st.query_params:
        del st.query_params["preset"]


def preset():
    """The preset the comparison came from (while the URL names it), or None."""
    return PRESETS.get(st.query_params.get("preset"))


def lane_values():
    """Each lane's canonical values (the base with its changes)."""
    data = session.custom_data()
    base = state.current_values(st.session_state)
    return [lanes_.lane_values(base, s, data and data.task) for s in specs()]


def get_race():
    """The session's Race for the current base and lanes, rebuilt when they change."""
    data = session.custom_data()
    task = data.task if data is not None else None
    base = state.to_config(state.current_values(st.session_state), task)
    configs = tuple(state.to_config(v, task) for v in lane_values())
    key = (base, configs, id(data))
    held = st.session_state.get(keys.CMP_RACE)
    if held is None or held[0] != key:
        race = Race(base, [lanes_.overrides(base, c) for c in configs], data=data)
        st.session_state[keys.CMP_RACE] = held = (key, race)
        st.session_state[keys.CMP_RUNNING] = False
    return held[1]


def running():
    return bool(st.session_state.get(keys.CMP_RUNNING))


def set_running(on):
    st.session_state[keys.CMP_RUNNING] = bool(on) and not get_race().finished


def toggle_play():
    set_running(not running())


def step():
    set_running(False)
    get_race().run_epochs(1)


def reset():
    set_running(False)
    get_race().reset()
