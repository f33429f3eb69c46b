"""Scores for the cost panel: accuracy and confusion matrix (classification), R² and RMSE
(regression).

Every function takes `y_true` and `y_pred` of n values each, in any shape ((n,) or (n, 1));
both are flattened. Classification takes labels (0..K-1), not probabilities.

    accuracy  = mean(y_true == y_pred)
    R²        = 1 - sum (y - ŷ)² / sum (y - mean y)²
    RMSE      = sqrt(mean (y - ŷ)²)
"""
import math

import numpy as np


def _flat_pair(y_true, y_pred, allow_empty=False):
    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    if y_true.size != y_pred.size:
        raise ValueError(f"y_true has {y_true.size} values but y_pred has {y_pred.size}")
    if y_true.size == 0 and not allow_empty:
        raise ValueError("no samples to score")
    return y_true, y_pred


def accuracy(y_true, y_pred):
    """Fraction of labels predicted exactly right, in [0, 1]."""
    y_true, y_pred = _flat_pair(y_true, y_pred)
    return np.count_nonzero(y_true == y_pred) / y_true.size   # = np.mean, exactly


def confusion_matrix(y_true, y_pred, n_classes):
    """(K, K) int counts: entry [i, j] = samples of true class i predicted as class j."""
    y_true, y_pred = _flat_pair(y_true, y_pred, allow_empty=True)
    labels = np.concatenate([y_true, y_pred])
    if labels.size and (np.any(labels != np.round(labels)) or labels.min() < 0
                        or labels.max() >= n_classes):
        raise ValueError(f"labels must be whole numbers in 0..{n_classes - 1}")
    cells = n_classes * y_true.astype(np.int64) + y_pred.astype(np.int64)
    return np.bincount(cells, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def r2_score(y_true, y_pred):
    """Coefficient of determination: 1 is perfect, 0 is no better than predicting the mean.

    Constant targets (zero variance) score 1.0 if predicted exactly, else 0.0 (as in
    scikit-learn)."""
    y_true, y_pred = _flat_pair(y_true, y_pred)
    residual = float(np.sum(np.square(y_true - y_pred)))
    total = float(np.sum(np.square(y_true - y_true.mean())))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def rmse(y_true, y_pred):
    """Root mean squared error, in the units of y."""
    y_true, y_pred = _flat_pair(y_true, y_pred)
    return math.sqrt(float(np.mean(np.square(y_true - y_pred))))
