"""A tiny page around ui.live.live_view for the browser tests: the real engine Trainer on
the default circle data (4-2 tanh net), a Play toggle and a Step button, the fragment loop
of ui/live/component.py's docstring. Run with the repository root on PYTHONPATH."""
import time

import streamlit as st

from dnn_core.config import TrainConfig
from dnn_core.trainer import Trainer
from ui.live import frame_from_snapshot, live_view, meta_from_snapshot, requested_frames

if "trainer" not in st.session_state:
    st.session_state.trainer = Trainer(TrainConfig(seed=1))
trainer = st.session_state.trainer

st.toggle("Play", key="running")
if st.button("Step"):
    trainer.step()
st.checkbox("Show test data", key="show_test")


@st.fragment
def live_panel():
    # Widget state, not a variable of the full run: a click that lands in the same flush as
    # the browser's "more" trigger reruns only this fragment.
    running = st.session_state.running
    n = requested_frames("live")
    snaps, deadline = [], time.perf_counter() + 0.25
    for _ in range(min(n, 32) if running else 0):
        trainer.run_epochs(1)
        snaps.append(trainer.snapshot(res=100))
        if time.perf_counter() > deadline:
            break
    snaps = snaps or [trainer.snapshot(res=100)]
    live_view([frame_from_snapshot(s) for s in snaps], meta=meta_from_snapshot(snaps[-1]),
              points=trainer.points(), running=running,
              settings={"showTest": st.session_state.show_test, "discretize": False, "logScale": True})


live_panel()
