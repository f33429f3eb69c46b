"""The live view's files answer from the first request of a fresh `streamlit run app.py`,
before any page has run (no browser, no WebSocket: no script run), at the root and under
Community Cloud's base path `/~/+`, with the content type a browser needs."""
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from deploy.lecture_hall import free_port, replica_command
from ui.live import component

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
TYPES = {".js": ("application/javascript", "text/javascript"), ".css": ("text/css",)}


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""
    except urllib.error.URLError:                   # not listening yet
        return 0, "", b""


@pytest.fixture(params=["", "/~/+"], ids=["root", "cloud-base-path"])
def fresh_server(request, tmp_path):
    """A new `streamlit run app.py` process; yields its base URL (with the base path)."""
    port, base_path = free_port(), request.param
    args = replica_command(port)
    if base_path:
        args += ["--server.baseUrlPath", base_path]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(REPO))
    with open(tmp_path / "server.log", "w") as log:
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}{base_path}"
        try:
            deadline = time.monotonic() + 60
            while _get(base + "/_stcore/health")[0] != 200:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            proc.wait(10)


def _get_with_headers(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.headers


def test_every_asset_answers_before_any_page_has_run(fresh_server, monkeypatch):
    v1 = component.asset_urls()                     # the files one by one (plain scripts)
    monkeypatch.setitem(component._APP_ROUTES, "on", True)
    app = component.asset_urls()                    # what this st.App server's pages use
    wanted = [v1["plotly"], v1["css"], *v1["files"].split(","), app["plotly"], app["files"]]
    # every JS file (the views of other pages too: the Compare lanes), the CSS, Plotly twice
    assert len(wanted) == len(component.JS_FILES) + 4
    for url in wanted:
        status, kind, body = _get(f"{fresh_server}/{url}")
        suffix = Path(url.split("?")[0]).suffix
        assert status == 200, url
        assert kind.split(";")[0] in TYPES[suffix], (url, kind)
        assert len(body) > 200, url
    assert b"plotly.js" in _get(f"{fresh_server}/{app['plotly']}")[2][:400]
    assert _get(f"{fresh_server}/{app['files']}")[2] == component._bundle_source()
    missing = v1["css"].split("?")[0].replace("live.css", "no-such-file.js")
    assert _get(f"{fresh_server}/{missing}")[0] == 404
    base = urllib.parse.urlsplit(fresh_server).path
    links = _get_with_headers(fresh_server + "/")["Link"]
    assert links.count("rel=preload") == 3 and f"<{base}/{app['files']}>" in links
