"""The live view's payload: engine snapshots -> quantized frames -> one binary message.

Payload (`pack`), little-endian, every blob 4-byte aligned:
    "DNNL" | u32 format | u32 n_blobs | u32 header_bytes | n_blobs x (u32 offset, u32 count,
    u32 dtype: 1 uint8, 2 float32, 3 float64) | header JSON (UTF-8, space-padded) | blobs
In the header an array is {"$": blob index, "shape": [...]}; non-finite numbers are null.
The table says where each blob is: `pack` lays the float32 blobs out first, in one run.
The browser refuses a payload whose format is not FORMAT (player.js says so on screen).
Quantization (the only loss, exact otherwise; floats travel as float32, or float64 for an
array with a finite value beyond float32's range, e.g. uploaded points near 1e300):
    signed grid value v in [-1, 1] -> q = rint(ZERO + STEP v) clipped to 1..255,
    v = (q - ZERO) / STEP, with (ZERO, STEP) = QUANT = (128, 127), sent in meta["quant"]
    (binary output: v = 2 P(class 1) - 1; regression: v = prediction, clipped to [-1, 1]);
    multiclass: cls = argmax (uint8), conf = rint(255 max_k P_k);
    neurons / inputs: v = value / scale, scale = max(1, max |thumbnail value|) per map (as
    neuronScale / inputScale); thumbnails are every ~R/r-th grid point (nearest index).
"""
import functools
import hashlib
import json
import math

import numpy as np

from dnn_core.features import FEATURES
from dnn_core.history import SCALARS

HISTORY_COLUMNS = (*SCALARS, "grad_norm")
FORMAT = 2
QUANT = (128, 127)
_DTYPES = {np.dtype(np.uint8): 1, np.dtype(np.float32): 2, np.dtype(np.float64): 3}
_CODES = {1: np.uint8, 2: np.float32, 3: np.float64}
# The live view's panels in reading order: (name, title); the browser draws each in the
# element data-testid="live-<name>" from assets/live/views/<name>.js.
VIEWS = (("network", "Network"), ("output", "Output"), ("cost", "Cost"),
         ("flow", "Gradient flow"), ("weights", "Weights and gradients"))
COLORS = {"neg": "#f59322", "mid": "#e8eaeb", "pos": "#0877bd",
          "classes": ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                      "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]}



# ---- payload -------------------------------------------------------------------------
def pack(frames, meta=None, points=None, *, meta_version=None, points_version=None,
         history=None, history_after=None, running=False, settings=None, answered=0):
    """Serialize one batch: `frames` (dicts from `frame_from_snapshot`; their "history"
    reference is dropped), `meta`/`points` when they are sent (their versions are always
    sent, defaulting to theirs), and `history`: the rows after epoch `history_after`
    (None: the whole curve, replacing the browser's). `answered`: the "more" request this
    batch answers (0: a full rerun, e.g. a changed setting, so queued frames are stale).

    Arrays are collected while the header is built and converted at the end: every float
    array in one float32 cast (per array, float64 where that cast would overflow)."""
    arrays = []
    header = _encode({
        "running": bool(running), "answered": int(answered), "settings": settings or {},
        "meta": meta, "points": points,
        "metaVersion": meta_version or (meta or {}).get("version"),
        "pointsVersion": points_version or (points or {}).get("version"),
        "historyAfter": history_after, "history": history,
        "frames": [{k: v for k, v in f.items() if k != "history"} for f in frames]}, arrays)
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    text += b" " * (-len(text) % 4)
    rows, data = _blob_data(arrays)
    start = 16 + 12 * len(rows) + len(text)
    head = np.array([_MAGIC, FORMAT, len(rows), len(text),
                     *(x for at, count, code in rows for x in (start + at, count, code))],
                    dtype="<u4")
    return b"".join([head.tobytes(), text, *data])


_MAGIC = int.from_bytes(b"DNNL", "little")
_PLAIN = (str, int, bool, type(None))


def _encode(value, arrays):
    """`value` as JSON-ready data: an array becomes {"$": index, "shape"} (the array goes to
    `arrays`), a non-finite float None, a NumPy scalar a Python number."""
    kind = type(value)
    if kind is dict:
        return {k: _encode(v, arrays) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_encode(v, arrays) for v in value]
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is np.ndarray:
        arrays.append(value)
        return {"$": len(arrays) - 1, "shape": list(value.shape)}
    if kind in _PLAIN:
        return value
    if isinstance(value, np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):                 # subclasses of the kinds above
        return {k: _encode(v, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, np.ndarray):
        return _encode(np.asarray(value), arrays)
    return value


def _blob_data(arrays):
    """The blobs' bytes: the float arrays in one float32 cast, laid out first in their
    order, then the uint8 arrays and any float array with a finite value beyond float32's
    range (as float64: exact), each padded to 4 bytes. Returns ([(byte offset from the
    data's start, count, dtype code)] in the arrays' order, [bytes parts])."""
    floats = [i for i, a in enumerate(arrays) if a.dtype != np.uint8]
    try:
        with np.errstate(over="raise"):
            cast = _float32_run([arrays[i] for i in floats])
    except FloatingPointError:
        wide = {i for i in floats if _floats_of(arrays[i]).dtype == np.float64}
        floats = [i for i in floats if i not in wide]
        cast = _float32_run([arrays[i] for i in floats])
    rows, parts, at = [None] * len(arrays), [cast], 0
    for i in floats:
        rows[i] = (at, arrays[i].size, 2)
        at += 4 * arrays[i].size
    for i, a in enumerate(arrays):
        if rows[i] is not None:
            continue
        a = a if a.dtype == np.uint8 else _floats_of(a)
        raw = a.tobytes()
        rows[i] = (at, a.size, _DTYPES[a.dtype])
        parts += [raw, b"\0" * (-len(raw) % 4)]
        at += len(raw) + (-len(raw) % 4)
    return rows, parts


def _float32_run(floats):
    """The arrays raveled into one float32 run, as bytes (b"" for none)."""
    return np.concatenate([a.ravel() for a in floats]).astype(np.float32).tobytes() \
        if floats else b""


def _floats_of(arr):
    with np.errstate(over="raise"):
        return _floats(arr)


def _floats(arr):
    """float32, unless a finite value would overflow it: then float64 (exact). Call it
    under np.errstate(over="raise"), which makes such a cast raise."""
    try:
        return arr.astype(np.float32)
    except FloatingPointError:
        return arr.astype(np.float64)


def unpack(payload):
    """Decode `pack`'s bytes into the header dict, arrays as read-only NumPy arrays."""
    buf = memoryview(bytes(payload))
    if bytes(buf[:4]) != b"DNNL":
        raise ValueError("not a DNN live payload")
    fmt, n_blobs, n_text = np.frombuffer(buf, "<u4", 3, 4)
    if fmt != FORMAT:
        raise ValueError(f"payload format {fmt}, expected {FORMAT}")
    table = np.frombuffer(buf, "<u4", 3 * n_blobs, 16).reshape(-1, 3)
    start = 16 + 12 * n_blobs

    def decode(value):
        if isinstance(value, dict) and "$" in value:
            offset, count, code = table[value["$"]]
            arr = np.frombuffer(buf, _CODES[int(code)], int(count), int(offset))
            return arr.reshape(value["shape"])
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decode(v) for v in value]
        return value

    return decode(json.loads(bytes(buf[start:start + n_text])))


# ---- snapshot -> frame, meta, points ------------------------------------------------
def quantize_signed(values):
    """Values in [-1, 1] -> uint8 with 128 = 0 (see the module docstring); NaN -> 128."""
    return _quantized(np.multiply(values, np.float32(QUANT[1]), dtype=np.float32))


def _quantized(q):
    """STEP * v (float32, overwritten) -> uint8 rint(ZERO + STEP v) clipped to 1..255."""
    zero = np.float32(QUANT[0])
    q += zero
    np.rint(q, out=q)
    np.maximum(q, 1, out=q)                   # +-inf -> 255, 1; NaN stays NaN
    np.minimum(q, 255, out=q)
    np.copyto(q, zero, where=np.isnan(q))
    return q.astype(np.uint8)


@functools.lru_cache(maxsize=32)
def _thumb_index(res, thumb_res):
    """Flat indices (r*r,) of a thumbnail's points in a row-major R x R map: every ~R/r-th
    grid point, nearest index."""
    idx = np.rint(np.linspace(0, res - 1, thumb_res)).astype(np.intp)
    flat = (idx[:, None] * res + idx).ravel()
    flat.flags.writeable = False
    return flat


def _maps(stacks, thumb_res):
    """[(n_l, R, R) maps] -> [(uint8 (n_l, r, r) thumbnails of value/scale, float64 scale
    (n_l,))], scale = max(1, max |thumbnail value|) per map (in float64: any finite value
    fits); all stacks gathered and quantized in one pass."""
    if not stacks:
        return []
    res = stacks[0].shape[-1]
    flat = _thumb_index(res, thumb_res)
    thumbs = np.concatenate([np.asarray(s).reshape(len(s), -1)[:, flat] for s in stacks])
    scale = np.maximum(1.0, np.abs(thumbs).max(axis=1, initial=0.0).astype(np.float64))
    q = quantize_signed(thumbs / scale[:, None]).reshape(-1, thumb_res, thumb_res)
    out, start = [], 0
    for s in stacks:
        out.append((q[start:start + len(s)], scale[start:start + len(s)]))
        start += len(s)
    return out


def quantize_output(out, task):
    """The output map (R, R) or (R, R, K) of a snapshot -> uint8 (R, R), or {cls, conf}
    for multiclass (see the module docstring)."""
    if out.ndim == 3:
        return {"cls": out.argmax(axis=2).astype(np.uint8),
                "conf": np.rint(255.0 * out.max(axis=2)).astype(np.uint8)}
    if task != "binary":
        return quantize_signed(out)
    q = np.multiply(out, np.float32(2.0), dtype=np.float32)      # v = 2 P - 1, in float32
    q -= np.float32(1.0)
    q *= np.float32(QUANT[1])
    return _quantized(q)


def frame_from_snapshot(snap, thumb_res=20):
    """Quantize an engine snapshot (ENGINE_API "Snapshot dict") into one frame."""
    output = quantize_output(snap["output"], snap["task"])
    (inputs, input_scale), *maps = _maps([snap["inputs"], *snap["neurons"]], thumb_res)
    hist = snap["history"]
    return {
        "epoch": int(snap["epoch"]), "step": int(snap["step"]), "lr": float(snap["lr"]),
        "loss": dict(snap["loss"]), "metric": dict(snap["metric"]),
        "diverged": bool(snap["diverged"]), "message": snap["message"],
        "W": list(snap["W"]), "b": list(snap["b"]), "dW": list(snap["dW"]),
        "db": list(snap["db"]),
        "gradNorm": [float(g) for g in snap["grad_norm"]],
        "weightNorm": [float(w) for w in snap["weight_norm"]],
        "output": output, "neurons": [m for m, _ in maps], "neuronScale": [s for _, s in maps],
        "inputs": inputs, "inputScale": input_scale,
        "best": {"epoch": int(hist["best_epoch"]), "testLoss": float(hist["best_test_loss"])},
        "history": hist,
        "timeline": snap.get("timeline"),     # ui.timeline: a scrubbed or replayed keyframe
    }


def meta_from_snapshot(snap, thumb_res=20, colors=None):
    """Static drawing info of a network and its data; `version` hashes the content."""
    meta = {
        "task": snap["task"], "nClasses": int(snap["n_classes"]),
        "classes": [c.item() if hasattr(c, "item") else c for c in snap["classes"]],
        "domain": [float(d) for d in snap["domain"]], "res": int(snap["res"]),
        "thumbRes": int(thumb_res), "layerSizes": [int(n) for n in snap["layer_sizes"]],
        "activations": list(snap["activations"]), "features": list(snap["features"]),
        "featureTitles": [FEATURES[f].title for f in snap["features"]],
        "lossName": snap["loss_name"], "outputActivation": snap["output_activation"],
        "colors": colors or COLORS, "quant": list(QUANT),
        "historyColumns": list(HISTORY_COLUMNS), "views": [list(v) for v in VIEWS],
    }
    text = json.dumps(meta, sort_keys=True).encode()
    return {"version": hashlib.blake2b(text, digest_size=6).hexdigest(), **meta}


def points_payload(raw):
    """`Trainer.points()` (train_X (n, 2), train_y, test_X, test_y) -> float arrays
    trainX (n, 2), trainY, testX, testY (float32, or float64 where float32 would overflow)
    and a content `version`."""
    arrays = {"trainX": raw["train_X"], "trainY": raw["train_y"],
              "testX": raw["test_X"], "testY": raw["test_y"]}
    with np.errstate(over="raise"):
        arrays = {k: _floats(np.asarray(v, dtype=np.float64)) for k, v in arrays.items()}
    digest = hashlib.blake2b(digest_size=6)
    for arr in arrays.values():
        digest.update(arr.tobytes())
    return {"version": digest.hexdigest(), **arrays}


def history_rows(hist, after=None):
    """The engine's history rows to send (dnn_core.history thins them; nothing else does):
    after=None: every row of `hist` (History.arrays()); else the stored rows with epoch >
    `after` (not the unstored latest row, so the browser's copy stays the engine's rows).
    Float columns; grad_norm is (T, L)."""
    epochs = np.asarray(hist["epoch"])
    if after is None:
        keep = slice(None)
    else:
        stored = hist.get("stored", len(epochs))
        keep = np.flatnonzero(epochs[:stored] > after)
    return {k: np.asarray(hist[k], dtype=np.float64)[keep] for k in HISTORY_COLUMNS}
