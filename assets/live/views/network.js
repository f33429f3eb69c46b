/**
 * Live view "network": the network diagram, TensorFlow Playground's picture for up to
 * 7 inputs and 8 hidden layers x 32 neurons.
 *
 * Columns (placed by netlayout.js): the input features, each hidden layer, the output layer.
 * Every node shows its map over the input plane, r x r (meta.thumbRes), 0..255 with 128 = 0,
 * row 0 = bottom:
 *   inputs: frame.inputs (F*r*r), hidden layer l: frame.neurons[l] (n_l*r*r, neuron k at k*r*r),
 *   output: frame.output (R*R) sampled at the centres of an r x r grid; multiclass: one node per
 *   class showing where that class wins, colour = mix(mid, class colour, confidence / 255).
 * The square at a node's lower left is its bias b: colour = diverging(clamp(b, -1, 1)).
 * The link i -> j into Dense layer l is W[l][j*n_in + i] (row-major (out, in)):
 *   colour = sign(w) (orange < 0, blue >= 0), width = 0.5 + (wMax - 0.5) * min(|w| / 2.5, 1) px,
 *   quantized to LEVELS widths (stronger links also more opaque).
 *
 * update (running): one <canvas> per column holding all its node maps and bias squares (one
 * putImageData each, scaled up by CSS, pixelated), over the links drawn on a <canvas> (one stroke
 * per layer pair x width level x sign), under the transparent Plotly plot that holds the labels
 * and the hover traces. No Plotly call per frame (the maps were Plotly layout images before: a PNG
 * encoding per column and a relayout each frame), so the picture draws before Plotly has loaded
 * (first paint, player.js); the labels join when the player mounts the view again with it.
 * Links are not layout shapes: measured here, a relayout that changes a shape's path or
 * line.width recalculates the whole plot (10-17 ms with 40 shapes), and even colour-only changes
 * of 1,000 line shapes take ~140 ms; 2-32x8-1 has 7,264 links.
 * full (paused): the same picture plus two marker-less traces whose hover text gives the
 * frame's values: node centres (layer, index, activation, bias, map scale) and one point per link
 * (from -> to, w, dW), at t = 0.25 + 0.5 (j + 1/2) / n_out along link i -> j so no two coincide.
 */
(function () {
  "use strict";
  const live = (window.DNNLive = window.DNNLive || { views: {} });
  live.views = live.views || {};

  const LEVELS = 8;
  const W_SATURATION = 2.5;
  const LINK_BUDGET = 2000;   // links drawn at most, strongest first (see drawLinks)
  const { geometry, nodeName, columnLabels } = live.networkLayout;   // netlayout.js
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const fmt = (v) =>
    v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? String(Number(v.toPrecision(4))) : v.toExponential(2);

  function build(div, links, maps, ctx) {
    const meta = ctx.meta, g = geometry(meta, div.parentElement.clientWidth || 640), C = live.colors;
    const colors = meta.colors, [neg, mid, pos] = [colors.neg, colors.mid, colors.pos].map(C.hex);
    const st = { meta, g, lut: C.table("diverging", colors, meta.quant), hover: false };
    st.midColour = C.rgba32(mid);
    st.classLuts = (colors.classes || []).map((h) => C.classRamp(colors, h));
    const R = meta.res, r = g.r;
    st.sampleIndex = Int32Array.from({ length: r * r }, (_, idx) =>
      Math.floor(((Math.floor(idx / r) + 0.5) * R) / r) * R + Math.floor((((idx % r) + 0.5) * R) / r));
    maps.replaceChildren();
    Object.assign(maps.style, { width: `${g.widthPx}px`, height: `${g.heightPx}px` });
    st.canvases = g.cols.map((col) => {
      const canvas = document.createElement("canvas");
      canvas.className = "dnnlive-column";
      canvas.width = g.stripPx + r;
      canvas.height = col.n * r + (col.n - 1) * g.gapPx;
      Object.assign(canvas.style, { left: `${(col.x - g.strip) * g.nodePx}px`,
        top: `${g.heightPx - col.top * g.nodePx}px`, width: `${(1 + g.strip) * g.nodePx}px`,
        height: `${(col.n * g.pitch - (g.pitch - 1)) * g.nodePx}px` });
      maps.appendChild(canvas);
      const c2d = canvas.getContext("2d");
      return { canvas, c2d, image: c2d.createImageData(canvas.width, canvas.height) };
    });
    st.links = linkCanvas(links, g);
    const wMax = clamp(0.2 * g.nodePx, 2, 6);
    st.pairs = g.sizes.slice(1).map((nOut, p) => {
      const a = g.cols[p], b = g.cols[p + 1], aMin = clamp(4 / Math.sqrt(a.n * nOut), 0.12, 0.7);
      const buckets = [];
      for (let level = 0; level < LEVELS; level++) {
        const width = 0.5 + ((wMax - 0.5) * level) / (LEVELS - 1);
        const alpha = (aMin + ((0.95 - aMin) * level) / (LEVELS - 1)).toFixed(2);
        for (const c of [neg, pos]) buckets.push({ width, colour: `rgba(${c.join(",")},${alpha})` });
      }
      const seg = new Float32Array(4 * a.n * nOut), toPx = (y) => g.heightPx - y * g.nodePx;
      for (let j = 0; j < nOut; j++)
        for (let i = 0; i < a.n; i++)
          seg.set([(a.x + 1) * g.nodePx, toPx(a.ys[i]), b.x * g.nodePx, toPx(b.ys[j])], 4 * (j * a.n + i));
      return { buckets, seg };
    });
    st.levels = new Uint8Array(st.pairs.reduce((n, p) => n + p.seg.length / 4, 0));
    Object.assign(div.style, { width: `${g.widthPx}px`, height: `${g.heightPx}px` });
    if (!ctx.Plotly) return st;
    const layout = {
      width: g.widthPx, height: g.heightPx, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false,
      xaxis: { range: [0, g.width], visible: false, fixedrange: true },
      yaxis: { range: [0, g.height], visible: false, fixedrange: true },
      hovermode: "closest", hoverdistance: 24, dragmode: false,
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      annotations: columnLabels(meta, g, ctx.settings.edit),
    };
    ctx.Plotly.newPlot(div, [], layout, { displayModeBar: false, responsive: false });
    return st;
  }

  /** Size the links canvas to the plot (CSS px), at the screen's pixel density (at most 2). */
  function linkCanvas(canvas, g) {
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = Math.round(g.widthPx * dpr);
    canvas.height = Math.round(g.heightPx * dpr);
    Object.assign(canvas.style, { width: `${g.widthPx}px`, height: `${g.heightPx}px` });
    const c2d = canvas.getContext("2d");
    c2d.setTransform(dpr, 0, 0, dpr, 0, 0);
    return c2d;
  }

  /** Paint column c (node maps + bias squares) into its canvas. */
  function paintColumn(st, frame, c) {
    const g = st.g, r = g.r, { canvas, c2d, image } = st.canvases[c];
    const px = new Uint32Array(image.data.buffer), w = canvas.width, last = g.cols.length - 1;
    const out = frame.output, multi = c === last && out.cls !== undefined;
    const maps = c === 0 ? frame.inputs : c < last ? frame.neurons[c - 1] : null;
    for (let k = 0; k < g.cols[c].n; k++) {
      const oy = k * (r + g.gapPx), base = k * r * r, classLut = st.classLuts[k];
      for (let i = 0; i < r; i++) {
        const row = (oy + r - 1 - i) * w + g.stripPx;
        for (let j = 0; j < r; j++) {
          const idx = i * r + j, s = st.sampleIndex[idx];
          px[row + j] = maps ? st.lut[maps[base + idx]]
            : !multi ? st.lut[out[s]]
            : out.cls[s] === k && classLut ? classLut[out.conf[s]] : st.midColour;
        }
      }
      if (c === 0) continue;
      const b = frame.b[c - 1][k], colour = st.lut[live.colors.quantize(clamp(b, -1, 1), st.meta.quant)];
      for (let y = oy + r - g.biasPx; y < oy + r; y++) px.fill(colour, y * w, y * w + g.biasPx);
    }
    c2d.putImageData(image, 0, 0);
  }

  /** Stroke the links of each layer pair, one path per (width level, sign), thin to thick.
   *  At most LINK_BUDGET links are drawn: when there are more (8 x 32 on 7 inputs: 7,392), the
   *  weakest width levels are left out, from the thinnest up, until the rest fit (the strongest
   *  level is always drawn). Those links are a faint haze at the thinnest widths under the
   *  strong ones, and rasterizing them cost most of the frame (measured in the harness). */
  function drawLinks(st, frame) {
    const c2d = st.links, levels = st.levels, counts = new Int32Array(LEVELS);
    c2d.clearRect(0, 0, st.g.widthPx, st.g.heightPx);
    let o = 0;
    frame.W.forEach((W) => {
      for (let q = 0; q < W.length; q++, o++) {
        const a = Math.abs(W[q]);
        counts[(levels[o] = a < W_SATURATION ? Math.round((a / W_SATURATION) * (LEVELS - 1)) : LEVELS - 1)]++;
      }
    });
    let lowest = LEVELS - 1;
    for (let kept = counts[lowest]; lowest > 0 && kept + counts[lowest - 1] <= LINK_BUDGET; ) kept += counts[--lowest];
    st.lowestLevel = lowest;
    o = 0;
    st.pairs.forEach(({ buckets, seg }, p) => {
      const W = frame.W[p], members = buckets.map(() => []);
      for (let q = 0; q < W.length; q++, o++) {
        const level = levels[o];
        if (level < lowest) continue;
        members[2 * level + (W[q] >= 0 ? 1 : 0)].push(4 * q);
      }
      buckets.forEach(({ width, colour }, k) => {
        if (!members[k].length) return;
        c2d.beginPath();
        for (const m of members[k]) {
          c2d.moveTo(seg[m], seg[m + 1]);
          c2d.lineTo(seg[m + 2], seg[m + 3]);
        }
        c2d.lineWidth = width;
        c2d.strokeStyle = colour;
        c2d.stroke();
      });
    });
  }

  function draw(st, frame) {
    st.g.cols.forEach((_, c) => paintColumn(st, frame, c));
    drawLinks(st, frame);
  }

  function hoverTraces(st, frame) {
    const { g, meta } = st, last = g.cols.length - 1;
    const nodes = { x: [], y: [], text: [] }, links = { x: [], y: [], text: [] };
    g.cols.forEach((col, c) => col.ys.forEach((y, k) => {
      nodes.x.push(col.x + 0.5);
      nodes.y.push(y);
      if (c === 0) return nodes.text.push(`${nodeName(meta, 0, k)}<br>input feature ${k + 1}`);
      const act = c === last ? meta.outputActivation : meta.activations[c - 1];
      const scale = c < last ? `<br>map scale ±${fmt(frame.neuronScale[c - 1][k])}` : "";
      nodes.text.push(`${nodeName(meta, c, k)} (${act})<br>bias b = ${fmt(frame.b[c - 1][k])}${scale}`);
    }));
    g.sizes.slice(1).forEach((nOut, p) => {
      const a = g.cols[p], b = g.cols[p + 1];
      for (let j = 0; j < nOut; j++)
        for (let i = 0; i < a.n; i++) {
          const q = j * a.n + i, t = 0.25 + (0.5 * (j + 0.5)) / nOut;
          links.x.push(a.x + 1 + t * (b.x - a.x - 1));
          links.y.push(a.ys[i] + t * (b.ys[j] - a.ys[i]));
          links.text.push(`${nodeName(meta, p, i)} → ${nodeName(meta, p + 1, j)}<br>` +
            `w = ${fmt(frame.W[p][q])}   (W[${p + 1}] row ${j + 1}, col ${i + 1})<br>dW = ${fmt(frame.dW[p][q])}`);
        }
    });
    // mode "none": hover works without one SVG marker per point (7,264 markers: ~330 ms to draw)
    const trace = (pts) => Object.assign({ type: "scatter", mode: "none", showlegend: false,
      hovertemplate: "%{text}<extra></extra>", hoverlabel: { align: "left" } }, pts);
    return [trace(nodes), trace(links)];
  }

  function neutralFrame(meta) {
    const r2 = meta.thumbRes * meta.thumbRes, sizes = meta.layerSizes, grey = (n) => new Uint8Array(n).fill(128);
    const R2 = meta.res * meta.res, multi = meta.task === "multiclass";
    return {
      inputs: grey(sizes[0] * r2), neurons: sizes.slice(1, -1).map((n) => grey(n * r2)),
      output: multi ? { cls: new Uint8Array(R2).fill(255), conf: new Uint8Array(R2) } : grey(R2),
      b: sizes.slice(1).map((n) => new Float32Array(n)),
      W: sizes.slice(1).map((n, l) => new Float32Array(n * sizes[l])),
    };
  }

  function mount(container, ctx) {
    const box = document.createElement("div"), links = document.createElement("canvas");
    const maps = document.createElement("div"), div = document.createElement("div");
    box.className = "dnnlive-network";
    links.className = "dnnlive-links";
    maps.className = "dnnlive-maps";
    div.className = "dnnlive-netplot";
    box.append(links, maps, div);
    container.appendChild(box);
    let st = build(div, links, maps, ctx), last = null;
    draw(st, neutralFrame(ctx.meta));
    const touch = live.networkTouch(container, box, () => st, () => last, ctx);
    const rebuild = (c) => {
      if (c.Plotly) c.Plotly.purge(div);
      st = build(div, links, maps, c);
      touch.rebuild(c);
    };
    const editKey = (c) => JSON.stringify(c.settings.edit || null);
    let edits = editKey(ctx);
    const adoptMeta = (c) => {
      touch.ctx = c;
      if (editKey(c) !== edits) { edits = editKey(c); return rebuild(c); }
      return c.meta === st.meta || c.meta.version === st.meta.version || rebuild(c);
    };
    const view = {
      update(frame, c) {
        adoptMeta(c);
        if (st.hover) {
          c.Plotly.deleteTraces(div, [0, 1]);
          st.hover = false;
        }
        draw(st, frame);
        last = frame;
        touch.frame(frame);
      },
      full(frame, c) {
        adoptMeta(c);
        draw(st, frame);
        last = frame;
        touch.frame(frame);
        if (!c.Plotly) return;
        const traces = hoverTraces(st, frame);
        if (st.hover) c.Plotly.restyle(div, { text: traces.map((t) => t.text) }, [0, 1]);
        else c.Plotly.addTraces(div, traces);
        st.hover = true;
      },
      /** Optional (player.js calls it on resize): redraw at the new width. */
      resize(c) {
        if ((container.clientWidth || 640) === st.g.widthPx) return;
        const hover = st.hover;
        rebuild(c);
        if (!last) draw(st, neutralFrame(c.meta));
        else if (hover) view.full(last, c);
        else view.update(last, c);
      },
      destroy() {
        if (ctx.Plotly) ctx.Plotly.purge(div);
        touch.destroy();
        box.remove();
      },
    };
    return view;
  }

  live.views.network = { mount, nodeName };
})();
