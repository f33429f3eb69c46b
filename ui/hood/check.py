"""The gradient check panel: the engine's `gradcheck` on a copy of the run's network.

    rows, result = check_gradients(trainer, indices, bug="derivative")

J is the cost of the picked training rows (data part + penalty), with dropout off so J is
a deterministic function of the parameters. A tensor passes when every entry agrees within
the engine's rule (`dnn_core.gradcheck`: |a - n| <= atol + rtol |n|, PyTorch's); its
"score" is the worst entry's |a - n| over that allowance (pass at <= 1). A planted bug
swaps one layer of the COPY for a subclass whose backward pass is wrong in a known way, so
the learner sees what a failing check looks like; the run itself is never touched.
"""
import copy

import numpy as np

from dnn_core import regularization as regz
from dnn_core.activations import Activation
from dnn_core.gradcheck import gradcheck
from dnn_core.layers import Dense

MAX_ROWS = 32
BUGS = {
    "none": "No bug: the engine's backward pass",
    "derivative": "Bug: g'(Z) of the first activation scaled by 1.01",
    "bias": "Bug: db of layer 1 never computed (left at 0)",
}


class DenseWithoutBiasGradient(Dense):
    """Planted bug: backward forgets db (a classic slip when writing linear_backward)."""

    __slots__ = ()

    def backward(self, dZ):
        dX = super().backward(dZ)
        self.bias.grad.fill(0.0)
        return dX


def scaled_derivative(activation_class, factor=1.01):
    """A subclass of `activation_class` whose g' is `factor` times too large (planted bug)."""
    def derivative(Z, A, out=None):
        D = activation_class.derivative(Z, A, out=out)
        D *= factor
        return D

    return type(f"Buggy{activation_class.__name__}", (activation_class,),
                {"__slots__": (), "derivative": staticmethod(derivative)})


def available_bugs(model):
    """The bug names that apply to `model` (no activation layer: no derivative bug)."""
    has_activation = any(isinstance(layer, Activation) for layer in model.layers)
    return [name for name in BUGS if name != "derivative" or has_activation]


def plant_bug(model, bug):
    """Swap one layer of `model` (a copy!) for its buggy twin; 'none' leaves it as it is."""
    if bug == "derivative":
        layer = next(layer for layer in model.layers if isinstance(layer, Activation))
        layer.__class__ = scaled_derivative(type(layer))
    elif bug == "bias":
        model.dense_layers()[0].__class__ = DenseWithoutBiasGradient
    elif bug != "none":
        raise ValueError(f"unknown bug {bug!r}; choose one of {', '.join(BUGS)}")


def check_gradients(trainer, indices, bug="none", eps=1e-6):
    """Analytic vs centered-difference gradients of every parameter tensor on the training
    rows `indices` (at most MAX_ROWS of them). Returns (rows, result): one dict per tensor
    (name, shape, norms, relative error, passed) and the engine's GradcheckResult."""
    model = copy.deepcopy(trainer.model).eval()
    loss = copy.deepcopy(trainer.loss)
    plant_bug(model, bug)
    rows_used = np.asarray(indices)[:MAX_ROWS]
    cfg = trainer.config
    use_reg = cfg.reg != "none" and cfg.reg_rate > 0
    result = gradcheck(
        model, loss, trainer.X_train[rows_used], trainer.T_train[rows_used], eps=eps,
        extra_loss=(lambda ps: regz.penalty(ps, cfg.reg, cfg.reg_rate)) if use_reg else None,
        extra_grad=(lambda ps: regz.add_penalty_grad(ps, cfg.reg, cfg.reg_rate))
        if use_reg else None)
    rows = []
    scores = result.scores()
    for name, error in result.errors.items():
        analytic, numeric = result.analytic[name], result.numeric[name]
        rows.append({"tensor": name, "shape": " × ".join(map(str, analytic.shape)),
                     "‖analytic‖": float(np.linalg.norm(analytic)),
                     "‖numeric‖": float(np.linalg.norm(numeric)),
                     "relative error": error,
                     "max |a − n|": float(np.max(np.abs(analytic - numeric), initial=0.0)),
                     "score": scores[name], "passed": scores[name] <= 1.0,
                     "below floor": float(np.max(np.abs(numeric), initial=0.0))
                     < result.floor()})
    return rows, result
