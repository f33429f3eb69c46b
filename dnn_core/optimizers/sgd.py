"""SGD, heavy-ball momentum and Nesterov momentum: PyTorch's `SGD`."""
import numpy as np

from ..hyper import Hyper
from .base import Optimizer

MOMENTUM = Hyper("momentum", "Momentum μ", 0.9, 0.0, 0.999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
                 "How much of the previous steps each step keeps: higher rolls through "
                 "flat regions and small bumps faster, but can overshoot.")


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum; PyTorch's `SGD`.

        velocity = momentum * velocity + g          # velocity starts at 0, so step 1 gives g
        g = g + momentum * velocity  if nesterov else velocity
        value -= lr * g
    """

    name, title = "sgd", "SGD"
    formula = [r"\theta \leftarrow \theta - \eta\, g"]
    worked = [r"$entry = $before - $lr \cdot $g = $after"]

    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        if momentum < 0:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        if nesterov and momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.STATE = ("velocity",) if momentum else ()
        super().__init__(params, lr)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        rule = Nesterov if nesterov else Momentum if momentum else SGD
        self.name, self.title, self.formula, self.worked = (
            rule.name, rule.title, rule.formula, rule.worked)
        self.SETTINGS, self.SYMBOLS = rule.SETTINGS, rule.SYMBOLS

    def hyper(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}

    def _rule(self, g, delta):
        lr, mu = self.lr, self.momentum
        if not mu:
            np.multiply(g, lr, out=delta)
            return
        v = self.velocity
        np.multiply(v, mu, out=v)
        np.add(v, g, out=v)
        if self.nesterov:
            np.multiply(v, mu, out=delta)
            np.add(delta, g, out=delta)
            np.multiply(delta, lr, out=delta)
        else:
            np.multiply(v, lr, out=delta)


class Momentum(SGD):
    """SGD with heavy-ball momentum: `SGD(params, lr, momentum)`."""

    name, title = "momentum", "Momentum"
    formula = [r"v \leftarrow \mu\, v + g", r"\theta \leftarrow \theta - \eta\, v"]
    worked = [r"v = $momentum \cdot $velocity_prev + $g = $velocity",
              r"$entry = $before - $lr \cdot $velocity = $after"]
    SETTINGS = (MOMENTUM,)
    STATE = ("velocity",)
    SYMBOLS = {"velocity": "v"}

    def __init__(self, params, lr, momentum=MOMENTUM.default):
        super().__init__(params, lr, momentum)


class Nesterov(SGD):
    """SGD with Nesterov momentum: `SGD(params, lr, momentum, nesterov=True)`."""

    name, title = "nesterov", "Nesterov momentum"
    formula = [r"v \leftarrow \mu\, v + g",
               r"\theta \leftarrow \theta - \eta\,(g + \mu\, v)"]
    worked = [r"v = $momentum \cdot $velocity_prev + $g = $velocity",
              r"$entry = $before - $lr \cdot ($g + $momentum \cdot $velocity) = $after"]
    SETTINGS = (MOMENTUM,)
    STATE = ("velocity",)
    SYMBOLS = {"velocity": "v"}

    def __init__(self, params, lr, momentum=MOMENTUM.default):
        super().__init__(params, lr, momentum, nesterov=True)
