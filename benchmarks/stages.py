"""Where a live frame's server CPU goes: the fragment's stages, timed inside the server.

    DNN_STAGES_FILE=/tmp/stages.json python benchmarks/stages.py run app.py --server.port 8600

runs `streamlit` (same arguments, the app in the current folder) with each stage in `STAGES` wrapped by a timer of the
calling thread's CPU time (`time.thread_time`: waiting for the GIL, the network or a lock
is not counted). Stages nest; each figure is exclusive (a stage's time minus the stages it
called), so they add up to the script thread's CPU. "script run" is what is left of
Streamlit's script run around them (the fragment machinery, element protos, session state,
the app's code outside the stages); Python's garbage collections are a stage of their own,
and the main thread's CPU (the event loop) is given too. Sending SIGUSR1 to the server writes the totals so far
to $DNN_STAGES_FILE as JSON {stage: [CPU seconds, calls]}; benchmarks/loadgen.py
(`--stages`) reads them at both ends of its measured window, and the rest of the process's
CPU (the event loop: WebSocket frames, protobuf serialization) is what it reports beside.
A stage whose attribute is missing (renamed code) is skipped. With $DNN_STAGES_PROFILE set,
every script run also runs under cProfile (thread CPU clock; slower, for the call tree) and
SIGUSR2 writes the statistics there.
"""
import functools
import importlib
import json
import os
import signal
import sys
import threading
import time
from collections import defaultdict

SCRIPT_RUN = "script run"
STAGES = {   # name -> "module:attribute path", the attribute as its caller looks it up
    SCRIPT_RUN: "streamlit.runtime.scriptrunner.script_runner:ScriptRunner._run_script",
    "train": "dnn_core.trainer:Trainer.run_epochs",
    "snapshot": "dnn_core.trainer:Trainer.snapshot",
    "frame": "ui.live:frame_from_snapshot",
    "meta": "ui.live:meta_from_snapshot",
    "points": "dnn_core.trainer:Trainer.points",
    "points payload": "ui.live.component:points_payload",
    "history rows": "ui.live.component:history_rows",
    "pack": "ui.live.component:pack",
    "component call": "ui.live.component:mount",
    "live view (rest)": "ui.live:live_view",
    "sync trainer": "ui.session:sync_trainer",
    "settings read": "ui.state:current_values",
    "challenge banner": "ui.share:challenge_banner",
    "buttons": "ui.playground:buttons",
    "timeline": "ui.timeline:paused_frames",
    "edit settings": "ui.edit:settings",
}

_totals = defaultdict(lambda: [0.0, 0])
_lock = threading.Lock()
_local = threading.local()


def timed(name, fn):
    """`fn` wrapped: its exclusive CPU time and calls are added to stage `name`."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        stack = _local.__dict__.setdefault("stack", [])
        stack.append(0.0)               # CPU of the stages it calls
        start = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.thread_time() - start
            nested = stack.pop()
            if stack:
                stack[-1] += spent
            with _lock:
                total = _totals[name]
                total[0] += spent - nested
                total[1] += 1
    return run


def profiled(fn, path):
    """`fn` (the script run) under cProfile with the thread's CPU clock; SIGUSR2 writes the
    runs' statistics so far to `path` (pstats format, e.g. `python -m pstats path`)."""
    import cProfile
    import pstats

    runs = []

    @functools.wraps(fn)
    def run(*args, **kwargs):
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        try:
            return fn(*args, **kwargs)
        finally:
            profile.disable()
            with _lock:
                runs.append(profile)

    def dump(*_):
        with _lock:
            done = list(runs)
        if done:
            pstats.Stats(*done).dump_stats(path)
    signal.signal(signal.SIGUSR2, dump)
    return run


def install(stages=STAGES):
    """Wrap every stage found; returns the names wrapped."""
    done = []
    for name, where in stages.items():
        module_name, path = where.split(":")
        try:
            owner = importlib.import_module(module_name)
            *parents, attr = path.split(".")
            for part in parents:
                owner = getattr(owner, part)
            setattr(owner, attr, timed(name, getattr(owner, attr)))
        except (ImportError, AttributeError):
            continue
        done.append(name)
    return done


GC = "garbage collection"
MAIN_THREAD = "event loop (main thread)"


def _gc_callback(phase, _info):
    """Python's automatic collections, timed as a stage of their own in whichever thread
    (and stage) allocated the object that started them."""
    if phase == "start":
        _local.gc_start = time.thread_time()
        return
    spent = time.thread_time() - getattr(_local, "gc_start", time.thread_time())
    stack = getattr(_local, "stack", None)
    if stack:
        stack[-1] += spent
    with _lock:
        _totals[GC][0] += spent
        _totals[GC][1] += 1


def _thread_cpu(native_id):
    """User + system CPU seconds of one thread of this process (Linux /proc)."""
    fields = open(f"/proc/self/task/{native_id}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def totals():
    """{stage: [CPU seconds, calls]}, the main thread's CPU (the event loop: WebSocket
    frames, protobuf serialization of outgoing messages) as MAIN_THREAD."""
    with _lock:
        out = {name: list(total) for name, total in _totals.items()}
    out[MAIN_THREAD] = [_thread_cpu(threading.main_thread().native_id), 0]
    return out


def _write(*_):
    path = os.environ["DNN_STAGES_FILE"]
    with open(path + ".tmp", "w") as out:
        json.dump(totals(), out)
    os.replace(path + ".tmp", path)


def main():
    import logging

    sys.path.insert(0, os.getcwd())     # the app's folder, as `python -m streamlit` has it
    logging.disable(logging.WARNING)    # the live view's module warns outside a script run
    install()
    logging.disable(logging.NOTSET)
    if os.environ.get("DNN_STAGES_PROFILE"):
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        ScriptRunner._run_script = profiled(ScriptRunner._run_script,
                                            os.environ["DNN_STAGES_PROFILE"])
    import gc

    gc.callbacks.append(_gc_callback)
    signal.signal(signal.SIGUSR1, _write)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
