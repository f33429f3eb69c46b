"""A run's whole state: its keyframes (the recorded run), rewinding to one, editing one
parameter by hand, and saving and putting back everything (`state_dict`, `load_state_dict`).
A part of `Trainer`.

    state = trainer.state_dict()     # plain values and arrays (copies)
    other.load_state_dict(state)     # a Trainer of the same config and data goes on bit for bit
    trainer.rewind(3)                # continue from keyframe 3 of the recorded run

The state is the parameters and gradients, the optimizer's state, the counters, the
epoch's shuffled order and cursor, the random streams (shuffling, dropout), the divergence
watch, the history and the record.
"""
import numpy as np

from .recorder import Keyframe, optimizer_state, restore_optimizer, same_optimizer, unflatten


class RunState:
    """The state methods of `Trainer` (which owns every attribute they use)."""

    # ---- the recorded run -----------------------------------------------------------
    def _keyframe(self, row):
        """The run now, at the end of an epoch whose history row is `row`."""
        opt = self.optimizer   # a state-less optimizer (plain SGD) costs nothing to keep
        optimizer = optimizer_state(opt) if self.record.keeps_optimizer or not opt.STATE else None
        return Keyframe(self.epoch, self.steps, self.model.values.copy(),
                        self.model.grads.astype(np.float32), optimizer, self._rng_states(),
                        self.watch.blowup_epochs, row)

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
        flat = sum(p.value.size for p in self.params[:k]) + np.ravel_multi_index(
            where, param.value.shape)   # its place in model.values, a keyframe, the backup
        old = float(param.value[where])
        param.value[where] = value
        self._backup[flat] = value
        keyframes = self.record.keyframes()
        if keyframes and (keyframes[-1].epoch, keyframes[-1].steps) == (self.epoch, self.steps):
            keyframes[-1].weights[flat] = value
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
