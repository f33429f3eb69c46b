/**
 * Live view "weights": for each Dense layer l, heatmaps of W[l] and dW[l] (shape (out, in),
 * row j = neuron j of layer l, column i = input i), each on its own symmetric scale
 * ±m with m = max|.| of that matrix (colour = diverging(v / m): orange -m, grey 0, blue +m),
 * with m, the layer's weight norm (frame.weightNorm[l]) and gradient norm (frame.gradNorm[l])
 * written above the matrix.
 *
 * Layout: square cells of `cell` px (the largest of 32..5 px for which the layers, packed
 * left to right in rows of [W | dW] blocks, fit in MAX_HEIGHT), so 32 x 32 layers stay legible.
 * update (running): each matrix is painted with one putImageData into its own (hidden) in x out
 * canvas and scaled up without smoothing onto ONE shown canvas: every shown canvas is a
 * compositor layer, and 18 of them (8 x 32) made each layerization of the page 2x dearer
 * (traced). The numbers are HTML labels over the plot, written by `text` (player.js: at most
 * 10 times a second). No Plotly call per
 * frame: the matrices were Plotly layout images before (a PNG encoding per matrix, a relayout,
 * then the browser fetched and decoded each data URL: 5-9 ms of main thread and a re-layerized
 * page per frame, traced in the app), and a relayout of annotations[m].text recalculates the
 * whole plot (10-35 ms measured here).
 * full (paused): heatmap traces over the same cells, hover = matrix, row (neuron), column
 * (input) and value.
 */
(function () {
  "use strict";
  const live = (window.DNNLive = window.DNNLive || { views: {} });
  live.views = live.views || {};

  const MAX_CELL = 32, MIN_CELL = 5, MAX_HEIGHT = 900;
  const MARGIN = 6, CAPTION_H = 18, TITLE_H = 32, TITLE_W = 112, MATRIX_GAP = 14, BLOCK_GAP = 26;
  const fmt = (v) =>
    v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? String(Number(v.toPrecision(4))) : v.toExponential(2);
  const maxAbs = (a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  /** Matrices (W then dW per layer) placed in rows, in screen px measured from the top left. */
  function pack(sizes, cell, widthPx) {
    let x = MARGIN, top = MARGIN + CAPTION_H, rowH = 0;
    const mats = [];
    sizes.slice(1).forEach((nOut, l) => {
      const nIn = sizes[l], w = nIn * cell, h = nOut * cell, slot = Math.max(w, TITLE_W);
      const blockW = 2 * slot + MATRIX_GAP;
      if (x > MARGIN && x + blockW > widthPx - MARGIN) {
        x = MARGIN;
        top += rowH + BLOCK_GAP;
        rowH = 0;
      }
      for (const grad of [false, true])
        mats.push({ l, grad, nIn, nOut, w, h, x: x + (grad ? slot + MATRIX_GAP : 0), top: top + TITLE_H });
      x += blockW + BLOCK_GAP;
      rowH = Math.max(rowH, TITLE_H + h);
    });
    return { cell, mats, widthPx, heightPx: top + rowH + MARGIN };
  }

  function geometry(meta, widthPx) {
    for (let cell = MAX_CELL; cell > MIN_CELL; cell--) {
      const g = pack(meta.layerSizes, cell, widthPx);
      if (g.heightPx <= MAX_HEIGHT) return g;
    }
    return pack(meta.layerSizes, MIN_CELL, widthPx);
  }

  function build(div, labels, mats, ctx) {
    const meta = ctx.meta, g = geometry(meta, div.clientWidth || 640);
    const colors = meta.colors, H = g.heightPx;
    const st = { meta, g, lut: live.colors.table("diverging", colors, meta.quant), hover: false,
      colorscale: [[0, colors.neg], [0.5, colors.mid], [1, colors.pos]] };
    const shown = document.createElement("canvas"), hidden = document.createElement("div");
    hidden.style.display = "none";
    mats.replaceChildren(shown, hidden);
    shown.width = g.widthPx;
    shown.height = H;
    st.shown = shown.getContext("2d");
    st.shown.imageSmoothingEnabled = false;
    st.shown.strokeStyle = "#bbb";
    g.mats.forEach((m) => st.shown.strokeRect(m.x - 0.5, m.top - 0.5, m.w + 1, m.h + 1));
    st.canvases = g.mats.map((m) => {
      const canvas = hidden.appendChild(document.createElement("canvas"));
      canvas.className = "dnnlive-matrix";
      canvas.width = m.nIn;
      canvas.height = m.nOut;
      const c2d = canvas.getContext("2d");
      return { canvas, c2d, image: c2d.createImageData(m.nIn, m.nOut) };
    });
    const layout = {
      width: g.widthPx, height: H, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false,
      xaxis: { range: [0, g.widthPx], visible: false, fixedrange: true },
      yaxis: { range: [0, H], visible: false, fixedrange: true },
      hovermode: "closest", dragmode: false, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    };
    ctx.Plotly.newPlot(div, [], layout, { displayModeBar: false, responsive: false });
    st.labels = titleLabels(labels, g);
    return st;
  }

  /** One label above each matrix: "<b>W[l]</b> out×in ±scale" and the layer's norm below. */
  function titleLabels(labels, g) {
    const caption = document.createElement("div");
    caption.textContent = "rows = neurons, columns = inputs; orange < 0 < blue, scaled to ±max of each matrix";
    Object.assign(caption.style, { position: "absolute", left: `${MARGIN}px`, top: `${MARGIN - 2}px`,
      font: "10px/14px sans-serif", color: "#777", whiteSpace: "nowrap" });
    labels.replaceChildren(caption);
    return g.mats.map((m) => {
      const el = document.createElement("div"), scale = document.createElement("span");
      const norm = document.createElement("span"), name = document.createElement("b");
      el.className = "dnnlive-title";
      Object.assign(el.style, { position: "absolute", left: `${m.x}px`, top: `${m.top - TITLE_H + 2}px`,
        font: "11px/14px sans-serif", color: "#444", whiteSpace: "nowrap" });
      name.textContent = `${m.grad ? "dW" : "W"}[${m.l + 1}]`;
      el.append(name, ` ${m.nOut}×${m.nIn}  `, scale, document.createElement("br"), norm);
      labels.appendChild(el);
      return { scale, norm };
    });
  }

  const matrixOf = (frame, m) => (m.grad ? frame.dW : frame.W)[m.l];

  /** Paint one matrix: pixel (i, j) = diverging(M[j, i] / scale), quantized as meta.quant,
   *  into its own in x out canvas, then scaled up (no smoothing) onto the one shown canvas. */
  function paint(st, k, values, scale) {
    const { canvas, c2d, image } = st.canvases[k], px = new Uint32Array(image.data.buffer);
    const [zero, step] = st.meta.quant, s = scale > 0 ? step / scale : 0, m = st.g.mats[k];
    for (let q = 0; q < values.length; q++) px[q] = st.lut[Math.round(zero + values[q] * s)];
    c2d.putImageData(image, 0, 0);
    st.shown.drawImage(canvas, m.x, m.top, m.w, m.h);
  }

  function draw(st, frame) {
    st.g.mats.forEach((m, k) => paint(st, k, matrixOf(frame, m), maxAbs(matrixOf(frame, m))));
  }

  /** The labels: each matrix's scale and its layer's weight or gradient norm. */
  function labelText(st, frame) {
    st.g.mats.forEach((m, k) => {
      const scale = maxAbs(matrixOf(frame, m));
      const norm = m.grad ? `grad norm ${fmt(frame.gradNorm[m.l])}` : `weight norm ${fmt(frame.weightNorm[m.l])}`;
      setText(st.labels[k].scale, `±${fmt(scale)}`);
      setText(st.labels[k].norm, norm);
    });
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function inputName(meta, l, i) {
    return l === 0 ? `input ${(meta.featureTitles || meta.features)[i]}` : `layer ${l} neuron ${i + 1}`;
  }

  function heatmaps(st, frame) {
    const { g, meta } = st, H = g.heightPx, c = g.cell, last = meta.layerSizes.length - 2;
    return g.mats.map((m) => {
      const values = matrixOf(frame, m), scale = maxAbs(values) || 1, name = `${m.grad ? "dW" : "W"}[${m.l + 1}]`;
      const rows = Array.from({ length: m.nOut }, (_, j) => Array.from(values.subarray(j * m.nIn, (j + 1) * m.nIn)));
      const neuron = (j) => (m.l === last ? `output ${j + 1}` : `neuron ${j + 1}`);
      return {
        type: "heatmap", z: rows, zmin: -scale, zmax: scale, colorscale: st.colorscale, showscale: false,
        x: Array.from({ length: m.nIn }, (_, i) => m.x + (i + 0.5) * c),
        y: Array.from({ length: m.nOut }, (_, j) => H - m.top - (j + 0.5) * c),
        text: rows.map((row, j) => row.map((v, i) => `${name} row ${j + 1} (${neuron(j)}), ` +
          `col ${i + 1} (${inputName(meta, m.l, i)})<br>${m.grad ? "dW" : "w"} = ${fmt(v)}`)),
        hovertemplate: "%{text}<extra></extra>",
      };
    });
  }

  function mount(container, ctx) {
    const box = document.createElement("div"), div = document.createElement("div");
    const labels = document.createElement("div"), mats = document.createElement("div");
    const layer = (e, z, clip) => Object.assign(e.style, { position: "absolute", left: "0", top: "0",
      right: "0", bottom: "0", zIndex: z, pointerEvents: "none", overflow: clip ? "clip" : "" });
    box.className = "dnnlive-weights";
    box.style.position = "relative";
    layer(mats, 0);
    div.style.position = "relative";
    div.style.zIndex = 1;
    layer(labels, 2, true);        // clipped: a label past the box would change the page's overflow
    box.append(mats, div, labels);
    container.appendChild(box);
    let st = build(div, labels, mats, ctx), last = null;
    const rebuild = (c) => {
      c.Plotly.purge(div);
      st = build(div, labels, mats, c);
    };
    const prepare = (c) => {
      if (c.meta !== st.meta && c.meta.version !== st.meta.version) rebuild(c);
      if (st.hover) c.Plotly.deleteTraces(div, st.g.mats.map((_, k) => k));
      st.hover = false;
    };
    const view = {
      update(frame, c) {
        prepare(c);
        draw(st, frame);
        last = frame;
      },
      full(frame, c) {
        prepare(c);
        draw(st, frame);
        c.Plotly.addTraces(div, heatmaps(st, frame));
        st.hover = true;
        last = frame;
      },
      text(frame) { labelText(st, frame); },
      /** Optional (player.js calls it on resize): re-pack and redraw at the new width. */
      resize(c) {
        if ((div.clientWidth || 640) === st.g.widthPx) return;
        const hover = st.hover;
        rebuild(c);
        if (last) (hover ? view.full : view.update)(last, c);
      },
      destroy() {
        ctx.Plotly.purge(div);
        box.remove();
      },
    };
    return view;
  }

  live.views.weights = { mount, needsPlotly: true };
})();
