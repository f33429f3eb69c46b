"""The live view in a real browser: tests/browser/apps/live_app.py (ui.live.live_view around
the engine's Trainer) served by `streamlit run`, driven through Debian's Chromium.

Waits are on the app's state (Streamlit's script state, the player's counters on
window.__dnnLive, animation frames), never fixed sleeps.
"""
import base64

import numpy as np
import pytest

from conftest import APP_READY, EPOCH, animation_frames, epoch, watch

from ui import live

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APP = "tests/browser/apps/live_app.py"
OUTPUT_CANVAS = '.dnnlive-cell[data-view="output"] canvas.dnnlive-heat'   # no page testids here


@pytest.fixture(scope="module")
def live_page(browser, streamlit_app):
    """The page after its first full draw; `problems` lists console errors, page errors and
    any request to a host other than the app's own."""
    base = streamlit_app(APP)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    watch(page, base + "/")
    page.goto(base)
    page.wait_for_selector(APP_READY)
    page.wait_for_function("window.__dnnLive && window.__dnnLive.times.fullView > 0")
    yield page
    assert page.problems == []
    context.close()


def output_image(page):
    return page.eval_on_selector(OUTPUT_CANVAS, "c => c.toDataURL()")


def test_paused_page_shows_every_view_and_the_engine_numbers(live_page):
    page = live_page
    views = page.eval_on_selector_all(".dnnlive-cell", "cells => cells.map(c => c.dataset.view)")
    assert {"output", "cost", "flow"} <= set(views)
    assert epoch(page) == 0
    assert page.inner_text(".dnnlive-numbers").count("%") == 2      # train / test accuracy
    drawn = page.eval_on_selector(OUTPUT_CANVAS, """c => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let opaque = 0; for (let i = 3; i < px.length; i += 4) opaque += px[i] === 255;
        return opaque / (c.width * c.height); }""")
    assert drawn == 1.0
    traces = '.dnnlive-cell[data-view="output"] .scatterlayer .trace'
    assert page.locator(traces).count() == 1
    page.get_by_text("Show test data").click()
    page.wait_for_selector(APP_READY)
    page.wait_for_function(f"document.querySelectorAll('{traces}').length === 2")


def test_play_animates_the_output_map_and_pause_stops_it(live_page):
    page = live_page
    # Views wait for Plotly and are mounted again once it has run (by design): watch for
    # removed plots only after that.
    page.wait_for_function("window.__dnnLive && window.__dnnLive.times.fullView > 0",
                           timeout=60_000)
    page.evaluate("""() => { window.__removedPlots = [];
        new MutationObserver(ms => ms.forEach(m => m.removedNodes.forEach(n => {
            if (n.nodeType === 1 && (n.matches('.js-plotly-plot, .dnn-live')
                || n.querySelector('.js-plotly-plot'))) __removedPlots.push(
                    [n.className, __dnnLive.resends, __dnnLive.mounts, __dnnLive.payloads]); })))
            .observe(document.body, {childList: true, subtree: true});
        window.__spoken = [];
        new MutationObserver(() => __spoken.push(performance.now()))
            .observe(document.querySelector('[data-testid="live-summary"]'),
                     {childList: true, characterData: true, subtree: true}); }""")
    start, image = epoch(page), output_image(page)
    drawn, resends = page.evaluate("[window.__dnnLive.framesDrawn, window.__dnnLive.resends]")

    page.get_by_text("Play", exact=True).click()
    page.wait_for_function(f"""window.__dnnLive.framesDrawn >= {drawn + 20}
        && +(document.querySelector('{EPOCH}')?.textContent ?? '0').replace(/,/g, '') >= {start + 20}""")
    assert output_image(page) != image
    assert page.evaluate("window.__dnnLive.requests") > 0

    full_draws = page.evaluate("window.__dnnLive.fullDraws")
    page.get_by_text("Play", exact=True).click()
    page.wait_for_selector(APP_READY)
    page.wait_for_function(f"window.__dnnLive.fullDraws > {full_draws}")
    paused, image, requests = epoch(page), output_image(page), page.evaluate("window.__dnnLive.requests")
    animation_frames(page, 30)
    assert (epoch(page), output_image(page)) == (paused, image)
    assert page.evaluate("window.__dnnLive.requests") == requests
    # Play and Pause remount no chart; only a payload the player could not follow (it then
    # asks for everything again, e.g. after Streamlit recreated the element on a loaded
    # machine) rebuilds the views, and then every removal comes after such a resend.
    removed = page.evaluate("window.__removedPlots")
    assert all(resent > resends for _, resent, _, _ in removed), removed
    assert page.evaluate("window.__dnnLive.errors") == []


def test_the_player_decodes_python_payloads_at_any_alignment(live_page):
    """JS decode of ui.live.pack bytes, also from an odd offset in a larger buffer (as a
    protobuf field can be), equals the Python side."""
    w = np.array([[0.5, -1.25], [3.0, 1e-8]])
    frame = {"epoch": 7, "W": [w], "output": np.array([1, 128, 255], dtype=np.uint8),
             "loss": {"train": 0.25, "test": float("inf")}}
    payload = base64.b64encode(live.pack([frame], running=True)).decode()
    got = live_page.evaluate("""b64 => {
        const raw = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const padded = new Uint8Array(raw.length + 3); padded.set(raw, 3);
        return [raw, padded.subarray(3)].map(bytes => {
            const m = DNNLive.decode(bytes), f = m.frames[0];
            return [m.running, f.epoch, Array.from(f.W[0]), Array.from(f.output),
                    f.loss.train, f.loss.test, f.W[0].constructor.name]; }); }""", payload)
    expected = [True, 7, w.astype(np.float32).ravel().tolist(), [1, 128, 255], 0.25, None,
                "Float32Array"]
    assert got == [expected, expected]


def test_the_curve_keeps_exactly_the_rows_it_is_sent(live_page):
    """The engine thins the history (dnn_core/history.py); the browser only appends."""
    columns = list(live.HISTORY_COLUMNS)
    n, ends, grads = live_page.evaluate("""columns => {
        const c = new DNNLive.Curve(); c.clear(columns, 2);
        const T = 7001, rows = {grad_norm: Float32Array.from({length: 2 * T}, (_, i) => i)};
        for (const k of columns) if (k !== "grad_norm") rows[k] = Float32Array.from({length: T}, (_, i) => i);
        for (let i = 0; i < T; i++) c.push(rows, i);
        return [c.n, [c.cols.epoch[0], c.cols.test_loss[c.n - 1]],
                [c.cols.grad_norm[2 * 7000], c.cols.grad_norm[2 * 7000 + 1]]]; }""", columns)
    assert n == 7001 and ends == [0, 7000] and grads == [14000, 14001]


def test_panels_carry_stable_test_ids_and_a_text_alternative(live_page):
    page = live_page
    for name in ("output", "network", "cost", "weights", "flow"):
        assert page.locator(f'[data-testid="live-{name}"]').count() == 1, name
    summary = page.locator('[data-testid="live-summary"]')
    page.wait_for_function("""() => document.querySelector('[data-testid="live-summary"]')
        .textContent.startsWith(`Epoch ${document.querySelector('[data-testid="live-epoch"]')
        .textContent.replace(/,/g, '')}:`)""")        # the summary ends with the last frame
    assert summary.get_attribute("aria-live") == "polite"
    assert summary.get_attribute("role") == "status"
    text = summary.text_content()
    assert text.startswith(f"Epoch {epoch(page)}: train loss ") and "test loss" in text
    assert "% train" in text and "% test" in text, "accuracy, train and test"


def test_the_text_alternative_changes_at_most_once_a_second(live_page):
    """100 frames shown at once: the summary says the first at once, then only the last,
    after a second."""
    first, changes = live_page.evaluate("""async () => {
        const box = document.createElement('div');
        document.body.append(box);
        const numbers = new DNNLive.Numbers(box), said = [];
        const summary = box.querySelector('.dnnlive-summary');
        new MutationObserver(() => said.push(summary.textContent))
            .observe(summary, {childList: true, characterData: true, subtree: true});
        const frame = (epoch) => ({epoch, lr: 0.03, metric: {name: 'accuracy', train: 0.9, test: 0.8},
            loss: {train_data: 0.5, test_data: 0.625, train_penalty: 0}});
        for (let e = 1; e <= 100; e++) numbers.show(frame(e));
        await new Promise((done) => setTimeout(done, 0));
        const first = said.slice();
        while (said.length === first.length) await new Promise((done) => setTimeout(done, 50));
        await new Promise((done) => setTimeout(done, 1200));
        box.remove();
        return [first, said]; }""")
    assert first == ["Epoch 1: train loss 0.500, test loss 0.625; accuracy 90.0 % train, 80.0 % test."]
    assert changes == first + [first[0].replace("Epoch 1:", "Epoch 100:")]


def test_the_canvases_are_drawn_before_plotly_has_run(live_page):
    times = live_page.evaluate("window.__dnnLive.times")
    assert times["player"] < times["firstPaint"] < times["plotly"] <= times["fullView"]


def test_a_payload_of_an_unknown_format_is_refused_on_screen(live_page):
    payload = bytearray(live.pack([], running=True))
    payload[4:8] = (live.FORMAT + 1).to_bytes(4, "little")
    shown = live_page.evaluate("""b64 => {
        const root = document.createElement('div');
        root.innerHTML = '<div class="dnn-live"></div>';
        document.body.append(root);
        DNNLive.render({parentElement: root, data: Uint8Array.from(atob(b64), c => c.charCodeAt(0)),
                        setTriggerValue() {}});
        const msg = root.querySelector('[data-testid="live-message"]');
        const out = [msg.textContent, getComputedStyle(msg).display];
        root.remove();
        return out; }""", base64.b64encode(bytes(payload)).decode())
    assert f"format {live.FORMAT + 1}" in shown[0] and "Reload the page" in shown[0]
    assert shown[1] != "none"
    live_page.problems[:] = [p for p in live_page.problems if "cannot read this server" not in p]
