"""Gradient check: the backward pass against centered finite differences.

numeric dJ/dθ_i = (J(θ + eps e_i) - J(θ - eps e_i)) / (2 eps)
relative error  = ||analytic - numeric|| / (||analytic|| + ||numeric||), per tensor
An entry passes when |analytic - numeric| <= atol + rtol |numeric| (the rule of PyTorch's
gradcheck), with rtol = 1e-5 and atol = 1e-8 max(1, |J|). The floor is there because the
centered difference itself is only accurate to about u |J| / eps = 1e-10 |J| (u = 1.1e-16,
the float64 rounding unit): a gradient below it, such as 2e-7 in a saturated layer, gives a
large relative error with no bug at all, and a wrong gradient that small cannot be seen.
A wrong backward pass elsewhere gives disagreements of 1e-3 or more of the gradient.
"""
from dataclasses import dataclass

import numpy as np

from .steps import compute_cost

RTOL = 1e-5
ATOL = 1e-8


@dataclass(frozen=True)
class GradcheckResult:
    """errors: name -> relative error per tensor ("W1", "b1", ..., and "X" for the input);
    max_error: the largest of them; analytic / numeric: the two gradients compared;
    cost: J at the checked parameters."""

    errors: dict
    max_error: float
    analytic: dict
    numeric: dict
    cost: float = 1.0

    def floor(self, atol=ATOL):
        """The absolute tolerance per entry: atol * max(1, |J|)."""
        return atol * max(1.0, abs(self.cost))

    def scores(self, rtol=RTOL, atol=ATOL):
        """name -> max over the tensor's entries of |a - n| / (floor + rtol |n|); the
        tensor passes at <= 1."""
        floor = self.floor(atol)
        return {name: float(np.max(np.abs(a - self.numeric[name])
                                   / (floor + rtol * np.abs(self.numeric[name])), initial=0.0))
                for name, a in self.analytic.items()}

    def passed(self, rtol=RTOL, atol=ATOL):
        return all(score <= 1.0 for score in self.scores(rtol, atol).values())


def relative_error(analytic, numeric):
    """||a - n|| / (||a|| + ||n||); 0 when both are exactly zero."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / scale) if scale > 0 else 0.0


def numerical_gradient(f, x, eps=1e-6):
    """Centered differences of the scalar f() with respect to every entry of x.

    x is perturbed in place one entry at a time and restored; returns an array shaped like x.
    """
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        plus = f()
        x[i] = original - eps
        minus = f()
        x[i] = original
        grad[i] = (plus - minus) / (2.0 * eps)
    return grad


def gradcheck(model, loss, X, target, eps=1e-6, extra_loss=None, extra_grad=None,
              check_input=False):
    """Compare model.backward's gradients with finite differences of J = loss + extra.

    model: a Sequential or any layer (forward, backward, parameters). Its output must be
    deterministic: call model.eval() or fix the Dropout masks first.
    extra_loss(params) -> float adds a term to J (e.g. an L2 penalty) and
    extra_grad(params) adds that term's gradient into each p.grad in place.
    check_input: also compare dJ/dX. Returns a GradcheckResult.
    """
    params = model.parameters()
    X = np.array(X, dtype=np.float64)

    def cost():
        penalty = extra_loss(params) if extra_loss is not None else 0.0
        return compute_cost(loss, model.forward(X), target, penalty)

    J = cost()
    dX = model.backward(loss.backward())
    if extra_grad is not None:
        extra_grad(params)
    analytic, numeric = {}, {}
    for p in params:
        name = p.name if p.name not in analytic else f"{p.name}#{len(analytic)}"
        analytic[name] = p.grad.copy()
        numeric[name] = numerical_gradient(cost, p.value, eps)
    if check_input:
        analytic["X"] = np.array(dX)
        numeric["X"] = numerical_gradient(cost, X, eps)
    errors = {name: relative_error(analytic[name], numeric[name]) for name in analytic}
    return GradcheckResult(errors, max(errors.values(), default=0.0), analytic, numeric,
                           float(J))
