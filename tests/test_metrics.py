"""Metrics: exact values and parity with plain-Python loops."""
import math

import numpy as np
import pytest

from dnn_core.metrics import accuracy, confusion_matrix, r2_score, rmse


def test_accuracy_exact_and_shape_agnostic():
    assert accuracy([0, 1, 1, 0], [0, 1, 0, 0]) == 0.75
    assert accuracy(np.array([[1], [0]]), np.array([1.0, 1.0])) == 0.5
    assert accuracy([2, 1, 0], [2, 1, 0]) == 1.0


def test_confusion_matrix_rows_true_columns_predicted():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    cm = confusion_matrix(y_true, y_pred, 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert np.issubdtype(cm.dtype, np.integer)
    assert np.trace(cm) / cm.sum() == accuracy(y_true, y_pred)


def test_confusion_matrix_counts_unseen_classes_and_empty_input_as_zero():
    np.testing.assert_array_equal(confusion_matrix([1, 1], [1, 0], 3),
                                  [[0, 0, 0], [1, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(confusion_matrix([], [], 2), np.zeros((2, 2), dtype=int))


def test_confusion_matrix_matches_a_loop():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, size=200), rng.integers(0, 4, size=200)
    expected = np.zeros((4, 4), dtype=int)
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 4), expected)


def test_r2_exact_values():
    y = [1.0, 2.0, 3.0, 4.0]                      # mean 2.5, total sum of squares 5
    assert r2_score(y, [1.0, 2.0, 3.0, 5.0]) == pytest.approx(0.8, rel=1e-15)
    assert r2_score(y, y) == 1.0
    assert r2_score(y, [2.5] * 4) == 0.0
    assert r2_score(y, [4.0, 3.0, 2.0, 1.0]) == pytest.approx(-3.0, rel=1e-15)
    assert r2_score(np.array(y).reshape(4, 1), y) == 1.0


def test_r2_of_constant_targets_follows_scikit_learn():
    assert r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0], [2.0, 3.0]) == 0.0


def test_rmse_exact_values():
    assert rmse([0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0]) == 1.0
    assert rmse([3.0, 4.0], [0.0, 0.0]) == math.sqrt(12.5)
    assert rmse([1.5], [1.5]) == 0.0


def test_r2_and_rmse_match_plain_python_loops():
    rng = np.random.default_rng(1)
    y = rng.normal(size=50)
    y_hat = y + 0.3 * rng.normal(size=50)
    mean = sum(y) / len(y)
    residual = sum((a - b) ** 2 for a, b in zip(y, y_hat))
    total = sum((a - mean) ** 2 for a in y)
    assert r2_score(y, y_hat) == pytest.approx(1 - residual / total, rel=1e-12)
    assert rmse(y, y_hat) == pytest.approx(math.sqrt(residual / len(y)), rel=1e-12)


@pytest.mark.parametrize("metric", [accuracy, r2_score, rmse])
def test_mismatched_or_empty_inputs_raise(metric):
    with pytest.raises(ValueError, match="3 values"):
        metric([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="no samples"):
        metric([], [])


def test_confusion_matrix_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError, match="0..1"):
        confusion_matrix([0, 2], [0, 1], 2)
    with pytest.raises(ValueError, match="whole numbers"):
        confusion_matrix([0, 1], [0.5, 1], 2)
