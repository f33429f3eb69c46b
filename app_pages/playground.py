"""Playground: design a network, press Play, and watch every part of it learn live."""
import streamlit as st

from ui import controls, keys, playground, session, share

with st.sidebar:
    st.subheader("Data")
    controls.data_controls()
    st.subheader("Training")
    controls.training_controls()
    st.subheader("View")
    controls.view_toggles()
    if st.session_state.get("cfg_draw"):
        playground.draw_class_picker()

title, link = st.columns([5, 1], vertical_alignment="bottom")
title.markdown("### DNN Playground")
title.caption("Build a neural network, press Play, and watch every part of it learn: the "
              "output over the input plane, each neuron, each weight and its gradient.")
with link.popover("Share", icon=":material/share:", use_container_width=True):
    share.link_control()
share.data_link_notice()
for note in st.session_state.pop(keys.URL_NOTES, []):
    st.warning(note, icon=":material/link_off:")

before = session.get_trainer().config
session.sync_trainer()
trainer = session.get_trainer()
notice = controls.change_notice(before, trainer.config)
if notice:
    st.toast(notice, icon=":material/info:")

controls.feature_controls()
network, output = st.columns([2.6, 1.4], gap="large")
with network:
    st.markdown("**Hidden layers**")
    controls.network_controls()
with output:
    st.markdown("**Output and loss**")
    controls.output_controls(trainer.task)

playground.live_panel()
