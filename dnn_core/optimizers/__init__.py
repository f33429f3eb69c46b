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

One module per rule (sgd, rmsprop, adam, adagrad) over the base class in `base`; this
package holds the registry.
"""
from ..hyper import check_rule
from .adagrad import EPS_ADAGRAD, Adagrad
from .adam import BETA1, BETA2, Adam
from .base import EPS, Optimizer
from .rmsprop import ALPHA, RMSprop
from .sgd import MOMENTUM, SGD, Momentum, Nesterov

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
