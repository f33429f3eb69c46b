"""The settings widgets, bound to the schema's session keys (`cfg_<key>`, see ui.state).

The page calls each group where it wants it (inside `with st.sidebar:` or a column); a
group draws nothing for a control named in the `hide` setting, whose value still applies.
Every widget's label and one-line help come from its schema row (ui.state). Widgets
change settings only through session state and `on_change` callbacks; the
`cfg_<key>` widgets use `persist_state="session"`, so a value survives while its widget is
not drawn (another page, a hidden optimizer setting, a `hide` link). `hidden(name)` says
whether a link hides control `name` (the diagram's edits ask it too, ui/edit.py). The
network's shape changes through ui/shape.py, shared with the diagram.

Widget keys (stable; tests and pages rely on them):
- data_controls: buttons `dataset_<name>` (one per dataset under its thumbnail; they set
  `cfg_dataset`), sliders
  `cfg_noise`, `cfg_n`, `cfg_train`, number input `cfg_seed`, button `data_regenerate`.
- feature_controls: pills (multi) `cfg_features`.
- network_controls: buttons `layers_minus`, `layers_plus` (0-8 hidden layers),
  `neurons_<i>_minus`, `neurons_<i>_plus` (1-32 neurons in layer i = 0, 1, ...),
  selectboxes `activation_<i>`, button `activation_same_for_all`, selectbox `cfg_init`.
- output_controls: radio `cfg_loss` (binary tasks only; other tasks show their pair).
- training_controls: selectbox `cfg_optimizer`, then one widget `cfg_<setting>` per
  setting the chosen optimizer class declares (momentum: `cfg_momentum`; adam: `cfg_beta1`,
  `cfg_beta2`, `cfg_eps`; ...), select slider `cfg_lr`; selectbox `cfg_schedule` and one
  widget per setting of the chosen schedule (`cfg_decay`, number input `cfg_interval`); select
  sliders `cfg_batch`, segmented control `cfg_reg`, select sliders `cfg_reg_rate` (when
  reg is not none), `cfg_dropout`, `cfg_speed`; number inputs `cfg_stop_epochs`, `cfg_goal`.
- view_toggles: toggles `cfg_show_test`, `cfg_discretize`, `cfg_log_scale`, `cfg_draw`.
"""
import numpy as np
import streamlit as st

from dnn_core.activations import ACTIVATIONS
from dnn_core.datasets import DATASETS
from dnn_core.features import FEATURES
from dnn_core.init import INITIALIZERS
from dnn_core.optimizers import OPTIMIZERS
from dnn_core.regularization import REGULARIZERS
from dnn_core.schedules import SCHEDULES
from ui import a11y, keys, shape, state
from ui.kinds import format_number
from ui.settings import MAX_LAYERS, MAX_NEURONS
from ui.state import PREFIX, SCHEMA
from ui.thumbnails import dataset_thumbnail, framed

SHORT_TITLES = {"circle": "Circle", "xor": "XOR", "gauss": "Gauss", "spiral": "Spiral",
                "plane": "Plane", "multigauss": "Bumps", "moons": "Moons", "flower": "Flower",
                "blobs3": "Blobs", "spiral3": "Arms", "penguins": "Penguins", "iris": "Iris"}
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


def _widget(key):
    """The keyword arguments every setting's widget shares: its row's label and help."""
    row = SCHEMA[key]
    return {"label": row.label, "help": row.help, "key": PREFIX + key,
            "persist_state": "session"}


def _stepped(key, fmt=_number_text, **kw):
    """A select slider over the setting's steps plus its current value (from a URL);
    its word ("all", "max") at the end, or "default" first."""
    if hidden(key):
        return
    kind, value = SCHEMA[key].kind, ss[PREFIX + key]
    steps = getattr(kind, "steps", None) or kind.options
    numbers = sorted({s for s in (*steps, value) if not isinstance(s, str)})
    words = [s for s in (*steps, getattr(kind, "word", None)) if isinstance(s, str)]
    options = words + numbers if "default" in words else numbers + words
    st.select_slider(options=list(dict.fromkeys(options)), format_func=fmt, **_widget(key),
                     **kw)


def _select(key, registry, **kw):
    if not hidden(key):
        st.selectbox(options=tuple(registry), format_func=lambda name: registry[name].title,
                     **{**_widget(key), **kw})


def _slider(key, step, **kw):
    if not hidden(key):
        kind = SCHEMA[key].kind
        st.slider(min_value=kind.lo, max_value=kind.hi, step=step, **_widget(key), **kw)


def _number(key, step, **kw):
    if not hidden(key):
        kind = SCHEMA[key].kind
        st.number_input(min_value=kind.lo, max_value=kind.hi, step=step, **_widget(key), **kw)


def _hyper_control(hyper):
    """An optimizer's or schedule's own setting: a number box for whole numbers without
    steps (interval), else a select slider over its steps."""
    if hyper.steps:
        _stepped(hyper.name, fmt=format_number)
    else:
        _number(hyper.name, step=10 if hyper.integer else 0.01)


# ---- data ---------------------------------------------------------------------------
def _pick_dataset(name):
    """Choose dataset `name`; a real dataset also brings the network it suggests."""
    ss[PREFIX + "dataset"] = name
    rows = {row.field: row for row in SCHEMA.values() if row.field}
    for field, value in DATASETS[name].suggested.items():
        ss[PREFIX + rows[field].key] = rows[field].from_field(value)
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
    a11y.fix_labels("a11y_data")
    if not hidden("dataset"):
        current = ss[PREFIX + "dataset"]
        st.markdown(f"**{SCHEMA['dataset'].title}**", help=SCHEMA["dataset"].help)
        with st.container(horizontal=True, gap="xsmall"):
            for name, info in DATASETS.items():
                title = SHORT_TITLES.get(name, name)
                with st.container(width=52, gap=None, horizontal_alignment="center"):
                    picture = dataset_thumbnail(name, 44)
                    chosen = " (chosen)" if name == current else ""
                    st.image(framed(picture) if chosen else picture, width=44,
                             alt=f"{info.title} dataset{chosen}: {info.description}")
                    st.button(f":blue[**{title}**]" if chosen else title,
                              key=f"dataset_{name}", help=f"{info.title}: {info.description}",
                              type="tertiary", on_click=_pick_dataset, args=(name,))
        info = DATASETS[current]
        if info.kind == "real":
            st.caption(f"{info.title}: {info.description} Data: {info.source}. "
                       f"Licence: {info.licence}. Points: a random draw of its rows; noise "
                       "jitters them.")
    _slider("noise", 5)
    _slider("n", 50)
    _slider("train", 10)
    if not hidden("seed"):
        left, right = st.columns(2, vertical_alignment="bottom")
        with left:
            _number("seed", step=1)
        right.button("Regenerate", key="data_regenerate", on_click=_regenerate,
                     help="Draw new data with a new seed (the network starts again)",
                     width="stretch")


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
    st.pills(options=tuple(FEATURES), selection_mode="multi",
             format_func=lambda name: FEATURES[name].title, on_change=_features_changed,
             **_widget("features"))


# ---- network ------------------------------------------------------------------------
def _plus_minus(key, on_click, args, at_min, at_max, remove, add, count=None):
    """TF Playground's - count + stepper, each button disabled at its limit. The labels
    are the sentences `remove` and `add` (what a screen reader announces), drawn as - and
    + by `STEPPER_CSS`."""
    st.button(remove, key=f"{key}_minus", on_click=on_click, args=(*args, -1),
              disabled=at_min, type="tertiary", help=remove)
    if count is not None:
        st.markdown(f"**{count}**", width="content")
    st.button(add, key=f"{key}_plus", on_click=on_click, args=(*args, 1), disabled=at_max,
              type="tertiary", help=add)


# The stepper buttons' text stays in the page for screen readers; eyes see - and +. The
# activation boxes give their text the room ("Leaky ReLU" in a 100-pixel column).
STEPPER_CSS = """<style>
.st-key-layers_minus button p, .st-key-layers_plus button p,
[class*="st-key-neurons_"] button p { font-size: 0; }
.st-key-layers_minus button p::after, [class*="st-key-neurons_"][class*="_minus"] button p::after
{ content: "\\2212" / ""; font-size: 1rem; }
.st-key-layers_plus button p::after, [class*="st-key-neurons_"][class*="_plus"] button p::after
{ content: "+" / ""; font-size: 1rem; }
[class*="st-key-activation_"] input { padding-left: 0.4rem; padding-right: 0; }
[class*="st-key-activation_"] button[aria-label="Open"] { width: 1.25rem; padding: 0; }
</style>"""


LAYER_WIDTH = 100   # pixels: "L8 − 32 +" and "Leaky ReLU" whole; rows wrap as the screen needs


def network_controls():
    """Hidden layers as columns, like TF Playground's: +/- for their number and each one's
    neurons, an activation per layer with a one-click "same for all", the initializer.
    The layers wrap onto more rows on a narrow screen, so eight layers of 32 fit at 1024
    pixels and stand in one row at 1920."""
    _ensure_state()
    st.html(STEPPER_CSS)
    layers, acts = ss[PREFIX + "layers"], ss[PREFIX + "activation"]
    with st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=True):
        if not hidden("layers"):
            _plus_minus("layers", shape.add_layer, (), not layers, len(layers) >= MAX_LAYERS,
                        "Remove the last hidden layer", "Add a hidden layer")
        st.markdown(f"**{len(layers)} hidden layer{'s' * (len(layers) != 1)}**",
                    width="content", help=SCHEMA["layers"].help)
        if len(layers) > 1 and not hidden("activation"):
            st.button(f"{ACTIVATIONS[acts[0]].title} in every layer",
                      key="activation_same_for_all", on_click=shape.same_for_all,
                      help=f"Use layer 1's activation ({ACTIVATIONS[acts[0]].title}) in "
                           "every hidden layer")
        _select("init", INITIALIZERS, label_visibility="collapsed", width=220)
    if not layers:
        return
    with st.container(horizontal=True, wrap=True, gap="small"):
        for i, (width, act) in enumerate(zip(layers, acts)):
            with st.container(width=LAYER_WIDTH, gap="xsmall"):
                _layer_column(i, width, act)


def _layer_column(i, width, act):
    """Layer i's neuron stepper and activation."""
    with st.container(horizontal=True, vertical_alignment="center", gap="xxsmall",
                      wrap=False):
        st.markdown(f"L{i + 1}", width="content")
        if hidden("layers"):
            st.markdown(f"**{width}** neuron{'s' * (width != 1)}", width="content")
        else:
            _plus_minus(f"neurons_{i}", shape.add_neurons, (i,), width <= 1, width >= MAX_NEURONS,
                        f"Remove a neuron from layer {i + 1}",
                        f"Add a neuron to layer {i + 1}", count=width)
    if not hidden("activation"):
        ss[f"activation_{i}"] = act
        st.selectbox(f"Layer {i + 1} activation", tuple(ACTIVATIONS),
                     format_func=lambda name: ACTIVATIONS[name].title,
                     key=f"activation_{i}", on_change=shape.set_activation, args=(i,),
                     label_visibility="collapsed", help=SCHEMA["activation"].help)


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
    st.radio(options=tuple(choices), format_func=choices.get, **_widget("loss"))


# ---- training -----------------------------------------------------------------------
def training_controls():
    """Optimizer with its own settings (from its class), learning rate, schedule with its
    own settings, batch size, regularization, dropout, speed and the two stopping rules."""
    _ensure_state()
    _select("optimizer", OPTIMIZERS)
    for hyper in OPTIMIZERS[ss[PREFIX + "optimizer"]].SETTINGS:
        _hyper_control(hyper)
    _stepped("lr")
    _select("schedule", SCHEDULES)
    for hyper in SCHEDULES[ss[PREFIX + "schedule"]].SETTINGS:
        _hyper_control(hyper)
    _stepped("batch")
    if not hidden("reg"):
        st.segmented_control(options=tuple(REGULARIZERS), required=True,
                             format_func=lambda name: REGULARIZERS[name].title,
                             **_widget("reg"))
    if ss[PREFIX + "reg"] != "none":
        _stepped("reg_rate")
    _stepped("dropout")
    _stepped("speed")
    _number("stop_epochs", step=100)
    _number("goal", step=0.01, format="%.4f")


def view_toggles():
    """Show test data, discretize the output, log-scale loss axis, draw on the map."""
    _ensure_state()
    for key in ("show_test", "discretize", "log_scale", "draw"):
        if not hidden(key):
            st.toggle(**_widget(key))
