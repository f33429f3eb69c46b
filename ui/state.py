"""The one state schema: every setting's facts in one row, driving the controls, the URL,
validation, the config and the texts about a setting.

`SCHEMA` (TF Playground's state.ts idea): one `Setting` per URL name (the rows are in
ui/settings.py: kind, default, title, help, the TrainConfig field with the conversion both
ways, whether a classroom link may hide it). Whether a change rebuilds the network or keeps
the weights follows from the engine's `REBUILD_FIELDS`.

Values in session state are canonical: widget key `cfg_<key>`, value as the table's kind
gives it (ints, floats, tuples, and the words "all" (batch), "max" (speed) and
"default" (eps: the optimizer's own)).

    values, notes = parse_query(st.query_params)    # junk -> default + a note
    link = to_query(values)                          # only non-default values
    config = to_config(values)                       # -> dnn_core TrainConfig
    values = config_values(config)                   # and back (ValueError if it cannot)
"""
from dataclasses import fields
from typing import Mapping

from dnn_core.config import DEFAULT_LOSS, TASK_LOSSES, TrainConfig
from dnn_core.datasets import DATASETS
from ui import keys, settings
from ui.kinds import Bool
from ui.settings import PAGE_CONTROLS

PREFIX = keys.SETTING_PREFIX
SCHEMA = settings.rows()
HIDEABLE = SCHEMA["hide"].kind.options


def refresh():
    """Rebuild SCHEMA in place from the registries (after `register`ing a new optimizer
    or schedule class); the import did it for the built-in ones."""
    global HIDEABLE
    SCHEMA.clear()
    SCHEMA.update(settings.rows())
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

