"""A tiny page around ui.live.live_view for the browser tests: the real engine Trainer on
the default circle data (4-2 tanh net), a Play toggle and a Step button, the fragment loop
of ui/live.py's docstring. Run with the repository root on PYTHONPATH."""
import streamlit as st

from dnn_core.config import TrainConfig
from dnn_core.trainer import Trainer
from ui.live import frame_from_snapshot, live_view, meta_from_snapshot, requested_frames

if "trainer" not in st.session_state:
    st.session_state.trainer = Trainer(TrainConfig(seed=1))
trainer = st.session_state.trainer

running = st.toggle("Play", key="running")
if st.button("Step"):
    trainer.step()
show_test = st.checkbox("Show test data")


@st.fragment
def live_panel():
    n = requested_frames("live")
    snaps = []
    if running and n:
        for _ in range(min(n, 12)):
            trainer.run_epochs(1)
            snaps.append(trainer.snapshot(res=100))
    else:
        snaps.append(trainer.snapshot(res=100))
    live_view([frame_from_snapshot(s) for s in snaps], meta=meta_from_snapshot(snaps[-1]),
              points=trainer.points(), running=running,
              settings={"showTest": show_test, "discretize": False, "logScale": True})


live_panel()
