/* DNN Playground live view: where the network diagram puts its nodes, links and labels
 * (loaded before views/network.js and touch.js, which draw and touch it).
 *
 * geometry(meta, widthPx): positions in data units (1 = one node side; the axes map 1 unit to
 * nodePx screen pixels): one column per layer (inputs, hidden layers, output), node k of
 * column c centred at (cols[c].x + 1/2, cols[c].ys[k]); node sides of 10..44 px so the tallest
 * column fits MAX_HEIGHT and every column fits the width; each node map r x r pixels
 * (meta.thumbRes) with its bias square in a strip at its left.
 * nodeName(meta, c, k): what a node is called in labels and hover text.
 * columnLabels(meta, g, edit): the Plotly annotations (column heads, activations, inputs).
 */
(function () {
  "use strict";
  const live = (window.DNNLive = window.DNNLive || {});
  const MARGIN = { left: 64, right: 24, top: 22, bottom: 22 };
  const MAX_HEIGHT = 720, MIN_NODE = 10, MAX_NODE = 44;
  const MIN_COL_GAP = 1.3, MAX_COL_GAP = 6;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  /** Positions in data units (1 = one node side); the axes map 1 unit to nodePx screen pixels. */
  function geometry(meta, widthPx) {
    const sizes = meta.layerSizes, r = meta.thumbRes, nCols = sizes.length;
    const thumbPx = (f, min) => Math.max(min, Math.round(f * r));
    const gapPx = thumbPx(0.3, 1), biasPx = thumbPx(0.3, 2), stripPx = biasPx + thumbPx(0.1, 1);
    const gap = gapPx / r, strip = stripPx / r, pitch = 1 + gap;
    const nMax = Math.max(...sizes), colUnits = nCols * (1 + strip);
    const usable = widthPx - MARGIN.left - MARGIN.right;
    const nodePx = clamp(Math.min((MAX_HEIGHT - MARGIN.top - MARGIN.bottom) / (nMax * pitch - gap),
      usable / (colUnits + (nCols - 1) * MIN_COL_GAP)), MIN_NODE, MAX_NODE);
    const colGap = clamp((usable / nodePx - colUnits) / (nCols - 1), MIN_COL_GAP, MAX_COL_GAP);
    const heightPx = Math.round((nMax * pitch - gap) * nodePx + MARGIN.top + MARGIN.bottom);
    const yMid = (MARGIN.bottom + (heightPx - MARGIN.top - MARGIN.bottom) / 2) / nodePx;
    const cols = sizes.map((n, c) => {
      const x = MARGIN.left / nodePx + strip + c * (1 + strip + colGap);
      const top = yMid + (n * pitch - gap) / 2;
      return { n, x, top, ys: Array.from({ length: n }, (_, k) => top - k * pitch - 0.5) };
    });
    return { sizes, r, gapPx, biasPx, stripPx, strip, pitch, nodePx, cols, widthPx, heightPx,
      pitchPx: (1 + strip + colGap) * nodePx,
      width: widthPx / nodePx, height: heightPx / nodePx };
  }

  function nodeName(meta, c, k) {
    const last = meta.layerSizes.length - 1;
    if (c === 0) return (meta.featureTitles || meta.features)[k];
    if (c === last) return meta.task === "multiclass" ? `output ${k + 1} (class ${meta.classes[k]})` : "output";
    return `layer ${c} neuron ${k + 1}`;
  }

  /** Column heads, activation names below, feature titles left; terse when columns are narrow.
   *  With `edit` (the diagram's own +/- and activation boxes) hidden layers get neither. */
  function columnLabels(meta, g, edit) {
    const last = g.cols.length - 1, narrow = g.pitchPx < 64, font = { size: narrow ? 9 : 11, color: "#555" };
    const label = (x, y, text, xanchor, yanchor) => ({ x, y, text, xref: "x", yref: "y", xanchor, yanchor,
      showarrow: false, font });
    const out = [];
    g.cols.forEach((col, c) => {
      const hiddenCol = c > 0 && c < last;
      const head = c === 0 ? "inputs" : c === last ? "output" : narrow ? `${col.n}` : `layer ${c}: ${col.n}`;
      if (!(hiddenCol && edit && edit.layers)) out.push(label(col.x + 0.5, g.height - 2 / g.nodePx, head, "center", "top"));
      const act = c === 0 || (hiddenCol && edit && edit.activation) ? ""
        : c === last ? meta.outputActivation : meta.activations[c - 1];
      if (act) out.push(label(col.x + 0.5, 2 / g.nodePx, String(act).replace(/_/g, " "), "center", "bottom"));
    });
    g.cols[0].ys.forEach((y, k) => out.push(label(g.cols[0].x - 0.15, y, nodeName(meta, 0, k), "right", "middle")));
    return out;
  }

  live.networkLayout = { geometry, nodeName, columnLabels };
})();
