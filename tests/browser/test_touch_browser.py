"""Issue 13 in Debian's Chromium: one screen at three sizes, and the network edited where it
is drawn: its +/- and activations change the run, an input node toggles its feature, a
weight typed in while paused changes the engine and the output map, hovering a neuron shows
its map large in the output panel. No console errors, no request leaves the app's server."""
import pytest

from conftest import APP_READY, output_image, record_toasts, settled, wait_toast

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PANELS = ("live-epoch", "live-network", "live-output", "live-cost", "live-flow", "live-weights")
SIZES = {(1280, 720): ("live-epoch", "live-network", "live-output"),
         (1920, 1080): PANELS, (1024, 768): ("live-epoch", "live-network", "live-output")}


def boxes(page):
    """{testid: [left, top, right, bottom]} of the live view's panels, page coordinates."""
    return page.evaluate("""ids => Object.fromEntries(ids.map(id => {
        const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
        return [id, [r.left, r.top + scrollY, r.right, r.bottom + scrollY]];
    }))""", list(PANELS))


def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


@pytest.mark.parametrize("size", list(SIZES), ids=lambda s: f"{s[0]}x{s[1]}")
def test_one_screen_shows_the_run_without_scrolling(open_app, size, tmp_path):
    page = open_app(size=size)
    width, height = size
    settled(page)
    got = boxes(page)
    play = page.get_by_role("button", name="Play").bounding_box()
    assert play["y"] + play["height"] <= height
    for name in SIZES[size]:
        left, top, right, bottom = got[name]
        assert 0 <= left and right <= width and bottom <= height, (name, got[name], size)
    if size == (1280, 720):
        assert got["live-cost"][1] < height + 40, "the cost curve is one short scroll away"
    for i, a in enumerate(PANELS[1:]):
        for b in PANELS[i + 2:]:
            assert not overlap(got[a], got[b]), (a, b, got[a], got[b])
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing cut off"
    page.screenshot(path=str(tmp_path / f"playground-{width}x{height}.png"))
    assert page.problems == []


def sizes(page):
    return page.evaluate("window.__dnnLive.lastFrame && window.DNNLive && "
                         "[...document.querySelectorAll('[data-testid^=live-neurons-] .dnnlive-count')]"
                         ".map(e => +e.textContent)")


def test_the_diagrams_plus_minus_and_input_nodes_change_the_run(open_app):
    page = open_app("?layers=4,2&features=x1,x2")
    assert sizes(page) == [4, 2]
    page.get_by_role("button", name="Layer 1: one neuron more", exact=True).click()
    page.wait_for_function("[...document.querySelectorAll('[data-testid^=live-neurons-] "
                           ".dnnlive-count')].map(e => e.textContent).join() === '5,2'")
    record_toasts(page)
    page.get_by_role("button", name="One hidden layer more", exact=True).click()
    page.wait_for_function("document.querySelectorAll('[data-testid^=live-neurons-]').length === 3")
    assert sizes(page) == [5, 2, 2]
    wait_toast(page, "the network was rebuilt")
    page.wait_for_selector(APP_READY)
    page.locator('[data-testid="live-activation-1"]').select_option("relu")
    page.wait_for_url(lambda url: "relu" in url)          # the server ran with it
    page.wait_for_selector(APP_READY)
    page.locator('button[data-feature="x1sq"]').click()
    page.wait_for_function("!document.querySelector('button[data-feature=x1sq]')")
    page.wait_for_url(lambda url: "x1sq" in url)
    assert "layers=5%2C2%2C2" in page.url or "layers=5,2,2" in page.url
    assert page.problems == []


def link_point(page, p, i, j):
    """Page coordinates of the middle of link i -> j into Dense layer p."""
    return page.evaluate("""([p, i, j]) => {
        const box = document.querySelector('[data-testid=live-network] .dnnlive-network');
        const r = box.getBoundingClientRect(), g = box.dnnGeometry();
        const a = g.cols[p], b = g.cols[p + 1], x0 = (a.x + 1) * g.nodePx, x1 = b.x * g.nodePx;
        const y0 = g.heightPx - a.ys[i] * g.nodePx, y1 = g.heightPx - b.ys[j] * g.nodePx;
        return [r.left + (x0 + x1) / 2, r.top + (y0 + y1) / 2];
    }""", [p, i, j])


def test_a_weight_typed_in_while_paused_changes_the_engine_and_the_map(open_app):
    page = open_app("?layers=4,2&features=x1,x2")
    before = output_image(page)
    x, y = link_point(page, 2, 0, 0)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    editor = page.locator('[data-testid="live-weight-editor"] input')
    editor.wait_for()
    old = float(editor.input_value())
    assert old == pytest.approx(page.evaluate("window.__dnnLive.lastFrame.W[2][0]"), abs=1e-4)
    editor.fill("6")
    editor.press("Enter")
    page.wait_for_function("Math.abs(window.__dnnLive.lastFrame.W[2][0] - 6) < 1e-6")
    assert output_image(page) != before
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("window.__dnnLive.lastFrame.epoch === 1")
    assert abs(page.evaluate("window.__dnnLive.lastFrame.W[2][0]") - 6) < 0.5, \
        "training continues from the edited weight"
    assert page.problems == []


def test_hovering_a_neuron_shows_its_map_large_in_the_output_panel(open_app):
    page = open_app("?layers=4,2&features=x1,x2")
    x, y = page.evaluate("""() => {
        const box = document.querySelector('[data-testid=live-network] .dnnlive-network');
        const g = box.dnnGeometry(), r = box.getBoundingClientRect(), col = g.cols[1];
        return [r.left + (col.x + 0.5) * g.nodePx, r.top + g.heightPx - col.ys[2] * g.nodePx];
    }""")
    focus = page.locator('[data-testid="live-output-focus"]')
    page.mouse.move(x, y)
    focus.wait_for()
    assert "layer 1 neuron 3" in focus.inner_text()
    assert "its own scale" in page.inner_text('[data-testid="live-output-key"]')
    page.mouse.move(5, 5)
    focus.wait_for(state="hidden")
    assert "class" in page.inner_text('[data-testid="live-output-key"]')
    assert page.problems == []
