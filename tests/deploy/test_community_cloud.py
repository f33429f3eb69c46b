"""The app as Streamlit Community Cloud serves it, simulated on loopback: a fresh virtual
environment made from requirements.txt alone (Python 3.12, Cloud's default, and 3.13 when
installed), `streamlit run app.py` under the base path `/~/+` with usage statistics on (Cloud
forces them), no environment variables of ours, inside an iframe (`?embed=true`) of a page on
another origin, as share.streamlit.io embeds <app>.streamlit.app/~/+/.

In it a shared link opens its run, the live view plays, Under the hood renders its equations
with KaTeX, an upload works, no console error is logged, and no request leaves loopback but
Streamlit's own: with usage statistics on, its frontend asks data.streamlit.io where to send
them (on Cloud, Cloud answers); here a stub answers with a collector on loopback.
"""
import http.server
import threading
from urllib.parse import urlsplit

import pytest

from conftest import (APP_READY, WAIT_MS, clean_env, epoch, free_port, serve, stop,
                      wait_epoch, watch)
from tests.fixtures.csv_files import GOOD_ROWS, csv_bytes

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]

BASE_PATH = "/~/+"
METRICS_CONFIG = "https://data.streamlit.io/metrics.json"    # Streamlit's, not the app's
EVENTS = []                                                  # usage statistics received
LINK = "dataset=moons&layers=5,3&activation=relu&seed=11"
PATHS = {"Playground": "", "Your data": "your_data", "Under the hood": "under_the_hood"}
# share.streamlit.io's iframe: the app's origin, embedded, sandboxed like this.
OUTER = """<!doctype html><title>Community Cloud (simulated)</title>
<style>html,body,iframe{{margin:0;border:0;width:100%;height:100%}}</style>
<iframe title="streamlitApp" src="{src}" allow="clipboard-write"
  sandbox="allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox
           allow-same-origin allow-scripts allow-downloads"></iframe>"""


@pytest.fixture(scope="module")
def cloud(cloud_python, tmp_path_factory):
    """The app's URL under the base path, served from the fresh venv."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{BASE_PATH}"
    proc = serve([cloud_python, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                  "--server.address", "127.0.0.1", "--server.headless", "true",
                  "--server.baseUrlPath", BASE_PATH, "--browser.gatherUsageStats", "true",
                  "--server.disconnectedSessionTTL", "120"],
                 url, tmp_path_factory.mktemp("cloud") / "streamlit.log",
                 env=clean_env(cloud_python))
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def outer(cloud):
    """A page on another origin (another port) that embeds the shared link in an iframe, and
    collects the usage statistics posted to its /metrics (in `events`)."""
    html = OUTER.format(src=f"{cloud}/?embed=true&{LINK}").encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.answer(200, html, "text/html")

        def do_OPTIONS(self):                    # the frontend's CORS preflight
            self.answer(204)

        def do_POST(self):
            EVENTS.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.answer(204)

        def answer(self, status, body=b"", kind="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def app(browser, cloud, outer):
    """The embedded app's frame after its first full draw; `page.problems` must stay empty."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    context.route(METRICS_CONFIG, lambda route: route.fulfill(
        json={"url": outer + "metrics"}))
    page = watch(context.new_page(), outer, cloud + "/", METRICS_CONFIG)
    page.goto(outer)
    frame = page.wait_for_selector("iframe").content_frame()
    frame.wait_for_function("window.__dnnLive && window.__dnnLive.fullDraws > 0")
    frame.wait_for_selector(APP_READY)
    frame.page_ = page
    yield frame
    assert page.problems == []
    context.close()


def go(frame, title):
    """Open the page called `title` from the sidebar; return once its URL is the page's and
    its run is over (before the URL changes, the old page still says "notRunning")."""
    frame.get_by_role("link", name=title).click()
    path = f"{BASE_PATH}/{PATHS[title]}".rstrip("/")
    frame.wait_for_function("path => location.pathname.replace(/\\/$/, '') === path", arg=path)
    frame.wait_for_selector(APP_READY)


def test_the_app_is_embedded_under_the_base_path(app):
    assert f"{BASE_PATH}/" in app.url and "embed=true" in app.url
    assert app.page_.url != app.url                            # inside the outer page


def test_a_shared_link_opens_its_run(app):
    assert "dataset=moons" in app.url and "seed=11" in app.url
    go(app, "Your data")
    app.get_by_text("In use: the toy dataset Moons").wait_for()
    go(app, "Playground")
    app.wait_for_function("window.__dnnLive && window.__dnnLive.fullDraws > 0")


def test_the_live_view_plays(app):
    start = epoch(app)
    app.get_by_role("button", name="Play", exact=True).click()
    wait_epoch(app, start + 15)
    app.get_by_role("button", name="Pause", exact=True).click()
    app.get_by_role("button", name="Play", exact=True).wait_for()
    app.wait_for_selector(APP_READY)


def test_under_the_hood_renders_its_equations(app):
    go(app, "Under the hood")
    app.wait_for_selector(".katex")
    assert app.locator(".katex-display").count() >= 2
    assert app.locator(".katex-error").count() == 0


def test_an_upload_is_used_for_training(app):
    go(app, "Your data")
    app.locator('input[type="file"]').first.set_input_files(
        files=[{"name": "points.csv", "mimeType": "text/csv",
                "buffer": csv_bytes(GOOD_ROWS, header="x1,x2,label")}])
    app.get_by_role("button", name="Use this data").click()
    app.get_by_text("In use: your uploaded file points.csv").wait_for()


def test_usage_statistics_went_to_the_stub_as_on_cloud(app):
    assert EVENTS, "the frontend sent no usage statistics: were they forced on?"
