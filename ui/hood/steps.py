"""The nine steps on screen: the equations (full width, from `ui.hood.tex`), then the shapes,
the matrices as annotated heatmaps and tables, beside the engine's source that ran.

    show_step(walk, step, initial)   # step 1..9; per-layer steps get a layer picker

Every number comes from `hood.take_step` (the engine's own arrays); nothing is recomputed
here except g'(Z), the activation's own `derivative` of the cached Z and A.
"""
import numpy as np
import streamlit as st

from dnn_core.init import get_initializer
from dnn_core.losses import get_loss
from ui import session
from ui.hood import walk as hood
from ui.hood.figures import (activation_figure, fmt, is_small, matrix_figure, matrix_summary,
                             matrix_width)
from ui.hood import tex as hood_tex
from ui.hood.tex import equations
from ui.hood.view import step_buttons

PER_LAYER = (1, 2, 3, 6, 7, 9)
ROW_PIXELS = 640   # small heatmaps share a row up to this width
NO_BAR = {"displayModeBar": False}


def _rows_by_width(items):
    """Split small matrices into rows whose figures fit side by side in ROW_PIXELS."""
    rows, width = [[]], 0
    for item in items:
        w = matrix_width(item[0])
        if rows[-1] and width + w > ROW_PIXELS:
            rows.append([])
            width = 0
        rows[-1].append(item)
        width += w
    return rows if items else []


def show_matrices(items, key):
    """Heatmaps of (M, name, row label, column label) in order: runs of small ones side by
    side at their own width, large ones full width with a summary note."""
    pending = []
    for item in items + [None]:
        if item is not None and is_small(item[0]):
            pending.append(item)
            continue
        for row in _rows_by_width(pending):
            widths = [matrix_width(M) for M, *_ in row]
            columns = st.columns(widths + [max(1, ROW_PIXELS - sum(widths))])
            for column, (M, name, rows, cols) in zip(columns, row):
                column.plotly_chart(matrix_figure(M, name, rows, cols), key=f"{key}_{name}",
                                    config=NO_BAR, width="content")
        pending = []
        if item is not None:
            M, name, rows, cols = item
            st.plotly_chart(matrix_figure(M, name, rows, cols), key=f"{key}_{name}",
                            config=NO_BAR)
            s = matrix_summary(M)
            st.caption(f"{name}: {s['shape']}, min {fmt(s['min'])}, max {fmt(s['max'])}, "
                       f"mean {fmt(s['mean'])}, ‖·‖ {fmt(s['norm'])} (too large to write "
                       "every value)")


def show_sources(walk, step, layer):
    st.markdown("**The engine code that ran**")
    for name, source in hood.step_sources(walk, step, layer):
        st.caption(f"`{name}`")
        st.code(source, language="python", wrap_lines=True)


def _shapes(ls):
    n, n_prev, n_l = len(ls.Z), ls.A_prev.shape[1], ls.Z.shape[1]
    return (f"n = {n} samples, n[{ls.index - 1}] = {n_prev} inputs, "
            f"n[{ls.index}] = {n_l} units")


def body_initialize(walk, ls, initial):
    l, (W0, b0) = ls.index, initial[ls.index - 1]
    st.markdown(f"**{get_initializer(walk.config.init).title}**, drawn once from seed "
                f"{walk.config.seed}. {walk.steps_before} updates since; step 2 uses the "
                "values of now.")
    show_matrices([(W0, f"W[{l}] initial", "unit", "input"), (b0, f"b[{l}] initial", "", "unit"),
                   (ls.W, f"W[{l}] now", "unit", "input"), (ls.b, f"b[{l}] now", "", "unit")],
                  "s1")


def body_linear_forward(walk, ls):
    l = ls.index
    st.caption(_shapes(ls) + ". b is added to every row (broadcasting).")
    show_matrices([(ls.A_prev, f"A[{l - 1}]", "sample", "input"),
                   (ls.W, f"W[{l}]", "unit", "input"), (ls.b, f"b[{l}]", "", "unit"),
                   (ls.Z, f"Z[{l}]", "sample", "unit")], "s2")


def body_activation_forward(walk, ls):
    l, g = ls.index, ls.g
    if ls.is_output:
        st.markdown(f"Layer {l} is the output layer: A = Z are raw scores (logits). The loss "
                    f"applies {walk.output_activation} itself (step 5), exactly and without "
                    "overflow.")
    elif ls.mask is not None:
        st.caption(f"Dropout then multiplies A[{l}] by its mask (0 or 1/(1-p)): layer "
                   f"{l + 1} receives A[{l}] ⊙ mask.")
    z = np.linspace(-4, 4, 161)
    st.plotly_chart(activation_figure(z, g.fn(z), g.derivative(z, g.fn(z)), ls.Z, ls.A,
                                      f"{g.title}: g and g′, this batch's Z as dots"),
                    key="s3_curve", config=NO_BAR)
    show_matrices([(ls.Z, f"Z[{l}]", "sample", "unit"), (ls.A, f"A[{l}]", "sample", "unit")],
                  "s3")


def _dims(M):
    return "×".join(map(str, M.shape))


def body_model_forward(walk, ls):
    st.dataframe([{"layer": s.index, "g": "output (logits)" if s.is_output else s.g.title,
                   "A[l-1]": _dims(s.A_prev), "W[l]": _dims(s.W), "Z[l], A[l]": _dims(s.Z),
                   "‖Z‖": fmt(np.linalg.norm(s.Z), 4), "‖A‖": fmt(np.linalg.norm(s.A), 4)}
                  for s in walk.layers], hide_index=True)
    last = walk.layers[-1]
    show_matrices([(walk.X, "A[0] = X", "sample", "feature"),
                   (last.A, f"A[{last.index}]", "sample", "output")], "s4")


def body_cost(walk, ls):
    one = get_loss(walk.loss.name)
    st.markdown(f"**{walk.loss.title}**, sample by sample:")
    st.dataframe([{"sample": i + 1, "training row": int(row), "target": _values(walk.T[i]),
                   "Z[L]": _values(walk.output[i]), "prediction": _values(walk.prediction[i]),
                   "loss ℓ": fmt(one.forward(walk.output[i:i + 1], walk.T[i:i + 1]), 4)}
                  for i, row in enumerate(walk.indices[:hood.MAX_PICK])], hide_index=True)
    st.markdown("The loss's backward pass gives dJ/dZ[L], already divided by n:")
    show_matrices([(walk.dOutput, f"dZ[{len(walk.layers)}]", "sample", "output")], "s5")


def _values(row):
    return ", ".join(fmt(v) for v in np.ravel(row))


def body_linear_backward(walk, ls):
    l = ls.index
    st.caption(_shapes(ls) + ". dZ already holds the mean's 1/n: dW and db are plain sums.")
    show_matrices([(ls.dZ, f"dZ[{l}]", "sample", "unit"), (ls.dW, f"dW[{l}]", "unit", "input"),
                   (ls.db, f"db[{l}]", "", "unit"),
                   (ls.dA_prev, f"dA[{l - 1}]", "sample", "input")], "s6")


def body_activation_backward(walk, ls):
    l = ls.index
    if ls.is_output:
        st.markdown(f"Layer {l} has no activation layer: the loss's backward pass gives "
                    f"dZ[{l}] = (Ŷ − Y)/n directly.")
        return show_matrices([(ls.dZ, f"dZ[{l}]", "sample", "unit")], "s7")
    show_matrices([(ls.dA, f"dA[{l}]", "sample", "unit"),
                   (ls.g.derivative(ls.Z, ls.A), f"g'(Z[{l}])", "sample", "unit"),
                   (ls.dZ, f"dZ[{l}]", "sample", "unit")], "s7")


def body_model_backward(walk, ls):
    st.dataframe([{"layer": s.index, "‖dA‖": fmt(np.linalg.norm(s.dA), 4),
                   "‖dZ‖": fmt(np.linalg.norm(s.dZ), 4), "‖dW‖": fmt(np.linalg.norm(s.dW), 4),
                   "‖penalty gradient‖": fmt(np.linalg.norm(s.dW_penalty), 4),
                   "‖db‖": fmt(np.linalg.norm(s.db), 4)} for s in reversed(walk.layers)],
                 hide_index=True)
    show_matrices([(walk.layers[0].dA_prev, "dA[0] = dJ/dX", "sample", "feature")], "s8")


def body_update(walk, ls):
    """The optimizer's rule in words and numbers (its class's formula, worked above), the
    schedule's rate for this epoch, and every W and b before, its gradient, the state and
    after."""
    opt, l = walk.optimizer, ls.index
    i, j = hood_tex.largest_gradient(ls)
    settings = ", ".join(f"{h.title} = {fmt(getattr(opt, h.name), 4)}" for h in opt.SETTINGS)
    st.markdown(f"**{opt.title}**, η = {fmt(opt.lr, 4)}" + (f", {settings}" if settings else "")
                + ". θ is every entry of every W and b, g its gradient from step 8 (penalty "
                f"included). The worked line is W[{l}] row {i + 1}, column {j + 1}: the "
                "entry with the largest gradient.")
    schedule = session.get_trainer().schedule
    if schedule.SETTINGS:
        st.markdown(f"**{schedule.title}** sets η from the epoch: "
                    f"${hood_tex.schedule_equation(schedule, session.get_trainer().epoch)[0]}$")
    if not walk.finite:
        st.warning("This batch's cost is not finite: the trainer refuses the update and "
                   "marks the run diverged.")
    for which, (value, grad, new, name, rows, cols) in enumerate(
            [(ls.W, ls.dW + ls.dW_penalty, ls.W_new, f"W[{l}]", "unit", "input"),
             (ls.b, ls.db, ls.b_new, f"b[{l}]", "", "unit")]):
        items = [(value, f"{name} before", rows, cols), (grad, f"g of {name}", rows, cols)]
        items += [(after[which], f"{opt.SYMBOLS.get(k, k)} of {name}", rows, cols)
                  for k, (_, after) in ls.state.items()]
        items += [(new, f"{name} after", rows, cols), (new - value, f"Δ{name}", rows, cols)]
        show_matrices(items, f"s9_{which}")


def pick_layer(n_layers):
    """The layer picker (session key hood_layer, kept within 1..n_layers)."""
    if st.session_state.get("hood_layer", 1) > n_layers:
        st.session_state.hood_layer = n_layers
    return st.radio("Layer", range(1, n_layers + 1), key="hood_layer", horizontal=True,
                    format_func=lambda l: f"layer {l}", label_visibility="collapsed")


BODIES = (body_initialize, body_linear_forward, body_activation_forward, body_model_forward,
          body_cost, body_linear_backward, body_activation_backward, body_model_backward,
          body_update)


def show_step(walk, step, initial=None):
    """Step `step` (1..9): title and layer picker, the equations full width, then the
    matrices beside the engine code. Step 1 needs `initial` [(W0, b0)] per layer."""
    title, buttons = st.columns([3, 1], vertical_alignment="bottom")
    title.subheader(f"Step {step} · {hood.STEP_TITLES[step - 1]}")
    with buttons:
        step_buttons(step)
    layer = pick_layer(len(walk.layers)) if step in PER_LAYER else 1
    for latex in equations(walk, step, layer, initial):
        st.latex(latex)
    ls = walk.layers[layer - 1]
    details, code = st.columns([3, 2], gap="medium")
    with details:
        if step == 1:
            body_initialize(walk, ls, initial)
        else:
            BODIES[step - 1](walk, ls)
    with code:
        show_sources(walk, step, layer)
