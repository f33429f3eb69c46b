"""A recorded run: keyframes of the parameters, every epoch at first, then thinned evenly.

A keyframe is the run at the end of one epoch: the weights (float64, exact), the gradients
of that epoch's last update (float32: they are only drawn, the next backward overwrites
them), the optimizer's state (float64) when the record keeps it, the epoch, the update
count, the random streams, the blow-up count and the history row.

Bound: at most `MAX_KEYFRAMES` (300) keyframes and `BUDGET` (8 MiB) per run. With P
parameters a keyframe takes 12 P bytes, 28 P with room for two optimizer state vectors
(Adam's m and v), plus `OVERHEAD` for its scalars. The optimizer state is kept when all 300
keyframes fit the budget with it (P <= 925: e.g. 8 layers of 10 neurons on all 7 inputs),
because "continue from here" is then exact, momentum and Adam's moments included; a bigger
network keeps more keyframes instead, and a rewind starts its optimizer afresh (plain SGD
has no state: its rewinds are always exact). The largest network the app offers (7 inputs,
8 x 32, 3 classes: P = 7,747) keeps 88 keyframes of 95 kB (7.97 MiB in all). At least 4
keyframes are kept whatever the size.

Thinning (as `History`): keyframes are kept at epochs first + k * stride; when
`capacity - 1` are kept, every other one goes and the stride doubles; the latest epoch has
a slot of its own, so the first and the latest epoch are always exact.
"""
from dataclasses import dataclass

import numpy as np

MAX_KEYFRAMES = 300
BUDGET = 8 * 2**20
OVERHEAD = 2048      # bytes per keyframe for its scalars (random streams, history row)
STATE_ROOM = 2       # optimizer state vectors a keyframe may hold


@dataclass(frozen=True)
class Keyframe:
    """The run at the end of epoch `epoch`. weights (P,) float64 and grads (P,) float32:
    every parameter raveled, in `model.parameters()` order. optimizer: None or {"name",
    "hyper", "t", "keys", "state": the STATE vectors concatenated (len(keys) * P,)}."""

    epoch: int
    steps: int
    weights: np.ndarray
    grads: np.ndarray
    optimizer: dict
    rng: dict
    blowup_epochs: int
    row: dict

    @property
    def nbytes(self):
        state = 0 if self.optimizer is None else self.optimizer["state"].nbytes
        return self.weights.nbytes + self.grads.nbytes + state + OVERHEAD


def plan(n_params, max_keyframes=MAX_KEYFRAMES, budget=BUDGET):
    """(capacity, keeps_optimizer) for a network of `n_params` parameters."""
    with_state = (12 + 8 * STATE_ROOM) * n_params + OVERHEAD
    if max_keyframes * with_state <= budget:
        return max_keyframes, True
    return max(4, min(max_keyframes, budget // (12 * n_params + OVERHEAD))), False


def flatten(arrays, dtype=np.float64):
    """One vector (sum of sizes,) of the arrays raveled in order."""
    return np.concatenate([a.ravel() for a in arrays], dtype=dtype)


def unflatten(flat, shapes):
    """Views of `flat`, one per shape, in order (the inverse of `flatten`)."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[start:start + size].reshape(shape))
        start += size
    return out


def optimizer_state(opt):
    """A keyframe's copy of `opt`'s state (None if it has more than STATE_ROOM vectors)."""
    if len(opt.STATE) > STATE_ROOM:
        return None
    return {"name": opt.name, "hyper": opt.hyper(), "t": getattr(opt, "t", None),
            "keys": list(opt.STATE),
            "state": np.concatenate([getattr(opt, key) for key in opt.STATE]) if opt.STATE
            else np.empty(0)}


def same_optimizer(opt, saved):
    """True when `saved` (a keyframe's optimizer state) is `opt`'s kind with its settings."""
    return saved is not None and (saved["name"], saved["hyper"]) == (opt.name, opt.hyper())


def restore_optimizer(opt, saved):
    """Put a keyframe's optimizer state back into `opt` (see `same_optimizer`)."""
    state = {"name": opt.name, "lr": opt.lr, **saved["hyper"]}
    shapes = [p.value.shape for p in opt.params]
    vectors = np.split(saved["state"], len(saved["keys"])) if saved["keys"] else []
    for key, flat in zip(saved["keys"], vectors):
        state[key] = unflatten(flat, shapes)
    if saved["t"] is not None:
        state["t"] = saved["t"]
    opt.load_state_dict(state)


class Recorder:
    """The keyframes of one run, oldest first; `record[i]` is a Keyframe."""

    def __init__(self, n_params, max_keyframes=MAX_KEYFRAMES, budget=BUDGET):
        self.n_params = int(n_params)
        self.capacity, self.keeps_optimizer = plan(self.n_params, max_keyframes, budget)
        self.clear()

    def clear(self):
        self._frames, self._latest, self.stride = [], None, 1

    def __len__(self):
        return len(self._frames) + (self._latest is not None)

    def __getitem__(self, i):
        return self.keyframes()[i]

    def keyframes(self):
        return self._frames + ([self._latest] if self._latest is not None else [])

    def epochs(self):
        return [k.epoch for k in self.keyframes()]

    def add(self, keyframe):
        """Record the end of an epoch (epochs must grow)."""
        first = self._frames[0].epoch if self._frames else keyframe.epoch
        if (keyframe.epoch - first) % self.stride == 0:
            if len(self._frames) == self.capacity - 1:
                self.stride *= 2
                self._frames = [k for k in self._frames
                                if (k.epoch - first) % self.stride == 0]
            if (keyframe.epoch - first) % self.stride == 0:
                self._frames.append(keyframe)
                self._latest = None
                return
        self._latest = keyframe

    def truncate(self, i):
        """Forget every keyframe after keyframe i."""
        i = range(len(self))[i]
        if i < len(self._frames):
            self._frames, self._latest = self._frames[:i + 1], None

    def nbytes(self):
        return sum(k.nbytes for k in self.keyframes())

    # ---- saving --------------------------------------------------------------------
    def state_dict(self):
        """Plain values and three arrays: weights (k, P), grads (k, P), the optimizer
        states concatenated (each keyframe's optimizer dict says where its part starts)."""
        frames = self.keyframes()
        optimizers, offset = [], 0
        for k in frames:
            if k.optimizer is None:
                optimizers.append(None)
                continue
            meta = {key: k.optimizer[key] for key in ("name", "hyper", "t", "keys")}
            optimizers.append({**meta, "offset": offset, "size": k.optimizer["state"].size})
            offset += k.optimizer["state"].size
        states = [k.optimizer["state"] for k in frames if k.optimizer is not None]
        return {
            "stride": self.stride, "latest_apart": self._latest is not None,
            "epoch": [k.epoch for k in frames], "steps": [k.steps for k in frames],
            "rng": [k.rng for k in frames], "blowup_epochs": [k.blowup_epochs for k in frames],
            "row": [k.row for k in frames], "optimizer": optimizers,
            "weights": np.array([k.weights for k in frames]).reshape(len(frames), self.n_params),
            "grads": np.array([k.grads for k in frames], np.float32).reshape(
                len(frames), self.n_params),
            "optimizer_state": np.concatenate(states) if states else np.empty(0),
        }

    def load_state_dict(self, state):
        weights, grads = np.asarray(state["weights"]), np.asarray(state["grads"])
        n = len(state["epoch"])
        if weights.shape != (n, self.n_params) or grads.shape != (n, self.n_params):
            raise ValueError(f"the record's keyframes hold {weights.shape[-1]} parameters, "
                             f"the network has {self.n_params}")
        if n > self.capacity:
            raise ValueError(f"the record holds {n} keyframes, more than {self.capacity}")
        flat_states = np.asarray(state["optimizer_state"], dtype=np.float64)
        frames = []
        for i in range(n):
            meta = state["optimizer"][i]
            optimizer = None
            if meta is not None:
                part = flat_states[int(meta["offset"]):int(meta["offset"]) + int(meta["size"])]
                if part.size != len(meta["keys"]) * self.n_params:
                    raise ValueError("a keyframe's optimizer state has the wrong size")
                optimizer = {"name": meta["name"], "hyper": dict(meta["hyper"]),
                             "t": meta["t"], "keys": list(meta["keys"]), "state": part.copy()}
            frames.append(Keyframe(int(state["epoch"][i]), int(state["steps"][i]),
                                   weights[i].astype(np.float64), grads[i].astype(np.float32),
                                   optimizer, state["rng"][i], int(state["blowup_epochs"][i]),
                                   dict(state["row"][i])))
        if any(b.epoch <= a.epoch for a, b in zip(frames, frames[1:])):
            raise ValueError("the record's epochs do not grow")
        self.stride = int(state["stride"])
        apart = bool(state["latest_apart"]) and frames
        self._frames = frames[:-1] if apart else frames
        self._latest = frames[-1] if apart else None
