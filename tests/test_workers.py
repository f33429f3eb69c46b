"""dnn_core.workers: lanes trained in worker processes are bit for bit the lanes trained here,
stay in lockstep when stopped, and a broken pool falls back to this process."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from dnn_core import TrainConfig, workers
from dnn_core.race import Race

BASE = TrainConfig(dataset="circle", n=120, hidden=(5, 3), activations="relu", init="he",
                   optimizer="sgd", lr=0.05, batch=10**9, seed=3)
LANES = [{}, {"optimizer": "adam", "lr": 0.01}, {"init": "zeros"}]
EPOCHS = 1200    # 3 lanes x 1,200 = 3,600 lane-epochs: enough for the workers
ROOT = Path(__file__).resolve().parents[1]


def race(lanes=LANES, **changes):
    made = Race(BASE.replace(**changes), lanes)
    made.set_target(0.6)
    return made


def assert_same_lanes(a, b):
    for la, lb in zip(a.lanes, b.lanes):
        ta, tb = la.trainer, lb.trainer
        assert (ta.epoch, ta.steps, ta.diverged) == (tb.epoch, tb.steps, tb.diverged)
        for p, q in zip(ta.params, tb.params):
            np.testing.assert_array_equal(p.value, q.value)
            np.testing.assert_array_equal(p.grad, q.grad)
        ha, hb = ta.history.arrays(), tb.history.arrays()
        for name, column in ha.items():
            np.testing.assert_array_equal(column, hb[name])
        assert ta.record.epochs() == tb.record.epochs()
        np.testing.assert_array_equal(ta.record[-1].weights, tb.record[-1].weights)
        assert la.reached == lb.reached and la.trained == lb.trained


def test_many_epochs_go_to_the_workers_and_few_stay_here():
    assert workers.worth_it(3, 3 * EPOCHS, workers=2)
    assert not workers.worth_it(3, 3 * EPOCHS, workers=1)
    assert not workers.worth_it(1, 10**6, workers=2)
    assert not workers.worth_it(2, 100, workers=2)


def test_a_containers_cpu_limit_caps_the_cores(tmp_path):
    every = len(os.sched_getaffinity(0))
    v2, v1 = tmp_path / "v2", tmp_path / "v1"
    v2.mkdir()
    (v1 / "cpu").mkdir(parents=True)
    (v2 / "cpu.max").write_text("150000 100000\n")   # a pod limited to 1.5 cores
    assert workers.cores(str(v2)) == 1
    (v2 / "cpu.max").write_text("max 100000\n")
    assert workers.cores(str(v2)) == every
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert workers.cores(str(v1)) == 1
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert workers.cores(str(v1)) == every
    assert workers.cores(str(tmp_path / "none")) == every


@pytest.mark.parametrize("changes", [{}, {"batch": 32, "dropout": 0.2}])
def test_workers_train_each_lane_bit_for_bit_as_this_process(changes):
    here, there = race(**changes), race(**changes)
    here.run_to(EPOCHS, chunk=100, workers=0)
    seen = []
    assert there.run_to(EPOCHS, chunk=100, progress=seen.append, workers=2) is True
    assert there.epoch == EPOCHS and seen[-1] == 1.0 and seen == sorted(seen)
    assert_same_lanes(here, there)
    assert all(lane.seconds > 0 for lane in there.lanes)   # the workers' own clocks
    assert [r.test_loss for r in here.results()] == [r.test_loss for r in there.results()]


def test_a_stop_leaves_every_lane_at_the_same_epoch():
    stopped = race()
    assert stopped.run_to(EPOCHS * 10, progress=lambda done: done > 0, workers=2) is False
    epochs = {lane.trainer.epoch for lane in stopped.lanes}
    assert len(epochs) == 1 and 0 < stopped.epoch < EPOCHS * 10
    alone = race()
    alone.run_to(stopped.epoch, workers=0)
    assert_same_lanes(stopped, alone)


def test_an_exception_in_progress_still_levels_the_lanes():
    def interrupt(done):
        raise KeyboardInterrupt   # as the app's rerun interrupts its script

    lanes = race()
    with pytest.raises(KeyboardInterrupt):
        lanes.run_to(EPOCHS * 10, progress=interrupt, workers=2)
    assert len({lane.trainer.epoch for lane in lanes.lanes}) == 1 and lanes.epoch > 0


def test_a_diverging_lane_stops_alone_in_a_worker():
    wild = race([{"lr": 0.05}, {"lr": 50.0, "activations": ("tanh", "tanh")}],
                dataset="spiral")
    wild.run_to(2000, workers=2)
    calm, blown = wild.results()
    assert blown.diverged and "diverged" in blown.message
    assert calm.epoch == 2000 and not calm.diverged


def test_a_killed_worker_lets_the_race_finish_here():
    killed = []

    def kill_a_worker(done):
        if not killed:
            pid = next(iter(workers._pool_of(2)._processes))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    broken, here = race(), race()
    assert broken.run_to(EPOCHS, progress=kill_a_worker, workers=2) is True
    here.run_to(EPOCHS, workers=0)
    assert killed and broken.epoch == EPOCHS
    assert_same_lanes(broken, here)


def test_the_workers_end_when_the_server_process_dies_without_cleaning_up(tmp_path):
    script = tmp_path / "server.py"
    script.write_text(
        "import os\n"
        "from dnn_core import workers\n"
        "if __name__ == '__main__':\n"    # spawn imports the main module again
        "    pool = workers._pool_of(2)\n"
        "    pids = {pool.submit(os.getpid).result() for _ in range(4)}\n"
        "    print(' '.join(map(str, pids)), flush=True)\n"
        "    os._exit(0)\n")   # as a killed server, or a test runner's worker, leaves
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    pids = [int(p) for p in out.stdout.split()]
    assert pids
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)   # each worker's watcher wakes when the parent's sentinel closes
    assert not any(_alive(p) for p in pids)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
