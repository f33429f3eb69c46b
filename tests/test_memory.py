"""ui.memory: freed heap pages go back to the system (glibc), so a closed session's memory
leaves the server's RSS."""
import subprocess
import sys
from pathlib import Path

import pytest

from ui import memory

ROOT = Path(__file__).resolve().parents[1]

# Frees 100 MB of arrays held between small ones still in use (as a finished live batch
# leaves the heap), then trims; prints RSS in MB after freeing and after trimming.
FRAGMENT = """
import numpy as np
from ui import memory
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
big, pins = [], []
for _ in range(1000):
    big.append(np.ones(12_000))      # 96 kB: under malloc's mmap threshold, on the heap
    pins.append(np.ones(300))        # still in use, between the freed arrays
del big
freed = rss()
assert memory.trim()
print(freed, rss())
"""


@pytest.mark.skipif(memory._libc() is None, reason="malloc_trim is glibc's")
def test_trim_returns_freed_heap_pages_to_the_system():
    done = subprocess.run([sys.executable, "-c", FRAGMENT], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    freed, trimmed = map(float, done.stdout.split())
    assert freed - trimmed > 60, (freed, trimmed)


@pytest.mark.skipif(memory._libc() is None, reason="malloc_trim is glibc's")
def test_keep_bounded_starts_one_trimming_thread_per_process():
    import threading
    assert memory.keep_bounded() and memory.keep_bounded()
    assert [t.name for t in threading.enumerate()].count("malloc-trim") == 1


def test_an_ended_session_is_emptied_after_the_ttl_and_forgotten(monkeypatch):
    """Streamlit keeps a closed tab's session (and its Trainer) until its TTL cache is next
    written to; once the TTL has passed, the trimming thread empties it."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from ui import keys
    monkeypatch.setattr(memory, "_watched", {})
    at = AppTest.from_file(str(ROOT / "app_pages" / "your_data.py"), default_timeout=30).run()
    assert keys.TRAINER in at.session_state
    ttl = float(config.get_option("server.disconnectedSessionTTL"))
    assert memory.release_ended_sessions() == 0                 # no server: nothing judged
    [session_id] = memory._watched

    def release(now, active=False):
        return memory.release_ended_sessions(now, is_active=lambda sid: active)

    assert release(0.0) == 0                                    # seen disconnected at 0
    assert release(ttl) == 0 and keys.TRAINER in at.session_state
    assert release(ttl + 5, active=True) == 0                  # it came back: starts again
    assert release(ttl + 6) == 0 and release(2 * ttl + 6) == 0
    assert release(2 * ttl + 7) == 1
    assert keys.TRAINER not in at.session_state and keys.SETTINGS_STARTED not in at.session_state
    assert session_id not in memory._watched and release(3 * ttl) == 0


def test_a_live_batch_holds_one_full_snapshot_at_a_time(monkeypatch):
    """A batch of 8 frames of the biggest network used to keep 8 snapshots (12 MB each,
    every neuron on the grid) until it was packed."""
    import tracemalloc

    from dnn_core import TrainConfig, Trainer
    from ui import playground
    monkeypatch.setattr(playground, "MAX_BATCH_SECONDS", 1e9)
    trainer = Trainer(TrainConfig(dataset="spiral", n=200, hidden=(32,) * 8,
                                  features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1",
                                            "sinx2")))
    values = {"speed": 1, "stop_epochs": 0, "goal": 0}
    tracemalloc.start()
    try:
        trainer.snapshot(playground.GRID)
        one = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        frames, last = playground.train_frames(trainer, values, 8)
        batch = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(frames) == 8 and last["epoch"] == frames[-1]["epoch"] == 8
    assert batch < 2 * one, (batch, one)
