"""Under the hood in a real browser at projector size (1280 x 720): every step's equations
render as KaTeX and fit the page, clicking a point of the map picks it, and nothing logs a
console error or leaves 127.0.0.1."""
import pytest

from conftest import APP_READY, new_page, open_ready, settled

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

@pytest.fixture(scope="module")
def hood(streamlit_app, browser):
    """The page loaded once; `problems` collects console errors, page errors, outside requests."""
    base = streamlit_app("app.py")
    page = open_ready(new_page(browser, base), base + "/under_the_hood",
                      "!!document.querySelector('.katex')")
    yield page
    page.context.close()


def settle(page, text):
    """Wait until `text` shows, its run is over and its equations stand still."""
    page.get_by_text(text).first.wait_for()
    page.wait_for_selector(APP_READY)
    settled(page, ".katex")


def overflowing_equations(page):
    """Display equations reaching past the page's content column (cut off or scrolled)."""
    return page.evaluate("""() => {
        const page = document.querySelector('[data-testid="stMainBlockContainer"]')
            .getBoundingClientRect();
        return [...document.querySelectorAll('.katex-display > .katex')]
            .map(e => e.getBoundingClientRect())
            .filter(r => r.left < page.left - 1 || r.right > page.right + 1).length;
    }""")


def test_every_step_renders_its_equations_with_katex(hood, tmp_path):
    settled(hood, ".katex")
    assert hood.locator(".katex").count() >= 3
    hood.screenshot(path=tmp_path / "step1.png")
    for step in range(2, 10):
        hood.get_by_role("button", name="Next ▶").click()
        settle(hood, f"Step {step} ·")
        equations = hood.locator(".katex-display")
        assert equations.count() >= 2, f"step {step}: {equations.count()} equations"
        assert hood.locator(".katex-error").count() == 0, f"step {step}: a KaTeX parse error"
        assert overflowing_equations(hood) == 0, f"step {step}: an equation is cut off"
    hood.screenshot(path=tmp_path / "step9.png")
    assert hood.problems == []


def test_box_selecting_points_on_the_map_picks_those_training_rows(hood):
    rows = hood.get_by_label("Training rows (0 to 249, at most 8)")
    before = rows.input_value()
    plot = hood.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag")
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hood.mouse.move(x - 30, y - 30)
    hood.mouse.down()
    hood.mouse.move(x + 10, y + 10, steps=10)
    hood.mouse.up()
    hood.wait_for_function(
        "before => document.querySelector('input[aria-label^=\"Training rows\"]').value"
        " !== before", arg=before)
    hood.wait_for_selector(APP_READY)
    picked = [int(r) for r in rows.input_value().split(",")]
    assert 1 <= len(picked) <= 8 and len(set(picked)) == len(picked)
    numbered = hood.locator('[data-testid="stPlotlyChart"]').first.locator(
        ".scatterlayer .trace").nth(1).locator("path.point")
    assert numbered.count() == len(picked)
    assert hood.problems == []
