"""One training step, taken apart: the nine steps of the course on a private copy of the run.

    walk = take_step(trainer, indices)   # indices: training rows, or None for the next batch
    walk.layers[0].Z, walk.layers[0].dW, walk.cost, walk.layers[-1].W_new ...
    apply_step(trainer, walk)            # the same update on the real run

`take_step` deep-copies the trainer (model, loss, optimizer state, schedule, random streams)
and calls on the copy the very phases `Trainer.step` runs, recording what each produced:
`forward` (step 4, which runs steps 2 and 3 inside the layers), `cost` (step 5 and the
penalty), `backward` (steps 8, 7, 6 and the penalty's gradient) and `apply_update` (step 9).
Every array shown is a copy of what those calls produced, so `apply_step` reproduces it bit
for bit. Shapes: rows are samples, n = len(indices).
"""
import copy
import inspect
from dataclasses import dataclass, field

import numpy as np

from dnn_core import regularization as regz
from dnn_core import steps
from dnn_core.activations import Activation, Identity
from dnn_core.init import get_initializer
from dnn_core.layers import Dense, Dropout
from dnn_core.optimizers import Optimizer
from dnn_core.trainer import Trainer

STEP_TITLES = ("Initialize parameters", "Linear forward", "Activation forward",
               "L-layer forward", "Cost", "Linear backward", "Activation backward",
               "L-layer backward", "Update parameters")
MAX_PICK = 8


@dataclass
class LayerStep:
    """Layer l (1-based) in this step. n samples, n_prev = n_{l-1} inputs, n_l units.

    A_prev (n, n_prev) is the layer's input (after the previous layer's dropout);
    Z = A_prev W^T + b and A = g(Z) are (n, n_l); `mask` is the dropout mask after A (or
    None); dA, dZ (n, n_l) and dA_prev (n, n_prev) come from the backward pass; dW, db are
    the data gradients (steps 6-8), dW_penalty the regularization gradient added to dW
    before the update; W_new, b_new the parameters after step 9. `state` maps an optimizer
    state name to (before, after) pairs of (W-shaped, b-shaped) arrays.
    """

    index: int
    activation: type
    W: np.ndarray
    b: np.ndarray
    A_prev: np.ndarray = None
    Z: np.ndarray = None
    A: np.ndarray = None
    mask: np.ndarray = None
    dA: np.ndarray = None
    dZ: np.ndarray = None
    dA_prev: np.ndarray = None
    dW: np.ndarray = None
    db: np.ndarray = None
    dW_penalty: np.ndarray = None
    W_new: np.ndarray = None
    b_new: np.ndarray = None
    state: dict = field(default_factory=dict)

    @property
    def is_output(self):
        """True when no activation layer follows (the loss applies sigmoid/softmax)."""
        return self.activation is None

    @property
    def g(self):
        """The activation class shown for this layer (Identity for the raw output)."""
        return self.activation or Identity


@dataclass
class Walkthrough:
    """One training step. X (n, F) model inputs, T the targets as the loss sees them,
    output (n, K) the network output (logits for bce/ce), prediction its sigmoid/softmax."""

    indices: np.ndarray
    next_batch: bool
    steps_before: int
    X: np.ndarray
    T: np.ndarray
    output: np.ndarray
    prediction: np.ndarray
    output_activation: str
    cost_data: float
    penalty: float
    dOutput: np.ndarray
    layers: list
    loss: object
    optimizer: object
    lr: float
    reg: str
    reg_rate: float
    finite: bool
    config: object

    @property
    def cost(self):
        return self.cost_data + self.penalty


def pick_rows(n_train, count, seed):
    """`count` (1..8) distinct training rows drawn with `seed`, in drawn order."""
    count = max(1, min(int(count), MAX_PICK, n_train))
    return np.random.default_rng(seed).choice(n_train, size=count, replace=False)


def parse_rows(text, n_train):
    """Row numbers from '3, 17, 42' -> array; ValueError saying what is wrong."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise ValueError("give at least one training row number")
    rows = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a row number (0 to {n_train - 1})")
        if int(part) >= n_train:
            raise ValueError(f"row {part} does not exist: the training set has rows "
                             f"0 to {n_train - 1}")
        if int(part) not in rows:
            rows.append(int(part))
    if len(rows) > MAX_PICK:
        raise ValueError(f"{len(rows)} rows: pick at most {MAX_PICK}")
    return np.array(rows, dtype=np.int64)


def _blocks(model):
    """[(Dense, Activation or None, Dropout or None)] per Dense layer, in order."""
    blocks = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            blocks.append([layer, None, None])
        elif isinstance(layer, Activation):
            blocks[-1][1] = layer
        elif isinstance(layer, Dropout):
            blocks[-1][2] = layer
    return blocks


def take_step(trainer, indices=None):
    """The next training step of `trainer` on `indices` (training rows; None: the batch the
    Playground's next step would use), computed on a deep copy. The trainer is unchanged."""
    # No phase reads the record or the history: the copy shares them.
    run = copy.deepcopy(trainer, {id(trainer.record): trainer.record,
                                  id(trainer.history): trainer.history})
    run.model.dense_layers()[0].input_grad = True  # the course shows dA[0] too
    next_batch = indices is None
    indices, X, T = run.batch_for(indices)
    model, opt = run.model, run.optimizer
    blocks = _blocks(model)
    layers = [LayerStep(l, type(act) if act is not None else None, d.W.copy(), d.b.copy())
              for l, (d, act, _) in enumerate(blocks, start=1)]

    output = run.forward(X).copy()                                           # step 4 (2, 3)
    for (dense, act, drop), ls in zip(blocks, layers):
        ls.A_prev = dense.X.copy()
        ls.Z = (act.Z if act is not None else output).copy()
        ls.A = (act.A if act is not None else output).copy()
        ls.mask = None if drop is None or drop.mask is None else np.array(drop.mask, float)
    cost_data, penalty = run.cost(output, T)                                 # step 5
    received, data_grads, dX = {}, {}, []

    def observe(layer, dA, dA_prev):
        received[id(layer)] = dA.copy()
        if isinstance(layer, Dense):   # before the penalty's gradient is added
            data_grads[id(layer)] = (layer.dW.copy(), layer.db.copy())
        if layer is model.layers[0]:
            dX.append(dA_prev.copy())

    run.backward(observe)                                                    # steps 8, 7, 6
    for (dense, act, _), ls in zip(blocks, layers):
        ls.dZ = received[id(dense)]
        ls.dA = received[id(act)] if act is not None else ls.dZ
        ls.dW, ls.db = data_grads[id(dense)]
        position = model.layers.index(dense)
        ls.dA_prev = received[id(model.layers[position - 1])] if position else dX[0]
        ls.dW_penalty = dense.dW - ls.dW
    before = opt.state()
    lr = run.schedule(run.epoch)
    finite = bool(np.isfinite(cost_data + penalty))
    if finite:
        run.apply_update()                                                   # step 9
    after = opt.state()
    for (dense, _, _), ls in zip(blocks, layers):
        ls.W_new, ls.b_new = dense.W.copy(), dense.b.copy()
        ls.state = _layer_state(opt, dense, before, after)
    return Walkthrough(indices, next_batch, trainer.steps, X.copy(), np.array(T, copy=True),
                       output, run.head.prediction(output), run.output_activation, cost_data,
                       penalty, received[id(model.layers[-1])], layers, run.loss, opt, lr,
                       run.config.reg, run.config.reg_rate, finite, run.config)


def _layer_state(opt, dense, before, after):
    """{state name: ((W before, b before), (W after, b after))} for one Dense layer."""
    where = [i for i, p in enumerate(opt.params) if p is dense.weight or p is dense.bias]
    state = {}
    for name, values in after.items():
        if isinstance(values, list):
            state[name] = (tuple(before[name][i] for i in where),
                           tuple(values[i] for i in where))
    return state


def apply_step(trainer, walk):
    """Perform `walk`'s update on the real run: the Playground's next step for the next
    batch (its epoch advances), else `trainer.step(indices=...)` on the picked rows."""
    if walk.next_batch:
        return trainer.step()
    return trainer.step(indices=walk.indices)


def initial_parameters(trainer):
    """[(W, b)] per layer as step 1 drew them for this run: a fresh build from the same
    config and seed (bit-identical to the run's start)."""
    fresh = Trainer(trainer.config, data=trainer.data)
    return [(d.W.copy(), d.b.copy()) for d in fresh.model.dense_layers()]


def step_sources(walk, step, layer_index=1):
    """[(name, source)] of the engine functions that ran in `step` (1..9) for layer l."""
    ls = walk.layers[layer_index - 1]
    fns = {
        1: [steps.initialize_parameters, get_initializer(walk.config.init)],
        2: [steps.linear_forward, Dense.forward],
        3: [steps.activation_forward, ls.g.fn],
        4: [steps.model_forward],
        5: [steps.compute_cost, type(walk.loss).forward, type(walk.loss).backward],
        6: [steps.linear_backward, Dense.backward],
        7: [steps.activation_backward, ls.g.derivative],
        8: [steps.model_backward] + ([regz.add_penalty_grad] if walk.penalty else []),
        9: [steps.update_parameters, Optimizer.step, type(walk.optimizer)._rule],
    }[step]
    return [(f.__qualname__, inspect.getsource(f)) for f in fns]
