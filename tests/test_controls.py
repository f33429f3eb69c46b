"""The control groups under AppTest: each widget moves the produced TrainConfig, the layer
buttons edit the layer list, `hide` removes widgets but keeps their values, and the
change notice says kept or rebuilt. Also the dataset thumbnails."""
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dnn_core.config import TrainConfig
from dnn_core.datasets import DATASETS
from ui import controls, notice, settings, state
from ui import keys as session_keys
from ui.thumbnails import BLUE, ORANGE, dataset_thumbnail, framed


APP = Path(__file__).resolve().parents[1] / "app.py"


def controls_page(groups, task=None):
    import streamlit as st

    from ui import controls, state

    st.session_state["notes"] = state.init_session(st.session_state, st.query_params)
    values = state.current_values(st.session_state)
    for group in groups:
        if group == "output":
            controls.output_controls(task or state.task_of(values))
        elif group == "view":
            controls.view_toggles()
        else:
            getattr(controls, f"{group}_controls")()
    st.session_state["config"] = state.to_config(state.current_values(st.session_state))


def page(*groups, task=None, **query):
    at = AppTest.from_function(controls_page, args=(groups, task), default_timeout=20)
    for name, text in query.items():
        at.query_params[name] = text
    return at.run()


def config(at):
    assert not at.exception and not at.warning, (at.exception, at.warning)
    return at.session_state["config"]


def keys(at):
    return {node.key for kind in ("button", "slider", "select_slider", "number_input",
                                  "selectbox", "radio", "toggle", "button_group")
            for node in at.get(kind)}


def test_data_controls_move_the_config():
    at = page("data")
    assert config(at) == TrainConfig()
    at.button(key="dataset_xor").click().run()
    at.slider(key="cfg_noise").set_value(20).run()
    at.slider(key="cfg_n").set_value(1000).run()
    at.slider(key="cfg_train").set_value(70).run()
    got = config(at)
    assert (got.dataset, got.noise, got.n, got.train_frac) == ("xor", 0.2, 1000, 0.7)
    at.button(key="data_regenerate").click().run()
    assert config(at).seed == controls.next_seed(0) != 0
    at.number_input(key="cfg_seed").set_value(42).run()
    assert config(at).seed == 42


def test_switching_to_a_task_the_loss_does_not_fit_falls_back_to_auto():
    at = page("data", "output", loss="mse")
    assert config(at).loss == "mse"
    at.button(key="dataset_blobs3").click().run()
    assert config(at).loss == "auto"
    assert "does not fit a multiclass task" in at.toast[0].value
    assert "Softmax output + cross-entropy" in at.markdown[-1].value
    assert "cfg_loss" not in keys(at)


def test_binary_output_offers_tf_playgrounds_tanh_and_squared_error():
    at = page("output")
    at.radio(key="cfg_loss").set_value("mse").run()
    assert config(at).loss == "mse"


def test_features_toggle_and_never_go_empty():
    at = page("feature")
    at.pills(key="cfg_features").set_value(["x1sq", "x1"]).run()
    assert config(at).features == ("x1", "x1sq")
    at.pills(key="cfg_features").set_value([]).run()
    assert config(at).features == ("x1", "x1sq")


def test_layer_and_neuron_buttons_edit_the_layer_list():
    at = page("network")
    at.button(key="layers_plus").click().run()
    assert (config(at).hidden, config(at).activations) == ((4, 2, 2), ("tanh",) * 3)
    at.button(key="neurons_0_plus").click().run()
    at.button(key="neurons_2_minus").click().run()
    assert config(at).hidden == (5, 2, 1)
    assert at.button(key="neurons_2_minus").disabled and not at.button(key="neurons_2_plus").disabled
    for _ in range(3):
        at.button(key="layers_minus").click().run()
    assert (config(at).hidden, config(at).activations) == ((), ())
    assert at.button(key="layers_minus").disabled
    assert not any(key.startswith(("neurons_", "activation_")) for key in keys(at))
    at.button(key="layers_plus").click().run()
    assert config(at).hidden == (4,)


def test_layer_and_neuron_limits():
    at = page("network", layers="32,1,1,1,1,1,1,1")
    assert at.button(key="layers_plus").disabled and at.button(key="neurons_0_plus").disabled
    assert at.button(key="neurons_1_minus").disabled
    assert not at.button(key="layers_minus").disabled and not at.button(key="neurons_0_minus").disabled


def test_per_layer_activation_and_same_for_all():
    at = page("network", layers="8,8,8")
    at.selectbox(key="activation_0").set_value("relu").run()
    at.selectbox(key="activation_2").set_value("sine").run()
    assert config(at).activations == ("relu", "tanh", "sine")
    at.button(key="activation_same_for_all").click().run()
    assert config(at).activations == ("relu",) * 3
    at.selectbox(key="cfg_init").set_value("he").run()
    assert config(at).init == "he"


def test_optimizer_settings_show_only_when_they_apply_and_keep_their_values():
    at = page("training")
    assert {"cfg_momentum", "cfg_beta1", "cfg_eps"} & keys(at) == set()
    at.selectbox(key="cfg_optimizer").set_value("momentum").run()
    assert "cfg_momentum" in keys(at)
    at.selectbox(key="cfg_optimizer").set_value("adam").run()
    assert {"cfg_beta1", "cfg_beta2", "cfg_eps"} <= keys(at) and "cfg_momentum" not in keys(at)
    at.select_slider(key="cfg_beta1").set_value(0.8).run()
    at.selectbox(key="cfg_optimizer").set_value("sgd").run()
    at.selectbox(key="cfg_optimizer").set_value("adam").run()
    assert config(at).beta1 == 0.8 and config(at).optimizer == "adam"


def test_training_controls_move_the_config():
    at = page("training", lr="0.05")
    assert "0.05" in at.select_slider(key="cfg_lr").options and config(at).lr == 0.05
    at.select_slider(key="cfg_lr").set_value(0.3).run()
    at.select_slider(key="cfg_batch").set_value("all").run()
    at.segmented_control(key="cfg_reg").set_value("l2").run()
    at.select_slider(key="cfg_reg_rate").set_value(0.003).run()
    at.selectbox(key="cfg_schedule").set_value("step").run()
    at.select_slider(key="cfg_decay").set_value(0.1).run()
    at.number_input(key="cfg_interval").set_value(30).run()
    at.select_slider(key="cfg_dropout").set_value(0.2).run()
    got = config(at)
    assert (got.lr, got.batch, got.reg, got.reg_rate) == (0.3, settings.FULL_BATCH, "l2", 0.003)
    assert (got.schedule, got.decay, got.interval, got.dropout) == ("step", 0.1, 30, 0.2)
    at.select_slider(key="cfg_speed").set_value("max").run()
    at.number_input(key="cfg_stop_epochs").set_value(300).run()
    at.number_input(key="cfg_goal").set_value(0.05).run()
    values = state.current_values(at.session_state)
    assert (values["speed"], values["stop_epochs"], values["goal"]) == ("max", 300, 0.05)


def test_each_stepped_slider_offers_exactly_its_rows_steps():
    at = page("training", reg="l2", optimizer="adam", schedule="step")
    sliders = {node.key[len(state.PREFIX):]: node for node in at.select_slider}
    assert {"lr", "batch", "reg_rate", "dropout", "speed", "beta1", "beta2", "eps",
            "decay"} <= set(sliders)
    for key, slider in sliders.items():
        kind = state.SCHEMA[key].kind
        steps = getattr(kind, "steps", None) or kind.options
        offered = [option for option in slider.options if option not in ("all", "max",
                                                                          "default")]
        assert [float(option) for option in offered] == sorted(
            s for s in steps if not isinstance(s, str)), key


def every_widget(at):
    return [node for kind in ("button", "slider", "select_slider", "number_input",
                              "selectbox", "radio", "toggle", "button_group")
            for node in at.get(kind)]


def test_every_control_says_what_it_does_to_training():
    at = page("data", "feature", "network", "output", "training", "view", layers="4,2",
              optimizer="adam", schedule="step", reg="l2")
    for node in every_widget(at):
        assert node.help, node.key
        key = (node.key or "").removeprefix(state.PREFIX)
        if key in state.SCHEMA:
            assert node.help == state.SCHEMA[key].help
            assert node.label == state.SCHEMA[key].label


def test_layer_buttons_say_which_layer_and_thumbnails_are_described():
    at = page("data", "network", layers="4,2")
    assert at.button(key="neurons_1_minus").label == "Remove a neuron from layer 2"
    assert at.button(key="neurons_0_plus").label == "Add a neuron to layer 1"
    assert (at.button(key="layers_minus").label, at.button(key="layers_plus").label) == (
        "Remove the last hidden layer", "Add a hidden layer")
    alts = [image.proto.imgs[0].alt for image in at.get("image")]
    assert len(alts) == len(DATASETS)
    assert alts[0] == f"{DATASETS['circle'].title} dataset (chosen): " \
        f"{DATASETS['circle'].description}"
    assert all(alt.startswith(info.title + " dataset") for alt, info in
               zip(alts, DATASETS.values()))


def test_a_repeated_url_key_uses_the_last_value_with_a_note_and_the_url_keeps_one():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lr"] = ["0.1", "0.3"]
    at.run()
    assert not at.exception
    assert at.session_state[session_keys.TRAINER].config.lr == 0.3
    assert "lr: given 2 times; using the last one." in [w.value for w in at.warning]
    assert at.query_params["lr"] in ("0.3", ["0.3"])


def test_view_toggles():
    at = page("view")
    at.toggle(key="cfg_show_test").set_value(True).run()
    at.toggle(key="cfg_log_scale").set_value(True).run()
    values = state.current_values(at.session_state)
    assert (values["show_test"], values["discretize"], values["log_scale"]) == (True, False, True)


def test_hide_removes_widgets_but_their_values_apply():
    shown = keys(page("data", "feature", "network", "output", "training", "view"))
    assert {"dataset_circle", "cfg_lr", "layers_plus", "activation_0", "cfg_show_test"} <= shown
    at = page("data", "feature", "network", "output", "training", "view",
              hide="dataset,lr,layers,activation,show_test,seed", lr="0.3", layers="5")
    gone = shown - keys(at)
    assert {"dataset_circle", "cfg_lr", "layers_plus", "neurons_0_minus", "activation_0",
            "cfg_show_test", "cfg_seed", "data_regenerate"} <= gone
    assert {"cfg_noise", "cfg_features", "cfg_init", "cfg_batch"} <= keys(at)
    assert (config(at).lr, config(at).hidden) == (0.3, (5,))
    assert "**5** neurons" in [m.value for m in at.markdown]


def test_url_notes_reach_the_page():
    at = page("data", lr="abc", mnist="1")
    assert len(at.session_state["notes"]) == 2
    assert config(at).lr == 0.03


def test_change_notice_says_kept_or_rebuilt():
    base = TrainConfig()
    assert notice.change_notice(base, base) is None
    assert notice.change_notice(None, base) is None
    assert notice.change_notice(base, base.replace(lr=0.1)) == (
        "Learning rate changed: training continues with the same weights.")
    assert notice.change_notice(base, base.replace(hidden=(4, 2, 2))) == (
        "Hidden layers changed: the network was rebuilt with new weights.")
    assert notice.change_notice(base, base.replace(noise=0.1)) == (
        "Noise changed: new data were drawn and the network was rebuilt with new weights.")
    assert notice.change_notice(base, base.replace(lr=0.1, batch=30)) == (
        "Learning rate and batch size changed: training continues with the same weights.")
    assert notice.change_notice(base, base.replace(optimizer="adam")).endswith(
        "same weights; the optimizer's running averages start afresh.")


@pytest.mark.parametrize("name", list(DATASETS))
def test_thumbnails(name):
    image = dataset_thumbnail(name)
    assert image.shape == (48, 48, 3) and image.dtype == np.uint8
    assert dataset_thumbnail(name) is image and not image.flags.writeable
    colors = {tuple(c) for c in image.reshape(-1, 3)} - {(255, 255, 255)}
    if DATASETS[name].task == "binary":
        assert colors == {ORANGE, BLUE}
    else:
        assert len(colors) >= 3
    boxed = framed(image)
    assert tuple(boxed[0, 0]) == BLUE and np.array_equal(boxed[5:-5, 5:-5], image[5:-5, 5:-5])
