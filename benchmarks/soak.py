"""Memory soak: the server's RSS while sessions open, train hard, pause and close.

    python -m benchmarks.soak                  # about 3 minutes (make soak)
    python -m benchmarks.soak --minutes 10 --parallel 2 --out benchmarks/soak_results.md

Starts `streamlit run app.py` on a free loopback port (one BLAS thread, closed sessions
dropped after --ttl seconds instead of 120), then repeats a cycle until --minutes are up:
open a fresh Chromium context on the biggest network (8 x 32 neurons, all seven inputs,
2,000 points, speed "max"), press Play, train for --train seconds, press Pause, close the
tab. --parallel sessions run each cycle side by side. A warm-up session on the default page
comes first, so the floor (the app's modules loaded) is measured too; after the last cycle
it waits for the closed sessions to be released (the TTL plus --idle seconds, more than
twice ui.memory's period) and reads RSS again.
RSS (VmRSS of the server process) is sampled every --every seconds and printed as a table
of elapsed time, RSS and what was happening; --out appends that table to a markdown file.
Only loopback is contacted; the server and the browser are stopped at the end.
"""
import argparse
import datetime
import os
import platform
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.chromium import launch
from deploy.lecture_hall import free_port, replica_command

REPO = Path(__file__).resolve().parents[1]
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EPOCH = '[data-testid="live-epoch"]'
BIGGEST = ("?dataset=spiral&n=2000&layers=32,32,32,32,32,32,32,32&activation=tanh"
           "&features=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&speed=max")


def rss_mb(pid):
    """Resident set size of process `pid` in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def start_server(port, ttl, log):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        replica_command(port) + ["--server.disconnectedSessionTTL", str(ttl)], cwd=REPO, env=env,
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("streamlit did not start within 60 s")


class Recorder:
    """RSS samples: (seconds since start, MB, what was happening)."""

    def __init__(self, pid):
        self.pid, self.t0, self.rows = pid, time.monotonic(), []

    def sample(self, what):
        self.rows.append((time.monotonic() - self.t0, rss_mb(self.pid), what))
        t, mb, _ = self.rows[-1]
        print(f"{t:7.1f} s  {mb:7.1f} MB  {what}", flush=True)

    def wait(self, seconds, every, what, page=None):
        """Sample every `every` seconds for `seconds` (Playwright's own wait while a page
        is open, so its event loop keeps the session alive)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pause = min(every, end - time.monotonic())
            if page is not None:
                page.wait_for_timeout(pause * 1000)
            else:
                time.sleep(pause)
            self.sample(what)


def open_session(browser, url, query=BIGGEST, play=True):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url + "/" + query)
    page.wait_for_selector(APP_READY, timeout=120_000)
    page.wait_for_function("window.__dnnLive && window.__dnnLive.fullDraws > 0",
                           timeout=120_000)
    if play:
        page.get_by_role("button", name="Play").click()
    return context, page


def epoch(page):
    return int(page.inner_text(EPOCH).replace(",", ""))


def soak(args):
    port = free_port()
    log_path = Path(args.log)
    with open(log_path, "w") as log, sync_playwright() as pw:
        proc, url = start_server(port, args.ttl, log)
        rec = Recorder(proc.pid)
        browser = launch(pw)
        try:
            rec.sample("server started, no session")
            context, page = open_session(browser, url, query="", play=False)
            rec.sample("warm-up: the default page open (the app's modules loaded)")
            context.close()
            rec.wait(2 * args.every, args.every, "warm-up tab closed")
            end = time.monotonic() + args.minutes * 60
            cycle, epochs = 0, []
            while time.monotonic() < end:
                cycle += 1
                sessions = [open_session(browser, url) for _ in range(args.parallel)]
                rec.sample(f"cycle {cycle}: {args.parallel} session(s) playing")
                rec.wait(args.train, args.every, f"cycle {cycle}: training", sessions[0][1])
                for _, page in sessions:
                    epochs.append(epoch(page))
                    page.get_by_role("button", name="Pause").click()
                    page.get_by_role("button", name="Play").wait_for(timeout=30_000)
                rec.wait(min(args.every, 3), args.every, f"cycle {cycle}: paused", sessions[0][1])
                for context, _ in sessions:
                    context.close()
                rec.sample(f"cycle {cycle}: tabs closed")
            rec.wait(args.ttl + args.idle, args.every, "all tabs closed, waiting for the TTL")
            rec.sample("end: every session dropped")
        finally:
            browser.close()
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return rec.rows, epochs


def markdown(rows, epochs, args):
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    peak = max(mb for _, mb, _ in rows)
    floor = [mb for _, mb, what in rows if what == "warm-up tab closed"][-1]
    lines = [
        f"### {args.label or 'soak'}: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"{cpu}, {os.cpu_count()} cores (shared), Python {platform.python_version()}; "
        f"{args.minutes:g} min of cycles: {args.parallel} session(s) open, Play at speed max "
        f"on 8 x 32 tanh, 7 inputs, 2,000 points for {args.train:g} s, Pause, close; "
        f"disconnectedSessionTTL {args.ttl} s. Epochs reached per session: "
        f"{', '.join(f'{e:,}' for e in epochs)}.",
        "",
        f"Server alone {rows[0][1]:.0f} MB; app loaded (warm-up tab closed) {floor:.0f} MB; peak "
        f"{peak:.0f} MB; end, every session dropped {rows[-1][1]:.0f} MB.",
        "",
        "| time (s) | RSS (MB) | |",
        "|---:|---:|---|",
        *(f"| {t:.0f} | {mb:.0f} | {what} |" for t, mb, what in rows),
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="cycles for this long")
    parser.add_argument("--train", type=float, default=40.0, help="seconds of Play per cycle")
    parser.add_argument("--parallel", type=int, default=1, help="sessions per cycle")
    parser.add_argument("--ttl", type=int, default=10, help="disconnectedSessionTTL (s)")
    parser.add_argument("--idle", type=float, default=45.0, help="seconds idle after the TTL")
    parser.add_argument("--every", type=float, default=5.0, help="sampling period (s)")
    parser.add_argument("--label", default="", help="heading of the results")
    parser.add_argument("--out", help="append the markdown table to this file")
    parser.add_argument("--log", default="/tmp/dnn_soak_server.log", help="server log file")
    args = parser.parse_args(argv)
    rows, epochs = soak(args)
    text = markdown(rows, epochs, args)
    print("\n" + text)
    if args.out:
        with open(args.out, "a") as out:
            out.write("\n" + text)


if __name__ == "__main__":
    main()
