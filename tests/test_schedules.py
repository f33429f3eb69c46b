"""Learning-rate schedules: exact values per formula, registry, validation."""
import math

import pytest

from dnn_core.schedules import SCHEDULES, make_schedule


def test_constant_ignores_decay():
    schedule = make_schedule("constant", 0.3, decay=5.0)
    assert [schedule(e) for e in (0, 1, 1000)] == [0.3, 0.3, 0.3]


def test_inverse_time_exact():
    schedule = make_schedule("inverse_time", 0.5, decay=0.25)
    assert [schedule(e) for e in (0, 1, 4, 12)] == [0.5, 0.4, 0.25, 0.125]


def test_step_decay_is_a_staircase():
    # The course's schedule_lr_decay: lr0 / (1 + decay * floor(epoch / interval)).
    schedule = make_schedule("step", 0.5, decay=1.0, interval=10)
    assert [schedule(e) for e in (0, 9, 10, 19, 20, 30)] == [0.5, 0.5, 0.25, 0.25, 0.5 / 3, 0.125]


def test_exponential_exact():
    schedule = make_schedule("exponential", 2.0, decay=math.log(2))
    assert schedule(0) == 2.0
    assert schedule(1) == pytest.approx(1.0, rel=1e-15)
    assert schedule(3) == pytest.approx(0.25, rel=1e-15)


def test_cosine_halves_midway_and_stays_at_zero_after_interval():
    schedule = make_schedule("cosine", 0.8, interval=100)
    assert schedule(0) == 0.8
    assert schedule(50) == pytest.approx(0.4, rel=1e-15)
    assert schedule(25) == pytest.approx(0.4 * (1 + math.sqrt(0.5)), rel=1e-15)
    assert schedule(100) == 0.0
    assert schedule(250) == 0.0


def test_registry_round_trips_with_name_title_and_formula():
    assert set(SCHEDULES) == {"constant", "inverse_time", "step", "exponential", "cosine"}
    for name in SCHEDULES:
        schedule = make_schedule(name, 0.1, decay=0.1, interval=10)
        assert schedule.name == name and schedule.title
        assert schedule.formula.startswith(r"\eta_e")
        assert schedule(0) == 0.1
        assert isinstance(schedule(7), float)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="constant.*step"):
        make_schedule("linear", 0.1)
    with pytest.raises(ValueError, match="interval"):
        make_schedule("step", 0.1, interval=0)
    with pytest.raises(ValueError, match="decay"):
        make_schedule("exponential", 0.1, decay=-1.0)
    with pytest.raises(ValueError, match="epoch"):
        make_schedule("constant", 0.1)(-1)
