"""Figures for "Under the hood": pure functions from arrays to Plotly figures.

    matrix_figure(Z, "Z[1]")               small matrices: a heatmap with every value written
                                           in it (3 significant digits); large ones: a heatmap
                                           without text, at most MAX_ROWS rows
    sample_map(X, y, task, picked, domain) the training points, the picked ones numbered
    activation_figure(z, g, dg, Z, A, title)  g and g' with this batch's (Z, A) marked
    pass_diagram(layers, cost, step, layer)   the forward and backward passes as boxes
    gradcheck_figure(names, values, tol, label)  errors or scores on a log scale, pass/fail colours

Colours follow TF Playground: orange for negative values and class 0, blue for positive and
class 1. `layout.meta` holds each figure's name (tests find figures by it).
"""
import numpy as np
import plotly.graph_objects as go

ORANGE, BLUE, GREY, INK = "#f59322", "#0877bd", "#9aa0a6", "#1f2933"
CLASS_COLORS = (ORANGE, BLUE, "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf")
DIVERGING = [[0.0, ORANGE], [0.5, "#f7f7f7"], [1.0, BLUE]]
CELL_LIMIT = 12      # up to 12 x 12 cells every value is written in its cell
MAX_ROWS = 64        # larger batches show their first 64 rows
MAP_POINTS = 1500    # the sample map draws at most this many unpicked points
CELL_WIDTH, CELL_HEIGHT = 52, 30   # pixels per written cell
FONT = dict(family="sans-serif", size=14, color=INK)


def fmt(value, digits=3):
    """A number to `digits` significant digits: 0.123, -4.57, 1.2e-05, 0."""
    text = f"{float(value):.{digits}g}"
    return "0" if text in ("-0", "0") else text


def is_small(M):
    M = np.atleast_2d(M)
    return M.shape[0] <= CELL_LIMIT and M.shape[1] <= CELL_LIMIT


def matrix_summary(M):
    """{'shape', 'min', 'max', 'mean', 'norm'} of an array (the note under large ones)."""
    M = np.asarray(M, dtype=float)
    return {"shape": " × ".join(map(str, M.shape)), "min": float(M.min()),
            "max": float(M.max()), "mean": float(M.mean()), "norm": float(np.linalg.norm(M))}


def _figure(traces, name, height, **layout):
    """One go.Figure built in a single call (Plotly validates each update separately)."""
    base = dict(meta={"name": name}, height=height, font=FONT,
                margin=dict(l=8, r=8, t=36, b=8), paper_bgcolor="white", plot_bgcolor="white")
    return go.Figure(data=traces, layout={**base, **layout})


def _title(text):
    return dict(text=text, font=dict(size=15), x=0.01, xanchor="left", y=0.99,
                yanchor="top", yref="container")


def matrix_width(M):
    """Pixel width of a small matrix's figure: CELL_WIDTH per column plus the labels."""
    return CELL_WIDTH * np.atleast_2d(M).shape[1] + 72


def matrix_figure(M, name, row_label="sample", col_label="unit"):
    """Heatmap of a matrix (a vector is one row), zero white, negative orange, positive blue.

    Small (<= 12 x 12): each cell carries its value. Larger: no text, the first MAX_ROWS rows.
    The trace's z is the exact array shown (float64 values, not rounded).
    """
    M = np.atleast_2d(np.asarray(M, dtype=float))
    rows_total = M.shape[0]
    shown = M[:MAX_ROWS]
    small = is_small(M)
    bound = float(np.max(np.abs(shown))) or 1.0
    trace = dict(
        type="heatmap", z=shown, x=[str(j) for j in range(1, shown.shape[1] + 1)],
        y=[str(i) for i in range(1, shown.shape[0] + 1)],
        colorscale=DIVERGING, zmin=-bound, zmax=bound, showscale=not small, xgap=1, ygap=1,
        hovertemplate=f"{row_label} %{{y}}, {col_label} %{{x}}: %{{z:.6g}}<extra></extra>")
    if small:
        trace.update(text=[[fmt(v) for v in row] for row in shown],
                     texttemplate="%{text}", textfont=dict(size=13))
    title = name if rows_total <= MAX_ROWS else f"{name}: first {MAX_ROWS} of {rows_total} rows"
    cell = CELL_HEIGHT if small else max(4, min(14, 300 // shown.shape[0]))
    axis = dict(showgrid=False, type="category", tickfont=dict(size=11), ticks="",
                title_font=dict(size=12), title_standoff=6, automargin=True)
    size = dict(width=matrix_width(M)) if small else {}
    return _figure([trace], name, 96 + cell * shown.shape[0], title=_title(title),
                   margin=dict(l=8, r=8, t=30, b=44), **size,
                   xaxis=dict(axis, title_text=col_label),
                   yaxis=dict(axis, title_text=row_label, autorange="reversed"))


def sample_map(X, y, task, picked, domain, n_classes=2):
    """The training points in the input plane (x1 right, x2 up); the picked rows drawn large
    and (up to 12 of them) numbered 1..k in batch order. customdata is the training row."""
    X, y, picked = np.asarray(X), np.asarray(y), np.asarray(picked, dtype=int)
    others = np.setdiff1d(np.arange(len(X)), picked)
    if len(others) > MAP_POINTS:
        others = others[np.linspace(0, len(others) - 1, MAP_POINTS).astype(int)]
    if task == "regression":
        colors = np.where(y >= 0, BLUE, ORANGE)
    else:
        colors = np.array(CLASS_COLORS)[np.asarray(y, dtype=int) % len(CLASS_COLORS)]
    hover = "row %{customdata}<extra></extra>"
    numbered = len(picked) <= CELL_LIMIT
    traces = [
        dict(type="scatter", x=X[others, 0], y=X[others, 1], mode="markers", customdata=others,
             marker=dict(size=6, color=colors[others], opacity=0.45), hovertemplate=hover,
             name="training set"),
        dict(type="scatter", x=X[picked, 0], y=X[picked, 1],
             mode="markers+text" if numbered else "markers", customdata=picked,
             text=[str(k) for k in range(1, len(picked) + 1)] if numbered else None,
             textposition="top right", textfont=dict(size=15, color=INK),
             marker=dict(size=15 if numbered else 9, color=colors[picked],
                         line=dict(width=2.5 if numbered else 1.5, color=INK)),
             hovertemplate=hover, name="this batch"),
    ]
    x0, x1, y0, y1 = domain
    return _figure(traces, "sample map", 250, width=290, showlegend=False, dragmode="select",
                   margin=dict(l=8, r=8, t=8, b=8),
                   xaxis=dict(range=[x0, x1], title_text="x₁", zeroline=False, showgrid=False),
                   yaxis=dict(range=[y0, y1], title_text="x₂", zeroline=False, showgrid=False,
                              scaleanchor="x"))


def activation_figure(z, g, dg, Z, A, title):
    """g(z) and g'(z) on the grid `z`, with this batch's (Z, A) as dots (at most 200)."""
    Z, A = np.ravel(Z)[:200], np.ravel(A)[:200]
    traces = [
        dict(type="scatter", x=z, y=g, mode="lines", name="g(z)", line=dict(color=BLUE, width=3)),
        dict(type="scatter", x=z, y=dg, mode="lines", name="g′(z)",
             line=dict(color=ORANGE, width=2, dash="dash")),
        dict(type="scatter", x=Z, y=A, mode="markers", name="this batch",
             marker=dict(size=9, color=INK), hovertemplate="z %{x:.4g} → %{y:.4g}"),
    ]
    return _figure(traces, title, 260, title=_title(title), legend=dict(orientation="h", y=-0.25),
                   xaxis=dict(title_text="z", zeroline=True, zerolinecolor=GREY),
                   yaxis=dict(zeroline=True, zerolinecolor=GREY))


def _box(x, y, text, active, size=12):
    """A rectangle (shape) and its text (annotation) centred at (x, y)."""
    shape = dict(type="rect", x0=x - 0.4, x1=x + 0.4, y0=y - 0.36, y1=y + 0.36,
                 line=dict(color=INK if active else GREY, width=3 if active else 1),
                 fillcolor="#fff4e0" if active else "#f3f5f7")
    return shape, dict(x=x, y=y, text=text, showarrow=False, font=dict(size=size))


def _arrow(x_from, x_to, y, label, color):
    """An arrow from x_from to x_to at height y, its label just above it."""
    return [dict(x=x_to, y=y, ax=x_from, ay=y, xref="x", yref="y", axref="x", ayref="y",
                 showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor=color, text=""),
            dict(x=(x_from + x_to) / 2, y=y + 0.38, text=label, showarrow=False,
                 font=dict(size=11, color=color), yanchor="bottom")]


def _shape(M):
    return "×".join(map(str, np.shape(M)))


def pass_diagram(layers, cost, step=4, active_layer=1):
    """Boxes per layer (forward caches on top, gradients below), the cost at the right;
    arrows left to right for the forward pass, right to left for the backward pass.
    `layers` are hood.LayerStep objects; `step` (1-9) and `active_layer` are highlighted."""
    L = len(layers)
    first = layers[0]

    def active(l, row):
        if step in (1, 9):
            return l == active_layer
        if (step, row) in ((4, "top"), (8, "bottom")):
            return True
        return l == active_layer and step in ((2, 3) if row == "top" else (6, 7))

    size = 12 if L <= 5 else 10
    boxes = [_box(0, 1, f"<b>input</b><br>A[0] = X<br>{_shape(first.A_prev)}", step == 4, size),
             _box(0, 0, f"<b>dA[0]</b><br>{_shape(first.dA_prev)}", step == 8, size)]
    arrows = []
    for ls in layers:
        l, g = ls.index, ls.g.title if not ls.is_output else "output"
        boxes.append(_box(l, 1, f"<b>layer {l}</b><br>{g}<br>Z, A {_shape(ls.Z)}"
                                f"<br>‖A‖ {fmt(np.linalg.norm(ls.A))}", active(l, "top"), size))
        boxes.append(_box(l, 0, f"<b>dZ[{l}]</b> {_shape(ls.dZ)}<br>‖dW‖ "
                                f"{fmt(np.linalg.norm(ls.dW))}<br>‖db‖ "
                                f"{fmt(np.linalg.norm(ls.db))}", active(l, "bottom"), size))
        arrows += _arrow(l - 0.6, l - 0.4, 1, "", BLUE) + _arrow(l - 0.4, l - 0.6, 0, "", ORANGE)
    boxes.append(_box(L + 1, 0.5, f"<b>cost J</b><br>{fmt(cost, 4)}", step == 5, size))
    arrows += _arrow(L + 0.4, L + 0.6, 0.85, "", BLUE) + _arrow(L + 0.6, L + 0.4, 0.15, "", ORANGE)
    return _figure([], "pass diagram", 230, margin=dict(l=4, r=4, t=4, b=4),
                   shapes=[shape for shape, _ in boxes],
                   annotations=[text for _, text in boxes] + arrows,
                   xaxis=dict(visible=False, range=[-0.5, L + 1.5]),
                   yaxis=dict(visible=False, range=[-0.42, 1.42]))


def gradcheck_figure(names, errors, tolerance=1e-7, label="relative error"):
    """`label` (relative error, or a score) per parameter tensor on a log axis; the
    tolerance as a line, bars below it in green."""
    errors = np.maximum(np.asarray(errors, dtype=float), 1e-16)
    colors = ["#2ca02c" if e <= tolerance else "#d62728" for e in errors]
    bars = dict(type="bar", x=list(names), y=errors, marker_color=colors,
                text=[fmt(e, 2) for e in errors], textposition="outside",
                hovertemplate="%{x}: %{y:.3g}<extra></extra>")
    line = dict(type="line", xref="paper", x0=0, x1=1, y0=tolerance, y1=tolerance,
                line=dict(color=INK, dash="dash"))
    low = int(np.floor(np.log10(min(errors.min(), tolerance)))) - 1
    high = int(np.ceil(np.log10(max(errors.max(), tolerance)))) + 1
    ticks = range(low, high + 1, max(1, (high - low) // 6))
    return _figure([bars], "gradient check", 280, shapes=[line],
                   title=_title(f"{label} per tensor (pass at or below {fmt(tolerance)})"),
                   yaxis=dict(type="log", title_text=label, range=[low, high],
                              tickvals=[10.0**k for k in ticks],
                              ticktext=[f"1e{k}" for k in ticks]))
