"""TensorFlow Playground beside us: the same configurations, counters and browser.

TF Playground is the peer of the live benchmark (`benchmarks/live.py --tfp-dist DIR` or
`--tfp-url URL`). None of its code is in this repository; the benchmark only drives a build of
it. To build one (about a minute, in a scratch folder outside the repository):

    git clone <a snapshot of github.com/tensorflow/playground> /tmp/tfp   # commit 02469bd
    cd /tmp/tfp && npm ci && npm run build      # writes dist/: index.html, bundle.js, ...

`--tfp-dist /tmp/tfp/dist` serves that folder on a free loopback port for the run.

Both apps are measured with one counter, `MAP_HOOK` (an init script): it wraps
`CanvasRenderingContext2D.putImageData` and, for the canvas of the main output map (ours:
the live view's output canvas, TFP's: the canvas inside `#heatmap`), hashes each image
(FNV-1a over every pixel). An animation frame "shows a frame" when the map changed since the
animation frame before, so frames/s counts what can reach the screen, at most one per
animation frame. First paint = navigation -> the first animation frame after the first map
image that is not a single colour (real values, not a placeholder). Epochs come from each
app's own epoch counter (ours `live-epoch`, TFP's `#iter-number`).
"""
import http.server
import socket
import threading
import time
from functools import partial

# TFP's URL hash for each of our configurations (keys from its src/state.ts). TFP trains one
# epoch per animation frame, whatever our speed setting: "(a) speed max" compares our max
# speed with its only speed.
_COMMON = ("activation=tanh&regularization=none&batchSize=10&learningRate=0.03&"
           "regularizationRate=0&noise=0&percTrainData=50&seed=0.12345&showTestData=false&"
           "discretize=false&problem=classification&initZero=false&hideText=false&"
           "collectStats=false&cosX=false&cosY=false")
_TWO = "x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&sinX=false&sinY=false"
_SEVEN = "x=true&y=true&xTimesY=true&xSquared=true&ySquared=true&sinX=true&sinY=true"
CONFIGS = {
    "(a) circle [4,2]": f"dataset=circle&networkShape=4,2&{_TWO}&{_COMMON}",
    "(b) spiral 6x8, 7 inputs": f"dataset=spiral&networkShape=8,8,8,8,8,8&{_SEVEN}&{_COMMON}",
    "(c) gauss [1]": f"dataset=gauss&networkShape=1&{_TWO}&{_COMMON}",
    "(a) speed max": f"dataset=circle&networkShape=4,2&{_TWO}&{_COMMON}",
}
TFP_MAP = "#heatmap canvas"
TFP_EPOCH = "#iter-number"

# Installed before any page script; `__map` is read by the benchmark. The selector is
# substituted per app.
MAP_HOOK = """(() => {
  const M = window.__map = {sel: %r, draws: 0, changes: 0, pending: false, last: 0,
    shown: 0, firstReal: null, raf: 0, gaps: [], lastShown: null, on: false};
  const put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (img, ...rest) {
    put.call(this, img, ...rest);
    const c = this.canvas;
    if (!c.matches || !c.matches(M.sel)) return;
    const d = img.data;
    let h = 2166136261, uniform = true;
    for (let i = 0; i < d.length; i += 4) {
      const px = d[i] | (d[i + 1] << 8) | (d[i + 2] << 16);
      if (px !== (d[0] | (d[1] << 8) | (d[2] << 16))) uniform = false;
      h = Math.imul(h ^ px, 16777619);
    }
    M.draws++;
    if (h !== M.last) { M.changes++; M.pending = true; M.last = h; }
    if (!uniform && M.firstReal === null) M.firstReal = -1;   // resolved at the next frame
  };
  const tick = (t) => {
    if (M.firstReal === -1) M.firstReal = t;
    if (M.on) {
      M.raf++;
      if (M.pending) { M.shown++; if (M.lastShown !== null) M.gaps.push(t - M.lastShown); M.lastShown = t; }
    }
    M.pending = false;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  M.start = () => Object.assign(M, {on: true, raf: 0, shown: 0, gaps: [], lastShown: null, t0: performance.now()});
  M.stop = () => { M.on = false; return {ms: performance.now() - M.t0, raf: M.raf, shown: M.shown, gaps: M.gaps}; };
})();"""


def map_hook(selector):
    return MAP_HOOK % selector


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_dist(folder):
    """Serve a TFP build folder on a free loopback port; returns (url, stop())."""
    handler = partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/index.html", server.shutdown


def reachable(url):
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        raise ValueError(f"--tfp-url must be on loopback, got {url}")
    with socket.create_connection((host, int(port)), timeout=2):
        return True


def measure_tfp_run(pw, url, config, window_s, launch, cpu_meter):
    """One TFP run in a fresh browser: first paint, then after a 2 s warm-up from the Play
    click a `window_s` window. `launch(pw)` starts the browser; `cpu_meter()` -> stop()."""
    browser = launch(pw)
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.add_init_script(map_hook(TFP_MAP))
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url.rsplit("/", 1)[0])
                   else r.abort())   # its Google Fonts and Analytics requests: no outside network
        page.goto(f"{url}#{CONFIGS[config]}", wait_until="commit")
        paint = page.wait_for_function("__map.firstReal > 0 && __map.firstReal",
                                       polling="raf", timeout=30_000).json_value()
        time.sleep(1.0)
        epoch = f"() => +document.querySelector('{TFP_EPOCH}').textContent.replace(/,/g, '')"
        e_click = page.evaluate(epoch)
        page.click("#play-pause-button")
        page.wait_for_function(f"({epoch})() > {e_click}", timeout=30_000)
        time.sleep(2.0)
        stop_cpu = cpu_meter()
        e0 = page.evaluate(epoch)
        page.evaluate("__map.start()")
        time.sleep(window_s)
        counts = page.evaluate("__map.stop()")
        e1 = page.evaluate(epoch)
        return {"paint": paint, "epochs": e1 - e0, **counts, "cpu": stop_cpu(),
                "problems": problems}
    finally:
        browser.close()
