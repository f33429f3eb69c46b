"""The live view modules assets/live/views/network.js and weights.js, alone in a real browser.

The static page tests/browser/harness/index.html loads plotly.min.js from the installed plotly
package, the two views from the repo's assets folder and harness.js (a minimal ctx and
deterministic synthetic frames). Playwright serves those three folders itself (`route`), under
http://127.0.0.1:<port>/ with nothing listening there: no request can leave 127.0.0.1, and the
tests also assert none was attempted. `browser` (tests/browser/conftest.py) is Debian's Chromium,
never `playwright install`.
"""
import pathlib
import re
from urllib.parse import urlsplit

import plotly
import pytest

from conftest import watch

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REPO = pathlib.Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8917"
ROOTS = {
    "plotly": pathlib.Path(plotly.__file__).resolve().parent / "package_data",
    "assets": REPO / "assets",
    "harness": pathlib.Path(__file__).resolve().parent / "harness",
}


def serve(route):
    """Answer /plotly/, /assets/ and /harness/ from local folders; refuse everything else."""
    url = urlsplit(route.request.url)
    top, _, rest = url.path.lstrip("/").partition("/")
    root = ROOTS.get(top)
    if f"{url.scheme}://{url.netloc}" != BASE or root is None:
        return route.abort()
    path = (root / rest).resolve()
    if not path.is_file() or not path.is_relative_to(root.resolve()):
        return route.fulfill(status=404)
    return route.fulfill(path=path)


@pytest.fixture(scope="module")
def harness(browser):
    """The harness page, loaded once; `problems` collects console errors, page errors, outside requests."""
    context = browser.new_context(viewport={"width": 760, "height": 1000})
    context.route("**/*", serve)
    page = context.new_page()
    watch(page, BASE + "/")
    page.goto(BASE + "/harness/index.html")
    page.wait_for_function("window.H && window.DNNLive.views.network && window.DNNLive.views.weights")
    yield page
    context.close()


@pytest.fixture
def page(harness):
    """The shared harness page with this test's problem list (each test mounts its own views)."""
    harness.problems.clear()
    return harness


def link_pixels(page):
    """(orange, blue) pixel counts on the links canvas: orange #f59322 has red >> blue, blue #0877bd the reverse."""
    return tuple(page.evaluate("""() => {
        const c = document.querySelector('#network canvas.dnnlive-links');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let orange = 0, blue = 0;
        for (let q = 0; q < px.length; q += 4) {
            if (px[q + 3] < 40) continue;
            if (px[q] > px[q + 2] + 60) orange++;
            else if (px[q + 2] > px[q] + 60) blue++;
        }
        return [orange, blue];
    }"""))


def column_images(page):
    """PNG data URLs of the network's column canvases (node maps and biases), left to right."""
    return page.evaluate("[...document.querySelectorAll('#network canvas.dnnlive-column')]"
                         ".map(c => c.toDataURL())")


def matrix_images(page):
    """PNG data URLs of the weights view's matrix canvases (W[1], dW[1], W[2], ...)."""
    return page.evaluate("[...document.querySelectorAll('#weights canvas.dnnlive-matrix')]"
                         ".map(c => c.toDataURL())")


@pytest.mark.parametrize("shape", ["2-4-2-1", "2-32x8-1"])
def test_network_update_redraws_maps_and_link_colours_when_weights_flip_sign(page, shape):
    sizes = page.evaluate("s => H.setup(s).layerSizes", shape)
    n_links = sum(a * b for a, b in zip(sizes, sizes[1:]))  # 18 or 7,264
    page.evaluate("""() => {
        window.positive = H.frame(1, 0.3);
        positive.W.forEach(w => w.forEach((v, q) => (w[q] = Math.abs(v) + 0.01)));
        H.update('network', positive);
    }""")
    orange, blue = link_pixels(page)
    assert orange == 0 and blue > 20 * n_links ** 0.5
    before = column_images(page)

    page.evaluate("""() => {
        const negative = H.frame(2, 1.9);
        negative.W = positive.W.map(w => w.map(v => -v));
        H.update('network', negative);
    }""")
    assert link_pixels(page) == (blue, 0), "the same links, now orange"
    after = column_images(page)
    assert len(after) == len(sizes)
    assert all(a != b for a, b in zip(before[1:], after[1:])), "hidden/output maps not redrawn"
    assert before[0] == after[0], "input maps do not depend on the weights"

    page.evaluate("""() => {
        const one = H.frame(2, 1.9);
        one.W = positive.W.map(w => w.slice());
        one.W[0][0] = -3;   // widest level: drawn above the weaker blue links
        H.update('network', one);
    }""")
    orange, blue_now = link_pixels(page)
    assert orange > 20 and blue_now > blue / 2, "one link turned orange" 
    assert not page.problems


def test_network_full_hover_shows_the_frames_link_and_neuron_values(page):
    page.evaluate("""() => {
        H.setup('2-4-2-1');
        window.f = H.frame(3, 0.7);
        f.W[1][6] = -0.75;   // W[2] row 2, col 3: layer 1 neuron 3 -> layer 2 neuron 2
        f.dW[1][6] = 0.125;
        f.b[0][0] = 0.5;
        H.full('network', f);
    }""")
    nodes, links = page.evaluate("H.plot('network').data.map(t => t.text)")
    link = "layer 1 neuron 3 → layer 2 neuron 2<br>w = -0.75   (W[2] row 2, col 3)<br>dW = 0.125"
    assert link in links and len(links) == 2 * 4 + 4 * 2 + 2 * 1
    assert any(t.startswith("layer 1 neuron 1 (tanh)<br>bias b = 0.5<br>map scale ±") for t in nodes)
    assert "X₂<br>input feature 2" in nodes

    x, y = page.evaluate("""text => {
        const gd = H.plot('network'), trace = gd.data[1], k = trace.text.indexOf(text);
        const box = gd.getBoundingClientRect(), fl = gd._fullLayout;
        return [box.left + fl._size.l + fl.xaxis.l2p(trace.x[k]), box.top + fl._size.t + fl.yaxis.l2p(trace.y[k])];
    }""", link)
    page.mouse.move(x, y)
    page.wait_for_function("[...document.querySelectorAll('#network .hovertext')]"
                           ".some(e => e.textContent.includes('w = -0.75'))", timeout=3000)

    page.evaluate("H.update('network', H.frame(4, 1.1))")
    assert page.evaluate("H.plot('network').data.length") == 0, "running: stale hover traces removed"
    assert not page.problems


def test_weights_update_redraws_changed_matrices_and_their_scales(page):
    page.evaluate("""() => {
        H.setup('2-4-2-1');
        window.f = H.frame(5, 0.2);
        f.W[0].set([0.25, -0.875, 0.5, 0.125, -0.25, 0.5, 0.75, 0.0625]);
        H.update('weights', f);
    }""")
    before = matrix_images(page)
    titles = page.evaluate("[...document.querySelectorAll('#weights .dnnlive-title')].map(e => e.innerText)")
    assert len(before) == 6
    assert titles[0].startswith("W[1] 4×2 ±0.875\nweight norm ")
    assert re.match(r"dW\[1\] 4×2 ±[0-9.e-]+\ngrad norm [0-9.e-]+$", titles[1])
    assert titles[-1].startswith("dW[3] 1×2 ±")

    page.evaluate("""() => {
        const g = H.frame(5, 0.2);
        g.W = f.W.map(w => w.map(v => -v));
        g.dW = f.dW;
        H.update('weights', g);
    }""")
    after = matrix_images(page)
    assert [a != b for a, b in zip(before, after)] == [True, False] * 3, "W redrawn, dW kept"
    assert page.evaluate("document.querySelector('#weights .dnnlive-title').innerText").startswith("W[1] 4×2 ±0.875")
    assert not page.problems


def test_weights_full_draws_hoverable_heatmaps_then_update_drops_them(page):
    texts = page.evaluate("""() => {
        H.setup('7-8x6-1');
        const f = H.frame(6, 0.5);
        f.W[1][2 * 8 + 4] = -0.75;   // W[2] row 3, col 5
        H.full('weights', f);
        const gd = H.plot('weights');
        return gd.data.map(t => [t.type, t.z.length, t.z[0].length, t.text[2]?.[4], t.z[2]?.[4], t.zmin, t.zmax]);
    }""")
    assert len(texts) == 2 * 7 and all(t[0] == "heatmap" for t in texts)
    assert [t[1:3] for t in texts[:4]] == [[8, 7], [8, 7], [8, 8], [8, 8]]
    w2 = texts[2]
    assert w2[3] == "W[2] row 3 (neuron 3), col 5 (layer 1 neuron 5)<br>w = -0.75" and w2[4] == -0.75
    assert w2[5] == -w2[6] and w2[6] >= 0.75, "symmetric scale around zero"
    assert texts[-2][1:3] == [1, 8], "output layer W: 1 neuron x 8 inputs"

    page.evaluate("H.update('weights', H.frame(7, 0.9))")
    assert page.evaluate("H.plot('weights').data.length") == 0
    assert not page.problems


@pytest.mark.parametrize("shape", ["2-4-2-3", "7-8x6-1"])
def test_views_mount_update_full_destroy(page, shape):
    n_cols, n_mats = page.evaluate("""s => {
        const meta = H.setup(s);
        for (const view of ['network', 'weights']) {
            H.update(view, H.frame(8, 0.1));
            H.full(view, H.frame(9, 0.2));
            H.update(view, H.frame(10, 0.3));
        }
        return [meta.layerSizes.length, 2 * (meta.layerSizes.length - 1)];
    }""", shape)
    assert len(column_images(page)) == n_cols
    assert len(matrix_images(page)) == n_mats
    page.evaluate("H.setup('2-4-2-1')")
    assert page.evaluate("document.querySelectorAll('.js-plotly-plot').length") == 2, "old plots destroyed"
    assert not page.problems


def test_resize_redraws_the_last_frame_at_the_new_width(page):
    sizes = page.evaluate("""() => {
        H.setup('2-32x8-1');
        const f = H.frame(12, 0.4);
        H.update('network', f);
        H.full('weights', f);
        const size = (v) => [H.plot(v).layout.width, H.plot(v).data.length];
        const before = [size('network'), size('weights')];
        H.resize('network', 400);
        H.resize('weights', 400);
        const links = document.querySelector('#network canvas.dnnlive-links');
        return [before, [size('network'), size('weights')], links.style.width];
    }""")
    (net_before, w_before), (net_after, w_after), links_width = sizes
    assert net_before == [720, 0] and net_after == [400, 0] and links_width == "400px"
    assert w_before == [720, 18] and w_after == [400, 18], "paused: hover heatmaps redrawn"
    assert len(column_images(page)) == 10
    heads = page.evaluate("H.plot('network').layout.annotations.map(a => a.text)")
    assert "32" in heads and "layer 1: 32" not in heads, "narrow columns get short heads"
    assert not page.problems


def test_update_speed_is_measured(page):
    """Prints ms per `update`, one update per animation frame (painting the canvases, link
    strokes, the labels' text; rasterizing happens off this clock); not asserted."""
    for shape in ["2-4-2-1", "7-8x6-1", "2-32x8-1"]:
        ms = page.evaluate("""async s => {
            H.setup(s);
            return [await H.bench('network', 30, 6), await H.bench('weights', 30, 6)];
        }""", shape)
        print(f"\n{shape}: network {ms[0]:.2f} ms/update, weights {ms[1]:.2f} ms/update")
        assert all(0 < m < 1000 for m in ms)
    assert not page.problems
