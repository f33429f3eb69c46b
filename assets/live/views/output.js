/* Output view: the network's output over the input plane, with the data points.
 *
 * The R x R grid is painted into a canvas that sits under the Plotly plot area (plot
 * background transparent), so a running frame costs one putImageData and no Plotly call.
 * The points are Plotly scatter traces, drawn once per data version or showTest change.
 * full(): an invisible heatmap trace over the canvas adds hover values of the same frame.
 * Without Plotly yet (first paint, see player.js) the canvas alone is drawn; the player
 * mounts the view again once Plotly has run.
 * Colours: binary / regression on TF Playground's diverging scale (value in [-1, 1]);
 * multiclass: the class colour, from grey (confidence 1/K) to full (confidence 1). A colour key
 * under the map says so for the task, and for the links and neuron maps.
 * A neuron looked at in the network (touch.js's "dnnlive-neuron" event: its r x r map, 128 = 0,
 * on that neuron's own scale ±max|a|) is drawn over the output, smoothed, until the pointer
 * leaves; the key then gives that neuron's scale.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  NS.views = NS.views || {};
  const MARGIN = { l: 34, r: 8, t: 8, b: 26 };
  const CONFIG = { displayModeBar: false, responsive: false, doubleClick: false };

  /** Uint32 RGBA table (K*256): class k, confidence byte q -> mid..class colour, from
   *  grey at confidence 1/K (colors.js classRamp, re-indexed). */
  function classTable(colors, K, discrete) {
    const table = new Uint32Array(K * 256);
    for (let k = 0; k < K; k++) {
      const ramp = NS.colors.classRamp(colors, colors.classes[k % colors.classes.length]);
      for (let q = 0; q < 256; q++) {
        const t = discrete ? 1 : Math.min(1, Math.max(0, (q / 255 - 1 / K) / (1 - 1 / K)));
        table[k * 256 + q] = ramp[Math.round(255 * t)];
      }
    }
    return table;
  }

  class OutputView {
    constructor(container, ctx) {
      this.ctx = ctx;
      this.el = container;
      const m = ctx.meta;
      this.R = m.res;
      this.wrap = document.createElement("div");
      this.wrap.className = "dnnlive-output";
      this.canvas = document.createElement("canvas");
      this.canvas.className = "dnnlive-heat";
      this.plot = document.createElement("div");
      this.plot.className = "dnnlive-plot";
      this.focusCanvas = document.createElement("canvas");
      this.focusCanvas.className = "dnnlive-focus";
      this.focusTitle = document.createElement("div");
      this.focusTitle.className = "dnnlive-focus-title";
      this.focusTitle.dataset.testid = "live-output-focus";
      this.wrap.append(this.canvas, this.focusCanvas, this.plot, this.focusTitle);
      container.appendChild(this.wrap);
      this.key = document.createElement("div");
      this.key.className = "dnnlive-colorkey";
      this.key.dataset.testid = "live-output-key";
      container.after(this.key);
      this.showKey(null);
      this.onNeuron = (ev) => this.focus(ev.detail);
      this.root = container.closest(".dnnlive") || container.parentElement;
      this.root.addEventListener("dnnlive-neuron", this.onNeuron);
      this.img = this.canvas.getContext("2d").createImageData(this.R, this.R);
      this.canvas.width = this.canvas.height = this.R;
      this.px = new Uint32Array(this.img.data.buffer);
      this.showTest = !!ctx.settings.showTest;
      this.mode = "fast";
      this.tables = {};
      const layout = this.layout();
      if (ctx.Plotly) ctx.Plotly.newPlot(this.plot, this.pointTraces(), layout, CONFIG);
      this.place();
      this.onClick = this.onClick.bind(this);
      this.wrap.addEventListener("click", this.onClick);
    }
    /** Drawing mode: a click sends its input-plane point to the server ("click" trigger):
     * plain adds a point of the chosen class, shift the other class, alt/ctrl removes the
     * nearest point (ConvNetJS's demo). The engine, not the browser, changes the data. */
    onClick(ev) {
      if (!this.ctx.settings.draw) return;
      const rect = this.canvas.getBoundingClientRect();
      const u = (ev.clientX - rect.left) / rect.width, v = (ev.clientY - rect.top) / rect.height;
      if (u < 0 || u > 1 || v < 0 || v > 1) return;
      const [x0, x1, y0, y1] = this.ctx.meta.domain;
      this.ctx.send("click", { x: x0 + u * (x1 - x0), y: y1 - v * (y1 - y0),
        shift: ev.shiftKey, remove: ev.altKey || ev.ctrlKey || ev.metaKey });
    }
    layout() {
      const side = Math.max(180, Math.min(this.el.clientWidth || 360, this.el.clientHeight || 360));
      const plotSide = side - MARGIN.l - MARGIN.r;
      this.box = { w: side, h: plotSide + MARGIN.t + MARGIN.b, side: plotSide };
      const [x0, x1, y0, y1] = this.ctx.meta.domain;
      const axis = (range, title) => ({ range, showgrid: false, zeroline: false, ticks: "outside",
        ticklen: 3, tickfont: { size: 10 }, fixedrange: true, automargin: false,
        title: { text: title, font: { size: 11 }, standoff: 2 } });
      return { width: this.box.w, height: this.box.h, margin: MARGIN, showlegend: false,
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", hovermode: "closest",
        xaxis: axis([x0, x1], ""), yaxis: axis([y0, y1], ""), dragmode: false };
    }
    place() {
      const side = this.box.side + "px";
      for (const s of [this.canvas.style, this.focusCanvas.style]) {
        s.left = MARGIN.l + "px"; s.top = MARGIN.t + "px"; s.width = side; s.height = side;
      }
      this.wrap.style.width = this.box.w + "px";
      this.wrap.style.height = this.box.h + "px";
    }
    pointTraces() {
      const p = this.ctx.points;
      if (!p) return [];
      const traces = [this.scatter(p.trainX, p.trainY, "train", "#ffffff")];
      if (this.showTest && p.testY.length) traces.push(this.scatter(p.testX, p.testY, "test", "#1f2933"));
      return traces;
    }
    scatter(X, y, name, stroke) {
      const m = this.ctx.meta, n = y.length, xs = new Array(n), ys = new Array(n);
      const colors = new Array(n), regression = m.task === "regression";
      const classes = m.classes || [];
      for (let i = 0; i < n; i++) {
        xs[i] = X[2 * i]; ys[i] = X[2 * i + 1];
        colors[i] = regression ? this.valueColor(y[i]) : m.colors.classes[y[i] % m.colors.classes.length];
      }
      const label = regression ? "y=%{customdata:.3f}" : "class %{customdata}";
      const custom = regression ? Array.from(y) : Array.from(y, (k) => classes[k] ?? k);
      return { type: "scatter", mode: "markers", name, x: xs, y: ys, customdata: custom,
        marker: { size: 6, color: colors, line: { color: stroke, width: 1 } },
        hovertemplate: `${name}: (%{x:.2f}, %{y:.2f})<br>${label}<extra></extra>` };
    }
    valueColor(v) {
      const [r, g, b] = this.ctx.colormap(NS.colors.quantize(v, this.ctx.meta.quant));
      return `rgb(${r},${g},${b})`;
    }

    // -- a neuron's map, large, and the colour key
    focus(detail) {
      const show = !!detail;
      this.focusCanvas.classList.toggle("dnnlive-show", show);
      this.focusTitle.classList.toggle("dnnlive-show", show);
      this.canvas.style.visibility = show ? "hidden" : "";
      this.showKey(detail);
      if (!show) return;
      this.ctx.paint(this.focusCanvas, detail.map, detail.r, detail.r,
        this.ctx.lut("diverging", this.ctx.meta.colors), true);
      this.focusTitle.textContent = `${detail.title}` +
        (detail.scale ? `: activation, scale ±${Number(detail.scale.toPrecision(3))}` : ": input value");
    }
    showKey(detail) {
      const m = this.ctx.meta, c = m.colors, swatch = (colour) =>
        `<span class="dnnlive-swatch" style="background:${colour}"></span>`;
      const ramp = `<span class="dnnlive-ramp" style="background:linear-gradient(90deg,${c.neg},${c.mid},${c.pos})"></span>`;
      const esc = (t) => String(t).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
      const name = (k) => esc((m.classes || [])[k] ?? k);
      let map;
      if (detail) map = `${ramp} ${esc(detail.title)}: orange −, blue + (${detail.scale ? `±${Number(detail.scale.toPrecision(3))}, its own scale` : "the input's range"})`;
      else if (m.task === "multiclass") map = (m.classes || []).map((_, k) => `${swatch(c.classes[k % c.classes.length])} class ${name(k)}`).join(" ") + " (paler: less sure)";
      else if (m.task === "binary") map = `${swatch(c.neg)} class ${name(0)} ${ramp} ${swatch(c.pos)} class ${name(1)} (pale: unsure)`;
      else map = `${ramp} output −1 (orange) … +1 (blue)`;
      this.key.innerHTML = `<span class="dnnlive-key">${map}</span>` +
        `<span class="dnnlive-key">links and neuron maps: ${swatch(c.neg)} negative, ${swatch(c.pos)} positive; thicker link: larger |w|</span>`;
    }

    // -- the grid
    paintFrame(frame) {
      const out = frame.output, m = this.ctx.meta, discrete = !!this.ctx.settings.discretize;
      if (!out.cls) {
        this.ctx.paint(this.canvas, out, this.R, this.R,
          this.ctx.lut(discrete ? "discrete" : "diverging", m.colors), true);
        return;
      }
      const key = discrete ? "d" : "c";
      const table = this.tables[key] || (this.tables[key] = classTable(m.colors, m.nClasses, discrete));
      const R = this.R, px = this.px, cls = out.cls, conf = out.conf;
      for (let r = 0; r < R; r++) {
        const src = r * R, dst = (R - 1 - r) * R;
        for (let c = 0; c < R; c++) px[dst + c] = table[cls[src + c] * 256 + conf[src + c]];
      }
      this.canvas.getContext("2d").putImageData(this.img, 0, 0);
    }
    heatTrace(frame) {
      const m = this.ctx.meta, R = this.R, [x0, x1, y0, y1] = m.domain, out = frame.output;
      const xs = Array.from({ length: R }, (_, i) => x0 + (x1 - x0) * i / (R - 1));
      const ys = Array.from({ length: R }, (_, i) => y0 + (y1 - y0) * i / (R - 1));
      const z = [], custom = [];
      const [zero, step] = m.quant, value = (q) => (q - zero) / step;
      for (let r = 0; r < R; r++) {
        const row = new Array(R), crow = new Array(R);
        for (let c = 0; c < R; c++) {
          const i = r * R + c;
          if (out.cls) { row[c] = out.cls[i]; crow[c] = out.conf[i] / 255; }
          else row[c] = m.task === "binary" ? (value(out[i]) + 1) / 2 : value(out[i]);
        }
        z.push(row); custom.push(crow);
      }
      const text = out.cls ? "class %{z}, p=%{customdata:.2f}"
        : m.task === "binary" ? "P(class 1)=%{z:.3f}" : "output=%{z:.3f}";
      return { type: "heatmap", x: xs, y: ys, z, customdata: out.cls ? custom : undefined,
        opacity: 0, showscale: false, hoverongaps: false,
        hovertemplate: `(%{x:.2f}, %{y:.2f})<br>${text}<extra></extra>` };
    }

    // -- the view interface
    update(frame, ctx) {
      this.ctx = ctx;
      this.wrap.classList.toggle("dnnlive-drawing", !!ctx.settings.draw);
      if (ctx.Plotly && (this.mode === "full" || this.showTest !== !!ctx.settings.showTest)) {
        this.showTest = !!ctx.settings.showTest;
        this.mode = "fast";
        ctx.Plotly.react(this.plot, this.pointTraces(), this.layout(), CONFIG);
      }
      this.paintFrame(frame);
    }
    full(frame, ctx) {
      this.ctx = ctx;
      this.wrap.classList.toggle("dnnlive-drawing", !!ctx.settings.draw);
      this.showTest = !!ctx.settings.showTest;
      this.paintFrame(frame);
      if (!ctx.Plotly) return;
      ctx.Plotly.react(this.plot, [this.heatTrace(frame), ...this.pointTraces()], this.layout(), CONFIG);
      this.mode = "full";
    }
    resize(ctx) {
      const before = this.box.w;
      const layout = this.layout();
      if (layout.width === before) return;
      if (ctx.Plotly) ctx.Plotly.relayout(this.plot, { width: layout.width, height: layout.height });
      this.place();
    }
    destroy() {
      this.wrap.removeEventListener("click", this.onClick);
      this.root.removeEventListener("dnnlive-neuron", this.onNeuron);
      this.key.remove();
      if (this.ctx.Plotly) this.ctx.Plotly.purge(this.plot);
      this.wrap.remove();
    }
  }

  NS.views.output = { mount: (container, ctx) => new OutputView(container, ctx) };
})();
