"""Your data: bring your own points (a CSV file or a drawing), take the run with you, and
share it as a link or a classroom lesson."""
import streamlit as st

from ui import session, share
from ui.data import panels as data_panels

st.title("Your data")
share.data_link_notice()
share.challenge_banner(session.get_trainer())
st.markdown(data_panels.data_summary())
if session.custom_data() is not None:
    st.button("Back to toy datasets", key="data_back_to_toy", on_click=data_panels.use_data,
              args=(None,))

upload_tab, draw_tab, take_tab, share_tab = st.tabs(
    ["Upload a CSV", "Draw points", "Take it with you", "Share and teach"])
with upload_tab:
    data_panels.upload_panel()
with draw_tab:
    data_panels.draw_panel()
with take_tab:
    data_panels.take_away_panel()
with share_tab:
    share.link_control()
    if st.button("Make a classroom link…", key="share_classroom"):
        share.classroom_dialog()
