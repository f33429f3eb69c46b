"""Reading a trainer's true state: epoch evaluation and the grid snapshot for the UI.

Evaluation runs the network as a pure function of its current parameters (dropout off),
without touching the layers' training caches, so reading the state never changes a run.
The grid is R x R points over the input plane; every point goes through the same input
features and standardization as the training data, all in one batched forward pass (float32).
A snapshot of a keyframe of the recorded run uses that keyframe's weights, gradients and
history row instead of the live ones.
"""
import math

import numpy as np

from . import features as feats
from . import metrics
from . import regularization as regz
from .data import input_domain
from .layers import Dense, Dropout
from .losses import get_loss
from .recorder import unflatten


class Evaluator:
    """Evaluates the model of `trainer` on its data, on raw points and on a grid."""

    def __init__(self, trainer):
        self.t = trainer
        self.loss = get_loss(trainer.loss_name)
        self.domain = input_domain(trainer.dataset.X)
        self._grids = {}
        self._dense = trainer.model.dense_layers()
        # The layers as the evaluation runs them: (Dense, None) or (None, g); no dropout.
        self._plan = [(layer, None) if isinstance(layer, Dense) else (None, type(layer).fn)
                      for layer in trainer.model.layers if not isinstance(layer, Dropout)]

    # ---- forward as a pure function --------------------------------------------------
    def forward(self, X, dtype=np.float64, hidden=None, params=None):
        """Network output for model inputs X (n, F); appends each hidden layer's
        activations (n, n_l) to `hidden` when a list is given. `params`: [(W, b)] per
        Dense layer to use instead of the model's own."""
        A = X.astype(dtype, copy=False)
        layers = self.t.model.layers
        dense = iter(params or [(d.W, d.b) for d in self.t.model.dense_layers()])
        last_dense = max(i for i, layer in enumerate(layers) if isinstance(layer, Dense))
        for i, layer in enumerate(layers):
            if isinstance(layer, Dense):
                W, b = next(dense)
                A = A @ W.T.astype(dtype, copy=False) + b.astype(dtype, copy=False)
            elif isinstance(layer, Dropout):
                continue
            else:
                A = type(layer).fn(A)
                if hidden is not None and i < last_dense:
                    hidden.append(A)
        return A

    def _proba(self, out):
        """Output activation: P(class 1) (n,), class probabilities (n, K) or values (n,)."""
        return self.t.head.readout(out, self.t.target_scaler)

    def predict_proba(self, X_raw):
        """Probabilities (binary: P(class 1), multiclass: (n, K)) or predictions for raw
        input-plane points X_raw (n, 2)."""
        t = self.t
        X = t.scaler.transform(feats.transform(np.asarray(X_raw, dtype=np.float64),
                                               t.config.features))
        return self._proba(self.forward(X))

    # ---- one history row per epoch -------------------------------------------------
    def _forward64(self, X):
        """`forward(X)` in float64 without its per-call checks (the same operations, so
        the same numbers): the per-epoch evaluation's hot path."""
        A = X
        for dense, g in self._plan:
            if g is None:
                A = A @ dense.weight.value.T
                A += dense.bias.value
            else:
                A = g(A)
        return A

    def _data_loss_and_metric(self, X, T, y, ahead=None):
        """(data loss, accuracy or R^2) on (X, T, y); `ahead` is (output, data loss) of the
        training step's own forward on X, when the trainer ran it already."""
        if ahead is None:
            out = self._forward64(X)
            loss = float(self.loss.forward(out, T))
        else:
            out, loss = ahead[0], float(ahead[1])
        if self.t.task == "regression":
            return loss, metrics.r2_score(y, self._proba(out))
        return loss, np.count_nonzero(self.t.head.labels(out) == y) / len(y)  # accuracy

    def epoch_row(self, train=None):
        """The epoch's history row. `train`: (output, data loss) of the training set from
        the training step's own forward pass (dropout off), used instead of evaluating it
        again (it may differ from the evaluation's in the last bit: another product order)."""
        t, cfg = self.t, self.t.config
        raw = t.raw
        tr_loss, tr_metric = self._data_loss_and_metric(t.X_train, t.T_train, raw["train_y"],
                                                        train)
        if len(t.X_test):
            te_loss, te_metric = self._data_loss_and_metric(t.X_test, t.T_test, raw["test_y"])
        else:
            te_loss, te_metric = tr_loss, tr_metric
        penalty = regz.penalty(t.params, cfg.reg, cfg.reg_rate) if cfg.reg != "none" else 0.0
        dense = self._dense
        return {
            "epoch": t.epoch,
            "train_loss": tr_loss + penalty,
            "test_loss": te_loss,
            "train_penalty": penalty,
            "train_metric": tr_metric,
            "test_metric": te_metric,
            "lr": float(t.schedule(t.epoch)),
            "grad_norm": [_norm(d.dW) for d in dense],
            "weight_norm": [_norm(d.W) for d in dense],
        }

    # ---- the grid snapshot ---------------------------------------------------------------
    def grid_inputs(self, res):
        """Model inputs for the grid, feature-major (F, res*res) float32, built once per
        resolution (point k = row k // res, column k % res)."""
        if res not in self._grids:
            x0, x1, y0, y1 = self.domain
            xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
            gx, gy = np.meshgrid(xs, ys)  # row i = y from y0 (bottom) to y1
            raw = np.column_stack([gx.ravel(), gy.ravel()])
            F = self.t.scaler.transform(feats.transform(raw, self.t.config.features))
            G = np.ascontiguousarray(F.T, dtype=np.float32)
            G.flags.writeable = False        # snapshots hand out views of it ("inputs")
            self._grids[res] = G
        return self._grids[res]

    def grid_forward(self, G, params, hidden):
        """`forward` on the grid in float32, feature-major: A_l = g(W_l A_{l-1} + b_l),
        A_0 = G (F, n); appends each hidden layer's activations (n_l, n) to `hidden` and
        returns the output (K, n). The same numbers as `forward(G.T, np.float32)`, about
        4x faster: (n_l, n_{l-1}) @ (n_{l-1}, n) runs along long contiguous rows."""
        A, dense = G, iter(params)
        layers = self.t.model.layers
        last_dense = max(i for i, layer in enumerate(layers) if isinstance(layer, Dense))
        for i, layer in enumerate(layers):
            if isinstance(layer, Dense):
                W, b = next(dense)
                A = W.astype(np.float32) @ A
                A += b.astype(np.float32)[:, None]
            elif isinstance(layer, Dropout):
                continue
            else:
                A = type(layer).fn(A)
                if i < last_dense:
                    hidden.append(A)
        return A

    def snapshot(self, res=100, keyframe=None):
        """The state drawn by the UI; of `keyframe` (a recorder.Keyframe) when given."""
        t = self.t
        if not 2 <= res <= 200:
            raise ValueError(f"res must be between 2 and 200, got {res}")
        dense = t.model.dense_layers()
        if keyframe is None:
            Wb, grads = [(d.W, d.b) for d in dense], [(d.dW, d.db) for d in dense]
            row, history, epoch, step = t.history.last, t.history.arrays(), t.epoch, t.steps
            lr = float(t.optimizer.lr if t.steps else t.schedule(t.epoch))
            diverged, message = t.diverged, t.message
        else:
            shapes = [p.value.shape for p in t.params]
            flat_W = unflatten(keyframe.weights, shapes)
            flat_g = unflatten(keyframe.grads.astype(np.float64), shapes)
            Wb, grads = list(zip(flat_W[::2], flat_W[1::2])), list(zip(flat_g[::2],
                                                                      flat_g[1::2]))
            row, epoch, step = keyframe.row, keyframe.epoch, keyframe.steps
            history = history_until(t.history.arrays(), row)
            lr, diverged, message = float(row["lr"]), False, None
        G = self.grid_inputs(res)
        hidden = []
        out = self.grid_forward(G, Wb, hidden)
        proba = self._proba(out.T).astype(np.float32)
        grid = (res, res)
        output = proba.reshape(res, res, -1) if proba.ndim == 2 else proba.reshape(grid)
        return {
            "epoch": epoch, "step": step, "task": t.task,
            "n_classes": t.dataset.n_classes, "classes": list(t.dataset.classes),
            "domain": self.domain, "res": res,
            "output": output,
            "inputs": G.reshape(-1, res, res),
            "neurons": [h.reshape(-1, res, res) for h in hidden],
            "layer_sizes": [len(t.config.features)] + [d.W.shape[0] for d in dense],
            "activations": list(t.config.activations),
            "features": list(t.config.features),
            "loss_name": t.loss_name, "output_activation": t.output_activation,
            "W": [W.copy() for W, _ in Wb], "b": [b.copy() for _, b in Wb],
            "dW": [dW.copy() for dW, _ in grads], "db": [db.copy() for _, db in grads],
            "grad_norm": list(row["grad_norm"]), "weight_norm": list(row["weight_norm"]),
            "loss": {"train": row["train_loss"], "test": row["test_loss"],
                     "train_data": row["train_loss"] - row["train_penalty"],
                     "train_penalty": row["train_penalty"], "test_data": row["test_loss"]},
            "metric": {"name": "r2" if t.task == "regression" else "accuracy",
                       "train": row["train_metric"], "test": row["test_metric"]},
            "lr": lr, "diverged": diverged, "message": message,
            "history": history,
        }


def _norm(M):
    """Frobenius norm of a C-contiguous array: what np.linalg.norm(M) computes
    (sqrt of the dot product of the raveled array), without its dispatch."""
    flat = M.ravel()
    return math.sqrt(float(flat.dot(flat)))


def history_until(arrays, row):
    """History `arrays` (see History.arrays) cut after epoch row["epoch"], ending with
    `row`; the best test loss is the best of the rows kept."""
    keep = arrays["epoch"] <= row["epoch"]
    out = {name: value[keep] for name, value in arrays.items()
           if isinstance(value, np.ndarray)}
    if not len(out["epoch"]) or out["epoch"][-1] != row["epoch"]:
        for name in out:
            out[name] = np.concatenate([out[name], np.asarray([row[name]], dtype=float)])
    best = int(np.argmin(out["test_loss"]))
    out["best_epoch"], out["best_test_loss"] = int(out["epoch"][best]), float(
        out["test_loss"][best])
    return out
