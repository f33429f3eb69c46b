"""The one state schema: every setting's type, default, allowed values and URL name.

`SCHEMA` (TF Playground's state.ts idea) drives widget defaults, session state, validation
and the shareable URL. Each row: key (also the URL name and the control name used by
`hide`), kind (how to parse and format it), default, group, effect ("rebuild": new data or
weights; "hyper": weights kept; "view": drawing only) and the TrainConfig field it sets.

Values in session state are canonical: widget key `cfg_<key>`, value as the table's kind
gives it (ints, floats, tuples, and the words "all" (batch), "max" (speed) and
"default" (eps: the optimizer's own)). Noise and the train share are percents
(TF Playground's sliders); `to_config` divides them by 100.

    values, notes = parse_query(st.query_params)    # junk -> default + a note
    link = to_query(values)                          # only non-default values
    config = to_config(values)                       # -> dnn_core TrainConfig
"""
import math
from dataclasses import dataclass
from typing import Mapping

from dnn_core.activations import ACTIVATIONS
from dnn_core.config import DEFAULT_LOSS, TASK_LOSSES, TrainConfig
from dnn_core.datasets import DATASETS
from dnn_core.features import FEATURES
from dnn_core.init import INITIALIZERS
from dnn_core.optimizers import OPTIMIZERS
from dnn_core.regularization import REGULARIZERS
from dnn_core.schedules import SCHEDULES
from ui import challenge, keys

PREFIX = keys.SETTING_PREFIX
FULL_BATCH = 2**31 - 1   # "all": the trainer clips the batch to the training-set size
MAX_LAYERS, MAX_NEURONS = 8, 32
# Log-scale steps offered by the sliders; any in-range float from a URL is kept too.
LR_STEPS = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATE_STEPS = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DECAY_STEPS = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
MOMENTUM_STEPS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
BETA2_STEPS = (0.9, 0.99, 0.999, 0.9999)
EPS_STEPS = (1e-10, 1e-8, 1e-6, 1e-4)
DROPOUT_STEPS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
BATCH_STEPS = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000, "all")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, "max")
PAGE_CONTROLS = ("play", "step", "reset")   # page buttons a `hide` link may also name


def format_number(x):
    """The shortest text that reads back as the same number: 0.03, 1e-05, 10 (words
    such as "default" pass through)."""
    if isinstance(x, (int, str)):
        return str(x)
    text = f"{x:.15g}"
    return text if float(text) == x else repr(x)


def _finite(text):
    number = float(text)        # ValueError for junk
    if not math.isfinite(number):
        raise ValueError(text)
    return number


# Kinds: parse(text) -> value (ValueError when it does not fit), format(value) -> text,
# `allowed`: what fits, for the notes.
class Choice:
    def __init__(self, options):
        self.options = tuple(options)
        self.allowed = "one of " + ", ".join(map(str, self.options))

    def parse(self, text):
        matches = [o for o in self.options if str(o).lower() == text.strip().lower()]
        if not matches:
            raise ValueError(text)
        return matches[0]

    format = staticmethod(str)


class Int:
    def __init__(self, lo, hi, word=None, steps=()):
        self.lo, self.hi, self.word, self.steps = lo, hi, word, steps
        self.allowed = f"a whole number from {lo} to {hi}" + (f' or "{word}"' if word else "")

    def parse(self, text):
        text = text.strip().lower()
        if self.word and text == self.word:
            return self.word
        try:
            value = int(text)
        except ValueError:
            number = _finite(text)
            if not number.is_integer():
                raise
            value = int(number)
        if not self.lo <= value <= self.hi:
            raise ValueError(text)
        return value

    format = staticmethod(str)


class Float:
    def __init__(self, lo, hi, steps=(), word=None):
        self.lo, self.hi, self.steps, self.word = lo, hi, steps, word
        self.allowed = f"a number from {format_number(lo)} to {format_number(hi)}" + (
            f' or "{word}"' if word else "")

    def parse(self, text):
        if self.word and text.strip().lower() == self.word:
            return self.word
        value = _finite(text)
        if not self.lo <= value <= self.hi:
            raise ValueError(text)
        return value

    format = staticmethod(format_number)


class Bool:
    WORDS = {"true": True, "1": True, "yes": True, "on": True,
             "false": False, "0": False, "no": False, "off": False}
    allowed = "true or false"

    def parse(self, text):
        if text.strip().lower() not in self.WORDS:
            raise ValueError(text)
        return self.WORDS[text.strip().lower()]

    @staticmethod
    def format(value):
        return "true" if value else "false"


def _items(text):
    return [item.strip().lower() for item in text.split(",")]


class Subset:
    """A set of options, kept in the options' order: "x2,x1" -> ("x1", "x2")."""

    def __init__(self, options, min_len=0):
        self.options, self.min_len = tuple(options), min_len
        self.allowed = "a comma list of " + ", ".join(self.options) + (
            " (at least one)" if min_len else "")

    def parse(self, text):
        items = [item for item in _items(text) if item]
        if any(item not in self.options for item in items) or len(set(items)) < self.min_len:
            raise ValueError(text)
        return tuple(option for option in self.options if option in items)

    format = staticmethod(",".join)


class IntList:
    """Neurons per hidden layer: "4,2" -> (4, 2); "" -> () (no hidden layer)."""

    def __init__(self, lo, hi, max_len):
        self.item, self.max_len = Int(lo, hi), max_len
        self.allowed = (f"a comma list of up to {max_len} whole numbers from {lo} to {hi} "
                        "(empty: no hidden layer)")

    def parse(self, text):
        value = tuple(self.item.parse(i) for i in text.split(",")) if text.strip() else ()
        if len(value) > self.max_len:
            raise ValueError(text)
        return value

    @staticmethod
    def format(value):
        return ",".join(map(str, value))


class NameList:
    """One name per hidden layer; one name stands for all: "relu" or "relu,tanh"."""

    def __init__(self, options, max_len):
        self.options, self.max_len = tuple(options), max_len
        self.allowed = "one of " + ", ".join(self.options) + " or a comma list, one per layer"

    def parse(self, text):
        items = _items(text)
        if not 1 <= len(items) <= self.max_len or any(i not in self.options for i in items):
            raise ValueError(text)
        return tuple(items)

    @staticmethod
    def format(value):
        return value[0] if len(set(value)) == 1 else ",".join(value)


@dataclass(frozen=True)
class Setting:
    key: str
    kind: object
    default: object
    group: str
    effect: str            # "rebuild" | "hyper" | "view"
    field: str = None      # the TrainConfig field it sets (None: a run or view control)


def _rows():
    act_names = tuple(ACTIVATIONS)
    rows = [
        Setting("dataset", Choice(DATASETS), "circle", "data", "rebuild", "dataset"),
        Setting("noise", Int(0, 50), 0, "data", "rebuild", "noise"),
        Setting("n", Int(50, 2000), 500, "data", "rebuild", "n"),
        Setting("train", Int(10, 90), 50, "data", "rebuild", "train_frac"),
        Setting("seed", Int(0, 2**32 - 1), 0, "data", "rebuild", "seed"),
        Setting("features", Subset(FEATURES, min_len=1), ("x1", "x2"), "features", "rebuild",
                "features"),
        Setting("layers", IntList(1, MAX_NEURONS, MAX_LAYERS), (4, 2), "network", "rebuild",
                "hidden"),
        Setting("activation", NameList(act_names, MAX_LAYERS), ("tanh", "tanh"), "network",
                "rebuild", "activations"),
        Setting("init", Choice(INITIALIZERS), "xavier", "network", "rebuild", "init"),
        Setting("loss", Choice(("auto", "bce", "ce", "mse")), "auto", "output", "rebuild",
                "loss"),
        Setting("optimizer", Choice(OPTIMIZERS), "sgd", "training", "hyper", "optimizer"),
        Setting("lr", Float(1e-5, 10.0, LR_STEPS), 0.03, "training", "hyper", "lr"),
        Setting("momentum", Float(0.0, 0.999, MOMENTUM_STEPS), 0.9, "training", "hyper",
                "momentum"),
        Setting("alpha", Float(0.0, 0.9999, MOMENTUM_STEPS), 0.99, "training", "hyper", "alpha"),
        Setting("beta1", Float(0.0, 0.9999, MOMENTUM_STEPS), 0.9, "training", "hyper", "beta1"),
        Setting("beta2", Float(0.0, 0.99999, BETA2_STEPS), 0.999, "training", "hyper", "beta2"),
        Setting("eps", Float(1e-12, 0.1, EPS_STEPS, word="default"), "default", "training",
                "hyper", "eps"),
        Setting("schedule", Choice(SCHEDULES), "constant", "training", "hyper", "schedule"),
        Setting("decay", Float(0.0, 10.0, DECAY_STEPS), 0.0, "training", "hyper", "decay"),
        Setting("interval", Int(1, 100_000), 100, "training", "hyper", "interval"),
        Setting("batch", Int(1, 2000, word="all", steps=BATCH_STEPS), 10, "training", "hyper", "batch"),
        Setting("reg", Choice(REGULARIZERS), "none", "training", "hyper", "reg"),
        Setting("reg_rate", Float(0.0, 10.0, REG_RATE_STEPS), 0.0, "training", "hyper",
                "reg_rate"),
        Setting("dropout", Float(0.0, 0.9, DROPOUT_STEPS), 0.0, "training", "hyper", "dropout"),
        Setting("speed", Choice(SPEEDS), 1, "training", "hyper"),
        Setting("stop_epochs", Int(0, 1_000_000), 0, "training", "hyper"),
        Setting("goal", Float(0.0, 100.0), 0.0, "training", "hyper"),
        Setting("show_test", Bool(), False, "view", "view"),
        Setting("discretize", Bool(), False, "view", "view"),
        Setting("log_scale", Bool(), False, "view", "view"),
        Setting("draw", Bool(), False, "view", "view"),
        Setting("data", Choice(("toy", "upload", "drawn")), "toy", "classroom", "view"),
        Setting("challenge", challenge.ChallengeKind(), (), "classroom", "view"),
    ]
    controls = tuple(row.key for row in rows) + PAGE_CONTROLS
    rows.append(Setting("hide", Subset(controls), (), "classroom", "view"))
    return {row.key: row for row in rows}


SCHEMA = _rows()
HIDEABLE = SCHEMA["hide"].kind.options


def defaults():
    """Every setting's default, canonical (a fresh dict)."""
    return {key: row.default for key, row in SCHEMA.items()}


def task_of(values):
    return DATASETS[values["dataset"]].task


def reconcile(values, task=None):
    """Make settings that depend on each other agree; returns (values, notes).

    The activation list gets one name per hidden layer (one name applies to all); the
    loss must fit the task ("auto" when it is the task's default, with a note when it
    does not fit)."""
    values, notes = dict(values), []
    layers = values["layers"]
    acts = tuple(values["activation"]) or SCHEMA["activation"].default[:1]
    if len(acts) == 1 or not layers:
        acts = acts[:1] * len(layers)
    elif len(acts) != len(layers):
        fitted = tuple(acts[min(i, len(acts) - 1)] for i in range(len(layers)))
        notes.append(f"activation: {len(acts)} names for {len(layers)} hidden layers; "
                     f"using {','.join(fitted)}.")
        acts = fitted
    values["activation"] = acts
    task = task or task_of(values)
    loss = values["loss"]
    if loss == DEFAULT_LOSS[task]:
        values["loss"] = "auto"
    elif loss != "auto" and loss not in TASK_LOSSES[task]:
        notes.append(f"loss: {loss} does not fit a {task} task; using auto "
                     f"({DEFAULT_LOSS[task]}).")
        values["loss"] = "auto"
    return values, notes


def _shown(text, limit=40):
    text = repr(text)
    return text if len(text) <= limit else text[:limit] + "…'"


def parse_query(params: Mapping):
    """URL query parameters -> (canonical values, human notes). Never raises.

    `params` maps names to a string or a list of strings (the last one counts). A value
    that does not parse or is out of range falls back to the default with a note naming
    the parameter, the bad value and what was used instead. TF Playground's
    `<control>_hide=true` flags are read into `hide`."""
    values, notes, params = defaults(), [], params or {}
    values["activation"] = values["activation"][:1]     # expanded to the layers below
    given = {}
    for name in params:
        raw = params[name]
        if isinstance(raw, (list, tuple)):
            if not raw:
                notes.append(f"{name}: no value; ignored.")
                continue
            if len(raw) > 1:
                notes.append(f"{name}: given {len(raw)} times; using the last one.")
            raw = raw[-1]
        given[str(name)] = str(raw)
    hide_flags = []
    for name, text in given.items():
        row = SCHEMA.get(name)
        try:
            if row:
                values[name] = row.kind.parse(text)
            elif name.endswith("_hide") and name[:-5] in HIDEABLE:
                hide_flags += [name[:-5]] if Bool().parse(text) else []
            else:
                notes.append(f"Unknown parameter {_shown(name)} ignored.")
        except ValueError:
            used = row.kind.format(row.default) or "none" if row else "not hidden"
            allowed = row.kind.allowed if row else Bool.allowed
            notes.append(f"{name}: {_shown(text)} is not {allowed}; using {used}.")
    if hide_flags:
        values["hide"] = SCHEMA["hide"].kind.parse(",".join(values["hide"] + tuple(hide_flags)))
    values, more = reconcile(values)
    return values, notes + more


def to_query(values):
    """Canonical values -> {URL name: text}, only the settings that differ from default."""
    query = {}
    for key, row in SCHEMA.items():
        if key == "activation" and not values["layers"]:
            continue        # no hidden layer: nothing to name
        text = row.kind.format(values[key])
        if text != row.kind.format(row.default):
            query[key] = text
    return query


def to_config(values, task=None):
    """Canonical values -> dnn_core TrainConfig. `task` (default: the dataset's) decides
    whether the loss fits; one that does not becomes "auto"."""
    values, _ = reconcile(values, task)
    fields = {row.field: values[key] for key, row in SCHEMA.items() if row.field}
    fields["noise"] = values["noise"] / 100
    fields["train_frac"] = values["train"] / 100
    fields["batch"] = FULL_BATCH if values["batch"] == "all" else values["batch"]
    fields["eps"] = None if values["eps"] == "default" else values["eps"]
    return TrainConfig(**fields)


def current_values(session_state):
    """The canonical values held in session state (defaults for any key not yet set)."""
    return {key: session_state.get(PREFIX + key, row.default) for key, row in SCHEMA.items()}




def init_session(session_state, query_params):
    """Fill the `cfg_<key>` session keys from the defaults and the URL, once per session.
    Returns the notes about junk in the URL (empty on later calls)."""
    if session_state.get(keys.SETTINGS_STARTED):
        return []
    values, notes = parse_query(query_params)
    for key, value in values.items():
        session_state[PREFIX + key] = value
    session_state[keys.SETTINGS_STARTED] = True
    return notes


def sync_url(session_state, query_params):
    """Write the current values into the URL: set what changed, drop what went back to
    its default or was TF Playground's `<control>_hide` form. Other parameters stay."""
    target = to_query(current_values(session_state))
    for name in list(query_params):
        if (name in SCHEMA and name not in target) or name.endswith("_hide"):
            del query_params[name]
    for name, text in target.items():
        if query_params.get(name) != text:
            query_params[name] = text

