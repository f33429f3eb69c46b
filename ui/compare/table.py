"""The results table: one row per lane from `Race.results()`, as a DataFrame (shown with
st.table, downloaded as CSV). Classification reports accuracy, regression R² and RMSE."""
import math

import pandas as pd


def _num(x, digits=4):
    finite = x is not None and not (isinstance(x, float) and not math.isfinite(x))
    return round(x, digits) if finite else None


def results_frame(results, titles, task):
    """`results` (LaneResult rows) and each lane's words -> a DataFrame, one row a lane."""
    metric = "R²" if task == "regression" else "accuracy"
    rows = []
    for r, title in zip(results, titles):
        row = {"lane": r.index + 1, "what differs": title, "epochs": r.epoch,
               "train loss": _num(r.train_loss), "test loss": _num(r.test_loss),
               f"train {metric}": _num(r.train_metric), f"test {metric}": _num(r.test_metric)}
        if task == "regression":
            row.update({"train RMSE": _num(r.train_rmse), "test RMSE": _num(r.test_rmse)})
        row.update({"best test epoch": r.best_epoch, "best test loss": _num(r.best_test_loss),
                    "epochs to target": r.reached, "ms per epoch": _num(r.ms_per_epoch, 3),
                    "status": r.message if r.diverged else "running"})
        rows.append(row)
    return pd.DataFrame(rows).set_index("lane")


def formatted(frame, task):
    """The table as text cells for reading: percents for accuracy, 4 significant digits."""
    out = frame.copy().astype(object)
    for col in out.columns:
        if "accuracy" in col:
            out[col] = [f"{100 * v:.1f} %" if v is not None else "–" for v in frame[col]]
        elif frame[col].dtype.kind == "f" or col in ("train loss", "test loss"):
            out[col] = ["–" if v is None or v != v else f"{v:.4g}" for v in frame[col]]
        elif col == "epochs to target":
            out[col] = ["–" if v is None or v != v else str(int(v)) for v in frame[col]]
    return out
