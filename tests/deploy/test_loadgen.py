"""benchmarks/loadgen.py still speaks the app's protocol: two sessions over Streamlit's
WebSocket press Play, pull frames with the live view's "more" trigger, and receive them
(counts only; the frame rates are measured on a quiet machine, never asserted)."""
import asyncio

import pytest

from benchmarks import loadgen
from conftest import free_port

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]


def test_sessions_press_play_and_receive_frames():
    port = free_port()
    server = loadgen.start_server(port)
    try:
        result = asyncio.run(loadgen.measure(f"ws://127.0.0.1:{port}/_stcore/stream",
                                             server.pid, 2, seconds=3, warmup=2, query=""))
    finally:
        server.terminate()
        server.wait(10)
    assert result["sessions"] == 2
    # Counting starts after the warm-up, past the batch Play sends: these frames were pulled.
    assert result["played_min"] > 0 and result["received_mean"] > 0
    assert result["cpu_percent"] > 0
