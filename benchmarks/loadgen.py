"""Capacity: how many live students one server process serves, measured without a browser.

    python -m benchmarks.loadgen --sessions 1,2,4,8,16 --seconds 20   # make bench-capacity

Starts `streamlit run app.py` on a free loopback port (one BLAS thread) and, for each N,
opens N sessions over Streamlit's own WebSocket protocol (`/_stcore/stream`, the installed
`streamlit.proto` BackMsg/ForwardMsg), presses Play in each, and pulls frames as the browser's
player (assets/live/player.js) does: it plays the queue at up to 60 frames/s and, while the
queue holds at most two round trips of frames, asks for more with the live view's trigger,
`setTriggerValue("more", n)`, which the frontend sends as a fragment rerun whose widget state
`$$STREAMLIT_INTERNAL_KEY_<component id>__events` carries `[{"event": "more", "value": n}]`
as JSON, one request outstanding. It reports per-session frames/s (played, and received from
the server), the server's CPU (user + system time of its process, % of one core), the CPU
time it spends per frame, its resident memory, and so how many sessions one fully used core
keeps at 15 frames/s (1 s / (15 x CPU per frame); the GIL binds a process to about a core).
Bounded: at most 64 sessions and 120 s per N; loopback only.

    python -m benchmarks.loadgen --sessions 1,3 --servers app,plain --rounds 3 --stages

`--servers` A/B: "app" is app.py as it ships (an `st.App`, served by uvicorn/Starlette with
its lifespan and Plotly route); "plain" runs the same router as a plain script without the
`st.App` (a scratch folder holding a two-line script and a link to app_pages/), which
Streamlit 1.67 serves through the same uvicorn/Starlette server (it has no Tornado any
more); "app@FOLDER" is another checkout (e.g. the code before a change). The servers run
side by side and are measured in turn (A then B, then B then A, round after round), so their
ratio holds even when other work loads the machine. `--stages` starts each server under
benchmarks/stages.py and reports each stage of the live fragment, the event loop (the
server's main thread) and the rest of the process, in microseconds of CPU per frame.
"""
import argparse
import asyncio
import json
import logging
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from benchmarks.stages import SCRIPT_RUN
from deploy.lecture_hall import free_port, replica_command, wait_healthy
# Importing the live view's module outside a script run makes Streamlit warn; harmless here.
logging.disable(logging.WARNING)
from ui.live.payload import unpack  # noqa: E402

logging.disable(logging.NOTSET)

REPO = Path(__file__).resolve().parents[1]
FPS_CAP, MAX_ASK, MAX_STRETCH = 60, 32, 3        # player.js's pacing constants
FRAME_S = 1 / FPS_CAP
TRIGGER_PREFIX = "$$STREAMLIT_INTERNAL_KEY_"    # streamlit.runtime.state.session_state
MAX_SESSIONS, MAX_SECONDS = 64, 120


class Session:
    """One student's page: a WebSocket session that plays the live view like player.js."""

    def __init__(self, url, query):
        self.url, self.query = url, query
        self.queue = self.played = self.received = 0
        self.rtt, self.low, self.asked = 0.08, 4, None
        self.play = self.live = None           # (widget id, fragment id)
        self.counting = False

    async def rerun(self, ws, widgets=(), fragment=""):
        msg = BackMsg(rerun_script=ClientState(query_string=self.query, widget_states={
            "widgets": list(widgets)}, fragment_id=fragment))
        await ws.send(msg.SerializeToString())

    def read(self, data):
        """Note the Play button and the live view; count the frames of each payload."""
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") != "delta" or not msg.delta.HasField("new_element"):
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "button" and element.button.label == "Play":
            self.play = (element.button.id, msg.delta.fragment_id)
        elif kind == "bidi_component" and element.bidi_component.component_name.endswith(
                "dnn_live"):
            live = element.bidi_component
            self.live = (live.id, msg.delta.fragment_id)
            frames = len(unpack(live.bytes)["frames"])
            if self.asked is not None:
                self.rtt = 0.7 * self.rtt + 0.3 * (time.monotonic() - self.asked)
                self.asked = None
            self.queue += frames
            self.received += frames * self.counting

    async def run(self, until):
        async with connect(self.url, subprotocols=["streamlit"], max_size=None) as ws:
            reader = asyncio.ensure_future(self._read_all(ws))
            try:
                await self.rerun(ws)
                while self.play is None or self.live is None:
                    if time.monotonic() > until:
                        raise RuntimeError("no Play button or live view on the page")
                    await asyncio.sleep(0.05)
                await self.rerun(ws, [WidgetState(id=self.play[0], trigger_value=True)],
                                 self.play[1])
                await self._play(ws, until)
            finally:
                reader.cancel()

    async def _read_all(self, ws):
        async for data in ws:
            self.read(data)

    async def _play(self, ws, until):
        next_draw = time.monotonic()
        while time.monotonic() < until:
            now = time.monotonic()
            if self.queue and now >= next_draw - 0.004:
                self.queue -= 1
                self.played += self.counting
                stretch = 1 if self.queue >= self.low else \
                    1 + (MAX_STRETCH - 1) * (self.low - self.queue) / self.low
                next_draw = max(next_draw, now - FRAME_S) + FRAME_S * stretch
            self.low = math.ceil(self.rtt / FRAME_S) + 2
            if self.queue <= 2 * self.low and self.asked is None:
                self.asked = now
                n = min(MAX_ASK, max(4, 2 * self.low))
                trigger = WidgetState(id=f"{TRIGGER_PREFIX}{self.live[0]}__events",
                                      json_trigger_value=json.dumps([{"event": "more",
                                                                      "value": n}]))
                await self.rerun(ws, [trigger], self.live[1])
            await asyncio.sleep(FRAME_S / 2)


def rss_mb(pid):
    """Resident memory of process `pid`, in MB (Linux /proc)."""
    line = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines()
                if l.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cpu_seconds(pid):
    """User + system CPU time of process `pid`, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(url, pid, n, seconds, warmup, query, stages_file=None):
    """Frames/s per session (played, received) and server CPU (% of a core) with n sessions;
    with `stages_file` (a server under benchmarks/stages.py) also "stages": {stage: CPU
    seconds, calls) in the measured window}, and "frames" received in it."""
    sessions = [Session(url, query) for _ in range(n)]
    start = time.monotonic()
    runs = [asyncio.ensure_future(s.run(start + warmup + seconds)) for s in sessions]
    await asyncio.sleep(warmup)
    for s in sessions:
        s.counting = True
    stages0 = await read_stages(pid, stages_file) if stages_file else {}
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    await asyncio.gather(*runs)
    elapsed, cpu = time.monotonic() - t0, cpu_seconds(pid) - cpu0
    stages1 = await read_stages(pid, stages_file) if stages_file else {}
    memory = rss_mb(pid)
    played = [s.played / elapsed for s in sessions]
    received = [s.received / elapsed for s in sessions]
    frames = sum(s.received for s in sessions)
    spent = {name: (t - stages0.get(name, (0, 0))[0], calls - stages0.get(name, (0, 0))[1])
             for name, (t, calls) in stages1.items()}
    return {"sessions": n, "played_min": min(played), "played_mean": sum(played) / n,
            "received_mean": sum(received) / n, "cpu_percent": 100 * cpu / elapsed,
            "cpu_ms_per_frame": 1000 * cpu / frames if frames else float("inf"),
            "rss_mb": memory, "frames": frames, "cpu_s": cpu, "stages": spent}


async def read_stages(pid, path):
    """The stage totals of a server under benchmarks/stages.py (it writes them on SIGUSR1)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    for _ in range(200):
        if path.exists():
            return json.loads(path.read_text())
        await asyncio.sleep(0.01)
    raise RuntimeError("the server did not write its stage totals")


PLAIN_SCRIPT = """# app.py's router as a plain script, without its st.App (benchmarks/loadgen.py).
import runpy

runpy.run_path({app!r}, run_name="__main__")
"""


def plain_script(repo=REPO, scratch=None):
    """A new folder (in `scratch`, default the system's) with a plain script running `repo`'s
    app.py router and a link to its app_pages/ (Streamlit finds pages beside the main
    script); returns the script's path."""
    folder = Path(tempfile.mkdtemp(prefix="dnn-plain-", dir=scratch))
    (folder / "app_pages").symlink_to(Path(repo) / "app_pages")
    script = folder / "plain_app.py"
    script.write_text(PLAIN_SCRIPT.format(app=str(Path(repo) / "app.py")))
    return script


def start_server(port, kind="app", stages_file=None, repo=REPO, scratch=None):
    """`streamlit run` of app.py ("app") or of `plain_script()` ("plain") in `repo` (another
    checkout, e.g. the code before a change) on `port`, with one BLAS thread; under this
    folder's benchmarks/stages.py when `stages_file` is given."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = replica_command(port)
    if kind == "plain":
        command[command.index("app.py")] = str(plain_script(repo, scratch))
    if stages_file:
        command[1:3] = [str(REPO / "benchmarks" / "stages.py")]
        env["DNN_STAGES_FILE"] = str(stages_file)
    proc = subprocess.Popen(command, cwd=repo, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{port}", proc)
    return proc


def stage_table(results, kinds):
    """Markdown: each stage's CPU per frame (microseconds) per server, over all rounds, and
    the frames each script run sent."""
    names = []
    for r in results:
        names += [name for name in r["stages"] if name not in names]
    names.sort(key=lambda name: name == SCRIPT_RUN)
    rest, total = "other threads", "total (process CPU)"
    cols = {}
    for kind in kinds:
        mine = [r for r in results if r["kind"] == kind]
        frames = sum(r["frames"] for r in mine) or 1
        per = {name: sum(r["stages"].get(name, (0, 0))[0] for r in mine) for name in names}
        per[rest] = sum(r["cpu_s"] for r in mine) - sum(per.values())
        per[total] = sum(r["cpu_s"] for r in mine)
        cols[kind] = {name: f"{1e6 * t / frames:.0f}" for name, t in per.items()}
        runs = sum(r["stages"].get(SCRIPT_RUN, (0, 0))[1] for r in mine)
        cols[kind]["frames per script run"] = f"{frames / runs:.1f}" if runs else "-"
    rows = [*names, rest, total, "frames per script run"]
    lines = ["| stage | " + " | ".join(f"{k}: us per frame" for k in kinds) + " |",
             "|---|" + "---|" * len(kinds)]
    lines += [f"| {name} | " + " | ".join(cols[k][name] for k in kinds) + " |" for name in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="1,2,4,8", help="comma list of N")
    parser.add_argument("--seconds", type=float, default=15, help="measured time per N")
    parser.add_argument("--warmup", type=float, default=4, help="unmeasured start per N")
    parser.add_argument("--query", default="", help="the link's settings, e.g. dataset=spiral")
    parser.add_argument("--servers", default="app",
                        help="comma list of app, plain (A/B); app@FOLDER: another checkout")
    parser.add_argument("--rounds", type=int, default=1, help="times each N is measured")
    parser.add_argument("--stages", action="store_true",
                        help="CPU per stage of the live fragment (benchmarks/stages.py)")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    kinds = args.servers.split(",")
    if max(counts) > MAX_SESSIONS or args.seconds + args.warmup > MAX_SECONDS:
        parser.error(f"at most {MAX_SESSIONS} sessions and {MAX_SECONDS} s per N")
    if {k.partition("@")[0] for k in kinds} - {"app", "plain"}:
        parser.error("--servers takes app and plain, each with an optional @FOLDER")
    scratch = Path(tempfile.mkdtemp(prefix="dnn-loadgen-"))
    servers = {}
    print("| round | server | sessions | played frames/s per session (min / mean) | received "
          "frames/s | server CPU (% of a core) | server CPU per frame | students per core at "
          "15 frames/s | server memory |\n|---|---|---|---|---|---|---|---|---|", flush=True)
    results = []
    try:
        for i, kind in enumerate(kinds):
            port = free_port()
            stages_file = scratch / f"{i}.json" if args.stages else None
            name, _, folder = kind.partition("@")
            servers[kind] = (port, start_server(port, name, stages_file, folder or REPO,
                                                scratch), stages_file)
        for round_ in range(1, args.rounds + 1):
            for n in counts:
                for kind in kinds if round_ % 2 else kinds[::-1]:    # A B, then B A
                    port, proc, stages_file = servers[kind]
                    r = asyncio.run(measure(f"ws://127.0.0.1:{port}/_stcore/stream", proc.pid,
                                            n, args.seconds, args.warmup, args.query,
                                            stages_file))
                    results.append(dict(r, kind=kind))
                    per_core = 1000 / (15 * r["cpu_ms_per_frame"])
                    print(f"| {round_} | {kind} | {n} | {r['played_min']:.1f} / "
                          f"{r['played_mean']:.1f} | {r['received_mean']:.1f} | "
                          f"{r['cpu_percent']:.0f} | {r['cpu_ms_per_frame']:.2f} ms | "
                          f"{per_core:.0f} | {r['rss_mb']:.0f} MB |", flush=True)
        if args.stages:
            for n in counts:
                print(f"\nCPU per frame by stage, {n} session(s), all rounds:\n")
                print(stage_table([r for r in results if r["sessions"] == n], kinds))
    finally:
        for _, proc, _ in servers.values():
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
