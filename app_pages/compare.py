"""Compare: race two to four runs on the same data, live, and reproduce the course's
experiments (each preset one link)."""
import streamlit as st

from ui import controls
from ui.compare import live, panels, run
from ui.compare.lanes import SETTING_SEP, LANE_SEP

run.read_url(st.query_params)

with st.sidebar:
    st.subheader("Presets")
    panels.preset_links()
    st.subheader("Base settings")
    st.caption("Every lane starts from these (the Playground's) and changes what its row says.")
    controls.data_controls()
    controls.training_controls()

st.markdown("### Compare")
st.caption("Two to four runs on exactly the same data and, unless a lane changes them, the "
           "same network, settings and initial weights. They train in lockstep: the same "
           "epoch in every lane.")
panels.notes()
panels.preset_note()

with st.expander(f"**Lanes** ({len(run.specs())}): edit, add, remove, open one in the "
                 "Playground", icon=":material/tune:"):
    panels.lane_editor()
panels.run_to_panel()
live.live_panel(when_paused=panels.results)

with st.expander("Share this comparison"):
    st.markdown(
        "The link in the address bar holds the whole comparison: the base settings as the "
        f"Playground's parameters, and `lanes`: lanes separated by `{LANE_SEP}`, each "
        f"lane's settings by `{SETTING_SEP}`, each `name:value`, e.g. "
        "`lanes=init:zeros|init:large|init:he`. " + panels.SYNTAX)

run.sync_url(st.query_params)
