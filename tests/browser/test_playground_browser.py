"""The real app's Playground in Debian's Chromium: Play animates the output map, Pause
stops it, a diverging run says why, and nothing but the app's own server is contacted."""
import pytest

from conftest import watch

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EPOCH = '[data-testid="live-epoch"]'
OUTPUT_CANVAS = '.dnnlive-cell[data-view="output"] canvas.dnnlive-heat'


@pytest.fixture(scope="module")
def open_app(browser, streamlit_app):
    """open_app(query="") -> a page of app.py after its first full draw. Console errors,
    page errors and requests to any other host are collected and must stay empty."""
    base = streamlit_app("app.py")
    contexts = []

    def open_page(query=""):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        watch(page, base + "/")
        page.goto(f"{base}/{query}")
        page.wait_for_selector(APP_READY)
        page.wait_for_function("window.__dnnLive && window.__dnnLive.times.fullView > 0")
        return page

    yield open_page
    for context in contexts:
        context.close()


def epoch(page):
    return int(page.inner_text(EPOCH).replace(",", ""))


def output_image(page):
    return page.eval_on_selector(OUTPUT_CANVAS, "c => c.toDataURL()")


def test_play_changes_the_output_map_and_pause_stops_it(open_app):
    page = open_app()
    start, image = epoch(page), output_image(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= {start + 15}")
    assert output_image(page) != image
    assert page.get_by_role("button", name="Pause").is_visible()

    drawn = page.evaluate("window.__dnnLive.fullDraws")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function(f"window.__dnnLive.fullDraws > {drawn}")
    page.wait_for_selector(APP_READY)
    paused, image = epoch(page), output_image(page)
    page.evaluate("() => new Promise(r => setTimeout(r, 500))")
    assert (epoch(page), output_image(page)) == (paused, image)
    assert page.get_by_role("button", name="Play").is_visible()
    assert page.problems == []


def test_step_moves_exactly_one_epoch(open_app):
    page = open_app()
    before = epoch(page)
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') === {before + 1}")
    assert page.problems == []


def test_a_diverging_run_stops_and_names_the_cause(open_app):
    page = open_app("?dataset=spiral&lr=10&speed=10")
    page.get_by_role("button", name="Play").click()
    alert = page.get_by_text("Training diverged at learning rate 10")
    alert.first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Play").wait_for()
    assert page.problems == []


def test_clicking_the_map_in_drawing_mode_adds_a_point(open_app):
    page = open_app("?draw=true")
    page.get_by_text("500 points").wait_for()
    box = page.locator(OUTPUT_CANVAS).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.get_by_text("501 points").wait_for(timeout=15_000)
    page.keyboard.down("Shift")
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8)
    page.keyboard.up("Shift")
    page.get_by_text("502 points").wait_for(timeout=15_000)
    assert page.problems == []


def test_sessions_are_isolated(open_app):
    student_a, student_b = open_app("?seed=1"), open_app("?seed=2")
    student_a.get_by_role("button", name="Play").click()
    student_a.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= 10")
    assert epoch(student_b) == 0 and student_b.get_by_role("button", name="Play").is_visible()
    student_b.get_by_role("button", name="Step", exact=True).click()
    student_b.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') === 1")
    assert epoch(student_a) > 10
    assert student_a.problems == [] and student_b.problems == []


def test_no_hidden_layer_draws_every_view_and_trains(open_app):
    page = open_app("?layers=")
    for name in ("output", "network", "cost", "weights", "flow"):
        assert page.locator(f'[data-testid="live-{name}"] .dnnlive-view *').count() > 0, name
    assert page.locator('[data-testid="live-network"] canvas.dnnlive-column').count() == 2
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= 10")
    page.get_by_role("button", name="Pause").click()
    assert page.evaluate("window.__dnnLive.errors") == [] and page.problems == []


def test_the_loss_labels_say_what_each_number_is(open_app):
    """With L1 at rate 10 the train and test losses are both data losses, and the penalty
    added to the train cost is shown beside them."""
    page = open_app("?reg=l1&reg_rate=10")
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') === 1")
    loss = page.evaluate("window.__dnnLive.lastFrame.loss")
    numbers = page.eval_on_selector_all(
        ".dnnlive-num:not([hidden])", "items => items.map(i => i.innerText.split('\\n'))")
    shown = {label: value for label, value in numbers}
    assert loss["train_penalty"] > 1 and loss["train"] > 10 * loss["train_data"]
    assert shown["Train loss"] == f"{loss['train_data']:.3f}"
    assert shown["Test loss"] == f"{loss['test_data']:.3f}"
    assert float(shown["+ Penalty (train cost)"]) == pytest.approx(loss["train_penalty"], rel=1e-2)
    assert page.problems == []


def tab_to(page, label, limit=120):
    """Press Tab until the focused element is the button called `label`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.tagName === 'BUTTON' && "
                         "document.activeElement.innerText.trim().split('\\n').pop()") == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


def test_play_step_and_reset_work_with_tab_and_space(open_app):
    page = open_app()
    tab_to(page, "Play")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Pause").wait_for()
    page.wait_for_function(
        f"+(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= 3")
    tab_to(page, "Step")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Play").wait_for()
    page.wait_for_selector(APP_READY)
    tab_to(page, "Reset")
    page.keyboard.press("Space")
    page.wait_for_function(
        f"(document.querySelector('{EPOCH}')?.textContent ?? '') === '0'")
    assert page.problems == []
