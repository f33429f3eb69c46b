"""The "Your data" page's panels: upload a CSV, draw points, take the run with you.

Every change to the session's run happens in a widget callback (before the page runs), so
the settings widgets can be updated, and a bad file never replaces the data in use.
Drawing: `draw_click(x, y, shift, remove)` is what a click on the output map calls.
"""
import numpy as np
import streamlit as st

from dnn_core.config import TASK_LOSSES
from dnn_core.data import TASKS
from dnn_core.datasets import DATASETS
from ui import keys, session, state
from ui.data import drawn, export, upload
from ui import timeline

ss = st.session_state
REMOVE_RADIUS = 0.5            # input-plane units


def use_data(dataset, keep_weights=False):
    """Train on `dataset` (None: the toy datasets); a loss that does not fit its task
    becomes auto. `keep_weights`: go on with the same network when it fits the data."""
    task = state.task_of(state.current_values(ss)) if dataset is None else dataset.task
    if ss.get(state.PREFIX + "loss", "auto") not in ("auto", *TASK_LOSSES[task]):
        ss[state.PREFIX + "loss"] = "auto"
    session.set_custom_data(dataset, keep_weights=keep_weights)


def _title(data):
    kind = {"toy": "the toy dataset", "upload": "your uploaded file", "drawn": "your drawing"}
    name = DATASETS[data.name].title if data.source == "toy" else data.name
    return f"{kind[data.source]} **{name}**"


def data_summary():
    """One line: which data the run uses."""
    data = session.get_trainer().dataset
    return f"In use: {_title(data)}, {upload.describe(data)}"


# ---- upload -------------------------------------------------------------------------
def _read(file, task):
    """read_csv once per file and task: (dataset, notes) or the error message."""
    key = (file.file_id, task)
    if ss.get(keys.UPLOAD_PARSED, (None,))[0] != key:
        try:
            result = upload.read_csv(file.getvalue(), task, name=file.name)
        except ValueError as exc:
            result = str(exc)
        ss[keys.UPLOAD_PARSED] = (key, result)
    return ss[keys.UPLOAD_PARSED][1]


def upload_panel():
    file = st.file_uploader("CSV file: x1, x2, label", key="upload_file",
                            help="A header line is optional; commas or semicolons; at most "
                                 f"{upload.MAX_BYTES // 2**20} MB and 100,000 rows.")
    st.caption("Row numbers in messages are the file's line numbers.")
    if file is None:
        return
    task = st.selectbox("Problem type", ("auto", *TASKS), key="upload_task",
                        format_func=lambda t: "inferred from the labels" if t == "auto" else t)
    result = _read(file, None if task == "auto" else task)
    if isinstance(result, str):
        st.error(f"Could not use {file.name}: {result}. The previous data stays in use.")
        return
    dataset, notes = result
    st.caption(" ".join(notes))
    st.plotly_chart(upload.preview_figure(dataset), key="upload_preview")
    table, n_train = upload.training_statistics(dataset, session.current_config())
    st.markdown(f"Standardized with the training part's statistics ({n_train:,} rows): "
                "x' = (x − mean) / std")
    st.dataframe(table, hide_index=True, key="upload_stats")
    st.button("Use this data", key="upload_use", type="primary", on_click=use_data,
              args=(dataset,))


# ---- drawing ------------------------------------------------------------------------
def _canvas():
    """The drawing clicks add to: the pending canvas, else the data in use."""
    return ss.get(keys.CANVAS) or session.get_trainer().dataset


def apply_drawing(dataset):
    """Train on the drawing when it can be learned from, else keep it as the canvas."""
    if drawn.not_trainable_reason(dataset):
        ss[keys.CANVAS] = dataset
    else:
        ss[keys.CANVAS] = None
        use_data(dataset, keep_weights=True)


def draw_click(x, y, shift=False, remove=False):
    """A click on the map: add a point of the chosen class (shift: the other class), or
    remove the nearest point."""
    canvas = _canvas()
    if remove:
        apply_drawing(drawn.remove_nearest(canvas, x, y, REMOVE_RADIUS))
        return
    label = drawn.click_label(canvas, ss.get(keys.DRAW_CLASS, 0), shift)
    apply_drawing(drawn.add_point(canvas, x, y, label))


def _add_typed_point(remove=False):
    draw_click(ss["draw_x"], ss["draw_y"], remove=remove)


def _clear_drawing():
    task = session.get_trainer().dataset.task
    ss[keys.CANVAS] = drawn.empty_canvas("regression" if task == "regression" else "binary")


def draw_panel():
    canvas = _canvas()
    if canvas.task == "regression":
        options, label = (1.0, -1.0), "Target of a new point"
    else:
        options, label = tuple(range(canvas.n_classes)), "Class of a new point"
    if ss.get(keys.DRAW_CLASS) not in options:
        ss[keys.DRAW_CLASS] = options[0]
    st.radio(label, options, key=keys.DRAW_CLASS, horizontal=True,
             format_func=lambda k: str(k) if canvas.task == "regression"
             else str(canvas.classes[k]))
    st.caption("On the Playground, click the output map to add a point of this class "
               "(shift-click: the other class); training keeps running.")
    counts = "" if canvas.task == "regression" else " (" + ", ".join(
        f"{int(np.sum(canvas.y == k))} of class {c}" for k, c in enumerate(canvas.classes)) + ")"
    where = "a new drawing" if ss.get(keys.CANVAS) else _title(canvas)
    st.markdown(f"**Points go to** {where}: {len(canvas.X)} points{counts}")
    reason = drawn.not_trainable_reason(canvas) if ss.get(keys.CANVAS) else None
    if reason:
        st.info(reason + " The previous data trains until then.")
    left, right, third, fourth = st.columns(4, vertical_alignment="bottom")
    left.number_input("x₁", value=0.0, step=0.5, key="draw_x")
    right.number_input("x₂", value=0.0, step=0.5, key="draw_y")
    third.button("Add point", key="draw_add", on_click=_add_typed_point)
    fourth.button("Remove nearest", key="draw_remove", on_click=_add_typed_point,
                  args=(True,))
    st.button("Clear: start an empty drawing", key="draw_clear", on_click=_clear_drawing)


# ---- take it with you ---------------------------------------------------------------
def _load_model_file():
    """Callback of the model uploader: the loaded run replaces the session's, settings
    included; a bad file leaves everything as it was."""
    file = ss.get("model_file")
    if file is None:
        return
    try:
        trainer = export.load_model(file.getvalue())
        values = export.session_values(trainer.config, state.current_values(ss), trainer.task)
    except ValueError as exc:
        ss[keys.MODEL_MESSAGE] = ("error", f"Could not load {file.name}: {exc}. "
                                        "The current run stays.")
        return
    for key, value in values.items():
        ss[state.PREFIX + key] = value
    session.set_custom_data(trainer.data)
    session.replace_trainer(trainer)
    ss[keys.MODEL_MESSAGE] = ("success", f"Loaded {file.name}: epoch {trainer.epoch}.")


def take_away_panel():
    trainer = session.get_trainer()
    st.download_button("Download the trained model", lambda: export.model_bytes(trainer),
                       file_name=export.MODEL_FILE, mime="application/octet-stream",
                       key="model_download", on_click="ignore",
                       help=f"Weights, settings, optimizer state and history at epoch "
                            f"{trainer.epoch}; load it back below.")
    st.file_uploader("Load a model file", key="model_file", on_change=_load_model_file)
    kind, message = ss.pop(keys.MODEL_MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(message)
    st.download_button("Download a Python script of this run",
                       lambda: export.standalone_script(trainer.config, trainer.epoch,
                                                        trainer.data),
                       file_name=export.SCRIPT_FILE, mime="text/x-python",
                       key="script_download", on_click="ignore",
                       help=f"Plain NumPy, nothing else to install: rebuilds the same "
                            f"data and weights, trains {trainer.epoch} epochs and prints "
                            "the losses the app shows, digit for digit.")
    if trainer.data is not None:
        st.download_button("Download your data (CSV)",
                           lambda: export.data_csv(trainer.data), file_name=export.DATA_FILE,
                           mime="text/csv", key="data_download", on_click="ignore")
    st.download_button("Download the training history (CSV)",
                       lambda: export.history_csv(trainer), file_name=export.HISTORY_FILE,
                       mime="text/csv", key="history_download", on_click="ignore")
    timeline.download_buttons(trainer, key="data")
    st.caption("Each chart downloads as PNG from the camera button in its toolbar.")
