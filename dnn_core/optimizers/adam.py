"""Adam: PyTorch's `Adam`."""
import math

import numpy as np

from ..hyper import Hyper
from .base import EPS, Optimizer

BETA1 = Hyper("beta1", "β₁", 0.9, 0.0, 0.9999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
              "Memory of the gradient's running mean (the momentum part): higher is "
              "smoother and slower to turn.")
BETA2 = Hyper("beta2", "β₂", 0.999, 0.0, 0.99999, (0.9, 0.99, 0.999, 0.9999),
              "Memory of the squared gradient's running mean, which scales each weight's "
              "step: higher adapts more slowly.")


class Adam(Optimizer):
    """Momentum plus RMSprop with bias correction; PyTorch's `Adam`.

        t += 1;  m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t);  v_hat = v / (1 - b2**t)
        value -= lr * m_hat / (sqrt(v_hat) + eps)
    """

    name, title = "adam", "Adam"
    formula = [r"m \leftarrow \beta_1 m + (1-\beta_1)\, g",
               r"v \leftarrow \beta_2 v + (1-\beta_2)\, g^2",
               r"\hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}",
               r"\theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}"]
    worked = [r"m = $beta1 \cdot $m_prev + (1 - $beta1) \cdot $g = $m",
              r"v = $beta2 \cdot $v_prev + (1 - $beta2) \cdot $g^2 = $v",
              r"\hat m = \frac{$m}{1 - $beta1^{$t}} = $m_hat, \quad "
              r"\hat v = \frac{$v}{1 - $beta2^{$t}} = $v_hat",
              r"$entry = $before - $lr \cdot \frac{$m_hat}{\sqrt{$v_hat} + $eps} = $after"]
    SETTINGS = (BETA1, BETA2, EPS)
    STATE = ("m", "v")
    SHOWN = ("m_hat", "v_hat")
    SCALARS = ("t",)
    SYMBOLS = {"m_hat": "m̂", "v_hat": "v̂"}

    @classmethod
    def build(cls, params, lr, beta1=None, beta2=None, eps=None, **unused):
        betas = (BETA1.default if beta1 is None else beta1,
                 BETA2.default if beta2 is None else beta2)
        return cls(params, lr, betas, **({} if eps is None else {"eps": eps}))

    def __init__(self, params, lr=1e-3, betas=(BETA1.default, BETA2.default), eps=EPS.default):
        b1, b2 = betas
        if not (0 <= b1 < 1 and 0 <= b2 < 1) or eps < 0:
            raise ValueError(f"need 0 <= betas < 1 and eps >= 0, got betas={betas}, eps={eps}")
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps, self.t = float(b1), float(b2), float(eps), 0

    @property
    def betas(self):
        return self.beta1, self.beta2

    def hyper(self):
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def state(self):
        """m, v, their bias-corrected m_hat, v_hat (equal to m, v before step 1) and t."""
        out = super().state()
        (b1, b2), t = self.betas, self.t
        c1, c2 = (1 - b1**t, 1 - b2**t) if t else (1.0, 1.0)
        out["m_hat"] = [m / c1 for m in out["m"]]
        out["v_hat"] = [v / c2 for v in out["v"]]
        out["t"] = t
        return out

    def state_dict(self):
        saved = super().state_dict()
        del saved["m_hat"], saved["v_hat"]
        return saved

    def _rule(self, g, delta):
        (b1, b2), m, v = self.betas, self.m, self.v
        self.t += 1
        step_size = self.lr / (1 - b1**self.t)       # lr * m_hat = step_size * m
        root_c2 = math.sqrt(1 - b2**self.t)          # sqrt(v_hat) = sqrt(v) / root_c2
        np.multiply(m, b1, out=m)
        np.multiply(g, 1.0 - b1, out=delta)
        np.add(m, delta, out=m)
        np.multiply(v, b2, out=v)
        np.multiply(g, g, out=delta)
        np.multiply(delta, 1.0 - b2, out=delta)
        np.add(v, delta, out=v)
        np.sqrt(v, out=delta)
        np.divide(delta, root_c2, out=delta)
        np.add(delta, self.eps, out=delta)
        np.divide(m, delta, out=delta)
        np.multiply(delta, step_size, out=delta)
