"""Under the hood's loss landscape through AppTest: the figure is the engine's landscape,
its axes say what alpha and beta are, a rerun does not compute it again."""
import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dnn_core import TrainConfig, Trainer
from dnn_core.landscape import loss_landscape
from ui import keys
from ui.hood import landscape

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "under_the_hood.py")
pytestmark = pytest.mark.xdist_group("apptest")


def trained(epochs=40, **config):
    t = Trainer(TrainConfig(**config))
    t.run_epochs(epochs)
    return t


def page(trainer):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[keys.TRAINER] = trainer
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at):
    for chart in at.get("plotly_chart"):
        fig = json.loads(chart.proto.spec)
        if fig["layout"].get("meta", {}).get("name") == "landscape":
            return fig
    raise AssertionError("no landscape figure")


def array(value):
    """A Plotly JSON array: a plain list or a {'dtype', 'bdata', 'shape'} typed array."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(s) for s in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value)


def test_the_contour_is_the_engines_landscape_with_the_path_and_the_current_point():
    t = trained()
    at = page(t)
    fig = spec(at)
    want = loss_landscape(t, "pca", res=41, rng=np.random.default_rng(0))
    contour, path, start, now = fig["data"]
    np.testing.assert_allclose(array(contour["customdata"]), want.loss, rtol=1e-12)
    np.testing.assert_allclose(array(path["x"]), want.path[:, 0], rtol=1e-12)
    assert path["text"][0] == "epoch 0" and path["text"][-1] == "epoch 40"
    assert (now["x"], now["y"]) == ([0.0], [0.0]) and "epoch 40" in now["name"]
    assert "to the start (PCA)" in fig["layout"]["xaxis"]["title"]["text"]
    assert "principal direction" in fig["layout"]["yaxis"]["title"]["text"]
    centre = want.loss[20, 20]
    assert centre == t.history.last["train_loss"]
    assert f"J = {centre:.6g}" in " ".join(c.value for c in at.caption)


def test_random_directions_and_the_surface_toggle():
    t = trained()
    at = page(t)
    at.radio(key="hood_landscape_kind").set_value("random").run()
    at.number_input(key="hood_landscape_seed").set_value(3).run()
    fig = spec(at)
    want = loss_landscape(t, "random", res=41, rng=np.random.default_rng(3))
    np.testing.assert_allclose(array(fig["data"][0]["customdata"]), want.loss, rtol=1e-12)
    assert "filter-normalized random direction (seed 3)" in fig["layout"]["xaxis"]["title"][
        "text"]
    at.toggle(key="hood_landscape_3d").set_value(True).run()
    assert [d["type"] for d in spec(at)["data"]] == ["surface", "scatter3d"]


def test_a_rerun_takes_the_landscape_from_the_cache(monkeypatch):
    calls = []
    real = landscape.loss_landscape
    monkeypatch.setattr(landscape, "loss_landscape",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    t = trained()
    at = page(t)
    at.run()
    at.toggle(key="hood_landscape_3d").set_value(True).run()
    assert calls == ["pca"]
    t.run_epochs(1)                       # a new run state: computed again
    at.run()
    assert calls == ["pca", "pca"]


def test_an_untrained_run_says_to_train_first_for_the_path_plane():
    at = page(Trainer(TrainConfig()))
    assert any("still at their start" in i.value for i in at.info)
