"""Training history in bounded memory.

One row per recorded epoch. Every row is kept until `capacity` rows are stored; then every
other row is dropped and only every 2nd (then 4th, 8th...) later epoch is stored, so a run
of a million epochs keeps at most `capacity` evenly spread rows. The latest row and the
best test loss are always exact, whatever was thinned. This is the only thinning rule: the
live view sends these rows and the browser draws exactly them (`stride` tells it when the
stored rows were thinned, so it takes the whole history again).
"""
import numpy as np

SCALARS = ("epoch", "train_loss", "test_loss", "train_penalty", "train_metric",
           "test_metric", "lr")
CAPACITY = 2048


class History:
    """Columns of per-epoch numbers; `per_layer` columns hold one value per Dense layer."""

    def __init__(self, n_layers, capacity=CAPACITY):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number of at least 4")
        self.capacity = capacity
        self.n_layers = n_layers
        self._cols = {name: np.empty(capacity) for name in SCALARS}
        self._grad = np.empty((capacity, n_layers))
        self._weight = np.empty((capacity, n_layers))
        self._size = 0
        self._stride = 1
        self._seen = 0
        self.last = None
        self.best_epoch = -1
        self.best_test_loss = np.inf

    def __len__(self):
        return self._size

    def append(self, row):
        """Record one epoch: `row` maps SCALARS names to floats and has 'grad_norm' and
        'weight_norm' sequences (one value per layer)."""
        self.last = row
        if row["test_loss"] < self.best_test_loss:
            self.best_test_loss = float(row["test_loss"])
            self.best_epoch = int(row["epoch"])
        keep = self._seen % self._stride == 0
        self._seen += 1
        if not keep:
            return
        if self._size == self.capacity:
            self._thin()
            if (self._seen - 1) % self._stride:
                return
        i = self._size
        for name in SCALARS:
            self._cols[name][i] = row[name]
        self._grad[i] = row["grad_norm"]
        self._weight[i] = row["weight_norm"]
        self._size += 1

    def _thin(self):
        half = self.capacity // 2
        for col in (*self._cols.values(), self._grad, self._weight):
            col[:half] = col[0:self.capacity:2]
        self._size = half
        self._stride *= 2

    def arrays(self):
        """The stored rows as arrays (copies), with the latest row appended if thinning
        skipped it, plus `best_epoch`, `best_test_loss`, `stored` (how many rows are stored
        ones, the rest is that latest row) and `stride` (every stride-th epoch is stored)."""
        n = self._size
        out = {name: col[:n].copy() for name, col in self._cols.items()}
        out["grad_norm"] = self._grad[:n].copy()
        out["weight_norm"] = self._weight[:n].copy()
        last = self.last
        if last is not None and (n == 0 or out["epoch"][-1] != last["epoch"]):
            for name in SCALARS:
                out[name] = np.append(out[name], last[name])
            out["grad_norm"] = np.vstack([out["grad_norm"], np.asarray(last["grad_norm"])[None]])
            out["weight_norm"] = np.vstack(
                [out["weight_norm"], np.asarray(last["weight_norm"])[None]])
        out["best_epoch"] = self.best_epoch
        out["best_test_loss"] = self.best_test_loss
        out["stored"] = n
        out["stride"] = self._stride
        return out

    def nbytes(self):
        """Memory held by the stored columns (constant: preallocated)."""
        return sum(c.nbytes for c in self._cols.values()) + self._grad.nbytes + self._weight.nbytes

    def truncate(self, last):
        """Forget every row after epoch `last["epoch"]`, which becomes the latest row (rows
        are one per epoch from epoch 0, as the trainer appends them). The best test loss
        is then the best of the rows kept."""
        epoch = last["epoch"]
        self._size = int(np.searchsorted(self._cols["epoch"][:self._size], epoch, side="right"))
        self._seen = int(epoch) + 1
        self.last = last
        tests = np.append(self._cols["test_loss"][:self._size], last["test_loss"])
        epochs = np.append(self._cols["epoch"][:self._size], epoch)
        best = int(np.argmin(tests))
        self.best_test_loss, self.best_epoch = float(tests[best]), int(epochs[best])

    def state_dict(self):
        """Everything, for saving: the stored columns (copies), the thinning state, the
        latest row and the best test loss."""
        n = self._size
        return {"columns": {name: col[:n].copy() for name, col in self._cols.items()},
                "grad_norm": self._grad[:n].copy(), "weight_norm": self._weight[:n].copy(),
                "stride": self._stride, "seen": self._seen, "last": self.last,
                "best_epoch": self.best_epoch, "best_test_loss": self.best_test_loss}

    def load_state_dict(self, state):
        n = len(state["columns"]["epoch"])
        if n > self.capacity:
            raise ValueError(f"the history holds {n} rows, more than {self.capacity}")
        for name in SCALARS:
            self._cols[name][:n] = state["columns"][name]
        self._grad[:n] = np.reshape(state["grad_norm"], (n, self.n_layers))
        self._weight[:n] = np.reshape(state["weight_norm"], (n, self.n_layers))
        self._size, self._stride, self._seen = n, int(state["stride"]), int(state["seen"])
        self.last = state["last"]
        self.best_epoch, self.best_test_loss = int(state["best_epoch"]), float(
            state["best_test_loss"])
