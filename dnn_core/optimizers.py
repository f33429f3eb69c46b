"""Optimizers: one update rule each, PyTorch's exactly (torch.optim, default options).

An optimizer is built over `model.parameters()` (objects with `value`, `grad`, `name`,
`decay`) and owns its state. `step()` reads every `p.grad` and updates `p.value` IN PLACE
(never rebinding it, so layers keep seeing their own arrays); `zero_grad()` fills the
gradients with 0; `lr` is a plain attribute a schedule may change between steps. Weight
decay is not applied here: regularization adds its gradient to `p.grad` before `step()`.

Every step runs on each mini-batch, so the rules are written with in-place ufuncs into
flat state vectors allocated once (see `Optimizer`).

Each class is the one place that knows its optimizer: `name` (registry and URL value),
`title`, `SETTINGS` (its hyper-parameters as `Hyper` rows: the controls, the URL and the
config read them), `formula` (the rule in symbols) and `worked` (the same rule with $slots
that "Under the hood" fills with one weight's numbers: `$g`, `$lr`, each setting, each
state entry after the step and `<state>_prev` before it, `$entry`, `$before`, `$after`).
`register(cls)` checks all that and adds the class to `OPTIMIZERS`.
"""
import math

import numpy as np

from .hyper import Hyper, check_rule

MOMENTUM = Hyper("momentum", "Momentum μ", 0.9, 0.0, 0.999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
                 "How much of the previous steps each step keeps: higher rolls through "
                 "flat regions and small bumps faster, but can overshoot.")
ALPHA = Hyper("alpha", "Smoothing α", 0.99, 0.0, 0.9999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
              "How slowly the running average of squared gradients forgets: higher gives "
              "steadier per-weight step sizes.")
BETA1 = Hyper("beta1", "β₁", 0.9, 0.0, 0.9999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
              "Memory of the gradient's running mean (the momentum part): higher is "
              "smoother and slower to turn.")
BETA2 = Hyper("beta2", "β₂", 0.999, 0.0, 0.99999, (0.9, 0.99, 0.999, 0.9999),
              "Memory of the squared gradient's running mean, which scales each weight's "
              "step: higher adapts more slowly.")
EPS_STEPS = (1e-10, 1e-8, 1e-6, 1e-4)
EPS_HELP = ("Added to the root in the denominator so a tiny gradient history cannot make "
            "a huge step; larger values damp the adaptive scaling.")
EPS = Hyper("eps", "ε", 1e-8, 1e-12, 0.1, EPS_STEPS, EPS_HELP)
EPS_ADAGRAD = Hyper("eps", "ε", 1e-10, 1e-12, 0.1, EPS_STEPS, EPS_HELP)


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
    worked = []
    SETTINGS = ()   # Hyper rows; constructor keywords of the same names
    STATE = ()      # flat state vectors
    SHOWN = ()      # derived per-parameter state that `state()` adds (Adam's m_hat, v_hat)
    SCALARS = ()    # scalar state the worked rule shows (Adam's t)
    SYMBOLS = {}    # state name -> the rule's symbol for it ("velocity": "v")

    @classmethod
    def build(cls, params, lr, **settings):
        """An instance from setting values by name; names the class does not use and
        None values (its own default) are left out."""
        return cls(params, lr, **{h.name: settings[h.name] for h in cls.SETTINGS
                                  if settings.get(h.name) is not None})

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


OPTIMIZERS = {}
RULE_SLOTS = ("g", "lr", "entry", "before", "after")


def rule_slots(cls):
    """The $slots a worked rule of `cls` may use (see the module docstring)."""
    state = cls.STATE + cls.SHOWN
    return (*RULE_SLOTS, *cls.SCALARS, *(h.name for h in cls.SETTINGS), *state,
            *(name + "_prev" for name in state))


def register(cls):
    """Add optimizer class `cls` to `OPTIMIZERS` (TypeError when its rule is missing or
    names a slot nobody fills); returns it, so it can decorate a class."""
    check_rule(cls, "optimizer", rule_slots(cls))
    OPTIMIZERS[cls.name] = cls
    return cls


for _cls in (SGD, Momentum, Nesterov, RMSprop, Adam, Adagrad):
    register(_cls)


def all_settings():
    """Every registered optimizer's settings by name (the first class to declare a name
    gives its row; `defaults` says where classes disagree on the default)."""
    found = {}
    for cls in OPTIMIZERS.values():
        for hyper in cls.SETTINGS:
            found.setdefault(hyper.name, hyper)
    return found


def setting_defaults(name):
    """The distinct defaults the registered optimizers give setting `name`."""
    return {h.default for cls in OPTIMIZERS.values() for h in cls.SETTINGS if h.name == name}


def make_optimizer(name, params, lr, **settings):
    """The optimizer registered as `name`, given the settings it declares (by name; the
    others are ignored, None keeps its own default, e.g. eps 1e-8 Adam, 1e-10 Adagrad)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name].build(params, lr, **settings)
