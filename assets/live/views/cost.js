/* Cost view: train and test loss against epochs (the penalty part dashed), accuracy or R²
 * on a second axis, the best test epoch marked. Also defines DNNLive.LineChart, shared
 * with flow.js.
 *
 * LineChart draws Plotly axes only; while running, the lines go to a canvas over the plot
 * area, extended by the new points each frame (redrawn whole only when an axis range
 * grows, the curve is thinned or reset). Ranges are explicit and grow in 1-2-5 steps (x) or
 * half decades (log y), so Plotly is called a few times per run, not per frame.
 * full(): the same lines as hoverable Plotly traces.
 * A frame of the timeline (frame.timeline: a scrubbed or replayed keyframe) gets a cursor,
 * a vertical line at its epoch; the cursor and the best-epoch line move with `text`
 * (player.js: at most 10 times a second), not with every frame.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  NS.views = NS.views || {};
  const MARGIN = { l: 46, r: 40, t: 10, b: 30 };
  const CONFIG = { displayModeBar: false, responsive: false, doubleClick: false };

  function nice125(x) {                         // smallest 1, 2, 5 x 10^k >= x
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }

  /** spec: {series: [{label, color, width, dash, axis: "y"|"y2", get(curve, i)}],
   *  logY(ctx) -> bool, y2(ctx) -> [lo, hi] or null, yTitle, y2Title, best: bool} */
  class LineChart {
    constructor(container, ctx, spec) {
      this.el = container; this.ctx = ctx; this.spec = spec;
      this.legend = add("div", "dnnlive-legend", container);
      this.keys = spec.series.map((s) => {
        const key = add("span", "dnnlive-key", this.legend);
        if (s.optional) key.style.display = "none";
        const swatch = add("span", "dnnlive-swatch", key);
        swatch.style.borderTop = `${Math.max(2, s.width)}px ${s.dash ? "dashed" : "solid"} ${s.color}`;
        add("span", "", key).textContent = s.label;
        return key;
      });
      this.wrap = add("div", "dnnlive-chart", container);
      this.plot = add("div", "dnnlive-plot", this.wrap);
      this.canvas = add("canvas", "dnnlive-lines", this.wrap);
      this.bestLine = add("div", "dnnlive-best", this.wrap);
      this.cursor = add("div", "dnnlive-cursor", this.wrap);
      this.cursor.dataset.testid = "live-cost-cursor";
      Object.assign(this.cursor.style, { position: "absolute", left: "0", zIndex: 3, width: "0",
        borderLeft: "2px solid #c2255c", pointerEvents: "none", display: "none" });
      this.x = [0, 10]; this.y = null; this.y2 = null; this.log = null;
      this.drawnN = 0; this.drawnGen = -1; this.mode = "fast";
      this.measure();
      ctx.Plotly.newPlot(this.plot, this.axisTraces(), this.layout(), CONFIG);
      this.place();
    }
    measure() {
      this.w = Math.max(200, this.wrap.clientWidth || this.el.clientWidth || 400);
      this.h = Math.max(120, this.wrap.clientHeight || 200);
      this.pw = this.w - MARGIN.l - MARGIN.r; this.ph = this.h - MARGIN.t - MARGIN.b;
    }
    layout() {
      const axis = (extra) => ({ showgrid: true, gridcolor: "#eef0f2", zeroline: false,
        ticks: "outside", ticklen: 3, tickfont: { size: 10 }, fixedrange: true,
        automargin: false, title: { font: { size: 11 }, standoff: 4 }, ...extra });
      const layout = { width: this.w, height: this.h, margin: MARGIN, showlegend: false,
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", dragmode: false,
        hovermode: "x unified",
        xaxis: axis({ range: this.x.slice(), title: { text: "epoch", font: { size: 11 } } }),
        yaxis: axis({ type: this.log ? "log" : "linear", range: (this.y || [0, 1]).slice(),
          title: { text: this.spec.yTitle, font: { size: 11 } }, exponentformat: "power",
          dtick: this.log ? (this.y && this.y[1] - this.y[0] > 2 ? 1 : "D2") : undefined }) };
      if (this.y2) {
        layout.yaxis2 = axis({ range: this.y2.slice(), overlaying: "y", side: "right",
          showgrid: false, dtick: nice125((this.y2[1] - this.y2[0]) / 6), title: { text: this.spec.y2Title, font: { size: 11 } } });
      }
      return layout;
    }
    /** Fast mode has no data traces; Plotly draws only axes that some trace uses. */
    axisTraces() {
      const empty = (yaxis) => ({ type: "scatter", x: [], y: [], yaxis, hoverinfo: "skip" });
      return this.y2 ? [empty("y"), empty("y2")] : [empty("y")];
    }
    place() {
      const dpr = window.devicePixelRatio || 1, s = this.canvas.style;
      this.canvas.width = Math.round(this.pw * dpr); this.canvas.height = Math.round(this.ph * dpr);
      s.left = MARGIN.l + "px"; s.top = MARGIN.t + "px";
      s.width = this.pw + "px"; s.height = this.ph + "px";
      this.g = this.canvas.getContext("2d");
      this.g.setTransform(dpr, 0, 0, dpr, 0, 0);
      this.bestLine.style.top = MARGIN.t + "px"; this.bestLine.style.height = this.ph + "px";
      this.cursor.style.top = MARGIN.t + "px"; this.cursor.style.height = this.ph + "px";
      this.drawnGen = -1;
    }

    /** Fit the axis ranges to rows from..n-1 (from 0: refit, else only grow); true if a
     *  range changed (then the axes are redrawn once). */
    fit(curve, from) {
      const spec = this.spec, log = !!spec.logY(this.ctx), refit = from === 0 || log !== this.log;
      if (refit) from = 0;
      let lo = Infinity, hi = -Infinity;
      for (const s of spec.series) {
        if (s.axis === "y2") continue;
        for (let i = from; i < curve.n; i++) {
          const v = s.get(curve, i);
          if (!(log ? v > 0 : v >= 0)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      let y = refit ? null : this.y;
      if (hi >= lo) {
        const want = log ? [Math.floor(2 * Math.log10(lo)) / 2, Math.ceil(2 * Math.log10(hi)) / 2]
          : [0, nice125(hi * 1.05 || 1)];
        if (log && want[1] - want[0] < 1) want[1] = want[0] + 1;
        y = y ? [Math.min(y[0], want[0]), Math.max(y[1], want[1])] : want;
      }
      const lastX = curve.n ? curve.cols.epoch[curve.n - 1] : 0;
      const x1 = refit || lastX > this.x[1] ? nice125(Math.max(10, lastX)) : this.x[1];
      const y2 = spec.y2 ? spec.y2(this.ctx, curve) : null;
      const changed = log !== this.log || String(y) !== String(this.y) || x1 !== this.x[1] ||
        String(y2) !== String(this.y2);
      this.log = log; this.y = y; this.x = [0, x1]; this.y2 = y2;
      if (changed && this.mode === "fast") this.ctx.Plotly.react(this.plot, this.axisTraces(), this.layout(), CONFIG);
      return changed;
    }
    sx(x) { return (x - this.x[0]) / (this.x[1] - this.x[0]) * this.pw; }
    sy(v, axis) {
      if (axis === "y2") return this.ph - (v - this.y2[0]) / (this.y2[1] - this.y2[0]) * this.ph;
      const y = this.y || [0, 1], t = this.log ? Math.log10(v) : v;
      return this.ph - (t - y[0]) / (y[1] - y[0]) * this.ph;
    }
    /** Fast path: draw the rows not drawn yet (all of them after a range change). */
    update(ctx) {
      this.ctx = ctx;
      const curve = ctx.curve;
      if (this.mode === "full") { this.mode = "fast"; this.canvas.style.visibility = ""; this.drawnGen = -1; }
      let from = curve.gen === this.drawnGen && curve.n >= this.drawnN ? this.drawnN : 0;
      if (this.fit(curve, from)) from = 0;
      if (from === 0) this.g.clearRect(0, 0, this.pw, this.ph);
      const g = this.g, start = Math.max(0, from - 1);
      this.spec.series.forEach((s, k) => {
        if (s.axis === "y2" && !this.y2) return;
        if (s.optional && !s.seen) {
          for (let i = start; i < curve.n && !s.seen; i++) s.seen = s.get(curve, i) > 0;
          if (!s.seen) return;
          this.keys[k].style.display = "";
        }
        g.strokeStyle = s.color; g.lineWidth = s.width; g.setLineDash(s.dash ? [5, 4] : []);
        g.beginPath();
        let pen = false;
        for (let i = start; i < curve.n; i++) {
          const v = s.get(curve, i);
          if (v === null || Number.isNaN(v) || (s.axis !== "y2" && this.log && !(v > 0))) { pen = false; continue; }
          const X = this.sx(curve.cols.epoch[i]), Y = this.sy(v, s.axis);
          if (pen) g.lineTo(X, Y); else { g.moveTo(X, Y); pen = true; }
        }
        g.stroke();
      });
      this.drawnN = curve.n; this.drawnGen = curve.gen;
    }
    placeBest(best) {
      const show = this.spec.best && best && best.epoch >= 0 && best.epoch <= this.x[1];
      this.bestLine.style.display = show ? "block" : "none";
      if (show) this.bestLine.style.transform = `translateX(${MARGIN.l + this.sx(best.epoch)}px)`;
    }
    /** The timeline's cursor at a scrubbed or replayed frame's epoch, hidden otherwise. */
    placeCursor(frame) {
      const show = !!(frame && frame.timeline) && frame.epoch <= this.x[1];
      this.cursor.style.display = show ? "block" : "none";
      if (show) this.cursor.style.transform = `translateX(${MARGIN.l + this.sx(frame.epoch) - 1}px)`;
    }
    /** Paused: the same lines as hoverable traces. */
    full(ctx) {
      this.ctx = ctx;
      const curve = ctx.curve;
      this.fit(curve, 0);
      const n = curve.n, x = Array.from(curve.cols.epoch.subarray(0, n));
      for (const s of this.spec.series) {
        for (let i = 0; s.optional && !s.seen && i < n; i++) s.seen = s.get(curve, i) > 0;
      }
      this.keys.forEach((key, k) => { if (this.spec.series[k].seen) key.style.display = ""; });
      const shown = (s) => (s.axis !== "y2" || this.y2) && (!s.optional || s.seen);
      const traces = this.spec.series.filter(shown).map((s) => {
        const y = new Array(n);
        for (let i = 0; i < n; i++) {
          const v = s.get(curve, i);
          y[i] = v === null || Number.isNaN(v) || (s.axis !== "y2" && this.log && !(v > 0)) ? null : v;
        }
        return { type: "scatter", mode: "lines", name: s.label, x, y, yaxis: s.axis === "y2" ? "y2" : "y",
          line: { color: s.color, width: s.width, dash: s.dash ? "dash" : "solid" },
          hovertemplate: "%{y:.4g}" };
      });
      this.canvas.style.visibility = "hidden";
      this.mode = "full";
      ctx.Plotly.react(this.plot, traces, this.layout(), CONFIG);
    }
    resize(ctx) {
      const w = this.w, h = this.h;
      this.measure();
      if (w === this.w && h === this.h) return;
      ctx.Plotly.relayout(this.plot, { width: this.w, height: this.h });
      this.place();
      if (this.mode === "fast") this.update(ctx);
      this.placeBest(ctx.best);
    }
    destroy() { this.ctx.Plotly.purge(this.plot); this.el.innerHTML = ""; }
  }

  function add(tag, cls, parent) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }
  NS.LineChart = LineChart;

  const col = (name) => (curve, i) => curve.cols[name][i];
  function costChart(container, ctx) {
    const regression = ctx.meta.task === "regression";
    const metric = regression ? "R²" : "accuracy";
    return new LineChart(container, ctx, {
      yTitle: "loss", y2Title: metric, best: true,
      logY: (c) => !!c.settings.logScale,
      y2: (c, curve) => {
        if (!regression) return [0, 1];
        let lo = 0;
        for (let i = 0; i < curve.n; i++) lo = Math.min(lo, curve.cols.train_metric[i], curve.cols.test_metric[i]);
        return [Math.max(-1, Math.floor(lo * 5) / 5), 1];
      },
      series: [
        // The engine's train_loss is the cost (data loss + penalty): drawn as its data part,
        // comparable with the test loss, and the penalty beside it.
        { label: "train loss", color: "#9aa5b1", width: 2,
          get: (curve, i) => curve.cols.train_loss[i] - curve.cols.train_penalty[i] },
        { label: "test loss", color: "#1f2933", width: 2, get: col("test_loss") },
        { label: "penalty (added to the train cost)", color: "#9aa5b1", width: 1.5, dash: true,
          optional: true, get: col("train_penalty") },
        { label: `train ${metric}`, color: "#3a9d5d", width: 1, dash: true, axis: "y2", get: col("train_metric") },
        { label: `test ${metric}`, color: "#3a9d5d", width: 1.5, axis: "y2", get: col("test_metric") },
      ],
    });
  }
  NS.views.cost = {
    needsPlotly: true,
    mount(container, ctx) {
      const chart = costChart(container, ctx);
      return { update: (f, c) => chart.update(c), full: (f, c) => chart.full(c),
        text: (f, c) => { chart.placeBest(c.best); chart.placeCursor(f); },
        resize: (c) => chart.resize(c), destroy: () => chart.destroy() };
    },
  };
})();
