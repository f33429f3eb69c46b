"""deploy/Dockerfile without Docker: its image rebuilt as a folder and run as `docker run` would.

The folder holds only what the COPY lines copy, into a fresh venv from requirements.txt on
Python 3.12 (the image's `python:3.12-slim`); the server is the CMD with the ENV lines set
(the port moved to a free one and the address to loopback, as `-p` would map them). Its
HEALTHCHECK passes, the page draws its live view from those files alone, and the check fails
once the server is gone.
"""
import json
import shutil
import subprocess

import pytest

from conftest import APP_READY, REPO, WAIT_MS, free_port, fresh_venv, instructions, serve, stop, watch

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]


def image_env(python):
    env = {"PATH": f"{python.rsplit('/', 1)[0]}:/usr/bin:/bin", "HOME": "/tmp"}
    for line in instructions("ENV"):
        env.update(pair.split("=", 1) for pair in line.split())
    return env


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The image's WORKDIR as a folder: only what the Dockerfile copies."""
    workdir = tmp_path_factory.mktemp("image") / "app"
    workdir.mkdir()
    for copy in instructions("COPY"):
        *sources, dest = copy.split()
        for source in sources:
            target = workdir / dest
            if dest.endswith("/") and not (REPO / source).is_dir():
                target = target / (REPO / source).name
            if (REPO / source).is_dir():
                shutil.copytree(REPO / source, target, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(REPO / source, target)
    return workdir


def test_the_image_serves_the_app_and_passes_its_health_check(image, browser, tmp_path):
    python = fresh_venv("3.12") or pytest.fail("the image's Python, 3.12, is not installed")
    cmd = [python if a == "python" else a for a in json.loads(instructions("CMD")[0])]
    port = free_port()
    cmd[cmd.index("--server.port") + 1] = str(port)
    cmd[cmd.index("--server.address") + 1] = "127.0.0.1"
    url = f"http://127.0.0.1:{port}"
    check = [python if a == "python" else a
             for a in json.loads(instructions("HEALTHCHECK")[0].split("CMD", 1)[1])] + [url]
    env = image_env(python)
    proc = serve(cmd, url, tmp_path / "container.log", cwd=image, env=env)
    try:
        assert subprocess.run(check, cwd=image, env=env).returncode == 0
        page = watch(browser.new_page(), url + "/")
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        page.wait_for_function("window.__dnnLive && window.__dnnLive.fullDraws > 0")
        page.wait_for_selector(APP_READY)
        assert page.problems == []
        page.close()
    finally:
        stop(proc)
    assert subprocess.run(check, cwd=image, env=env).returncode == 1
