"""First paint of the Playground, step by step, for one or more checkouts side by side.

    python -m benchmarks.first_paint --runs 3 [--repo /path/to/other/checkout ...]

Starts `streamlit run app.py` of each checkout (this one by default; loopback, free port,
one BLAS thread), then for each run and each checkout in turn (interleaved, so a busy
machine slows both alike) opens the Playground in a fresh headless Chromium (Debian's
/usr/bin/chromium, new profile) and records, in ms since navigation start:
  script   Streamlit's script done (stApp's script state `notRunning` after `running`)
  player   player.js received (resource timing, responseEnd)
  plotly   plotly.min.js received (resource timing) and `parsed`: window.Plotly defined
  canvas   the first frame drawn by the player (its counters), i.e. the output map and
           network canvases with the engine's values
  full     the whole view: the cost chart's Plotly plot and the output map's points drawn
Then it presses Play for 3 s and reports the median ms the player spent per drawn frame
(its own `drawMs` counter). The first visit after each server start is reported apart
("cold"); the others are on a warm server. Numbers from a shared machine are inflated:
compare checkouts within one sitting only.
"""
import argparse
import os
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.chromium import launch
from deploy.lecture_hall import free_port, replica_command

HERE = Path(__file__).resolve().parents[1]
PROBE = """(() => {
  const T = (window.__fp = {});
  const at = () => performance.now();
  let running = false;
  const poll = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute("data-test-script-state");
    if (state === "running") running = true;
    if (T.script === undefined && running && state === "notRunning") T.script = at();
    if (T.parsed === undefined && window.Plotly) T.parsed = at();
    const L = window.__dnnLive;
    if (T.canvas === undefined && L && L.framesDrawn + L.fullDraws > 0) T.canvas = at();
    if (T.full === undefined && document.querySelector('[data-view="cost"] .js-plotly-plot')
        && document.querySelector('[data-view="output"] .scatterlayer .trace')) T.full = at();
    if (T.full === undefined) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();"""
STEPS = ("script", "player", "plotly", "parsed", "canvas", "full")


def start(repo):
    port = free_port()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(repo))
    proc = subprocess.Popen(replica_command(port), cwd=repo, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{repo}: the server did not start")


def measure(pw, url):
    """One visit in a fresh browser: the steps (ms) and the player's median ms per frame."""
    browser = launch(pw)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(PROBE)
        page.goto(url)
        page.wait_for_function("window.__fp.full !== undefined", timeout=120_000)
        steps = page.evaluate("""() => {
            const got = Object.assign({}, window.__fp);
            for (const e of performance.getEntriesByType('resource')) {
              if (e.name.includes('/player.js')) got.player = e.responseEnd;
              if (e.name.includes('/plotly.min.js')) got.plotly = e.responseEnd;
            }
            return got; }""")
        page.get_by_role("button", name="Play").click()
        page.wait_for_timeout(3000)
        draw = page.evaluate("window.__dnnLive.drawMs.slice()")
        page.get_by_role("button", name="Pause").click()
        return steps, statistics.median(draw) if draw else float("nan")
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", action="append", default=[], help="another checkout")
    args = parser.parse_args()
    repos = [HERE, *map(Path, args.repo)]
    servers = [start(repo) for repo in repos]
    results = {repo: [] for repo in repos}
    try:
        with sync_playwright() as pw:
            for run in range(args.runs + 1):              # run 0: first visit, cold server
                for repo, (_, url) in zip(repos, servers):
                    results[repo].append(measure(pw, url))
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(10)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; ms since navigation start")
    print("| checkout | visit | " + " | ".join(STEPS) + " | player ms/frame |")
    print("|---|---|" + "---|" * (len(STEPS) + 1))
    for repo in repos:
        for k, (steps, ms) in enumerate(results[repo]):
            cells = " | ".join(f"{steps.get(s, float('nan')):.0f}" for s in STEPS)
            print(f"| {repo} | {'cold' if k == 0 else f'warm {k}'} | {cells} | {ms:.2f} |")


if __name__ == "__main__":
    main()
