/* The network diagram's touch layer (used by views/network.js): edit the network where it is drawn.
 *
 * - A bar above the diagram: − N hidden layers +, and one "+ feature" chip per unused input;
 *   above each hidden column − n +, below it the layer's activation (a <select>).
 * - Clicking an input node drops that feature (never the last one).
 * - Paused: clicking a link or a bias square (the small square at a node's lower left) opens a
 *   small editor with its current value; Enter sends it.
 * - Hovering a link or a node shows its live value (while running; paused, Plotly's hover does).
 * - Hovering (or tapping) a node's map sends a "dnnlive-neuron" event up the DOM (detail:
 *   {title, map: Uint8Array r*r (128 = 0, row 0 = bottom), r, scale} or null) that the output
 *   view draws large; it follows every new frame until the pointer leaves.
 * - A first-visit hint points at a neuron's map and a link; dismissed, it stays away for the
 *   browser tab's session (sessionStorage "dnnlive-hint").
 * Every edit goes to the server as ctx.send("edit", {id, op, ...}) (ui/edit.py applies it to the
 * settings or the engine); the browser changes nothing itself. What may be edited comes from
 * ctx.settings.edit ({layers, activation, features, weights, maxLayers, maxNeurons,
 * activations: [[name, title]], featureList: [[name, title]]}); without it, only hover works.
 */
(function () {
  "use strict";
  const live = (window.DNNLive = window.DNNLive || { views: {} });
  const HIT_PX = 5;                 // how near a link the pointer must be, in CSS pixels
  const HINT_KEY = "dnnlive-hint";
  let seq = 0;
  const fmt = (v) => (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? String(Number(v.toPrecision(4))) : v.toExponential(2));

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function button(parent, text, label, disabled, onClick) {
    const b = el("button", "dnnlive-step", parent, text);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.disabled = !!disabled;
    b.addEventListener("click", (ev) => { ev.stopPropagation(); onClick(); });
    return b;
  }

  /** What is under CSS pixel (x, y) of the diagram: a node, its bias square, a link, or null. */
  function hit(g, x, y) {
    const ux = x / g.nodePx, uy = (g.heightPx - y) / g.nodePx;
    for (let c = 0; c < g.cols.length; c++) {
      const col = g.cols[c];
      if (ux < col.x - g.strip || ux > col.x + 1) continue;
      for (let k = 0; k < col.n; k++) {
        if (Math.abs(uy - col.ys[k]) > 0.5) continue;
        return { kind: ux < col.x && c > 0 ? "bias" : "node", c, k };
      }
      return null;
    }
    for (let p = 0; p + 1 < g.cols.length; p++) {
      const a = g.cols[p], b = g.cols[p + 1], x0 = (a.x + 1) * g.nodePx, x1 = b.x * g.nodePx;
      if (x < x0 || x > x1) continue;
      const t = (x - x0) / (x1 - x0);
      let best = null, bestD = HIT_PX;
      for (let j = 0; j < b.n; j++)
        for (let i = 0; i < a.n; i++) {
          const y0 = g.heightPx - a.ys[i] * g.nodePx, y1 = g.heightPx - b.ys[j] * g.nodePx;
          const d = Math.abs(y - (y0 + t * (y1 - y0))) / Math.hypot(1, (y1 - y0) / (x1 - x0));
          if (d < bestD) { bestD = d; best = { kind: "link", p, i, j }; }
        }
      return best;
    }
    return null;
  }

  live.networkTouch = function (container, box, getSt, getFrame, ctx) {
    const api = { ctx };
    const top = el("div", "dnnlive-netbar"), steps = el("div", "dnnlive-netsteps");
    container.insertBefore(steps, box);
    container.insertBefore(top, steps);
    const acts = el("div", "dnnlive-netacts", container);
    const tip = el("div", "dnnlive-tip", box), editor = el("form", "dnnlive-editor", box);
    const hint = el("div", "dnnlive-hints", box);
    tip.dataset.testid = "live-network-tip";
    editor.dataset.testid = "live-weight-editor";
    let hover = null, pinned = null, editing = null;

    const send = (ev) => api.ctx.send("edit", Object.assign({ id: `${Date.now()}-${++seq}` }, ev));
    const edit = () => api.ctx.settings.edit || null;

    function rebuildControls() {
      const e = edit(), st = getSt(), g = st.g, meta = st.meta, last = g.cols.length - 1;
      top.replaceChildren(); steps.replaceChildren(); acts.replaceChildren();
      for (const part of [top, steps, acts]) part.hidden = !e;
      if (!e) return;
      Object.assign(steps.style, { width: `${g.widthPx}px` });
      Object.assign(acts.style, { width: `${g.widthPx}px` });
      const hiddenN = last - 1;
      if (e.layers) {
        const group = el("span", "dnnlive-stepper", top);
        group.dataset.testid = "live-layers";
        button(group, "−", "One hidden layer fewer (drop the last)", hiddenN <= 0, () => send({ op: "layers", delta: -1 }));
        el("span", "dnnlive-count", group, `${hiddenN} hidden layer${hiddenN === 1 ? "" : "s"}`);
        button(group, "+", "One hidden layer more", hiddenN >= e.maxLayers, () => send({ op: "layers", delta: 1 }));
      }
      if (e.features && e.featureList) {
        const unused = e.featureList.filter(([name]) => !meta.features.includes(name));
        if (unused.length) el("span", "dnnlive-count", top, "add input:");
        for (const [name, title] of unused) {
          const b = button(top, `+ ${title}`, `Add the input ${title}`, false, () => send({ op: "feature", name }));
          b.className = "dnnlive-chip";
          b.dataset.feature = name;
        }
      }
      g.cols.forEach((col, c) => {
        if (c === 0 || c === last) return;
        const centre = `${(col.x + 0.5) * g.nodePx}px`;
        if (e.layers) {
          const group = el("span", "dnnlive-stepper dnnlive-at", steps);
          group.style.left = centre;
          group.dataset.testid = `live-neurons-${c - 1}`;
          button(group, "−", `Layer ${c}: one neuron fewer`, col.n <= 1, () => send({ op: "neurons", layer: c - 1, delta: -1 }));
          el("span", "dnnlive-count", group, String(col.n));
          button(group, "+", `Layer ${c}: one neuron more`, col.n >= e.maxNeurons, () => send({ op: "neurons", layer: c - 1, delta: 1 }));
        }
        if (e.activation) {
          const select = el("select", "dnnlive-act dnnlive-at", acts);
          select.style.left = centre;
          select.style.width = `${Math.max(44, Math.min(96, g.pitchPx - 6))}px`;
          select.setAttribute("aria-label", `Layer ${c} activation`);
          select.dataset.testid = `live-activation-${c - 1}`;
          for (const [name, title] of e.activations) {
            const option = el("option", "", select, title);
            option.value = name;
            option.selected = name === meta.activations[c - 1];
          }
          select.addEventListener("change", () => send({ op: "activation", layer: c - 1, name: select.value }));
        }
      });
      showHint();
    }

    // -- what the pointer is on
    function describe(h, frame) {
      const meta = getSt().meta, name = (c, k) => live.views.network.nodeName(meta, c, k);
      if (h.kind === "link") {
        const w = frame.W[h.p][h.j * meta.layerSizes[h.p] + h.i];
        return `${name(h.p, h.i)} → ${name(h.p + 1, h.j)}: w = ${fmt(w)}`;
      }
      if (h.c === 0) return `${name(0, h.k)} (click: drop this input)`;
      return `${name(h.c, h.k)}: bias b = ${fmt(frame.b[h.c - 1][h.k])}`;
    }
    function showTip(x, y) {
      const frame = getFrame(), st = getSt();
      if (!hover || !frame || st.hover) { tip.classList.remove("dnnlive-show"); return; }
      tip.textContent = describe(hover, frame);
      tip.classList.add("dnnlive-show");
      if (x !== undefined) Object.assign(tip.style, { left: `${x + 12}px`, top: `${y + 12}px` });
    }
    /** The focused node's map, sent up to the output view (null: none). */
    function focus() {
      const node = pinned || (hover && hover.kind === "node" ? hover : null), frame = getFrame();
      const st = getSt(), last = st.g.cols.length - 1;
      let detail = null;
      if (node && frame && node.c < last) {
        const r = st.g.r, maps = node.c === 0 ? frame.inputs : frame.neurons[node.c - 1];
        const scale = node.c === 0 ? null : frame.neuronScale[node.c - 1][node.k];
        detail = { title: live.views.network.nodeName(st.meta, node.c, node.k), r, scale,
          map: maps.subarray(node.k * r * r, (node.k + 1) * r * r) };
      }
      box.dispatchEvent(new CustomEvent("dnnlive-neuron", { bubbles: true, detail }));
    }
    function onMove(ev) {
      const rect = box.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;
      const h = hit(getSt().g, x, y), was = hover;
      hover = h;
      box.style.cursor = h && (h.kind !== "node" || h.c === 0) ? "pointer" : "";
      showTip(x, y);
      const key = (n) => (n && n.kind === "node" ? `${n.c},${n.k}` : "");
      if (key(was) !== key(h)) focus();
    }
    function onLeave() {
      hover = null;
      tip.classList.remove("dnnlive-show");
      focus();
    }
    function onClick(ev) {
      if (editor.contains(ev.target) || top.contains(ev.target)) return;
      const rect = box.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;
      const h = hit(getSt().g, x, y), e = edit(), frame = getFrame();
      closeEditor();
      if (!h) return;
      const last = getSt().g.cols.length - 1;
      if (h.kind === "node" && h.c === 0) {
        if (e && e.features) send({ op: "feature", name: getSt().meta.features[h.k] });
        return;
      }
      if (h.kind === "node") {               // a tap pins the node's map (touch screens)
        pinned = pinned && pinned.c === h.c && pinned.k === h.k ? null : h.c < last ? h : null;
        focus();
        return;
      }
      if (!e || !e.weights || api.ctx.running || !frame) return;
      openEditor(h, frame, x, y);
    }

    // -- the weight editor
    function openEditor(h, frame, x, y) {
      const meta = getSt().meta;
      const value = h.kind === "link" ? frame.W[h.p][h.j * meta.layerSizes[h.p] + h.i] : frame.b[h.c - 1][h.k];
      editing = h.kind === "link" ? { op: "weight", layer: h.p, out: h.j, in: h.i }
        : { op: "weight", layer: h.c - 1, out: h.k, in: null };
      editor.replaceChildren();
      const label = el("label", "", editor, h.kind === "link" ? "weight " : "bias ");
      const input = el("input", "", label);
      Object.assign(input, { type: "number", step: "any", value: String(Number(value.toPrecision(6))) });
      input.setAttribute("aria-label", describe(h, frame));
      el("button", "dnnlive-step", editor, "Set").type = "submit";
      editor.title = describe(h, frame);
      const g = getSt().g;
      Object.assign(editor.style, { left: `${Math.min(x, g.widthPx - 180)}px`, top: `${Math.min(y + 8, g.heightPx - 34)}px` });
      editor.classList.add("dnnlive-show");
      input.focus();
      input.select();
    }
    function closeEditor() {
      editing = null;
      editor.classList.remove("dnnlive-show");
    }
    editor.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const value = parseFloat(editor.querySelector("input").value);
      if (editing && Number.isFinite(value)) send(Object.assign({}, editing, { value }));
      closeEditor();
    });
    editor.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeEditor(); });
    editor.addEventListener("click", (ev) => ev.stopPropagation());

    // -- the first-visit hint
    function showHint() {
      hint.replaceChildren();
      let seen = false;
      try { seen = sessionStorage.getItem(HINT_KEY) === "seen"; } catch (e) { seen = false; }
      const g = getSt().g;
      if (seen || g.cols.length < 3) return;
      const node = g.cols[1], a = g.cols[0], y = (u) => g.heightPx - u * g.nodePx;
      const callout = (text, x, yPx, testid) => {
        const c = el("div", "dnnlive-hint", hint, text);
        Object.assign(c.style, { left: `${x}px`, top: `${yPx}px` });
        c.dataset.testid = testid;
        return c;
      };
      callout("◀ a neuron's map: hover it to see it large in the output panel",
        (node.x + 1) * g.nodePx + 6, y(node.ys[0]) - 10, "live-hint-neuron");
      const mid = ((a.x + 1) + node.x) / 2, yLink = (a.ys[0] + node.ys[node.n - 1]) / 2;
      const link = callout("◀ a link: orange < 0 < blue, thicker = stronger; paused, click it to type a weight",
        mid * g.nodePx + 6, y(yLink) - 10, "live-hint-link");
      const close = el("button", "dnnlive-step", link, "Got it");
      close.type = "button";
      close.dataset.testid = "live-hint-close";
      close.addEventListener("click", (ev) => {
        ev.stopPropagation();
        try { sessionStorage.setItem(HINT_KEY, "seen"); } catch (e) { /* private mode: hide for now */ }
        hint.replaceChildren();
      });
    }

    box.dnnGeometry = () => getSt().g;     // for tests and outside checks: where each node is
    box.addEventListener("pointermove", onMove);
    box.addEventListener("pointerleave", onLeave);
    box.addEventListener("click", onClick);
    api.rebuild = (c) => { api.ctx = c; hover = null; pinned = null; closeEditor(); rebuildControls(); };
    api.frame = () => { if (hover) showTip(); if (hover || pinned) focus(); };
    api.destroy = () => {
      box.dispatchEvent(new CustomEvent("dnnlive-neuron", { bubbles: true, detail: null }));
      top.remove(); steps.remove(); acts.remove();
    };
    rebuildControls();
    return api;
  };
})();
