"""The trainer: data, model, loss, optimizer and schedule, advanced one step at a time.

    trainer = Trainer(TrainConfig(dataset="spiral", hidden=(8, 8), lr=0.03))
    record = trainer.step()          # one mini-batch update
    record = trainer.run_epochs(10)  # ten passes over the shuffled training set
    snap = trainer.snapshot(res=100) # the true state, for drawing
    trainer.rewind(3)                # continue from keyframe 3 of the recorded run

An epoch is one pass over the training set, reshuffled each epoch, last partial batch
included. At the end of each epoch the trainer evaluates the whole training and test sets
(dropout off), appends a row to `history` and a keyframe to `record` (see `recorder.py`).

One update is four named phases, which "Under the hood" calls one by one on a copy:
`forward` (steps 2-4), `cost` (step 5 and the penalty), `backward` (steps 8, 7, 6 and the
penalty's gradient) and `apply_update` (step 9 at the scheduled rate).

A run that diverges (see `divergence.py`) says so in its record and `message`, and later
steps refuse until `reset()` (or a rewind to a keyframe before it). Keyframes, rewinding, editing
a parameter by hand and saving or putting back the whole state are in `run_state.py`.
"""
import math
from typing import NamedTuple

import numpy as np

from . import regularization as regz
from .config import OPTIMIZER_FIELDS, TrainConfig, changed_fields, needs_rebuild
from .data import make_dataset
from .divergence import Divergence
from .head import output_head
from .history import History
from .layers import Dropout
from .losses import get_loss
from .model import build_mlp
from .optimizers import make_optimizer
from .prepare import prepare_data
from .recorder import Recorder
from .run_state import RunState
from .schedules import make_schedule
from .snapshot import Evaluator
from .steps import compute_cost, model_backward, model_forward, update_parameters


class StepRecord(NamedTuple):
    """What one call to `step` or `run_epochs` did. `loss` is the last mini-batch's cost."""

    epoch: int
    step: int
    loss: float
    epoch_done: bool
    diverged: bool = False
    message: str = None


class Trainer(RunState):
    """One training run. `data` (a `data.Dataset`) replaces the config's toy dataset."""

    def __init__(self, config=None, data=None):
        self.config = config or TrainConfig()
        self.data = data
        self._build()

    # ---- building -------------------------------------------------------------------
    def _build(self):
        cfg = self.config
        streams = np.random.SeedSequence(cfg.seed).spawn(5)
        data_rng, split_rng, init_rng, self._shuffle_rng, self.dropout_rng = (
            np.random.default_rng(s) for s in streams)
        self.dataset = self.data or make_dataset(cfg.dataset, cfg.n, cfg.noise, data_rng)
        ds = self.dataset
        self.task = ds.task
        self.loss_name = cfg.resolved_loss(ds.task)
        self.head = output_head(self.loss_name, ds.task)
        self.output_activation = self.head.activation
        self._prepare_data(split_rng)

        n_out = ds.n_classes if ds.task == "multiclass" else 1
        self.model = build_mlp(len(cfg.features), cfg.hidden, cfg.activations, n_out,
                               init=cfg.init, rng=init_rng, dropout=cfg.dropout,
                               output_activation=self.head.layer)
        for layer in self._dropouts():
            layer.rng = self.dropout_rng
        self.model.dense_layers()[0].input_grad = False  # nothing uses dJ/dX of the data
        self.loss = get_loss(self.loss_name)
        self.params = self.model.parameters()
        self._backup = self.model.values.copy()   # the parameters before the last update
        self.evaluator = Evaluator(self)
        self.epoch = 0
        self.steps = 0
        self._apply_hyper()
        self._cursor = 0
        self._order = None
        self._ahead = None
        self.history = History(len(self.model.dense_layers()))
        self.record = Recorder(sum(p.value.size for p in self.params))
        self.watch = Divergence(0.0)
        self._end_epoch()
        row = self.history.last
        self.watch.start_loss = row["train_loss"] - row["train_penalty"]

    def _prepare_data(self, split_rng):
        """Split, input features, standardization, targets (see `prepare.py`)."""
        vars(self).update(prepare_data(self.dataset, self.config, self.head, split_rng))
        self._all_rows = np.arange(len(self.X_train))

    def replace_data(self, data):
        """Go on training the same network on `data` (e.g. a point drawn or removed while
        the run plays): a new split and standardization, the same weights, optimizer state,
        history and record. `data` must have the same task and number of classes."""
        old = self.dataset
        if data.task != old.task or data.n_classes != old.n_classes:
            raise ValueError(f"replace_data keeps the network, so the data must stay "
                             f"{old.task} with {old.n_classes} classes; got {data.task} "
                             f"with {data.n_classes}: build a new Trainer instead")
        self.data = self.dataset = data
        self._prepare_data(np.random.default_rng(np.random.SeedSequence(self.config.seed)
                                                 .spawn(5)[1]))
        self.evaluator = Evaluator(self)
        self._apply_hyper(new_optimizer=False)
        self._cursor, self._order = 0, None

    def _apply_hyper(self, new_optimizer=True):
        """Put the hyper-parameters of `config` in force; the optimizer (and its state) is
        built anew only when `new_optimizer`."""
        cfg = self.config
        if new_optimizer:
            self.optimizer = make_optimizer(cfg.optimizer, self.params, cfg.lr,
                                            **cfg.optimizer_settings())
        self.schedule = make_schedule(cfg.schedule, cfg.lr, **cfg.schedule_settings())
        self.optimizer.lr = self.schedule(self.epoch)
        for layer in self._dropouts():
            layer.p = cfg.dropout
        self.batch = max(1, min(int(cfg.batch), len(self.X_train)))

    def _dropouts(self):
        return [layer for layer in self.model.layers if isinstance(layer, Dropout)]

    # ---- changing settings ----------------------------------------------------------
    def update(self, config):
        """Move to `config`: 'kept' (same weights, new hyper-parameters), 'rebuilt' or
        'same'. A change to the optimizer or its settings keeps the weights but starts the
        optimizer's state (velocity, Adam's moments) afresh."""
        changed = changed_fields(self.config, config)
        if not changed:
            return "same"
        old = self.config
        self.config = config
        if needs_rebuild(old, config):
            self._build()
            return "rebuilt"
        self._apply_hyper(new_optimizer=bool(changed & OPTIMIZER_FIELDS))
        return "kept"

    def reset(self):
        """Start again from the same seed: bit-identical data and initial weights."""
        self._build()

    # ---- the phases of one update ---------------------------------------------------
    def next_batch_indices(self):
        """Training-set row indices of the mini-batch the next `step()` will use. A full
        batch from the epoch's start is every row in stored order, and draws no shuffle."""
        n = len(self.X_train)
        if self.batch >= n and self._cursor == 0:
            return self._all_rows
        if self._order is None:  # drawn once per epoch, however often this is asked
            self._order = self._shuffle_rng.permutation(n)
        return self._order[self._cursor:min(self._cursor + self.batch, n)]

    def batch_for(self, indices=None):
        """(rows, X (n, F), T) of an update: the training rows `indices`, or (None) the
        epoch's next mini-batch; a full batch is the training set in stored order."""
        if indices is None:
            rows = self.next_batch_indices()
            if rows is self._all_rows:
                return rows, self.X_train, self.T_train
        else:
            rows = np.asarray(indices, dtype=np.int64)
        return rows, self.X_train[rows], self.T_train[rows]

    def forward(self, X):
        """Phase 1 (steps 2-4): the network's output (n, K) in training mode (dropout on)."""
        if not self.model.training:   # the evaluation never switches it: it runs apart
            self.model.train()
        return model_forward(self.model, X)

    def cost(self, out, T):
        """Phase 2 (step 5): (data cost, penalty) of the output; J is their sum."""
        return compute_cost(self.loss, out, T), self._penalty()

    def _penalty(self):
        cfg = self.config
        return (regz.penalty(self.params, cfg.reg, cfg.reg_rate)
                if cfg.reg != "none" and cfg.reg_rate > 0 else 0.0)

    def backward(self, observe=None):
        """Phase 3 (steps 8, 7, 6, then the penalty's gradient): every Param.grad from the
        last cost. `observe(layer, dA, dA_prev)` sees each layer's backward pass."""
        model_backward(self.model, self.loss.backward(), observe)
        cfg = self.config
        if cfg.reg != "none" and cfg.reg_rate > 0:
            regz.add_penalty_grad(self.params, cfg.reg, cfg.reg_rate)

    def apply_update(self):
        """Phase 4 (step 9): the optimizer's update at the schedule's rate. The parameters
        from before it are kept: a weight it makes non-finite shows in the next step's loss
        (or the epoch's evaluation), which puts them back."""
        np.copyto(self._backup, self.model.values)
        self.optimizer.lr = self.schedule(self.epoch)
        update_parameters(self.optimizer)

    # ---- training -------------------------------------------------------------------
    def step(self, indices=None):
        """One mini-batch update; at the end of an epoch, evaluate and record history.
        With `indices` (training-set rows), update on exactly those samples instead; the
        epoch's shuffled order is left as it was."""
        if self.watch.cause is not None:   # diverged
            return StepRecord(self.epoch, self.steps, np.nan, False, True, self.message)
        _, X, T = self.batch_for(indices)
        data_cost = self._take_ahead(X)
        if data_cost is None:
            data_cost, penalty = self.cost(self.forward(X), T)
        else:
            penalty = self._penalty()
        cost = data_cost + penalty
        self.backward()
        if not math.isfinite(cost):
            return self._diverge(f"the loss became {cost} at epoch {self.epoch}", restore=True)
        self.apply_update()
        self.steps += 1
        if indices is not None:
            return StepRecord(self.epoch, self.steps, float(cost), False)
        self._cursor += len(X)
        done = self._cursor == len(self.X_train)
        if done:
            self._cursor = 0
            self._order = None
            self.epoch += 1
            if not self._end_epoch():
                return StepRecord(self.epoch, self.steps, cost, True, True, self.message)
        return StepRecord(self.epoch, self.steps, float(cost), done)

    def run_epochs(self, k=1):
        """Step until `k` more epochs are complete (or the run diverges)."""
        record = None
        target = self.epoch + k
        while self.epoch < target:
            record = self.step()
            if record.diverged:
                break
        return record

    @property
    def diverged(self):
        return self.watch.diverged

    @property
    def message(self):
        """Why the run stopped (None while healthy), true to the settings now."""
        return self.watch.message(self.config.lr)

    def _diverge(self, what, restore=False):
        if restore:
            np.copyto(self.model.values, self._backup)
        self.watch.trip(what, self.optimizer.lr, self.config.lr)
        return StepRecord(self.epoch, self.steps, np.nan, False, True, self.message)

    def _forward_ahead(self):
        """Full-batch training without dropout: run the next step's phases 1-2 (forward and
        data cost on the whole training set, in stored order) now, at the epoch's end. The
        epoch's train row reads its output, and the next step takes it as its own (see
        `_take_ahead`), so each epoch runs one forward pass on the training set, not two.
        Returns (output, data cost), or None when the next step is a mini-batch."""
        self._ahead = None
        if self.batch < len(self.X_train) or any(
                layer.p or layer.fixed_mask is not None for layer in self._dropouts()):
            return None
        out = self.forward(self.X_train)
        data_cost = compute_cost(self.loss, out, self.T_train)
        self._ahead = (data_cost, self.X_train, self.config, self.steps,
                       self.model.values.copy())
        return out, data_cost

    def _take_ahead(self, X):
        """The data cost `_forward_ahead` computed for this step, when this step's batch
        `X` is what it ran on and nothing changed since (the same settings, no update and
        the same weights, so the layers' and the loss's caches are this forward's); else
        None. Either way the next step computes its own."""
        ahead, self._ahead = self._ahead, None
        if (ahead is None or ahead[1] is not X or ahead[2] is not self.config
                or ahead[3] != self.steps or not np.array_equal(ahead[4], self.model.values)):
            return None
        return ahead[0]

    def _end_epoch(self):
        """Evaluate both sets, append a history row and a keyframe; False if diverged."""
        row = self.evaluator.epoch_row(self._forward_ahead())
        if not all(map(math.isfinite, (row["train_loss"], row["test_loss"],
                                       *row["weight_norm"]))):
            self._diverge(f"the loss or a weight became non-finite at epoch {self.epoch}",
                          restore=True)
            return False
        self.history.append(row)
        problem = self.watch.check(row)
        if problem:
            self._diverge(problem)
            return False
        self.record.add(self._keyframe(row))
        return True

    # ---- reading the state ----------------------------------------------------------
    def predict_proba(self, X_raw):
        """Class probabilities (n, K) or, for regression, predictions (n,) for raw points."""
        return self.evaluator.predict_proba(X_raw)

    def snapshot(self, res=100):
        """The true state for drawing: parameters, gradients, history and the output and
        every hidden neuron on a res x res grid over the input plane (see `snapshot.py`)."""
        return self.evaluator.snapshot(res)

    def points(self):
        """The raw training and test points (input plane units) and their labels."""
        return dict(self.raw)
