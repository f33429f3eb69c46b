"""The live benchmark's report: raw runs -> benchmarks/live_results.md (medians, ratios)."""
import numpy as np


def peer_summary(runs):
    """TF Playground's runs of one configuration -> medians of the figures compared."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return None
    m = lambda xs: float(np.median(xs))  # noqa: E731
    return {"fps": m([r["shown"] / r["ms"] * 1e3 for r in ok]),
            "eps": m([r["epochs"] / r["ms"] * 1e3 for r in ok]),
            "raf": m([r["raf"] / r["ms"] * 1e3 for r in ok]),
            "gap95": m([np.percentile(r["gaps"], 95) if r["gaps"] else np.nan for r in ok]),
            "paint": m([r["paint"] / 1e3 for r in ok]),
            "browser": m([r["cpu"]["browser"] for r in ok]), "runs": len(ok),
            "failed": len(runs) - len(ok)}


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
    maps = [p["map"] for p in pages]
    return {
        "map_fps": float(np.mean([m["shown"] / m["ms"] * 1e3 for m in maps])),
        "map_gap95": pct([g for m in maps for g in m["gaps"]], 95),
        "paint_map": mean_s([f["map"] for f in first]),
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
        "full_view": mean_s([f["full_view"] for f in first]),
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


def render(results, info, peers=None):
    s = {name: [summarize(r) for r in runs if "error" not in r] for name, runs in results.items()
         if any("error" not in r for r in runs)}
    views = sorted({v for rr in s.values() for r in rr for v in r["views"]})
    both = lambda rr, a, b: f"{med(rr, a)} / {med(rr, b)}"  # noqa: E731
    peer = {name: peer_summary(runs) for name, runs in (peers or {}).items()}
    tfp_key = lambda name: "(a) circle [4,2]" if name == "(a) speed max" else name  # noqa: E731

    def tfp(name, key, fmt=".1f"):
        got = peer.get(name) or {}
        return format(got[key], fmt) if key in got else "–"
    out = [
        "# Live view speed: DNN Playground vs TF Playground, side by side in one run", "",
        f"Written by `python -m benchmarks.live` on {info['date']} ({info['total_s']:.0f} s). Machine: "
        f"{info['machine']}. Chromium {info['browser']}, headless, software rendering, 1400x900, a "
        f"fresh browser per run, on the server's cores. Python {info['python']}; {info['libraries']}. "
        f"App at {info['app']}. Load: 1-minute average {info['quiet'][0]:.2f} when the first run "
        f"started (after waiting {info['quiet'][1]:.0f} s, at most 60, for < 1.5); per run below: "
        "it climbs with the benchmark's own browser threads, so the contamination check is other "
        "CPU = every process outside the benchmark (other helpers' work); 100 % = one core.", "",
        f"{info['runs']} runs per configuration, round by round; a {info['window']:.0f} s window after "
        "a 2 s warm-up that follows the Play click. Speed 1 = one epoch per drawn frame, as in TF "
        "Playground (TFP). TFP was measured in the same rounds, right after each of our runs of "
        "the same configuration, in a fresh browser of its own, with the same map counter "
        "(benchmarks/tfp.py): map frames/s = animation frames in which the output map's pixels "
        "changed; map first paint = navigation -> the first animation frame after the first map "
        "image with real values (not one colour). Our full first paint = the first frame after the "
        "live view's first full draw (axes, curves), warm server (the fresh server's first page: "
        f"{info['cold']['live'] / 1e3:.2f} s, map {info['cold']['map'] / 1e3:.2f} s, floor "
        f"{info['cold']['app'] / 1e3:.2f} s). Several-page rows are per page (mean over pages); "
        "their CPU is the whole browser and the server.", "", "## Side by side (medians; ratio = ours / TFP's)", ""]
    ratio = lambda a, b: f"{a / b:.2f}x" if b and np.isfinite(a) and np.isfinite(b) else "–"  # noqa
    side = []
    for name, rr in s.items():
        got = peer.get(tfp_key(name))
        if not got:
            continue
        m = {k: float(np.median([r[k] for r in rr])) for k in ("map_fps", "eps", "map_gap95", "paint_map")}
        side.append([name, f"{m['map_fps']:.1f}", f"{got['fps']:.1f}", ratio(m["map_fps"], got["fps"]),
                     f"{m['eps']:.1f}", f"{got['eps']:.1f}", ratio(m["eps"], got["eps"]),
                     f"{m['map_gap95']:.0f}", f"{got['gap95']:.0f}", f"{m['paint_map']:.2f}",
                     f"{got['paint']:.2f}", ratio(m["paint_map"], got["paint"]),
                     f"{got['runs']} ({got['failed']} failed)"])
    out += table(["config", "map frames/s", "TFP frames/s", "ratio", "epochs/s", "TFP epochs/s",
                  "ratio", "map gap p95 ms", "TFP gap p95 ms", "map first paint s",
                  "TFP first paint s", "ratio (lower is faster)", "TFP runs"], side) if side else [
        "No TF Playground build was given (`--tfp-dist`), so there is nothing to compare with."]
    out += ["", "## Medians", ""]
    head = ["epochs/s", "frames/s (per page)", "map frames/s", "TFP epochs/s", "gap p50 / p95 ms",
            "TFP gap p95 ms", "draw ms p50 / p95", "map first paint s", "full first paint s",
            "TFP first paint s", "Streamlit floor s",
            "Play -> moving ms", "remounted charts", "blank samples", "server CPU", "browser CPU",
            "TFP browser CPU", "other CPU"]

    def cells(name, rr):   # one row of `head`: medians of the runs rr
        fps = " / ".join(f"{f:.1f}" for f in rr[0]["per_page_fps"]) if len(rr) == 1 else med(rr, "fps")
        return [f"**{med(rr, 'eps')}**", fps, med(rr, "map_fps"), tfp(tfp_key(name), "eps"),
                both(rr, "gap50", "gap95"), tfp(tfp_key(name), "gap95", ".0f"),
                both(rr, "draw50", "draw95"), f"**{med(rr, 'paint_map', '.2f')}**",
                med(rr, "paint", ".2f"), tfp(tfp_key(name), "paint", ".2f"),
                med(rr, "floor", ".2f"), med(rr, "move", ".0f"), sum(r["removed"] for r in rr),
                f"{sum(r['blank'] for r in rr)} of {sum(r['samples'] for r in rr)}",
                *(f"{med(rr, k, '.0f')} %" for k in ("server", "browser")),
                tfp(tfp_key(name), "browser", ".0f") + " %",
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
            "The canvases (output map, network) paint before Plotly loads: canvas paint = the "
            "first rAF after __dnnLive.fullDraws > 0; Plotly ready = __dnnLive.times.plotly "
            "(plotly.min.js has run); with Plotly = __dnnLive.times.fullView (the views "
            "mounted again with axes, curves and hover, painted).", ""]
    out += table(["config", "first contentful paint", "Streamlit floor (script done)",
                  "player.js loaded", "map with real values", "canvas paint",
                  "plotly.min.js loaded", "Plotly ready", "with Plotly", "first full draw ms"],
                 [[name] + [med(rr, k, ".2f") for k in ("fcp", "floor", "player_end", "paint_map",
                                                         "paint", "plotly_end", "plotly",
                                                         "full_view")]
                  + [med(rr, "first_full_ms", ".0f")] for name, rr in s.items()])
    return "\n".join(out) + "\n"
