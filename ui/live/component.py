"""The live-chart component: engine snapshots -> one binary payload -> the browser player.

One keyed Custom Components v2 element (inline, no iframe) holds the whole live view. Its
inline JS is a small loader; assets/live/ (colors, decode, numbers, pacing, player, netlayout,
touch, views/*.js) and plotly.min.js (from the installed plotly package) come from this server, never
a CDN. The loader runs our small files at once, then runs Plotly after the player's first
paint.

Two ways to serve them, chosen once per process:
- `streamlit run app.py` (app.py is an `st.App`): its lifespan (`serve_assets`) adds routes
  at server start, before any script run, under any --server.baseUrlPath: every JS file in
  one bundle (`BUNDLE_PATH`) and Plotly (`PLOTLY_PATH`), each gzipped once per process and
  sent from memory, cached for good (the URLs carry a content hash or plotly's version).
  The v1 component route gzips Plotly's 4.8 MB on every request in the event loop
  (0.4-1.1 s measured, holding back other traffic). Its middleware (`PreloadLinks`) puts
  `Link: rel=preload` headers for the CSS, the bundle and Plotly on the app's HTML page, so
  the browser fetches them while Streamlit's own scripts load, not after the first script
  run mounts the loader (traced: our files were asked for only after Streamlit's widget
  chunks, 1.2 s after the script had run).
- servers of plain scripts (the browser tests' apps): two v1 asset routes, one file each,
  declared again in every run.

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
from starlette.responses import Response
from starlette.routing import Route

from ui import keys
from ui.live.payload import VIEWS, history_rows, pack, points_payload

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "live"
PLOTLY_DATA = Path(plotly.__file__).parent / "package_data"
PLOTLY_VERSION = plotly.__version__
VIEW_FILES = tuple(name for name, _ in VIEWS)                   # missing files are skipped
OTHER_VIEWS = ("lanes",)        # views other payloads name: the Compare page's (ui/compare)
ROUTES = {"dnn_live_assets": ASSETS, "plotly_assets": PLOTLY_DATA}   # v1 name -> folder
PLOTLY_PATH = "dnn-live/plotly.min.js"      # the st.App routes, under the app's base URL
BUNDLE_PATH = "dnn-live/live.js"
JS_FILES = ("colors.js", "decode.js", "numbers.js", "pacing.js", "player.js", "netlayout.js",
            "touch.js",
            *(f"views/{v}.js" for v in (*VIEW_FILES, *OTHER_VIEWS)))   # in load order


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
    """`st.App` lifespan: register the v1 asset routes under the names `_declare_routes`
    gives them, at server start, so they answer before any page has run; say that the
    st.App routes exist; start compressing Plotly and the bundle."""
    from streamlit.runtime import get_instance

    _APP_ROUTES["on"] = True
    registry = get_instance().component_registry
    for name, path in ROUTES.items():
        registry.register_component(CustomComponent(name=_route(name), path=str(path)))
    _GZIPPED["plotly"] = asyncio.ensure_future(asyncio.to_thread(_gzip_plotly))
    _GZIPPED["bundle"] = asyncio.ensure_future(asyncio.to_thread(_bundle))
    yield


# ---- the st.App routes: Plotly and our bundle, compressed once ---------------------------
_GZIPPED = {}   # name -> the task that compresses it (per process, started at server start)


def _gzip_plotly():
    """plotly.min.js gzipped (level 6: 1.5 MB, about 0.3 s, once per process)."""
    return gzip.compress((PLOTLY_DATA / "plotly.min.js").read_bytes(), 6, mtime=0)


def _bundle_source():
    """Every file of JS_FILES that exists, in load order, as one script."""
    return b"\n;\n".join((ASSETS / f).read_bytes() for f in JS_FILES if (ASSETS / f).exists())


def _bundle():
    """The bundle gzipped (about 130 KB -> 35 KB)."""
    return gzip.compress(_bundle_source(), 6, mtime=0)


def _gzipped_route(name, make):
    """A route answering with `make()`'s gzipped JS, compressed once (the gzip middleware
    leaves a response that has a Content-Encoding alone), cached for a year (its URL
    carries a version); clients that take no gzip get it decompressed."""
    async def answer(request):
        headers = {"Cache-Control": "public, max-age=31536000, immutable",
                   "Vary": "Accept-Encoding"}
        if name not in _GZIPPED:
            _GZIPPED[name] = asyncio.ensure_future(asyncio.to_thread(make))
        body = await _GZIPPED[name]
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return Response(gzip.decompress(body), media_type="text/javascript", headers=headers)
        return Response(body, media_type="text/javascript",
                        headers={**headers, "Content-Encoding": "gzip"})
    return answer


def _base_url():
    """"/" or "/<server.baseUrlPath>/"."""
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def asset_routes():
    """The `st.App(routes=...)` entries: Plotly and the bundle (see the docstring)."""
    return [Route(_base_url() + PLOTLY_PATH, _gzipped_route("plotly", _gzip_plotly)),
            Route(_base_url() + BUNDLE_PATH, _gzipped_route("bundle", _bundle))]


_APP_ROUTES = {"on": False}   # set once per process by serve_assets (an st.App server)


def asset_urls():
    """Asset URLs relative to the app's base URL (the loader prepends it), files in load
    order: {"plotly": url, "css": url, "files": "url,url,..."}; on an st.App server the
    files are the one bundle and Plotly comes from its route."""
    base = f"component/{_route('dnn_live_assets')}/"
    urls = {"css": base + _versioned(ASSETS / "live.css")}
    if _APP_ROUTES["on"]:
        digest = hashlib.blake2b(_bundle_source(), digest_size=4).hexdigest()
        return {**urls, "plotly": f"{PLOTLY_PATH}?v={PLOTLY_VERSION}",
                "files": f"{BUNDLE_PATH}?v={digest}"}
    files = [ASSETS / f for f in JS_FILES if (ASSETS / f).exists()]
    return {**urls,
            "plotly": f"component/{_route('plotly_assets')}/plotly.min.js?v={PLOTLY_VERSION}",
            "files": ",".join(base + _versioned(f) for f in files)}


class PreloadLinks:
    """ASGI middleware (st.App): HTML answers get `Link: rel=preload` headers for the live
    view's CSS, bundle and Plotly (see the docstring)."""

    def __init__(self, app):
        self.app = app
        self.links = None

    def _links(self):
        if self.links is None:
            urls, base = asset_urls(), _base_url()
            self.links = ", ".join(f"<{base}{url}>; rel=preload; as={kind}" for url, kind in (
                (urls["css"], "style"), (urls["files"], "script"), (urls["plotly"], "script")))
        return self.links.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_links(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if kind.startswith(b"text/html"):
                    message = {**message, "headers": [*headers, (b"link", self._links())]}
            await send(message)

        await self.app(scope, receive, with_links)


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
    (W.DNNLive = W.DNNLive || {}).loadPlotly = () => add(d.plotly);
    W.__dnnLiveBoot = Promise.all(d.files.split(",").map(add));
    W.__dnnLiveBoot.then(() => tag("link", { rel: "preload", as: "script", href: base + d.plotly }));
  }
  W.__dnnLiveBoot.then(() => W.DNNLive.render(c), (e) => { host.textContent = e.message; });
  return () => W.DNNLive && W.DNNLive.cleanup(root);
}
"""


_COMPONENT = {}


def _component():
    """The v2 component, made at its first mount (by then an st.App server has said so,
    see `asset_urls`); its host element carries the asset URLs for the loader."""
    if "it" not in _COMPONENT:
        html = ('<div class="dnn-live" data-plotly="{plotly}" data-css="{css}" '
                'data-files="{files}"></div>').format(**asset_urls())
        _COMPONENT["it"] = st.components.v2.component(
            "dnn_live", html=html, css=".dnn-live{min-height:40px}", js=LOADER,
            isolate_styles=False)
    return _COMPONENT["it"]


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
    return _component()(key=key, data=payload, height=height,
                      on_more_change=on_more or _ignore,
                      on_need_meta_change=on_need_meta or _ignore,
                      on_click_change=on_click or _ignore,
                      on_edit_change=_ignore)


def _ignore():
    """Triggers only exist for events that have a callback; the fragment rerun is the point."""
