"""ui.upload: CSV bytes -> Dataset, and a message naming the problem and line for each
kind of bad file."""
import numpy as np
import pytest

from dnn_core.config import TrainConfig
from tests.fixtures.csv_files import BAD_FILES, GOOD_ROWS, csv_bytes
from ui.data import upload


def test_good_file_with_header_reads_exactly():
    dataset, notes = upload.read_csv(csv_bytes(GOOD_ROWS, header="x1,x2,label"))
    assert dataset.task == "binary" and dataset.classes == (0, 1)
    np.testing.assert_array_equal(dataset.X, np.array([r[:2] for r in GOOD_ROWS], float))
    np.testing.assert_array_equal(dataset.y, [r[2] for r in GOOD_ROWS])
    assert dataset.source == "upload"
    assert any("column names" in note for note in notes)


def test_no_header_semicolons_and_decimal_commas():
    text = "1,5;-2;0\n3;4,25;1\n\n5;6;0\n7;8;1\n"
    dataset, notes = upload.read_csv(text.encode())
    np.testing.assert_array_equal(dataset.X[:2], [[1.5, -2.0], [3.0, 4.25]])
    assert len(dataset.X) == 4
    assert any("semicolons" in n for n in notes) and any("Decimal commas" in n for n in notes)
    assert not any("column names" in n for n in notes)


def test_utf8_bom_and_windows_line_ends():
    data = b"\xef\xbb\xbfx,y,class\r\n" + csv_bytes(GOOD_ROWS).replace(b"\n", b"\r\n")
    dataset, _ = upload.read_csv(data)
    assert len(dataset.X) == len(GOOD_ROWS)


@pytest.mark.parametrize(("labels", "task", "classes"), [
    (["cat", "dog", "cat", "dog"], "binary", ("cat", "dog")),
    ([0, 1, 2, 1], "multiclass", (0, 1, 2)),
    ([0.5, 1.25, -3.0, 2.0], "regression", ()),
])
def test_task_is_inferred(labels, task, classes):
    rows = [(i, -i, label) for i, label in enumerate(labels)]
    dataset, notes = upload.read_csv(csv_bytes(rows))
    assert (dataset.task, dataset.classes) == (task, classes)
    assert task in notes[-1]


def test_task_override_and_impossible_override():
    rows = [(i, -i, label) for i, label in enumerate([0, 1, 2, 1, 0])]
    assert upload.read_csv(csv_bytes(rows), task="regression")[0].task == "regression"
    with pytest.raises(ValueError, match="binary needs exactly 2 distinct labels"):
        upload.read_csv(csv_bytes(rows), task="binary")


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_every_bad_file_kind_has_its_message(kind):
    data, expected = BAD_FILES[kind]
    with pytest.raises(ValueError) as info:
        upload.read_csv(data)
    assert expected in str(info.value)


def test_row_numbers_are_file_lines_even_after_blank_lines():
    text = "x1,x2,label\n1,2,0\n\n\n3,abc,1\n5,6,0\n7,8,1\n"
    with pytest.raises(ValueError, match=r"^row 5, column 'x2': 'abc' is not a number"):
        upload.read_csv(text.encode())


def test_size_limit_is_checked_before_reading():
    data = b"1,2,0\n" * (upload.MAX_BYTES // 6 + 1)
    with pytest.raises(ValueError, match=r"the file is 5\.01 MB: at most 5 MB"):
        upload.decode(data)


def test_the_uploaders_stated_limit_is_ours():
    """Streamlit's uploader shows maxUploadSize and refuses larger files in the browser;
    the server-side check repeats the same limit."""
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit/config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == upload.MAX_BYTES


def test_training_statistics_are_the_trainers():
    dataset, _ = upload.read_csv(csv_bytes(GOOD_ROWS))
    table, n_train = upload.training_statistics(dataset, TrainConfig(features=("x1", "x1sq")))
    assert list(table["input"]) == ["X₁", "X₁²"] and n_train == len(GOOD_ROWS) // 2
    assert (table["std"] > 0).all()


def test_training_statistics_with_a_loss_that_does_not_fit():
    rows = [(i, -i, v) for i, v in enumerate([0.5, 1.25, -3.0, 2.0])]
    dataset, _ = upload.read_csv(csv_bytes(rows))
    table, _ = upload.training_statistics(dataset, TrainConfig(loss="bce"))
    assert len(table) == 2


def test_preview_figure_has_a_trace_per_class():
    dataset, _ = upload.read_csv(csv_bytes(GOOD_ROWS))
    fig = upload.preview_figure(dataset)
    assert [t.name for t in fig.data] == ["0", "1"]
    assert sum(len(t.x) for t in fig.data) == len(GOOD_ROWS)


def test_a_header_of_numbers_that_would_make_a_one_point_class_is_read_as_names():
    """A header `1,2,3` (or pandas' `0,1,2`) used to become a data row and a class of one
    point, silently; now it is read as column names, and the note says why and how to keep
    such a line as data."""
    rows = [(i, -i, i % 2) for i in range(6)]
    for header in ("1,2,3", "0,1,2"):
        dataset, notes = upload.read_csv(csv_bytes(rows, header=header))
        assert len(dataset.X) == 6 and dataset.classes == (0, 1)
        said = next(n for n in notes if "column numbers" in n)
        assert f"its label {header[-1]} appears on no other line" in said
        assert "add a header line" in said


@pytest.mark.parametrize(("first", "rows"), [
    ("0.5,0.25,1", [(i, -i, i % 2) for i in range(6)]),              # its label is a class
    ("1,2,4", [(i, -i, i % 2) for i in range(6)]),                   # not column numbers
    ("1,2,3", [(i, -i, 0.1 * i + 0.05) for i in range(6)]),          # regression targets
    ("1,2,3", [(i, -i, i) for i in range(12)]),                     # many distinct labels
])
def test_a_first_line_of_numbers_is_data_and_the_notes_say_so(first, rows):
    dataset, notes = upload.read_csv(csv_bytes([tuple(first.split(",")), *rows]))
    assert len(dataset.X) == len(rows) + 1
    assert "No header line: line 1 is data." in notes[1]
    assert ("that class has one point" in notes[1]) == (first == "1,2,4")


def test_a_chosen_regression_keeps_a_first_line_of_numbers_as_data():
    rows = [(i, -i, i % 2) for i in range(6)]
    dataset, notes = upload.read_csv(csv_bytes(rows, header="1,2,3"), task="regression")
    assert len(dataset.X) == 7 and notes[1] == "No header line: line 1 is data."
