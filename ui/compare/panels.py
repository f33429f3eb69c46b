"""The Compare page's panels: notes, presets, the lane editor, Run to epoch N, results."""
from urllib.parse import urlencode

import streamlit as st

from dnn_core import workers
from ui import keys, state
from ui.compare import lanes as lanes_
from ui.compare import run, table
from ui.compare.presets import PRESETS

SYNTAX = ("Settings as `name:value` joined by `;`, with the Playground's link names and "
          "values, e.g. `optimizer:adam;lr:0.001` or `layers:8,8;activation:relu`; `base` "
          "changes nothing. The data (dataset, noise, n, train, seed) is shared by every lane.")
OWN_PARAMS = ("lanes", "preset")
TEXT_KEY = "cmp_lane_text_"
EPOCHS_KEY = "cmp_epochs"


def notes():
    """The URL's notes: the settings' (without our own parameters) and the lanes'."""
    ours = {f"Unknown parameter {name!r} ignored." for name in OWN_PARAMS}
    shown = [n for n in st.session_state.pop(keys.URL_NOTES, []) if n not in ours]
    for note in shown + st.session_state.pop(keys.CMP_NOTES, []):
        st.warning(note, icon=":material/link_off:")


def preset_links():
    """Every preset as a link, with what to look for and the course's numbers."""
    for p in PRESETS.values():
        st.page_link("app_pages/compare.py", label=p.title, icon=":material/science:",
                     query_params={"preset": p.name})
        st.caption(p.look_for + (" " + p.course if p.course else ""))


def preset_note():
    p = run.preset()
    if p is None:
        return
    st.info(f"**Preset: {p.title}.** {p.look_for} {p.course} Our data are toy sets like the "
            "course's: the preset reproduces the course's effect, not its exact numbers.",
            icon=":material/science:")


def _clear_texts():
    for key in [k for k in st.session_state if str(k).startswith(TEXT_KEY)]:
        del st.session_state[key]


def _edit(i):
    spec, more = lanes_.parse_lane(st.session_state[TEXT_KEY + str(i)], i + 1)
    specs = run.specs()
    specs[i] = spec
    run.set_specs(specs)
    _clear_texts()
    st.session_state[keys.CMP_NOTES] = more


def _add():
    run.set_specs([*run.specs(), dict(run.specs()[-1])])
    _clear_texts()


def _remove(i):
    run.set_specs([s for j, s in enumerate(run.specs()) if j != i])
    _clear_texts()


def lane_editor():
    """One row per lane: its colour and words, its changes (editable), a Playground link."""
    specs = run.specs()
    for i, (spec, values) in enumerate(zip(specs, run.lane_values())):
        key = TEXT_KEY + str(i)
        st.session_state.setdefault(key, lanes_.format_lane(spec))
        cols = st.columns([2.6, 3, 1.5, 0.5], vertical_alignment="center")
        cols[0].markdown(f"<span style='color:{lanes_.COLORS[i]}'>■</span> **Lane {i + 1}: "
                         f"{lanes_.describe(spec)}**", unsafe_allow_html=True)
        cols[1].text_input(f"Lane {i + 1} changes", key=key, on_change=_edit, args=(i,),
                           label_visibility="collapsed", help=SYNTAX)
        cols[2].link_button("Open in Playground", "./?" + urlencode(state.to_query(values)),
                            icon=":material/open_in_new:", use_container_width=True)
        cols[3].button("✕", key=f"cmp_remove_{i}", on_click=_remove, args=(i,),
                       disabled=len(specs) <= lanes_.MIN_LANES, help="Remove this lane")
    st.button("Add lane", key="cmp_add", on_click=_add, icon=":material/add:",
              disabled=len(specs) >= lanes_.MAX_LANES)


def run_to_panel():
    """Run to epoch N (progress bar; any click, e.g. Cancel, stops it between chunks) and
    the target test loss the results table counts epochs to."""
    race = run.get_race()
    workers.warm()
    p = run.preset()
    cols = st.columns([1.3, 1.3, 1.4, 1.2, 2], vertical_alignment="bottom")
    st.session_state.setdefault(EPOCHS_KEY, p.epochs if p else 1000)
    epochs = cols[0].number_input("Run to epoch", 1, 1_000_000, step=100, key=EPOCHS_KEY)
    target = cols[1].number_input("Target test loss", 0.0, 100.0, value=0.0, step=0.01,
                                  format="%g", key="cmp_target",
                                  help="The results table reports the first epoch at or below it "
                                       "(0: none).")
    if race.lanes[0].target != (target or None):
        race.set_target(target or None)
    if not cols[2].button(f"Run to epoch {epochs:,}", key="cmp_run_to", type="primary",
                          icon=":material/fast_forward:", use_container_width=True):
        return
    run.set_running(False)
    cols[3].button("Cancel", key="cmp_cancel", icon=":material/stop:", use_container_width=True)
    bar = cols[4].progress(0.0, text="Starting…")
    chunk = max(10, min(500, epochs // 40))
    race.run_to(epochs, chunk, progress=lambda done: bar.progress(
        done, text=f"{done:.0%} of {epochs:,} epochs trained"))
    bar.empty()


def results():
    """The results table of every lane now, and its CSV."""
    race = run.get_race()
    titles = [lanes_.describe(s) for s in run.specs()]
    task = race.lanes[0].trainer.task
    frame = table.results_frame(race.results(), titles, task)
    st.markdown(f"**Results at epoch {race.epoch:,}**")
    st.table(table.formatted(frame, task))
    st.download_button("Download CSV", frame.to_csv().encode(), "comparison.csv", "text/csv",
                       key="cmp_csv", icon=":material/download:")
