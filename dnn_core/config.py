"""One run's settings, as a frozen value.

`TrainConfig` is everything that shapes a training run: the data, the input features, the
architecture, the loss, the optimizer and its schedule, regularization and batch size. Two
equal configs (and the same seed) give bit-identical runs.

Fields fall in two groups. Changing a field in `REBUILD_FIELDS` means new data or a new
network (the weights start again); changing any other field ("hyper" fields) keeps the
trained weights and takes effect at the next step.

The optimizer and schedule settings' defaults come from their classes' `Hyper` rows
(dnn_core.optimizers, dnn_core.schedules). A registered optimizer whose setting has no
field here keeps it in `options`, (name, value) pairs.
"""
from dataclasses import dataclass, fields, replace

from . import optimizers, schedules
from .optimizers import ALPHA, BETA1, BETA2, MOMENTUM
from .schedules import DECAY, INTERVAL

TASK_LOSSES = {"binary": ("bce", "mse"), "multiclass": ("ce",), "regression": ("mse",)}
DEFAULT_LOSS = {"binary": "bce", "multiclass": "ce", "regression": "mse"}


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one run. `noise` is in [0, 0.5]; `train_frac` in (0, 1)."""

    # data
    dataset: str = "circle"
    n: int = 500
    noise: float = 0.0
    train_frac: float = 0.5
    seed: int = 0
    features: tuple = ("x1", "x2")
    # architecture
    hidden: tuple = (4, 2)
    activations: tuple = ("tanh", "tanh")
    init: str = "xavier"
    loss: str = "auto"
    # training ("hyper": kept weights)
    optimizer: str = "sgd"
    lr: float = 0.03
    momentum: float = MOMENTUM.default
    alpha: float = ALPHA.default
    beta1: float = BETA1.default
    beta2: float = BETA2.default
    eps: float = None  # None: each optimizer's own default (PyTorch's)
    options: tuple = ()  # (name, value) for optimizer settings without a field here
    schedule: str = "constant"
    decay: float = DECAY.default
    interval: int = INTERVAL.default
    batch: int = 10
    reg: str = "none"
    reg_rate: float = 0.0
    dropout: float = 0.0

    def __post_init__(self):
        # Tuples keep the config hashable and comparable; lists from callers are converted.
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "options", tuple(sorted((str(k), v) for k, v in self.options)))
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        acts = self.activations
        if isinstance(acts, str):
            acts = (acts,)
        if len(set(acts)) == 1:  # one name for every layer, however many layers there are
            acts = acts[:1] * len(self.hidden)
        object.__setattr__(self, "activations", tuple(acts))
        if len(self.activations) != len(self.hidden):
            raise ValueError(
                f"activations has {len(self.activations)} entries for {len(self.hidden)} "
                "hidden layers: give one per hidden layer (or one name for all)"
            )

    def replace(self, **changes):
        """A copy with `changes` applied (a str activation applies to every layer)."""
        if "hidden" in changes and "activations" not in changes:
            hidden = tuple(changes["hidden"])
            old = self.activations or ("tanh",)
            changes["activations"] = tuple(old[min(i, len(old) - 1)] for i in range(len(hidden)))
        return replace(self, **changes)

    def optimizer_settings(self):
        """{setting name: value} for every registered optimizer's settings."""
        named = {name: getattr(self, name) for name in optimizers.all_settings()
                 if name in _FIELD_NAMES}
        return {**named, **dict(self.options)}

    def schedule_settings(self):
        """{setting name: value} for every registered schedule's settings."""
        return {name: getattr(self, name) for name in schedules.all_settings()}

    def resolved_loss(self, task):
        """The loss name for `task` ("auto" picks sigmoid/softmax cross-entropy or MSE)."""
        loss = DEFAULT_LOSS[task] if self.loss == "auto" else self.loss
        if loss not in TASK_LOSSES[task]:
            raise ValueError(
                f"loss {loss!r} does not fit a {task} task: choose one of {TASK_LOSSES[task]}"
            )
        return loss


REBUILD_FIELDS = frozenset(
    ("dataset", "n", "noise", "train_frac", "seed", "features", "hidden", "activations",
     "init", "loss")
)
_FIELD_NAMES = frozenset(f.name for f in fields(TrainConfig))
HYPER_FIELDS = _FIELD_NAMES - REBUILD_FIELDS
# Changing one of these keeps the weights but starts the optimizer's state afresh.
OPTIMIZER_FIELDS = frozenset(("optimizer", "options",
                              *(set(optimizers.all_settings()) & _FIELD_NAMES)))


def changed_fields(old, new):
    """Names of the fields whose values differ between two configs."""
    return {f.name for f in fields(TrainConfig) if getattr(old, f.name) != getattr(new, f.name)}


def needs_rebuild(old, new):
    """True when going from `old` to `new` must start the weights again."""
    return bool(changed_fields(old, new) & REBUILD_FIELDS)
