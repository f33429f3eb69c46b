"""The Playground page through AppTest: it renders, its buttons and controls reach the
engine, and the live payload carries the engine's true state."""

import numpy as np
import pytest

from dnn_core import TrainConfig, Trainer
from app_run import run_app
from ui import keys, live

pytestmark = pytest.mark.xdist_group("apptest")


def trainer(at):
    return at.session_state[keys.TRAINER]


def payload(at):
    return live.unpack(at.get("bidi_component")[0].proto.bytes)


def test_page_renders_the_default_run():
    at = run_app()
    t = trainer(at)
    assert t.config == TrainConfig() and t.epoch == 0
    assert [b.label for b in at.button if b.key and b.key.startswith("pg_")] == [
        "Play", "Step", "Step one batch", "Reset"]
    assert not at.error


def test_step_advances_one_epoch_and_the_payload_is_the_engines_state():
    at = run_app()
    at.button(key="pg_step").click().run()
    t = trainer(at)
    assert t.epoch == 1
    frame = payload(at)["frames"][-1]
    assert frame["epoch"] == 1 and frame["step"] == t.steps
    for sent, layer in zip(frame["W"], t.model.dense_layers()):
        np.testing.assert_array_equal(sent, layer.W.astype(np.float32))
    for sent, layer in zip(frame["dW"], t.model.dense_layers()):
        np.testing.assert_array_equal(sent, layer.dW.astype(np.float32))
    grid = t.snapshot(100)["output"]
    np.testing.assert_array_equal(frame["output"], live.quantize_signed(2 * grid - 1))
    assert frame["loss"]["test"] == pytest.approx(t.history.last["test_loss"], rel=1e-6)


def test_step_one_batch_is_one_update():
    at = run_app()
    at.button(key="pg_step_batch").click().run()
    assert (trainer(at).steps, trainer(at).epoch) == (1, 0)


def test_reset_gives_back_the_same_initial_weights():
    at = run_app()
    first = [p.value.copy() for p in trainer(at).params]
    at.button(key="pg_step").click().run()
    at.button(key="pg_step").click().run()
    assert not np.array_equal(first[0], trainer(at).params[0].value)
    at.button(key="pg_reset").click().run()
    for p, w in zip(trainer(at).params, first):
        np.testing.assert_array_equal(p.value, w)
    assert trainer(at).epoch == 0


def test_changing_the_learning_rate_keeps_the_weights():
    at = run_app()
    at.button(key="pg_step").click().run()
    before = [p.value.copy() for p in trainer(at).params]
    at.select_slider(key="cfg_lr").set_value(0.3).run()
    t = trainer(at)
    assert t.config.lr == 0.3 and t.epoch == 1
    for p, w in zip(t.params, before):
        np.testing.assert_array_equal(p.value, w)


@pytest.mark.parametrize("action, check", [
    (lambda at: at.button(key="dataset_spiral").click(), lambda c: c.dataset == "spiral"),
    (lambda at: at.button(key="layers_plus").click(), lambda c: len(c.hidden) == 3),
    (lambda at: at.button(key="neurons_0_plus").click(), lambda c: c.hidden[0] == 5),
    (lambda at: at.selectbox(key="activation_1").set_value("relu"),
     lambda c: c.activations == ("tanh", "relu")),
    (lambda at: at.selectbox(key="cfg_optimizer").set_value("adam"),
     lambda c: c.optimizer == "adam"),
    (lambda at: at.select_slider(key="cfg_batch").set_value(50), lambda c: c.batch == 50),
    (lambda at: at.segmented_control(key="cfg_reg").set_value("l2"), lambda c: c.reg == "l2"),
    (lambda at: at.select_slider(key="cfg_dropout").set_value(0.2),
     lambda c: c.dropout == 0.2),
    (lambda at: at.slider(key="cfg_noise").set_value(20), lambda c: c.noise == 0.2),
    (lambda at: at.selectbox(key="cfg_init").set_value("he"), lambda c: c.init == "he"),
    (lambda at: at.radio(key="cfg_loss").set_value("mse"), lambda c: c.loss == "mse"),
])
def test_each_control_reaches_the_engine(action, check):
    at = run_app()
    action(at).run()
    assert not at.exception
    assert check(trainer(at).config), trainer(at).config


def test_play_trains_frames_in_the_fragment_and_pause_stops():
    at = run_app()
    at.button(key="pg_play").click().run()
    t = trainer(at)
    data = payload(at)
    assert data["running"] and len(data["frames"]) >= 2
    assert [f["epoch"] for f in data["frames"]] == sorted({f["epoch"] for f in data["frames"]})
    assert t.epoch == data["frames"][-1]["epoch"] > 0
    assert at.button(key="pg_play").label == "Pause"
    at.button(key="pg_play").click().run()
    epoch = trainer(at).epoch
    at.run()
    assert trainer(at).epoch == epoch and not payload(at)["running"]


def test_a_diverging_run_pauses_itself_with_a_message_and_reset_recovers():
    at = run_app({"dataset": "spiral", "lr": "10", "speed": "10"})
    at.button(key="pg_play").click().run()
    for _ in range(10):
        if trainer(at).diverged:
            break
        at.run()
    t = trainer(at)
    assert t.diverged and not payload(at)["running"]
    assert any("learning rate" in e.value for e in at.error)
    assert all(np.isfinite(p.value).all() for p in t.params)
    at.button(key="pg_reset").click().run()
    assert not trainer(at).diverged and not at.error


def test_after_a_divergence_a_lowered_learning_rate_changes_the_message():
    at = run_app({"dataset": "spiral", "lr": "10", "speed": "10"})
    at.button(key="pg_play").click().run()
    for _ in range(10):
        if trainer(at).diverged:
            break
        at.run()
    assert trainer(at).diverged
    at.select_slider(key="cfg_lr").set_value(0.01).run()
    shown = [e.value for e in at.error]
    assert shown and not any("(10) is probably too high" in text for text in shown)
    assert any("diverged at learning rate 10" in text and "now 0.01" in text
               and "Reset" in text for text in shown)
    assert payload(at)["frames"][-1]["message"] == trainer(at).message


def test_stop_after_n_epochs():
    at = run_app({"stop_epochs": "3", "speed": "1"})
    at.button(key="pg_play").click().run()
    for _ in range(5):
        at.run()
    assert trainer(at).epoch == 3 and not payload(at)["running"]
    assert any("Stopped after 3 epochs" in i.value for i in at.info)


def test_junk_url_parameters_fall_back_with_a_visible_note():
    at = run_app({"lr": "abc", "layers": "4,99", "dataset": "mnist"})
    notes = " ".join(w.value for w in at.warning)
    assert "lr" in notes and "layers" in notes and "dataset" in notes
    assert trainer(at).config == TrainConfig()


def test_a_link_reproduces_the_run():
    query = {"dataset": "xor", "layers": "6,3", "activation": "relu", "seed": "42",
             "lr": "0.1", "optimizer": "adam", "noise": "10"}
    a, b = run_app(query), run_app(query)
    ta, tb = trainer(a), trainer(b)
    assert ta.config == tb.config and ta.config.seed == 42 and ta.config.hidden == (6, 3)
    reference = Trainer(ta.config)
    for p, q in zip(ta.params, reference.params):
        np.testing.assert_array_equal(p.value, q.value)


def test_a_click_on_the_map_in_drawing_mode_adds_a_point_and_keeps_the_network():
    at = run_app({"draw": "true"})
    at.button(key="pg_step").click().run()
    t = trainer(at)
    weights = [p.value.copy() for p in t.params]
    at.session_state["live"] = {"click": {"x": 1.5, "y": -2.0, "shift": True, "remove": False}}
    at.run()
    t2 = trainer(at)
    assert len(t2.dataset.X) == 501 and t2.dataset.source == "drawn"
    assert t2.dataset.y[-1] == 1 and tuple(t2.dataset.X[-1]) == (1.5, -2.0)
    for p, w in zip(t2.params, weights):
        np.testing.assert_array_equal(p.value, w)
    assert any("501 points" in c.value for c in at.caption)


@pytest.mark.parametrize("open_run", [
    lambda: run_app({"layers": ""}),
    lambda: run_app().button(key="layers_minus").click().run().button(key="layers_minus")
    .click().run()])
def test_no_hidden_layer_trains_and_draws(open_run):
    """`?layers=` or "−" twice: logistic regression, drawn like any other network."""
    at = open_run()
    assert not at.exception and trainer(at).config.hidden == ()
    first = payload(at)
    assert first["meta"]["layerSizes"] == [2, 1] and first["frames"][-1]["neurons"] == []
    at.button(key="pg_step").click().run()
    at.button(key="pg_play").click().run()
    assert not at.exception and not at.error
    frames = payload(at)["frames"]
    assert frames[-1]["epoch"] == trainer(at).epoch > 1
    assert len(frames[-1]["W"]) == 1 and frames[-1]["W"][0].shape == (1, 2)
