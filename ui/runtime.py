"""Process-wide setup and the guard that keeps tracebacks off the page."""
import functools
import logging
import os

import streamlit as st

log = logging.getLogger("dnn_playground")


@functools.cache
def limit_blas_threads():
    """One BLAS thread for the whole server process (once). Multithreaded OpenBLAS made an
    8x8 matmul 80x slower on a 2-core box; on Community Cloud no environment variable can
    be set before start, so the limit is applied at run time."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; padding-bottom: 2rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
</style>"""


def page_style():
    """Less empty space above each page: the app is projected at 1280x720 in class."""
    st.html(PAGE_CSS)


def guarded(where):
    """Decorator: run a page part; an unexpected error becomes a short message in the app
    (the full traceback goes to the server log), and the session keeps its state."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # Streamlit's rerun/stop signals are BaseExceptions
                log.exception("error in %s", where)
                st.error(f"Something went wrong in {where}: {type(exc).__name__}: {exc}. "
                         "Your settings and network are kept; change a setting or press "
                         "Reset to go on.", icon=":material/error:")
        return run
    return wrap
