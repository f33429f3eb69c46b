"""The take-away script: one run written out in plain NumPy, nothing else to install.

    text = standalone_script(config, epochs, dataset=None)   # python text; run it with python

The script builds the same data (the toy dataset's own generator, or your points embedded),
the same split, features and standardization, the same initial weights, the same shuffled
mini-batches, dropout masks, loss, optimizer and schedule, and prints the train and test
losses the app records, digit for digit. Every piece that is the engine's own code (the
dataset generator, the initializer, each activation's g and g', the loss, the layer steps,
the optimizer's class and its update rule, the schedule) is copied from `dnn_core` with
`inspect` (see `source.Bundle`), so the script cannot drift from the app; the training loop
around them is written here, mirroring `Trainer.step` and `Evaluator.epoch_row`.
"""
import inspect
import textwrap

import numpy as np

from dnn_core import datasets, features, params, regularization, steps
from dnn_core.activations import Activation
from dnn_core.data import Standardizer, train_test_split
from dnn_core.init import get_initializer
from dnn_core.trainer import Trainer
from ui.data.source import Bundle

RESULT_LINE = "epoch {epoch}: train loss {train!r}, test loss {test!r}"
PRINTS = 10   # about ten progress lines, then the last epoch


def printed_epochs(epochs):
    """The epochs after which the script prints a RESULT_LINE: 0, every k-th, the last."""
    every = max(1, epochs // PRINTS)
    return sorted({0, *range(every, epochs + 1, every), epochs})


def constructor_call(obj, first_args):
    """`Class(first_args, name=value, ...)`: every argument of the class's __init__ after
    `first_args` read back from the instance attribute of the same name (an engine
    optimizer or schedule keeps each setting it was built with under that name)."""
    cls = type(obj)
    args = list(first_args)
    for name, param in list(inspect.signature(cls.__init__).parameters.items())[1 + len(args):]:
        if param.kind is param.VAR_KEYWORD:
            args += [f"{s.name}={getattr(obj, s.name)!r}" for s in getattr(cls, "SETTINGS", ())]
        elif param.kind is param.VAR_POSITIONAL:
            raise TypeError(f"{cls.__name__}.__init__ takes *{name}: the script cannot rebuild it")
        elif not hasattr(obj, name):
            raise TypeError(f"{cls.__name__} must keep its argument {name!r} as an attribute "
                            "of the same name, so the script can rebuild it")
        else:
            args.append(f"{name}={getattr(obj, name)!r}")
    return f"{cls.__name__}({', '.join(args)})"


def _array(values, dtype):
    """`np.array([...])` code of `values`: a row per line, or labels filling the lines."""
    items = [repr(row) for row in values.tolist()]
    rows = (",\n    ".join(items) if values.ndim > 1 else
            "\n    ".join(textwrap.wrap(", ".join(items), 84, break_on_hyphens=False)))
    return f"np.array([\n    {rows},\n], dtype=np.{dtype})"


def _embedded(dataset, about):
    """Code setting X and y to `dataset`'s points as they are, after the comment `about`
    (lines of text, each wrapped)."""
    comment = "\n".join(line for text in about for line in textwrap.wrap(
        text, 88, initial_indent="# ", subsequent_indent="# "))
    labels = (f"# classes[k] is the label of class k: {list(dataset.classes)!r}\n"
              if dataset.classes else "")
    return (f"{comment}\n{labels}X = {_array(dataset.X, 'float64')}\n"
            f"y = {_array(dataset.y, dataset.y.dtype.name)}\n")


def _data_section(bundle, trainer):
    """Code that leaves raw points X (n, 2) and labels or targets y (n,): embedded for your
    own data and for a real dataset (the rows the trainer drew), else drawn from data_rng."""
    config, dataset = trainer.config, trainer.data
    if dataset is not None:
        return _embedded(dataset, [f"Your {dataset.source} data ({len(dataset.X):,} points), "
                                   "exactly as the app holds it."])
    info = datasets.get_info(config.dataset)
    if info.kind == "real":
        return _embedded(trainer.dataset, [
            f"{info.title}: {len(trainer.dataset.X):,} measured points as the app drew them "
            "(dnn_core.datasets.make: scaled to the square, jittered by NOISE, shuffled).",
            f"Source: {info.source}.", f"Licence: {info.licence}."])
    gen = getattr(datasets, "_REGRESSIONS" if info.task == "regression" else "_CLASSIFIERS")[
        config.dataset]
    name = bundle.add(gen)
    if info.task == "regression":
        draw = f"X, y = {name}(N, NOISE, data_rng)"
    else:
        draw = (f"X, y = {name}({bundle.add(datasets._class_sizes)}(N, {info.n_classes}), "
                "NOISE, data_rng)\ny = y.astype(np.int64)")
    return (f"# The toy dataset {config.dataset!r} (dnn_core.datasets.make), then shuffled.\n"
            f"{draw}\norder = data_rng.permutation(len(X))\n"
            "X, y = np.ascontiguousarray(X[order], dtype=np.float64), y[order]\n")


def _targets_section(trainer):
    """Code mapping raw labels y_train / y_test to the loss's targets T_train / T_test."""
    if trainer.loss_name == "ce":
        return "T_train, T_test = y_train.astype(np.int64), y_test.astype(np.int64)\n"
    shaped = "t.astype(np.float64).reshape(-1, 1)"
    if trainer.task == "regression" and trainer.dataset.source != "toy":
        return ("# Your targets come in any units: the network learns them standardized.\n"
                "target_scaler = Standardizer().fit(y_train.astype(np.float64))\n"
                f"T_train, T_test = (target_scaler.transform({shaped}) "
                "for t in (y_train, y_test))\n")
    if trainer.task == "binary" and trainer.loss_name == "mse":
        return ("# +-1 labels for the tanh output (TF Playground's)\n"
                f"T_train, T_test = (2.0 * {shaped} - 1.0 for t in (y_train, y_test))\n")
    return f"T_train, T_test = ({shaped} for t in (y_train, y_test))\n"


def _regularization(bundle, config):
    """(penalty expression, gradient lines) for the training step; empty when off."""
    if config.reg == "none":
        return "0.0", ""
    reg = bundle.add(regularization.get_regularizer(config.reg), ("fn", "derivative"))
    penalty = f"float(REG_RATE * sum({reg}.fn(p.value) for p in params if p.decay))"
    if config.reg_rate <= 0:
        return penalty, ""
    return penalty, (f"    for p in params:  # the penalty's gradient, weights only\n"
                     f"        if p.decay:\n"
                     f"            p.grad += REG_RATE * {reg}.derivative(p.value)\n")


def standalone_script(config, epochs, dataset=None):
    """A Python script (str) that trains `config` (on `dataset`: uploaded or drawn data,
    or None for the toy dataset) for `epochs` epochs with NumPy alone and prints
    RESULT_LINE after each of `printed_epochs(epochs)`."""
    return script_for(Trainer(config, data=dataset), epochs)


def script_for(trainer, epochs):
    """The script of `trainer`'s run, read from a trainer that has not trained yet: its
    optimizer, schedule, loss and layers are the objects whose code is copied."""
    config = trainer.config
    bundle = Bundle()
    param = bundle.add(params.Param, ("__init__",))
    data_code = _data_section(bundle, trainer)
    split = bundle.add(train_test_split)
    scaler = bundle.add(Standardizer, ("__init__", "fit", "transform"))
    feature_fns = "\n    ".join(
        f"{bundle.lambda_source(features.FEATURES[name].fn)},  # {name}"
        for name in config.features)
    init = bundle.add(get_initializer(config.init))
    layers = trainer.model.layers
    acts = [type(layer) for layer in layers if isinstance(layer, Activation)]
    output_act = type(layers[-1]) if isinstance(layers[-1], Activation) else None
    hidden_acts = acts[:-1] if output_act else acts
    act_names = [bundle.add(cls, ("fn", "derivative")) for cls in (*hidden_acts, *acts[-1:])]
    loss = bundle.add(type(trainer.loss), ("__init__", "forward", "backward"))
    linear_forward = bundle.add(steps.linear_forward)
    linear_backward = bundle.add(steps.linear_backward)
    column_major = bundle.add(steps.column_major)
    penalty, penalty_grad = _regularization(bundle, config)
    penalty_in_cost = " + penalty()" if penalty_grad else ""
    optimizer_cls = bundle.add(type(trainer.optimizer), ("__init__", "step"))
    schedule_cls = bundle.add(type(trainer.schedule), ("__init__", "__call__"))
    ds = trainer.dataset
    n_out = ds.n_classes if ds.task == "multiclass" else 1
    out_fn = f"{output_act.__name__}" if output_act else "None"
    return f'''"""DNN Playground run, written out in NumPy: same data, weights, batches and update.

    python dnn_playground_run.py      (needs Python 3 and NumPy, nothing else)

It prints the train and test loss after the epochs below, digit for digit what the app
recorded. The functions and classes are the engine's own code (dnn_core), copied as they
are, less what only the app's pages read (titles, formulas, settings' rows; defaults are
written as numbers); the training loop at the bottom is the app's Trainer written out.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread, as in the app
{bundle.text()}

# ---- the settings of this run -------------------------------------------------------
SEED = {config.seed!r}
N, NOISE, TRAIN_FRAC = {config.n!r}, {config.noise!r}, {config.train_frac!r}
HIDDEN = {tuple(config.hidden)!r}
DROPOUT = {config.dropout!r}
REG_RATE = {config.reg_rate!r}
EPOCHS = {int(epochs)}
PRINT_AT = {printed_epochs(int(epochs))!r}
FEATURES = [
    {feature_fns}
]
ACTIVATIONS = [{", ".join(act_names[:len(hidden_acts)])}]  # one per hidden layer
OUTPUT_ACTIVATION = {out_fn}  # the loss applies sigmoid or softmax itself

# Five independent random streams from one seed: data, split, weights, shuffling, dropout.
data_rng, split_rng, init_rng, shuffle_rng, dropout_rng = (
    np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(5))

# ---- data: points, split, input features, standardization ---------------------------
{data_code}
X_train_raw, y_train, X_test_raw, y_test = {split}(X, y, TRAIN_FRAC, split_rng)


def input_features(points):
    """(n, 2) raw points -> (n, len(FEATURES)), one column per feature."""
    out = np.empty((points.shape[0], len(FEATURES)))
    for j, feature in enumerate(FEATURES):
        out[:, j] = feature(points)
    return out


scaler = {scaler}().fit(input_features(X_train_raw))  # the training part's mean and std
X_train = scaler.transform(input_features(X_train_raw))
X_test = scaler.transform(input_features(X_test_raw))
{_targets_section(trainer)}
# ---- the network: W (out, in) and b (out,) per layer, drawn layer by layer ----------
sizes = [len(FEATURES), *HIDDEN, {n_out}]
params = []
for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
    params += [{param}(f"W{{l}}", {init}((n_out, n_in), init_rng), decay=True),
               {param}(f"b{{l}}", np.zeros(n_out), decay=False)]
weights, biases = params[0::2], params[1::2]
loss = {loss}()
optimizer = {constructor_call(trainer.optimizer, ["params"])}
schedule = {constructor_call(trainer.schedule, [])}


def train_step(Xb, Tb):
    """One mini-batch update (Trainer.step): forward, cost, backward, the optimizer's step."""
    A, cache = Xb, []
    for W, b, g in zip(weights, biases, ACTIVATIONS):   # hidden layers
        Z = {linear_forward}(A, W.value, b.value)          # Z = A W^T + b
        A_in, A = A, g.fn(Z)                           # A = g(Z)
        mask = None
        if DROPOUT > 0:  # inverted dropout, column-major like every layer's output
            mask = (dropout_rng.random(A.shape) >= DROPOUT) / (1.0 - DROPOUT)
            cache.append((A_in, Z, A, mask))
            A = np.multiply(A, mask, out={column_major}(A.shape))
        else:
            cache.append((A_in, Z, A, mask))
    inputs = [entry[0] for entry in cache] + [A]       # the input of each Dense layer
    Z = {linear_forward}(A, weights[-1].value, biases[-1].value)
    output = Z if OUTPUT_ACTIVATION is None else OUTPUT_ACTIVATION.fn(Z)
    cost = loss.forward(output, Tb){penalty_in_cost}
    dZ = loss.backward()                               # dJ/d(output), already divided by n
    if OUTPUT_ACTIVATION is not None:
        dZ = OUTPUT_ACTIVATION.derivative(Z, output)
        dZ *= loss.backward()
    for l in range(len(weights) - 1, -1, -1):          # backward, last layer first
        dA, weights[l].grad, biases[l].grad = {linear_backward}(
            dZ, inputs[l], weights[l].value, input_grad=l > 0)
        if l > 0:
            _, Z, A, mask = cache[l - 1]
            if mask is not None:
                dA = np.multiply(dA, mask, out={column_major}(dA.shape))
            dZ = ACTIVATIONS[l - 1].derivative(Z, A)  # dZ = dA * g'(Z)
            dZ *= dA
{penalty_grad}    optimizer.step()
    return cost


def data_loss(X, T):
    """The loss of the current network on a whole set, dropout off (Evaluator.forward)."""
    A = X
    for W, b, g in zip(weights, biases, ACTIVATIONS):
        A = g.fn(A @ W.value.T + b.value)
    A = A @ weights[-1].value.T + biases[-1].value
    if OUTPUT_ACTIVATION is not None:
        A = OUTPUT_ACTIVATION.fn(A)
    return float(eval_loss.forward(A, T))


def penalty():
    return {penalty}


def report(epoch):
    train = data_loss(X_train, T_train)
    test = data_loss(X_test, T_test) if len(X_test) else train
    print(f"epoch {{epoch}}: train loss {{train + penalty()!r}}, test loss {{test!r}}")


# ---- training: EPOCHS passes over the training set, reshuffled each epoch -----------
BATCH = {trainer.batch}
eval_loss = {loss}()
report(0)
for epoch in range(EPOCHS):
    order = shuffle_rng.permutation(len(X_train))
    for start in range(0, len(X_train), BATCH):
        rows = order[start:start + BATCH]
        if len(rows) == len(X_train):
            Xb, Tb = X_train, T_train       # the whole set, in its own order
        else:
            Xb, Tb = X_train[rows], T_train[rows]
        optimizer.lr = schedule(epoch)
        if not np.isfinite(train_step(Xb, Tb)):
            raise SystemExit(f"training diverged at epoch {{epoch}}: the loss is not finite")
    if epoch + 1 in PRINT_AT:
        report(epoch + 1)
'''
