"""The settings widgets, bound to the schema's session keys (`cfg_<key>`, see ui.state).

The page calls each group where it wants it (inside `with st.sidebar:` or a column); a
group draws nothing for a control named in the `hide` setting, whose value still applies.
Widgets change settings only through session state and `on_change` callbacks; the
`cfg_<key>` widgets use `persist_state="session"`, so a value survives while its widget is
not drawn (another page, a hidden optimizer setting, a `hide` link). `hidden(name)` tells
a page whether to draw its own hideable buttons ("play", "step", "reset").

Widget keys (stable; tests and pages rely on them):
- data_controls: buttons `dataset_<name>` (one per dataset under its thumbnail; they set
  `cfg_dataset`), sliders
  `cfg_noise`, `cfg_n`, `cfg_train`, number input `cfg_seed`, button `data_regenerate`.
- feature_controls: pills (multi) `cfg_features`.
- network_controls: buttons `layers_minus`, `layers_plus` (0-8 hidden layers),
  `neurons_<i>_minus`, `neurons_<i>_plus` (1-32 neurons in layer i = 0, 1, ...),
  selectboxes `activation_<i>`, button `activation_same_for_all`, selectbox `cfg_init`.
- output_controls: radio `cfg_loss` (binary tasks only; other tasks show their pair).
- training_controls: selectbox `cfg_optimizer`, select sliders `cfg_momentum`
  (momentum, nesterov), `cfg_alpha` (rmsprop), `cfg_beta1`, `cfg_beta2` (adam), `cfg_eps`
  (rmsprop, adam, adagrad), `cfg_lr`; selectbox `cfg_schedule`, select slider `cfg_decay`
  (inverse_time, step, exponential), number input `cfg_interval` (step, cosine); select
  sliders `cfg_batch`, segmented control `cfg_reg`, select sliders `cfg_reg_rate` (when
  reg is not none), `cfg_dropout`, `cfg_speed`; number inputs `cfg_stop_epochs`, `cfg_goal`.
- view_toggles: toggles `cfg_show_test`, `cfg_discretize`, `cfg_log_scale`, `cfg_draw`.
"""
import numpy as np
import streamlit as st

from dnn_core.activations import ACTIVATIONS
from dnn_core.config import OPTIMIZER_FIELDS, changed_fields, needs_rebuild
from dnn_core.datasets import DATASETS
from dnn_core.features import FEATURES
from dnn_core.init import INITIALIZERS
from dnn_core.optimizers import OPTIMIZERS
from dnn_core.regularization import REGULARIZERS
from dnn_core.schedules import SCHEDULES
from ui import keys, state
from ui.state import MAX_LAYERS, MAX_NEURONS, PREFIX, SCHEMA
from ui.thumbnails import dataset_thumbnail, framed

SHORT_TITLES = {"circle": "Circle", "xor": "XOR", "gauss": "Gauss", "spiral": "Spiral",
                "plane": "Plane", "multigauss": "Bumps", "moons": "Moons", "flower": "Flower",
                "blobs3": "Blobs", "spiral3": "Arms"}
OUTPUTS = {"binary": {"auto": "Sigmoid output + cross-entropy",
                      "mse": "Tanh output + squared error (TF Playground's, targets ±1)"},
           "multiclass": {"auto": "Softmax output + cross-entropy"},
           "regression": {"auto": "Identity output + mean squared error"}}
ss = st.session_state


def hidden(name):
    """True when the `hide` setting (a classroom link) hides control `name`."""
    return name in ss.get(PREFIX + "hide", ())


def _ensure_state():
    for key, row in SCHEMA.items():
        if PREFIX + key not in ss:
            ss[PREFIX + key] = row.default


def _number_text(x):
    """Plain decimals for the sliders: 0.00001 rather than 1e-05."""
    return x if isinstance(x, str) else np.format_float_positional(x, trim="-")


def _stepped(key, label, fmt=_number_text, words_first=False, **kw):
    """A select slider over the setting's steps plus its current value (from a URL);
    its word ("all", "max", "default") at the end, or first."""
    if hidden(key):
        return
    kind, value = SCHEMA[key].kind, ss[PREFIX + key]
    steps = getattr(kind, "steps", None) or kind.options
    numbers = sorted({s for s in (*steps, value) if not isinstance(s, str)})
    words = [s for s in (*steps, getattr(kind, "word", None)) if isinstance(s, str)]
    options = words + numbers if words_first else numbers + words
    st.select_slider(label, list(dict.fromkeys(options)), format_func=fmt, key=PREFIX + key,
                     persist_state="session", **kw)


def _select(key, label, registry, **kw):
    if not hidden(key):
        st.selectbox(label, tuple(registry), format_func=lambda name: registry[name].title,
                     key=PREFIX + key, persist_state="session", **kw)


def _slider(key, label, step, **kw):
    if not hidden(key):
        kind = SCHEMA[key].kind
        st.slider(label, kind.lo, kind.hi, step=step, key=PREFIX + key,
                  persist_state="session", **kw)


def _number(key, label, **kw):
    if not hidden(key):
        st.number_input(label, key=PREFIX + key, persist_state="session", **kw)


# ---- data ---------------------------------------------------------------------------
def _pick_dataset(name):
    ss[PREFIX + "dataset"] = name
    values, notes = state.reconcile(state.current_values(ss))
    ss[PREFIX + "loss"] = values["loss"]
    for note in notes:
        st.toast(note)


def _regenerate():
    ss[PREFIX + "seed"] = next_seed(ss[PREFIX + "seed"])


def next_seed(seed):
    """A new data seed drawn from the current one (so a run of Regenerates is repeatable)."""
    new = int(np.random.default_rng(seed).integers(100_000))
    return new if new != seed else (new + 1) % 100_000


def data_controls():
    """Dataset thumbnails, noise, number of points, train share, seed and Regenerate."""
    _ensure_state()
    if not hidden("dataset"):
        current = ss[PREFIX + "dataset"]
        st.markdown("**Dataset**")
        with st.container(horizontal=True, gap="xsmall"):
            for name, info in DATASETS.items():
                title = SHORT_TITLES.get(name, name)
                with st.container(width=52, gap=None, horizontal_alignment="center"):
                    picture = dataset_thumbnail(name, 44)
                    st.image(framed(picture) if name == current else picture, width=44)
                    st.button(f":blue[**{title}**]" if name == current else title,
                              key=f"dataset_{name}", help=f"{info.title}: {info.description}",
                              type="tertiary", on_click=_pick_dataset, args=(name,))
    _slider("noise", "Noise (%)", 5)
    _slider("n", "Number of points", 50)
    _slider("train", "Training data (%)", 10)
    if not hidden("seed"):
        left, right = st.columns(2, vertical_alignment="bottom")
        with left:
            _number("seed", "Seed", min_value=0, max_value=SCHEMA["seed"].kind.hi, step=1)
        right.button("Regenerate", key="data_regenerate", on_click=_regenerate,
                     help="Draw new data with a new seed", width="stretch")


# ---- inputs -------------------------------------------------------------------------
def _features_changed():
    chosen = ss[PREFIX + "features"]
    ss[PREFIX + "features"] = tuple(f for f in FEATURES if f in chosen) or ss[keys.FEATURES_LAST]


def feature_controls():
    """The seven input features as toggles (TF Playground's input nodes); at least one."""
    _ensure_state()
    if hidden("features"):
        return
    ss[keys.FEATURES_LAST] = ss[PREFIX + "features"]
    st.pills("Inputs", tuple(FEATURES), selection_mode="multi", key=PREFIX + "features",
             format_func=lambda name: FEATURES[name].title, on_change=_features_changed,
             persist_state="session", help="Features fed to the network (at least one)")


# ---- network ------------------------------------------------------------------------
def _set_layers(layers, acts):
    ss[PREFIX + "layers"], ss[PREFIX + "activation"] = tuple(layers), tuple(acts)


def _add_layer(delta):
    """+1: a new last layer as wide as the current last one; -1: drop the last layer."""
    layers, acts = list(ss[PREFIX + "layers"]), list(ss[PREFIX + "activation"])
    if delta > 0 and len(layers) < MAX_LAYERS:
        layers.append(layers[-1] if layers else 4)
        acts.append(acts[-1] if acts else SCHEMA["activation"].default[0])
    elif delta < 0 and layers:
        layers.pop(), acts.pop()
    _set_layers(layers, acts)


def _add_neurons(i, delta):
    layers = list(ss[PREFIX + "layers"])
    layers[i] = min(max(layers[i] + delta, 1), MAX_NEURONS)
    _set_layers(layers, ss[PREFIX + "activation"])


def _plus_minus(key, on_click, args, at_min, at_max, what, count=None):
    """TF Playground's - count + stepper, each button disabled at its limit."""
    st.button("−", key=f"{key}_minus", on_click=on_click, args=(*args, -1), disabled=at_min,
              type="tertiary", help=f"Remove {what}")
    if count is not None:
        st.markdown(f"**{count}**", width="content")
    st.button("+", key=f"{key}_plus", on_click=on_click, args=(*args, 1), disabled=at_max,
              type="tertiary", help=f"Add {what}")


def _set_activation(i):
    acts = list(ss[PREFIX + "activation"])
    acts[i] = ss[f"activation_{i}"]
    _set_layers(ss[PREFIX + "layers"], acts)


def _same_for_all():
    acts = ss[PREFIX + "activation"]
    _set_layers(ss[PREFIX + "layers"], acts[:1] * len(acts))


def network_controls():
    """Hidden layers as columns, like TF Playground's: +/- for their number and each one's
    neurons, an activation per layer with a one-click "same for all", the initializer."""
    _ensure_state()
    layers, acts = ss[PREFIX + "layers"], ss[PREFIX + "activation"]
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if not hidden("layers"):
            _plus_minus("layers", _add_layer, (), not layers, len(layers) >= MAX_LAYERS,
                        "a hidden layer")
        st.markdown(f"**{len(layers)} hidden layer{'s' * (len(layers) != 1)}**",
                    width="content")
        if len(layers) > 1 and not hidden("activation"):
            st.button(f"{ACTIVATIONS[acts[0]].title} in every layer",
                      key="activation_same_for_all", on_click=_same_for_all,
                      help=f"Use layer 1's activation ({ACTIVATIONS[acts[0]].title}) in "
                           "every hidden layer")
        _select("init", "Weight initializer", INITIALIZERS, label_visibility="collapsed",
                width=220, help="Weight initializer")
    if not layers:
        return
    for i, (col, width) in enumerate(zip(st.columns(max(len(layers), 4), gap="small"),
                                         layers)):
        with col:
            with st.container(horizontal=True, vertical_alignment="center", gap="xxsmall",
                              wrap=False):
                st.markdown(f"L{i + 1}", width="content")
                if hidden("layers"):
                    st.markdown(f"**{width}** neuron{'s' * (width != 1)}", width="content")
                else:
                    _plus_minus(f"neurons_{i}", _add_neurons, (i,), width <= 1,
                                width >= MAX_NEURONS, "a neuron", count=width)
            if not hidden("activation"):
                ss[f"activation_{i}"] = acts[i]
                st.selectbox(f"Layer {i + 1} activation", tuple(ACTIVATIONS),
                             format_func=lambda name: ACTIVATIONS[name].title,
                             key=f"activation_{i}", on_change=_set_activation, args=(i,),
                             label_visibility="collapsed")


def output_controls(task):
    """The output neuron's activation and the loss, said explicitly; binary tasks may
    choose TF Playground's tanh output with squared error instead of cross-entropy."""
    _ensure_state()
    if hidden("loss"):
        return
    choices = OUTPUTS[task]
    if len(choices) == 1:
        st.markdown(f"**Output and loss:** {choices['auto']}")
        return
    if ss[PREFIX + "loss"] not in choices:
        ss[PREFIX + "loss"] = "auto"
    st.radio("Output and loss", tuple(choices), format_func=choices.get,
             key=PREFIX + "loss", persist_state="session")


# ---- training -----------------------------------------------------------------------
def training_controls():
    """Optimizer (its own settings only when they apply), learning rate and schedule,
    batch size, regularization, dropout, speed and the two stopping rules."""
    _ensure_state()
    _select("optimizer", "Optimizer", OPTIMIZERS)
    optimizer = ss[PREFIX + "optimizer"]
    if optimizer in ("momentum", "nesterov"):
        _stepped("momentum", "Momentum")
    if optimizer == "rmsprop":
        _stepped("alpha", "Smoothing α")
    if optimizer == "adam":
        _stepped("beta1", "β₁")
        _stepped("beta2", "β₂")
    if optimizer in ("rmsprop", "adam", "adagrad"):
        _stepped("eps", "ε (default: the optimizer's own)", fmt=state.format_number,
                 words_first=True)
    _stepped("lr", "Learning rate", help="Log scale. Changing it keeps the trained weights.")
    _select("schedule", "Learning-rate schedule", SCHEDULES)
    schedule = ss[PREFIX + "schedule"]
    if schedule in ("inverse_time", "step", "exponential"):
        _stepped("decay", "Decay rate")
    if schedule in ("step", "cosine"):
        _number("interval", "Interval (epochs)", min_value=1,
                max_value=SCHEMA["interval"].kind.hi, step=10)
    _stepped("batch", "Batch size")
    if not hidden("reg"):
        st.segmented_control("Regularization", tuple(REGULARIZERS), required=True,
                             format_func=lambda name: REGULARIZERS[name].title,
                             key=PREFIX + "reg", persist_state="session")
    if ss[PREFIX + "reg"] != "none":
        _stepped("reg_rate", "Regularization rate")
    _stepped("dropout", "Dropout")
    _stepped("speed", "Epochs per frame")
    _number("stop_epochs", "Stop after epochs (0: never)", min_value=0,
            max_value=SCHEMA["stop_epochs"].kind.hi, step=100)
    _number("goal", "Stop at test loss (0: never)", min_value=0.0,
            max_value=SCHEMA["goal"].kind.hi, step=0.01, format="%.4f")


def view_toggles():
    """Show test data, discretize the output, log-scale loss axis, draw on the map."""
    _ensure_state()
    for key, label in (("show_test", "Show test data"), ("discretize", "Discretize output"),
                       ("log_scale", "Log-scale loss"), ("draw", "Draw points on the map")):
        if not hidden(key):
            st.toggle(label, key=PREFIX + key, persist_state="session")


# ---- what a change does -------------------------------------------------------------
FIELD_TITLES = {"dataset": "Dataset", "n": "Number of points", "noise": "Noise",
                "train_frac": "Training share", "seed": "Seed", "features": "Input features",
                "hidden": "Architecture", "activations": "Activation", "init": "Initializer",
                "loss": "Loss", "optimizer": "Optimizer", "lr": "Learning rate",
                "momentum": "Momentum", "alpha": "Smoothing α", "beta1": "β₁", "beta2": "β₂",
                "eps": "ε", "schedule": "Schedule", "decay": "Decay rate",
                "interval": "Interval", "batch": "Batch size", "reg": "Regularization",
                "reg_rate": "Regularization rate", "dropout": "Dropout"}
DATA_FIELDS = {"dataset", "n", "noise", "train_frac", "seed"}


def _and(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def change_notice(old_config, new_config):
    """One sentence saying what going from `old_config` to `new_config` does to the
    network (kept or rebuilt weights), or None when nothing changed."""
    if old_config is None or new_config is None:
        return None
    changed = changed_fields(old_config, new_config)
    if "hidden" in changed:
        changed.discard("activations")     # a new layer brings its activation along
    if not changed:
        return None
    what = _and([title for field, title in FIELD_TITLES.items() if field in changed])
    what = what[0] + what[1:].lower() if " and " in what else what
    if needs_rebuild(old_config, new_config):
        data = "new data were drawn and " if changed & DATA_FIELDS else ""
        return f"{what} changed: {data}the network was rebuilt with new weights."
    fresh = "; the optimizer's running averages start afresh" if changed & OPTIMIZER_FIELDS else ""
    return f"{what} changed: training continues with the same weights{fresh}."
