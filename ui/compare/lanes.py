"""Lanes: the settings each lane of a comparison changes, as URL text and as words.

Syntax (the `lanes` URL parameter): lanes separated by `|`, a lane's settings by `;`, each
setting `name:value` with the Playground's URL name and value format (ui/state.py):

    lanes=init:zeros|init:large|init:he
    lanes=optimizer:sgd|optimizer:momentum;momentum:0.9|optimizer:adam;lr:0.001
    lanes=base|layers:8,8;activation:relu          ("base": the base settings unchanged)

A lane may change any setting that shapes training except the data (dataset, noise, n,
train, seed): every lane trains on the same points. Junk (an unknown name, a value its
kind refuses, a data setting) is dropped with a note; the lane keeps the rest.
"""
import re
from dataclasses import fields

from dnn_core.activations import ACTIVATIONS
from dnn_core.config import TrainConfig
from dnn_core.features import FEATURES
from dnn_core.init import INITIALIZERS
from dnn_core.optimizers import OPTIMIZERS
from dnn_core.race import DATA_FIELDS, MAX_LANES
from dnn_core.schedules import SCHEDULES
from ui import state
from ui.kinds import format_number

MIN_LANES = 2
COLORS = ("#6a3d9a", "#1b9e77", "#d95f02", "#e7298a")   # one per lane, apart from the classes
BASE_WORD = "base"
LANE_SEP, SETTING_SEP, VALUE_SEP = "|", ";", ":"


def lane_settings():
    """{URL name: schema row} of the settings a lane may change, in the schema's order."""
    return {key: row for key, row in state.SCHEMA.items()
            if (row.field or row.option) and row.field not in DATA_FIELDS}


def parse_lane(text, number=1):
    """One lane's text -> ({URL name: canonical value}, notes)."""
    spec, notes, allowed = {}, [], lane_settings()
    text = text.strip()
    if text.lower() in ("", BASE_WORD):
        return spec, notes
    for part in filter(None, (p.strip() for p in text.split(SETTING_SEP))):
        name, sep, value = part.partition(VALUE_SEP)
        name = name.strip().lower()
        row = allowed.get(name)
        if not sep:
            notes.append(f"lane {number}: {part!r} is not name:value; ignored.")
        elif row is None and name in state.SCHEMA:
            notes.append(f"lane {number}: {name} cannot differ between lanes (every lane "
                         "shares the data and the view); ignored.")
        elif row is None:
            notes.append(f"lane {number}: unknown setting {name!r}; ignored.")
        else:
            try:
                spec[name] = row.kind.parse(value)
            except ValueError:
                notes.append(f"lane {number}: {name}: {value.strip()!r} is not "
                             f"{row.kind.allowed}; using the base value.")
    return spec, notes


def parse_lanes(text):
    """The `lanes` parameter -> (list of 2..4 specs, notes); fewer lanes get base lanes."""
    parts = (text or "").split(LANE_SEP)
    notes = []
    if len(parts) > MAX_LANES:
        notes.append(f"lanes: {len(parts)} lanes given; a comparison has at most "
                     f"{MAX_LANES}, using the first {MAX_LANES}.")
        parts = parts[:MAX_LANES]
    specs = []
    for i, part in enumerate(parts):
        spec, more = parse_lane(part, i + 1)
        specs.append(spec)
        notes += more
    while len(specs) < MIN_LANES:
        specs.append({})
    return specs, notes


def format_lane(spec):
    """A spec -> its lane text (schema order); parse_lane(format_lane(s)) == (s, [])."""
    allowed = lane_settings()
    parts = [f"{k}{VALUE_SEP}{allowed[k].kind.format(spec[k])}" for k in allowed if k in spec]
    return SETTING_SEP.join(parts) or BASE_WORD


def format_lanes(specs):
    return LANE_SEP.join(format_lane(s) for s in specs)


# ---- words ---------------------------------------------------------------------------
def _init_words(name):
    return re.sub(r" \((Kaiming|Glorot)\)", "", INITIALIZERS[name].title) + " init"


def _activation_words(names):
    titles = [ACTIVATIONS[n].title for n in names]
    return titles[0] if len(set(titles)) == 1 else ", ".join(titles)


WORDS = {   # URL name -> canonical value -> a short phrase
    "init": _init_words,
    "optimizer": lambda v: OPTIMIZERS[v].title,
    "lr": lambda v: f"lr {format_number(v)}",
    "activation": _activation_words,
    "layers": lambda v: f"layers {','.join(map(str, v))}" if v else "no hidden layer",
    "features": lambda v: "inputs " + ", ".join(FEATURES[f].title for f in v),
    "schedule": lambda v: f"{SCHEDULES[v].title.lower()}",
    "batch": lambda v: "full batch" if v == "all" else f"batch {v}",
    "reg": lambda v: "no regularization" if v == "none" else v.upper(),
    "reg_rate": lambda v: f"rate {format_number(v)}",
    "dropout": lambda v: f"dropout {format_number(v)}",
}


def describe(spec):
    """What a lane changes, in words: "Adam, lr 0.0007" ("base settings" when nothing)."""
    allowed = lane_settings()
    words = [WORDS[k](spec[k]) if k in WORDS else
             f"{allowed[k].title.lower()} {allowed[k].kind.format(spec[k])}"
             for k in allowed if k in spec]
    return ", ".join(words) or "base settings"


# ---- settings -> configs -------------------------------------------------------------
def lane_values(base, spec, task=None):
    """The canonical values of a lane: the base values with the lane's changes. New
    layers without an activation keep the base's one activation when it has one."""
    values = {**base, **spec}
    acts = tuple(base["activation"])
    if "layers" in spec and "activation" not in spec and len(set(acts)) <= 1:
        values["activation"] = acts[:1]
    values, _ = state.reconcile(values, task)
    return values


def overrides(base_config, config):
    """{TrainConfig field: value} where `config` differs from `base_config`."""
    return {f.name: getattr(config, f.name) for f in fields(TrainConfig)
            if getattr(config, f.name) != getattr(base_config, f.name)}
