"""The container's health check: exit 0 when Streamlit answers /_stcore/health, else 1.

    python deploy/healthcheck.py [base URL]      # default http://127.0.0.1:8501

The slim image has no curl; this needs only the standard library. `wait_healthy` is the
same check in a loop, for whatever starts a server and must wait for it (deploy/lecture_hall.py,
the browser and deployment tests).
"""
import sys
import time
import urllib.request


def healthy(base_url, timeout=4.0):
    """True when `base_url`/_stcore/health answers 200 "ok" within `timeout` seconds."""
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/_stcore/health",
                                    timeout=timeout) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


def wait_healthy(base_url, proc, timeout=60.0):
    """Wait until `base_url` is healthy; raise if `proc` (a Popen: the server, or the load
    balancer in front of it) exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not healthy(base_url, timeout=1.0):
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with code {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing healthy at {base_url} within {timeout} s")
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(0 if healthy(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501") else 1)
