"""Memory the server gives back: a session's memory leaves the process when it ends.

Measured (benchmarks/soak.py, 8 x 32 neurons, 2,000 points, speed max): the server stayed
90 MB above its floor after every tab had closed. Two holders:
- Streamlit 1.67 keeps a closed tab's session for reconnection in a TTL cache
  (`server.disconnectedSessionTTL`) that only drops expired entries on its next write, and
  never shuts them down: the last closed sessions, their state and our Trainer, stay.
- glibc's malloc keeps freed pages: each rerun runs in a new thread, threads get their own
  arenas (up to 8 per core), and an arena returns pages only from the top of its heap.

    watch_session()  on every run: remember this session's state
    keep_bounded()   once per process: at most ARENAS malloc arenas, and a daemon thread
                     that every TRIM_SECONDS empties the state of each watched session that
                     has been disconnected longer than the TTL (it can no longer resume),
                     collects garbage if it emptied one (a full collection, 0.1-0.8 s on
                     the shared 2-core machine, only then), then calls malloc_trim(0)
                     (0.1 ms when there is nothing to return, 30-80 ms after the biggest
                     network; ctypes releases the GIL meanwhile)

Off glibc (macOS, musl) the arena limit and the trim are skipped.
"""
import ctypes
import ctypes.util
import functools
import gc
import threading
import time

from streamlit import config, runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

ARENAS = 2
TRIM_SECONDS = 15.0
_M_ARENA_MAX = -8          # mallopt parameter number, glibc's malloc.h
_watched = {}              # session id -> [its SafeSessionState, disconnected since or None]
_lock = threading.Lock()


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def trim():
    """Give the free heap pages of every arena back to the system; False off glibc."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def watch_session():
    """Remember the running session's state, so it can be emptied once the session ended."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _lock:
            _watched[ctx.session_id] = [ctx.session_state, None]


def release_ended_sessions(now=None, is_active=None):
    """Empty the state of every watched session disconnected for longer than
    `server.disconnectedSessionTTL` (Streamlit no longer resumes it) and forget it.
    `is_active(session_id)` defaults to the server's own answer; without a server (AppTest)
    nothing is judged. Returns how many sessions were emptied."""
    if is_active is None:
        if not runtime.exists():
            return 0
        is_active = runtime.get_instance().is_active_session
    now = time.monotonic() if now is None else now
    ttl = float(config.get_option("server.disconnectedSessionTTL"))
    ended = []
    with _lock:
        for session_id, entry in list(_watched.items()):
            if is_active(session_id):
                entry[1] = None
            elif entry[1] is None:
                entry[1] = now
            elif now - entry[1] > ttl:
                ended.append(_watched.pop(session_id)[0])
    for state in ended:
        for key in list(state.filtered_state):
            try:
                del state[key]
            except KeyError:      # a widget's key whose value was never set
                pass
    return len(ended)


def _trim_forever():
    while True:
        time.sleep(TRIM_SECONDS)
        if release_ended_sessions():
            gc.collect()  # a Trainer is a reference cycle: an idle server never collects it
        trim()


@functools.cache
def keep_bounded():
    """Limit malloc arenas and start the trimming thread (once); False off glibc."""
    libc = _libc()
    if libc is None:
        return False
    libc.mallopt(_M_ARENA_MAX, ARENAS)
    threading.Thread(target=_trim_forever, name="malloc-trim", daemon=True).start()
    return True
