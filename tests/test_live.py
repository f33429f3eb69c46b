"""ui.live: the binary payload, quantized frames from engine snapshots, and the pull
protocol through AppTest (the element's bytes decode to the engine's true state)."""
import json
import warnings

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dnn_core.config import TrainConfig
from dnn_core.history import SCALARS, History
from dnn_core.trainer import Trainer
from ui import live
from ui.live import component

SPIRAL_6X8 = TrainConfig(dataset="spiral", hidden=(8,) * 6, activations="tanh",
                         features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"))


@pytest.fixture(scope="module")
def trainer():
    t = Trainer(TrainConfig(seed=3))
    t.run_epochs(5)
    return t


def same(sent, got, where="payload"):
    """`got` (unpacked) equals `sent` exactly, floats as float32, non-finite as None."""
    if isinstance(sent, np.ndarray):
        dtype = np.uint8 if sent.dtype == np.uint8 else np.float32
        assert got.dtype == dtype and got.shape == sent.shape, where
        assert np.array_equal(sent.astype(dtype), got), where
    elif isinstance(sent, dict):
        assert set(sent) == set(got), where
        for k in sent:
            same(sent[k], got[k], f"{where}.{k}")
    elif isinstance(sent, (list, tuple)):
        assert len(sent) == len(got), where
        for i, (a, b) in enumerate(zip(sent, got)):
            same(a, b, f"{where}[{i}]")
    elif isinstance(sent, float) and not np.isfinite(sent):
        assert got is None, where
    else:
        assert sent == got, where


def test_quantize_signed_maps_the_ends_zero_and_nan():
    q = live.quantize_signed(np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 7.0, -7.0, np.nan]))
    assert q.dtype == np.uint8
    assert q.tolist() == [1, 64, 128, 192, 255, 255, 1, 128]
    v = np.linspace(-1, 1, 1001)
    assert np.abs((live.quantize_signed(v) - 128.0) / 127.0 - v).max() <= 0.5 / 127 + 1e-7


def test_pack_unpack_round_trip_is_exact(trainer):
    snap = trainer.snapshot(res=40)
    frames = [live.frame_from_snapshot(snap, thumb_res=8)]
    meta, points = live.meta_from_snapshot(snap, thumb_res=8), live.points_payload(trainer.points())
    history = live.history_rows(snap["history"])
    settings = {"showTest": True, "discretize": False, "logScale": True}
    got = live.unpack(live.pack(frames, meta, points, history=history, running=True,
                                settings=settings))
    assert got["running"] is True and got["settings"] == settings
    assert got["metaVersion"] == meta["version"] and got["pointsVersion"] == points["version"]
    assert got["historyAfter"] is None
    same(meta, got["meta"], "meta")
    same(points, got["points"], "points")
    same(history, got["history"], "history")
    same([{k: v for k, v in f.items() if k != "history"} for f in frames], got["frames"], "frames")


def test_payload_layout_is_aligned_little_endian(trainer):
    payload = live.pack([live.frame_from_snapshot(trainer.snapshot(res=30), thumb_res=7)])
    assert payload[:4] == b"DNNL" and len(payload) % 4 == 0
    _, fmt, n_blobs, n_text = np.frombuffer(payload, "<u4", 4)
    table = np.frombuffer(payload, "<u4", 3 * n_blobs, 16).reshape(-1, 3)
    assert fmt == live.FORMAT and (table[:, 0] % 4 == 0).all()
    assert table[:, 0].min() == 16 + 12 * n_blobs + n_text
    json.loads(payload[16 + 12 * n_blobs:table[:, 0].min()])      # standard JSON: no NaN


def test_blobs_tile_the_payload_without_overlap():
    """Float32 blobs come first in one run, then the uint8 and float64 ones; every byte
    after the header belongs to exactly one blob (or its padding)."""
    snap = Trainer(TrainConfig(dataset="blobs3", hidden=(3, 2), activations="relu")).snapshot(30)
    huge = {"train_X": np.array([[1e300, 0.5]]), "train_y": np.array([1]),
            "test_X": np.zeros((0, 2)), "test_y": np.zeros(0)}
    payload = live.pack([live.frame_from_snapshot(snap, thumb_res=5)] * 2,
                        points=live.points_payload(huge))
    _, _, n_blobs, n_text = map(int, np.frombuffer(payload, "<u4", 4))
    table = np.frombuffer(payload, "<u4", 3 * n_blobs, 16).reshape(-1, 3)
    size = {1: 1, 2: 4, 3: 8}
    spans = sorted((int(at), int(at) + int(n) * size[int(code)], int(code))
                   for at, n, code in table)
    at = 16 + 12 * n_blobs + n_text
    for start, end, _ in spans:
        assert start == at + (-at % 4) and start - at < 4
        at = end
    assert len(payload) - at < 4
    codes = [code for _, _, code in spans]
    assert codes == sorted(codes, key=lambda c: c != 2) and {1, 2, 3} <= set(codes)


def test_binary_output_and_maps_decode_to_the_snapshot(trainer):
    snap = trainer.snapshot(res=60)
    frame = live.frame_from_snapshot(snap, thumb_res=12)
    p1 = (frame["output"].astype(float) - 128) / 127 / 2 + 0.5
    assert np.abs(p1 - snap["output"]).max() <= 0.5 / 254 + 1e-6
    idx = np.rint(np.linspace(0, 59, 12)).astype(int)
    for maps, scale, full in [(frame["inputs"], frame["inputScale"], snap["inputs"]),
                              (frame["neurons"][0], frame["neuronScale"][0], snap["neurons"][0])]:
        exact = full[:, idx][:, :, idx]
        assert maps.shape == exact.shape and (scale >= 1).all()
        assert np.allclose(scale, np.maximum(1, np.abs(exact).max(axis=(1, 2))))
        decoded = (maps.astype(float) - 128) / 127 * scale[:, None, None]
        assert np.abs(decoded - exact).max() <= 0.5 / 127 * scale.max() + 1e-6
    assert frame["best"]["epoch"] == snap["history"]["best_epoch"]


def test_multiclass_output_is_argmax_and_confidence():
    snap = Trainer(TrainConfig(dataset="blobs3", hidden=(4,), activations="tanh")).snapshot(res=20)
    out = live.frame_from_snapshot(snap, thumb_res=5)["output"]
    assert np.array_equal(out["cls"], snap["output"].argmax(axis=2))
    assert np.abs(out["conf"] / 255 - snap["output"].max(axis=2)).max() <= 0.5 / 255 + 1e-6


def test_frames_stay_small():
    """~10 KB output grid + thumbnails + weights: the default net and a 6x8 spiral net."""
    for config, limit in [(TrainConfig(), 16_000), (SPIRAL_6X8, 40_000)]:
        frame = live.frame_from_snapshot(Trainer(config).snapshot(res=100), thumb_res=20)
        size = len(live.pack([frame] * 4)) / 4
        assert 10_000 < size < limit


def engine_history(epochs, capacity=8):
    """A History of `epochs` rows, thinned by its own rule (capacity 8 thins early)."""
    h = History(n_layers=2, capacity=capacity)
    for e in range(epochs):
        h.append({"epoch": e, "train_loss": 1.0, "test_loss": 1.0, "train_penalty": 0.0,
                  "train_metric": 0.5, "test_metric": 0.5, "lr": 0.1,
                  "grad_norm": [e, 2 * e], "weight_norm": [1.0, 1.0]})
    return h.arrays()


def test_history_rows_are_the_engines_rows_thinned_once():
    """The whole history is exactly the engine's rows; a tail is its stored rows after the
    last sent epoch (not the unstored latest row), so nothing thins them a second time."""
    hist = engine_history(14)                       # thinned: stride 2, latest row 13 appended
    whole = live.history_rows(hist)
    for k in live.HISTORY_COLUMNS:
        np.testing.assert_array_equal(whole[k], hist[k])
    assert hist["stride"] == 2 and whole["epoch"][-1] == 13 and whole["grad_norm"].shape[1] == 2
    tail = live.history_rows(hist, after=float(hist["epoch"][hist["stored"] - 3]))
    assert tail["epoch"].tolist() == hist["epoch"][hist["stored"] - 2:hist["stored"]].tolist()
    assert hist["stored"] == len(hist["epoch"]) - 1 and 13 not in tail["epoch"]
    long = engine_history(100_000, capacity=2048)
    assert len(live.history_rows(long)["epoch"]) <= 2049


def test_zero_hidden_layers_make_frames_meta_and_a_payload():
    t = Trainer(TrainConfig(hidden=(), activations="tanh", seed=1))
    t.run_epochs(2)
    snap = t.snapshot(res=30)
    frame = live.frame_from_snapshot(snap, thumb_res=6)
    meta = live.meta_from_snapshot(snap, thumb_res=6)
    assert frame["neurons"] == [] and frame["neuronScale"] == [] and meta["layerSizes"] == [2, 1]
    got = live.unpack(live.pack([frame], meta, history=live.history_rows(snap["history"])))
    assert got["frames"][0]["neurons"] == [] and len(got["frames"][0]["W"]) == 1
    assert got["history"]["grad_norm"].shape == (3, 1)


def test_points_near_1e300_travel_exactly_without_overflow():
    raw = {"train_X": np.array([[1e300, -2e300], [0.5, 3.0]]), "train_y": np.array([0, 1]),
           "test_X": np.zeros((0, 2)), "test_y": np.zeros(0)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        points = live.points_payload(raw)
        got = live.unpack(live.pack([], points=points))["points"]
    assert got["trainX"].dtype == np.float64
    np.testing.assert_array_equal(got["trainX"], raw["train_X"])
    assert got["trainY"].dtype == np.float32, "small values stay float32"


def test_maps_of_huge_values_keep_a_finite_scale():
    snap = Trainer(TrainConfig(seed=1)).snapshot(res=20)
    snap["inputs"] = snap["inputs"].astype(np.float64) * 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = live.frame_from_snapshot(snap, thumb_res=5)
    assert np.isfinite(frame["inputScale"]).all() and frame["inputScale"].max() > 1e299
    assert frame["inputs"].min() < 100 < 160 < frame["inputs"].max(), "not blank"


def test_meta_carries_the_rules_the_browser_shares():
    meta = live.meta_from_snapshot(Trainer(TrainConfig()).snapshot(res=10))
    assert meta["quant"] == list(live.QUANT) and meta["historyColumns"][-1] == "grad_norm"
    assert [v[0] for v in meta["views"]] == list(live.VIEW_FILES)
    assert set(meta["historyColumns"]) - {"grad_norm"} == set(SCALARS)


def test_unpack_refuses_an_unknown_format():
    payload = bytearray(live.pack([]))
    payload[4:8] = (live.FORMAT + 1).to_bytes(4, "little")
    with pytest.raises(ValueError, match="format"):
        live.unpack(bytes(payload))


def test_loader_is_small_and_every_asset_exists(monkeypatch):
    assert len(component.LOADER.encode()) < 3000
    declared = {route.name for route in component._declare_routes()}
    urls = component.asset_urls()                   # a server of plain scripts: v1 routes
    assert {u.split("/")[1] for u in (urls["plotly"], urls["css"])} == declared
    files = urls["files"].split(",")
    names = [f.split("?")[0].rsplit("/", 1)[-1] for f in files]
    assert names[:5] == ["colors.js", "decode.js", "numbers.js", "pacing.js", "player.js"]
    for rel in files:
        path = rel.split("/", 2)[2].split("?")[0]
        assert (live.ASSETS / path).is_file()
    assert (live.PLOTLY_DATA / "plotly.min.js").is_file()
    monkeypatch.setitem(component._APP_ROUTES, "on", True)   # an st.App server
    app = component.asset_urls()
    assert app["plotly"].split("?")[0] == component.PLOTLY_PATH
    assert app["files"].split("?")[0] == component.BUNDLE_PATH and app["css"] == urls["css"]
    bundle = component._bundle_source().decode()
    starts = [bundle.index((live.ASSETS / f.split("/", 2)[2].split("?")[0]).read_text())
              for f in files]
    assert starts == sorted(starts), "every file, in load order"


def test_asset_routes_send_gzip_made_once_and_plain_without_gzip():
    import asyncio
    import gzip

    from starlette.requests import Request

    plotly, bundle = component.asset_routes()
    assert [plotly.path, bundle.path] == ["/" + component.PLOTLY_PATH, "/" + component.BUNDLE_PATH]

    def get(route, accept):
        scope = {"type": "http", "method": "GET", "path": route.path,
                 "headers": [(b"accept-encoding", accept.encode())]}
        return asyncio.run(route.endpoint(Request(scope)))

    for route, plain in [(plotly, (live.PLOTLY_DATA / "plotly.min.js").read_bytes()),
                         (bundle, component._bundle_source())]:
        packed, again = get(route, "gzip"), get(route, "gzip, br")
        assert packed.headers["content-encoding"] == "gzip", "the gzip middleware skips it"
        assert packed.media_type == "text/javascript"
        assert gzip.decompress(packed.body) == plain
        assert again.body is packed.body, "compressed once per process"
        bare = get(route, "identity")
        assert "content-encoding" not in bare.headers and bare.body == plain


def test_html_answers_carry_preload_links_for_the_live_views_files(monkeypatch):
    import asyncio

    monkeypatch.setitem(component._APP_ROUTES, "on", True)
    sent = []

    async def page(scope, receive, send):
        kind = b"text/html" if scope["path"] == "/" else b"text/javascript"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", kind)]})

    async def collect(message):
        sent.append(dict(message["headers"]))

    middleware = component.PreloadLinks(page)
    for path in ["/", "/static/js/index.js"]:
        asyncio.run(middleware({"type": "http", "path": path}, None, collect))
    urls = component.asset_urls()
    links = sent[0][b"link"].decode()
    assert links == (f"</{urls['css']}>; rel=preload; as=style, </{urls['files']}>; rel=preload; "
                     f"as=script, </{urls['plotly']}>; rel=preload; as=script")
    assert b"link" not in sent[1], "only the HTML page"


def live_page():
    import streamlit as st

    from dnn_core.config import TrainConfig
    from dnn_core.trainer import Trainer
    from ui.live import frame_from_snapshot, live_view, meta_from_snapshot, requested_frames

    trainer = st.session_state.setdefault("trainer", Trainer(TrainConfig(seed=2)))
    n = requested_frames("live")
    snaps = []
    for _ in range(min(n, 12)):
        trainer.run_epochs(1)
        snaps.append(trainer.snapshot(res=50))
    snaps = snaps or [trainer.snapshot(res=50)]
    st.session_state.sent = [frame_from_snapshot(s, thumb_res=10) for s in snaps]
    live_view(st.session_state.sent, meta=meta_from_snapshot(snaps[-1], thumb_res=10),
              points=trainer.points(), running=True, settings={"showTest": False})


def payload(at):
    element = at.get("bidi_component")
    assert len(element) == 1
    assert element[0].proto.js_content == component.LOADER
    return live.unpack(element[0].proto.bytes)


def test_apptest_payloads_follow_the_pull_protocol():
    at = AppTest.from_function(live_page).run()
    first = payload(at)
    trainer = at.session_state["trainer"]
    assert first["meta"]["layerSizes"] == [2, 4, 2, 1] and first["points"] is not None
    assert first["historyAfter"] is None and first["running"] is True
    same([{k: v for k, v in f.items() if k != "history"} for f in at.session_state["sent"]],
         first["frames"])
    assert first["frames"][0]["epoch"] == trainer.epoch == 0

    at.session_state["live"] = {"more": 3}          # what the browser's "more" trigger reads as
    second = payload(at.run())
    assert [f["epoch"] for f in second["frames"]] == [1, 2, 3] == [1, 2, trainer.epoch]
    assert second["meta"] is None and second["points"] is None        # sent once per version
    assert second["historyAfter"] == 0 and second["history"]["epoch"].tolist() == [1, 2, 3]
    assert second["frames"][-1]["loss"]["test"] == pytest.approx(
        trainer.history.last["test_loss"], rel=1e-6)

    at.session_state["live"] = {"need_meta": True}   # e.g. the element was remounted
    third = payload(at.run())
    assert third["meta"]["version"] == first["meta"]["version"] and third["points"] is not None
    assert third["historyAfter"] is None and third["history"]["epoch"].tolist() == [0, 1, 2, 3]


def thinning_page():
    import streamlit as st

    from dnn_core.config import TrainConfig
    from dnn_core.history import History
    from dnn_core.trainer import Trainer
    from ui.live import frame_from_snapshot, live_view, meta_from_snapshot, requested_frames

    if "trainer" not in st.session_state:
        trainer = st.session_state.trainer = Trainer(TrainConfig(seed=2))
        small = History(trainer.history.n_layers, capacity=8)    # thins after 8 rows
        small.append(trainer.history.last)
        trainer.history = small
    trainer = st.session_state.trainer
    snaps = []
    for _ in range(requested_frames("live")):
        trainer.run_epochs(1)
        snaps.append(trainer.snapshot(res=20))
    snaps = snaps or [trainer.snapshot(res=20)]
    live_view([frame_from_snapshot(s, thumb_res=4) for s in snaps],
              meta=meta_from_snapshot(snaps[-1], thumb_res=4), running=True)


def test_the_whole_history_is_sent_again_when_the_engine_thins_it():
    at = AppTest.from_function(thinning_page).run()
    got = []
    for _ in range(4):
        at.session_state["live"] = {"more": 3}
        got.append(payload(at.run()))
    hist = at.session_state["trainer"].history.arrays()
    assert [g["historyAfter"] for g in got] == [0, 3, None, 9]        # thinned at epoch 8
    assert got[2]["history"]["epoch"].tolist() == [0, 2, 4, 6, 8, 9]
    assert got[3]["history"]["epoch"].tolist() == [10, 12] == hist["epoch"][-2:].tolist()


@pytest.mark.parametrize("dataset, hidden", [("spiral", (8, 8, 8)), ("spiral3", (5,)),
                                              ("plane", (4, 2)), ("circle", ())])
def test_grid_snapshot_is_the_row_major_forward_pass(dataset, hidden):
    """The feature-major grid pass gives the evaluator's float32 forward's numbers."""
    t = Trainer(TrainConfig(dataset=dataset, hidden=hidden, seed=3))
    t.run_epochs(2)
    snap, ev = t.snapshot(res=30), t.evaluator
    rows = []
    out = ev.forward(ev.grid_inputs(30).T, np.float32, rows)
    proba = ev._proba(out).astype(np.float32)
    np.testing.assert_allclose(snap["output"], proba.reshape(snap["output"].shape),
                               rtol=0, atol=2e-7)
    assert len(snap["neurons"]) == len(hidden)
    for got, want in zip(snap["neurons"], rows):
        np.testing.assert_allclose(got, want.T.reshape(-1, 30, 30), rtol=0, atol=2e-7)
    assert not snap["inputs"].flags.writeable, "a view of the cached grid"
