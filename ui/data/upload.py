"""Your own data from a CSV file: bytes -> a checked `Dataset`, or a message saying why not.

    dataset, notes = read_csv(uploaded.getvalue())           # ValueError: what and where

The file has three columns, x1, x2 and the label, separated by commas or semicolons; a
header line is optional. The checks run cheapest first: the size (at most 5 MB), binary
content, the text encoding (UTF-8), then pandas reads every cell as text and
`dnn_core.data.from_arrays` checks them one by one. Row numbers in the messages are the
file's line numbers (a header is line 1, blank lines count).
"""
import io
import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dnn_core.data import MAX_CLASSES, from_arrays
from dnn_core.features import FEATURES
from dnn_core.trainer import Trainer

MAX_BYTES = 5 * 1024 * 1024
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
DEFAULT_COLUMNS = ("x1", "x2", "label")
# Leading bytes of binary files people upload by mistake, and what to say about them.
SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook or a saved model?)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x93NUMPY": "a NumPy .npy array",
}
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*$")
_ROW = re.compile(r"\brow (\d+)\b")
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _size_text(n_bytes):
    """Rounded up, so a file just over the limit never reads as '5.00 MB'."""
    return f"{math.ceil(n_bytes / 1024 / 1024 * 100) / 100:.2f} MB"


def decode(data):
    """CSV bytes -> text; ValueError for an oversized, empty, binary or non-UTF-8 file."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is {_size_text(len(data))}: at most "
                         f"{MAX_BYTES // 1024 // 1024} MB is allowed")
    if not data.strip():
        raise ValueError("the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValueError("the file is UTF-16 text: save it as CSV UTF-8 and upload that")
    for magic, what in SIGNATURES.items():
        if data.startswith(magic):
            raise ValueError(f"this is {what}, not a CSV text file: save the table as "
                             "CSV (comma separated) and upload that")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise ValueError(f"this is a binary file (a zero byte on line {line}), "
                         "not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ValueError(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} on line "
                         f"{line} (in Excel choose \"CSV UTF-8\" when saving)") from None


def sniff_separator(lines):
    """';' when each of the first 20 lines holds a semicolon (then a comma can be a decimal
    comma, as in European spreadsheets), a tab when each holds a tab and none a comma,
    otherwise ','."""
    sample = lines[:20]
    if all(";" in line for line in sample):
        return ";"
    if all("\t" in line and "," not in line for line in sample):
        return "\t"
    return ","


def _is_number(cell):
    try:
        float(cell.strip().replace(",", "."))
        return True
    except ValueError:
        return False


def _parse(text, sep, line_numbers):
    """pandas reads every cell as text (so the checker can name the bad cell)."""
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                           na_filter=False, skip_blank_lines=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        found = _PARSER_LINE.search(str(exc))
        if found:
            expected, line, saw = (int(g) for g in found.groups())
            raise ValueError(f"line {line_numbers[line - 1]} has {saw} columns but the lines "
                             f"before it have {expected}: every line needs x1, x2 and a "
                             "label") from None
        found = _OPEN_QUOTE.search(str(exc))
        if found:
            line = line_numbers[int(found.group(1))]
            raise ValueError(f"a quote opened on line {line} is never closed") from None
        raise ValueError(f"pandas could not read the file: {exc}") from None


def _label_key(cell):
    """A label cell as a comparable value: 3, '3' and '3.0' are the same label."""
    cell = str(cell).strip()
    return float(cell.replace(",", ".")) if _is_number(cell) else cell


def _header(table, task, line):
    """(is the first line column names?, a note about it).

    Names: every cell of the line is text. A line of numbers is data, except a line of
    column numbers (0,1,2 as pandas writes them, or 1,2,3) whose label would be a class of
    one point in a file whose other labels look like classes (2 to MAX_CLASSES integers
    or names). A data line whose label is a class of one point gets a note.
    """
    first = [str(cell).strip() for cell in table.iloc[0]]
    if all(cell and not _is_number(cell) for cell in first):
        return True, f"Line {line} read as column names: {', '.join(first)}."
    data = f"No header line: line {line} is data."
    if task == "regression" or len(table) < 2 or not all(map(_is_number, first)):
        return False, data
    label = _label_key(first[-1])
    others = {_label_key(cell) for cell in table.iloc[1:, -1]}
    classes = all(isinstance(v, str) or v.is_integer() for v in others)
    if label in others or not classes or not 2 <= len(others) <= MAX_CLASSES:
        return False, data
    values = [_label_key(cell) for cell in first]
    if values in ([float(i) for i in range(len(first))],
                  [float(i + 1) for i in range(len(first))]):
        return True, (f"Line {line} ({', '.join(first)}) read as column numbers, not as a "
                      f"point: its label {first[-1]} appears on no other line. If it is a "
                      "data point, add a header line such as x1,x2,label.")
    return False, (f"{data} Its label {first[-1]} appears on no other line: that class has "
                   "one point.")


def _to_file_lines(message, line_numbers):
    """Replace 'row i' (0-based data row) by the file line it came from."""
    return _ROW.sub(lambda m: f"row {line_numbers[int(m.group(1))]}", message)


def read_csv(data, task=None, name="your data"):
    """CSV bytes -> (Dataset, notes); ValueError with a message naming the problem and row.

    task: None infers it (2 labels: binary; 3-10 integer or text labels: multiclass;
    other numbers: regression) or one of "binary", "multiclass", "regression".
    notes: short sentences about how the file was read (separator, header, decimals).
    """
    lines = decode(data).splitlines()
    kept = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    sep = sniff_separator([line for _, line in kept])
    numbers = [number for number, _ in kept]
    table = _parse("\n".join(line for _, line in kept), sep, numbers)
    notes = [f"Columns separated by {SEPARATORS[sep]}."]
    if sep == ";":
        commas = table.apply(lambda col: col.str.match(_DECIMAL_COMMA))
        if commas.to_numpy().any():
            table = table.mask(commas, table.apply(lambda col: col.str.replace(",", ".")))
            notes.append("Decimal commas read as decimal points (1,5 is 1.5).")
    header, note = _header(table, task, kept[0][0])
    columns = DEFAULT_COLUMNS
    if header:
        columns = tuple(str(cell).strip() for cell in table.iloc[0])
        table, numbers = table.iloc[1:], numbers[1:]
    notes.append(note)
    cells = table.to_numpy(dtype=object)
    try:
        dataset = from_arrays(cells[:, :-1], cells[:, -1], task=task, columns=columns,
                              first_row=0, name=name, source="upload")
    except ValueError as exc:
        raise ValueError(_to_file_lines(str(exc), numbers)) from None
    notes.append(describe(dataset))
    return dataset, notes


def describe(dataset):
    """One sentence: rows, task and what the labels became."""
    n = f"{len(dataset.X):,} rows"
    if dataset.task == "regression":
        y = dataset.y
        return f"{n}, regression: targets from {y.min():.4g} to {y.max():.4g}."
    mapping = ", ".join(f"{label} → class {k}" for k, label in enumerate(dataset.classes))
    return f"{n}, {dataset.task} classification ({mapping})."


def training_statistics(dataset, config):
    """The standardization the trainer will apply, read from a trainer built on `dataset`:
    (table of each input feature's mean and std over the training part, training rows).
    Each input becomes x' = (x - mean) / std."""
    try:
        trainer = Trainer(config, data=dataset)
    except ValueError:      # the chosen loss does not fit this task: the app uses "auto"
        trainer = Trainer(config.replace(loss="auto"), data=dataset)
    table = pd.DataFrame({"input": [FEATURES[f].title for f in config.features],
                          "mean": trainer.scaler.mean, "std": trainer.scaler.std})
    return table, len(trainer.X_train)


PALETTE = ("#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def preview_figure(dataset, max_points=5000):
    """A scatter of the data as given (input units), coloured by class or by target value.
    Large files show an evenly spaced subset of `max_points` points."""
    X, y = dataset.X, dataset.y
    every = max(1, int(np.ceil(len(X) / max_points)))
    X, y = X[::every], y[::every]
    fig = go.Figure()
    if dataset.task == "regression":
        fig.add_scatter(x=X[:, 0], y=X[:, 1], mode="markers", name="target",
                        marker=dict(size=6, color=y, colorscale="RdBu", showscale=True))
    else:
        for k, label in enumerate(dataset.classes):
            on = y == k
            fig.add_scatter(x=X[on, 0], y=X[on, 1], mode="markers", name=str(label),
                            marker=dict(size=6, color=PALETTE[k % len(PALETTE)]))
    shown = "" if every == 1 else f" (every {every}th point shown)"
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=40, b=10),
                      title=f"{dataset.name}: {len(dataset.X):,} points{shown}",
                      xaxis_title="x1", yaxis_title="x2", legend_title="label")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig
