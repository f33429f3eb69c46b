"""How fast the Playground trains and redraws in a browser, next to TF Playground's anchors.

    make bench-live            # or: python -m benchmarks.live [--runs 3] [--window 10]

Starts its own `streamlit run app.py` (loopback, free port, one BLAS thread), drives Debian's
Chromium (never `playwright install`, 1400x900, a fresh browser per run) on TF Playground's
configurations (shared/research/tfp-speed.md) at speed 1 (one epoch per drawn frame, as TFP),
plus (a) at speed "max" and (a) on three pages at once; round by round, so a load change hits
every configuration alike. Per run: first paint (navigation -> first rAF that sees
__dnnLive.fullDraws > 0), Streamlit's floor (`notRunning` after `running`), Play -> first frame
with a larger epoch, then after a 2 s warm-up a 10 s window: frames/s (__dnnLive.framesDrawn),
epochs/s (live-epoch text), gaps and draw ms, removed charts (MutationObserver), blank rAF
samples, socket traffic (WebSocket hook), CPU from /proc (100 % = one core). Writes
benchmarks/live_results.md; not a test, asserts nothing.
"""
import argparse
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TFP_QUERY = "activation=tanh&lr=0.03&batch=10&noise=0&train=50&features="   # + inputs
CONFIGS = {   # name -> (URL query, pages)
    "(a) circle [4,2]": (f"dataset=circle&layers=4,2&speed=1&{TFP_QUERY}x1,x2", 1),
    "(b) spiral 6x8, 7 inputs": (f"dataset=spiral&layers=8,8,8,8,8,8&speed=1&{TFP_QUERY}"
                                 "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2", 1),
    "(c) gauss [1]": (f"dataset=gauss&layers=1&speed=1&{TFP_QUERY}x1,x2", 1),
    "(a) speed max": (f"dataset=circle&layers=4,2&speed=max&{TFP_QUERY}x1,x2", 1),
    "(a) x3 pages": (f"dataset=circle&layers=4,2&speed=1&{TFP_QUERY}x1,x2", 3),
}
OUTPUT_CANVAS = '.dnnlive-cell[data-view="output"] canvas.dnnlive-heat'

JS_EPOCH = """() => +(document.querySelector('[data-testid="live-epoch"]') || {})
  .textContent?.replace(/,/g, '')"""
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
  if (F.plotly === undefined && window.Plotly) F.plotly = now;
  if (F.app === undefined || F.live === undefined) return false;
  F.fcp = (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null;
  F.fullMs = window.__dnnLive.fullMs[0];
  F.res = performance.getEntriesByType('resource').filter((e) => /plotly\.min|player\.js/
    .test(e.name)).map((e) => [e.name.split('/').pop().split('?')[0], e.startTime, e.responseEnd]);
  return F;
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


# ---- /proc: CPU and load ---------------------------------------------------------------
def _stat(pid):
    """(ppid, comm, utime + stime ticks) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rfind(")") + 2:].split()
    return int(rest[1]), text[text.find("(") + 1:text.rfind(")")], int(rest[11]) + int(rest[12])


def process_groups(server_pid):
    """{'server', 'browser', 'driver', 'self'}: pid -> CPU ticks, over this process's tree
    (driver: Playwright's node process; browser: every other descendant but the server)."""
    stats = {int(p): st for p in os.listdir("/proc") if p.isdigit() and (st := _stat(p))}
    groups = {"server": {}, "browser": {}, "driver": {}, "self": {os.getpid(): stats[os.getpid()][2]}}
    todo = [pid for pid, st in stats.items() if st[0] == os.getpid()]
    while todo:
        pid = todo.pop()
        server = pid == server_pid or stats[pid][0] in groups["server"]
        group = "server" if server else "driver" if stats[pid][1] == "node" else "browser"
        groups[group][pid] = stats[pid][2]
        todo += [child for child, st in stats.items() if st[0] == pid]
    return groups


def busy_ticks():
    """Non-idle CPU ticks of the whole machine (all cores): all but idle and iowait."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4]


def load1():
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_meter(server_pid):
    """Starts measuring; the returned stop() gives CPU % (of one core) per process group and
    of every process outside them ("other")."""
    before, busy, start = process_groups(server_pid), busy_ticks(), time.monotonic()

    def stop():
        groups, pct = process_groups(server_pid), 100 / os.sysconf("SC_CLK_TCK") / (time.monotonic() - start)
        out = {name: pct * sum(t - before[name].get(pid, 0) for pid, t in procs.items())
               for name, procs in groups.items()}
        return dict(out, other=max(0.0, pct * (busy_ticks() - busy) - sum(out.values())))
    return stop


# ---- server and pages -----------------------------------------------------------------
def start_server(log_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=REPO, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
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
    page = context.new_page()
    page.problems = []   # page errors and console errors, reported with the run
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.goto(url, wait_until="commit")     # JS_FIRST also waits for the script's end
    return page, page.wait_for_function(JS_FIRST, polling="raf", timeout=30_000).json_value()


def measure_run(pw, base, query, pages, window_s, server_pid):
    """One run of one configuration in a fresh Chromium; a dict of raw results."""
    result = {"load1": load1()}
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        tabs, result["first"] = zip(*[open_page(browser, f"{base}/?{query}") for _ in range(pages)])
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
        time.sleep(window_s)
        result["pages"] = [page.evaluate(JS_WINDOW_END) for page in tabs]
        result["cpu"] = stop_cpu()
        result["problems"] = [p for page in tabs for p in page.problems] + [
            e for p in result["pages"] for e in p["errors"]]
    finally:
        browser.close()
    return result


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


# ---- report --------------------------------------------------------------------------
TFP = {   # tfp-speed.md medians: epochs/s (= frames/s), gap p50/p95 ms, first paint s, browser CPU %
    "(a) circle [4,2]": (42.5, "23.5 / 30.8", 0.79, "139 %"),
    "(b) spiral 6x8, 7 inputs": (11.0, "95.3 / 113.1", 0.75, "156 %"),
    "(c) gauss [1]": (58.2, "16.8 / 19.9", 0.55, "129 %"),
}


def summarize(r):
    """Raw run -> the figures reported (per-page means for the three-page runs)."""
    pages, first = r["pages"], r["first"]
    flat = lambda key: [x for p in pages for x in p[key]]  # noqa: E731
    pct = lambda values, q: float(np.percentile(values, q)) if len(values) else np.nan  # noqa: E731
    rate = lambda key: float(np.mean([p[key] / p["ms"] * 1e3 for p in pages]))  # noqa: E731
    mean_s = lambda values: float(np.mean(values or [np.nan])) / 1e3  # noqa: E731
    gaps, draw, arrivals = flat("gaps"), flat("drawMs"), flat("arrivals")
    ms = sum(p["ms"] for p in pages)
    split = [x for p in pages for x in request_split(p)]
    views = {name: [t for p in pages for t in p["viewMs"].get(name, [])] for name in pages[0]["viewMs"]}
    return {
        "fps": rate("frames"), "per_page_fps": [p["frames"] / p["ms"] * 1e3 for p in pages],
        "eps": rate("epochs"), "raf": rate("samples"), "payloads_s": rate("payloads"),
        "gap50": pct(gaps, 50), "gap95": pct(gaps, 95), "draw50": pct(draw, 50),
        "draw95": pct(draw, 95), "busy": 100 * sum(draw) / ms,
        "long": 100 * sum(p["long"] for p in pages) / ms,
        "views": {k: pct(v, 50) for k, v in views.items()},
        "per_payload": float(np.mean([a[1] for a in arrivals] or [np.nan])),
        "starved": 100 * float(np.mean([a[2] == 0 for a in arrivals] or [np.nan])),
        "rtt": pct([a[3] for a in arrivals], 50),
        **{k: pct([x[i] for x in split], 50) for i, k in enumerate(("to_first", "to_last", "frontend"))},
        "ws_kb_s": sum(b for p in pages for _, b in p["ws"]["recv"]) / ms,
        "paint": mean_s([f["live"] for f in first]), "floor": mean_s([f["app"] for f in first]),
        "fcp": mean_s([f["fcp"] for f in first if f["fcp"]]),
        "plotly": mean_s([f["plotly"] for f in first]),
        "first_full_ms": float(np.mean([f["fullMs"] for f in first])),
        **{f"{res}_end": mean_s([end for f in first for n, _, end in f["res"] if n.startswith(res)])
           for res in ("plotly", "player")},
        **{k: sum(p[k] for p in pages) for k in ("removed", "blank", "samples", "fullDraws")},
        **r["cpu"], "move": float(np.mean(r["play_to_move"])), "load1": r["load1"]}


def request_split(page):
    """Per payload the player got: (its request sent -> first socket message back, -> last
    message before the player had it, that message -> the player had it), in ms."""
    sent, recv = [t for t, _ in page["ws"]["sent"]], [t for t, _ in page["ws"]["recv"]]
    out = []
    for arrival in (a[0] for a in page["arrivals"]):
        asked = max((t for t in sent if t < arrival), default=None)
        back = [t for t in recv if asked is not None and asked < t <= arrival + 1]
        if back:
            out.append((back[0] - asked, back[-1] - asked, max(0.0, arrival - back[-1])))
    return out


def med(rows, key, fmt=".1f"):
    return format(float(np.median([row[key] for row in rows])), fmt)


def table(head, rows):
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(map(str, row)) + " |" for row in rows]


def render(results, info):
    s = {name: [summarize(r) for r in runs if "error" not in r] for name, runs in results.items()
         if any("error" not in r for r in runs)}
    views = sorted({v for rr in s.values() for r in rr for v in r["views"]})
    both = lambda rr, a, b: f"{med(rr, a)} / {med(rr, b)}"  # noqa: E731
    tfp = lambda name, i: TFP[name][i] if name in TFP else "–"  # noqa: E731
    out = [
        "# Live view speed: DNN Playground vs TF Playground (this box, headless Chromium)", "",
        f"Written by `python -m benchmarks.live` on {info['date']} ({info['total_s']:.0f} s). Machine: "
        f"{info['machine']}. Chromium {info['browser']}, headless, software rendering, 1400x900, a "
        f"fresh browser per run, on the server's cores. Python {info['python']}; {info['libraries']}. "
        f"App at {info['app']}. Load: 1-minute average {info['quiet'][0]:.2f} when the first run "
        f"started (after waiting {info['quiet'][1]:.0f} s, at most 60, for < 1.5); per run below: "
        "it climbs with the benchmark's own browser threads, so the contamination check is other "
        "CPU = every process outside the benchmark (other helpers' work); 100 % = one core.", "",
        f"{info['runs']} runs per configuration, round by round; a {info['window']:.0f} s window after "
        "a 2 s warm-up that follows the Play click. Speed 1 = one epoch per drawn frame, as in TF "
        "Playground (TFP, shared/research/tfp-speed.md). First paint = navigation -> the first "
        "animation frame after the live view's first full draw, warm server (the fresh server's "
        f"first page: {info['cold']['live'] / 1e3:.2f} s, floor {info['cold']['app'] / 1e3:.2f} s). "
        "Three-page rows are per page (mean of three); their CPU is the whole browser and the server.",
        "", "## Medians", ""]
    head = ["epochs/s", "frames/s (per page)", "TFP epochs/s (= frames/s)", "gap p50 / p95 ms",
            "TFP gap ms", "draw ms p50 / p95", "first paint s", "TFP first paint s", "Streamlit floor s",
            "Play -> moving ms", "remounted charts", "blank samples", "server CPU", "browser CPU",
            "TFP browser CPU", "other CPU"]

    def cells(name, rr):   # one row of `head`: medians of the runs rr
        fps = " / ".join(f"{f:.1f}" for f in rr[0]["per_page_fps"]) if len(rr) == 1 else med(rr, "fps")
        return [f"**{med(rr, 'eps')}**", fps, tfp(name, 0), both(rr, "gap50", "gap95"), tfp(name, 1),
                both(rr, "draw50", "draw95"), f"**{med(rr, 'paint', '.2f')}**", tfp(name, 2),
                med(rr, "floor", ".2f"), med(rr, "move", ".0f"), sum(r["removed"] for r in rr),
                f"{sum(r['blank'] for r in rr)} of {sum(r['samples'] for r in rr)}",
                *(f"{med(rr, k, '.0f')} %" for k in ("server", "browser")), tfp(name, 3),
                f"{med(rr, 'other', '.0f')} %"]
    out += table(["config"] + head, [[name] + cells(name, rr) for name, rr in s.items()])
    out += ["", "## Per run", ""] + table(
        ["config", "run", "load1 before"] + head + ["page errors"],
        [[name, i, f"{r['load1']:.2f}"] + (["failed: " + r["error"]] if "error" in r else
                                           cells(name, [summarize(r)]) + [len(r["problems"])])
         for name, runs in results.items() for i, r in enumerate(runs, 1)])
    problems = sorted({p[:160] for rr in results.values() for r in rr for p in r.get("problems", [])})
    out += ["", f"Page errors seen: {'; '.join(problems)}" if problems else "No page errors.", "",
            "## Pacing: draw time against waiting for frames (medians of runs)", "",
            "rAF/s = animation frames the page produced (60 at most; what TFP counted as frames/s); "
            "long tasks = share of the window in main-thread tasks over 50 ms; draw busy = share in "
            "the player's draw calls; starved = payloads that found the player's queue empty; rtt = "
            "the player's smoothed request -> payload time, split by socket time stamps into request "
            "sent -> first message back, -> last message before the player had the payload, and "
            "that message -> player; view ms = median per drawn frame (browser clock: 0.1 ms).", ""]
    out += table(["config", "rAF/s", "long tasks", "draw busy", "payloads/s", "frames per payload",
                  "starved", "rtt ms", "sent -> first msg ms", "sent -> last msg ms",
                  "last msg -> player ms", "socket kB/s in", "full draws"] + [f"{v} ms" for v in views],
                 [[name, med(rr, "raf"), f"{med(rr, 'long', '.0f')} %", f"{med(rr, 'busy', '.0f')} %",
                   med(rr, "payloads_s"), med(rr, "per_payload"), f"{med(rr, 'starved', '.0f')} %"]
                  + [med(rr, k, ".0f") for k in ("rtt", "to_first", "to_last", "frontend", "ws_kb_s",
                                                   "fullDraws")]
                  + [f"{np.median([r['views'].get(v, np.nan) for r in rr]):.2f}" for v in views]
                  for name, rr in s.items()])
    out += ["", "## First paint, step by step (seconds from navigation, medians of runs)", "",
            "Plotly ready = first animation frame with window.Plotly defined (after its parse).", ""]
    out += table(["config", "first contentful paint", "Streamlit floor (script done)",
                  "player.js loaded", "plotly.min.js loaded", "Plotly ready", "live view drawn",
                  "first full draw ms"],
                 [[name] + [med(rr, k, ".2f") for k in ("fcp", "floor", "player_end", "plotly_end",
                                                         "plotly", "paint")]
                  + [med(rr, "first_full_ms", ".0f")] for name, rr in s.items()])
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured per run")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "live_results.md"))
    args = parser.parse_args(argv)
    t_start = time.monotonic()
    while load1() >= 1.5 and time.monotonic() - t_start < 60:   # up to 60 s for a quieter box
        time.sleep(2)
    quiet = load1(), time.monotonic() - t_start
    print(f"load1 {quiet[0]:.2f} after waiting {quiet[1]:.0f} s", flush=True)
    server, base = start_server(log := Path("/tmp") / f"bench-live-streamlit-{os.getpid()}.log")
    results, info = {name: [] for name in CONFIGS}, versions()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # cold page
            cold_url = f"{base}/?{CONFIGS['(a) circle [4,2]'][0]}"
            info.update(browser=browser.version, cold=open_page(browser, cold_url)[1])
            browser.close()
            for run in range(1, args.runs + 1):
                for name, (query, pages) in CONFIGS.items():
                    try:
                        r = measure_run(pw, base, query, pages, args.window, server.pid)
                    except Exception as error:  # a misbehaving app is reported, not fatal
                        r = {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}",
                             "load1": load1()}
                    results[name].append(r)
                    print(f"run {run} {name}:", r.get("error") or "frames/s " + ", ".join(
                        f"{p['frames'] / p['ms'] * 1e3:.1f}" for p in r["pages"]), flush=True)
    finally:
        server.kill()   # our own server, by its pid
        server.wait()
    info.update(quiet=quiet, total_s=time.monotonic() - t_start,
                date=time.strftime("%Y-%m-%d %H:%M"), window=args.window, runs=args.runs)
    Path(args.out).write_text(render(results, info))
    print(f"wrote {args.out}; streamlit log {log}")


if __name__ == "__main__":
    main()
