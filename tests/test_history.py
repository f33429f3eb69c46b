"""History keeps bounded memory, exact latest and best values, evenly thinned rows."""
import numpy as np
import pytest

from dnn_core.history import History


def row(epoch, test_loss=None):
    loss = 1.0 / (1 + epoch) if test_loss is None else test_loss
    return {"epoch": epoch, "train_loss": loss, "test_loss": loss, "train_penalty": 0.0,
            "train_metric": 0.5, "test_metric": 0.5, "lr": 0.1,
            "grad_norm": [epoch, 2 * epoch], "weight_norm": [1.0, 1.0]}


def test_keeps_every_row_until_capacity():
    h = History(n_layers=2, capacity=8)
    for e in range(8):
        h.append(row(e))
    a = h.arrays()
    np.testing.assert_array_equal(a["epoch"], np.arange(8))
    np.testing.assert_array_equal(a["grad_norm"][:, 1], 2 * np.arange(8))


def test_million_epochs_stay_bounded_and_evenly_spaced():
    h = History(n_layers=2, capacity=1024)
    before = h.nbytes()
    best_at = 654_321
    for e in range(1_000_000):
        h.append(row(e, test_loss=0.001 if e == best_at else 1.0 + e * 1e-9))
    assert h.nbytes() == before
    assert len(h) <= 1024
    a = h.arrays()
    steps = np.diff(a["epoch"][:-1])
    assert len(set(steps.tolist())) == 1, "stored rows are evenly spaced"
    assert a["epoch"][-1] == 999_999, "the latest row is always exact"
    assert a["best_epoch"] == best_at and a["best_test_loss"] == 0.001


def test_rejects_odd_capacity():
    with pytest.raises(ValueError, match="even"):
        History(1, capacity=7)
