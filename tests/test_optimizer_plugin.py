"""An optimizer is one class: a throwaway Adadelta (PyTorch's rule, with a setting of its
own, rho) registered here reaches the Playground's controls, the URL, the config, a run,
"Under the hood" and the exported script without an edit anywhere else; a class without a
rule is refused at registration."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dnn_core import optimizers, serialize
from dnn_core.config import TrainConfig
from dnn_core.hyper import Hyper
from dnn_core.optimizers import OPTIMIZERS, Optimizer
from dnn_core.trainer import Trainer
from ui import keys, state
from ui.data import export
from ui.hood import tex
from ui.hood import walk as hood

APP = Path(__file__).resolve().parents[1] / "app.py"
RHO = Hyper("rho", "Decay ρ", 0.9, 0.0, 0.999, (0.5, 0.8, 0.9, 0.95, 0.99),
            "How slowly both running averages forget.")
EPS = Hyper("eps", "ε", 1e-6, 1e-12, 0.1, (1e-8, 1e-6, 1e-4), "Keeps the roots positive.")


class Adadelta(Optimizer):
    """PyTorch's Adadelta: v = rho v + (1-rho) g^2; step = sqrt(u + eps) / sqrt(v + eps) g;
    u = rho u + (1-rho) step^2; value -= lr step."""

    name, title = "adadelta", "Adadelta"
    formula = [r"v \leftarrow \rho\, v + (1-\rho)\, g^2",
               r"\Delta = \frac{\sqrt{u + \epsilon}}{\sqrt{v + \epsilon}}\, g, \quad "
               r"u \leftarrow \rho\, u + (1-\rho)\, \Delta^2",
               r"\theta \leftarrow \theta - \eta\, \Delta"]
    worked = [r"v = $rho \cdot $square_avg_prev + (1 - $rho) \cdot $g^2 = $square_avg",
              r"u = $rho \cdot $acc_delta_prev + (1 - $rho) \cdot \Delta^2 = $acc_delta",
              r"$entry = $before - $lr \cdot \frac{\sqrt{$acc_delta_prev + $eps}}"
              r"{\sqrt{$square_avg + $eps}} \cdot $g = $after"]
    SETTINGS = (RHO, EPS)
    STATE = ("square_avg", "acc_delta")
    SYMBOLS = {"square_avg": "v", "acc_delta": "u"}

    def __init__(self, params, lr=1.0, rho=RHO.default, eps=EPS.default):
        super().__init__(params, lr)
        self.rho, self.eps = float(rho), float(eps)

    def hyper(self):
        return {"rho": self.rho, "eps": self.eps}

    def _rule(self, g, delta):
        v, u, rho = self.square_avg, self.acc_delta, self.rho
        v *= rho
        v += (1 - rho) * g * g
        delta[...] = np.sqrt(u + self.eps) / np.sqrt(v + self.eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        delta *= self.lr


@pytest.fixture
def adadelta():
    optimizers.register(Adadelta)
    state.refresh()
    yield Adadelta
    del OPTIMIZERS[Adadelta.name]
    state.refresh()


LINK = {"optimizer": "adadelta", "rho": "0.8", "lr": "0.3", "dataset": "xor"}


def test_it_round_trips_through_the_url_into_the_config(adadelta):
    values, notes = state.parse_query(LINK)
    assert notes == [] and (values["optimizer"], values["rho"]) == ("adadelta", 0.8)
    assert state.to_query(values) == LINK
    config = state.to_config(values)
    assert config.optimizer == "adadelta" and config.options == (("rho", 0.8),)
    assert state.config_values(config) == values
    assert state.SCHEMA["rho"].title == "Decay ρ" and state.SCHEMA["rho"].effect == "keep"
    assert state.SCHEMA["eps"].default == "default"     # now three different own defaults


def test_it_drives_a_run_with_pytorchs_rule(adadelta):
    trainer = Trainer(TrainConfig(dataset="xor", optimizer="adadelta", lr=1.0,
                                  options=(("rho", 0.8),), batch=500))
    opt = trainer.optimizer
    assert type(opt) is Adadelta and (opt.rho, opt.eps) == (0.8, 1e-6)
    before = [p.value.copy() for p in opt.params]
    trainer.step()
    for p, w in zip(opt.params, before):    # step 1 from zero state: one closed form
        g = p.grad
        v = 0.2 * g * g
        np.testing.assert_allclose(p.value, w - np.sqrt(1e-6) / np.sqrt(v + 1e-6) * g,
                                   rtol=1e-12, atol=1e-15)
    first = float(trainer.history.last["train_loss"])
    trainer.run_epochs(30)
    assert float(trainer.history.last["train_loss"]) < first
    kept = trainer.update(trainer.config.replace(options=(("rho", 0.95),)))
    assert kept == "kept" and trainer.optimizer.rho == 0.95
    again = serialize.load(serialize.save(trainer))       # its setting survives a model file
    assert again.config == trainer.config and again.optimizer.rho == 0.95
    np.testing.assert_array_equal(again.optimizer.acc_delta, trainer.optimizer.acc_delta)


def test_under_the_hood_shows_its_own_rule_with_the_engines_numbers(adadelta):
    trainer = Trainer(TrainConfig(optimizer="adadelta", options=(("rho", 0.8),)))
    walk = hood.take_step(trainer, [3, 7])
    ls = walk.layers[0]
    i, j = tex.largest_gradient(ls)
    lines = tex.equations(walk, 9, 1)
    assert r"\Delta = \frac{\sqrt{u + \epsilon}}" in lines[0]
    worked = lines[1]
    assert "$" not in worked and r"\sqrt{" in worked
    v_after = ls.state["square_avg"][1][0][i, j]
    g = tex.number(ls.dW[i, j] + ls.dW_penalty[i, j], 4)
    assert f"v &= 0.8 \\cdot 0 + (1 - 0.8) \\cdot {g}^2 = {tex.number(v_after, 4)}" in worked
    trainer.step(indices=[3, 7])
    W = trainer.model.layers[0].W
    assert ls.W_new[i, j] == W[i, j]
    assert worked.endswith(f"= {tex.number(W[i, j], 6)}" + r"\end{aligned}")


def test_it_appears_in_the_playgrounds_controls_and_runs_there(adadelta):
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, text in {**LINK, "schedule": "step", "decay": "0.1"}.items():
        at.query_params[name] = text
    at.run()
    assert not at.exception
    assert at.selectbox(key="cfg_optimizer").value == "adadelta"
    assert "Adadelta" in at.selectbox(key="cfg_optimizer").options
    rho = at.select_slider(key="cfg_rho")
    assert rho.value == 0.8 and rho.label == "Decay ρ" and rho.help == RHO.help
    trainer = at.session_state[keys.TRAINER]
    assert type(trainer.optimizer) is Adadelta and trainer.optimizer.rho == 0.8
    rho.set_value(0.95).run()
    assert at.session_state[keys.TRAINER].optimizer.rho == 0.95
    at.switch_page("app_pages/under_the_hood.py").run()
    for _ in range(8):
        at.button(key="hood_next").click().run()
    assert not at.exception
    assert any(r"\Delta = \frac{\sqrt{u + \epsilon}}" in latex.value for latex in at.latex)
    assert any(r"0.95 \cdot 0 + (1 - 0.95)" in latex.value for latex in at.latex)
    assert any("**Adadelta**" in m.value and "Decay ρ = 0.95" in m.value for m in at.markdown)
    assert any("**Step decay** sets η" in m.value for m in at.markdown)


def test_the_exported_script_carries_its_code(adadelta, tmp_path):
    config = TrainConfig(optimizer="adadelta", options=(("rho", 0.8),))
    text = export.standalone_script(config, 5)
    assert "class Adadelta" in text and "rho=0.8" in text.replace(" ", "")
    assert "Hyper" not in text and "rho=0.9, eps=1e-06):" in text   # defaults as numbers
    path = tmp_path / "run.py"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-I", str(path)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    trainer = Trainer(config)
    trainer.run_epochs(5)
    assert done.stdout.strip().splitlines()[-1] == export.result_line(trainer)


def test_a_class_without_a_rule_or_with_an_unknown_slot_is_refused():
    class NoRule(Optimizer):
        name, title = "norule", "No rule"
        formula = [r"\theta \leftarrow \theta"]

    with pytest.raises(TypeError, match="worked"):
        optimizers.register(NoRule)

    class Typo(Adadelta):
        name = "typo"
        worked = [r"$entry = $before - $lr \cdot $gradient = $after"]

    with pytest.raises(TypeError, match="gradient"):
        optimizers.register(Typo)
    assert "norule" not in OPTIMIZERS and "typo" not in OPTIMIZERS
