"""Playground: design a network, press Play, and watch every part of it learn live.

The settings live in the sidebar; the main area is the run itself, so a projector at
1280 x 720 shows Play, the numbers, the network and the output map without scrolling. The
network is also edited where it is drawn (ui/edit.py): +/- on its columns, a click on an
input node, a click on a link or a bias while paused.
"""
import streamlit as st

from ui import controls, edit, keys, notice, playground, session, share, state

edit.apply_pending()
with st.sidebar:
    st.subheader("Data")
    controls.data_controls()
    st.subheader("Network")
    controls.feature_controls()
    controls.network_controls()
    controls.output_controls(state.task_of(state.current_values(st.session_state)))
    st.subheader("Training")
    controls.training_controls()
    st.subheader("View")
    controls.view_toggles()
    if st.session_state.get("cfg_draw"):
        playground.draw_class_picker()

top = st.container(horizontal=True, vertical_alignment="bottom")
top.markdown("#### DNN Playground", help="Build a neural network, press Play, and watch "
               "every part of it learn: the output over the input plane, each neuron, each "
               "weight and its gradient. Settings are in the sidebar; the diagram's +/− and "
               "nodes edit the network too.", width="stretch")
with top.popover("Share", icon=":material/share:", width="content"):
    share.link_control()
share.data_link_notice()
for note in st.session_state.pop(keys.URL_NOTES, []):
    st.warning(note, icon=":material/link_off:")

before = session.get_trainer().config
session.sync_trainer()
change = notice.change_notice(before, session.get_trainer().config)
if change:
    st.toast(change, icon=":material/info:")

playground.live_panel()
