"""The Playground's run: Play/Pause, Step, Reset, stop conditions, and the live fragment.

The fragment is the only part that reruns while training: the browser's live view asks
for more frames ("more" trigger), the fragment trains `speed` epochs per frame for a
few frames, and sends their snapshots in one payload. Buttons live inside the fragment
so that pressing them reruns only the fragment, and their labels follow the run's state.
"""
import time

import streamlit as st

from ui import edit, keys, live, session, share, state, timeline
from ui.data import panels as data_panels
from ui.runtime import guarded

FRAMES_PER_BATCH = 4        # frames trained on Play, before the browser asks
MAX_FRAMES_PER_BATCH = 48   # the most the browser may ask for (three round trips' need)
# Training time per frame at speed "max": the server is the limit there, each frame also
# costs ~1-3 ms (snapshot, packing, its share of the run), so 40 ms gives ~23 frames/s
# with ~93 % of the time training (30 ms: ~30 frames/s, ~90 %, fewer epochs/s).
MAX_FRAME_SECONDS = 0.04
MAX_BATCH_SECONDS = 0.25    # a fragment run trains at most this long, whatever the speed
GRID = 100


def running():
    return bool(st.session_state.get(keys.RUNNING))


def _set_running(on, reason=None):
    st.session_state[keys.RUNNING] = on
    st.session_state[keys.STOPPED] = reason


def toggle_play():
    trainer = session.get_trainer()
    if trainer.diverged:
        _set_running(False, trainer.message)
        return
    _set_running(not running())


def step_epoch():
    _set_running(False)
    session.get_trainer().run_epochs(1)


def step_batch():
    _set_running(False)
    session.get_trainer().step()


def reset():
    _set_running(False)
    session.get_trainer().reset()


def stop_reason(trainer, values):
    """Why the run must pause now (a sentence), or None to go on."""
    if trainer.diverged:
        return trainer.message
    limit = values["stop_epochs"]
    if limit and trainer.epoch >= limit:
        return f"Stopped after {trainer.epoch} epochs, as set in “Stop after”."
    goal = values["goal"]
    test_loss = trainer.history.last["test_loss"]
    if goal and test_loss <= goal:
        return (f"Goal reached at epoch {trainer.epoch}: test loss {test_loss:.4f} ≤ "
                f"{goal:g}.")
    return None


def train_frames(trainer, values, wanted):
    """Train up to `wanted` frames at the chosen speed: (frames, the last snapshot). Each
    snapshot becomes its frame at once: one of 8 x 32 neurons is 10 MB, its frame 0.3 MB."""
    speed = values["speed"]
    frames, snap = [], None
    started = time.perf_counter()
    while len(frames) < wanted:
        if speed == "max":
            frame_end = time.perf_counter() + MAX_FRAME_SECONDS
            while time.perf_counter() < frame_end and not trainer.diverged:
                trainer.run_epochs(1)
        else:
            trainer.run_epochs(int(speed))
        snap = None  # the previous snapshot goes before the next one is made
        snap = trainer.snapshot(GRID)
        frames.append(live.frame_from_snapshot(snap))
        reason = stop_reason(trainer, values)
        if reason:
            _set_running(False, reason)
            break
        if time.perf_counter() - started > MAX_BATCH_SECONDS:
            break
    return frames, snap


def buttons(hide):
    """Play/Pause, Step (one epoch), Step one batch, Reset; each hideable by a link (`hide`:
    the `hide` setting). One row of content-wide buttons (whole labels at 1024 pixels), then
    the status (returned)."""
    on = running()
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if "play" not in hide:
            st.button("Pause" if on else "Play", key="pg_play", on_click=toggle_play,
                      type="primary", icon=":material/pause:" if on else ":material/play_arrow:",
                      help="Train continuously; the views follow every epoch", width=120)
        if "step" not in hide:
            st.button("Step", key="pg_step", on_click=step_epoch, help="Train one epoch",
                      icon=":material/skip_next:", width="content")
            st.button("Step one batch", key="pg_step_batch", on_click=step_batch,
                      help="One mini-batch update", width="content")
        if "reset" not in hide:
            st.button("Reset", key="pg_reset", on_click=reset, icon=":material/replay:",
                      help="Same seed: the same data and initial weights", width="content")
        status = st.container(width="stretch")
    return status


@st.fragment
@guarded("the live view")
def live_panel():
    """Buttons, status and the live view; reruns alone while training. The settings are
    read once per run, after the events that may change them, and handed to every part."""
    edit.handle(live.edited("live"))
    click = live.clicked("live")
    if click:
        data_panels.draw_click(click["x"], click["y"], bool(click.get("shift")),
                               bool(click.get("remove")))
    # Settings are read here, not from the full run: a click can land in a fragment-only
    # rerun (Streamlit batches it with a "more" trigger).
    values = state.current_values(st.session_state)
    session.sync_trainer(values)
    trainer = session.get_trainer()
    top = st.container()
    if running():
        reason = stop_reason(trainer, values)
        if reason:
            _set_running(False, reason)
    snap = None
    if running():
        wanted = live.requested_frames("live") or FRAMES_PER_BATCH
        frames, snap = train_frames(trainer, values, min(wanted, MAX_FRAMES_PER_BATCH))
    if not running():   # paused, or the run stopped itself in this batch: the timeline
        snaps = timeline.paused_frames(trainer, GRID, [snap or trainer.snapshot(GRID)])
        if snaps[-1] is not snap:
            frames, snap = [live.frame_from_snapshot(s) for s in snaps], snaps[-1]
    with top:
        share.challenge_banner(trainer, values)
        status = buttons(values["hide"])
        reason = st.session_state.get(keys.STOPPED)
        if trainer.diverged:
            status.error(trainer.message, icon=":material/warning:")
        elif reason and not running():
            status.info(reason, icon=":material/flag:")
        if values["draw"]:
            draw_hint(trainer)
    live.live_view(frames, meta=meta_of(trainer, snap),
                   points=trainer.points(), running=running() or timeline.replaying(),
                   settings={"showTest": values["show_test"], "discretize": values["discretize"],
                             "logScale": values["log_scale"], "draw": values["draw"],
                             **edit.settings(values["hide"])})


def meta_of(trainer, snap):
    """The live view's meta (`live.meta_from_snapshot`) for `snap`, built again only when
    what it describes changed: the network and loss (the trainer's config), the data (its
    classes and domain: the Dataset object) or the grid."""
    key = (trainer.config, snap["res"])
    memo = st.session_state.get(keys.LIVE_META)
    if memo is None or memo[0] != key or memo[1] is not trainer.dataset:
        memo = (key, trainer.dataset, live.meta_from_snapshot(snap))
        st.session_state[keys.LIVE_META] = memo
    return memo[2]


def draw_class_picker():
    """Which class (or regression target) a click on the map adds."""
    data = st.session_state.get(keys.CANVAS) or session.get_trainer().dataset
    if data.task == "regression":
        options, label = (1.0, -1.0), "Target of a drawn point"
    else:
        options, label = tuple(range(data.n_classes)), "Class of a drawn point"
    if st.session_state.get(keys.DRAW_CLASS) not in options:
        st.session_state[keys.DRAW_CLASS] = options[0]
    st.radio(label, options, key=keys.DRAW_CLASS, horizontal=True,
             format_func=lambda k: f"{k:+g}" if data.task == "regression"
             else str(data.classes[k]))


def draw_hint(trainer):
    """Drawing mode: the class a click adds and how many points there are now."""
    canvas = st.session_state.get(keys.CANVAS) or trainer.dataset
    classes = canvas.classes if canvas.task != "regression" else ("+1", "−1")
    chosen = st.session_state.get(keys.DRAW_CLASS, 0)
    other = classes[(int(chosen) + 1) % len(classes)] if canvas.task != "regression" else "−1"
    st.caption(f"Drawing: **{len(canvas.X)} points**. Click the output map to add "
               f"class {classes[int(chosen) if canvas.task != 'regression' else 0]}, "
               f"shift-click for {other}, alt-click to remove the nearest point; "
               "training goes on with the same network.")
