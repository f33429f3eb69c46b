"""The one state schema: every setting's facts in one row, driving the controls, the URL,
validation, the config and the texts about a setting.

`SCHEMA` (TF Playground's state.ts idea): one `Setting` per URL name, holding its kind
(how to parse and format it), default, title (the control's label, the share dialog's and
the change notice's name), a one-line help (what it does to training), the TrainConfig
field it sets with the conversion both ways, and whether a classroom link may hide it.
Whether a change rebuilds the network or keeps the weights follows from the engine's
`REBUILD_FIELDS`. A config field's default is TrainConfig's (converted); an optimizer or
schedule setting's row comes from its class's `Hyper` (dnn_core.optimizers, .schedules).

Values in session state are canonical: widget key `cfg_<key>`, value as the table's kind
gives it (ints, floats, tuples, and the words "all" (batch), "max" (speed) and
"default" (eps: the optimizer's own)). Noise and the train share are percents
(TF Playground's sliders); the rows convert them to fractions.

    values, notes = parse_query(st.query_params)    # junk -> default + a note
    link = to_query(values)                          # only non-default values
    config = to_config(values)                       # -> dnn_core TrainConfig
    values = config_values(config)                   # and back (ValueError if it cannot)
"""
from dataclasses import dataclass, fields
from typing import Callable, Mapping

from dnn_core import optimizers, schedules
from dnn_core.activations import ACTIVATIONS
from dnn_core.config import DEFAULT_LOSS, REBUILD_FIELDS, TASK_LOSSES, TrainConfig
from dnn_core.datasets import DATASETS
from dnn_core.features import FEATURES
from dnn_core.init import INITIALIZERS
from dnn_core.regularization import REGULARIZERS
from ui import challenge, keys
from ui.kinds import Bool, Choice, Float, Int, IntList, NameList, Subset, format_number

PREFIX = keys.SETTING_PREFIX
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


def _rows():
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


SCHEMA = _rows()
HIDEABLE = SCHEMA["hide"].kind.options


def refresh():
    """Rebuild SCHEMA in place from the registries (after `register`ing a new optimizer
    or schedule class); the import did it for the built-in ones."""
    global HIDEABLE
    SCHEMA.clear()
    SCHEMA.update(_rows())
    HIDEABLE = SCHEMA["hide"].kind.options


def titles():
    """{control name: title} for every hideable control, the page buttons included."""
    return {**{key: row.title for key, row in SCHEMA.items() if row.hideable}, **PAGE_CONTROLS}


def field_titles():
    """{TrainConfig field: title}, in the schema's order."""
    return {row.field: row.title for row in SCHEMA.values() if row.field}


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
    config = {row.field: row.to_field(values[key]) for key, row in SCHEMA.items() if row.field}
    options = tuple((key, values[key]) for key, row in SCHEMA.items() if row.option)
    return TrainConfig(**config, options=options)


def config_values(config, values=None, task=None):
    """The inverse of `to_config`: the canonical values that give `config` back, taking
    the settings that shape no run from `values` (default: the defaults). ValueError
    naming the settings the controls cannot hold."""
    new, outside, options = dict(values or defaults()), [], dict(config.options)
    for key, row in SCHEMA.items():
        if not (row.field or row.option):
            continue
        value = row.from_field(getattr(config, row.field)) if row.field else \
            options.get(key, row.default)
        text = row.kind.format(value)
        try:
            new[key] = row.kind.parse(text)
        except ValueError:
            outside.append(f"{key} = {text}")
    new, _ = reconcile(new, task)
    if not outside and to_config(new, task) != config:
        outside = sorted(f.name for f in fields(TrainConfig)
                         if getattr(to_config(new, task), f.name) != getattr(config, f.name))
    if outside:
        raise ValueError("its settings are outside what the controls offer: "
                         + ", ".join(outside))
    return new


def current_values(session_state):
    """The canonical values held in session state (defaults for any key not yet set)."""
    return {key: session_state.get(PREFIX + key, row.default) for key, row in SCHEMA.items()}




def all_values(query_params):
    """{name: [every value given]}: Streamlit's `query_params[name]` keeps only the last
    of a repeated key (`?lr=0.1&lr=0.2`), `get_all` keeps them all for parse_query's note."""
    return {name: query_params.get_all(name) for name in query_params}


def init_session(session_state, query_params):
    """Fill the `cfg_<key>` session keys from the defaults and the URL, once per session.
    Returns the notes about junk in the URL (empty on later calls)."""
    if session_state.get(keys.SETTINGS_STARTED):
        return []
    values, notes = parse_query(all_values(query_params))
    for key, value in values.items():
        session_state[PREFIX + key] = value
    session_state[keys.SETTINGS_STARTED] = True
    return notes


def sync_url(session_state, query_params):
    """Write the current values into the URL: set what changed (a repeated key becomes
    one), drop what went back to its default or was TF Playground's `<control>_hide`
    form. Other parameters stay."""
    target = to_query(current_values(session_state))
    for name in list(query_params):
        if (name in SCHEMA and name not in target) or name.endswith("_hide"):
            del query_params[name]
    for name, text in target.items():
        if query_params.get_all(name) != [text]:
            query_params[name] = text

