"""A lecture hall on this machine: two replicas behind HAProxy (deploy/lecture_hall.py, the
README's command), pages in several browser contexts.

Each page's session stays on one replica (every response through the balancer names the
same replica as the page's cookie), the live view's assets load through the balancer, the
views play; when a replica is killed while its pages train, they come back on the live one
with their run rebuilt from the link and a note, while the other replica's pages go on; a
laptop that slept past the session TTL comes back the same way on its own replica.

Every wait is for an event (a draw, a note, a replica's count of open sessions), with
conftest's long deadline (WAIT_MS). The only time that passes on
purpose is the laptop's sleep: longer than the TTL, counted from the moment its replica
saw it leave.
"""
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import APP_READY, REPO, WAIT_MS, epoch, free_port, wait_epoch, watch
from deploy import healthcheck
from deploy.lecture_hall import COOKIE, Hall, end
from ui.live import component
from ui.reconnect import NOTE

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]

TTL = 2                                          # server.disconnectedSessionTTL, seconds
LINK = "?dataset=xor&layers=6,4&seed=5&lr=0.1"
NOTE_START = NOTE.split(",")[0]


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with Hall(replicas=2, log_dir=tmp_path_factory.mktemp("hall"),
              streamlit_args=["--server.disconnectedSessionTTL", str(TTL)]) as running:
        yield running


@pytest.fixture(scope="module")
def pages(browser, hall):
    """Four pages of the shared link, each in its own browser context (a student each)."""
    opened = [open_link(browser, hall) for _ in range(4)]
    yield opened
    for page in opened:
        page.context.close()
PLOTLY_PATH = component.PLOTLY_PATH   # Plotly's own pre-compressed route
BUNDLE_PATH = component.BUNDLE_PATH   # the live view's JS, one bundle


def open_link(browser, hall):
    """The shared link in a new browser context, after its live view's first full draw;
    `replicas` collects the X-Replica of every response, `assets` the live view's files."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = watch(context.new_page(), hall.url + "/")
    page.replicas, page.assets = set(), {}
    page.on("response", lambda r: _record(page, r))
    page.goto(hall.url + "/" + LINK)
    page.wait_for_function("window.__dnnLive && window.__dnnLive.fullDraws > 0")
    page.wait_for_selector(APP_READY)
    page.link = page.url                        # the link as the app wrote it back
    return page


def _record(page, response):
    if "x-replica" in response.headers:
        page.replicas.add(response.headers["x-replica"])
    if "/component/" in response.url or response.url.split("?")[0].endswith(
            (PLOTLY_PATH, BUNDLE_PATH)):
        page.assets[response.url.split("?")[0].rsplit("/", 1)[-1]] = response.status


def replica(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def active_sessions(url):
    """How many sessions the Streamlit server at `url` holds open (its own metrics)."""
    with urllib.request.urlopen(url + "/_stcore/metrics?families=active_sessions") as answer:
        return int(re.search(r"^active_sessions (\d+)", answer.read().decode(), re.M)[1])


def wait_until(condition, what, timeout=WAIT_MS / 1000):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.1)


def test_each_session_stays_on_one_replica_and_the_views_play(pages):
    assert {replica(p) for p in pages} == {"r1", "r2"}          # both replicas serve
    for page in pages:
        assert page.replicas == {replica(page)}
        assert {"live.js", "plotly.min.js", "live.css"} <= page.assets.keys()
        assert set(page.assets.values()) <= {200, 304}
        press(page, "Play")
    for page in pages:
        wait_epoch(page, 10)
        assert page.problems == []


def test_pages_of_a_killed_replica_come_back_rebuilt_with_a_note(pages, hall):
    for page in pages:
        if not page.get_by_role("button", name="Pause").count():
            press(page, "Play")
        wait_epoch(page, 5)
    lost = [p for p in pages if replica(p) == "r1"]
    kept = [p for p in pages if replica(p) == "r2"]
    before = {id(p): epoch(p) for p in kept}
    hall.stop_replica(0)
    for page in lost:
        page.get_by_text(NOTE_START).wait_for()
        page.wait_for_selector(APP_READY)
        assert replica(page) == "r2"
        assert page.url == page.link                        # the same settings and seed
        assert epoch(page) == 0
        assert page.get_by_role("button", name="Play").is_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        press(page, "Play")
        wait_epoch(page, 5)
    for page in kept:                                       # the other replica's pages go on
        wait_epoch(page, before[id(page)] + 5)
        assert page.get_by_text(NOTE_START).count() == 0
    hall.start_replica(0)
    for page in pages:
        page.problems = [p for p in page.problems if not _reconnecting(p)]
        assert page.problems == []


RECONNECTING = ("WebSocket connection to", "WebSocket onerror", "Connection failed with status",
                "the server responded with a status of 50", "/_stcore/health",
                "/_stcore/host-config", "Cannot send rerun backMessage when disconnected")


def _reconnecting(problem):
    """While its replica is down the page's WebSocket and health probe fail, and Streamlit
    refuses reruns until it is back: the browser logs those, Streamlit retries; not errors
    of the app."""
    return problem.startswith("console: ") and any(m in problem for m in RECONNECTING)


def test_a_laptop_that_slept_past_the_session_ttl_gets_its_run_back(browser, hall):
    page = open_link(browser, hall)
    press(page, "Play")
    wait_epoch(page, 5)
    home = replica(page)
    for server in ("r1", "r2"):                              # the network goes away
        hall.admin(f"set server replicas/{server} state maint")
        hall.admin(f"shutdown sessions server replicas/{server}")
    home_url = hall.replica_url(int(home[1:]) - 1)
    wait_until(lambda: active_sessions(home_url) == 0, f"{home} saw its tabs leave")
    time.sleep(TTL + 1)                                      # asleep for longer than the TTL
    for server in ("r1", "r2"):
        hall.admin(f"set server replicas/{server} state ready")
    page.get_by_text(NOTE_START).wait_for()
    page.wait_for_selector(APP_READY)
    assert replica(page) == home                             # its own replica forgot it
    assert page.url == page.link and epoch(page) == 0
    page.problems = [p for p in page.problems if not _reconnecting(p)]
    assert page.problems == []
    page.context.close()


def at_a_terminal():
    """Ctrl-C as a terminal delivers it: a job started in the background (CI, nohup) ignores
    SIGINT, and its children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_the_readme_command_serves_through_haproxy_and_stops_on_ctrl_c(tmp_path):
    lb, first = free_port(), free_port()
    hall = subprocess.Popen([sys.executable, "deploy/lecture_hall.py", "--replicas", "1",
                             "--port", str(lb), "--first-port", str(first),
                             "--address", "127.0.0.1"], cwd=REPO, stdout=subprocess.PIPE,
                            text=True, preexec_fn=at_a_terminal)
    try:
        assert "1 replicas behind HAProxy" in hall.stdout.readline()
        assert healthcheck.healthy(f"http://127.0.0.1:{lb}")
        assert healthcheck.healthy(f"http://127.0.0.1:{first}")
    finally:
        end(hall, signal.SIGINT)
    assert hall.returncode == 0                              # it stopped, not killed
    assert not healthcheck.healthy(f"http://127.0.0.1:{lb}")
    assert not healthcheck.healthy(f"http://127.0.0.1:{first}")
