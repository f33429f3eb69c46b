"""Under the hood: the walk-through equals the engine, "Apply this step" is exactly that update,
the gradient check passes and catches planted bugs, and the page renders every step."""
import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dnn_core import TrainConfig, Trainer
from dnn_core.activations import ACTIVATIONS, Tanh
from dnn_core.steps import linear_forward
from ui import keys, session
from ui.hood import check as hood_check, tex as hood_tex, walk as hood
from ui.hood.figures import MAX_ROWS, fmt, matrix_figure, pass_diagram

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "under_the_hood.py")


# ---- helpers --------------------------------------------------------------------------
def page(trainer=None, rows=None):
    """The page run once, with `trainer` as the session's run and `rows` typed in."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    if trainer is not None:
        at.session_state[keys.TRAINER] = trainer
    at.run()
    if rows is not None:
        at.text_input(key="hood_rows").input(rows).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go_to(at, step):
    at.radio(key="hood_step").set_value(step).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def decode(value):
    """A Plotly JSON array: plain list or {'dtype', 'bdata', 'shape'} typed array."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(s) for s in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value)


def figure(at, name):
    """The spec of the plotly chart whose layout.meta.name is `name`."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["layout"].get("meta", {}).get("name") == name:
            return spec
    raise AssertionError(f"no figure named {name!r}")


def shown(at, name):
    return decode(figure(at, name)["data"][0]["z"])


def engine_gradients(config, rows):
    """dW per layer straight from the engine: a twin run's forward, loss and backward."""
    twin = Trainer(config)
    twin.model.train()
    out = twin.model.forward(twin.X_train[rows])
    twin.loss.forward(out, twin.T_train[rows])
    twin.model.backward(twin.loss.backward())
    return [d.dW.copy() for d in twin.model.dense_layers()]


# ---- the walk-through against the engine (no Streamlit) ------------------------------
CONFIGS = {
    "sgd": TrainConfig(),
    "adam_dropout_l2_full_batch": TrainConfig(dataset="blobs3", optimizer="adam", lr=0.01,
                                              reg="l2", reg_rate=0.01, dropout=0.3,
                                              hidden=(32,) * 8, activations="relu",
                                              batch=500),
    "momentum_mse_tanh_output": TrainConfig(loss="mse", optimizer="momentum", dropout=0.2),
    "nesterov_l1_no_hidden": TrainConfig(dataset="plane", hidden=(), activations=(),
                                         optimizer="nesterov", reg="l1", reg_rate=0.01),
    "rmsprop": TrainConfig(dataset="spiral3", optimizer="rmsprop", lr=0.01, batch=7),
    "adagrad": TrainConfig(optimizer="adagrad", activations="gelu"),
}


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("rows", [None, [3], [5, 1, 7]])
def test_applying_the_walk_is_bit_identical_to_the_shown_update(name, rows):
    trainer = Trainer(CONFIGS[name])
    for _ in range(3):
        trainer.step()
    walk = hood.take_step(trainer, rows)
    steps_before = trainer.steps
    record = hood.apply_step(trainer, walk)
    assert trainer.steps == steps_before + 1
    assert record.loss == walk.cost
    for ls, dense in zip(walk.layers, trainer.model.dense_layers()):
        assert np.array_equal(ls.W_new, dense.W) and np.array_equal(ls.b_new, dense.b)
        assert np.array_equal(ls.dW + ls.dW_penalty, dense.dW)


def test_take_step_leaves_the_run_untouched():
    trainer, twin = Trainer(TrainConfig(optimizer="adam", dropout=0.3)), Trainer(
        TrainConfig(optimizer="adam", dropout=0.3))
    for t in (trainer, twin):
        t.step()
    hood.take_step(trainer, None)
    hood.take_step(trainer, [4, 2])
    assert trainer.steps == twin.steps == 1
    for a, b in zip(trainer.params, twin.params):
        assert np.array_equal(a.value, b.value)
    assert trainer.optimizer.t == 1
    trainer.step(), twin.step()   # same shuffle and dropout draws as the untouched twin
    for a, b in zip(trainer.params, twin.params):
        assert np.array_equal(a.value, b.value)


def test_walk_values_follow_the_course_equations():
    trainer = Trainer(TrainConfig(hidden=(3,), activations="sigmoid"))
    walk = hood.take_step(trainer, [0, 8])
    first, out = walk.layers
    assert np.allclose(first.Z, first.A_prev @ first.W.T + first.b, rtol=1e-13)
    assert np.allclose(first.A, 1 / (1 + np.exp(-first.Z)), rtol=1e-13)
    assert np.allclose(out.dW, out.dZ.T @ out.A_prev, rtol=1e-13)
    assert np.allclose(out.db, out.dZ.sum(axis=0), rtol=1e-13)
    assert np.allclose(first.dZ, first.dA * first.A * (1 - first.A), rtol=1e-13)
    assert np.allclose(first.dA, out.dA_prev, rtol=1e-13)
    assert np.allclose(first.W_new, first.W - 0.03 * first.dW, rtol=1e-13)


def test_parse_rows_says_what_is_wrong():
    assert hood.parse_rows("3, 17;3 4", 20).tolist() == [3, 17, 4]
    for text, message in [("", "at least one"), ("x", "not a row number"),
                          ("25", "does not exist"), ("1,2,3,4,5,6,7,8,9", "at most 8")]:
        with pytest.raises(ValueError, match=message):
            hood.parse_rows(text, 20)
    assert len(set(hood.pick_rows(250, 8, seed=1))) == 8


# ---- equations and figures -------------------------------------------------------------
def test_equations_carry_the_engine_numbers():
    walk = hood.take_step(Trainer(TrainConfig(optimizer="adam", lr=0.01)), [5])
    ls = walk.layers[0]
    linear = " ".join(hood_tex.equations(walk, 2, 1))
    assert hood_tex.number(ls.Z[0, 0]) in linear and hood_tex.number(ls.W[1, 0]) in linear
    update = " ".join(hood_tex.equations(walk, 9, 1))
    ij = hood_tex.largest_gradient(ls)
    assert np.abs(ls.dW[ij]) == np.abs(ls.dW).max()
    assert hood_tex.number(ls.W_new[ij], 6) in update and "W^{[1]}_{" in update
    assert hood_tex.number(ls.state["m_hat"][1][0][ij], 4) in update
    assert hood_tex.number(1.5e-5) == r"1.5{\times}10^{-5}"
    assert r"\cdots" in hood_tex.matrix(np.ones((2, 9))) and r"\vdots" in hood_tex.matrix(
        np.ones((9, 2)))


def test_matrix_figures_write_small_values_and_summarise_large_ones():
    small = matrix_figure(np.array([[0.12345, -2.0]]), "W[1]")
    assert list(small.data[0].text[0]) == ["0.123", "-2"]
    large = matrix_figure(np.arange(100 * 32.0).reshape(100, 32), "Z[1]")
    assert large.data[0].text is None and large.data[0].z.shape == (MAX_ROWS, 32)
    assert "first 64 of 100 rows" in large.layout.title.text
    assert fmt(-0.0) == "0" and fmt(0.000012345) == "1.23e-05" and fmt(-7.0) == "-7"


def test_pass_diagram_draws_two_boxes_per_layer_and_highlights_the_step():
    walk = hood.take_step(Trainer(TrainConfig(hidden=(32,) * 8, activations="relu")), [1])
    fig = pass_diagram(walk.layers, walk.cost, step=6, active_layer=3)
    assert len(fig.layout.shapes) == 2 * 9 + 3
    framed = [s for s in fig.layout.shapes if s.line.width == 3]
    assert len(framed) == 1 and framed[0].x0 < 3 < framed[0].x1 and framed[0].y1 < 0.5


# ---- the gradient check ----------------------------------------------------------------
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradient_check_passes_for_every_activation_and_catches_the_planted_bugs(activation):
    trainer = Trainer(TrainConfig(activations=activation, reg="l2", reg_rate=0.01))
    trainer.step()
    rows, result = hood_check.check_gradients(trainer, [0, 5, 9])
    assert all(r["passed"] for r in rows) and result.max_error < 1e-7 and result.passed()
    for bug, wrong in (("derivative", {"W1", "b1"}), ("bias", {"b1"})):
        rows, result = hood_check.check_gradients(trainer, [0, 5, 9], bug)
        assert {r["tensor"] for r in rows if not r["passed"]} == wrong, bug
        assert not result.passed()
    errors = hood_check.check_gradients(trainer, [0, 5, 9], "bias")[1].errors
    assert errors["b1"] == pytest.approx(1.0) and errors["W1"] < 1e-7
    assert isinstance(trainer.model.layers[1], ACTIVATIONS[activation])  # run untouched


def test_tiny_gradients_of_a_saturated_network_pass_by_the_absolute_floor():
    """Issue 10: spiral, layers 4,2,2,2, Adam at 0.1, ~210 epochs: the first layers'
    gradients are ~1e-7 and below, where a pure relative error says "fails" with no bug."""
    trainer = Trainer(TrainConfig(dataset="spiral", hidden=(4, 2, 2, 2), optimizer="adam",
                                  lr=0.1))
    trainer.run_epochs(210)
    rows, result = hood_check.check_gradients(trainer, list(range(8)))
    assert result.max_error > 1e-5, "the relative error alone would fail"
    assert all(r["passed"] for r in rows) and result.passed()
    assert {"W1", "b1"} <= {r["tensor"] for r in rows if r["below floor"]}
    fresh = Trainer(trainer.config)
    fresh.step()
    for bug in ("derivative", "bias"):
        assert not hood_check.check_gradients(fresh, [0, 5, 9], bug)[1].passed(), bug


# ---- the page (AppTest) ----------------------------------------------------------------
def test_page_renders_the_default_network_with_equations_and_the_picked_sample():
    at = page()
    assert at.title[0].value == "Under the hood"
    assert any("W^{[1]}" in latex.value for latex in at.latex)
    picked = figure(at, "sample map")["data"][1]
    assert decode(picked["customdata"]).tolist() == [0]
    assert at.session_state[keys.TRAINER].steps == 0


def test_stepping_through_all_nine_steps_of_a_multiclass_network_raises_nothing():
    trainer = Trainer(TrainConfig(dataset="spiral3", hidden=(5, 4), activations="relu",
                                  optimizer="adam", lr=0.01, reg="l2", reg_rate=0.001))
    at = page(trainer, rows="4, 9, 31")
    for step in range(1, 10):
        assert at.session_state.hood_step == step
        assert at.subheader[0].value.startswith(f"Step {step} ·")
        assert at.latex, f"step {step} shows no equation"
        if step in (1, 2, 3, 6, 7, 9):
            for layer in (1, 2, 3):
                at.radio(key="hood_layer").set_value(layer).run()
                assert not at.exception, (step, layer, [e.value for e in at.exception])
        if step < 9:
            at.button(key="hood_next").click().run()
            assert not at.exception, (step, [e.value for e in at.exception])
    at.button(key="hood_prev").click().run()
    assert at.session_state.hood_step == 8
    assert shown(at, "dA[0] = dJ/dX").shape == (3, 2)


def test_shown_Z_A_dW_for_one_sample_equal_the_engine():
    config = TrainConfig(hidden=(4, 3), activations=("tanh", "tanh"))
    at = page(Trainer(config), rows="7")
    run = at.session_state[keys.TRAINER]
    x = run.X_train[[7]]
    dW = engine_gradients(config, [7])
    A = x
    for l, dense in enumerate(run.model.dense_layers(), start=1):
        at.radio(key="hood_layer").set_value(l)
        Z = linear_forward(A, dense.W, dense.b)
        go_to(at, 2)
        assert np.allclose(shown(at, f"Z[{l}]"), Z, rtol=1e-13, atol=0)
        assert np.allclose(shown(at, f"A[{l - 1}]"), A, rtol=1e-13, atol=0)
        if l < 3:
            go_to(at, 3)
            A = Tanh.fn(Z)
            assert np.allclose(shown(at, f"A[{l}]"), A, rtol=1e-13, atol=0)
            assert any(fmt(A[0, 0]) in latex.value for latex in at.latex)
        go_to(at, 6)
        assert np.allclose(shown(at, f"dW[{l}]"), dW[l - 1], rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("mode", [None, "The Playground's next batch"])
def test_apply_this_step_advances_the_playground_network_by_exactly_one_update(mode):
    config = TrainConfig(optimizer="momentum", batch=5)
    at = page(Trainer(config), rows="3, 9")
    if mode:
        at.radio(key="hood_mode").set_value(mode).run()
    go_to(at, 9)
    shown_after = shown(at, "W[1] after")
    at.button(key="hood_apply").click().run()
    assert not at.exception
    run, twin = at.session_state[keys.TRAINER], Trainer(config)
    twin.step() if mode else twin.step(indices=[3, 9])
    assert run.steps == 1 and run.epoch == 0
    for a, b in zip(run.params, twin.params):
        assert np.array_equal(a.value, b.value)
    assert np.array_equal(run.model.dense_layers()[0].W, shown_after)
    assert any("took update 1" in s.value for s in at.success)
    if mode:   # the Playground's own batch: its epoch cursor moved on, as after its Step
        assert np.array_equal(run.next_batch_indices(), twin.next_batch_indices())


def test_gradient_check_panel_passes_then_fails_with_a_planted_bug():
    at = page(Trainer(TrainConfig(activations="softplus")), rows="2, 11")
    table = at.dataframe[-1].value
    assert list(table["passed"]) == ["pass"] * 6
    at.radio(key="hood_bug").set_value("bias").run()
    table = at.dataframe[-1].value.set_index("tensor")
    assert table.loc["b1", "passed"] == "FAIL" and table.loc["W2", "passed"] == "pass"
    assert at.error and "fails" in at.error[0].value


def test_large_networks_are_summarised_not_written_out():
    trainer = Trainer(TrainConfig(hidden=(32,) * 8, activations="relu", batch=200))
    at = page(trainer)
    at.radio(key="hood_mode").set_value("The Playground's next batch").run()
    at.radio(key="hood_layer").set_value(4)
    go_to(at, 2)
    W = figure(at, "W[4]")["data"][0]
    assert "text" not in W and decode(W["z"]).shape == (32, 32)
    assert decode(figure(at, "Z[4]")["data"][0]["z"]).shape == (MAX_ROWS, 32)
    assert any("too large" in c.value for c in at.caption)
    assert any(b.label.startswith("Run the check") for b in at.button)


def test_under_the_app_router_apply_moves_the_playgrounds_own_network():
    at = AppTest.from_file(str(Path(PAGE).parent.parent / "app.py"), default_timeout=60)
    at.run()
    run = at.session_state[keys.TRAINER]
    at.switch_page("app_pages/under_the_hood.py").run()
    assert not at.exception and at.title[0].value == "Under the hood"
    at.button(key="hood_apply").click().run()
    at.switch_page("app_pages/playground.py").run()
    assert not at.exception
    assert at.session_state[keys.TRAINER] is run and run.steps == 1
