"""The timeline and the loss landscape in Debian's Chromium: dragging the recorded run's
slider redraws the output map at that epoch with a cursor on the cost curve, the replay
plays the run back, and the loss landscape renders without a console error."""
import pytest

from conftest import APP_READY, EPOCH, epoch, new_page, open_ready, output_image

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CURSOR = '[data-testid="live-cost-cursor"]'


@pytest.fixture(scope="module")
def trained_page(browser, streamlit_app):
    """The Playground after Play ran 40 epochs and stopped (a link's "stop after")."""
    base = streamlit_app("app.py")
    page = open_ready(new_page(browser, base, (1400, 1100)), f"{base}/?stop_epochs=40")
    page.get_by_role("button", name="Play").click()
    page.get_by_text("Stopped after 40 epochs").wait_for()
    page.get_by_role("slider", name="Recorded run").wait_for()
    page.wait_for_selector(APP_READY)
    yield page
    page.context.close()


def wait_epoch(page, value):
    """Wait until the live view shows `value` and the run that sent it is over."""
    page.wait_for_function(
        f"(document.querySelector('{EPOCH}')?.textContent ?? '').replace(/,/g, '') === '{value}'")
    page.wait_for_selector(APP_READY)


def test_the_slider_moves_the_output_map_and_the_cost_cursor(trained_page):
    page = trained_page
    assert epoch(page) == 40 and not page.is_visible(CURSOR)
    latest = output_image(page)
    page.get_by_role("slider", name="Recorded run").focus()
    page.keyboard.press("Home")
    wait_epoch(page, 0)
    start = output_image(page)
    assert start != latest
    assert page.is_visible(CURSOR)
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_epoch(page, 10)
    assert output_image(page) not in (start, latest)
    page.keyboard.press("End")
    wait_epoch(page, 40)
    assert output_image(page) == latest and not page.is_visible(CURSOR)
    print("full draw ms (browser):", page.evaluate("window.__dnnLive.fullMs.slice(-12)"))
    assert page.problems == []


def test_replay_plays_the_recorded_run_back(trained_page):
    page = trained_page
    drawn = page.evaluate("window.__dnnLive.framesDrawn")
    page.get_by_role("button", name="Watch again").click()
    page.wait_for_function(f"window.__dnnLive.framesDrawn >= {drawn + 30}")
    page.get_by_role("button", name="Watch again").wait_for()
    wait_epoch(page, 40)
    assert page.problems == []


def test_the_loss_landscape_renders(trained_page, tmp_path):
    page = trained_page
    page.get_by_role("link", name="Under the hood").click()
    page.get_by_text("Loss landscape").first.wait_for()
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(
        has=page.locator("g.contour"))
    chart.first.wait_for()
    page.wait_for_selector(APP_READY)
    chart.first.scroll_into_view_if_needed()
    chart.first.screenshot(path=str(tmp_path / "landscape.png"))
    print("screenshot:", tmp_path / "landscape.png")
    assert page.locator("g.contour .contourlevel").count() > 3
    assert page.problems == []
