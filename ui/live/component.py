"""The live-chart component: engine snapshots -> one binary payload -> the browser player.

One keyed Custom Components v2 element (inline, no iframe) holds the whole live view. Its
inline JS is a small loader; assets/live/ (colors, decode, numbers, player, touch, views/*.js) and
plotly.min.js (from the installed plotly package) are served by two v1 asset routes, so
nothing comes from a CDN. The loader runs our small files at once, then starts downloading
Plotly and runs it after the player's first paint. The v1 route gzips Plotly's 4.8 MB on
every request in the server's event loop (0.4-1.1 s measured, holding back other traffic),
so an `st.App` also serves it from `PLOTLY_ROUTES`: compressed once per process at server
start (`serve_assets`, in a thread), then sent from memory; the loader asks for it with a
HEAD request first and takes the v1 route where it is missing (servers of plain scripts
answer unknown paths with their HTML page).

The routes exist from the first request of a fresh process: app.py is an `st.App` whose
lifespan (`serve_assets`) registers them at server start, before any script run, under any
--server.baseUrlPath. `live_view` declares them again in every run, for servers of plain
scripts (the browser tests' apps).

The browser pulls: while `running`, it triggers "more" (n frames) when its queue runs low,
which reruns only the caller's fragment. `ui.playground.live_panel` is the real use: a
fragment that trains the frames asked for (`requested_frames`), packs their snapshots
(`payload.frame_from_snapshot`, `payload.meta_from_snapshot`) and calls `live_view` with
them.
"""
import asyncio
import gzip
import hashlib
from contextlib import asynccontextmanager
from pathlib import Path

import plotly
import streamlit as st
import streamlit.components.v1 as components_v1
from streamlit import config
from streamlit.components.v1.custom_component import CustomComponent
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ui import keys
from ui.live.payload import VIEWS, history_rows, pack, points_payload

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "live"
PLOTLY_DATA = Path(plotly.__file__).parent / "package_data"
PLOTLY_VERSION = plotly.__version__
VIEW_FILES = tuple(name for name, _ in VIEWS)                   # missing files are skipped
OTHER_VIEWS = ("lanes",)        # views other payloads name: the Compare page's (ui/compare)
ROUTES = {"dnn_live_assets": ASSETS, "plotly_assets": PLOTLY_DATA}   # v1 name -> folder
PLOTLY_PATH = "dnn-live/plotly.min.js"      # the st.App route, under the app's base URL


# ---- the component -------------------------------------------------------------------
def _versioned(path):
    """`path` relative to ASSETS with a content hash, so browsers never run stale files."""
    digest = hashlib.blake2b(path.read_bytes(), digest_size=4).hexdigest()
    return f"{path.relative_to(ASSETS).as_posix()}?v={digest}"


def _route(name):
    """The registry name `declare_component(name)` gives a route declared in this module."""
    return f"{__name__}.{name}"


def _declare_routes():
    """The two v1 asset routes: our assets folder and plotly's package_data.
    `declare_component` registers only during a script run (a dict update when known)."""
    return tuple(components_v1.declare_component(name, path=str(path))
                 for name, path in ROUTES.items())


@asynccontextmanager
async def serve_assets(_app):
    """`st.App` lifespan: register the asset routes under the names `_declare_routes`
    gives them, at server start, so they answer before any page has run."""
    from streamlit.runtime import get_instance

    registry = get_instance().component_registry
    for name, path in ROUTES.items():
        registry.register_component(CustomComponent(name=_route(name), path=str(path)))
    _GZIPPED["task"] = asyncio.ensure_future(asyncio.to_thread(_gzip_plotly))
    yield


# ---- Plotly, compressed once -----------------------------------------------------------
_GZIPPED = {}


def _gzip_plotly():
    """plotly.min.js gzipped (level 6: 1.5 MB, about 0.3 s, once per process)."""
    if "body" not in _GZIPPED:
        _GZIPPED["body"] = gzip.compress((PLOTLY_DATA / "plotly.min.js").read_bytes(), 6,
                                         mtime=0)
    return _GZIPPED["body"]


async def _plotly(request):
    """plotly.min.js, pre-compressed when the browser takes gzip (the gzip middleware
    leaves a response that has a Content-Encoding alone); cached for a year (the URL
    carries plotly's version)."""
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return FileResponse(PLOTLY_DATA / "plotly.min.js", headers=headers,
                            media_type="text/javascript")
    task = _GZIPPED.get("task")
    body = await task if task else await asyncio.to_thread(_gzip_plotly)
    return Response(body, media_type="text/javascript",
                    headers={**headers, "Content-Encoding": "gzip"})


def plotly_routes():
    """The `st.App(routes=...)` entry for the pre-compressed Plotly (see the docstring)."""
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return [Route(f"/{base}/{PLOTLY_PATH}" if base else f"/{PLOTLY_PATH}", _plotly)]


def asset_urls():
    """Asset URLs relative to the app's base URL (the loader prepends it), files in load
    order: {"plotly": url, "css": url, "files": "url,url,..."}."""
    files = [*(ASSETS / f for f in ("colors.js", "decode.js", "numbers.js", "player.js",
                                     "touch.js")),
             *(ASSETS / "views" / f"{v}.js" for v in (*VIEW_FILES, *OTHER_VIEWS))]
    base = f"component/{_route('dnn_live_assets')}/"
    return {"plotly": f"{PLOTLY_PATH}?v={PLOTLY_VERSION}",
            "plotlyV1": f"component/{_route('plotly_assets')}/plotly.min.js?v={PLOTLY_VERSION}",
            "css": base + _versioned(ASSETS / "live.css"),
            "files": ",".join(base + _versioned(f) for f in files if f.exists())}


LOADER = """export default function (c) {
  const W = window, root = c.parentElement, host = root.querySelector(".dnn-live");
  if (!W.__dnnLiveBoot) {
    const s = document.querySelector('script[src*="/static/js/index."]');
    const base = s ? s.src.replace(/static\\/js\\/index\\.[^/]*$/, "") : document.baseURI;
    const d = host.dataset, head = document.head;
    const tag = (name, props) => head.appendChild(Object.assign(document.createElement(name),
      props));
    const add = (src) => new Promise((ok, fail) => tag("script", { src: base + src, async: false,
      onload: ok, onerror: () => fail(new Error("live view: cannot load " + src)) }));
    tag("link", { rel: "stylesheet", href: base + d.css });
    const pick = fetch(base + d.plotly, { method: "HEAD" }).then((r) => r.ok &&
      /javascript/.test(r.headers.get("content-type")) ? d.plotly : d.plotlyV1, () => d.plotlyV1);
    (W.DNNLive = W.DNNLive || {}).loadPlotly = () => pick.then(add);
    W.__dnnLiveBoot = Promise.all(d.files.split(",").map(add));
    W.__dnnLiveBoot.then(() => pick).then((src) => tag("link", { rel: "preload",
      as: "script", href: base + src }));
  }
  W.__dnnLiveBoot.then(() => W.DNNLive.render(c), (e) => { host.textContent = e.message; });
  return () => W.DNNLive && W.DNNLive.cleanup(root);
}
"""


def _register():
    """The v2 component; its host element carries the asset URLs for the loader."""
    urls = asset_urls()
    html = ('<div class="dnn-live" data-plotly="{plotly}" data-plotly-v1="{plotlyV1}" '
            'data-css="{css}" data-files="{files}"></div>').format(**urls)
    return st.components.v2.component("dnn_live", html=html, css=".dnn-live{min-height:40px}",
                                      js=LOADER, isolate_styles=False)


_COMPONENT = _register()


def requested_frames(key="live"):
    """How many frames the browser asked for in the "more" trigger of this rerun (0: none)."""
    value = (st.session_state.get(key) or {}).get("more")
    return int(value) if isinstance(value, (int, float)) and value > 0 else 0


def clicked(key="live"):
    """The output-map click of this rerun ({x, y, shift, remove}, input-plane units) sent
    while `settings["draw"]` is on, or None."""
    value = (st.session_state.get(key) or {}).get("click")
    return value if isinstance(value, dict) and {"x", "y"} <= value.keys() else None


def edited(key="live"):
    """The diagram's edit event of this rerun (a dict with "op", see ui/edit.py), or None."""
    value = (st.session_state.get(key) or {}).get("edit")
    return value if isinstance(value, dict) and "op" in value else None


def live_view(frames, *, meta, points=None, running=False, settings=None, key="live",
              on_more=None, on_need_meta=None, on_click=None, height="content"):
    """Mount the live view with `frames` (from `frame_from_snapshot`, oldest first).

    `meta` (from `meta_from_snapshot`) and `points` (`Trainer.points()`) are sent only when
    their version changes or the browser asks ("need_meta", e.g. after a remount); the cost
    history goes as the engine's stored rows after the last sent epoch, or whole on a
    change, a reset or when the engine thinned its rows (its `stride` changed).
    `settings`: showTest, discretize, logScale, draw (clicks on the output map send a
    "click" trigger, see `clicked`); the diagram's edits send an "edit" trigger (`edited`).
    Returns the ComponentResult (more, need_meta, click, edit).
    """
    sent = st.session_state.setdefault(keys.LIVE_SENT + key, {"meta": None, "points": None,
                                                               "epoch": None, "stride": None})
    resend = bool((st.session_state.get(key) or {}).get("need_meta"))
    pts = points_payload(points) if points is not None else None
    new_meta = resend or sent["meta"] != meta["version"]
    new_points = pts is not None and (resend or sent["points"] != pts["version"])
    hist = frames[-1]["history"]
    last = float(hist["epoch"][-1]) if len(hist["epoch"]) else None
    after = sent["epoch"]
    if (new_meta or new_points or after is None or last is None or last < after
            or sent.get("stride") != hist.get("stride")):    # reset, or the engine thinned
        after = None
    rows = history_rows(hist, after)
    payload = pack(frames, meta if new_meta else None, pts if new_points else None,
                   meta_version=meta["version"], points_version=pts and pts["version"],
                   history=rows, history_after=after,
                   running=running, settings=settings, answered=requested_frames(key))
    result = mount(payload, key=key, height=height, on_more=on_more,
                   on_need_meta=on_need_meta, on_click=on_click)
    sent_to = float(rows["epoch"][-1]) if len(rows["epoch"]) else after
    sent.update(meta=meta["version"], points=pts["version"] if pts else sent["points"],
                epoch=sent_to, stride=hist.get("stride"))
    return result


def mount(payload, *, key, height="content", on_more=None, on_need_meta=None, on_click=None):
    """Mount live element `key` with a packed payload (`pack`): `live_view`'s last step,
    and the whole of it for a view with its own frames (the Compare page's lanes)."""
    _declare_routes()
    return _COMPONENT(key=key, data=payload, height=height,
                      on_more_change=on_more or _ignore,
                      on_need_meta_change=on_need_meta or _ignore,
                      on_click_change=on_click or _ignore,
                      on_edit_change=_ignore)


def _ignore():
    """Triggers only exist for events that have a callback; the fragment rerun is the point."""
