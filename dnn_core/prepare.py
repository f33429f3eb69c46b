"""A run's data as the network sees it: the split, input features, standardization and
the targets in the form the loss takes.

    prepared = prepare_data(dataset, config, head, split_rng)
    prepared["X_train"]  (n_train, F) standardized features;  prepared["T_train"] targets

Standardization is fitted on the training part only. Targets: integer labels (n,) for
cross-entropy; (n, 1) floats otherwise, 0/1 for BCE, ±1 for a tanh output (TF Playground's
labels), and for regression standardized too when the data is the learner's own (prices,
metres: any units), so predictions are mapped back with `target_scaler`.
"""
import numpy as np

from . import features as feats
from .data import Standardizer, train_test_split


def prepare_data(dataset, config, head, split_rng):
    """{raw (the split points and labels), scaler, X_train, X_test, target_scaler, T_train,
    T_test} for `dataset` under `config`'s train fraction and features."""
    X_tr, y_tr, X_te, y_te = train_test_split(dataset.X, dataset.y, config.train_frac,
                                              split_rng)
    F_tr = feats.transform(X_tr, config.features)
    scaler = Standardizer().fit(F_tr)
    own_regression = dataset.task == "regression" and dataset.source != "toy"
    target_scaler = (Standardizer().fit(y_tr.astype(np.float64)) if own_regression
                     else Standardizer(mean=0.0, std=1.0))
    return {"raw": {"train_X": X_tr, "train_y": y_tr, "test_X": X_te, "test_y": y_te},
            "scaler": scaler, "X_train": scaler.transform(F_tr),
            "X_test": scaler.transform(feats.transform(X_te, config.features)),
            "target_scaler": target_scaler,
            "T_train": targets(y_tr, head, target_scaler),
            "T_test": targets(y_te, head, target_scaler)}


def targets(y, head, target_scaler):
    """Labels or values `y` (n,) as the loss of `head` takes them."""
    if head.activation == "softmax":
        return y.astype(np.int64)
    t = y.astype(np.float64).reshape(-1, 1)
    if head.task == "regression":
        return target_scaler.transform(t)
    if head.activation == "tanh":
        return 2.0 * t - 1.0
    return t
