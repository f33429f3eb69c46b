"""The real app's Playground in Debian's Chromium: Play animates the output map, Pause
stops it, a diverging run says why, and nothing but the app's own server is contacted."""
import pytest

from conftest import APP_READY, OUTPUT_CANVAS, animation_frames, epoch, output_image, wait_epoch

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIZE = (1400, 1000)


def test_play_changes_the_output_map_and_pause_stops_it(open_app):
    page = open_app(size=SIZE)
    start, image = epoch(page), output_image(page)
    page.get_by_role("button", name="Play").click()
    wait_epoch(page, f">= {start + 15}")
    assert output_image(page) != image
    page.get_by_role("button", name="Pause", exact=True).wait_for()

    drawn = page.evaluate("window.__dnnLive.fullDraws")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function(f"window.__dnnLive.fullDraws > {drawn}")
    page.get_by_role("button", name="Play", exact=True).wait_for()
    page.wait_for_selector(APP_READY)
    paused, image = epoch(page), output_image(page)
    frames = page.evaluate("window.__dnnLive.framesDrawn")
    animation_frames(page, 30)                  # 30 chances to draw a frame: none is taken
    assert page.evaluate("window.__dnnLive.framesDrawn") == frames
    assert (epoch(page), output_image(page)) == (paused, image)
    assert page.get_by_role("button", name="Play").is_visible()
    assert page.problems == []


def test_step_moves_exactly_one_epoch(open_app):
    page = open_app(size=SIZE)
    before = epoch(page)
    page.get_by_role("button", name="Step", exact=True).click()
    wait_epoch(page, f"=== {before + 1}")
    assert page.problems == []


def test_a_diverging_run_stops_and_names_the_cause(open_app):
    page = open_app("?dataset=spiral&lr=10&speed=10", SIZE)
    page.get_by_role("button", name="Play").click()
    page.get_by_text("Training diverged at learning rate 10").first.wait_for()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    assert page.problems == []


def test_clicking_the_map_in_drawing_mode_adds_a_point(open_app):
    page = open_app("?draw=true", SIZE)
    page.get_by_text("500 points").wait_for()
    box = page.locator(OUTPUT_CANVAS).bounding_box()
    drawn = page.evaluate("window.__dnnLive.fullDraws")
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.get_by_text("501 points").wait_for()
    page.wait_for_function(f"window.__dnnLive.fullDraws > {drawn}")   # the map has the point
    page.wait_for_selector(APP_READY)
    box = page.locator(OUTPUT_CANVAS).bounding_box()
    page.keyboard.down("Shift")
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8)
    page.keyboard.up("Shift")
    page.get_by_text("502 points").wait_for()
    assert page.problems == []


def test_sessions_are_isolated(open_app):
    student_a, student_b = open_app("?seed=1", SIZE), open_app("?seed=2", SIZE)
    student_a.get_by_role("button", name="Play").click()
    wait_epoch(student_a, ">= 10")
    assert epoch(student_b) == 0 and student_b.get_by_role("button", name="Play").is_visible()
    student_b.get_by_role("button", name="Step", exact=True).click()
    wait_epoch(student_b, "=== 1")
    wait_epoch(student_a, f"> {epoch(student_a)}")            # A trains on, on its own
    assert epoch(student_b) == 1
    assert student_a.problems == [] and student_b.problems == []


def test_no_hidden_layer_draws_every_view_and_trains(open_app):
    page = open_app("?layers=", SIZE)
    for name in ("output", "network", "cost", "weights", "flow"):
        assert page.locator(f'[data-testid="live-{name}"] .dnnlive-view *').count() > 0, name
    assert page.locator('[data-testid="live-network"] canvas.dnnlive-column').count() == 2
    page.get_by_role("button", name="Play").click()
    wait_epoch(page, ">= 10")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    assert page.evaluate("window.__dnnLive.errors") == [] and page.problems == []


def test_the_loss_labels_say_what_each_number_is(open_app):
    """With L1 at rate 10 the train and test losses are both data losses, and the penalty
    added to the train cost is shown beside them."""
    page = open_app("?reg=l1&reg_rate=10", SIZE)
    page.get_by_role("button", name="Step", exact=True).click()
    wait_epoch(page, "=== 1")
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
    page = open_app(size=SIZE)
    tab_to(page, "Play")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    wait_epoch(page, ">= 3")
    tab_to(page, "Step")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Play", exact=True).wait_for()
    page.wait_for_selector(APP_READY)
    tab_to(page, "Reset")
    page.keyboard.press("Space")
    wait_epoch(page, "=== 0")
    assert page.problems == []
