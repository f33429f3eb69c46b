"""The training as pictures to take home: an animated GIF of the recorded run, a PNG of the
output map. Pure functions from engine arrays to Pillow images (no Streamlit).

A frame is the output map over the input plane with the training points, the epoch and
the test loss written on it, and the cost curve (train and test loss) up to that epoch
beside it. Colours are the live view's (ui.live.payload.COLORS): a binary output p is
drawn as v = 2 p - 1 from orange (-1) through grey (0) to blue (+1), a regression output
as v clipped to [-1, 1], a multi-class output as its argmax class's colour mixed with the
grey by the confidence max_k P_k.
"""
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ui.live.payload import COLORS

GIF_FILE = "dnn_playground_training.gif"
PNG_FILE = "dnn_playground_output.png"
SIZE = 240                  # pixels per panel (the map; the curve beside it)
MAX_FRAMES = 120            # keyframes in a GIF at most (evenly chosen, first and last kept)
FRAME_MS = 80
LAST_FRAME_MS = 1500        # the final picture stays a moment before the loop restarts
GRID = 100
CURVE = {"train": "#9aa5b1", "test": "#1f2933"}


def _rgb(hex_color):
    return np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


NEG, MID, POS = _rgb(COLORS["neg"]), _rgb(COLORS["mid"]), _rgb(COLORS["pos"])
CLASSES = np.array([_rgb(c) for c in COLORS["classes"]])


def signed_rgb(v):
    """Values v in [-1, 1] (any shape) -> RGB float (..., 3): NEG at -1, MID at 0, POS at 1."""
    v = np.clip(np.nan_to_num(np.asarray(v, dtype=np.float64)), -1.0, 1.0)[..., None]
    return np.where(v < 0, MID + (NEG - MID) * -v, MID + (POS - MID) * v)


def map_rgb(output, task):
    """The snapshot's output (R, R) or (R, R, K), row 0 at the bottom of the plane ->
    uint8 image (R, R, 3), row 0 at the top."""
    out = np.asarray(output, dtype=np.float64)
    if out.ndim == 3:
        conf = out.max(axis=2)[..., None]
        rgb = MID + (CLASSES[out.argmax(axis=2) % len(CLASSES)] - MID) * conf
    else:
        rgb = signed_rgb(2.0 * out - 1.0 if task == "binary" else out)
    return np.rint(rgb[::-1]).astype(np.uint8)


def point_rgb(labels, task):
    """uint8 (n, 3) colours of points with these labels (class indices or targets)."""
    labels = np.asarray(labels)
    if task == "regression":
        rgb = signed_rgb(labels.astype(np.float64))
    elif task == "binary":
        rgb = np.where(labels.reshape(-1, 1) > 0, POS, NEG)
    else:
        rgb = CLASSES[labels.astype(int) % len(CLASSES)]
    return np.rint(rgb).astype(np.uint8)


def points_layer(points, domain, task, size=SIZE):
    """The training points (from `Trainer.points()`, input-plane units) as a transparent
    size x size RGBA layer over the plane `domain` (x0, x1, y0, y1); a point is its
    colour darkened to 80 %, so it shows on the region of its own class."""
    x0, x1, y0, y1 = domain
    X = np.asarray(points["train_X"], dtype=np.float64)
    px = (X[:, 0] - x0) / (x1 - x0) * (size - 1)
    py = (y1 - X[:, 1]) / (y1 - y0) * (size - 1)
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    r = max(2, size // 80)
    for x, y, c in zip(px, py, point_rgb(points["train_y"], task)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*(int(0.8 * v) for v in c), 255),
                     outline=(255, 255, 255, 255))
    return layer


def map_image(snap, dots, size=SIZE):
    """The output map of `snap` (an engine snapshot) under `dots` (`points_layer`)."""
    img = Image.fromarray(map_rgb(snap["output"], snap["task"])).resize(
        (size, size), Image.BILINEAR).convert("RGBA")
    return Image.alpha_composite(img, dots).convert("RGB")


def curve_image(history, epochs_total, size=SIZE):
    """Train and test loss of `history` (History.arrays()) on axes from epoch 0 to
    `epochs_total` and loss 0 to the run's largest loss: an RGB image, and a function
    epoch -> the pixel column of that epoch (`curve_upto` shows the part up to it)."""
    img = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    left, right, top, bottom = 8, size - 8, 28, size - 10
    epoch = np.asarray(history["epoch"], dtype=np.float64)
    series = {"train": np.asarray(history["train_loss"]) - np.asarray(history["train_penalty"]),
              "test": np.asarray(history["test_loss"], dtype=np.float64)}
    finite = np.concatenate([v[np.isfinite(v)] for v in series.values()])
    high = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    column = lambda e: left + (right - left) * np.asarray(e, dtype=np.float64) / max(
        1, epochs_total)
    for name, values in series.items():
        ok = np.isfinite(values)
        ys = bottom - (bottom - top) * np.clip(values[ok], 0, high) / high
        xy = list(zip(column(epoch[ok]).tolist(), ys.tolist()))
        if len(xy) > 1:
            draw.line(xy, fill=CURVE[name], width=2)
    return img, column


def curve_upto(curve, column, epoch):
    """The curve image showing only epochs <= `epoch`, with its axis and legend."""
    size = curve.size[1]
    img = Image.new("RGB", curve.size, (255, 255, 255))
    cut = int(np.ceil(float(column(epoch)))) + 1
    img.paste(curve.crop((0, 0, cut, size)), (0, 0))
    draw = ImageDraw.Draw(img)
    draw.line((8, size - 10, curve.size[0] - 8, size - 10), fill=(190, 196, 202))
    draw.text((8, 4), "loss: train (grey), test (black)", fill=(60, 60, 60), font=_font(11))
    return img


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):     # a Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def frame_image(snap, dots, curve=None, size=SIZE):
    """One picture: the map under `dots` with "epoch E · test loss L" on it, and beside it
    the cost curve up to E when `curve` = `curve_image(...)` is given."""
    img = map_image(snap, dots, size)
    draw = ImageDraw.Draw(img)
    label = f"epoch {snap['epoch']}   test loss {snap['loss']['test']:.4f}"
    font = _font(max(10, size // 18))
    box = draw.textbbox((6, 4), label, font=font)
    draw.rectangle((box[0] - 3, box[1] - 2, box[2] + 3, box[3] + 2), fill=(255, 255, 255))
    draw.text((6, 4), label, fill=(20, 20, 20), font=font)
    if curve is None:
        return img
    both = Image.new("RGB", (2 * size, size), (255, 255, 255))
    both.paste(img, (0, 0))
    both.paste(curve_upto(*curve, snap["epoch"]), (size, 0))
    return both


def choose_keyframes(n, max_frames=MAX_FRAMES):
    """Indices of at most `max_frames` of n keyframes, evenly spread, first and last kept."""
    if n <= max_frames:
        return list(range(n))
    return sorted(set(np.rint(np.linspace(0, n - 1, max_frames)).astype(int).tolist()))


def gif_bytes(images, frame_ms=FRAME_MS, last_ms=LAST_FRAME_MS):
    """An endlessly looping GIF of `images` (PIL RGB, one frame each), 64 colours a frame."""
    frames = [im.quantize(colors=64, method=Image.Quantize.FASTOCTREE) for im in images]
    buf = io.BytesIO()
    durations = [frame_ms] * (len(frames) - 1) + [last_ms]
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=durations, optimize=False, disposal=1)
    return buf.getvalue()


def training_gif(trainer, max_frames=MAX_FRAMES, size=SIZE, curve=True):
    """The recorded run of `trainer` as GIF bytes: one frame per chosen keyframe
    (`choose_keyframes`), each recomputed by the engine (`snapshot_at`)."""
    snaps = [trainer.snapshot_at(i, GRID)
             for i in choose_keyframes(len(trainer.record), max_frames)]
    dots = points_layer(trainer.points(), snaps[0]["domain"], trainer.task, size)
    lines = curve_image(trainer.history.arrays(), snaps[-1]["epoch"], size) if curve else None
    return gif_bytes([frame_image(snap, dots, lines, size) for snap in snaps])


def output_png(trainer, size=2 * SIZE):
    """The current output map with the data, epoch and test loss, as PNG bytes."""
    snap = trainer.snapshot(GRID)
    buf = io.BytesIO()
    frame_image(snap, points_layer(trainer.points(), snap["domain"], trainer.task, size),
                size=size).save(buf, format="PNG")
    return buf.getvalue()
