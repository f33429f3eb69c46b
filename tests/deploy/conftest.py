"""Fixtures of the deployment tests: Chromium and a page watcher (the browser tests' own, from
tests/browsing.py), fresh virtual environments, servers, and the `deploy` selection.

Tests marked `deploy` start whole deployments (a fresh virtual environment, replicas behind
HAProxy) and take minutes: they run only when chosen with `-m deploy` (`make test-deploy`),
never in `make test` or `make test-fast`. Unmarked tests here (the files in deploy/) always run.
"""
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy.healthcheck import wait_healthy
from deploy.lecture_hall import end, free_port  # noqa: F401  (free_port: shared with the tests)
from tests.browsing import browser, watch  # noqa: F401  (a fixture and a helper of the tests)

APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Deadlines of the browser waits: a page waits for a state, and gives up after this long
# (the machine is shared; a fresh venv's first page load has taken a minute).
WAIT_MS = 120_000
EPOCH = '[data-testid="live-epoch"]'


def pytest_collection_modifyitems(config, items):
    if "deploy" in (config.option.markexpr or ""):
        return                                  # the caller chose: -m deploy, -m "not deploy"
    chosen = [item for item in items if item.get_closest_marker("deploy") is None]
    if len(chosen) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in chosen])
        items[:] = chosen


def epoch(where):
    """The live view's epoch shown in a page or frame (once it shows a number)."""
    where.wait_for_function(f"/^[0-9,]+$/.test(document.querySelector('{EPOCH}')?.textContent)")
    return int(where.inner_text(EPOCH).replace(",", ""))


def wait_epoch(where, at_least):
    """Wait until the live view in a page or frame shows epoch `at_least` or later (within
    the page's default deadline)."""
    where.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= {at_least}")


# ---- fresh virtual environments from requirements.txt alone, as Community Cloud builds ----
REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / ".deploy-venvs"              # cached between runs; .gitignore ignores it
PYTHONS = {"3.12": True, "3.13": False}     # version -> must exist (3.12: Cloud's default)


def find_python(version):
    """pyenv's newest <version>.x, else python<version> on PATH (not a pyenv shim), else None."""
    pyenv = sorted(Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")).glob(
        f"versions/{version}.*/bin/python{version}"))
    if pyenv:
        return str(pyenv[-1])
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


def fresh_venv(version):
    """.deploy-venvs/py<version> with requirements.txt installed and nothing else (no system
    site packages); rebuilt when requirements.txt changes. Returns its python, or None."""
    python = find_python(version)
    if python is None:
        return None
    venv = VENVS / f"py{version}"
    stamp = venv / ".requirements-sha256"
    want = hashlib.sha256((REPO / "requirements.txt").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                        "-r", str(REPO / "requirements.txt")], check=True)
        stamp.write_text(want)
    return str(venv / "bin" / "python")


@pytest.fixture(scope="module", params=sorted(PYTHONS))
def cloud_python(request):
    """The python of a fresh venv for each Python version Community Cloud offers here."""
    python = fresh_venv(request.param)
    if python is None:
        if PYTHONS[request.param]:
            pytest.fail(f"Python {request.param} is required for the deployment tests")
        pytest.skip(f"Python {request.param} is not installed")
    return python


def clean_env(python, **extra):
    """An environment with nothing of ours: no PYTHONPATH, no BLAS limits (Cloud sets none)."""
    env = {"PATH": f"{Path(python).parent}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
           "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def serve(command, url, log_path, cwd=REPO, env=None):
    """Start `command` (a Streamlit server), wait until `url` is healthy; returns the Popen."""
    log = open(log_path, "w")
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log = log
    wait_healthy(url, proc)
    return proc


def stop(proc):
    end(proc)
    proc.log.close()


def dockerfile():
    """deploy/Dockerfile as (instruction, argument) pairs, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (REPO / "deploy" / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def instructions(name):
    """The arguments of every `name` instruction of deploy/Dockerfile, in order."""
    return [arg for op, arg in dockerfile() if op == name]
