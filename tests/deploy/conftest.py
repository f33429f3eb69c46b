"""Fixtures of the deployment tests: Chromium, a page watcher, and the `deploy` selection.

Tests marked `deploy` start whole deployments (a fresh virtual environment, replicas behind
HAProxy) and take minutes: they run only when chosen with `-m deploy` (`make test-deploy`),
never in `make test` or `make test-fast`. Unmarked tests here (the files in deploy/) always run.
"""
import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EPOCH = '[data-testid="live-epoch"]'


def pytest_collection_modifyitems(config, items):
    if "deploy" in (config.option.markexpr or ""):
        return                                  # the caller chose: -m deploy, -m "not deploy"
    chosen = [item for item in items if item.get_closest_marker("deploy") is None]
    if len(chosen) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in chosen])
        items[:] = chosen


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium with a fresh temporary profile (never `playwright install`)."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Opened at a page's own path, Streamlit's frontend first probes for its server under that
# path, gets 404, then uses the root: its design, not an error of ours.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


def watch(page, *allowed):
    """Collect into `page.problems` every console error and page error (of the page and its
    frames) and every request to a URL that starts with none of `allowed`."""
    page.problems = []

    def console(m):
        if m.type == "error" and not (m.location or {}).get("url", "").endswith(BASE_PATH_PROBES):
            page.problems.append(f"console: {m.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("request", lambda r: r.url.startswith((*allowed, "data:", "blob:"))
            or page.problems.append(f"request left the app's host: {r.url}"))
    return page


def epoch(where):
    """The live view's epoch shown in a page or frame."""
    return int(where.inner_text(EPOCH).replace(",", ""))


def wait_epoch(where, at_least, timeout=60_000):
    where.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= {at_least}",
        timeout=timeout)
