/**
 * Test harness for the network and weights views: a minimal ctx (as player.js builds it: Plotly,
 * meta, points, colormap, toDataURL, settings; colours from assets/live/colors.js) and deterministic synthetic frames in the decoded-frame format
 * of LIVE.md for a few network shapes. Exposes `window.H`.
 *
 * Frame for seed s and time t: per Dense layer W = W0 cos t + W1 sin t with W0, W1 ~ N(0, 2/(in+out)),
 * so weights change sign as t moves; node maps are a real forward pass on an r x r grid over
 * [-6, 6]^2 (value / max|value| per map, 0..255 with 128 = 0); the output map is an analytic
 * pattern (the views only draw it).
 */
(function () {
  "use strict";
  const COLORS = { neg: "#f59322", mid: "#e8eaeb", pos: "#0877bd", classes: ["#f59322", "#0877bd", "#2ca02c"] };
  const QUANT = [128, 127];     // a synthetic meta's quant, as ui/live/payload.py sends it
  const C = window.DNNLive.colors;
  const FEATURES = [
    ["x1", "X₁", (x, y) => x], ["x2", "X₂", (x, y) => y], ["x1sq", "X₁²", (x, y) => x * x],
    ["x2sq", "X₂²", (x, y) => y * y], ["x1x2", "X₁X₂", (x, y) => x * y],
    ["sinx1", "sin(X₁)", (x, y) => Math.sin(x)], ["sinx2", "sin(X₂)", (x, y) => Math.sin(y)],
  ];
  const CASES = {
    "2-4-2-1": { nFeatures: 2, hidden: [4, 2], act: "tanh", task: "binary", out: 1 },
    "2-4-2-3": { nFeatures: 2, hidden: [4, 2], act: "tanh", task: "multiclass", out: 3 },
    "7-8x6-1": { nFeatures: 7, hidden: [8, 8, 8, 8, 8, 8], act: "relu", task: "binary", out: 1 },
    "2-32x8-1": { nFeatures: 2, hidden: Array(8).fill(32), act: "tanh", task: "regression", out: 1 },
    "7-32x8-3": { nFeatures: 7, hidden: Array(8).fill(32), act: "tanh", task: "multiclass", out: 3, thumbRes: 20 },
  };
  const ACT = { tanh: Math.tanh, relu: (z) => Math.max(0, z) };

  function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const gauss = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const toU8 = (v, scale) => C.quantize(v / scale, QUANT);

  function makeMeta(name) {
    const c = CASES[name], feats = FEATURES.slice(0, c.nFeatures);
    return {
      version: name, task: c.task, nClasses: c.task === "multiclass" ? c.out : c.task === "binary" ? 2 : 1,
      classes: c.task === "multiclass" ? [0, 1, 2] : [0, 1], domain: [-6, 6, -6, 6], res: 100, thumbRes: c.thumbRes || 10,
      layerSizes: [c.nFeatures, ...c.hidden, c.out], activations: c.hidden.map(() => c.act),
      features: feats.map((f) => f[0]), featureTitles: feats.map((f) => f[1]),
      lossName: { binary: "bce", multiclass: "ce", regression: "mse" }[c.task],
      outputActivation: { binary: "sigmoid", multiclass: "softmax", regression: "identity" }[c.task], colors: COLORS,
      quant: QUANT,
    };
  }

  /** Maps (n, r*r) floats -> Uint8Array(n*r*r) and per-map scales max|v|. */
  function quantize(maps) {
    const r2 = maps[0].length, u8 = new Uint8Array(maps.length * r2), scales = new Float32Array(maps.length);
    maps.forEach((m, k) => {
      const s = m.reduce((a, v) => Math.max(a, Math.abs(v)), 0) || 1;
      scales[k] = s;
      m.forEach((v, q) => (u8[k * r2 + q] = toU8(v, s)));
    });
    return { u8, scales };
  }

  /** Cell centres [x, y] of an n x n grid over [-6, 6]^2, row-major, row 0 = bottom. */
  const planeGrid = (n) => Array.from({ length: n * n }, (_, q) =>
    [-6 + (12 * ((q % n) + 0.5)) / n, -6 + (12 * (Math.floor(q / n) + 0.5)) / n]);

  function makeFrame(meta, seed, t) {
    const rand = mulberry32(seed), sizes = meta.layerSizes, r = meta.thumbRes, R = meta.res, L = sizes.length - 1;
    const W = [], b = [], dW = [], db = [];
    for (let l = 0; l < L; l++) {
      const nIn = sizes[l], nOut = sizes[l + 1], std = Math.sqrt(2 / (nIn + nOut)) * 1.5;
      const rotating = () => std * (gauss(rand) * Math.cos(t) + gauss(rand) * Math.sin(t));
      W.push(Float32Array.from({ length: nIn * nOut }, rotating));
      b.push(Float32Array.from({ length: nOut }, () => 0.5 * gauss(rand) * Math.cos(t + 1)));
      dW.push(Float32Array.from({ length: nIn * nOut }, () => 0.01 * gauss(rand) * Math.cos(t + l)));
      db.push(Float32Array.from({ length: nOut }, () => 0.01 * gauss(rand)));
    }
    const grid = planeGrid(r);
    let maps = FEATURES.slice(0, sizes[0]).map((f) => grid.map(([x, y]) => f[2](x, y)));
    const inputs = quantize(maps);
    maps = maps.map((m, k) => m.map((v) => v / inputs.scales[k]));
    const neurons = [], neuronScale = [];
    for (let l = 0; l < L - 1; l++) {
      const g = ACT[meta.activations[l]], nIn = sizes[l];
      maps = Array.from({ length: sizes[l + 1] }, (_, j) => grid.map((_, q) => {
        let z = b[l][j];
        for (let i = 0; i < nIn; i++) z += W[l][j * nIn + i] * maps[i][q];
        return g(z);
      }));
      const qz = quantize(maps);
      neurons.push(qz.u8);
      neuronScale.push(qz.scales);
    }
    const pattern = (x, y, k) => Math.tanh(Math.sin(0.6 * x + t + k) + Math.cos(0.5 * y - t - 2 * k));
    const cells = planeGrid(R);
    let output;
    if (meta.task === "multiclass") {
      output = { cls: new Uint8Array(R * R), conf: new Uint8Array(R * R) };
      cells.forEach(([x, y], q) => {
        const s = [0, 1, 2].map((k) => pattern(x, y, k)), best = s.indexOf(Math.max(...s));
        output.cls[q] = best;
        output.conf[q] = Math.round(255 * (0.5 + 0.25 * s[best]));
      });
    } else output = Uint8Array.from(cells, ([x, y]) => toU8(pattern(x, y, 0), 1));
    const norm = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    return {
      epoch: seed, step: seed * 10, lr: 0.03, diverged: false, message: null,
      loss: { train: 0.5, test: 0.6, train_data: 0.5, train_penalty: 0, test_data: 0.6 },
      metric: { name: "accuracy", train: 0.8, test: 0.75 },
      W, b, dW, db, gradNorm: dW.map((m, l) => Math.sqrt(norm(m) ** 2 + norm(db[l]) ** 2)), weightNorm: W.map(norm),
      output, neurons, neuronScale, inputs: inputs.u8, historyTail: {},
    };
  }

  function rgbOf(u) {
    const c = C.table("diverging", COLORS, QUANT)[u];
    return [c & 255, c >> 8 & 255, c >> 16 & 255];
  }

  function toDataURL(u8, w, h) {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const c2d = canvas.getContext("2d"), img = c2d.createImageData(w, h);
    u8.forEach((u, q) => img.data.set([...rgbOf(u), 255], 4 * q));
    c2d.putImageData(img, 0, 0);
    return canvas.toDataURL();
  }

  const state = { views: {} };
  window.H = {
    cases: Object.keys(CASES),
    /** Mount both views for a network shape; returns its meta. */
    setup(name) {
      Object.values(state.views).forEach((v) => v.destroy());
      state.ctx = { Plotly: window.Plotly, meta: makeMeta(name), points: {}, colormap: rgbOf, toDataURL, settings: {} };
      for (const view of ["network", "weights"]) {
        const container = document.getElementById(view);
        container.style.width = "";   // back to the page's 720 px after a resize test
        state.views[view] = window.DNNLive.views[view].mount(container, state.ctx);
      }
      return state.ctx.meta;
    },
    frame: (seed, t) => makeFrame(state.ctx.meta, seed, t),
    /** `update`, then `text` where the view has it (player.js does both when text is due). */
    update(view, frame) {
      const v = state.views[view];
      v.update(frame, state.ctx);
      if (v.text) v.text(frame, state.ctx);
    },
    full(view, frame) {
      const v = state.views[view];
      v.full(frame, state.ctx);
      if (v.text) v.text(frame, state.ctx);
    },
    plot: (view) => document.querySelector(`#${view} .js-plotly-plot`),
    /** Set a view's container width and call its optional `resize`, as player.js does. */
    resize(view, widthPx) {
      document.getElementById(view).style.width = `${widthPx}px`;
      state.views[view].resize(state.ctx);
    },
    /**
     * Mean ms spent in `update` over n animation frames (one update per frame, as the player
     * does, so each call also pays for the previous frame's paint invalidation), cycling through
     * `frames` distinct frames after a warm-up.
     */
    async bench(view, n, frames) {
      const fs = Array.from({ length: frames }, (_, k) => makeFrame(state.ctx.meta, 100 + k, 0.4 * k));
      fs.slice(0, 3).forEach((f) => this.update(view, f));
      let spent = 0;
      for (let k = 0; k < n; k++) {
        await new Promise(requestAnimationFrame);
        const t0 = performance.now();
        this.update(view, fs[k % frames]);
        spent += performance.now() - t0;
      }
      return spent / n;
    },
  };
})();
