"""Save and load: bit-identical predictions and continued training; bad files refused."""
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer, load, save
from dnn_core.data import from_arrays


def trained(**kw):
    t = Trainer(TrainConfig(optimizer="adam", lr=0.01, hidden=(5, 3), **kw))
    t.run_epochs(4)
    t.step()
    return t


def test_round_trip_gives_identical_predictions_and_continues_identically(tmp_path):
    a = trained(dataset="moons", dropout=0.1)
    path = tmp_path / "model.npz"
    save(a, path)
    b = load(path)
    pts = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    np.testing.assert_array_equal(a.predict_proba(pts), b.predict_proba(pts))
    assert (b.epoch, b.steps) == (a.epoch, a.steps)
    a.run_epochs(3)
    b.run_epochs(3)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p.value, q.value)
    np.testing.assert_array_equal(a.history.arrays()["test_loss"], b.history.arrays()["test_loss"])


def test_round_trip_with_uploaded_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = np.where(X[:, 0] > 0, "cat", "dog").astype(object)
    ds = from_arrays(X, y)
    a = Trainer(TrainConfig(hidden=(3,)), data=ds)
    a.run_epochs(2)
    b = load(save(a))
    assert b.dataset.classes == ds.classes
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def foreign_npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("blob, message", [
    (b"", "could not read"),
    (b"hello, this is text", "could not read"),
    (foreign_npz(x=np.arange(3)), "no header"),
    (foreign_npz(header=np.frombuffer(b"{not json", np.uint8)), "not JSON"),
    (foreign_npz(header=np.frombuffer(json.dumps({"format": "other"}).encode(), np.uint8)),
     "wrong format"),
])
def test_bad_files_raise_a_clear_value_error(blob, message):
    with pytest.raises(ValueError, match=message):
        load(blob)


def test_truncated_file_is_refused():
    blob = save(trained())
    with pytest.raises(ValueError, match="DNN Playground model file"):
        load(blob[: len(blob) // 2])


def test_newer_version_is_refused():
    blob = save(trained())
    with np.load(io.BytesIO(blob)) as z:
        arrays = {k: z[k] for k in z.files}
    header = json.loads(arrays["header"].tobytes())
    header["version"] = 99
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    with pytest.raises(ValueError, match="version 99"):
        load(foreign_npz(**arrays))


def test_pickled_object_arrays_are_never_loaded():
    buf = io.BytesIO()
    np.savez(buf, header=np.array([{"format": "dnn-playground-model"}], dtype=object))
    with pytest.raises(ValueError, match="could not read"):
        load(buf.getvalue())


def test_tampered_shapes_are_refused():
    blob = save(trained())
    with np.load(io.BytesIO(blob)) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["state.params.0"] = np.zeros((9, 9))
    with pytest.raises(ValueError, match="shape"):
        load(foreign_npz(**arrays))
    assert zipfile.is_zipfile(io.BytesIO(blob))


def test_random_bytes_say_what_is_wrong_with_the_file_and_nothing_about_pickle():
    blob = np.random.default_rng(0).bytes(4000)
    with pytest.raises(ValueError) as caught:
        load(blob)
    message = str(caught.value)
    assert "not a DNN Playground model file" in message and "not a .npz archive" in message
    assert "pickle" not in message and "allow_pickle" not in message


def test_the_recorded_run_and_the_whole_state_round_trip():
    a = trained(dataset="spiral", reg="l1", reg_rate=0.001)
    a.run_epochs(6)
    b = load(save(a))
    assert b.record.epochs() == a.record.epochs() == list(range(11))
    for k, j in zip(a.record.keyframes(), b.record.keyframes()):
        np.testing.assert_array_equal(k.weights, j.weights)
        np.testing.assert_array_equal(k.grads, j.grads)
        np.testing.assert_array_equal(k.optimizer["state"], j.optimizer["state"])
        assert (k.steps, k.rng, k.row["test_loss"]) == (j.steps, j.rng, j.row["test_loss"])
    assert b.rewind(3) and a.rewind(3)
    a.run_epochs(2)
    b.run_epochs(2)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p.value, q.value)
    ha, hb = a.history.arrays(), b.history.arrays()
    for name in ("epoch", "test_loss", "grad_norm"):
        np.testing.assert_array_equal(ha[name], hb[name])


def test_a_diverged_run_is_saved_with_its_cause():
    a = Trainer(TrainConfig(dataset="spiral", lr=10.0))
    a.run_epochs(100)
    b = load(save(a))
    assert b.diverged and b.message == a.message and "learning rate 10" in b.message


def test_a_version_1_file_still_loads_and_is_the_same_run():
    """Saved by the engine before the record existed: 4 epochs and one step of Adam."""
    old = load(Path(__file__).parent / "fixtures" / "model_v1.npz")
    again = trained(dataset="moons", dropout=0.1)
    assert (old.epoch, old.steps) == (again.epoch, again.steps) == (4, 101)
    for p, q in zip(old.params, again.params):
        np.testing.assert_array_equal(p.value, q.value)
    assert old.record.epochs() == [0, 4]
    old.run_epochs(2)
    again.run_epochs(2)
    for p, q in zip(old.params, again.params):
        np.testing.assert_array_equal(p.value, q.value)
