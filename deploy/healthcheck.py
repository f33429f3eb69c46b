"""The container's health check: exit 0 when Streamlit answers /_stcore/health, else 1.

    python deploy/healthcheck.py [base URL]      # default http://127.0.0.1:8501

The slim image has no curl; this needs only the standard library.
"""
import sys
import urllib.request


def healthy(base_url):
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/_stcore/health", timeout=4) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(0 if healthy(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501") else 1)
