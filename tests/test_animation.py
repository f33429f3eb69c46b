"""Take it home: the recorded run as an animated GIF, the output map as a PNG (pure
functions, no Streamlit), and the download buttons of "Your data" that serve them."""
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest, app_test

from dnn_core import TrainConfig, Trainer
from ui import keys
from ui.data import animation
from ui.live.payload import COLORS

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "your_data.py")


@pytest.fixture(scope="module")
def default_run():
    """The default run trained 300 epochs: a full record (151 keyframes, stride 2)."""
    t = Trainer(TrainConfig())
    t.run_epochs(300)
    return t


def test_map_colours_follow_the_live_view():
    out = np.array([[0.0, 0.5], [1.0, 1.0]])              # row 0 is the bottom of the plane
    rgb = animation.map_rgb(out, "binary")
    assert tuple(rgb[1, 0]) == tuple(int(COLORS["neg"][i:i + 2], 16) for i in (1, 3, 5))
    assert tuple(rgb[1, 1]) == tuple(int(COLORS["mid"][i:i + 2], 16) for i in (1, 3, 5))
    assert tuple(rgb[0, 0]) == tuple(int(COLORS["pos"][i:i + 2], 16) for i in (1, 3, 5))
    three = np.zeros((1, 2, 3))
    three[0, 0] = [0, 0, 1.0]                               # class 2, sure
    three[0, 1] = [1 / 3] * 3
    rgb = animation.map_rgb(three, "multiclass")
    assert tuple(rgb[0, 0]) == tuple(int(COLORS["classes"][2][i:i + 2], 16) for i in (1, 3, 5))


def test_choose_keyframes_spreads_evenly_and_keeps_both_ends():
    assert animation.choose_keyframes(5, 10) == [0, 1, 2, 3, 4]
    chosen = animation.choose_keyframes(151, 120)
    assert len(chosen) == 120 and chosen[0] == 0 and chosen[-1] == 150
    assert np.all(np.diff(chosen) >= 1)


def test_the_gif_has_one_frame_per_chosen_keyframe_and_is_small(default_run):
    data = animation.training_gif(default_run)
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.size == (2 * animation.SIZE, animation.SIZE)
    assert gif.n_frames == len(animation.choose_keyframes(len(default_run.record)))
    assert len(data) < 3 * 2**20
    first, last = np.asarray(gif.convert("RGB")), None
    gif.seek(gif.n_frames - 1)
    last = np.asarray(gif.convert("RGB"))
    assert not np.array_equal(first[:, :animation.SIZE], last[:, :animation.SIZE])


def test_a_frame_is_the_keyframes_map_with_its_points():
    t = Trainer(TrainConfig())
    t.run_epochs(20)
    snap = t.snapshot_at(len(t.record) - 1, 100)
    dots = animation.points_layer(t.points(), snap["domain"], t.task, 100)
    img = np.asarray(animation.frame_image(snap, dots, size=100))
    plain = np.asarray(Image.fromarray(animation.map_rgb(snap["output"], "binary")))
    covered = np.asarray(dots)[..., 3] > 0
    covered[:20] = True                                      # the label's box
    np.testing.assert_array_equal(img[~covered], plain[~covered])
    assert covered[20:].sum() > 100


def test_the_png_is_the_current_output_map(default_run):
    png = Image.open(io.BytesIO(animation.output_png(default_run)))
    assert png.format == "PNG" and png.size == (2 * animation.SIZE, 2 * animation.SIZE)


def test_your_data_downloads_the_gif_and_the_png(monkeypatch):
    managers = []

    class Recording(app_test.MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    t = at.session_state[keys.TRAINER]
    t.run_epochs(40)
    at.run()
    buttons = {b.proto.id.rsplit("-", 1)[-1]: b.proto for b in at.get("download_button")}
    mgr = managers[-1]

    def download(key):
        url = mgr.execute_deferred(buttons[key].deferred_file_id)
        return mgr.read_file(url.rsplit("/", 1)[-1].split(".")[0]).content

    gif = Image.open(io.BytesIO(download("data_gif")))
    assert gif.n_frames == len(t.record) == 41
    png = Image.open(io.BytesIO(download("data_png")))
    assert png.format == "PNG"
