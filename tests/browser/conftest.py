"""Shared fixtures of the browser tests: Streamlit servers, Debian's Chromium, app pages.

`streamlit_app(script)` starts `streamlit run <script>` once per session on a free local
port (one BLAS thread, the repository root on PYTHONPATH and as working directory, so the
project's .streamlit/config.toml applies) and returns its base URL. `browser` is Playwright
driving /usr/bin/chromium (never `playwright install`), one per test module: Playwright's
sync API allows one instance at a time, so each module starts and stops its own (it and
`watch` are shared with the deployment tests: tests/browsing.py).
`open_app(query, size)` opens app.py in a fresh browser context and returns the page once
its first run is over and its live view is drawn (Plotly in); `settled(page)` waits until
the fonts are in and the page's layout stands still, before a test measures boxes.

Every wait is on a state of the page, never on time. Their deadlines are long (WAIT_MS):
on the shared 2-core machine a first page load has taken 30 s; a deadline only decides how
long a broken page takes to fail.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.healthcheck import wait_healthy
from deploy.lecture_hall import free_port
from tests.browsing import browser, watch  # noqa: F401  (browser: a fixture of the tests here)

REPO = Path(__file__).resolve().parents[2]
WAIT_MS = 90_000
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EPOCH = '[data-testid="live-epoch"]'
OUTPUT_CANVAS = '[data-testid="live-output"] canvas.dnnlive-heat'
LIVE_DRAWN = "window.__dnnLive && window.__dnnLive.times.fullView > 0"


@pytest.fixture(scope="session")
def streamlit_app(tmp_path_factory):
    """Factory: streamlit_app("tests/browser/apps/x.py") -> "http://127.0.0.1:<port>"."""
    servers = {}
    logs = tmp_path_factory.mktemp("streamlit-logs")

    def start(script):
        script = str((REPO / script).resolve())
        if script not in servers:
            port = free_port()
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
            wait_healthy(url, proc)
        return servers[script][1]

    yield start
    for proc, _, log in servers.values():
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def new_page(browser, url, size=(1280, 720)):
    """A page in a fresh browser context of `size`, watched (`page.problems`) for anything
    but `url`'s own server, waits deadlined at WAIT_MS; it has not navigated yet."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(WAIT_MS)
    return watch(context.new_page(), url.rstrip("/") + "/")


def open_ready(page, url, ready=LIVE_DRAWN):
    """Go to `url` and wait until `ready` (a JavaScript expression) holds and the script run
    that drew it is over. (Before its first run Streamlit already says "notRunning", so the
    app's own state comes first.)"""
    page.goto(url)
    page.wait_for_function(ready)
    page.wait_for_selector(APP_READY)
    return page


@pytest.fixture(scope="module")
def open_app(browser, streamlit_app):
    """open_app(query="", size=(1280, 720), ready=LIVE_DRAWN) -> a page of app.py (its
    Playground, or the page `query` names) after `open_ready`. Console errors, page errors and
    requests to any other host are collected in `page.problems`."""
    base = streamlit_app("app.py")
    contexts = []

    def open_page(query="", size=(1280, 720), ready=LIVE_DRAWN):
        page = new_page(browser, base, size)
        contexts.append(page.context)
        return open_ready(page, f"{base}/{query}", ready)

    yield open_page
    for context in contexts:
        context.close()


def epoch(page):
    """The epoch the live view shows."""
    return int(page.inner_text(EPOCH).replace(",", ""))


def wait_epoch(page, test):
    """Wait until the live view's epoch satisfies `test`, a JavaScript comparison such as
    ">= 15" or "=== 1"."""
    page.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? 'NaN').replace(/,/g, '') {test}")


def output_image(page):
    """The output map's pixels, as a data URL."""
    return page.eval_on_selector(OUTPUT_CANVAS, "c => c.toDataURL()")


def animation_frames(page, n):
    """Let the page draw `n` animation frames (the player's own clock, not the wall's)."""
    page.evaluate("""n => new Promise(done => {
        const step = () => (--n <= 0 ? done() : requestAnimationFrame(step));
        requestAnimationFrame(step); })""", n)


# The boxes of `selector`'s elements, read twice two animation frames apart, after the web
# fonts are in: equal once styles, fonts and Plotly have stopped moving anything.
_STILL = """selector => document.fonts.ready.then(() => new Promise(done => {
  const boxes = () => JSON.stringify([...document.querySelectorAll(selector)].map(e => {
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }));
  const before = boxes();
  requestAnimationFrame(() => requestAnimationFrame(() => done(before === boxes())));
}))"""


def settled(page, selector="[data-testid] , .katex"):
    """Wait until the fonts are loaded and no box of `selector` moves between two frames."""
    page.wait_for_function(_STILL, arg=selector)


def record_toasts(page):
    """From now on, keep the text of every toast the page shows in `window.__toasts`: a toast
    leaves after a few seconds, so a test looks for it in this record, not on the screen."""
    page.evaluate("""() => { window.__toasts = new Set();
      const look = () => document.querySelectorAll('[data-testid="stToast"]')
        .forEach(t => window.__toasts.add(t.innerText));
      new MutationObserver(look).observe(document.body,
        {childList: true, subtree: true, characterData: true}); }""")


def wait_toast(page, text):
    """Wait until a toast containing `text` has been shown (after `record_toasts`)."""
    page.wait_for_function("text => [...window.__toasts].some(t => t.includes(text))", arg=text)
