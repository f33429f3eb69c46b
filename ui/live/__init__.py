"""The live view: `payload` turns engine snapshots into one binary message, `component`
mounts the browser player (assets/live/) that draws it."""
from ui.live.component import (ASSETS, PLOTLY_DATA, VIEW_FILES, clicked, edited, live_view,
                               mount, requested_frames)
from ui.live.payload import (COLORS, FORMAT, HISTORY_COLUMNS, QUANT, VIEWS, frame_from_snapshot,
                             history_rows, meta_from_snapshot, pack, points_payload,
                             quantize_output, quantize_signed, unpack)

__all__ = ["ASSETS", "COLORS", "FORMAT", "HISTORY_COLUMNS", "PLOTLY_DATA", "QUANT", "VIEWS",
           "VIEW_FILES", "clicked", "edited", "frame_from_snapshot", "history_rows", "live_view",
           "meta_from_snapshot", "mount", "pack", "points_payload", "quantize_output",
           "quantize_signed",
           "requested_frames", "unpack"]
