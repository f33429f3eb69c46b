"""What one drawn frame of the live view costs the browser, from Chromium's own trace.

    python -m benchmarks.frame_cost [--config NAME] [--rounds 3] [--window 5] [--ab DIR ...]

Frame rates on a shared box mean little; this measures the browser's work per drawn frame,
which holds up under load: a `streamlit run app.py` of this repository (and, with `--ab`, one
per other checkout, e.g. an older commit unpacked with `git archive`), a fresh headless
Chromium per round, the page of one `benchmarks.live.CONFIGS` configuration; Play, 2 s of
warm-up, then a window traced with Chromium's timeline categories. Rounds alternate between
the checkouts (A, B, A, B, ...), so a load change hits both alike.

Per drawn frame (__dnnLive.framesDrawn in the window), milliseconds of thread CPU time (the
trace's tdur: unlike wall time it leaves out the waits for a core on a busy box) of:
  main      the renderer's main thread busy (top-level tasks), split into script (our views,
            Plotly, Streamlit's React), style, layout, paint (recording the display list),
            layerize (the whole page's paint chunks into compositor layers, after a change
            of the page's structure), commit (waiting while the compositor takes the frame),
            hover (Chromium's mouse move after a layout: hit test and the page's handlers)
            and other;
  raster    the worker threads rasterizing and decoding images (software: no GPU here);
  viz       the display compositor drawing the frame (software compositing);
"layerizes" (whole-page layerizations per drawn frame) and rAF/s (animation frames the page
produced), frames/s, p95 gap (these three depend on the load). Prints a table; asserts
nothing and writes no file.
"""
import argparse
import json
import os
import time
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.chromium import launch
from benchmarks.live import CONFIGS, start_server
from benchmarks.procstat import load1

REPO = Path(__file__).resolve().parents[1]
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "viz", "cc",
              "blink", "v8", "toplevel"]
KINDS = {   # main-thread event -> kind; the outermost known event inside a task counts
    **dict.fromkeys(["FunctionCall", "EvaluateScript", "v8.compile", "TimerFire", "EventDispatch",
                     "FireAnimationFrame", "RunMicrotasks", "V8.GCFinalizeMC", "MajorGC",
                     "MinorGC", "AsyncTask Run"], "script"),
    **dict.fromkeys(["UpdateLayoutTree", "RecalculateStyles", "ParseAuthorStyleSheet"], "style"),
    "Layout": "layout",
    **dict.fromkeys(["Paint", "PrePaint", "PaintImage", "UpdateLayer"], "paint"),
    "Layerize": "layerize",
    "ProxyMain::BeginMainFrame::commit": "commit",
    "EventHandler::handleMouseMoveEvent": "hover",   # incl. the fake mouse move after a layout
}
MAIN_KINDS = ["script", "style", "layout", "paint", "layerize", "commit", "hover"]
WINDOW_START = """() => { const L = window.__dnnLive; L.reset();
  window.__fc = {t0: performance.now(), raf: 0, on: true};
  const tick = () => { if (!__fc.on) return; __fc.raf++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""
WINDOW_END = """() => { const L = window.__dnnLive; __fc.on = false;
  const g = L.gaps.slice().sort((a, b) => a - b);
  return {ms: performance.now() - __fc.t0, raf: __fc.raf, frames: L.framesDrawn,
          p95: g.length ? g[Math.floor(0.95 * (g.length - 1))] : null,
          viewMs: Object.fromEntries(Object.entries(L.viewMs).map(([k, v]) =>
            [k, v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)]))}; }"""


def thread_names(events):
    """{(pid, tid): thread name} from the trace's metadata events."""
    return {(e["pid"], e["tid"]): e["args"]["name"] for e in events
            if e.get("ph") == "M" and e.get("name") == "thread_name"}


def cpu_ms(e):
    """An event's thread CPU time (tdur; its wall time where the trace has none), in ms:
    on a loaded box wall time also counts the waits for a core."""
    return e.get("tdur", e["dur"]) / 1e3


def busy_by_kind(events, names, renderer_pid):
    """CPU milliseconds per kind: the renderer main thread's top-level tasks split by the
    outermost known child event, the workers' raster, the viz compositor's drawing; and
    "layerizes", how many times the whole page was layerized."""
    out = defaultdict(float)
    main = sorted((e for e in events if e.get("ph") == "X" and "dur" in e
                   and e["pid"] == renderer_pid and names.get((e["pid"], e["tid"])) == "CrRendererMain"),
                  key=lambda e: (e["ts"], -e["dur"]))
    task_end, child_end = -1, -1
    for e in main:
        start, end = e["ts"], e["ts"] + e["dur"]
        if start >= task_end:                     # a new top-level task
            task_end, child_end = end, -1
            out["main"] += cpu_ms(e)
        elif start >= child_end and e["name"] in KINDS:
            out[KINDS[e["name"]]] += cpu_ms(e)
            child_end = end
    for e in events:
        if e.get("ph") != "X" or "dur" not in e:
            continue
        if e["name"] == "PaintArtifactCompositor::Update" and e["pid"] == renderer_pid:
            out["layerizes"] += 1                 # a full update, not the repaint-only path
        thread = names.get((e["pid"], e["tid"]), "")
        if thread.startswith(("CompositorTileWorker", "ThreadPoolForegroundWorker")) and \
                e["name"] == "TaskGraphRunner::RunTask":
            out["raster"] += cpu_ms(e)
        elif thread == "VizCompositorThread" and e["name"] == "ThreadControllerImpl::RunTask":
            out["viz"] += cpu_ms(e)
    out["other"] = out["main"] - sum(out[k] for k in MAIN_KINDS)
    out["layerizes"] += 0
    return out


def renderer_of(events, names):
    """The pid of the renderer that ran the live player (the one whose main thread ran most)."""
    load = defaultdict(float)
    for e in events:
        if e.get("ph") == "X" and names.get((e["pid"], e["tid"])) == "CrRendererMain":
            load[e["pid"]] += e.get("dur", 0)
    return max(load, key=load.get)


def measure(pw, url, window_s):
    browser = launch(pw)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.goto(url)
        page.wait_for_function("window.__dnnLive && __dnnLive.times.fullView > 0", timeout=60_000)
        page.get_by_role("button", name="Play").click()
        page.wait_for_function("__dnnLive.framesDrawn > 10", timeout=30_000)
        time.sleep(2.0)
        browser.start_tracing(page=page, categories=CATEGORIES)
        page.evaluate(WINDOW_START)
        time.sleep(window_s)
        result = page.evaluate(WINDOW_END)
        events = json.loads(browser.stop_tracing())["traceEvents"]
    finally:
        browser.close()
    names = thread_names(events)
    busy = busy_by_kind(events, names, renderer_of(events, names))
    frames = max(1, result["frames"])
    return {"fps": result["frames"] / result["ms"] * 1e3, "raf": result["raf"] / result["ms"] * 1e3,
            "p95": result["p95"], "views": result["viewMs"],
            **{k: v / frames for k, v in busy.items()}}


COLUMNS = ["fps", "raf", "p95", "main", *MAIN_KINDS, "other", "raster", "viz", "layerizes"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="(a) circle [4,2]", choices=list(CONFIGS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=float, default=5.0)
    parser.add_argument("--ab", nargs="*", default=[], help="other checkouts to alternate with")
    args = parser.parse_args(argv)
    roots = [REPO, *map(Path, args.ab)]
    servers = [start_server(Path("/tmp") / f"frame-cost-{os.getpid()}-{i}.log", cwd=root)
               for i, root in enumerate(roots)]
    query = CONFIGS[args.config][0]
    rows = defaultdict(list)
    try:
        with sync_playwright() as pw:
            for rnd in range(args.rounds):
                for root, (_, base) in zip(roots, servers):
                    r = measure(pw, f"{base}/{query}", args.window)
                    rows[root].append(r)
                    print(f"round {rnd + 1} {root.name}: load1 {load1():.2f} " + " ".join(
                        f"{k} {r[k]:.1f}" for k in COLUMNS if r.get(k) is not None),
                          "views", {k: round(v, 2) for k, v in r["views"].items()}, flush=True)
    finally:
        for proc, _ in servers:
            proc.kill()
            proc.wait()
    print(f"\n{args.config}: medians over {args.rounds} rounds, ms per drawn frame")
    print("| checkout | " + " | ".join(COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for root, runs in rows.items():
        med = lambda k: sorted(r.get(k) or 0 for r in runs)[len(runs) // 2]  # noqa: E731
        print(f"| {root} | " + " | ".join(f"{med(k):.1f}" for k in COLUMNS) + " |")


if __name__ == "__main__":
    main()
