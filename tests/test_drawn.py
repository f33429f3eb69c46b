"""ui.drawn: adding and removing points gives new Datasets and never touches the old one."""
import numpy as np
import pytest

from dnn_core.config import TrainConfig
from dnn_core.data import make_dataset
from dnn_core.trainer import Trainer
from ui.data import drawn


def test_first_click_starts_a_binary_canvas():
    data = drawn.add_point(None, 1.5, -2.0, 1)
    assert (data.task, data.classes, data.source) == ("binary", (0, 1), "drawn")
    np.testing.assert_array_equal(data.X, [[1.5, -2.0]])
    np.testing.assert_array_equal(data.y, [1])


def test_adding_to_toy_data_keeps_it_and_its_classes():
    toy = make_dataset("blobs3", 30, 0.0, np.random.default_rng(0))
    data = drawn.add_point(toy, 0.25, 0.5, 2)
    assert len(data.X) == 31 and len(toy.X) == 30
    np.testing.assert_array_equal(data.X[:30], toy.X)
    assert data.y[-1] == 2 and data.classes == toy.classes and data.task == "multiclass"


def test_regression_points_take_a_value():
    data = drawn.add_point(drawn.empty_canvas("regression"), 0.0, 0.0, -0.75)
    assert data.task == "regression" and data.y.tolist() == [-0.75]


@pytest.mark.parametrize("label", [2, -1, 0.5])
def test_unknown_class_is_refused(label):
    with pytest.raises(ValueError, match="class must be 0..1"):
        drawn.add_point(None, 0.0, 0.0, label)


def test_remove_nearest_only_within_radius():
    data = None
    for x, label in [(0.0, 0), (1.0, 1), (3.0, 0)]:
        data = drawn.add_point(data, x, 0.0, label)
    unchanged = drawn.remove_nearest(data, 2.0, 0.0, radius=0.5)
    assert unchanged is data
    fewer = drawn.remove_nearest(data, 1.2, 0.1, radius=0.5)
    np.testing.assert_array_equal(fewer.X[:, 0], [0.0, 3.0])
    np.testing.assert_array_equal(fewer.y, [0, 0])
    assert drawn.remove_nearest(drawn.empty_canvas(), 0, 0, 1).X.shape == (0, 2)


def test_trainable_needs_four_points_and_two_classes():
    data = None
    for i in range(4):
        data = drawn.add_point(data, float(i), 0.0, 0)
        assert drawn.not_trainable_reason(data) is not None
    assert "second class" in drawn.not_trainable_reason(data)
    data = drawn.add_point(data, 5.0, 5.0, 1)
    assert drawn.not_trainable_reason(data) is None
    trainer = Trainer(TrainConfig(), data=data)
    assert trainer.run_epochs(3).epoch == 3


def test_click_label_shift_gives_the_other_class_or_value():
    binary, three = drawn.empty_canvas(), make_dataset("blobs3", 9, 0.0, np.random.default_rng(0))
    assert [drawn.click_label(binary, 0), drawn.click_label(binary, 0, shift=True)] == [0, 1]
    assert drawn.click_label(three, 2, shift=True) == 0 and drawn.click_label(three, 7) == 2
    assert drawn.click_label(drawn.empty_canvas("regression"), 1.0, shift=True) == -1.0
