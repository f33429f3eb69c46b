"""The parts of the "Under the hood" page around the nine steps: the batch picker with its
map, the step navigator, "Apply this step" and the gradient check panel.

Session keys (all prefixed hood_): mode, rows, count, map, step, layer, bug, applied, check.
"""
import numpy as np
import streamlit as st

from dnn_core.data import input_domain
from ui import keys
from ui.hood import check as hood_check, walk as hood
from ui.hood.figures import fmt, gradcheck_figure, pass_diagram, sample_map

PICK, NEXT = "Pick samples", "The Playground's next batch"
SHORT_TITLES = ("Initialize", "Linear", "Activation", "Forward", "Cost", "Linear back",
                "Activation back", "Backward", "Update")
AUTO_CHECK = 40_000   # parameters x rows below which the gradient check runs by itself


def _draw_rows(n_train):
    seed = int(np.random.default_rng().integers(2**31))
    rows = hood.pick_rows(n_train, st.session_state.hood_count, seed)
    st.session_state.hood_rows = ", ".join(map(str, rows))
    st.session_state.hood_mode = PICK


def _take_map_selection():
    points = st.session_state.hood_map["selection"]["points"]
    rows = []
    for point in points:
        row = point.get("customdata")
        row = row[0] if isinstance(row, list) else row
        if row is not None and int(row) not in rows:
            rows.append(int(row))
    if rows:
        st.session_state.hood_rows = ", ".join(map(str, rows[:hood.MAX_PICK]))
        st.session_state.hood_mode = PICK


def pick_batch(trainer):
    """The picker: training rows typed, drawn at random or selected on the map, or the
    Playground's next batch. Returns (indices or None for the next batch, picked rows)."""
    n_train = len(trainer.X_train)
    st.session_state.setdefault("hood_rows", "0")
    st.session_state.setdefault("hood_count", 1)
    mode = st.radio("Mini-batch", (PICK, NEXT), key="hood_mode", horizontal=True)
    indices = None
    if mode == PICK:
        text, count, draw = st.columns([3, 2, 2], vertical_alignment="bottom")
        rows = text.text_input(f"Training rows (0 to {n_train - 1}, at most {hood.MAX_PICK})",
                               key="hood_rows")
        count.number_input("How many", 1, hood.MAX_PICK, key="hood_count")
        draw.button("Draw at random", on_click=_draw_rows, args=(n_train,))
        try:
            indices = hood.parse_rows(rows, n_train)
        except ValueError as error:
            st.error(f"{error}. Showing row 0 meanwhile.")
            indices = np.array([0])
    return indices


def show_map(trainer, picked):
    raw = trainer.raw
    st.plotly_chart(sample_map(raw["train_X"], raw["train_y"], trainer.task, picked,
                               input_domain(trainer.dataset.X), trainer.dataset.n_classes),
                    key="hood_map", on_select=_take_map_selection,
                    selection_mode=("points", "box", "lasso"),
                    config={"displayModeBar": False}, width="content")
    st.caption("Numbered: this batch, in the order of its rows in X. Drag a box (or a "
               "lasso) over points to pick them, at most 8.")


def style():
    """A wide equation scrolls sideways instead of being cut off on a small screen."""
    st.html("<style>.katex-display { overflow-x: auto; overflow-y: hidden; "
            "padding: 2px 0; }</style>")


def navigate():
    """The step picker (all nine in one row); returns the step (1..9)."""
    st.session_state.setdefault("hood_step", 1)
    return st.radio("Step", range(1, 10), key="hood_step", horizontal=True,
                    format_func=lambda k: f"{k} {SHORT_TITLES[k - 1]}",
                    label_visibility="collapsed")


def step_buttons(step):
    """◀ Previous and Next ▶, side by side."""
    back, forward = st.columns(2)
    back.button("◀ Previous", on_click=_shift, args=(-1,), disabled=step == 1,
                key="hood_prev", width="stretch")
    forward.button("Next ▶", on_click=_shift, args=(1,), disabled=step == 9,
                   key="hood_next", width="stretch")


def network_summary(trainer):
    """One line: the layer sizes and activations, loss, optimizer and updates so far."""
    cfg = trainer.config
    sizes = [str(len(cfg.features))] + [f"{h} {a}" for h, a in zip(cfg.hidden, cfg.activations)]
    sizes.append(str(trainer.model.dense_layers()[-1].out_features))
    st.markdown(f"**Network** {' → '.join(sizes)} · loss **{trainer.loss.title}** · "
                f"**{trainer.optimizer.title}** η = {fmt(trainer.optimizer.lr, 3)} · "
                f"{trainer.steps} updates so far (epoch {trainer.epoch})")


def _shift(delta):
    st.session_state.hood_step = min(9, max(1, st.session_state.hood_step + delta))


def _apply(trainer, walk):
    record = hood.apply_step(trainer, walk)
    st.session_state.hood_applied = (record.step, record.loss, record.diverged)


def apply_button(trainer, walk):
    """'Apply this step': the shown update, performed on the Playground's network."""
    if trainer.diverged:
        st.warning(trainer.message)
    st.button("Apply this step to the Playground's network", type="primary",
              key="hood_apply", on_click=_apply, disabled=trainer.diverged,
              args=(trainer, walk))
    applied = st.session_state.pop("hood_applied", None)
    if applied:
        step, loss, diverged = applied
        if diverged:
            st.error("The update diverged; the Playground's network kept its last weights.")
        else:
            st.success(f"Applied: the Playground's network took update {step} "
                       f"(batch cost J = {fmt(loss, 4)}). Below: the next one.")


def diagram(walk, step):
    layer = min(st.session_state.get("hood_layer", 1), len(walk.layers))
    st.plotly_chart(pass_diagram(walk.layers, walk.cost, step, layer), key="hood_diagram",
                    config={"displayModeBar": False, "staticPlot": True})
    st.caption(":blue[→ forward pass: each layer caches A[l-1] and Z[l]] · "
               ":orange[← backward pass: dA, dZ, dW, db from the cost back to the input] · "
               "framed: the current step")


def gradient_check(trainer, indices):
    """Analytic vs centered-difference gradients for this network and batch."""
    st.subheader("Gradient check")
    st.latex(r"\frac{\partial J}{\partial \theta_i} \approx "
             r"\frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon},"
             r"\quad \varepsilon = 10^{-6}, \qquad \text{pass: } "
             r"\lvert g_{\text{analytic}} - g_{\text{numeric}} \rvert \le "
             r"10^{-8} \max(1, J) + 10^{-5} \lvert g_{\text{numeric}} \rvert"
             r"\ \text{for every entry}")
    st.caption("The rule of PyTorch's gradcheck, with an absolute floor: the finite "
               "difference itself is only accurate to about 10⁻¹⁰·J (float64 rounding "
               "divided by ε), so a tiny gradient, as in a saturated layer, can show a large "
               "relative error with no bug. The score is the worst entry's disagreement "
               "over what the rule allows: 1 or less passes. The relative error "
               "‖a − n‖ / (‖a‖ + ‖n‖) is shown as the course computes it.")
    bugs = hood_check.available_bugs(trainer.model)
    bug = st.radio("Backward pass", bugs, format_func=hood_check.BUGS.get, key="hood_bug")
    rows_used = np.asarray(indices)[:hood_check.MAX_ROWS]
    n_params = sum(p.value.size for p in trainer.params)
    key = (trainer.steps, id(trainer), tuple(rows_used), bug)
    cheap = n_params * len(rows_used) <= AUTO_CHECK
    if cheap or st.button(f"Run the check ({2 * n_params:,} forward passes)", key="hood_run"):
        st.session_state[keys.HOOD_CHECK] = (key, hood_check.check_gradients(trainer, rows_used, bug)[0])
    saved = st.session_state.get(keys.HOOD_CHECK)
    if not saved or saved[0] != key:
        return
    rows = saved[1]
    passed = all(r["passed"] for r in rows)
    (st.success if passed else st.error)(
        "Every tensor passes: the backward pass is right." if passed else
        "The check fails: the analytic gradients disagree with the finite differences.")
    table, chart = st.columns([3, 2])
    table.dataframe([{"tensor": r["tensor"], "shape": r["shape"],
                      "‖analytic‖": fmt(r["‖analytic‖"], 4), "‖numeric‖": fmt(r["‖numeric‖"], 4),
                      "relative error": f"{r['relative error']:.2e}",
                      "max |a − n|": f"{r['max |a − n|']:.1e}", "score": f"{r['score']:.2g}",
                      "passed": "pass" if r["passed"] else "FAIL"} for r in rows],
                    hide_index=True)
    chart.plotly_chart(gradcheck_figure([r["tensor"] for r in rows],
                                        [r["score"] for r in rows], 1.0,
                                        "score"),
                       key="hood_check_chart", config={"displayModeBar": False})
    caption = "Dropout is off during the check, so J is a fixed function of the weights."
    tiny = [r["tensor"] for r in rows if r["below floor"]]
    if tiny:
        caption += (f" {', '.join(tiny)}: every entry of the gradient is below the floor, "
                    "too small for finite differences to tell a right value from a wrong one.")
    if len(indices) > len(rows_used):
        caption += f" The check uses the first {len(rows_used)} rows of the batch."
    st.caption(caption)
