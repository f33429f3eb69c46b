"""Under the hood: one training step of the Playground's network, as the course's equations
("Building your Deep Neural Network: Step by Step") with the real numbers and the engine
code that computed them."""
import streamlit as st

from ui.hood import landscape, view as hood_view, walk as hood
from ui.hood.steps import show_step
from ui.session import get_trainer

st.set_page_config(page_title="Under the hood · DNN Playground", layout="wide")
hood_view.style()
st.title("Under the hood")
st.caption("One training step of the network you built on the Playground, taken apart into "
           "the nine steps of the course. Every number is the engine's own; beside each step "
           "is the source code that computed it.")

trainer = get_trainer()
controls, data_map = st.columns([3, 2], gap="large")
with controls:
    indices = hood_view.pick_batch(trainer)
    walk = hood.take_step(trainer, indices)
    hood_view.network_summary(trainer)
    hood_view.apply_button(trainer, walk)
with data_map:
    hood_view.show_map(trainer, walk.indices)

step = hood_view.navigate()
hood_view.diagram(walk, step)
show_step(walk, step, hood.initial_parameters(trainer) if step == 1 else None)

st.divider()
hood_view.gradient_check(trainer, walk.indices)

st.divider()
landscape.section(trainer)
