"""Worker processes that train a race's lanes on every core of the machine.

    run_to(race, 15_000, progress=print)     # what Race.run_to does with many epochs to go
    warm()                                   # start the workers ahead of the first use

A task is one lane's whole state and a number of epochs: the worker rebuilds the lane's
Trainer from its config and data, puts the state back (`Lane.load`, the Trainer's
`load_state_dict`), trains, and sends the state back (`Lane.save`), pickled: the server
hands it on to the lane's next task as it is and puts it into the lane's Trainer once, at
the end (unpickling and loading it after every task took ~8 ms of the server's CPU each).
Nothing stays in a worker between tasks, so sessions share the processes and nothing else,
and the numbers are bit for bit those of training in the server's own process.
Lanes take turns on the workers, a task at a time, so with more lanes than cores (the init
preset's 3 lanes on 2 cores) every core stays busy: the race takes the time of its lanes'
epochs divided by the cores, plus about 10 ms per task for the state's trip.

The pool is one per server process, started on first use with `spawn` (a fresh
interpreter, never a fork of the threaded server), one worker per core the container lets
it use (`cores`); each worker ignores Ctrl-C, which stops the server, and ends when the
server's process ends, however it ends. A pool that breaks (a worker killed) is dropped; the
race goes on in the server's process from the states it has.
"""
import atexit
import concurrent.futures as cf
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
import time
from typing import NamedTuple

MAX_WORKERS = 4          # a race has at most 4 lanes
TASK_SECONDS = 0.3       # a task's length: the state's trip is ~3 % of it, a cancel waits it
PROGRESS_SECONDS = 1.0   # progress at most this often (each costs headless Chromium ~0.1 s)
MIN_LANE_EPOCHS = 3000   # fewer lane-epochs to go than this train in the server's process
CGROUP = "/sys/fs/cgroup"
LIMIT_FILES = (("cpu.max",),                                        # v2: "quota period"
               ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"))    # v1: one number each

_pool, _lock = None, threading.Lock()


class Where(NamedTuple):
    """Where a lane stands after a task: its epoch, seconds per epoch (None: none trained
    yet) and whether it diverged."""

    epoch: int
    per_epoch: object
    diverged: bool


def cores(cgroup=CGROUP):
    """The CPU cores this process may use: those it may run on, at most its container's CPU
    limit (cgroup v2 `cpu.max`, "<quota> <period>" or "max <period>"; v1
    `cpu/cpu.cfs_quota_us` and `cpu.cfs_period_us`, quota -1 for none): a pod limited to one
    core on a bigger node trains its lanes in the server's process."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    limit = _cpu_limit(cgroup)
    return n if limit is None else min(n, max(1, int(limit)))


def _cpu_limit(cgroup):
    """The container's CPU limit in cores (quota / period), or None for none."""
    for files in LIMIT_FILES:
        try:
            words = []
            for name in files:
                with open(os.path.join(cgroup, name)) as f:
                    words += f.read().split()
            quota, period = words[:2]
            if quota in ("max", "-1"):
                return None
            return int(quota) / int(period)
        except (OSError, ValueError):
            continue
    return None


def worth_it(lanes, lane_epochs, workers=None):
    """True when `lanes` running lanes with `lane_epochs` epochs to go in all should train
    in `workers` processes (None: one per core); False trains them in this process."""
    workers = cores() if workers is None else workers
    return workers >= 2 and lanes >= 2 and lane_epochs >= MIN_LANE_EPOCHS


def _start_worker():
    """In each worker, first: ignore Ctrl-C (the server's to handle) and end as soon as the
    server's process does, however it ended (a killed server's workers, or a test runner's
    that leaves with os._exit, would otherwise wait on their task queue for good)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel):
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _nothing():
    return None


def _pool_of(workers):
    """The server's pool (made with `workers` processes, None: one per core, on first use)."""
    global _pool
    with _lock:
        if _pool is None:
            n = max(1, min(MAX_WORKERS, cores() if workers is None else workers))
            _pool = cf.ProcessPoolExecutor(n, multiprocessing.get_context("spawn"),
                                           initializer=_start_worker)
            _pool.size = n
        return _pool


def _drop_pool(pool, wait=False):
    """Forget `pool` (if it is still the server's) and shut it down."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


@atexit.register
def _end():
    """Stop the workers while the interpreter is whole (a pool left to the interpreter's
    teardown complains on stderr)."""
    _drop_pool(_pool, wait=True)


def warm():
    """Start the workers, unless they are (a worker's interpreter takes about a second to
    start, with the server's main module imported again: Streamlit's), so the first race
    does not wait for them."""
    if _pool is None and cores() >= 2:
        pool = _pool_of(None)
        for _ in range(pool.size):
            pool.submit(_nothing)


def _train(config, data, blob, epochs):
    """In a worker: the lane pickled in `blob` (`Lane.save`) trained `epochs` more epochs.
    Returns (`Where` it stands, its state pickled again)."""
    from .race import Lane

    lane = Lane(0, config, {}, pickle.loads(data))
    lane.load(pickle.loads(blob))
    lane.run_epochs(epochs)
    return Where(lane.trainer.epoch, lane.per_epoch, lane.trainer.diverged), _pickled(lane.save())


def _pickled(value):
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def run_to(race, epoch, progress=None, workers=None):
    """Train every running lane of `race` to `epoch` in worker processes, as `Race.run_to`
    (`progress(fraction)` at most every PROGRESS_SECONDS and at the end; it may return
    True to stop). A lane's state goes from worker to worker pickled, and is put back into
    its Trainer once, at the end. On a stop, or an exception raised by `progress` (the
    app's rerun), the tasks under way finish and every lane comes to the furthest lane's
    epoch, so the lanes stay in lockstep. Returns True when the race reached `epoch`."""
    pool = _pool_of(workers)
    data = _pickled(race.data)
    lanes = {lane.index: lane for lane in race.lanes
             if not lane.trainer.diverged and lane.trainer.epoch < epoch}
    at = {i: Where(lane.trainer.epoch, lane.per_epoch, False) for i, lane in lanes.items()}
    blobs = {i: _pickled(lane.save()) for i, lane in lanes.items()}
    moved, pending = set(), {}
    total = sum(epoch - where.epoch for where in at.values()) or 1

    def submit(i):
        where = at[i]
        if where.epoch < epoch and not where.diverged:
            k = min(epoch - where.epoch, max(100, int(TASK_SECONDS / (where.per_epoch or 1e-3))))
            pending[pool.submit(_train, lanes[i].trainer.config, data, blobs[i], k)] = i

    def take(future):
        i = pending.pop(future)
        at[i], blobs[i] = future.result()
        moved.add(i)
        return i

    stopped, broken, told = False, False, time.perf_counter()
    try:
        for i in lanes:
            submit(i)
        while pending:
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                i = take(future)
                if not stopped:
                    submit(i)
            left = sum(max(0, epoch - w.epoch) for w in at.values() if not w.diverged)
            if progress is not None and not stopped and (
                    not pending or time.perf_counter() - told >= PROGRESS_SECONDS):
                told = time.perf_counter()
                stopped = progress(1.0 - left / total) is True
    except cf.process.BrokenProcessPool:
        broken = True
        _drop_pool(pool)
    finally:
        for future in list(pending):
            if not broken:
                try:
                    take(future)
                except cf.process.BrokenProcessPool:
                    broken = True
        for i in moved:
            lanes[i].load(pickle.loads(blobs[i]))
        race.level()
    if broken:   # the lanes keep the states they had: go on here
        return race.run_to(epoch, progress=progress, workers=0)
    return not stopped

