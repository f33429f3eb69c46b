"""The state schema: URL round trips for every row, junk that falls back with a note and
never raises, the TrainConfig mapping, and session init / URL sync."""
import math

import pytest

from dnn_core import optimizers, schedules
from dnn_core.trainer import Trainer
from dnn_core.config import REBUILD_FIELDS, TrainConfig
from dnn_core.datasets import DATASETS
from ui import kinds, settings, state
from ui.state import SCHEMA, defaults, parse_query, to_config, to_query

# One non-default canonical value per schema row (with the settings it needs).
SAMPLES = {
    "dataset": {"dataset": "spiral3"},
    "noise": {"noise": 35},
    "n": {"n": 1234},
    "train": {"train": 70},
    "seed": {"seed": 4_000_000_000},
    "features": {"features": ("x1", "x2sq", "sinx2")},
    "layers": {"layers": (8, 8, 1), "activation": ("tanh",) * 3},
    "activation": {"activation": ("relu", "sine")},
    "init": {"init": "he_uniform"},
    "loss": {"loss": "mse"},
    "optimizer": {"optimizer": "nesterov"},
    "lr": {"lr": 0.05},
    "momentum": {"momentum": 0.95},
    "alpha": {"alpha": 0.9},
    "beta1": {"beta1": 0.8},
    "beta2": {"beta2": 0.99},
    "eps": {"eps": 1e-10},   # default: "default" (each optimizer's own)
    "schedule": {"schedule": "cosine"},
    "decay": {"decay": 0.003},
    "interval": {"interval": 250},
    "batch": {"batch": "all"},
    "reg": {"reg": "l1"},
    "reg_rate": {"reg_rate": 0.0003},
    "dropout": {"dropout": 0.2},
    "speed": {"speed": "max"},
    "stop_epochs": {"stop_epochs": 500},
    "goal": {"goal": 0.05},
    "show_test": {"show_test": True},
    "discretize": {"discretize": True},
    "log_scale": {"log_scale": True},
    "draw": {"draw": True},
    "hide": {"hide": ("dataset", "lr", "play")},
    "data": {"data": "upload"},
    "challenge": {"challenge": (("test_loss", 0.1), ("neurons", 6))},
}
RICH = {"dataset": "moons", "noise": 20, "n": 800, "train": 80, "seed": 7,
        "features": ("x1", "x2", "x1x2"), "layers": (16, 8, 4),
        "activation": ("relu", "gelu", "tanh"), "init": "he", "loss": "mse",
        "optimizer": "adam", "lr": 0.003, "beta1": 0.85, "schedule": "step", "decay": 0.1,
        "interval": 50, "batch": "all", "reg": "l2", "reg_rate": 0.001, "dropout": 0.1,
        "speed": 20, "stop_epochs": 1000, "goal": 0.01, "show_test": True, "hide": ("seed",)}


def with_(**changes):
    values = defaults()
    values.update(changes)
    return values


def test_samples_cover_every_row():
    assert set(SAMPLES) == set(SCHEMA)


@pytest.mark.parametrize("key", list(SAMPLES))
def test_every_row_round_trips_through_the_url(key):
    values = with_(**SAMPLES[key])
    query = to_query(values)
    assert key in query and all(isinstance(text, str) for text in query.values())
    assert parse_query(query) == (values, [])


def test_rich_setting_round_trips_and_gives_a_valid_config():
    values = with_(**RICH)
    assert parse_query(to_query(values)) == (values, [])
    config = to_config(values)
    assert config.noise == 0.2 and config.train_frac == 0.8
    assert config.hidden == (16, 8, 4) and config.activations == ("relu", "gelu", "tanh")
    assert config.batch == settings.FULL_BATCH and config.loss == "mse"
    trainer = Trainer(config)       # every name is one the engine knows
    assert trainer.batch == len(trainer.X_train) == 640
    assert trainer.output_activation == "tanh"


def test_defaults_are_tf_playground_like_and_equal_the_engine_defaults():
    values = defaults()
    assert to_config(values) == TrainConfig()
    assert (values["dataset"], values["layers"], values["activation"]) == (
        "circle", (4, 2), ("tanh", "tanh"))
    assert (values["lr"], values["batch"], values["train"], values["noise"]) == (0.03, 10, 50, 0)
    assert values["features"] == ("x1", "x2")
    assert to_query(values) == {}
    assert parse_query({}) == (values, [])


def test_public_url_names_are_all_there():
    public = ("dataset noise n train seed features layers activation init loss optimizer lr "
              "schedule batch reg reg_rate dropout speed hide goal").split()
    assert set(public) <= set(SCHEMA)


def test_every_config_field_has_one_row_and_its_effect_follows_the_engine():
    rows = [row for row in SCHEMA.values() if row.field]
    assert sorted(row.field for row in rows) == sorted(
        set(TrainConfig.__dataclass_fields__) - {"options"})
    for row in rows:
        assert row.effect == ("rebuild" if row.field in REBUILD_FIELDS else "keep"), row.key
    assert {row.effect for row in SCHEMA.values() if not row.field} == {"view"}


@pytest.mark.parametrize("key", list(SAMPLES))
def test_every_row_has_a_title_and_a_help_sentence(key):
    row = SCHEMA[key]
    assert row.title and row.help.endswith((".", ")")) and len(row.help) <= 130


def test_row_defaults_are_the_engine_defaults_and_the_classes_defaults():
    config = TrainConfig()
    assert to_config(defaults()) == config
    assert state.config_values(config) == defaults()
    for name, hyper in optimizers.all_settings().items():
        own = len(optimizers.setting_defaults(name)) > 1      # eps: 1e-8 Adam, 1e-10 Adagrad
        assert SCHEMA[name].default == ("default" if own else hyper.default), name
    assert SCHEMA["eps"].default == "default" and config.eps is None
    for name, hyper in {**optimizers.all_settings(), **schedules.all_settings()}.items():
        assert (SCHEMA[name].title, SCHEMA[name].help) == (hyper.title, hyper.help)
    assert SCHEMA["decay"].default == config.decay == schedules.DECAY.default


@pytest.mark.parametrize("key", [key for key, row in SCHEMA.items()
                                 if getattr(row.kind, "steps", ())])
def test_every_slider_step_reads_back_exactly_from_its_url_text(key):
    kind = SCHEMA[key].kind
    for step in kind.steps:
        assert kind.parse(kind.format(step)) == step
        values, notes = parse_query({key: kind.format(step)})
        assert values[key] == step and notes == []


@pytest.mark.parametrize("key", [key for key, row in SCHEMA.items() if row.field])
def test_config_values_invert_to_config_for_every_row(key):
    values = with_(**SAMPLES[key])
    values, _ = state.reconcile(values)
    config = to_config(values)
    back = state.config_values(config)
    assert to_config(back) == config
    assert {k: back[k] for k in SAMPLES[key]} == {k: values[k] for k in SAMPLES[key]}


def test_config_values_name_what_the_controls_cannot_hold():
    with pytest.raises(ValueError, match="n = 10000"):
        state.config_values(TrainConfig(n=10_000))
    with pytest.raises(ValueError, match="noise = 12.5"):
        state.config_values(TrainConfig(noise=0.125))


JUNK = [
    ("lr", "abc"), ("lr", "1e9"), ("lr", "nan"), ("lr", ""), ("layers", "1,99"),
    ("layers", "-3"), ("layers", "4,,2"), ("layers", "1,1,1,1,1,1,1,1,1"),
    ("activation", "foo"), ("activation", "relu,tanh,foo"), ("features", ""),
    ("features", "x1,zz"), ("seed", "-1"), ("seed", "9" * 5000), ("n", "1e12"),
    ("n", "12.5"), ("noise", "NaN"), ("noise", "inf"), ("train", "0"), ("batch", "0"),
    ("batch", "everything"), ("hide", "unknown"), ("dataset", "mnist"), ("loss", "hinge"),
    ("speed", "3"), ("show_test", "maybe"), ("optimizer", "sgd\u0000"), ("init", "ⓧavier"),
    ("dropout", "0.95"), ("goal", "-1"), ("eps", "0"),
]


@pytest.mark.parametrize("name,text", JUNK)
def test_junk_falls_back_to_the_default_with_a_note(name, text):
    values, notes = parse_query({name: text})
    assert values == defaults()
    assert len(notes) == 1
    assert notes[0].startswith(f"{name}: ") and repr(text)[:20] in notes[0]
    assert "using " + SCHEMA[name].kind.format(SCHEMA[name].default) in notes[0] or \
        "using none" in notes[0]


def test_unknown_parameter_and_repeats_are_noted():
    values, notes = parse_query({"mnist": "1", "lr": ["0.1", "0.3"], "seed": []})
    assert values["lr"] == 0.3 and values["seed"] == 0
    assert any("'mnist'" in note for note in notes)
    assert any(note.startswith("lr: given 2 times") for note in notes)


@pytest.mark.parametrize("params", [
    None, {"": ""}, {"lr": None}, {"layers": ["", "4"]}, {"n": "٣٠٠"}, {"layers": " 4 , 2 "},
    {"😀": "😀", "features": "X1,SINX2"}, {"batch": "1e400"}, {"lr": "0x10"},
    {key: "junk" for key in SCHEMA}, {key: "" for key in SCHEMA},
])
def test_any_input_gives_valid_values(params):
    values, notes = parse_query(params)
    assert isinstance(notes, list)
    to_config(values)
    assert parse_query(to_query(values)) == (values, [])


def test_activation_list_is_fitted_to_the_layers():
    assert parse_query({"layers": "8,8,8", "activation": "relu"}) == (
        with_(layers=(8, 8, 8), activation=("relu",) * 3), [])
    values, notes = parse_query({"layers": "8,8,8", "activation": "relu,sine"})
    assert values["activation"] == ("relu", "sine", "sine")
    assert notes == ["activation: 2 names for 3 hidden layers; using relu,sine,sine."]
    values, notes = parse_query({"layers": "", "activation": "relu"})
    assert values["layers"] == values["activation"] == () and notes == []
    assert to_query(values) == {"layers": ""}


def test_loss_must_fit_the_task():
    values, notes = parse_query({"dataset": "blobs3", "loss": "mse"})
    assert values["loss"] == "auto" and notes == ["loss: mse does not fit a multiclass task; "
                                                  "using auto (ce)."]
    assert parse_query({"loss": "bce"}) == (defaults(), [])     # the binary default is auto
    assert to_config(with_(loss="mse"), task="multiclass").loss == "auto"
    assert to_config(with_(dataset="plane", loss="mse")).loss == "auto"


def test_tf_playground_hide_flags_join_the_hide_list():
    values, notes = parse_query({"lr_hide": "true", "seed_hide": "false", "hide": "noise"})
    assert values["hide"] == ("noise", "lr") and notes == []
    values, notes = parse_query({"lr_hide": "maybe"})
    assert values["hide"] == () and notes == ["lr_hide: 'maybe' is not true or false; "
                                              "using not hidden."]


def test_number_formatting_is_short_and_exact():
    assert [kinds.format_number(x) for x in (0.03, 1e-5, 10.0, 0.1 + 0.2, 7)] == [
        "0.03", "1e-05", "10", "0.30000000000000004", "7"]
    for x in (0.1 + 0.2, 1 / 3, 2.5e-7, math.pi):
        assert float(kinds.format_number(x)) == x


class CountingParams(dict):
    """Like st.query_params: a value or a list per name; [name] gives the last value."""

    def __init__(self, *args):
        super().__init__(*args)
        self.writes = 0

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return value[-1] if isinstance(value, list) else value

    def get(self, key, default=None):
        return self[key] if key in self else default

    def get_all(self, key):
        value = super().get(key, [])
        return list(value) if isinstance(value, list) else [value]

    def __setitem__(self, key, value):
        self.writes += 1
        super().__setitem__(key, value)


def test_init_session_once_and_sync_url_writes_only_changes():
    session, params = {}, CountingParams({"lr": "0.1", "junk": "1", "noise": "xx",
                                          "reg_hide": "1"})
    notes = state.init_session(session, params)
    assert session["cfg_lr"] == 0.1 and session["cfg_hide"] == ("reg",)
    assert len(notes) == 2
    session["cfg_lr"] = 0.5
    assert state.init_session(session, params) == [] and session["cfg_lr"] == 0.5
    state.sync_url(session, params)
    assert params == {"lr": "0.5", "junk": "1", "hide": "reg"}
    writes = params.writes
    state.sync_url(session, params)
    assert params.writes == writes
    session["cfg_lr"] = 0.03
    state.sync_url(session, params)
    assert params == {"junk": "1", "hide": "reg"}


def test_current_values_fill_missing_keys_with_defaults():
    assert state.current_values({}) == defaults()
    assert state.current_values({"cfg_dataset": "xor"})["dataset"] == "xor"


def test_repeated_keys_use_the_last_value_with_a_note_and_the_url_becomes_canonical():
    session, params = {}, CountingParams({"lr": ["0.1", "0.2"], "noise": ["10", "10"]})
    notes = state.init_session(session, params)
    assert (session["cfg_lr"], session["cfg_noise"]) == (0.2, 10)
    assert sorted(notes) == ["lr: given 2 times; using the last one.",
                             "noise: given 2 times; using the last one."]
    state.sync_url(session, params)
    assert dict(params.items()) == {"lr": "0.2", "noise": "10"}


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_builds_a_trainer_on_its_own_task(name):
    values, _ = state.reconcile(with_(dataset=name))
    trainer = Trainer(to_config(values))
    assert trainer.task == DATASETS[name].task
    assert trainer.loss_name == {"binary": "bce", "multiclass": "ce",
                                 "regression": "mse"}[DATASETS[name].task]
    assert state.config_values(trainer.config) == values
