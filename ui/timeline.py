"""The Playground's timeline: scrub the recorded run, replay it, continue from a keyframe.

Shown while paused, inside the live fragment (`ui.playground.live_panel` passes its
snapshots through `paused_frames`; a run that stopped itself in this fragment run shows the
timeline at once). Every frame it returns is the engine's own: `trainer.snapshot_at(i)`
for keyframe i of `trainer.record`, or `trainer.snapshot()` at the record's end (the
live state, which may be a batch past the latest keyframe). A keyframe's snapshot carries
`timeline` = {"kind": "scrub" | "replay", "frameMs": ms between replayed frames}; the live
payload passes it on as the frame's `timeline` field: the cost view draws a cursor at that
frame's epoch, the player paces a replay by it.

Replay goes through the live view's pull: while `replaying()`, the live view is sent with
`running=True`, so the browser asks for more frames ("more" n) as it plays them, and each
fragment run answers with the next keyframes (`REPLAY_SPEEDS` keyframes a second). The
request after the last is answered paused with the last keyframe again, still marked
"replay": the player plays out the frames it holds, then shows that one.
"""
import streamlit as st

from ui import keys, live
from ui.data import animation

EPOCH = "pg_timeline_epoch"        # widget: the epoch the slider shows
LATEST = "pg_timeline_latest"      # (record epochs) when the slider was last placed
REPLAY = "pg_timeline_replay"      # {"next": keyframe index, "fps": keyframes a second}
SPEED = "pg_timeline_speed"        # widget: replay speed (keyframes a second)
NOTE = "pg_timeline_note"          # what "Continue from here" did (a sentence)
REPLAY_SPEEDS = (5, 10, 20, 30, 60)
REPLAY_BATCH = 8                   # keyframes per fragment run when the browser does not say


def replaying():
    return st.session_state.get(REPLAY) is not None


def keyframe_snapshot(trainer, i, res, kind="scrub", fps=None):
    """The engine's snapshot of keyframe i, marked for the live view's timeline."""
    snap = trainer.snapshot_at(i, res)
    snap["timeline"] = {"kind": kind, "frameMs": 1000.0 / fps if fps else None}
    return snap


def replay_frames(trainer, res, wanted):
    """The next `wanted` keyframes of the replay (none left: the replay is over)."""
    replay = st.session_state[REPLAY]
    stop = min(len(trainer.record), replay["next"] + max(1, wanted))
    snaps = [keyframe_snapshot(trainer, i, res, "replay", replay["fps"])
             for i in range(replay["next"], stop)]
    replay["next"] = stop
    return snaps


def continue_from(i):
    """Rewind the run to keyframe i, say what was dropped and kept, and press Play."""
    from ui import session

    trainer = session.get_trainer()
    epochs = trainer.record.epochs()
    epoch, later = epochs[i], epochs[i + 1:]
    restored = trainer.rewind(i)
    optimizer = trainer.config.optimizer
    kept = (f"the optimizer's state ({optimizer}) was restored, so training goes on exactly "
            "as it did" if restored else
            f"the optimizer ({optimizer}) starts afresh: this record keeps no optimizer state "
            "for a network this size" if not trainer.record.keeps_optimizer else
            f"the optimizer ({optimizer}) starts afresh: its settings changed since then")
    st.session_state[NOTE] = (
        f"Continued from epoch {epoch}: the {len(later)} later keyframes (epochs "
        f"{later[0]}–{later[-1]}) and their history were dropped; {kept}.")
    st.session_state[keys.RUNNING], st.session_state[keys.STOPPED] = True, None
    st.session_state[REPLAY] = None


def start_replay():
    st.session_state[REPLAY] = {"next": 0, "fps": st.session_state.get(SPEED, 30)}


def stop_replay():
    st.session_state[REPLAY] = None


def paused_frames(trainer, res, snaps):
    """The snapshots the live view shows: while training, `snaps` (the live panel's);
    paused, draw the timeline (when the record has two keyframes or more) and return the
    replay's next keyframes, the keyframe the slider is on, or `snaps` (the run now)."""
    if st.session_state.get(keys.RUNNING):
        return snaps
    epochs = trainer.record.epochs()
    replay = st.session_state.get(REPLAY)
    if replay is not None and replay["next"] < len(epochs):
        st.button("Stop the replay", key="pg_timeline_stop", on_click=stop_replay,
                  icon=":material/stop:")
        return replay_frames(trainer, res, live.requested_frames("live") or REPLAY_BATCH)
    stop_replay()
    note = st.session_state.get(NOTE)
    if len(epochs) < 2:
        st.session_state.pop(NOTE, None)
        return snaps
    if st.session_state.get(LATEST) != epochs or st.session_state.get(EPOCH) not in epochs:
        st.session_state[LATEST], st.session_state[EPOCH] = epochs, epochs[-1]
    epoch = st.select_slider("Recorded run", epochs, key=EPOCH,
                             format_func=lambda e: f"epoch {e}",
                             help=f"{len(epochs)} keyframes, every {trainer.record.stride} "
                                  "epochs (the first and the latest kept exactly): drag to "
                                  "see the whole run at that epoch")
    i = epochs.index(epoch)
    latest = i == len(epochs) - 1
    go_on, again, speed, take, _ = st.columns([1.9, 1.1, 1.5, 1.1, 2.4],
                                              vertical_alignment="center")
    go_on.button("Continue from here", key="pg_timeline_continue", on_click=continue_from,
                 args=(i,), disabled=latest, icon=":material/fast_rewind:",
                 help="Train on from this epoch: the later part of the record is dropped",
                 use_container_width=True)
    again.button("Watch again", key="pg_timeline_replay_start", on_click=start_replay,
                 icon=":material/movie:", help="Replay: the recorded run played back",
                 use_container_width=True)
    speed.selectbox("Replay speed", REPLAY_SPEEDS, index=REPLAY_SPEEDS.index(30), key=SPEED,
                    label_visibility="collapsed", help="Replay speed",
                    format_func=lambda f: f"{f} epochs/s" if trainer.record.stride == 1
                    else f"{f} keyframes/s")
    with take.popover("Save", icon=":material/download:", use_container_width=True):
        download_buttons(trainer)
    if note:
        st.caption(note)
    if replay is not None and len(epochs) > 1:   # the end: the browser plays out its queue
        return [keyframe_snapshot(trainer, len(epochs) - 1, res, "replay", replay["fps"])]
    if latest:
        return snaps
    st.caption(f"Showing epoch {epoch} of the recorded run (the run itself is at epoch "
               f"{trainer.epoch}).")
    return [keyframe_snapshot(trainer, i, res)]


def download_buttons(trainer, key="pg"):
    """The training as an animated GIF and the current output map as a PNG."""
    st.download_button("Training as a GIF", lambda: animation.training_gif(trainer),
                       file_name=animation.GIF_FILE, mime="image/gif", key=f"{key}_gif",
                       on_click="ignore", icon=":material/animated_images:",
                       help="The output map and the data at each recorded epoch, with the "
                            "epoch, the test loss and the cost curve")
    st.download_button("Output map as PNG", lambda: animation.output_png(trainer),
                       file_name=animation.PNG_FILE, mime="image/png", key=f"{key}_png",
                       on_click="ignore", icon=":material/image:",
                       help=f"The output over the input plane at epoch {trainer.epoch}")
