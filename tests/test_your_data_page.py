"""The "Your data" page through AppTest: every bad file gets its message and leaves the data
in use alone; a good file, a drawing, a model file and a classroom link do what they say."""
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures.csv_files import BAD_FILES, GOOD_ROWS, csv_bytes
from ui import keys, session
from ui.data import export

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "your_data.py")


@pytest.fixture
def page():
    return AppTest.from_file(PAGE, default_timeout=30).run()


def _upload(at, name, data, key="upload_file"):
    at.file_uploader(key=key).set_value((name, data, "text/csv"))
    return at.run()


def _data(at):
    return at.session_state[keys.CUSTOM_DATA] if keys.CUSTOM_DATA in at.session_state else None


def _trainer(at):
    return at.session_state[keys.TRAINER]


def test_good_file_previews_then_switches_the_data(page):
    assert not page.exception and _data(page) is None
    _upload(page, "good.csv", csv_bytes(GOOD_ROWS, header="x1,x2,label"))
    assert not page.error and page.get("plotly_chart")
    assert "Standardized" in " ".join(m.value for m in page.markdown)
    assert _data(page) is None            # shown before use
    page.button(key="upload_use").click().run()
    data = _data(page)
    assert data.name == "good.csv" and len(data.X) == len(GOOD_ROWS)
    assert _trainer(page).dataset is data
    page.button(key="data_back_to_toy").click().run()
    assert _data(page) is None and _trainer(page).dataset.source == "toy"


def test_every_bad_file_kind_gets_its_message_and_the_data_stays(page):
    _upload(page, "good.csv", csv_bytes(GOOD_ROWS))
    page.button(key="upload_use").click().run()
    in_use, trainer = _data(page), _trainer(page)
    for kind, (data, expected) in BAD_FILES.items():
        _upload(page, f"{kind}.csv", data)
        errors = [e.value for e in page.error]
        assert len(errors) == 1 and expected in errors[0], kind
        assert "previous data stays in use" in errors[0]
        assert _data(page) is in_use and _trainer(page) is trainer, kind


def test_task_override_changes_the_problem(page):
    rows = [(i, -i, label) for i, label in enumerate([0, 1, 2, 1, 0, 2])]
    _upload(page, "three.csv", csv_bytes(rows))
    page.selectbox(key="upload_task").set_value("regression").run()
    page.button(key="upload_use").click().run()
    assert _data(page).task == "regression"


def test_drawing_from_an_empty_canvas_starts_training_at_four_points(page):
    toy = _trainer(page).dataset
    page.button(key="draw_clear").click().run()
    for i, (x, label) in enumerate([(-2.0, 0), (2.0, 1), (-3.0, 0), (3.0, 1)]):
        page.radio(key="draw_class").set_value(label)
        page.number_input(key="draw_x").set_value(x)
        page.button(key="draw_add").click().run()
        if i < 3:
            assert _trainer(page).dataset is toy
            assert "Add at least 4 points" in page.info[0].value
    data = _data(page)
    assert data.source == "drawn" and data.y.tolist() == [0, 1, 0, 1]
    page.number_input(key="draw_x").set_value(2.1)
    page.button(key="draw_remove").click().run()
    assert "Add at least 4 points (3 so far)" in page.info[0].value
    assert _data(page) is data          # the last trainable drawing keeps training
    page.number_input(key="draw_x").set_value(0.5)
    page.button(key="draw_add").click().run()
    assert _data(page).X[:, 0].tolist() == [-2.0, -3.0, 3.0, 0.5]


def test_model_file_round_trip_and_bad_model_file(page):
    trainer = _trainer(page)
    trainer.run_epochs(3)
    saved = export.model_bytes(trainer)
    trainer.run_epochs(2)
    _upload(page, "model.npz", saved, key="model_file")
    loaded = _trainer(page)
    assert loaded is not trainer and loaded.epoch == 3
    assert "Loaded model.npz" in page.success[0].value
    grid = np.array([[0.0, 0.0], [1.0, -2.0]])
    np.testing.assert_array_equal(loaded.predict_proba(grid),
                                  export.load_model(saved).predict_proba(grid))
    _upload(page, "notes.txt", b"not a model", key="model_file")
    assert "Could not load notes.txt: not a DNN Playground model file" in page.error[0].value
    assert _trainer(page) is loaded


def test_loaded_model_settings_go_into_the_controls(page):
    from dnn_core.config import TrainConfig
    from dnn_core.trainer import Trainer
    other = Trainer(TrainConfig(dataset="xor", hidden=(6,), activations="relu", lr=0.1))
    _upload(page, "xor.npz", export.model_bytes(other), key="model_file")
    assert page.session_state["cfg_dataset"] == "xor"
    assert page.session_state["cfg_layers"] == (6,)
    assert page.session_state["cfg_lr"] == 0.1


def test_classroom_dialog_builds_a_link_with_hidden_controls_and_a_challenge(monkeypatch):
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.session_state["share_hide"] = ["dataset", "lr", "play"]
    at.session_state["share_target"] = "test_loss"
    at.session_state["share_target_value"] = 0.2
    at.session_state["share_neurons"] = 6
    at.button(key="share_classroom").click().run()
    assert not at.exception
    link = at.code[-1].value
    assert "hide=dataset,lr,play" in link and "challenge=test_loss:0.2,neurons:6" in link
    assert at.info[-1].value == "Reach a test loss below 0.2 with at most 6 hidden neurons."


def test_challenge_banner_from_the_link(monkeypatch):
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["cfg_challenge"] = (("test_loss", 5.0), ("neurons", 8))
    at.run()
    banner = at.success[0].value
    assert "Challenge met at epoch 0" in banner and "at most 8 hidden neurons (now 6)" in banner


def test_inside_the_app_the_playground_trains_on_the_uploaded_data():
    app = str(Path(PAGE).parents[1] / "app.py")
    at = AppTest.from_file(app, default_timeout=60).run()
    at.switch_page("app_pages/your_data.py").run()
    _upload(at, "good.csv", csv_bytes(GOOD_ROWS))
    at.button(key="upload_use").click().run()
    at.switch_page("app_pages/playground.py").run()
    assert not at.exception and not at.error
    assert _trainer(at).dataset.name == "good.csv"


def test_a_header_of_column_numbers_is_named_on_the_page(page):
    rows = [(i, -i, i % 2) for i in range(6)]
    _upload(page, "numbers.csv", csv_bytes(rows, header="1,2,3"))
    shown = " ".join(c.value for c in page.caption)
    assert "Line 1 (1, 2, 3) read as column numbers" in shown
    page.button(key="upload_use").click().run()
    assert _data(page).classes == (0, 1) and len(_data(page).X) == 6
