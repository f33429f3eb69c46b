"""`pip install .` installs the engine (dnn_core only, NumPy its one dependency), and it
imports and trains outside the repository.

Offline: pip builds the wheel with this environment's setuptools (what `pip install .`
does in an isolated build), then installs it into a fresh venv that takes NumPy from the
base interpreter.
"""
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = """
import numpy, dnn_core as dc
t = dc.Trainer(dc.TrainConfig(dataset="penguins", hidden=(4,), optimizer="adam", lr=0.05))
t.run_epochs(3)
print(dc.__file__)
print(t.epoch)
"""


@pytest.mark.slow
def test_pip_install_gives_an_importable_engine_outside_the_repository(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(ROOT / "dnn_core", source / "dnn_core",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    if subprocess.run([python, "-c", "import numpy"], capture_output=True).returncode:
        pytest.skip("the base interpreter has no NumPy for an offline install")
    quiet = ["-q", "--no-deps", "--no-index", "--disable-pip-version-check"]
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", *quiet, "--no-build-isolation",
                            "-w", str(tmp_path / "dist"), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "dist").glob("dnn_core-*.whl")
    install = subprocess.run([python, "-m", "pip", "install", *quiet, str(wheel)],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([python, "-I", "-c", CHECK], cwd=elsewhere, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    where, epoch = done.stdout.split()
    assert Path(where).is_relative_to(env_dir) and epoch == "3"
    listed = subprocess.run([python, "-m", "pip", "show", "-f", "dnn-core"],
                            capture_output=True, text=True).stdout
    assert "dnn_core/trainer.py" in listed and "dnn_core/optimizers/adam.py" in listed
    assert "dnn_core/data_files/penguins.csv" in listed
    assert "ui/" not in listed and "app.py" not in listed
