"""The settings table: one row per setting, the facts the schema (ui.state) is made of.

A `Setting` holds a URL name, its kind (ui.kinds: how to parse and format it), default,
title (the control's label, the share dialog's and the change notice's name), a one-line
help (what it does to training), the TrainConfig field it sets with the conversion both
ways, and whether a classroom link may hide it. A config field's default is
TrainConfig's (converted); an optimizer or schedule setting's row comes from its class's
`Hyper` (dnn_core.optimizers, .schedules), so a registered class brings its rows along
(`rows()` reads the registries each time it is called). Noise and the train share are
percents (TF Playground's sliders); the rows convert them to fractions.
"""
from dataclasses import dataclass, fields
from typing import Callable

from dnn_core import optimizers, schedules
from dnn_core.activations import ACTIVATIONS
from dnn_core.config import REBUILD_FIELDS, TrainConfig
from dnn_core.datasets import DATASETS
from dnn_core.features import FEATURES
from dnn_core.init import INITIALIZERS
from dnn_core.regularization import REGULARIZERS
from ui import challenge
from ui.kinds import Bool, Choice, Float, Int, IntList, NameList, Subset

FULL_BATCH = 2**31 - 1   # "all": the trainer clips the batch to the training-set size
MAX_LAYERS, MAX_NEURONS = 8, 32
# Log-scale steps offered by the sliders; any in-range float from a URL is kept too.
LR_STEPS = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATE_STEPS = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DROPOUT_STEPS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
BATCH_STEPS = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000, "all")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, "max")
# Page buttons a `hide` link may also name, with their titles.
PAGE_CONTROLS = {"play": "Play", "step": "Step", "reset": "Reset"}


def _same(value):
    return value


@dataclass(frozen=True)
class Setting:
    key: str               # the URL name, also the name `hide` uses
    kind: object
    default: object
    title: str
    help: str
    field: str = None      # the TrainConfig field it sets (None: a run or view control)
    to_field: Callable = _same      # canonical value -> field value
    from_field: Callable = _same    # field value -> canonical value
    unit: str = ""         # shown after the title in the control's label
    hideable: bool = True  # a classroom link may hide its control
    option: bool = False   # a registered optimizer's setting kept in TrainConfig.options

    @property
    def effect(self):
        """"rebuild" (new data or weights), "keep" (weights kept) or "view" (no config)."""
        if self.field in REBUILD_FIELDS:
            return "rebuild"
        return "keep" if self.field or self.option else "view"

    @property
    def label(self):
        return f"{self.title} ({self.unit})" if self.unit else self.title


_CONFIG = {f.name: f.default for f in fields(TrainConfig)}


def _field(key, kind, field, title, help, to_field=_same, from_field=_same, **kw):
    """A row that sets TrainConfig `field`; its default is the field's, converted."""
    return Setting(key, kind, from_field(_CONFIG[field]), title, help, field, to_field,
                   from_field, **kw)


def _percent(fraction):
    percent = round(fraction * 100, 9)
    return int(percent) if percent.is_integer() else percent


def _hyper_row(hyper, defaults):
    """A row for an optimizer or schedule setting, from its class's Hyper. Classes that
    disagree on the default (eps) give the word "default": each optimizer's own."""
    own = len(defaults) > 1
    kind = (Int(hyper.lo, hyper.hi) if hyper.integer
            else Float(hyper.lo, hyper.hi, hyper.steps, word="default" if own else None))
    if hyper.name not in _CONFIG:
        return Setting(hyper.name, kind, hyper.default, hyper.title, hyper.help, option=True)
    if own:
        return _field(hyper.name, kind, hyper.name, hyper.title, hyper.help,
                      lambda v: None if v == "default" else v,
                      lambda f: "default" if f is None else f)
    return _field(hyper.name, kind, hyper.name, hyper.title, hyper.help)


def rows():
    """{URL name: Setting} for every setting, in the order the share dialog lists them."""
    act_names = tuple(ACTIVATIONS)
    rows = [
        _field("dataset", Choice(DATASETS), "dataset", "Dataset",
               "The points to learn; a new dataset starts the network again."),
        _field("noise", Int(0, 50), "noise", "Noise",
               "How far points stray from their pattern: more noise blurs the boundary to learn.",
               lambda v: v / 100, _percent, unit="%"),
        _field("n", Int(50, 2000), "n", "Number of points",
               "More points give a truer picture of the pattern and slower epochs."),
        _field("train", Int(10, 90), "train_frac", "Training data",
               "The share of points the network learns from; the rest test it.",
               lambda v: v / 100, _percent, unit="%"),
        _field("seed", Int(0, 2**32 - 1), "seed", "Seed",
               "Fixes the random draws (data, initial weights, batches): same seed, same run."),
        _field("features", Subset(FEATURES, min_len=1), "features", "Inputs",
               "The features fed to the network (at least one): richer inputs make curved "
               "boundaries easier."),
        _field("layers", IntList(1, MAX_NEURONS, MAX_LAYERS), "hidden", "Hidden layers",
               "Neurons per hidden layer: more capacity to bend the boundary, slower steps."),
        _field("activation", NameList(act_names, MAX_LAYERS), "activations", "Activation",
               "Each hidden layer's non-linearity: it decides what shapes neurons can form."),
        _field("init", Choice(INITIALIZERS), "init", "Weight initializer",
               "How the starting weights are drawn: it sets how fast signals and gradients "
               "flow at first."),
        _field("loss", Choice(("auto", "bce", "ce", "mse")), "loss", "Output and loss",
               "The output neuron's function and the error that training minimizes."),
        _field("optimizer", Choice(optimizers.OPTIMIZERS), "optimizer", "Optimizer",
               "The rule that turns gradients into weight changes; switching keeps the weights."),
        _field("lr", Float(1e-5, 10.0, LR_STEPS), "lr", "Learning rate",
               "Step size of each update (log scale): too small crawls, too large diverges; "
               "changing it keeps the weights."),
        *(_hyper_row(h, optimizers.setting_defaults(name))
          for name, h in optimizers.all_settings().items()),
        _field("schedule", Choice(schedules.SCHEDULES), "schedule", "Learning-rate schedule",
               "How the learning rate changes over the epochs, starting from the rate above."),
        *(_hyper_row(h, {h.default}) for h in schedules.all_settings().values()),
        _field("batch", Int(1, 2000, word="all", steps=BATCH_STEPS), "batch", "Batch size",
               "Points per update: small batches give noisy, many updates; all gives one "
               "exact step per epoch.",
               lambda v: FULL_BATCH if v == "all" else v,
               lambda f: "all" if f == FULL_BATCH else f),
        _field("reg", Choice(REGULARIZERS), "reg", "Regularization",
               "A penalty on large weights: L2 shrinks them all, L1 drives some to zero."),
        _field("reg_rate", Float(0.0, 10.0, REG_RATE_STEPS), "reg_rate", "Regularization rate",
               "How strong the weight penalty is against fitting the data."),
        _field("dropout", Float(0.0, 0.9, DROPOUT_STEPS), "dropout", "Dropout",
               "The share of hidden neurons switched off at random in each training step."),
        Setting("speed", Choice(SPEEDS), 1, "Epochs per frame",
                "How many epochs train between two pictures; max trains as fast as it can."),
        Setting("stop_epochs", Int(0, 1_000_000), 0, "Stop after epochs",
                "Pause training at this epoch (0: never)."),
        Setting("goal", Float(0.0, 100.0), 0.0, "Stop at test loss",
                "Pause training once the test loss is at or below this (0: never)."),
        Setting("show_test", Bool(), False, "Show test data",
                "Draw the test points on the output map too; training is unchanged."),
        Setting("discretize", Bool(), False, "Discretize output",
                "Colour the output map by the predicted class only; training is unchanged."),
        Setting("log_scale", Bool(), False, "Log-scale loss",
                "Draw the cost curve on a log axis; training is unchanged."),
        Setting("draw", Bool(), False, "Draw points on the map",
                "Click the output map to add your own points (a new dataset)."),
        Setting("data", Choice(("toy", "upload", "drawn")), "toy", "Data source",
                "Where the run's data came from: a toy set, or a file to load.",
                hideable=False),
        Setting("challenge", challenge.ChallengeKind(), (), "Challenge",
                "A classroom goal the run is checked against.", hideable=False),
    ]
    controls = tuple(row.key for row in rows if row.hideable) + tuple(PAGE_CONTROLS)
    rows.append(Setting("hide", Subset(controls), (), "Hidden controls",
                        "Controls a classroom link hides; their values still apply.",
                        hideable=False))
    return {row.key: row for row in rows}
