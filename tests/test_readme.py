"""The README's Python examples run as written and print what they promise."""
import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_the_notebook_examples():
    assert len(python_blocks()) >= 2


def test_every_readme_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in python_blocks():
            exec(compile(block, str(README), "exec"), {})
    text = out.getvalue()
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", text).group(1))
    assert accuracy >= 95.0, text
    assert "gradient check: pass" in text, text
    assert (tmp_path / "spiral.npz").is_file()
