"""Step 9 of "Under the hood" for every registered optimizer and the rate of every
registered schedule: each class's own worked rule, filled with the engine's numbers, ends
at the value the real step gives."""
import pytest

from dnn_core import hyper, schedules
from dnn_core.config import TrainConfig
from dnn_core.optimizers import OPTIMIZERS
from dnn_core.schedules import SCHEDULES
from dnn_core.trainer import Trainer
from ui.hood import tex
from ui.hood import walk as hood

# A non-default value for every optimizer setting, so a wrong slot shows.
SETTINGS = {"momentum": 0.8, "alpha": 0.95, "beta1": 0.85, "beta2": 0.99, "eps": 1e-6}
ROWS = [3, 7, 11]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_worked_rule_carries_the_engines_numbers(name):
    trainer = Trainer(TrainConfig(optimizer=name, lr=0.05, **SETTINGS))
    for _ in range(3):
        trainer.step()                       # state away from zero
    walk = hood.take_step(trainer, ROWS)
    ls = walk.layers[0]
    i, j = tex.largest_gradient(ls)
    formula, worked = tex.equations(walk, 9, 1)
    assert formula == r"\begin{gathered}" + r" \\ ".join(OPTIMIZERS[name].formula) \
        + r"\end{gathered}"
    assert "$" not in worked
    opt = trainer.optimizer
    for setting in OPTIMIZERS[name].SETTINGS:
        assert tex.number(getattr(opt, setting.name)) in worked, setting.name
    for state, (before, after) in ls.state.items():
        assert tex.number(after[0][i, j], 4) in worked, state
        if state + "_prev" in hyper.slots(OPTIMIZERS[name].worked):
            assert tex.number(before[0][i, j], 4) in worked, state
    W_before = trainer.model.layers[0].W[i, j]
    trainer.step(indices=ROWS)
    W_after = trainer.model.layers[0].W[i, j]
    assert ls.W_new[i, j] == W_after
    last = worked.removeprefix(r"\begin{aligned}").split(r"\\[4pt]")[-1].strip()
    assert last.startswith("W^{[1]}_{" + f"{i + 1},{j + 1}" + "}")
    assert f"&= {tex.number(W_before, 6)} - " in last
    assert last.endswith(f"= {tex.number(W_after, 6)}" + r"\end{aligned}")


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_the_schedules_worked_rule_gives_its_rate(name):
    schedule = schedules.make_schedule(name, 0.5, decay=0.25, interval=40)
    for epoch in (0, 30, 90):
        line, = tex.schedule_equation(schedule, epoch)
        assert "$" not in line and f"_{{{epoch}}}" in line
        assert line.endswith(tex.number(schedule(epoch), 4))
        for setting in SCHEDULES[name].SETTINGS:
            assert tex.number(getattr(schedule, setting.name)) in line
