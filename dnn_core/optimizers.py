"""Optimizers: one update rule each, PyTorch's exactly (torch.optim, default options).

An optimizer is built over `model.parameters()` (objects with `value`, `grad`, `name`,
`decay`) and owns its state. `step()` reads every `p.grad` and updates `p.value` IN PLACE
(never rebinding it, so layers keep seeing their own arrays); `zero_grad()` fills the
gradients with 0; `lr` is a plain attribute a schedule may change between steps. Weight
decay is not applied here: regularization adds its gradient to `p.grad` before `step()`.

Every step runs on each mini-batch, so the rules are written with in-place ufuncs into
flat state vectors allocated once (see `Optimizer`).
"""
import math

import numpy as np


class Optimizer:
    """Base: the parameters, `lr`, and flat state vectors named by `STATE`.

    The gradients are gathered into one flat vector g (parameters in order, each raveled),
    the rule fills the flat vector `delta`, and each parameter takes `value -= delta` on its
    slice. The six tensors of a 2-8-8-1 net cost one gather, one rule over one vector and six
    subtractions instead of the whole rule six times (Adam: 11 us a step instead of 40).
    """

    name = ""
    title = ""
    formula = []
    STATE = ()

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters")
        if lr < 0:
            raise ValueError(f"learning rate must be >= 0, got {lr}")
        self.lr = float(lr)
        dtype = np.result_type(*(p.value for p in self.params))
        self._bounds = np.cumsum([0] + [p.value.size for p in self.params]).tolist()
        self._g = np.empty(self._bounds[-1], dtype)
        self._delta = np.empty_like(self._g)
        self._delta_views = self._split(self._delta)
        for key in self.STATE:
            setattr(self, key, np.zeros_like(self._g))

    def __getstate__(self):
        # The delta views must point into this object's own `_delta` after a copy.
        state = dict(self.__dict__)
        del state["_delta_views"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._delta_views = self._split(self._delta)

    def _split(self, flat):
        """Views of a flat vector, one per parameter, shaped like the parameter."""
        return [flat[a:b].reshape(p.value.shape)
                for p, a, b in zip(self.params, self._bounds, self._bounds[1:])]

    def step(self):
        """One update of every parameter, in place, from its current `grad`."""
        np.concatenate([p.grad.ravel() for p in self.params], out=self._g)
        self._rule(self._g, self._delta)
        for p, delta in zip(self.params, self._delta_views):
            np.subtract(p.value, delta, out=p.value)

    def _rule(self, g, delta):
        """Update the state from the flat gradient `g` and fill `delta` (value -= delta)."""
        raise NotImplementedError

    def zero_grad(self):
        for p in self.params:
            p.grad.fill(0.0)

    def state(self):
        """Copies of the state for display: {state name: [array per parameter]}."""
        return {key: [a.copy() for a in self._split(getattr(self, key))] for key in self.STATE}

    def hyper(self):
        """Hyperparameters besides `lr` (plain numbers), as stored by `state_dict`."""
        return {}

    def state_dict(self):
        """For saving: scalars (name, lr, hyperparameters, `t`) and, per state name, a list
        with one array per parameter. Lists hold arrays only."""
        return {"name": self.name, "lr": self.lr, **self.hyper(), **self.state()}

    def load_state_dict(self, saved):
        """Restore `lr`, the hyperparameters, the state arrays (copied into place) and `t`."""
        if saved.get("name") != self.name:
            raise ValueError(f"state is for optimizer {saved.get('name')!r}, not {self.name!r}")
        for key in self.STATE:
            if len(saved[key]) != len(self.params):
                raise ValueError(f"{key} has {len(saved[key])} arrays for {len(self.params)} "
                                 "parameters")
            for p, own, arr in zip(self.params, self._split(getattr(self, key)), saved[key]):
                if np.shape(arr) != own.shape:
                    raise ValueError(
                        f"{key} of {p.name}: shape {np.shape(arr)}, expected {own.shape}")
                np.copyto(own, arr)
        self.lr = float(saved["lr"])
        for key, current in self.hyper().items():
            setattr(self, key, type(current)(saved[key]))
        if "t" in saved:
            self.t = int(saved["t"])


SGD_RULES = {
    "sgd": ("SGD", [r"\theta \leftarrow \theta - \eta\, g"]),
    "momentum": ("Momentum", [r"v \leftarrow \mu\, v + g",
                              r"\theta \leftarrow \theta - \eta\, v"]),
    "nesterov": ("Nesterov momentum", [r"v \leftarrow \mu\, v + g",
                                       r"\theta \leftarrow \theta - \eta\,(g + \mu\, v)"]),
}


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum; PyTorch's `SGD`.

        velocity = momentum * velocity + g          # velocity starts at 0, so step 1 gives g
        g = g + momentum * velocity  if nesterov else velocity
        value -= lr * g
    """

    name = "sgd"
    title, formula = SGD_RULES[name]

    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        if momentum < 0:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        if nesterov and momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.STATE = ("velocity",) if momentum else ()
        super().__init__(params, lr)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.name = "nesterov" if nesterov else "momentum" if momentum else "sgd"
        self.title, self.formula = SGD_RULES[self.name]

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

    name = "momentum"
    title, formula = SGD_RULES[name]

    def __init__(self, params, lr, momentum=0.9):
        super().__init__(params, lr, momentum)


class Nesterov(SGD):
    """SGD with Nesterov momentum: `SGD(params, lr, momentum, nesterov=True)`."""

    name = "nesterov"
    title, formula = SGD_RULES[name]

    def __init__(self, params, lr, momentum=0.9):
        super().__init__(params, lr, momentum, nesterov=True)


class RMSprop(Optimizer):
    """Divide the step by a running root mean square of the gradient; PyTorch's `RMSprop`.

        square_avg = alpha * square_avg + (1 - alpha) * g**2
        value -= lr * g / (sqrt(square_avg) + eps)
    """

    name, title = "rmsprop", "RMSprop"
    formula = [r"s \leftarrow \alpha\, s + (1-\alpha)\, g^2",
               r"\theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}"]
    STATE = ("square_avg",)

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
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
    STATE = ("m", "v")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
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


class Adagrad(Optimizer):
    """Divide the step by the root of the summed squared gradients; PyTorch's `Adagrad`.

        sum = sum + g**2
        value -= lr * g / (sqrt(sum) + eps)
    """

    name, title = "adagrad", "Adagrad"
    formula = [r"s \leftarrow s + g^2",
               r"\theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}"]
    STATE = ("sum",)

    def __init__(self, params, lr=0.01, eps=1e-10):
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


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Nesterov, RMSprop, Adam, Adagrad)}


def make_optimizer(name, params, lr, momentum=0.9, alpha=0.99, betas=(0.9, 0.999), eps=None):
    """The optimizer registered as `name`, taking only the settings it uses.

    `eps=None` keeps each optimizer's own default (1e-8 RMSprop and Adam, 1e-10 Adagrad).
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {sorted(OPTIMIZERS)}")
    eps_arg = {} if eps is None else {"eps": eps}
    if name == "sgd":
        return SGD(params, lr)
    if name in ("momentum", "nesterov"):
        return OPTIMIZERS[name](params, lr, momentum)
    if name == "rmsprop":
        return RMSprop(params, lr, alpha, **eps_arg)
    if name == "adam":
        return Adam(params, lr, betas, **eps_arg)
    return Adagrad(params, lr, **eps_arg)
