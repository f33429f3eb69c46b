"""Adagrad: PyTorch's `Adagrad`."""
import numpy as np

from ..hyper import Hyper
from .base import EPS_HELP, EPS_STEPS, Optimizer

EPS_ADAGRAD = Hyper("eps", "ε", 1e-10, 1e-12, 0.1, EPS_STEPS, EPS_HELP)


class Adagrad(Optimizer):
    """Divide the step by the root of the summed squared gradients; PyTorch's `Adagrad`.

        sum = sum + g**2
        value -= lr * g / (sqrt(sum) + eps)
    """

    name, title = "adagrad", "Adagrad"
    formula = [r"s \leftarrow s + g^2",
               r"\theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}"]
    worked = [r"s = $sum_prev + $g^2 = $sum",
              r"$entry = $before - $lr \cdot \frac{$g}{\sqrt{$sum} + $eps} = $after"]
    SETTINGS = (EPS_ADAGRAD,)
    STATE = ("sum",)
    SYMBOLS = {"sum": "s"}

    def __init__(self, params, lr=0.01, eps=EPS_ADAGRAD.default):
        if eps < 0:
            raise ValueError(f"eps must be >= 0, got {eps}")
        super().__init__(params, lr)
        self.eps = float(eps)

    def hyper(self):
        return {"eps": self.eps}

    def _rule(self, g, delta):
        s = self.sum
        np.multiply(g, g, out=delta)
        np.add(s, delta, out=s)
        np.sqrt(s, out=delta)
        np.add(delta, self.eps, out=delta)
        np.divide(g, delta, out=delta)
        np.multiply(delta, self.lr, out=delta)
