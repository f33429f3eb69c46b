"""Under the hood: the loss landscape around the current weights and the path the optimizer
took across it (dnn_core.landscape.loss_landscape), as a Plotly contour or a 3-D surface.

Colour and height are log10 J(theta + a d1 + b d2), J the run's training objective (see
the engine module): losses near a minimum and on the walls differ by decades. The result
is kept in the session per (run state, settings), so a rerun does not compute it again.
"""
import hashlib
import time

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dnn_core.landscape import evaluate, loss_landscape
from dnn_core.recorder import flatten

CACHE = "hood_landscape"           # {cache key: (Landscape, path losses)}, the last few
CACHE_SIZE = 4
PROGRESS_AFTER = 0.5               # seconds before the progress bar appears
KINDS = {"pca": "Principal directions of the recorded path (PCA)",
         "random": "Filter-normalized random directions (Li et al. 2018)"}
RESOLUTIONS = (21, 41, 61)


def axis_titles(land, seed=None):
    """(x title, y title) saying what alpha and beta move along."""
    if land.kind == "pca":
        return ("α along d₁ = unit direction from the current weights to the start (PCA)",
                "β along d₂ = the path's principal direction ⟂ d₁")
    return (f"α along d₁ = filter-normalized random direction (seed {seed})",
            f"β along d₂ = a second filter-normalized random direction (seed {seed})")


def figure(land, path_loss=None, surface=False, seed=None):
    """The Plotly figure of `land` (a Landscape): contour of log10 J with the path and
    the current point, or (surface=True) the same as a 3-D surface with the path drawn at
    its losses `path_loss` (k,)."""
    z = np.log10(np.maximum(land.loss, 1e-300))
    xt, yt = axis_titles(land, seed)
    a, b = land.path[:, 0], land.path[:, 1]
    hover = [f"epoch {e}" for e in land.epochs]
    scale = dict(colorscale="Viridis", colorbar=dict(title=dict(text="log₁₀ J")))
    if surface:
        fig = go.Figure([
            go.Surface(x=land.alpha, y=land.beta, z=z, customdata=land.loss, opacity=0.92,
                       hovertemplate="α %{x:.3g}, β %{y:.3g}<br>J %{customdata:.4g}"
                                     "<extra></extra>", **scale),
            go.Scatter3d(x=a, y=b, z=np.log10(np.maximum(path_loss, 1e-300)),
                         mode="lines+markers", name="path", text=hover,
                         line=dict(color="#c2255c", width=5), marker=dict(size=2.5),
                         hovertemplate="%{text}<extra>path</extra>")])
        fig.update_layout(meta=dict(name="landscape"),
                          scene=dict(xaxis_title="α", yaxis_title="β", zaxis_title="log₁₀ J"),
                          height=560, margin=dict(l=0, r=0, t=10, b=0))
        return fig
    fig = go.Figure([
        go.Contour(x=land.alpha, y=land.beta, z=z, customdata=land.loss, ncontours=30,
                   hovertemplate="α %{x:.3g}, β %{y:.3g}<br>J %{customdata:.4g}<extra></extra>",
                   **scale),
        go.Scatter(x=a, y=b, mode="lines+markers", name="path", text=hover,
                   line=dict(color="white", width=2), marker=dict(size=4, color="white"),
                   hovertemplate="%{text}<extra>path</extra>"),
        go.Scatter(x=a[:1], y=b[:1], mode="markers", name=f"start (epoch {land.epochs[0]})",
                   marker=dict(size=11, color="#f59322", line=dict(color="black", width=1))),
        go.Scatter(x=[0.0], y=[0.0], mode="markers", name=f"now (epoch {land.epochs[-1]})",
                   marker=dict(size=16, symbol="star", color="#c2255c",
                               line=dict(color="white", width=1)))])
    fig.update_layout(meta=dict(name="landscape"), xaxis_title=xt, yaxis_title=yt, height=520,
                      margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    return fig


def run_key(trainer, kind, res, seed, penalty):
    """What the landscape depends on: the weights, the recorded path, the config, the
    settings."""
    digest = hashlib.blake2b(flatten(p.value for p in trainer.params).tobytes(),
                             digest_size=8)
    digest.update(np.asarray(trainer.record.epochs()).tobytes())
    return (id(trainer), digest.hexdigest(), trainer.config, kind, res, seed, penalty)


def compute(trainer, kind, res, seed, penalty):
    """(Landscape, path losses (k,)), from the session's cache or computed with a
    progress bar once it takes longer than PROGRESS_AFTER seconds."""
    cache = st.session_state.setdefault(CACHE, {})
    key = run_key(trainer, kind, res, seed, penalty)
    if key not in cache:
        started, bar = time.perf_counter(), []

        def progress(done, total):
            if not bar and time.perf_counter() - started > PROGRESS_AFTER:
                bar.append(st.progress(0.0, text="Computing the loss landscape…"))
            if bar:
                bar[0].progress(done / total, text=f"Computing the loss landscape: {done} of "
                                                   f"{total} points")

        land = loss_landscape(trainer, kind, res=res, rng=np.random.default_rng(seed),
                              penalty=penalty, progress=progress)
        theta = flatten(p.value for p in trainer.params)
        path_loss = evaluate(trainer, theta, land.d1, land.d2, land.path, penalty)
        if bar:
            bar[0].empty()
        while len(cache) >= CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = (land, path_loss)
    return cache[key]


@st.fragment
def section(trainer):
    """The loss-landscape section: its settings, the figure and what it shows."""
    st.subheader("Loss landscape")
    st.caption("The training cost J over a plane through the current weights θ: "
               "J(θ + α·d₁ + β·d₂), every parameter moved at once, with the path the "
               "optimizer took (the recorded keyframes, projected onto the plane).")
    kind_col, res_col, seed_col, opts = st.columns([3, 1, 1, 1.6], vertical_alignment="bottom")
    kind = kind_col.radio("Directions", tuple(KINDS), format_func=KINDS.get,
                          key="hood_landscape_kind")
    res = res_col.selectbox("Grid", RESOLUTIONS, index=1, key="hood_landscape_res",
                            format_func=lambda r: f"{r} × {r}")
    seed = seed_col.number_input("Seed", 0, 10_000, 0, key="hood_landscape_seed",
                                 disabled=kind == "pca",
                                 help="For the random directions (and a straight path's d₂)")
    surface = opts.toggle("3-D surface", key="hood_landscape_3d")
    penalty = trainer.config.reg != "none" and opts.toggle(
        "With the penalty", True, key="hood_landscape_penalty",
        help="J includes the L1/L2 penalty, as the optimizer descends it")
    try:
        land, path_loss = compute(trainer, kind, res, int(seed), penalty)
    except ValueError as problem:
        st.info(f"{problem}.", icon=":material/info:")
        return
    st.plotly_chart(figure(land, path_loss, surface, int(seed)), key="hood_landscape_chart",
                    use_container_width=True)
    centre = land.loss[res // 2, res // 2]
    share = (f" The plane holds {land.explained:.0%} of the path's squared distance from "
             "θ." if land.explained is not None else "")
    st.caption(f"At the star (α = β = 0: the weights now) J = {centre:.6g}. α spans "
               f"±{abs(land.alpha[0]):.3g}, β ±{abs(land.beta[0]):.3g} (distances in "
               f"parameter space).{share}")
