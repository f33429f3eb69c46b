"""The Compare page in Debian's Chromium: Play moves every lane's curve and map, nothing
but the app's own server is contacted, no console errors, and it fits 1280x720; Run to
epoch trains the lanes in the server's worker processes and fills the results table."""
import os

import pytest

from benchmarks.procstat import cmdline, processes
from conftest import APP_READY, new_page, open_ready

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANES = "base|optimizer:adam|init:he|lr:0.1"


@pytest.fixture(scope="module")
def page(browser, streamlit_app):
    base = streamlit_app("app.py")
    page = open_ready(new_page(browser, base), f"{base}/compare?lanes={LANES}",
                      "window.__dnnLive && window.__dnnLive.lanesView")
    yield page
    page.context.close()


def lanes_state(page):
    return page.evaluate("window.__dnnLive.lanesView")


def maps(page):
    return page.eval_on_selector_all('[data-testid^="lane-"] canvas:first-of-type',
                                     "cs => cs.map(c => c.toDataURL())")


def test_play_moves_every_lane(page, tmp_path_factory):
    start, images = lanes_state(page), maps(page)
    assert len(start["epochs"]) == 4
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("start => window.__dnnLive.lanesView.epochs.every((e, i) => "
                           "e >= start[i] + 10)", arg=start["epochs"])
    assert lanes_state(page)["rows"] > start["rows"]
    assert all(a != b for a, b in zip(maps(page), images))
    shot = tmp_path_factory.mktemp("compare") / "compare-1280x720.png"
    page.screenshot(path=str(shot))
    page.get_by_test_id("lane-0-numbers").scroll_into_view_if_needed()
    page.screenshot(path=str(shot.with_name("compare-live.png")))
    page.get_by_test_id("lane-0").screenshot(path=str(shot.with_name("compare-lane.png")))
    print("screenshot:", shot)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    page.wait_for_selector(APP_READY)
    ms = page.evaluate("(window.__dnnLive.viewMs.lanes || []).slice(-40)")
    print("lanes view ms per frame (last 40):", sorted(ms)[len(ms) // 2] if ms else None)
    assert not page.problems, page.problems
    for i in range(4):
        assert page.get_by_test_id(f"lane-{i}").is_visible()


def test_a_preset_link_sets_the_lanes_and_the_link(page):
    page.get_by_role("link", name="Optimizers").click()
    page.wait_for_url(lambda url: "preset=optimizers" in url and "lanes=" in url)  # run over
    page.wait_for_selector(APP_READY)
    page.wait_for_function("!document.querySelector('[data-testid=\"lane-3\"]')")
    page.wait_for_selector('[data-testid="lane-2"]')
    page.get_by_text("Preset: Optimizers.").wait_for()
    assert not page.problems, page.problems


def _workers_cpu(url):
    """CPU seconds used so far by the worker processes (dnn_core/workers.py) of the
    server at `url` (0 when it has none)."""
    port = url.rsplit(":", 1)[1]
    procs = processes()
    servers = {pid for pid, args in ((pid, cmdline(pid)) for pid in procs)
               if "--server.port" in args[:-1] and args[args.index("--server.port") + 1] == port}
    ticks = sum(t for pid, (parent, _, t) in procs.items()
                if parent in servers and any("spawn_main" in a for a in cmdline(pid)))
    return ticks / os.sysconf("SC_CLK_TCK")


def test_run_to_epoch_trains_the_lanes_in_the_servers_workers(browser, streamlit_app):
    base = streamlit_app("app.py")
    page = open_ready(new_page(browser, base), f"{base}/compare?preset=init",
                      "window.__dnnLive && window.__dnnLive.lanesView")
    epochs = page.get_by_label("Run to epoch")
    epochs.fill("2000")       # 3 lanes x 2,000 epochs: enough to go to the workers
    epochs.press("Enter")
    before = _workers_cpu(base)
    page.get_by_role("button", name="Run to epoch 2,000").click()
    page.get_by_text("Results at epoch 2,000").wait_for()
    page.wait_for_selector(APP_READY)
    rows = page.locator("table tbody tr").all_inner_texts()
    assert len(rows) == 3 and all("2000" in row.replace(",", "") for row in rows), rows
    zeros, _, he = rows
    assert "Zeros" in zeros and "He" in he
    # 6,000 lane-epochs take ~2 s of CPU: the workers, not the server, trained them
    assert _workers_cpu(base) - before > 0.5
    assert not page.problems, page.problems
    page.context.close()
