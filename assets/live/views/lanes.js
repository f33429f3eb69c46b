/* Lanes view (the Compare page, ui/compare/live.py): every lane of a race in one panel.
 *
 * Top: train (solid) and test (dashed) data loss of every lane overlaid, log y, one colour
 * per lane; beside it accuracy (or R²), the same colours. Below, one card per lane: what it
 * changes, its numbers, its output map (the same colour scale for every lane) with the
 * training points, its per-layer gradient norms over time (log y) and, when it diverged,
 * its message. Everything is canvas: a frame costs one putImageData per lane and a redraw
 * of the line charts (each series decimated to the chart's pixel width), no Plotly call.
 * The history is the player's curve (ctx.curve), columns "<lane>:train", "<lane>:test",
 * "<lane>:train_metric", "<lane>:test_metric", "<lane>:g<layer>"; NaN is a gap.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  NS.views = NS.views || {};
  const PALETTE = NS.colors.series;           // colors.js runs first
  const M = { l: 44, r: 8, t: 6, b: 22 };
  const SPEAK_MS = 1000;

  function nice125(x) {
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }
  const fmt = (x) => (x === null || x === undefined || !isFinite(x) ? "–"
    : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.001) ? x.toExponential(2) : x.toFixed(3));
  const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %");
  function add(tag, parent, css, text) {
    const e = parent.appendChild(document.createElement(tag));
    if (css) e.style.cssText = css;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function setText(e, text) { if (e.textContent !== text) e.textContent = text; }

  /** A canvas line chart: series [{col, color, dash}] of ctx.curve against epoch. */
  class Chart {
    constructor(parent, height, opts) {
      this.opts = opts;
      this.canvas = add("canvas", parent, `display:block;width:100%;height:${height}px`);
      this.h = height; this.w = 0;
    }
    size() {
      const w = Math.max(120, this.canvas.clientWidth || 300), dpr = window.devicePixelRatio || 1;
      if (w !== this.w) {
        this.w = w; this.canvas.width = Math.round(w * dpr); this.canvas.height = Math.round(this.h * dpr);
        this.g = this.canvas.getContext("2d"); this.g.setTransform(dpr, 0, 0, dpr, 0, 0);
      }
    }
    draw(curve, series) {
      this.size();
      const g = this.g, pw = this.w - M.l - M.r, ph = this.h - M.t - M.b, n = curve.n;
      const ep = curve.cols.epoch, log = this.opts.log;
      const stride = Math.max(1, Math.ceil(n / pw));
      let lo = Infinity, hi = -Infinity;
      for (const s of series) {
        const col = curve.cols[s.col];
        if (!col) continue;
        for (let i = 0; i < n; i++) {
          const v = col[i];
          if (!(log ? v > 0 : isFinite(v)) || !isFinite(v)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      let y0, y1;
      if (log) {
        if (!(hi >= lo)) { lo = 0.01; hi = 1; }
        y0 = Math.floor(2 * Math.log10(lo)) / 2; y1 = Math.ceil(2 * Math.log10(hi)) / 2;
        if (y1 - y0 < 1) y1 = y0 + 1;
      } else [y0, y1] = this.opts.range;
      const x1 = nice125(Math.max(10, n ? ep[n - 1] : 0));
      const sx = (x) => M.l + x / x1 * pw;
      const sy = (v) => {
        const t = log ? Math.log10(v) : Math.max(y0, Math.min(y1, v));
        return M.t + ph - (t - y0) / (y1 - y0) * ph;
      };
      g.clearRect(0, 0, this.w, this.h);
      g.font = "10px sans-serif"; g.fillStyle = "#555"; g.strokeStyle = "#eef0f2"; g.lineWidth = 1;
      g.textAlign = "right"; g.textBaseline = "middle";
      const yt = log ? [] : this.opts.ticks;
      if (log) for (let d = Math.ceil(y0); d <= y1; d++) yt.push(Math.pow(10, d));
      for (const v of yt) {
        const y = sy(v);
        g.beginPath(); g.moveTo(M.l, y); g.lineTo(M.l + pw, y); g.stroke();
        g.fillText(log ? (Math.abs(Math.log10(v)) > 2 ? `1e${Math.log10(v)}` : String(v)) : String(v), M.l - 4, y);
      }
      g.textAlign = "center"; g.textBaseline = "top";
      for (let k = 0; k <= 5; k++) {
        const x = x1 * k / 5;
        g.fillText(x >= 1000 ? `${x / 1000}k` : String(x), sx(x), M.t + ph + 4);
      }
      g.strokeStyle = "#999"; g.strokeRect(M.l, M.t, pw, ph);
      g.save(); g.beginPath(); g.rect(M.l, M.t, pw, ph); g.clip();
      for (const s of series) {
        const col = curve.cols[s.col];
        if (!col) continue;
        g.strokeStyle = s.color; g.lineWidth = s.width || 1.6; g.setLineDash(s.dash ? [5, 4] : []);
        g.beginPath();
        let open = false;
        for (let i = 0; i < n; i += stride) {
          const j = Math.min(n - 1, i), v = col[j];
          if (!isFinite(v) || (log && !(v > 0))) { open = false; continue; }
          if (open) g.lineTo(sx(ep[j]), sy(v)); else { g.moveTo(sx(ep[j]), sy(v)); open = true; }
        }
        if (n && (n - 1) % stride) {
          const v = col[n - 1];
          if (isFinite(v) && (!log || v > 0)) (open ? g.lineTo : g.moveTo).call(g, sx(ep[n - 1]), sy(v));
        }
        g.stroke();
      }
      g.restore(); g.setLineDash([]);
    }
  }

  class LanesView {
    constructor(container, ctx) {
      this.ctx = ctx;
      const m = ctx.meta;
      this.el = container;
      container.innerHTML = "";
      if (container.parentElement) container.parentElement.style.gridColumn = "1 / -1";  // full width
      const top = add("div", container, "display:grid;grid-template-columns:minmax(0,1.5fr) minmax(0,1fr);gap:6px 16px");
      const lossBox = add("div", top), metricBox = add("div", top);
      lossBox.dataset.testid = "lanes-loss"; metricBox.dataset.testid = "lanes-metric";
      add("div", lossBox, "font-size:12px;font-weight:600", "Data loss: train (solid), test (dashed)");
      this.legend(lossBox, m.lanes);
      const r2 = m.metricName === "r2";
      add("div", metricBox, "font-size:12px;font-weight:600", `${r2 ? "R²" : "Accuracy"}: train (solid), test (dashed)`);
      this.legend(metricBox, m.lanes);
      this.loss = new Chart(lossBox, 170, { log: true });
      this.metric = new Chart(metricBox, 170, r2 ? { range: [-1, 1], ticks: [-1, -0.5, 0, 0.5, 1] }
        : { range: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] });
      this.lossSeries = []; this.metricSeries = [];
      m.lanes.forEach((lane, i) => {
        this.lossSeries.push({ col: `${i}:train`, color: lane.color }, { col: `${i}:test`, color: lane.color, dash: true });
        this.metricSeries.push({ col: `${i}:train_metric`, color: lane.color },
          { col: `${i}:test_metric`, color: lane.color, dash: true });
      });
      const row = add("div", container, `display:grid;grid-template-columns:repeat(${m.lanes.length},minmax(0,1fr));gap:10px;margin-top:10px`);
      this.cards = m.lanes.map((lane, i) => this.card(row, lane, i));
      this.summary = add("div", container, "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)");
      this.summary.setAttribute("role", "status"); this.summary.setAttribute("aria-live", "polite");
      this.summary.dataset.testid = "lanes-summary";
      this.spokenAt = -Infinity;
      this.table = this.mapTable();
      this.drawPoints();
    }
    legend(parent, lanes) {
      const box = add("div", parent, "display:flex;flex-wrap:wrap;gap:2px 12px;font-size:11px");
      lanes.forEach((lane, i) => {
        const key = add("span", box, "display:inline-flex;align-items:center;gap:4px");
        add("span", key, `display:inline-block;width:16px;border-top:3px solid ${lane.color}`);
        add("span", key, "", `${i + 1}: ${lane.title}`);
      });
    }
    card(parent, lane, i) {
      const box = add("section", parent, `min-width:0;border-top:4px solid ${lane.color};padding-top:4px`);
      box.dataset.testid = `lane-${i}`;
      box.setAttribute("aria-label", `Lane ${i + 1}: ${lane.title}`);
      add("div", box, "font-size:13px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis",
        `${i + 1}. ${lane.title}`).title = lane.title;
      const nums = add("div", box, "font-size:11.5px;font-variant-numeric:tabular-nums;min-height:2.6em");
      nums.dataset.testid = `lane-${i}-numbers`;
      const wrap = add("div", box, "position:relative;width:100%;aspect-ratio:1;max-width:220px");
      const map = add("canvas", wrap, "position:absolute;inset:0;width:100%;height:100%;image-rendering:pixelated");
      const dots = add("canvas", wrap, "position:absolute;inset:0;width:100%;height:100%");
      add("div", box, "font-size:11px;margin-top:4px;opacity:.8", "Gradient norm per layer (log)");
      const grad = new Chart(box, 110, { log: true });
      const series = [];
      for (let l = 0; l < lane.layers; l++) series.push({ col: `${i}:g${l}`, color: PALETTE[l % PALETTE.length], width: 1.2 });
      const msg = add("div", box, "display:none;margin-top:4px;padding:4px 6px;border-radius:4px;background:#fdecea;color:#8a1c1c;font-size:12px");
      msg.setAttribute("role", "alert");
      msg.dataset.testid = `lane-${i}-message`;
      return { nums, wrap, map, dots, grad, series, msg };
    }
    mapTable() {
      const m = this.ctx.meta;
      if (m.task !== "multiclass") return this.ctx.lut("diverging", m.colors);
      const K = m.nClasses, table = new Uint32Array(K * 256);
      for (let k = 0; k < K; k++) table.set(NS.colors.classRamp(m.colors, m.colors.classes[k % m.colors.classes.length]), k * 256);
      return table;
    }
    drawPoints() {
      const p = this.ctx.points, m = this.ctx.meta;
      if (!p) return;
      const [x0, x1, y0, y1] = m.domain, c = m.colors;
      for (const card of this.cards) {
        const s = Math.max(40, card.wrap.clientWidth || 200), dpr = window.devicePixelRatio || 1;
        card.dots.width = Math.round(s * dpr); card.dots.height = Math.round(s * dpr);
        const g = card.dots.getContext("2d");
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        const X = p.trainX, Y = p.trainY, n = Y.length;
        g.lineWidth = 0.8; g.strokeStyle = "rgba(255,255,255,.9)";
        for (let i = 0; i < n; i++) {
          const y = Y[i];
          g.fillStyle = m.task === "multiclass" ? c.classes[y % c.classes.length]
            : (m.task === "binary" ? y >= 0.5 : y >= 0) ? c.pos : c.neg;
          g.beginPath();
          g.arc((X[2 * i] - x0) / (x1 - x0) * s, (1 - (X[2 * i + 1] - y0) / (y1 - y0)) * s, 2.2, 0, 6.2832);
          g.fill(); g.stroke();
        }
      }
    }
    update(f, ctx) {
      const m = ctx.meta, curve = ctx.curve, R = m.res;
      this.loss.draw(curve, this.lossSeries);
      this.metric.draw(curve, this.metricSeries);
      f.lanes.forEach((lane, i) => {
        const card = this.cards[i];
        if (!card) return;
        const out = lane.output;
        if (out.cls) {
          const u = new Uint16Array(R * R);
          for (let j = 0; j < R * R; j++) u[j] = out.cls[j] * 256 + out.conf[j];
          ctx.paint(card.map, u, R, R, this.table, true);
        } else ctx.paint(card.map, out, R, R, this.table, true);
        card.grad.draw(curve, card.series);
      });
      window.__dnnLive.lanesView = { rows: curve.n, epochs: f.lanes.map((l) => l.epoch) };
    }
    /** Each card's numbers and message, and the text alternative (player.js: at most 10 times a second). */
    text(f, ctx) {
      const r2 = ctx.meta.metricName === "r2";
      f.lanes.forEach((lane, i) => {
        const card = this.cards[i];
        if (!card) return;
        const metric = r2 ? `R² ${fmt(lane.metric.train)} / ${fmt(lane.metric.test)}`
          : `accuracy ${pct(lane.metric.train)} / ${pct(lane.metric.test)}`;
        setText(card.nums, `epoch ${lane.epoch.toLocaleString("en-US")} · loss ${fmt(lane.loss.train_data)} / ` +
          `${fmt(lane.loss.test)} · ${metric} (train / test)`);
        setText(card.msg, lane.diverged ? (lane.message || "This lane diverged.") : "");
        card.msg.style.display = lane.diverged ? "block" : "none";
      });
      this.speak(f, r2);
    }
    speak(f, r2) {
      const now = performance.now();
      if (now - this.spokenAt < SPEAK_MS && this.spokenAt > 0) return;
      this.spokenAt = now;
      setText(this.summary, f.lanes.map((l, i) => `Lane ${i + 1}, ${this.ctx.meta.lanes[i].title}: epoch ${l.epoch}, ` +
        `test loss ${fmt(l.loss.test)}, ${r2 ? "R²" : "accuracy"} ${r2 ? fmt(l.metric.test) : pct(l.metric.test)} test` +
        (l.diverged ? ", diverged" : "")).join("; ") + ".");
    }
    resize() { this.drawPoints(); if (this.last) this.update(this.last, this.ctx); }
  }

  NS.views.lanes = {
    needsPlotly: false,
    mount(container, ctx) {
      const view = new LanesView(container, ctx);
      return {
        update: (f, c) => { view.last = f; view.update(f, c); },
        full: (f, c) => { view.last = f; view.update(f, c); },
        text: (f, c) => view.text(f, c),
        resize: () => view.resize(),
        destroy: () => { container.innerHTML = ""; },
      };
    },
  };
})();
