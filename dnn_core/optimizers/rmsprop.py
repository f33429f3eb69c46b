"""RMSprop: PyTorch's `RMSprop`."""
import numpy as np

from ..hyper import Hyper
from .base import EPS, Optimizer

ALPHA = Hyper("alpha", "Smoothing α", 0.99, 0.0, 0.9999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
              "How slowly the running average of squared gradients forgets: higher gives "
              "steadier per-weight step sizes.")


class RMSprop(Optimizer):
    """Divide the step by a running root mean square of the gradient; PyTorch's `RMSprop`.

        square_avg = alpha * square_avg + (1 - alpha) * g**2
        value -= lr * g / (sqrt(square_avg) + eps)
    """

    name, title = "rmsprop", "RMSprop"
    formula = [r"s \leftarrow \alpha\, s + (1-\alpha)\, g^2",
               r"\theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}"]
    worked = [r"s = $alpha \cdot $square_avg_prev + (1 - $alpha) \cdot $g^2 = $square_avg",
              r"$entry = $before - $lr \cdot \frac{$g}{\sqrt{$square_avg} + $eps} = $after"]
    SETTINGS = (ALPHA, EPS)
    STATE = ("square_avg",)
    SYMBOLS = {"square_avg": "s"}

    def __init__(self, params, lr=0.01, alpha=ALPHA.default, eps=EPS.default):
        if not 0 <= alpha <= 1 or eps < 0:
            raise ValueError(f"need 0 <= alpha <= 1 and eps >= 0, got alpha={alpha}, eps={eps}")
        super().__init__(params, lr)
        self.alpha, self.eps = float(alpha), float(eps)

    def hyper(self):
        return {"alpha": self.alpha, "eps": self.eps}

    def _rule(self, g, delta):
        s = self.square_avg
        np.multiply(s, self.alpha, out=s)
        np.multiply(g, g, out=delta)
        np.multiply(delta, 1.0 - self.alpha, out=delta)
        np.add(s, delta, out=s)
        np.sqrt(s, out=delta)
        np.add(delta, self.eps, out=delta)
        np.divide(g, delta, out=delta)
        np.multiply(delta, self.lr, out=delta)
