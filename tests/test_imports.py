"""dnn_core imports nothing but NumPy and the standard library."""
import ast
import pathlib
import subprocess
import sys

ENGINE = pathlib.Path(__file__).resolve().parents[1] / "dnn_core"
ALLOWED = {"numpy", "dnn_core"} | set(sys.stdlib_module_names)


def test_every_engine_module_imports_only_numpy_and_stdlib():
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] in ALLOWED, f"{path.name} imports {name}"


def test_importing_the_engine_loads_no_third_party_package_but_numpy():
    code = ("import sys, dnn_core; "
            "mods = {m.split('.')[0] for m in sys.modules}; "
            "print(sorted(m for m in mods if m in "
            "{'streamlit','plotly','pandas','torch','sklearn','scipy','ui'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ENGINE.parent, check=True)
    assert out.stdout.strip() == "[]"
