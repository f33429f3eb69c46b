"""How fast the Playground trains and redraws in a browser, next to TF Playground's anchors.

    make bench-live            # or: python -m benchmarks.live [--runs 3] [--window 10]

Starts its own `streamlit run app.py` (loopback, free port, one BLAS thread), drives Debian's
Chromium (never `playwright install`, 1400x900, a fresh browser per run) on TF Playground's
configurations (shared/research/tfp-speed.md) at speed 1 (one epoch per drawn frame, as TFP),
plus (a) at speed "max", (a) on three and on six pages at once, the biggest network the
app offers and the Compare page with four lanes of the default network; round by round, so a load change hits every configuration alike. With a build of
TF Playground (`--tfp-dist DIR` or `--tfp-url URL`, see benchmarks/tfp.py for how to build
one) each round also measures TFP on its three configurations, right after ours, with the same
map counter (`tfp.MAP_HOOK`), and the report gives every figure as a ratio to it. Per run: first paint (navigation -> first rAF that sees
__dnnLive.fullDraws > 0), Streamlit's floor (`notRunning` after `running`), Play -> first frame
with a larger epoch, then after a 2 s warm-up a 10 s window: frames/s (__dnnLive.framesDrawn),
epochs/s (live-epoch text), gaps and draw ms, removed charts (MutationObserver), blank rAF
samples, socket traffic (WebSocket hook), CPU from /proc (100 % = one core). Writes
benchmarks/live_results.md; not a test, asserts nothing.
"""
import argparse
import os
import platform
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks import tfp
from benchmarks.chromium import launch
from benchmarks.live_report import render
from benchmarks.procstat import cpu_meter, load1
from deploy.lecture_hall import free_port, replica_command

REPO = Path(__file__).resolve().parents[1]
TFP_QUERY = "activation=tanh&lr=0.03&batch=10&noise=0&train=50&features="   # + inputs
CONFIGS = {   # name -> (page and URL query, pages)
    "(a) circle [4,2]": (f"?dataset=circle&layers=4,2&speed=1&{TFP_QUERY}x1,x2", 1),
    "(b) spiral 6x8, 7 inputs": (f"?dataset=spiral&layers=8,8,8,8,8,8&speed=1&{TFP_QUERY}"
                                 "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2", 1),
    "(c) gauss [1]": (f"?dataset=gauss&layers=1&speed=1&{TFP_QUERY}x1,x2", 1),
    "(a) speed max": (f"?dataset=circle&layers=4,2&speed=max&{TFP_QUERY}x1,x2", 1),
    "(a) x3 pages": (f"?dataset=circle&layers=4,2&speed=1&{TFP_QUERY}x1,x2", 3),
    "(a) x6 pages": (f"?dataset=circle&layers=4,2&speed=1&{TFP_QUERY}x1,x2", 6),
    "biggest: spiral3 8x32, 7 inputs": ("?dataset=spiral3&layers=" + ",".join(["32"] * 8) +
                                        "&activation=tanh&lr=0.03&batch=10&speed=1&features="
                                        "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2", 1),
    # issue 11: four lanes of the default network, every lane drawn in every frame (frames/s
    # is per lane), epochs from lane 1, the map counter on lane 1's map
    "Compare: 4 lanes, default network": ("compare?lanes=base|base|base|base", 1),
}
PROFILE_HEADING = "## Server cost per page (profile)"   # written by hand, kept on rewrite
LANE_MAP = '[data-testid="lane-0"] canvas'                            # the Compare page's lane 1
OUR_MAP = f'[data-testid="live-output"] canvas, canvas.dnnlive-heat, {LANE_MAP}'  # tfp.MAP_HOOK's
OUTPUT_CANVAS = f'.dnnlive-cell[data-view="output"] canvas.dnnlive-heat, {LANE_MAP}'

JS_EPOCH = """() => window.__dnnLive?.lanesView ? __dnnLive.lanesView.epochs[0]
  : +(document.querySelector('[data-testid="live-epoch"]') || {}).textContent?.replace(/,/g, '')"""
# Polled every frame from navigation: first script end and first full live draw, resources.
JS_FIRST = """() => {
  const F = window.__first || (window.__first = {}), now = performance.now();
  const app = document.querySelector('[data-testid="stApp"]');
  const st = app && app.getAttribute('data-test-script-state');
  const ex = document.querySelector('[data-testid="stException"]');   // fail fast on an app error
  if (ex) throw new Error('the app shows an exception: ' + ex.innerText.slice(0, 300));
  if (st === 'running') F.sawRunning = true;
  if (F.app === undefined && F.sawRunning && st === 'notRunning') F.app = now;
  if (F.live === undefined && window.__dnnLive && window.__dnnLive.fullDraws > 0) F.live = now;
  if (F.app === undefined || F.live === undefined) return false;
  F.fcp = (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null;
  F.fullMs = window.__dnnLive.fullMs[0];
  return F;
}"""
# After Plotly has run (it loads after the canvases' first paint): its times, the resources.
JS_PLOTLY_DONE = """() => {
  const T = window.__dnnLive && window.__dnnLive.times;
  if (!T || !(T.fullView > 0)) return false;
  return {plotly: T.plotly, fullView: T.fullView, player: T.player,
    res: performance.getEntriesByType('resource').filter((e) => /plotly\.min|player\.js/
      .test(e.name)).map((e) => [e.name.split('/').pop().split('?')[0], e.startTime, e.responseEnd])};
}"""
# Time stamps and sizes of WebSocket traffic (Streamlit's one socket), for the rtt split.
JS_WS_HOOK = """(() => {
  const W = window.__ws = {sent: [], recv: []}, Orig = window.WebSocket, send = Orig.prototype.send;
  const size = (d) => d.byteLength || d.size || d.length || 0;
  Orig.prototype.send = function (d) { W.sent.push([performance.now(), size(d)]); send.call(this, d); };
  window.WebSocket = function (...a) { const ws = new Orig(...a);
    ws.addEventListener('message', (e) => W.recv.push([performance.now(), size(e.data)])); return ws; };
  window.WebSocket.prototype = Orig.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Orig[k];
})();"""
JS_ARM_PLAY = f"""() => {{   // times the click and the first drawn epoch after it
  const ep = {JS_EPOCH}, B = window.__bench = {{before: ep(), click: null, moved: null}};
  addEventListener('click', () => {{ B.click = B.click ?? performance.now(); }}, {{capture: true}});
  const obs = new MutationObserver(() => {{ if (B.click !== null && ep() > B.before) {{
    B.moved = performance.now(); obs.disconnect(); }} }});
  obs.observe(document.body, {{subtree: true, childList: true, characterData: true}});
}}"""
JS_WINDOW_START = f"""() => {{
  const ep = {JS_EPOCH}, B = window.__bench, L = window.__dnnLive, SEL = '.js-plotly-plot, .dnn-live';
  L.reset(); __ws.sent = []; __ws.recv = [];
  Object.assign(B, {{t0: performance.now(), e0: ep(), removed: 0, samples: 0, blank: 0, on: true}});
  B.mo = new MutationObserver((ms) => {{ for (const m of ms) for (const n of m.removedNodes)
    if (n.nodeType === 1) B.removed += (n.matches(SEL) ? 1 : 0) + n.querySelectorAll(SEL).length; }});
  B.mo.observe(document.body, {{childList: true, subtree: true}});
  B.long = 0;
  B.po = new PerformanceObserver((l) => {{ l.getEntries().forEach((e) => B.long += e.duration); }});
  B.po.observe({{type: 'longtask'}});
  const sample = () => {{ if (!B.on) return; B.samples++;
    const c = document.querySelector('{OUTPUT_CANVAS}');
    if (!c || !c.width) B.blank++; requestAnimationFrame(sample); }};
  requestAnimationFrame(sample);
}}"""
JS_WINDOW_END = f"""() => {{
  const ep = {JS_EPOCH}, B = window.__bench, L = window.__dnnLive;
  B.on = false; B.mo.disconnect(); B.po.disconnect();
  return {{ms: performance.now() - B.t0, frames: L.framesDrawn, epochs: ep() - B.e0,
    gaps: L.gaps, drawMs: L.drawMs, viewMs: L.viewMs, payloads: L.payloads, arrivals: L.arrivals,
    fullDraws: L.fullDraws, removed: B.removed, samples: B.samples, long: B.long, blank: B.blank,
    errors: L.errors.slice(-5), ws: __ws}};
}}"""


# ---- server and pages -----------------------------------------------------------------
def start_server(log_path, cwd=REPO):
    """`streamlit run app.py` of the checkout at `cwd` on a free loopback port: (process, url)."""
    port = free_port()
    proc = subprocess.Popen(
        replica_command(port), cwd=cwd, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
        env=dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1"))
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not start; see {log_path}")


def open_page(browser, url):
    """A fresh context and page at `url`; returns (page, first-paint record)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(JS_WS_HOOK)
    context.add_init_script(tfp.map_hook(OUR_MAP))
    page = context.new_page()
    page.problems = []   # page errors and console errors, reported with the run
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.goto(url, wait_until="commit")     # JS_FIRST also waits for the script's end
    first = page.wait_for_function(JS_FIRST, polling="raf", timeout=30_000).json_value()
    first["map"] = page.wait_for_function("__map.firstReal > 0 && __map.firstReal", polling="raf",
                                          timeout=30_000).json_value()
    done = page.wait_for_function(JS_PLOTLY_DONE, polling="raf", timeout=30_000).json_value()
    first.update(plotly=done["plotly"], full_view=done["fullView"], res=done["res"])
    return page, first


def measure_run(pw, base, query, pages, window_s, server_pid):
    """One run of one configuration in a fresh Chromium; a dict of raw results."""
    result = {"load1": load1()}
    browser = launch(pw)
    try:
        tabs, result["first"] = zip(*[open_page(browser, f"{base}/{query}") for _ in range(pages)])
        time.sleep(1.0)
        for page in tabs:
            page.evaluate(JS_ARM_PLAY)
            clicked = time.monotonic()
            page.get_by_role("button", name="Play").click()
        result["play_to_move"] = [p.wait_for_function("__bench.moved !== null && [__bench.moved - __bench.click]",
                                                      timeout=30_000).json_value()[0] for p in tabs]
        time.sleep(max(0.0, clicked + 2.0 - time.monotonic()))
        stop_cpu = cpu_meter(server_pid)
        for page in tabs:
            page.evaluate(JS_WINDOW_START)
            page.evaluate("__map.start()")
        time.sleep(window_s)
        result["pages"] = [dict(page.evaluate(JS_WINDOW_END), map=page.evaluate("__map.stop()"))
                           for page in tabs]
        result["cpu"] = stop_cpu()
        result["problems"] = [p for page in tabs for p in page.problems] + [
            e for p in result["pages"] for e in p["errors"]]
    finally:
        browser.close()
    return result


def kept_section(path, heading=PROFILE_HEADING):
    """The hand-written profile section of an earlier `path` (from `heading` to the next
    "## " heading or the end), kept when the file is written again; "" when none."""
    text = path.read_text() if path.exists() else ""
    start = text.find(heading)
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(heading))
    return "\n" + text[start:end if end >= 0 else len(text)].rstrip() + "\n"


def versions():
    from importlib.metadata import version
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    git = lambda *a: subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True).stdout  # noqa
    dirty = git("status", "--porcelain", "--", "app.py", "app_pages", "ui", "assets", "dnn_core").strip()
    libraries = ", ".join(f"{p} {version(p)}" for p in ("streamlit", "plotly", "numpy", "playwright"))
    return {"machine": f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
            "python": platform.python_version(), "libraries": libraries,
            "app": git("rev-parse", "--short", "HEAD").strip() + (" + uncommitted changes" * bool(dirty))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured per run")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "live_results.md"))
    peer = parser.add_mutually_exclusive_group()
    peer.add_argument("--tfp-dist", help="a TF Playground build folder to serve on loopback")
    peer.add_argument("--tfp-url", help="a TF Playground build already served on loopback")
    parser.add_argument("--only", nargs="*", help="measure only these configurations")
    args = parser.parse_args(argv)
    configs = {k: v for k, v in CONFIGS.items() if not args.only or k in args.only}
    stop_tfp, tfp_url = (None, args.tfp_url)
    if args.tfp_dist:
        tfp_url, stop_tfp = tfp.serve_dist(args.tfp_dist)
    if tfp_url:
        tfp.reachable(tfp_url)
    t_start = time.monotonic()
    while load1() >= 1.5 and time.monotonic() - t_start < 60:   # up to 60 s for a quieter box
        time.sleep(2)
    quiet = load1(), time.monotonic() - t_start
    print(f"load1 {quiet[0]:.2f} after waiting {quiet[1]:.0f} s", flush=True)
    server, base = start_server(log := Path("/tmp") / f"bench-live-streamlit-{os.getpid()}.log")
    results, info = {name: [] for name in configs}, versions()
    peers = {name: [] for name in configs if tfp_url and name in tfp.CONFIGS}
    try:
        with sync_playwright() as pw:
            browser = launch(pw)  # cold page
            cold_url = f"{base}/{CONFIGS['(a) circle [4,2]'][0]}"
            info.update(browser=browser.version, cold=open_page(browser, cold_url)[1])
            browser.close()
            for run in range(1, args.runs + 1):
                for name, (query, pages) in configs.items():
                    try:
                        r = measure_run(pw, base, query, pages, args.window, server.pid)
                    except Exception as error:  # a misbehaving app is reported, not fatal
                        r = {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}",
                             "load1": load1()}
                    results[name].append(r)
                    print(f"run {run} {name}:", r.get("error") or "frames/s " + ", ".join(
                        f"{p['frames'] / p['ms'] * 1e3:.1f}" for p in r["pages"]), flush=True)
                    if name in peers:
                        try:
                            t = tfp.measure_tfp_run(pw, tfp_url, name, args.window, launch,
                                                    lambda: cpu_meter(-1))
                        except Exception as error:
                            t = {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
                        peers[name].append(t)
                        print(f"run {run} {name} TFP:", t.get("error") or
                              f"frames/s {t['shown'] / t['ms'] * 1e3:.1f}", flush=True)
    finally:
        server.kill()   # our own server, by its pid
        server.wait()
        if stop_tfp:
            stop_tfp()
    info.update(quiet=quiet, total_s=time.monotonic() - t_start,
                date=time.strftime("%Y-%m-%d %H:%M"), window=args.window, runs=args.runs)
    Path(args.out).write_text(render(results, info, peers) + kept_section(Path(args.out)))
    print(f"wrote {args.out}; streamlit log {log}")


if __name__ == "__main__":
    main()
