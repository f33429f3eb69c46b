"""What the browser tests and the deployment tests share: the `browser` fixture and `watch`.

Both conftests (tests/browser/, tests/deploy/) import them, so their tests find the fixture
and can `from conftest import watch`. Chromium is launched as the benchmarks launch it
(benchmarks/chromium.py: Debian's /usr/bin/chromium, a fresh temporary profile).
"""
import pytest
from playwright.sync_api import sync_playwright

from benchmarks.chromium import launch

# Opened at a page's own path (/under_the_hood), Streamlit's frontend first probes for its
# server under that path, gets 404, then uses the root: its design, not an error of ours.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module: Playwright's sync API allows one instance at a time."""
    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


def _console_error(m):
    return m.type == "error" and not (m.location or {}).get("url", "").endswith(BASE_PATH_PROBES)


def watch(page, *allowed):
    """Collect into `page.problems` every console error and page error (of the page and its
    frames) and every request to a URL that starts with none of `allowed` (data: and blob:
    URLs are always allowed)."""
    page.problems = []
    page.on("console", lambda m: _console_error(m) and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("request", lambda r: r.url.startswith((*allowed, "data:", "blob:"))
            or page.problems.append(f"request left the app's host: {r.url}"))
    return page
