"""Save and load: bit-identical predictions and continued training; bad files refused."""
import io
import json
import zipfile

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
    arrays["param_0"] = np.zeros((9, 9))
    with pytest.raises(ValueError, match="shape"):
        load(foreign_npz(**arrays))
    assert zipfile.is_zipfile(io.BytesIO(blob))
