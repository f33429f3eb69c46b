"""Data: split, Standardizer, Dataset, input_domain, and from_arrays' checks of user data."""
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from dnn_core.data import (MAX_ROWS, Dataset, Standardizer, from_arrays, input_domain,
                           make_dataset, train_test_split)


def rng(seed=0):
    return np.random.default_rng(seed)


def grid_rows(n):
    """n distinct valid rows as an object array, like pandas gives for mixed columns."""
    return np.array([[float(i), float(-i)] for i in range(n)], dtype=object)


def raises(message):
    return pytest.raises(ValueError, match="^" + re.escape(message) + "$")


def read_csv(text, **kwargs):
    """What the UI does: features are all columns but the last; row 0 is file line 2."""
    df = pd.read_csv(io.StringIO(text))
    return from_arrays(df.iloc[:, :-1].to_numpy(), df.iloc[:, -1].to_numpy(),
                       columns=tuple(df.columns), first_row=2, **kwargs)


# ---- split and standardization --------------------------------------------------------

@pytest.mark.parametrize("n, frac, n_train", [(500, 0.5, 250), (10, 0.7, 7), (3, 0.1, 1),
                                              (3, 0.9, 2), (2, 0.5, 1), (2, 0.9, 1)])
def test_split_sizes_keep_both_parts(n, frac, n_train):
    X, y = np.arange(2 * n, dtype=float).reshape(n, 2), np.arange(n)
    X_train, y_train, X_test, y_test = train_test_split(X, y, frac, rng())
    assert len(X_train) == len(y_train) == n_train and len(X_test) == len(y_test) == n - n_train


def test_split_is_a_disjoint_shuffled_partition_and_deterministic():
    X, y = np.arange(200, dtype=float).reshape(100, 2), np.arange(100)
    X_train, y_train, X_test, y_test = train_test_split(X, y, 0.6, rng(5))
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(100))
    assert np.array_equal(X_train[:, 0], 2 * y_train)          # rows stay paired
    assert not np.array_equal(y_train, np.arange(60))           # shuffled
    assert np.array_equal(train_test_split(X, y, 0.6, rng(5))[1], y_train)


@pytest.mark.parametrize("frac", [0.0, 1.0, -0.5, 1.5])
def test_split_fraction_outside_open_interval_raises(frac):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        train_test_split(np.zeros((10, 2)), np.zeros(10), frac, rng())


def test_standardizer_uses_training_rows_only():
    X_train = np.array([[0.0, 10.0], [2.0, 10.0], [4.0, 10.0]])
    X_test = np.array([[100.0, 11.0]])
    scaler = Standardizer().fit(X_train)
    assert np.array_equal(scaler.mean, [2.0, 10.0])
    assert np.allclose(scaler.std, [np.sqrt(8 / 3), 1.0])          # constant column: std 1
    assert np.allclose(scaler.transform(X_train), [[-np.sqrt(1.5), 0], [0, 0], [np.sqrt(1.5), 0]])
    assert np.allclose(scaler.transform(X_test), [[98 / np.sqrt(8 / 3), 1.0]])


def test_standardizer_round_trips_through_json_and_works_on_targets():
    scaler = Standardizer().fit(np.array([[1.0, 5.0], [3.0, 9.0]]))
    copy = Standardizer.from_dict(json.loads(json.dumps(scaler.to_dict())))
    X = np.array([[7.0, -1.0]])
    assert np.array_equal(copy.transform(X), scaler.transform(X))
    targets = Standardizer().fit(np.array([1.0, 2.0, 3.0]))
    assert np.allclose(targets.transform(np.array([2.0, 4.0])), [0.0, np.sqrt(1.5) * 2 / 1.0])


def test_standardizer_before_fit_raises():
    with pytest.raises(ValueError, match="before fit"):
        Standardizer().transform(np.zeros((2, 2)))


# ---- Dataset and input_domain ---------------------------------------------------------

def test_make_dataset_wraps_the_toy_sets():
    data = make_dataset("spiral3", 90, 0.1, rng())
    assert (data.task, data.n_classes, data.name, data.classes, data.source) == \
        ("multiclass", 3, "spiral3", (0, 1, 2), "toy")
    assert data.X.shape == (90, 2) and data.y.dtype == np.int64
    plane = make_dataset("plane", 50, 0.0, rng())
    assert (plane.task, plane.n_classes, plane.classes) == ("regression", 1, ())


def test_dataset_rejects_inconsistent_fields():
    with pytest.raises(ValueError):
        Dataset(np.zeros((4, 3)), np.zeros(4), "binary", 2, "x", (0, 1))
    with pytest.raises(ValueError):
        Dataset(np.zeros((4, 2)), np.zeros(4), "binary", 2, "x", (0, 1, 2))
    with pytest.raises(ValueError):
        Dataset(np.zeros((4, 2)), np.zeros(4), "binary", 2, "x", (0, 1), source="web")


def test_input_domain_is_tfp_square_for_toy_data():
    assert input_domain(make_dataset("circle", 200, 0.0, rng()).X) == (-6.0, 6.0, -6.0, 6.0)


def test_input_domain_pads_each_axis_around_other_units():
    X = np.array([[0.0, 0.0], [1000.0, 1.0], [500.0, 0.5]])
    assert np.allclose(input_domain(X), (-100.0, 1100.0, -0.1, 1.1))
    assert np.allclose(input_domain(np.array([[-8.0, 2.0], [8.0, 2.0]])), (-9.6, 9.6, 1.0, 3.0))


def test_input_domain_zooms_on_data_that_covers_a_small_corner():
    x0, x1, y0, y1 = input_domain(np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert (x0, x1) == pytest.approx((-0.1, 1.1)) and (y0, y1) == pytest.approx((-0.1, 1.1))


# ---- from_arrays: good data -----------------------------------------------------------

def test_numeric_binary_labels_map_to_zero_one():
    data = from_arrays(grid_rows(4), np.array([1, -1, -1, 1]))
    assert (data.task, data.n_classes, data.classes) == ("binary", 2, (-1, 1))
    assert data.y.tolist() == [1, 0, 0, 1] and data.y.dtype == np.int64
    assert data.X.dtype == np.float64 and data.X.shape == (4, 2)
    assert (data.source, data.name) == ("upload", "your data")


def test_string_labels_keep_their_names_in_sorted_order():
    data = read_csv("a,b,animal\n1,2,dog\n3,4,cat\n5,6,dog\n7,8, cat \n")
    assert data.task == "binary" and data.classes == ("cat", "dog")
    assert data.y.tolist() == [1, 0, 1, 0]
    three = from_arrays(grid_rows(6), np.array(["b", "a", "c", "a", "b", "c"], dtype=object))
    assert (three.task, three.classes, three.y.tolist()) == \
        ("multiclass", ("a", "b", "c"), [1, 0, 2, 0, 1, 2])


def test_integer_labels_with_three_to_ten_values_are_multiclass():
    data = from_arrays(grid_rows(5), np.array([5.0, 1.0, 2.0, 3.0, 5.0]))
    assert (data.task, data.n_classes, data.classes) == ("multiclass", 4, (1, 2, 3, 5))
    assert data.y.tolist() == [3, 0, 1, 2, 3]


def test_real_labels_and_many_integers_are_regression():
    real = from_arrays(grid_rows(4), np.array([0.5, 1.0, 2.0, 1.0]))
    assert (real.task, real.n_classes, real.classes) == ("regression", 1, ())
    assert real.y.dtype == np.float64 and real.y.tolist() == [0.5, 1.0, 2.0, 1.0]
    assert from_arrays(grid_rows(11), np.arange(11)).task == "regression"


def test_numbers_written_as_text_are_read():
    X = np.array([[" 1.5", "2"], ["3", "-4e1"], [5, 6.0], ["7", "8"]], dtype=object)
    data = from_arrays(X, np.array(["0", "1", 0, "1"], dtype=object), source="drawn")
    assert data.X.tolist() == [[1.5, 2.0], [3.0, -40.0], [5.0, 6.0], [7.0, 8.0]]
    assert (data.task, data.classes, data.source) == ("binary", (0, 1), "drawn")


def test_task_override_when_possible():
    assert from_arrays(grid_rows(4), np.array([0, 1, 2, 1]), task="regression").task == "regression"
    two = from_arrays(grid_rows(4), np.array([0, 1, 0, 1]), task="multiclass")
    assert (two.task, two.n_classes) == ("multiclass", 2)


def test_exactly_max_rows_is_accepted():
    data = from_arrays(np.zeros((MAX_ROWS, 2)), np.arange(MAX_ROWS) % 2)
    assert len(data.X) == MAX_ROWS


# ---- from_arrays: bad data, one test per kind, exact messages ---------------------------

def test_text_in_a_feature_column():
    X = grid_rows(20)
    X[15, 1] = "abc"
    with raises("row 17, column 'x2': 'abc' is not a number"):
        from_arrays(X, np.arange(20) % 2, first_row=2)


def test_decimal_comma_gets_a_hint():
    with raises("row 2, column 'b': '1,5' is not a number (use a dot for decimals)"):
        read_csv('a,b,label\n1,"1,5",0\n3,4,1\n5,6,0\n7,8,1\n')


def test_missing_label_from_pandas_is_nan():
    with raises("row 5, column 'label': missing value (NaN)"):
        read_csv("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,\n9,10,1\n")


@pytest.mark.parametrize("cell", [None, "", "  ", pd.NA])
def test_empty_cells(cell):
    X = grid_rows(6)
    X[2, 0] = cell
    with raises("row 3, column 'x1': missing value (empty cell)"):
        from_arrays(X, np.arange(6) % 2)


@pytest.mark.parametrize("cell", [np.inf, -np.inf, "inf", "-Infinity", "1e400"])
def test_infinity(cell):
    X = grid_rows(12)
    X[8, 0] = cell
    with raises("row 9, column 'x1': infinity is not allowed"):
        from_arrays(X, np.arange(12) % 2)


def test_infinite_label_in_a_float_column():
    with raises("row 4, column 'label': infinity is not allowed"):
        from_arrays(np.zeros((5, 2)), np.array([0.0, 1.0, 0.0, np.inf, 1.0]))


def test_first_offending_cell_in_row_order_wins():
    X = grid_rows(8)
    X[5, 0] = "late"
    X[3, 1] = np.nan
    y = np.array([0, 1, 0, np.nan, 1, 0, 1, 0], dtype=object)
    with raises("row 4, column 'x2': missing value (NaN)"):       # same row: x2 before label
        from_arrays(X, y)
    y[3] = 1
    X[3, 1] = 1.0
    with raises("row 6, column 'x1': 'late' is not a number"):
        from_arrays(X, y)


def test_one_class():
    with raises("only one class (label 1): a classifier needs at least two"):
        from_arrays(grid_rows(5), np.ones(5))
    with raises("only one class (label 'cat'): a classifier needs at least two"):
        from_arrays(grid_rows(5), np.array(["cat"] * 5))


def test_constant_regression_target():
    with raises("all labels are 0.5: a regression needs at least two different values"):
        from_arrays(grid_rows(5), np.full(5, 0.5), task="regression")


@pytest.mark.parametrize("n, message", [(3, "3 rows: at least 4 are needed"),
                                        (1, "1 row: at least 4 are needed"),
                                        (0, "0 rows: at least 4 are needed"),
                                        (120_001, "120,001 rows: at most 100,000 are allowed")])
def test_row_count(n, message):
    with raises(message):
        from_arrays(np.zeros((n, 2)), np.arange(n) % 2)


def test_wrong_column_count_names_the_columns():
    with raises("expected 2 feature columns and a label, got 4 columns (a, b, c, d)"):
        read_csv("a,b,c,d\n1,2,3,0\n4,5,6,1\n7,8,9,0\n1,1,1,1\n")
    with raises("expected 2 feature columns and a label, got 2 columns (x, label)"):
        from_arrays(np.zeros(5), np.arange(5) % 2, columns=("x", "label"))


def test_too_many_text_labels():
    with raises("12 distinct labels: a classifier handles at most 10 classes, "
                "and text labels cannot be a regression target"):
        from_arrays(grid_rows(12), np.array([f"c{i}" for i in range(12)]))


def test_override_multiclass_on_real_labels():
    with raises("multiclass needs integer labels; row 3 has 0.5"):
        from_arrays(grid_rows(4), np.array([1.0, 2.0, 0.5, 3.0]), task="multiclass")
    with raises("11 distinct labels: a classifier handles at most 10 classes"):
        from_arrays(grid_rows(11), np.arange(11), task="multiclass")


def test_override_binary_with_three_labels():
    with raises("binary needs exactly 2 distinct labels, got 3 (0, 1, 2)"):
        from_arrays(grid_rows(4), np.array([0, 1, 2, 1]), task="binary")


def test_override_regression_on_text_labels():
    with raises("regression needs numeric labels; row 3 has 'cat'"):
        read_csv("a,b,label\n1,2,3.5\n3,4,cat\n5,6,1\n7,8,2\n", task="regression")


def test_unknown_task():
    with raises("unknown task 'ranking'; valid: binary, multiclass, regression"):
        from_arrays(grid_rows(4), np.array([0, 1, 0, 1]), task="ranking")


def test_values_too_large_to_standardize_are_refused_with_their_row_and_column():
    from dnn_core.data import from_arrays

    X = np.array([[0.5, 1.0], [1e300, 2.0], [0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(ValueError, match=r"row 2, column 'x1': 1e\+300 is too large to train on"):
        from_arrays(X, np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match=r"row 3, column 'label': -1e\+200 is too large"):
        from_arrays(X[[0, 2, 3, 0]], np.array([0.5, 1.5, -1e200, 2.5]), task="regression")
    ok = from_arrays(X[[0, 2, 3, 0]] * 1e90, np.array([0, 1, 0, 1]))
    assert np.isfinite(ok.X).all()
