"""Shared fixtures of the browser tests: Streamlit servers and Debian's Chromium.

`streamlit_app(script)` starts `streamlit run <script>` once per session on a free local
port (one BLAS thread, the repository root on PYTHONPATH and as working directory, so the
project's .streamlit/config.toml applies) and returns its base URL. `browser` is Playwright
driving /usr/bin/chromium (never `playwright install`), one per test module: Playwright's
sync API allows one instance at a time, so each module starts and stops its own.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"streamlit did not answer at {url} within {timeout} s")


# Opened at a page's own path (/under_the_hood), Streamlit's frontend first probes for its
# server under that path, gets 404, then uses the root: its design, not an error of ours.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


def _console_error(m):
    return m.type == "error" and not (m.location or {}).get("url", "").endswith(BASE_PATH_PROBES)


def watch(page, *allowed):
    """Collect into `page.problems` every console error, page error and request to a URL
    that starts with none of `allowed` (data: and blob: URLs are always allowed)."""
    page.problems = []
    page.on("console", lambda m: _console_error(m) and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("request", lambda r: r.url.startswith((*allowed, "data:", "blob:"))
            or page.problems.append(f"request left the app's host: {r.url}"))
    return page


@pytest.fixture(scope="session")
def streamlit_app(tmp_path_factory):
    """Factory: streamlit_app("tests/browser/apps/x.py") -> "http://127.0.0.1:<port>"."""
    servers = {}
    logs = tmp_path_factory.mktemp("streamlit-logs")

    def start(script):
        script = str((REPO / script).resolve())
        if script not in servers:
            port = _free_port()
            env = dict(os.environ, OPENBLAS_NUM_THREADS="1",
                       PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
            log = open(logs / f"{Path(script).stem}-{port}.log", "w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--server.fileWatcherType", "none"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            servers[script] = (proc, url, log)
            _wait_healthy(url, proc)
        return servers[script][1]

    yield start
    for proc, _, log in servers.values():
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    """Chromium with a fresh temporary profile (Playwright's `launch`)."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
