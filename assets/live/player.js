/* DNN Playground live player (loaded once per page by ui/live/component.py's loader).
 *
 * Decodes the binary payloads of ui/live/payload.py `pack`, queues their frames, plays them with
 * requestAnimationFrame, paced and asking the server for more with setTriggerValue("more", n)
 * as pacing.js decides, and hands each frame to the views registered in window.DNNLive.views:
 * view.update(frame, ctx) while running (cheap path), view.full(frame, ctx) once when paused
 * or stepped (hoverable), and view.text(frame, ctx) (numbers, labels, markers; optional) at
 * most every TEXT_MS while running, at once after a full draw: a change of text re-layerizes
 * the whole Streamlit page (8-13 ms of main thread a frame, traced with
 * benchmarks/frame_cost.py), the pictures do not, and no eye reads numbers that change 30
 * times a second. A payload whose versions or history do not match what this element holds
 * (e.g. after a remount) makes it trigger "need_meta" instead. One instance per element, kept
 * in a WeakMap keyed by the element's parent. Counters for tests and benchmarks:
 * window.__dnnLive (times: ms since navigation of player loaded, first canvas paint, Plotly
 * loaded, full view).
 *
 * First paint: the loader runs this file before plotly.min.js; views without `needsPlotly`
 * (output map, network) draw their canvases at once, and after that first paint the player
 * asks the loader for Plotly (NS.loadPlotly); when it has run, every view is mounted again
 * with it (axes, curves, hover). Panels, their order and titles come from meta.views, the
 * history columns from meta.historyColumns (rows arrive already thinned by the engine: the
 * browser only appends them), colours from meta.colors through colors.js. A view that shows
 * its own numbers (the Compare page's lanes) sets meta.noNumbers: the numbers row is hidden.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  NS.views = NS.views || {};
  const TEXT_MS = 100;
  const { decode, FormatError, Curve, Pacer } = NS;   // decode.js, pacing.js
  const instances = new WeakMap();
  const alive = new Set();

  const STATS = (window.__dnnLive = {
    framesDrawn: 0, fullDraws: 0, lastEpoch: -1, payloads: 0, requests: 0, mounts: 0, resends: 0,
    drawMs: [], fullMs: [], gaps: [], viewMs: {}, errors: [], arrivals: [], lastFrame: null,
    times: { player: performance.now() },
    reset() {
      this.framesDrawn = this.fullDraws = this.payloads = this.requests = 0;
      this.drawMs = []; this.fullMs = []; this.gaps = []; this.viewMs = {}; this.arrivals = [];
    },
  });
  function record(list, value) {
    list.push(value);
    if (list.length > 4000) list.splice(0, 2000);
  }

  const { paint } = NS.colors;                // colors.js
  const scratch = document.createElement("canvas");

  // ---- one live element ---------------------------------------------------------
  class Instance {
    constructor(root) {
      this.root = root; this.alive = true;
      this.queue = []; this.views = {};
      this.meta = null; this.points = null; this.settings = {}; this.settingsKey = "";
      this.running = false; this.frame = null; this.histLast = null;
      this.raf = 0; this.textAt = -Infinity; this.textTimer = 0;
      this.pacer = new Pacer((n) => { STATS.requests++; this.component.setTriggerValue("more", n); });
      this.curve = new Curve();
      this.tick = this.tick.bind(this);
      this.build(root.querySelector(".dnn-live") || root);
      this.ctx = { Plotly: window.Plotly || null, meta: null, points: null, settings: {},
        running: false, curve: this.curve, best: null, paint,
        lut: (kind, colors) => NS.colors.table(kind, colors, this.meta.quant),
        send: (name, value) => this.component && this.component.setTriggerValue(name, value),
        colormap: (q) => this.colormap(q), toDataURL: this.toDataURL.bind(this) };
      alive.add(this);
    }
    build(host) {
      host.innerHTML = "";
      const box = el("div", "dnnlive", host);
      this.numbers = new NS.Numbers(box);
      this.msg = el("div", "dnnlive-message", box);
      this.msg.dataset.testid = "live-message";
      this.msg.setAttribute("role", "alert");
      this.grid = el("div", "dnnlive-grid", box);
      this.cells = {}; this.layoutKey = "";
      this.resizer = new ResizeObserver(() => this.resize());
      this.resizer.observe(this.grid);
    }
    /** The panels of meta.views ([name, title], in order) that have a view module. */
    layout(views) {
      const key = JSON.stringify(views);
      if (key === this.layoutKey) return;
      this.layoutKey = key; this.grid.innerHTML = ""; this.cells = {};
      for (const [name, title] of views) {
        if (!NS.views[name]) continue;
        const cell = el("section", "dnnlive-cell", this.grid);
        cell.dataset.view = name;
        cell.dataset.testid = "live-" + name;
        cell.setAttribute("aria-label", title);
        el("h4", "dnnlive-title", cell, title);
        this.cells[name] = el("div", "dnnlive-view", cell);
      }
    }
    colormap(q) {
      const c = this.ctx.lut("diverging", this.meta.colors)[q];
      return [c & 255, c >> 8 & 255, c >> 16 & 255];
    }
    toDataURL(u8, w, h, kind, bottomUp) {
      paint(scratch, u8, w, h, this.ctx.lut(kind || "diverging", this.meta.colors), bottomUp);
      return scratch.toDataURL();
    }

    // -- payloads
    receive(msg, component) {
      STATS.payloads++;
      this.component = component;
      const now = performance.now();
      this.pacer.answered(now);
      // What the player asked for again (need_meta) comes with the versions it has already:
      // the views stay, only the queue and the curve start over.
      if (msg.meta && this.meta && msg.meta.version === this.meta.version) this.restart();
      else if (msg.meta) this.adoptMeta(msg.meta);
      if (msg.points) {
        if (!this.points || this.points.version !== msg.points.version) this.remountViews = true;
        this.points = msg.points; this.ctx.points = msg.points;
      }
      const metaOk = this.meta && this.meta.version === msg.metaVersion;
      const pointsOk = msg.pointsVersion === null || (this.points && this.points.version === msg.pointsVersion);
      const histOk = msg.historyAfter === null || msg.historyAfter === this.histLast;
      if (!metaOk || !pointsOk || !histOk) {      // e.g. after a remount: ask for everything
        STATS.resends++;
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
      record(STATS.arrivals, [Math.round(now), frames.length, this.queue.length, Math.round(this.pacer.rtt)]);
      if (!msg.running) {
        const last = frames[frames.length - 1] || (settingsChanged && this.frame);
        // The end of a replay (ui/timeline.py): the queued frames play out, then `last`.
        if (last && last.timeline && last.timeline.kind === "replay" && this.queue.length) {
          this.finalFrame = last;
          return;
        }
        this.queue = [];
        if (last) this.draw(last, true, now);
        return;
      }
      this.finalFrame = null;
      if (msg.historyAfter === null || !msg.answered) this.queue = [];  // reset, or stale
      const tail = this.queue[this.queue.length - 1] || this.frame;
      for (const f of frames) {
        if (tail && msg.historyAfter !== null && f.step <= tail.step && f.epoch <= tail.epoch) continue;
        this.queue.push(f);
      }
      this.maybeAsk(now);
      if (!this.raf) this.raf = requestAnimationFrame(this.tick);
    }
    restart() { this.queue = []; this.clearCurve(); this.histLast = null; }
    adoptMeta(meta) {
      this.meta = meta; this.ctx.meta = meta;
      this.restart();
      this.layout(meta.views);
      for (const e of [this.numbers.summary, this.numbers.summary.previousElementSibling]) {
        e.style.display = meta.noNumbers ? "none" : "";   // a view with its own numbers
      }
      this.remountViews = true;
    }
    clearCurve() { this.curve.clear(this.meta.historyColumns, this.meta.layerSizes.length - 1); }
    takeHistory(msg) {
      if (!msg.history) return;
      if (msg.historyAfter === null) this.clearCurve();
      this.curve.hold(msg.history);
      if (msg.history.epoch.length) this.histLast = msg.history.epoch[msg.history.epoch.length - 1];
      else if (msg.historyAfter === null) this.histLast = null;
    }

    // -- pacing (pacing.js)
    maybeAsk(now) {
      if (this.running && !document.hidden && this.component) this.pacer.maybeAsk(now, this.queue.length);
    }
    tick(now) {
      this.raf = 0;
      if (!this.alive) return;
      const q = this.queue.length;
      if (q && this.pacer.due(now)) {
        const frame = this.queue.shift();
        this.draw(frame, false, now);
        this.pacer.drawn(now, q, frame);
        if (!this.queue.length && this.finalFrame) {
          this.draw(this.finalFrame, true, now);
          this.finalFrame = null;
        }
      }
      this.maybeAsk(now);
      if (this.running || this.queue.length) this.raf = requestAnimationFrame(this.tick);
    }

    // -- drawing
    mountViews() {
      this.remountViews = false;
      this.textAt = -Infinity;                 // new views: their text with the next draw
      if (!this.meta) return;
      for (const name of Object.keys(this.cells)) {
        if (this.views[name]) safe(() => this.views[name].destroy(), name);
        const cell = this.cells[name], waiting = NS.views[name].needsPlotly && !this.ctx.Plotly;
        cell.innerHTML = "";
        cell.classList.toggle("dnnlive-waiting", waiting);
        this.views[name] = waiting ? null : safe(() => NS.views[name].mount(cell, this.ctx), name);
        if (!waiting) STATS.mounts++;
      }
    }
    /** Plotly has run: mount every view with it and draw the last frame again. */
    withPlotly() {
      for (const [name, view] of Object.entries(this.views)) if (view) safe(() => view.destroy(), name);
      this.views = {};
      this.ctx.Plotly = window.Plotly;
      if (!this.meta) return;
      this.mountViews();
      if (this.frame && !this.running) this.draw(this.frame, true, performance.now());
      else if (this.frame) this.draw(this.frame, false, performance.now());
    }
    draw(frame, full, now) {
      const t0 = performance.now();
      this.curve.reveal(frame.epoch);
      this.ctx.best = frame.best;
      for (const [name, view] of Object.entries(this.views)) {
        if (!view) continue;
        const t = performance.now();
        safe(() => (full ? view.full(frame, this.ctx) : view.update(frame, this.ctx)), name);
        record(STATS.viewMs[name] || (STATS.viewMs[name] = []), performance.now() - t);
      }
      this.frame = frame;
      STATS.lastFrame = frame;
      this.text(full, now);
      afterPaint(this.ctx.Plotly ? "fullView" : "firstPaint");
      if (full) {
        STATS.fullDraws++; record(STATS.fullMs, performance.now() - t0);
        this.pacer.restart();
      } else {
        STATS.framesDrawn++;
        record(STATS.drawMs, performance.now() - t0);
        const gap = this.pacer.gap(now);
        if (gap !== null) record(STATS.gaps, gap);
      }
      STATS.lastEpoch = frame.epoch;
    }
    /** The text of this.frame (see TEXT_MS): now when `full` or due, else once it is due. */
    text(full, now) {
      const wait = this.textAt + TEXT_MS - now;
      if (!full && wait > 0) {
        if (!this.textTimer) this.textTimer = setTimeout(() => this.alive && this.text(true, performance.now()), wait);
        return;
      }
      clearTimeout(this.textTimer);
      this.textTimer = 0; this.textAt = now;
      const frame = this.frame;
      for (const [name, view] of Object.entries(this.views)) {
        if (view && view.text) safe(() => view.text(frame, this.ctx), name);
      }
      if (!this.meta.noNumbers) this.numbers.show(frame);
      setText(this.msg, frame.diverged ? (frame.message || "Training diverged.") : "");
      this.msg.classList.toggle("dnnlive-show", !!frame.diverged);
    }
    resize() {
      if (this.resizeQueued) return;
      this.resizeQueued = true;
      requestAnimationFrame(() => {
        this.resizeQueued = false;
        for (const [name, view] of Object.entries(this.views)) {
          if (view && view.resize) safe(() => view.resize(this.ctx), name);
        }
        if (this.frame) this.text(true, performance.now());
      });
    }
    destroy() {
      this.alive = false;
      alive.delete(this);
      this.numbers.destroy();
      clearTimeout(this.textTimer);
      if (this.raf) cancelAnimationFrame(this.raf);
      this.resizer.disconnect();
      for (const [name, view] of Object.entries(this.views)) {
        if (view) safe(() => view.destroy(), name);
      }
      this.views = {};
    }
  }

  /** Record STATS.times[name] once, after the browser has painted the current frame. */
  function afterPaint(name) {
    if (STATS.times[name] !== undefined) return;
    STATS.times[name] = null;
    requestAnimationFrame(() => setTimeout(() => {
      STATS.times[name] = performance.now();
      if (name === "firstPaint") NS.requestPlotly();
    }, 0));
  }

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function setText(e, text) { if (e.textContent !== text) e.textContent = text; }
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
    try { msg = decode(component.data); } catch (e) {
      safe(() => { throw e; }, "decode");
      if (e instanceof FormatError) { setText(inst.msg, e.message); inst.msg.classList.add("dnnlive-show"); }
      return;
    }
    inst.receive(msg, component);
  };
  /** Load Plotly once (the loader's NS.loadPlotly), then remount every live element with it. */
  NS.requestPlotly = function () {
    if (NS.plotlyAsked) return;
    NS.plotlyAsked = true;
    const load = window.Plotly ? Promise.resolve() : NS.loadPlotly ? NS.loadPlotly() : Promise.reject(new Error("no loader"));
    load.then(() => {
      STATS.times.plotly = performance.now();
      for (const inst of alive) safe(() => inst.withPlotly(), "plotly");
    }, (e) => {
      for (const inst of alive) { setText(inst.msg, e.message); inst.msg.classList.add("dnnlive-show"); }
    });
  };
  NS.cleanup = function (root) {              // runs at unmount, possibly early: check first
    setTimeout(() => {
      const inst = instances.get(root);
      if (inst && !root.isConnected) { inst.destroy(); instances.delete(root); }
    }, 0);
  };
})();
