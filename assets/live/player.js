/* DNN Playground live player (loaded once per page by ui/live/component.py's loader).
 *
 * Decodes the binary payloads of ui/live/payload.py `pack`, queues their frames, plays them with
 * requestAnimationFrame (at most FPS_CAP a second) and hands each frame to the views
 * registered in window.DNNLive.views: view.update(frame, ctx) while running (cheap path),
 * view.full(frame, ctx) once when paused or stepped (hoverable). While running it asks the
 * server for the next batch with setTriggerValue("more", n) when its queue runs low (one
 * request outstanding; unanswered, asked again after 3, 6, 12, 24 s). A payload whose
 * versions or history do not match what this element holds (e.g. after a remount) makes it
 * trigger "need_meta" instead. One instance per element, kept in a WeakMap
 * keyed by the element's parent. Counters for tests and benchmarks: window.__dnnLive.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  NS.views = NS.views || {};
  const FPS_CAP = 60;
  const FRAME_MS = 1000 / FPS_CAP;
  const MAX_STRETCH = 3;                       // slowest playback: FPS_CAP / 3 while starving
  const MAX_ASK = 32;
  const ASK_AGAIN_MS = 3000;
  const CURVE_MAX = 2000;
  const LAYOUT = [                             // [view, title]; missing views are skipped
    ["network", "Network"], ["output", "Output"], ["cost", "Cost"],
    ["flow", "Gradient flow"], ["weights", "Weights and gradients"]];
  const DECODER = new TextDecoder();
  const instances = new WeakMap();

  const STATS = (window.__dnnLive = {
    framesDrawn: 0, fullDraws: 0, lastEpoch: -1, payloads: 0, requests: 0, mounts: 0,
    drawMs: [], fullMs: [], gaps: [], viewMs: {}, errors: [], arrivals: [],
    reset() {
      this.framesDrawn = this.fullDraws = this.payloads = this.requests = 0;
      this.drawMs = []; this.fullMs = []; this.gaps = []; this.viewMs = {}; this.arrivals = [];
    },
  });
  function record(list, value) {
    list.push(value);
    if (list.length > 4000) list.splice(0, 2000);
  }

  // ---- payload ------------------------------------------------------------------
  /** bytes (Uint8Array) -> header object with typed-array views in place of blobs. */
  function decode(bytes) {
    let u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    if (u8.byteOffset % 4) u8 = u8.slice();   // Float32Array views need 4-byte alignment
    const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    if (dv.getUint32(0, true) !== 0x4c4e4e44) throw new Error("live view: not a payload");
    const nBlobs = dv.getUint32(8, true), nText = dv.getUint32(12, true);
    const blobs = new Array(nBlobs);
    for (let i = 0; i < nBlobs; i++) {
      const at = 16 + 12 * i, off = u8.byteOffset + dv.getUint32(at, true);
      const n = dv.getUint32(at + 4, true);
      blobs[i] = dv.getUint32(at + 8, true) === 1 ? new Uint8Array(u8.buffer, off, n)
        : new Float32Array(u8.buffer, off, n);
    }
    const start = 16 + 12 * nBlobs;
    return JSON.parse(DECODER.decode(u8.subarray(start, start + nText)), (k, v) =>
      (v !== null && typeof v === "object" && v.$ !== undefined ? blobs[v.$] : v));
  }

  // ---- colours ------------------------------------------------------------------
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const mix = (a, b, t) => a.map((x, i) => Math.round(x + (b[i] - x) * t));
  const pack32 = (c) => (255 << 24 | c[2] << 16 | c[1] << 8 | c[0]) >>> 0;
  const luts = new Map();
  /** 256-entry Uint32 RGBA table: "diverging" (q: 1 -> neg, 128 -> mid, 255 -> pos) or
   *  "discrete" (q < 128 -> neg, else pos). */
  function lut(kind, colors) {
    const key = kind + JSON.stringify(colors);
    if (luts.has(key)) return luts.get(key);
    const neg = hex(colors.neg), mid = hex(colors.mid), pos = hex(colors.pos);
    const table = new Uint32Array(256);
    for (let q = 0; q < 256; q++) {
      const v = Math.max(-1, (q - 128) / 127);
      const c = kind === "discrete" ? (q < 128 ? neg : pos)
        : v < 0 ? mix(mid, neg, -v) : mix(mid, pos, v);
      table[q] = pack32(c);
    }
    luts.set(key, table);
    return table;
  }
  const images = new WeakMap();
  /** Draw quantized values u8 (w*h, row-major) into `canvas` (resized to w x h) through
   *  `table` (a lut); bottomUp: row 0 is the bottom row (grids over the input plane). */
  function paint(canvas, u8, w, h, table, bottomUp) {
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    let img = images.get(canvas);
    if (!img || img.width !== w || img.height !== h) {
      img = canvas.getContext("2d").createImageData(w, h);
      images.set(canvas, img);
    }
    const px = new Uint32Array(img.data.buffer);
    for (let r = 0; r < h; r++) {
      const src = r * w, dst = (bottomUp ? h - 1 - r : r) * w;
      for (let c = 0; c < w; c++) px[dst + c] = table[u8[src + c]];
    }
    canvas.getContext("2d").putImageData(img, 0, 0);
  }
  const scratch = document.createElement("canvas");

  // ---- the cost history, revealed frame by frame --------------------------------
  const COLUMNS = ["epoch", "train_loss", "test_loss", "train_penalty", "train_metric",
    "test_metric", "lr"];
  /** Curve: columns of Float64Array (n rows), grad_norm as n*L; `gen` changes whenever
   *  rows are removed (reset or thinning) so views know to redraw from scratch. */
  class Curve {
    constructor() { this.gen = 0; this.clear(0); }
    clear(layers) {
      this.n = 0; this.L = layers; this.cap = CURVE_MAX + 1; this.gen++;
      this.cols = {};
      for (const k of COLUMNS) this.cols[k] = new Float64Array(this.cap);
      this.cols.grad_norm = new Float64Array(this.cap * Math.max(1, layers));
    }
    push(rows, i) {
      const n = this.n, L = this.L, g = rows.grad_norm;
      for (const k of COLUMNS) this.cols[k][n] = rows[k][i];
      for (let l = 0; l < L; l++) this.cols.grad_norm[n * L + l] = g[i * L + l];
      this.n = n + 1;
      if (this.n > CURVE_MAX) this.thin();
    }
    thin() {                                   // keep every other row and the last one
      const L = this.L, keep = [];
      for (let i = 0; i < this.n - 1; i += 2) keep.push(i);
      keep.push(this.n - 1);
      for (const col of Object.values(this.cols)) {
        const w = col === this.cols.grad_norm ? L : 1;
        keep.forEach((src, dst) => col.copyWithin(dst * w, src * w, src * w + w));
      }
      this.n = keep.length; this.gen++;
    }
  }

  // ---- one live element ---------------------------------------------------------
  class Instance {
    constructor(root) {
      this.root = root; this.alive = true;
      this.queue = []; this.pending = []; this.views = {};
      this.meta = null; this.points = null; this.settings = {}; this.settingsKey = "";
      this.running = false; this.frame = null; this.histLast = null;
      this.asked = 0; this.rtt = 80; this.lastDraw = 0; this.nextDraw = 0; this.raf = 0;
      this.askWait = ASK_AGAIN_MS;
      this.low = 4; this.playMs = FRAME_MS;
      this.curve = new Curve();
      this.tick = this.tick.bind(this);
      this.build(root.querySelector(".dnn-live") || root);
      this.ctx = { Plotly: window.Plotly, meta: null, points: null, settings: {},
        running: false, curve: this.curve, best: null, lut, paint,
        send: (name, value) => this.component && this.component.setTriggerValue(name, value),
        colormap: (q) => this.colormap(q), toDataURL: this.toDataURL.bind(this) };
    }
    build(host) {
      host.innerHTML = "";
      const box = el("div", "dnnlive", host);
      const nums = el("div", "dnnlive-numbers", box);
      this.nums = {};
      for (const [k, label] of [["epoch", "Epoch"], ["train", "Train loss"],
        ["test", "Test loss"], ["metric", "Accuracy"], ["lr", "Learning rate"]]) {
        const item = el("div", "dnnlive-num", nums);
        this.nums[k + "Label"] = el("span", "dnnlive-label", item, label);
        this.nums[k] = el("span", "dnnlive-value", item, "–");
      }
      this.nums.epoch.dataset.testid = "live-epoch";
      this.msg = el("div", "dnnlive-message", box);
      this.msg.dataset.testid = "live-message";
      this.msg.setAttribute("role", "alert");
      this.grid = el("div", "dnnlive-grid", box);
      this.cells = {};
      for (const [name, title] of LAYOUT) {
        if (!NS.views[name]) continue;
        const cell = el("section", "dnnlive-cell", this.grid);
        cell.dataset.view = name;
        el("h4", "dnnlive-title", cell, title);
        this.cells[name] = el("div", "dnnlive-view", cell);
      }
      this.resizer = new ResizeObserver(() => this.resize());
      this.resizer.observe(this.grid);
    }
    colormap(q) {
      const c = lut("diverging", this.meta.colors)[q];
      return [c & 255, c >> 8 & 255, c >> 16 & 255];
    }
    toDataURL(u8, w, h, kind, bottomUp) {
      paint(scratch, u8, w, h, lut(kind || "diverging", this.meta.colors), bottomUp);
      return scratch.toDataURL();
    }

    // -- payloads
    receive(msg, component) {
      STATS.payloads++;
      this.component = component;
      const now = performance.now();
      if (this.asked) { this.rtt = 0.7 * this.rtt + 0.3 * (now - this.asked); this.asked = 0; }
      this.askWait = ASK_AGAIN_MS;
      if (msg.meta) this.adoptMeta(msg.meta);
      if (msg.points) { this.points = msg.points; this.ctx.points = msg.points; this.remountViews = true; }
      const metaOk = this.meta && this.meta.version === msg.metaVersion;
      const pointsOk = msg.pointsVersion === null || (this.points && this.points.version === msg.pointsVersion);
      const histOk = msg.historyAfter === null || msg.historyAfter === this.histLast;
      if (!metaOk || !pointsOk || !histOk) {      // e.g. after a remount: ask for everything
        component.setTriggerValue("need_meta", true);
        return;
      }
      if (this.remountViews) this.mountViews();
      this.takeHistory(msg);
      const key = JSON.stringify(msg.settings || {});
      const settingsChanged = key !== this.settingsKey;
      this.settings = msg.settings || {}; this.settingsKey = key; this.ctx.settings = this.settings;
      this.running = msg.running; this.ctx.running = msg.running;
      const frames = msg.frames || [];
      record(STATS.arrivals, [Math.round(now), frames.length, this.queue.length, Math.round(this.rtt)]);
      if (!msg.running) {
        this.queue = [];
        const last = frames[frames.length - 1] || (settingsChanged && this.frame);
        if (last) this.draw(last, true, now);
        return;
      }
      if (msg.historyAfter === null || !msg.answered) this.queue = [];  // reset, or stale
      const tail = this.queue[this.queue.length - 1] || this.frame;
      for (const f of frames) {
        if (tail && msg.historyAfter !== null && f.step <= tail.step && f.epoch <= tail.epoch) continue;
        this.queue.push(f);
      }
      this.maybeAsk(now);
      if (!this.raf) this.raf = requestAnimationFrame(this.tick);
    }
    adoptMeta(meta) {
      this.meta = meta; this.ctx.meta = meta;
      this.queue = []; this.pending = [];
      this.curve.clear(meta.layerSizes.length - 1); this.histLast = null;
      this.remountViews = true;
    }
    takeHistory(msg) {
      const rows = msg.history;
      if (!rows) return;
      if (msg.historyAfter === null) {
        this.curve.clear(this.meta.layerSizes.length - 1);
        this.pending = [];
      }
      if (rows.epoch.length) {
        this.pending.push({ rows, i: 0 });
        this.histLast = rows.epoch[rows.epoch.length - 1];
      } else if (msg.historyAfter === null) this.histLast = null;
    }
    reveal(epoch) {                            // move pending rows up to `epoch` into the curve
      while (this.pending.length) {
        const p = this.pending[0], ep = p.rows.epoch;
        while (p.i < ep.length && ep[p.i] <= epoch) this.curve.push(p.rows, p.i++);
        if (p.i < ep.length) break;
        this.pending.shift();
      }
    }

    // -- pacing
    /** Ask for more when the queue holds less than two round trips of playback: asking at
     *  one let the queue dip under `low` every batch, and playback slowed on purpose
     *  (measured: 51.9 drawn of 54.9 animation frames/s; asking at two: equal). */
    maybeAsk(now) {
      if (!this.running || document.hidden || !this.component) return;
      this.low = Math.ceil(this.rtt / this.playMs) + 2;
      if (this.queue.length > 2 * this.low) return;
      if (this.asked) {                        // unanswered: ask again, waiting longer each time
        if (now - this.asked < this.askWait) return;
        this.askWait = Math.min(8 * ASK_AGAIN_MS, 2 * this.askWait);
      }
      this.asked = now; STATS.requests++;
      this.component.setTriggerValue("more", Math.min(MAX_ASK, Math.max(4, 2 * this.low)));
    }
    /** Jitter buffer: full speed while the queue holds a round trip of frames, slower (down
     *  to FPS_CAP / MAX_STRETCH) as it drains, so a slow server gives even gaps, not stalls. */
    tick(now) {
      this.raf = 0;
      if (!this.alive) return;
      const q = this.queue.length;
      if (q && now >= this.nextDraw - 4) {
        this.draw(this.queue.shift(), false, now);
        const stretch = q >= this.low ? 1 : 1 + (MAX_STRETCH - 1) * (this.low - q) / this.low;
        this.nextDraw = Math.max(this.nextDraw, now - FRAME_MS) + FRAME_MS * stretch;
      }
      this.maybeAsk(now);
      if (this.running || this.queue.length) this.raf = requestAnimationFrame(this.tick);
    }

    // -- drawing
    mountViews() {
      this.remountViews = false;
      if (!this.meta) return;
      for (const name of Object.keys(this.cells)) {
        if (this.views[name]) safe(() => this.views[name].destroy(), name);
        this.cells[name].innerHTML = "";
        this.views[name] = safe(() => NS.views[name].mount(this.cells[name], this.ctx), name);
        STATS.mounts++;
      }
    }
    draw(frame, full, now) {
      const t0 = performance.now();
      this.reveal(frame.epoch);
      this.ctx.best = frame.best;
      for (const [name, view] of Object.entries(this.views)) {
        if (!view) continue;
        const t = performance.now();
        safe(() => (full ? view.full(frame, this.ctx) : view.update(frame, this.ctx)), name);
        record(STATS.viewMs[name] || (STATS.viewMs[name] = []), performance.now() - t);
      }
      this.showNumbers(frame);
      this.frame = frame;
      if (full) {
        STATS.fullDraws++; record(STATS.fullMs, performance.now() - t0);
        this.lastDraw = 0;                     // the next gap starts with the next run
      }
      else {
        STATS.framesDrawn++;
        record(STATS.drawMs, performance.now() - t0);
        if (this.lastDraw) {
          record(STATS.gaps, now - this.lastDraw);
          this.playMs = 0.9 * this.playMs + 0.1 * Math.min(now - this.lastDraw, 100);
        }
        this.lastDraw = now;
      }
      STATS.lastEpoch = frame.epoch;
    }
    showNumbers(f) {
      const n = this.nums, regression = f.metric.name === "r2";
      setText(n.epoch, f.epoch.toLocaleString("en-US"));
      setText(n.train, fmt(f.loss.train));
      setText(n.test, fmt(f.loss.test));
      setText(n.metricLabel, regression ? "R² (train / test)" : "Accuracy (train / test)");
      setText(n.metric, regression ? `${fmt(f.metric.train)} / ${fmt(f.metric.test)}`
        : `${pct(f.metric.train)} / ${pct(f.metric.test)}`);
      setText(n.lr, f.lr === null ? "–" : Number(f.lr.toPrecision(3)).toString());
      setText(this.msg, f.diverged ? (f.message || "Training diverged.") : "");
      this.msg.classList.toggle("dnnlive-show", !!f.diverged);
    }
    resize() {
      if (this.resizeQueued) return;
      this.resizeQueued = true;
      requestAnimationFrame(() => {
        this.resizeQueued = false;
        for (const [name, view] of Object.entries(this.views)) {
          if (view && view.resize) safe(() => view.resize(this.ctx), name);
        }
      });
    }
    destroy() {
      this.alive = false;
      if (this.raf) cancelAnimationFrame(this.raf);
      this.resizer.disconnect();
      for (const [name, view] of Object.entries(this.views)) {
        if (view) safe(() => view.destroy(), name);
      }
      this.views = {};
    }
  }

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function setText(e, text) { if (e.textContent !== text) e.textContent = text; }
  const fmt = (x) => (x === null || x === undefined ? "–" : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.001)
    ? x.toExponential(2) : x.toFixed(3));
  const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %");
  function safe(fn, name) {
    try { return fn(); } catch (e) {
      record(STATS.errors, `${name}: ${e && e.message}`);
      console.error(`live view "${name}":`, e);
      return null;
    }
  }

  // ---- entry points used by the loader ----------------------------------------
  NS.render = function (component) {
    const root = component.parentElement;
    let inst = instances.get(root);
    if (!inst) { inst = new Instance(root); instances.set(root, inst); }
    if (!component.data || component.data === inst.lastData) return;
    inst.lastData = component.data;
    let msg;
    try { msg = decode(component.data); } catch (e) { safe(() => { throw e; }, "decode"); return; }
    inst.receive(msg, component);
  };
  NS.cleanup = function (root) {              // runs at unmount, possibly early: check first
    setTimeout(() => {
      const inst = instances.get(root);
      if (inst && !root.isConnected) { inst.destroy(); instances.delete(root); }
    }, 0);
  };
  NS.decode = decode;
  NS.Curve = Curve;
})();
