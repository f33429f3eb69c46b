"""Small pictures of the toy datasets for the dataset picker (TF Playground draws 200 points).

`dataset_thumbnail(name, size) -> (size, size, 3) uint8`: 200 noise-free points of
`datasets.make(name, 200, 0.0, default_rng(0))` on a white square that spans the input
domain [-6, 6]^2 (x to the right, y up). Classes: TF Playground's orange (label 0) and
blue (label 1), then green for a third class; regression targets in [-1, 1] go from
orange through grey to blue. A pure function of its arguments, cached per process.
"""
from functools import lru_cache

import numpy as np

from dnn_core.datasets import DATASETS, DOMAIN, make

ORANGE, BLUE = (245, 147, 34), (8, 119, 189)
MID_GREY = (170, 174, 178)   # darker than the heatmap's #e8eaeb so targets near 0 show on white
CLASS_COLORS = np.array([ORANGE, BLUE, (44, 160, 44), (148, 103, 189), (214, 39, 40),
                         (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34),
                         (23, 190, 207)], dtype=float)
N_POINTS = 200


def point_colors(y, task):
    """RGB per point, (n, 3) float: class colours, or orange-grey-blue for targets in [-1, 1]."""
    if task != "regression":
        return CLASS_COLORS[np.asarray(y, dtype=int) % len(CLASS_COLORS)]
    t = np.clip(np.asarray(y, dtype=float), -1.0, 1.0)[:, None]
    low, mid, high = (np.array(c, dtype=float) for c in (ORANGE, MID_GREY, BLUE))
    return np.where(t < 0, mid + (low - mid) * -t, mid + (high - mid) * t)


@lru_cache(maxsize=64)
def dataset_thumbnail(name, size=48):
    """The dataset's picture: (size, size, 3) uint8, 200 points as 2x2-pixel dots."""
    X, y = make(name, N_POINTS, 0.0, np.random.default_rng(0))
    colors = point_colors(y, DATASETS[name].task).round().astype(np.uint8)
    lo, hi = DOMAIN
    col = np.clip(((X[:, 0] - lo) / (hi - lo) * size).astype(int), 0, size - 2)
    row = np.clip(((hi - X[:, 1]) / (hi - lo) * size).astype(int), 0, size - 2)
    image = np.full((size, size, 3), 255, dtype=np.uint8)
    for dr in (0, 1):
        for dc in (0, 1):
            image[row + dr, col + dc] = colors
    image.flags.writeable = False     # shared by every session: nobody may paint on it
    return image


def framed(image, color=BLUE, width=2):
    """A copy of `image` with a `width`-pixel border in `color` (marks the chosen dataset)."""
    out = np.array(image)
    out[:width], out[-width:], out[:, :width], out[:, -width:] = color, color, color, color
    return out
