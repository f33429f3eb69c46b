"""Debian's Chromium as every benchmark and browser test drives it (never `playwright install`).

Headless, no sandbox, no GPU, and none of the browser's own traffic (background networking,
component updates, sync), so a page talks to its local server only; Playwright's `launch`
gives each browser a fresh temporary profile. The standard library only: the tests import it
too (tests/browser/conftest.py, tests/deploy/conftest.py) without importing a benchmark.
"""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def launch(pw):
    """A new Chromium (Playwright's Browser) from `pw`, a started `sync_playwright()`."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
