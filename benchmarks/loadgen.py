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
"""
import argparse
import asyncio
import json
import logging
import math
import os
import subprocess
import time
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

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


async def measure(url, pid, n, seconds, warmup, query):
    """Frames/s per session (played, received) and server CPU (% of a core) with n sessions."""
    sessions = [Session(url, query) for _ in range(n)]
    start = time.monotonic()
    runs = [asyncio.ensure_future(s.run(start + warmup + seconds)) for s in sessions]
    await asyncio.sleep(warmup)
    for s in sessions:
        s.counting = True
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    await asyncio.gather(*runs)
    elapsed, cpu = time.monotonic() - t0, cpu_seconds(pid) - cpu0
    memory = rss_mb(pid)
    played = [s.played / elapsed for s in sessions]
    received = [s.received / elapsed for s in sessions]
    frames = sum(s.received for s in sessions)
    return {"sessions": n, "played_min": min(played), "played_mean": sum(played) / n,
            "received_mean": sum(received) / n, "cpu_percent": 100 * cpu / elapsed,
            "cpu_ms_per_frame": 1000 * cpu / frames if frames else float("inf"),
            "rss_mb": memory}


def start_server(port):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.Popen(replica_command(port), cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{port}", proc)
    return proc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="1,2,4,8", help="comma list of N")
    parser.add_argument("--seconds", type=float, default=15, help="measured time per N")
    parser.add_argument("--warmup", type=float, default=4, help="unmeasured start per N")
    parser.add_argument("--query", default="", help="the link's settings, e.g. dataset=spiral")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    if max(counts) > MAX_SESSIONS or args.seconds + args.warmup > MAX_SECONDS:
        parser.error(f"at most {MAX_SESSIONS} sessions and {MAX_SECONDS} s per N")
    port = free_port()
    proc = start_server(port)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    print("| sessions | played frames/s per session (min / mean) | received frames/s | "
          "server CPU (% of a core) | server CPU per frame | students per core at 15 "
          "frames/s | server memory |\n|---|---|---|---|---|---|---|", flush=True)
    try:
        for n in counts:
            r = asyncio.run(measure(url, proc.pid, n, args.seconds, args.warmup, args.query))
            per_core = 1000 / (15 * r["cpu_ms_per_frame"])
            print(f"| {n} | {r['played_min']:.1f} / {r['played_mean']:.1f} | "
                  f"{r['received_mean']:.1f} | {r['cpu_percent']:.0f} | "
                  f"{r['cpu_ms_per_frame']:.1f} ms | {per_core:.0f} | {r['rss_mb']:.0f} MB |",
                  flush=True)
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
