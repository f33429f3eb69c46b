"""A race: several runs on the same data, advanced in lockstep, to compare their settings.

    race = Race(TrainConfig(dataset="circle", hidden=(10, 5), activations="relu"),
                lanes=[{"init": "zeros"}, {"init": "large"}, {"init": "he"}])
    race.run_epochs(1)                     # every running lane trains one more epoch
    race.run_to(15_000, progress=print)    # to epoch 15,000 (a callback may cancel)
    race.set_target(0.1)                   # note the first epoch at test loss <= 0.1
    rows = race.results()                  # one `LaneResult` per lane

A lane is the base config with some fields changed (`overrides`, TrainConfig field names).
Lanes never change the data (dataset, n, noise, train_frac, seed): they train on the same
points, the same split and, where the architecture and initializer agree, the same initial
weights, because every lane's Trainer draws them from the same seed. A lane that diverges
stops alone (its record says why); the others go on.
"""
import time
from dataclasses import dataclass

import numpy as np

from . import workers as workers_
from .config import TrainConfig
from .metrics import rmse
from .trainer import Trainer

DATA_FIELDS = ("dataset", "n", "noise", "train_frac", "seed")
MAX_LANES = 4


@dataclass(frozen=True)
class LaneResult:
    """One lane at the end of a race. Losses are the data losses (penalty apart); metrics
    are accuracy (classification) or R^2 (regression); `rmse` is in the data's units
    (regression only, else None); `reached` is the first epoch whose test loss was at or
    below the target (None: not yet); `ms_per_epoch` the lane's own training time."""

    index: int
    overrides: dict
    epoch: int
    train_loss: float
    train_penalty: float
    test_loss: float
    train_metric: float
    test_metric: float
    train_rmse: float
    test_rmse: float
    best_epoch: int
    best_test_loss: float
    reached: int
    ms_per_epoch: float
    diverged: bool
    message: str


class Lane:
    """One run of the race: its Trainer, what it changes, and its own clock."""

    def __init__(self, index, base, overrides, data=None):
        bad = sorted(set(overrides) & set(DATA_FIELDS))
        if bad:
            raise ValueError(f"lane {index + 1} changes {', '.join(bad)}: every lane trains on "
                             "the same data, so change the data in the base settings instead")
        self.index, self.overrides = index, dict(overrides)
        self.trainer = Trainer(base.replace(**overrides), data=data)
        self.seconds, self.trained = 0.0, 0
        self.target, self.reached = None, None

    def run_epochs(self, k):
        """Train `k` epochs unless diverged; notes the first epoch at the target."""
        t = self.trainer
        start = time.perf_counter()
        for _ in range(k):
            if t.diverged:
                break
            t.run_epochs(1)
            if t.diverged:
                break
            self.trained += 1
            if (self.target is not None and self.reached is None
                    and t.history.last["test_loss"] <= self.target):
                self.reached = t.epoch
        self.seconds += time.perf_counter() - start

    @property
    def per_epoch(self):
        """The lane's own training seconds per epoch, or None before its first epoch."""
        return self.seconds / self.trained if self.trained else None

    def save(self):
        """The lane's whole state (the Trainer's `state_dict`, its clock and target) for a
        worker process (see workers.py), which sends its own back to `load`."""
        return {"trainer": self.trainer.state_dict(), "seconds": self.seconds,
                "trained": self.trained, "target": self.target, "reached": self.reached}

    def load(self, state):
        """Take a state from `save` (this lane's, trained further)."""
        self.trainer.load_state_dict(state["trainer"])
        self.seconds, self.trained = state["seconds"], state["trained"]
        self.target, self.reached = state["target"], state["reached"]

    def set_target(self, target):
        """Track the first epoch whose test loss is <= `target` (None: no target). Epochs
        already trained are looked up in the history (exact unless it was thinned)."""
        self.target, self.reached = target, None
        if target is not None:
            hist = self.trainer.history.arrays()
            hits = np.flatnonzero(hist["test_loss"] <= target)
            self.reached = int(hist["epoch"][hits[0]]) if len(hits) else None

    def output_map(self, res=100):
        """The output on the res x res grid of the input plane, float32: P(class 1) (R, R),
        class probabilities (R, R, K) or predictions (R, R); as `Trainer.snapshot`'s
        "output", without the hidden neurons' maps."""
        t = self.trainer
        ev = t.evaluator
        Wb = [(d.W, d.b) for d in t.model.dense_layers()]
        out = ev.grid_forward(ev.grid_inputs(res), Wb, [])
        proba = t.head.readout(out.T, t.target_scaler).astype(np.float32)
        return proba.reshape(res, res, -1) if proba.ndim == 2 else proba.reshape(res, res)

    def result(self):
        t = self.trainer
        last = t.history.last
        train_rmse = test_rmse = None
        if t.task == "regression":
            raw = t.points()
            train_rmse = rmse(raw["train_y"], t.predict_proba(raw["train_X"]))
            test_rmse = rmse(raw["test_y"], t.predict_proba(raw["test_X"]))
        return LaneResult(
            index=self.index, overrides=dict(self.overrides), epoch=t.epoch,
            train_loss=float(last["train_loss"] - last["train_penalty"]),
            train_penalty=float(last["train_penalty"]), test_loss=float(last["test_loss"]),
            train_metric=float(last["train_metric"]), test_metric=float(last["test_metric"]),
            train_rmse=train_rmse, test_rmse=test_rmse, best_epoch=int(t.history.best_epoch),
            best_test_loss=float(t.history.best_test_loss), reached=self.reached,
            ms_per_epoch=np.nan if self.per_epoch is None else 1e3 * self.per_epoch,
            diverged=bool(t.diverged), message=t.message)


class Race:
    """Two to four lanes over one base config (and optional shared `data`)."""

    def __init__(self, base=None, lanes=({}, {}), data=None):
        if not 1 <= len(lanes) <= MAX_LANES:
            raise ValueError(f"a race has 1 to {MAX_LANES} lanes, got {len(lanes)}")
        self.base = base or TrainConfig()
        self.data = data
        self.lanes = [Lane(i, self.base, o, data) for i, o in enumerate(lanes)]

    @property
    def epoch(self):
        """The epoch every lane still running has reached (lanes move in lockstep)."""
        running = [lane.trainer.epoch for lane in self.lanes if not lane.trainer.diverged]
        return min(running) if running else max(lane.trainer.epoch for lane in self.lanes)

    @property
    def finished(self):
        """True when every lane has diverged (nothing left to train)."""
        return all(lane.trainer.diverged for lane in self.lanes)

    def run_epochs(self, k=1):
        """Every running lane trains `k` more epochs."""
        for lane in self.lanes:
            lane.run_epochs(k)

    def run_to(self, epoch, chunk=100, progress=None, workers=None):
        """Train until every running lane is at `epoch`, `chunk` epochs at a time; after each
        chunk `progress(fraction_done)` may return True to stop early. Returns True when the
        race reached `epoch` (False: cancelled). Two lanes or more with many epochs to go
        train in `workers` processes (None: one per core; 0 or 1: here), the same numbers
        bit for bit, their tasks' lengths their own (see workers.py)."""
        running = [lane for lane in self.lanes if not lane.trainer.diverged]
        if workers_.worth_it(len(running), sum(max(0, epoch - lane.trainer.epoch)
                                               for lane in running), workers):
            return workers_.run_to(self, epoch, progress, workers)
        start = self.epoch
        while self.epoch < epoch and not self.finished:
            self.run_epochs(min(chunk, epoch - self.epoch))
            done = (self.epoch - start) / max(1, epoch - start)
            if progress is not None and progress(min(1.0, done)) is True:
                return False
        return True

    def level(self):
        """Every running lane to the furthest one's epoch (lockstep again after lanes were
        trained apart)."""
        top = max((lane.trainer.epoch for lane in self.lanes if not lane.trainer.diverged),
                  default=0)
        for lane in self.lanes:
            lane.run_epochs(top - lane.trainer.epoch)

    def reset(self):
        """Every lane back to epoch 0: the same data and initial weights as at the start."""
        for lane in self.lanes:
            lane.trainer.reset()
            lane.seconds, lane.trained = 0.0, 0
            lane.set_target(lane.target)

    def set_target(self, target):
        """The test loss whose first epoch each lane reports as `reached` (None: none)."""
        for lane in self.lanes:
            lane.set_target(target)

    def results(self):
        """One `LaneResult` per lane, in lane order."""
        return [lane.result() for lane in self.lanes]
