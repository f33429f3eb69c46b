"""The Compare page's live view: every lane in one payload per batch, drawn by the
Playground's player with the "lanes" view (assets/live/views/lanes.js).

A frame is the race after one lockstep advance: per lane its epoch, losses, metrics and
its output map on the grid (quantized as the Playground's). The lanes' history rows travel
as the player's history (revealed frame by frame, never lost with a dropped frame): one
row per epoch any lane stored, columns "<lane>:train" (data loss), "<lane>:test",
"<lane>:train_metric", "<lane>:test_metric" and "<lane>:g<layer>" (gradient norms), NaN
where a lane has no row (it diverged, or stored other epochs). Meta: the lanes' titles,
colours and layer counts, the data's domain and classes; points: the shared data. Every
number is the engine's.
"""
import hashlib
import json
import time

import numpy as np
import streamlit as st

from ui import keys, live
from ui.compare import lanes as lanes_
from ui.compare import run
from ui.runtime import guarded

GRID = 64
KEY = "compare_live"
SENT = keys.LIVE_SENT + KEY
FRAMES_PER_BATCH, MAX_FRAMES_PER_BATCH = 4, 32
MAX_BATCH_SECONDS = 0.25
SPEEDS = (1, 2, 5, 10, 20, 50, 100)


def columns(race):
    """The history columns of the race, in order (see the module docstring)."""
    cols = ["epoch"]
    for i, lane in enumerate(race.lanes):
        cols += [f"{i}:train", f"{i}:test", f"{i}:train_metric", f"{i}:test_metric"]
        cols += [f"{i}:g{layer}" for layer in range(lane.trainer.history.n_layers)]
    return cols


def race_history(race, after=None):
    """The lanes' history rows merged on epoch: rows after epoch `after` that every lane
    stored (None: every row, each lane's latest included). Returns (rows, strides)."""
    hists = [lane.trainer.history.arrays() for lane in race.lanes]
    cut = [slice(None) if after is None else slice(h["stored"]) for h in hists]
    epochs = np.unique(np.concatenate([h["epoch"][c] for h, c in zip(hists, cut)]))
    if after is not None:
        epochs = epochs[epochs > after]
    rows = {"epoch": epochs.astype(np.float64)}
    for i, (h, c) in enumerate(zip(hists, cut)):
        own = h["epoch"][c]
        at = np.searchsorted(own, epochs)
        hit = (at < len(own)) & (own[np.minimum(at, len(own) - 1)] == epochs)
        src = {"train": h["train_loss"] - h["train_penalty"], "test": h["test_loss"],
               "train_metric": h["train_metric"], "test_metric": h["test_metric"],
               **{f"g{layer}": g for layer, g in enumerate(h["grad_norm"].T)}}
        for name, col in src.items():
            out = np.full(len(epochs), np.nan)
            out[hit] = col[c][at[hit]]
            rows[f"{i}:{name}"] = out
    return rows, tuple(h["stride"] for h in hists)


def lane_frame(lane, task):
    """One lane's part of a frame."""
    t = lane.trainer
    last = t.history.last
    return {"epoch": t.epoch, "diverged": bool(t.diverged), "message": t.message,
            "loss": {"train_data": last["train_loss"] - last["train_penalty"],
                     "test": last["test_loss"]},
            "metric": {"train": last["train_metric"], "test": last["test_metric"]},
            "best": {"epoch": int(t.history.best_epoch),
                     "testLoss": float(t.history.best_test_loss)},
            "output": live.quantize_output(lane.output_map(GRID), task)}


def frame(race):
    """The whole race as one frame."""
    task = race.lanes[0].trainer.task
    return {"epoch": race.epoch, "step": sum(lane.trainer.steps for lane in race.lanes),
            "diverged": race.finished, "best": None,
            "message": "Every lane diverged: press Reset." if race.finished else None,
            "lanes": [lane_frame(lane, task) for lane in race.lanes]}


def meta(race, titles):
    t = race.lanes[0].trainer
    info = {
        "task": t.task, "nClasses": int(t.dataset.n_classes),
        "classes": [c.item() if hasattr(c, "item") else c for c in t.dataset.classes],
        "domain": [float(d) for d in t.evaluator.domain], "res": GRID,
        "colors": live.COLORS, "quant": list(live.QUANT), "views": [["lanes", "Lanes"]],
        "historyColumns": columns(race), "layerSizes": [1], "noNumbers": True,
        "metricName": "r2" if t.task == "regression" else "accuracy",
        "lanes": [{"title": title, "color": color, "layers": lane.trainer.history.n_layers}
                  for lane, title, color in zip(race.lanes, titles, lanes_.COLORS)],
    }
    text = json.dumps(info, sort_keys=True, default=str).encode()
    return {"version": hashlib.blake2b(text + str(id(race)).encode(), digest_size=6).hexdigest(),
            **info}


def train_frames(race, speed, wanted):
    """Advance every lane `speed` epochs per frame for up to `wanted` frames."""
    frames, started = [], time.perf_counter()
    while len(frames) < wanted and not race.finished:
        race.run_epochs(speed)
        frames.append(frame(race))
        if time.perf_counter() - started > MAX_BATCH_SECONDS:
            break
    return frames


def send(race, frames, titles, running):
    """Pack and mount: meta and points when new or asked for, the history rows after
    the last epoch sent (all of them after a reset, a rebuild or a thinning)."""
    sent = st.session_state.setdefault(SENT, {"meta": None, "epoch": None, "strides": None})
    info = meta(race, titles)
    resend = bool((st.session_state.get(KEY) or {}).get("need_meta"))
    new_meta = resend or sent["meta"] != info["version"]
    after = sent["epoch"]
    if new_meta or after is None or race.epoch < after:
        after = None
    rows, strides = race_history(race, after)
    if after is not None and strides != sent["strides"]:
        after = None
        rows, strides = race_history(race)
    points = live.points_payload(race.lanes[0].trainer.points())
    payload = live.pack(frames, info if new_meta else None, points if new_meta else None,
                        meta_version=info["version"], points_version=points["version"],
                        history=rows, history_after=after, running=running,
                        answered=live.requested_frames(KEY))
    last = float(rows["epoch"][-1]) if len(rows["epoch"]) else after
    sent.update(meta=info["version"], epoch=last, strides=strides)
    live.mount(payload, key=KEY)


@st.fragment
@guarded("the comparison's live view")
def live_panel(when_paused=None):
    """Play/Pause, Step, Reset and the lanes' live view; reruns alone while training.
    `when_paused()` draws more below it while the race is paused (the results table)."""
    race = run.get_race()
    titles = [lanes_.describe(s) for s in run.specs()]
    buttons = st.columns([1.2, 1, 1, 1.6, 3], vertical_alignment="bottom")
    speed = buttons[3].select_slider("Epochs per frame", SPEEDS, key="cmp_speed")
    if run.running() and not race.finished:
        wanted = live.requested_frames(KEY) or FRAMES_PER_BATCH
        frames = train_frames(race, speed, min(wanted, MAX_FRAMES_PER_BATCH))
        if race.finished:
            run.set_running(False)
    else:
        run.set_running(False)
        frames = [frame(race)]
    on = run.running()
    buttons[0].button("Pause" if on else "Play", key="cmp_play", on_click=run.toggle_play,
                      type="primary", icon=":material/pause:" if on else ":material/play_arrow:",
                      use_container_width=True)
    buttons[1].button("Step", key="cmp_step", on_click=run.step, help="Every lane trains one epoch",
                      icon=":material/skip_next:", use_container_width=True)
    buttons[2].button("Reset", key="cmp_reset", on_click=run.reset, icon=":material/replay:",
                      help="Every lane back to epoch 0: the same data and initial weights",
                      use_container_width=True)
    for lane, title in zip(race.lanes, titles):
        if lane.trainer.diverged:
            st.warning(f"Lane {lane.index + 1} ({title}) paused: {lane.trainer.message}",
                       icon=":material/warning:")
    send(race, frames, titles, on)
    if not on and when_paused is not None:
        when_paused()
