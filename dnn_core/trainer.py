"""The trainer: data, model, loss, optimizer and schedule, advanced one step at a time.

    trainer = Trainer(TrainConfig(dataset="spiral", hidden=(8, 8), lr=0.03))
    record = trainer.step()          # one mini-batch update
    record = trainer.run_epochs(10)  # ten passes over the shuffled training set
    snap = trainer.snapshot(res=100) # the true state, for drawing

An epoch is one pass over the training set, reshuffled each epoch, last partial batch
included. At the end of each epoch the trainer evaluates the whole training and test sets
(dropout off) and appends a row to `history`.

A run diverges when a step's loss or parameters become non-finite (the parameters from
before the update that broke them are put back), when a weight matrix's norm passes `MAX_WEIGHT_NORM`, or when the
training loss stays above `BLOWUP_FACTOR` times its starting value for `BLOWUP_EPOCHS`
epochs in a row (a stable loss such as BCE on logits stays finite while it explodes). The
record then says `diverged` with a message, and later steps refuse until `reset()`.
"""
from dataclasses import dataclass

import numpy as np

from . import features as feats
from . import regularization as regz
from .config import OPTIMIZER_FIELDS, TrainConfig, changed_fields, needs_rebuild
from .data import Standardizer, make_dataset, train_test_split
from .history import History
from .layers import Dropout
from .losses import get_loss
from .model import build_mlp
from .optimizers import make_optimizer
from .schedules import make_schedule
from .snapshot import Evaluator
from .steps import compute_cost, model_backward, model_forward, update_parameters

MAX_WEIGHT_NORM = 1e6
BLOWUP_FACTOR = 2.0
BLOWUP_EPOCHS = 3


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
        self._prepare_data(split_rng)

        n_out = ds.n_classes if ds.task == "multiclass" else 1
        tanh_out = self.loss_name == "mse" and ds.task == "binary"
        self.model = build_mlp(len(cfg.features), cfg.hidden, cfg.activations, n_out,
                               init=cfg.init, rng=init_rng, dropout=cfg.dropout,
                               output_activation="tanh" if tanh_out else None)
        self.output_activation = ("tanh" if tanh_out else
                                  {"bce": "sigmoid", "ce": "softmax", "mse": "identity"}[
                                      self.loss_name])
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
        self.diverged = False
        self.message = None
        self._blowup_epochs = 0
        self.history = History(len(self.model.dense_layers()))
        self._end_epoch()
        self.start_loss = self.history.last["train_loss"] - self.history.last["train_penalty"]

    def _prepare_data(self, split_rng):
        """Split, build the input features, standardize (fitted on the training part)."""
        cfg, ds = self.config, self.dataset
        X_tr, y_tr, X_te, y_te = train_test_split(ds.X, ds.y, cfg.train_frac, split_rng)
        self.raw = {"train_X": X_tr, "train_y": y_tr, "test_X": X_te, "test_y": y_te}
        F_tr = feats.transform(X_tr, cfg.features)
        self.scaler = Standardizer().fit(F_tr)
        self.X_train = self.scaler.transform(F_tr)
        self.X_test = self.scaler.transform(feats.transform(X_te, cfg.features))
        # Uploaded regression targets come in any units (prices, metres): the network
        # learns them standardized and predictions are mapped back.
        own_regression = ds.task == "regression" and ds.source != "toy"
        self.target_scaler = (Standardizer().fit(y_tr.astype(np.float64)) if own_regression
                              else Standardizer(mean=0.0, std=1.0))
        self.T_train, self.T_test = self._targets(y_tr), self._targets(y_te)

    def replace_data(self, data):
        """Go on training the same network on `data` (e.g. a point drawn or removed while
        the run plays): a new split and standardization, the same weights, optimizer state
        and history. `data` must have the same task and number of classes."""
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

    def _targets(self, y):
        if self.loss_name == "ce":
            return y.astype(np.int64)
        t = y.astype(np.float64).reshape(-1, 1)
        if self.task == "regression":
            return self.target_scaler.transform(t)
        if self.loss_name == "mse" and self.task == "binary":
            return 2.0 * t - 1.0  # TF Playground's ±1 labels for a tanh output
        return t

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

    # ---- training -------------------------------------------------------------------
    def next_batch_indices(self):
        """Training-set row indices of the mini-batch the next `step()` will use."""
        n = len(self.X_train)
        if self._order is None:  # drawn once per epoch, however often this is asked
            self._order = self._shuffle_rng.permutation(n)
        return self._order[self._cursor:min(self._cursor + self.batch, n)]

    def step(self, indices=None):
        """One mini-batch update; at the end of an epoch, evaluate and record history.
        With `indices` (training-set rows), update on exactly those samples instead; the
        epoch's shuffled order is left as it was."""
        if self.diverged:
            return StepRecord(self.epoch, self.steps, np.nan, False, True, self.message)
        if indices is not None:
            idx = np.asarray(indices, dtype=np.int64)
            return self._update(self.X_train[idx], self.T_train[idx], advance=False)
        n = len(self.X_train)
        idx = self.next_batch_indices()
        if len(idx) == n:
            return self._update(self.X_train, self.T_train, advance=True)
        return self._update(self.X_train[idx], self.T_train[idx], advance=True)

    def _update(self, Xb, Tb, advance):
        self.model.train()
        out = model_forward(self.model, Xb)
        cfg = self.config
        regularized = cfg.reg != "none" and cfg.reg_rate > 0
        penalty = regz.penalty(self.params, cfg.reg, cfg.reg_rate) if regularized else 0.0
        cost = compute_cost(self.loss, out, Tb, penalty)
        model_backward(self.model, self.loss.backward())
        if regularized:
            regz.add_penalty_grad(self.params, cfg.reg, cfg.reg_rate)
        if not np.isfinite(cost):
            return self._diverge(f"the loss became {cost} at epoch {self.epoch}", restore=True)
        for keep, p in zip(self._backup, self.params):
            np.copyto(keep, p.value)
        self.optimizer.lr = self.schedule(self.epoch)
        update_parameters(self.optimizer)
        # A weight made non-finite by this update shows in the next step's loss (or in the
        # epoch's evaluation), which puts `_backup`, taken just before it, back.
        self.steps += 1
        if not advance:
            return StepRecord(self.epoch, self.steps, float(cost), False)
        self._cursor += len(Xb)
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

    def _diverge(self, what, restore=False):
        if restore:
            for keep, p in zip(self._backup, self.params):
                np.copyto(p.value, keep)
        self.diverged = True
        lr = self.optimizer.lr
        self.message = (f"Training diverged: {what}. The learning rate ({lr:g}) is probably "
                        "too high for this network; lower it and press Reset.")
        return StepRecord(self.epoch, self.steps, np.nan, False, True, self.message)

    def _end_epoch(self):
        """Evaluate both sets and append a history row; False if the run diverged."""
        row = self.evaluator.epoch_row()
        if not np.isfinite([row["train_loss"], row["test_loss"], *row["weight_norm"]]).all():
            self._diverge(f"the loss or a weight became non-finite at epoch {self.epoch}",
                          restore=True)
            return False
        self.history.append(row)
        if self.epoch == 0:
            return True
        if max(row["weight_norm"]) > MAX_WEIGHT_NORM:
            self._diverge(f"the weights grew past {MAX_WEIGHT_NORM:.0e} by epoch {self.epoch}")
            return False
        data_loss = row["train_loss"] - row["train_penalty"]
        self._blowup_epochs = self._blowup_epochs + 1 if (
            data_loss > BLOWUP_FACTOR * self.start_loss) else 0
        if self._blowup_epochs >= BLOWUP_EPOCHS:
            self._diverge(f"the training loss ({data_loss:.3g}) has stayed above "
                          f"{BLOWUP_FACTOR:g}x its starting value ({self.start_loss:.3g}) for "
                          f"{BLOWUP_EPOCHS} epochs")
            return False
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
