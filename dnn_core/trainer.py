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
steps refuse until `reset()` (or a rewind to a keyframe before it).
"""
from dataclasses import dataclass

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
from .recorder import (Keyframe, Recorder, flatten, optimizer_state, restore_optimizer,
                       same_optimizer, unflatten)
from .schedules import make_schedule
from .snapshot import Evaluator
from .steps import compute_cost, model_backward, model_forward, update_parameters


@dataclass(frozen=True)
class StepRecord:
    """What one call to `step` or `run_epochs` did. `loss` is the last mini-batch's cost."""

    epoch: int
    step: int
    loss: float
    epoch_done: bool
    diverged: bool = False
    message: str = None


class Trainer:
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
        self._backup = [p.value.copy() for p in self.params]
        self.evaluator = Evaluator(self)
        self.epoch = 0
        self.steps = 0
        self._apply_hyper()
        self._cursor = 0
        self._order = None
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
        """Training-set row indices of the mini-batch the next `step()` will use."""
        n = len(self.X_train)
        if self._order is None:  # drawn once per epoch, however often this is asked
            self._order = self._shuffle_rng.permutation(n)
        return self._order[self._cursor:min(self._cursor + self.batch, n)]

    def batch_for(self, indices=None):
        """(rows, X (n, F), T) of an update: the training rows `indices`, or (None) the
        epoch's next mini-batch; a full batch is the training set in stored order."""
        if indices is None:
            rows = self.next_batch_indices()
            if len(rows) == len(self.X_train):
                return self._all_rows, self.X_train, self.T_train
        else:
            rows = np.asarray(indices, dtype=np.int64)
        return rows, self.X_train[rows], self.T_train[rows]

    def forward(self, X):
        """Phase 1 (steps 2-4): the network's output (n, K) in training mode (dropout on)."""
        self.model.train()
        return model_forward(self.model, X)

    def cost(self, out, T):
        """Phase 2 (step 5): (data cost, penalty) of the output; J is their sum."""
        cfg = self.config
        penalty = (regz.penalty(self.params, cfg.reg, cfg.reg_rate)
                   if cfg.reg != "none" and cfg.reg_rate > 0 else 0.0)
        return compute_cost(self.loss, out, T), penalty

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
        for keep, p in zip(self._backup, self.params):
            np.copyto(keep, p.value)
        self.optimizer.lr = self.schedule(self.epoch)
        update_parameters(self.optimizer)

    # ---- training -------------------------------------------------------------------
    def step(self, indices=None):
        """One mini-batch update; at the end of an epoch, evaluate and record history.
        With `indices` (training-set rows), update on exactly those samples instead; the
        epoch's shuffled order is left as it was."""
        if self.diverged:
            return StepRecord(self.epoch, self.steps, np.nan, False, True, self.message)
        _, X, T = self.batch_for(indices)
        data_cost, penalty = self.cost(self.forward(X), T)
        cost = data_cost + penalty
        self.backward()
        if not np.isfinite(cost):
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
            for keep, p in zip(self._backup, self.params):
                np.copyto(p.value, keep)
        self.watch.trip(what, self.optimizer.lr, self.config.lr)
        return StepRecord(self.epoch, self.steps, np.nan, False, True, self.message)

    def _end_epoch(self):
        """Evaluate both sets, append a history row and a keyframe; False if diverged."""
        row = self.evaluator.epoch_row()
        if not np.isfinite([row["train_loss"], row["test_loss"], *row["weight_norm"]]).all():
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

    # ---- the recorded run -----------------------------------------------------------
    def _keyframe(self, row):
        opt = self.optimizer   # a state-less optimizer (plain SGD) costs nothing to keep
        optimizer = optimizer_state(opt) if self.record.keeps_optimizer or not opt.STATE else None
        return Keyframe(self.epoch, self.steps, flatten(p.value for p in self.params),
                        flatten((p.grad for p in self.params), np.float32), optimizer,
                        self._rng_states(), self.watch.blowup_epochs, row)

    def _rng_states(self):
        return {"shuffle": self._shuffle_rng.bit_generator.state,
                "dropout": self.dropout_rng.bit_generator.state}

    def rewind(self, i):
        """Continue from keyframe i: its weights, epoch, update count, random streams and
        history row come back; later keyframes and history rows are dropped; a divergence
        after it is forgotten. Returns True when the optimizer's state came back too (the
        keyframe kept it and the optimizer and its settings are the same), False when the
        optimizer starts afresh."""
        kf = self.record[i]
        self.record.truncate(i)
        shapes = [p.value.shape for p in self.params]
        self._put_back(unflatten(kf.weights, shapes), unflatten(kf.grads, shapes), kf.epoch,
                       kf.steps, kf.rng)
        self.watch.cause, self.watch.blowup_epochs = None, kf.blowup_epochs
        self.history.truncate(kf.row)
        restored = same_optimizer(self.optimizer, kf.optimizer)
        self._apply_hyper(new_optimizer=not restored)
        if restored:
            restore_optimizer(self.optimizer, kf.optimizer)
        return restored

    def snapshot_at(self, i, res=100):
        """The snapshot of keyframe i (same fields as `snapshot`), computed from its
        weights without touching the run."""
        return self.evaluator.snapshot(res, self.record[i])

    # ---- editing by hand --------------------------------------------------------------
    def set_parameter(self, layer, out, inp, value):
        """Write one parameter of Dense layer `layer` (0-based) in place: W[out, inp]
        (W has shape (out_features, in_features)), or the bias b[out] when `inp` is None.
        The divergence backup and the keyframe of the current epoch (when the run stands
        exactly there) take the same value, so a restore or a rewind to now keeps the edit;
        training continues from it. Returns the old value; ValueError if out of range."""
        dense = self.model.dense_layers()
        if not 0 <= layer < len(dense):
            raise ValueError(f"layer {layer} is not one of the {len(dense)} Dense layers")
        param = dense[layer].bias if inp is None else dense[layer].weight
        where = (out,) if inp is None else (out, inp)
        if len(where) != param.value.ndim or not all(
                0 <= k < n for k, n in zip(where, param.value.shape)):
            raise ValueError(f"index {where} is outside a parameter of shape "
                             f"{param.value.shape}")
        if not np.isfinite(value):
            raise ValueError(f"a parameter must be a finite number, not {value}")
        k = next(k for k, p in enumerate(self.params) if p is param)
        old = float(param.value[where])
        param.value[where] = value
        self._backup[k][where] = value
        keyframes = self.record.keyframes()
        if keyframes and (keyframes[-1].epoch, keyframes[-1].steps) == (self.epoch, self.steps):
            start = sum(p.value.size for p in self.params[:k])
            keyframes[-1].weights[start + np.ravel_multi_index(where, param.value.shape)] = value
        return old

    # ---- the whole state ------------------------------------------------------------
    def state_dict(self):
        """The run's whole state as plain values and arrays (copies): a Trainer built from
        the same config and data continues bit for bit after `load_state_dict`."""
        return {
            "params": [p.value.copy() for p in self.params],
            "grads": [p.grad.copy() for p in self.params],
            "optimizer": self.optimizer.state_dict(),
            "epoch": self.epoch, "steps": self.steps, "cursor": self._cursor,
            "order": None if self._order is None else self._order.copy(),
            "rng": self._rng_states(),
            "divergence": self.watch.state_dict(),
            "history": self.history.state_dict(),
            "record": self.record.state_dict(),
        }

    def load_state_dict(self, state):
        """Put back a `state_dict()`; ValueError saying what does not fit this run."""
        self._put_back(state["params"], state["grads"], state["epoch"], state["steps"],
                       state["rng"], state["cursor"], state["order"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.watch.load_state_dict(state["divergence"])
        self.history.load_state_dict(state["history"])
        self.record.load_state_dict(state["record"])

    def _put_back(self, params, grads, epoch, steps, rng, cursor=0, order=None):
        """Parameters and gradients (one array per Param), counters, the epoch's order and
        the random streams; ValueError on anything that does not fit this network."""
        if len(params) != len(self.params) or len(grads) != len(self.params):
            raise ValueError(f"{len(params)} parameter arrays for a network of "
                             f"{len(self.params)}")
        for i, (p, saved, grad) in enumerate(zip(self.params, params, grads)):
            if np.shape(saved) != p.value.shape or np.shape(grad) != p.value.shape:
                raise ValueError(f"parameter {i} has shape {np.shape(saved)}, expected "
                                 f"{p.value.shape}")
            if not np.isfinite(saved).all():
                raise ValueError(f"parameter {i} holds non-finite values")
            np.copyto(p.value, saved)
            np.copyto(p.grad, grad)
        if order is not None and sorted(np.asarray(order).tolist()) != list(self._all_rows):
            raise ValueError("the epoch's order is not a permutation of the training rows")
        if not 0 <= int(cursor) < len(self.X_train):
            raise ValueError(f"the epoch's cursor {cursor} is outside the training set")
        self.epoch, self.steps, self._cursor = int(epoch), int(steps), int(cursor)
        self._order = None if order is None else np.asarray(order, dtype=np.int64)
        self._shuffle_rng.bit_generator.state = rng["shuffle"]
        self.dropout_rng.bit_generator.state = rng["dropout"]

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
