"""The equations of the nine steps as LaTeX strings: the course's formula, then the same
formula with this batch's numbers (pure functions of a `hood.Walkthrough`).

    equations(walk, step, layer) -> [latex, ...]    # step 1..9, layer 1..L

Matrices are written to 3 significant digits, at most 4 x 4 entries (then dots), each
with its symbol and shape underneath; long equations are split over aligned lines so they
fit a 1280-pixel screen.
"""
from string import Template

import numpy as np

from dnn_core import regularization as regz
from dnn_core.init import get_initializer
from ui.hood.figures import fmt

MAX_TEX = 4
OUTPUT_FUNCTION = {"sigmoid": r"\sigma", "softmax": r"\mathrm{softmax}", "identity": "",
                   "tanh": r"\tanh"}


def number(value, digits=3):
    """fmt() as LaTeX: 1.2e-05 -> 1.2{\\times}10^{-5}."""
    text = fmt(value, digits)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return mantissa + r"{\times}10^{" + str(int(exponent)) + "}"
    return text


def _keep(n):
    """Indices to show of n (None marks the dots): all, or the first 3 and the last."""
    return list(range(n)) if n <= MAX_TEX else [0, 1, 2, None, n - 1]


def matrix(M):
    """A bmatrix of M's values (a vector as one row), at most 4 x 4 plus dots."""
    M = np.atleast_2d(M)
    cols = _keep(M.shape[1])
    lines = []
    for i in _keep(M.shape[0]):
        if i is None:
            lines.append(" & ".join(r"\vdots" if j is not None else r"\ddots" for j in cols))
        else:
            lines.append(" & ".join(number(M[i, j]) if j is not None else r"\cdots"
                                    for j in cols))
    return r"\begin{bmatrix}" + r" \\ ".join(lines) + r"\end{bmatrix}"


def sym(name, l, transposed=False):
    """The course's symbol of layer l: sym("W", 2, True) -> W^{[2]\\top}."""
    return name + "^{[" + str(l) + "]" + (r"\top" if transposed else "") + "}"


def named(M, symbol):
    """The numbers of M with its symbol and shape written under them."""
    shape = r" \times ".join(map(str, np.atleast_2d(M).shape))
    return r"\underbrace{" + matrix(M) + "}_{" + symbol + r"\ (" + shape + ")}"


def aligned(*lines):
    return r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}"


def _initialize(walk, ls, initial):
    l, init = ls.index, get_initializer(walk.config.init)
    W0, b0 = initial[l - 1]
    shape = r" \times ".join(map(str, ls.W.shape))
    return [sym("W", l) + r" \in \mathbb{R}^{" + shape + r"},\quad " + init.formula
            + r", \qquad " + sym("b", l) + " = 0",
            sym("W", l) + r"_{\text{initial}} = " + named(W0, sym("W", l)) + r"\qquad "
            + sym("b", l) + r"_{\text{initial}} = " + named(b0, sym("b", l))]


def _linear_forward(walk, ls):
    l = ls.index
    return [sym("Z", l) + " = " + sym("A", l - 1) + r"\, " + sym("W", l, True) + " + "
            + sym("b", l),
            aligned(sym("Z", l) + " &= " + named(ls.A_prev, sym("A", l - 1)) + r"\, "
                    + named(ls.W.T, sym("W", l, True)) + " + " + named(ls.b, sym("b", l)),
                    " &= " + named(ls.Z, sym("Z", l)))]


def _activation_forward(walk, ls):
    l, g = ls.index, ls.g
    if ls.is_output:
        out = OUTPUT_FUNCTION[walk.output_activation]
        return [sym("A", l) + " = " + sym("Z", l) + r"\ \text{(logits)}, \qquad \hat Y = "
                + out + "(" + sym("Z", l) + ")",
                r"\hat Y = " + out + r"\left(" + named(ls.Z, sym("Z", l)) + r"\right) = "
                + named(walk.prediction, r"\hat Y")]
    return [sym("A", l) + " = g(" + sym("Z", l) + r"), \qquad " + g.formula,
            named(ls.A, sym("A", l)) + r" = \text{" + g.title + r"}\left("
            + named(ls.Z, sym("Z", l)) + r"\right)"]


def _model_forward(walk, ls):
    lines = [r"A^{[0]} &= X"]
    for s in walk.layers:
        l = s.index
        A = sym("Z", l) if s.is_output else r"\text{" + s.g.title + "}(" + sym("Z", l) + ")"
        lines.append(sym("Z", l) + " &= " + sym("A", l - 1) + sym("W", l, True) + " + "
                     + sym("b", l) + r", \quad & " + sym("A", l) + " &= " + A)
    last = walk.layers[-1]
    return [aligned(*lines),
            sym("A", last.index) + " = " + named(last.A, sym("A", last.index))]


def _cost(walk, ls):
    n = len(walk.X)
    lines = [r"J = \frac{1}{n} \sum_{i=1}^{n} \ell\big(\hat y^{(i)}, y^{(i)}\big) + \Omega(W),"
             r" \qquad " + walk.loss.formula]
    if walk.reg != "none" and walk.reg_rate > 0:
        lines.append(regz.get_regularizer(walk.reg).formula + r",\quad \lambda = "
                     + number(walk.reg_rate))
    lines.append(r"J = \underbrace{" + number(walk.cost_data, 4) + r"}_{\text{data, } n = "
                 + str(n) + r"} + \underbrace{" + number(walk.penalty, 4) + r"}_{\Omega(W)} = "
                 + number(walk.cost, 4))
    return lines


def _linear_backward(walk, ls):
    l = ls.index
    return [sym("dW", l) + " = " + sym("dZ", l, True) + sym("A", l - 1) + r", \quad "
            + sym("db", l) + r" = \textstyle\sum_i " + sym("dZ", l) + r"_{i}, \quad "
            + sym("dA", l - 1) + " = " + sym("dZ", l) + sym("W", l),
            named(ls.dW, sym("dW", l)) + " = " + named(ls.dZ.T, sym("dZ", l, True)) + r"\, "
            + named(ls.A_prev, sym("A", l - 1)),
            named(ls.db, sym("db", l)) + r" \qquad " + named(ls.dA_prev, sym("dA", l - 1))
            + " = " + named(ls.dZ, sym("dZ", l)) + r"\, " + named(ls.W, sym("W", l))]


def _activation_backward(walk, ls):
    l, g = ls.index, ls.g
    if ls.is_output:
        return [sym("dZ", l) + r" = \partial J / \partial " + sym("Z", l)
                + r" = \tfrac{1}{n}(\hat Y - Y) \ \text{(from the loss)}",
                named(ls.dZ, sym("dZ", l))]
    slope = g.derivative(ls.Z, ls.A)
    return [sym("dZ", l) + " = " + sym("dA", l) + r" \odot g'(" + sym("Z", l) + r"), \qquad "
            + g.formula,
            named(ls.dZ, sym("dZ", l)) + " = " + named(ls.dA, sym("dA", l)) + r" \odot "
            + named(slope, "g'(" + sym("Z", l) + ")")]


def _model_backward(walk, ls):
    L = len(walk.layers)
    lines = [aligned(sym("dZ", L) + r" &= \partial J / \partial " + sym("Z", L)
                     + r" \quad \text{(the loss's backward)}",
                     sym("dA", "l-1") + ",\\ " + sym("dW", "l") + ",\\ " + sym("db", "l")
                     + r" &= \text{linear backward}(" + sym("dZ", "l") + r")",
                     sym("dZ", "l-1") + " &= " + sym("dA", "l-1") + r" \odot g'("
                     + sym("Z", "l-1") + r") \qquad l = L, \dots, 1")]
    if walk.reg != "none" and walk.reg_rate > 0:
        lines.append(r"dW^{[l]} \mathrel{+}= \partial \Omega / \partial W^{[l]}, \quad "
                     + regz.get_regularizer(walk.reg).formula)
    return lines


def equations(walk, step, layer=1, initial=None):
    """[LaTeX] for `step` (1..9) and layer `layer`; step 1 needs `initial` [(W0, b0)] and
    step 9's lines come from `update_equations`."""
    ls = walk.layers[layer - 1]
    if step == 1:
        return _initialize(walk, ls, initial)
    if step == 9:
        return update_equations(walk, ls)
    return {2: _linear_forward, 3: _activation_forward, 4: _model_forward, 5: _cost,
            6: _linear_backward, 7: _activation_backward, 8: _model_backward}[step](walk, ls)


def worked_rule(opt, entry, slots):
    """`opt`'s worked rule (its class's `worked` lines) with the $slots filled: `slots`
    holds the entry's numbers (g, before, after, `<state>`, `<state>_prev`); the learning
    rate, the settings and scalar state (Adam's t) come from `opt`. KeyError names a slot
    the rule uses and nothing fills (registration already refuses unknown names)."""
    values = {"lr": number(opt.lr, 4), "entry": entry}
    values.update({h.name: number(getattr(opt, h.name)) for h in opt.SETTINGS})
    values.update({name: str(getattr(opt, name)) for name in opt.SCALARS})
    values.update({name: number(value, 6 if name in ("before", "after") else 4)
                   for name, value in slots.items()})
    return [Template(line).substitute(values) for line in opt.worked]


def schedule_equation(schedule, epoch):
    """The schedule's worked rule for the rate after `epoch` completed epochs."""
    values = {"lr0": number(schedule.lr0, 4), "epoch": str(epoch),
              "rate": number(schedule(epoch), 4)}
    values.update({h.name: number(getattr(schedule, h.name)) for h in schedule.SETTINGS})
    return [Template(line).substitute(values) for line in schedule.worked]


def largest_gradient(ls):
    """(i, j): the entry of W[l] with the largest |gradient| (the worked example of step 9)."""
    g = np.abs(ls.dW + ls.dW_penalty)
    return np.unravel_index(int(np.argmax(g)), g.shape)


def update_equations(walk, ls):
    """Step 9: the optimizer's rule, then one weight's update with this step's numbers
    (the entry with the largest gradient, so the change shows)."""
    opt, ij = walk.optimizer, largest_gradient(ls)
    slots = {"g": (ls.dW + ls.dW_penalty)[ij], "before": ls.W[ij], "after": ls.W_new[ij]}
    for name, (before, after) in ls.state.items():
        slots[name + "_prev"], slots[name] = before[0][ij], after[0][ij]
    entry = sym("W", ls.index) + "_{" + f"{ij[0] + 1},{ij[1] + 1}" + "}"
    rule = worked_rule(opt, entry, slots)
    return [r"\begin{gathered}" + r" \\ ".join(opt.formula) + r"\end{gathered}",
            aligned(*[line.replace(" = ", " &= ", 1) for line in rule])]
