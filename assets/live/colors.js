/* DNN Playground live view: the one colour-table helper of every view (and the test harness).
 *
 * Colours come from the payload's meta.colors ({neg, mid, pos, classes}), the quantization
 * from meta.quant = [ZERO, STEP] (ui/live/payload.py QUANT): a value v in [-1, 1] travels as
 * q = round(ZERO + STEP v) in 1..255. Tables are 256-entry Uint32 RGBA (little-endian, for
 * ImageData), cached per kind and colours:
 *   "diverging": q = 1 -> neg, ZERO -> mid, 255 -> pos;  "discrete": q < ZERO -> neg, else pos;
 *   class(colors, hex): q = 0..255 -> mix(mid, hex, q / 255) (a class's confidence ramp).
 * paint(canvas, u8, w, h, table): quantized values through a table onto a canvas.
 * series: the line colours of per-layer series (one per Dense layer, cycling).
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const mix = (a, b, t) => a.map((x, i) => Math.round(x + (b[i] - x) * t));
  const rgba32 = (c) => (255 << 24 | c[2] << 16 | c[1] << 8 | c[0]) >>> 0;
  const cache = new Map();
  const images = new WeakMap();               // canvas -> its ImageData, for paint

  function cached(key, build) {
    if (!cache.has(key)) cache.set(key, build());
    return cache.get(key);
  }
  /** 256-entry table of colourAt(q) -> [r, g, b]. */
  const table32 = (colourAt) => Uint32Array.from({ length: 256 }, (_, q) => rgba32(colourAt(q)));

  NS.colors = {
    hex, mix, rgba32,
    series: ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
      "#666666", "#1f78b4", "#b15928"],
    /** "diverging" or "discrete" table of meta.colors with meta.quant's zero and step. */
    table(kind, colors, quant) {
      const [zero, step] = quant;
      return cached(`${kind}|${colors.neg}|${colors.mid}|${colors.pos}|${zero}|${step}`, () => {
        const neg = hex(colors.neg), mid = hex(colors.mid), pos = hex(colors.pos);
        return table32((q) => {
          const v = Math.max(-1, Math.min(1, (q - zero) / step));
          if (kind === "discrete") return q < zero ? neg : pos;
          return v < 0 ? mix(mid, neg, -v) : mix(mid, pos, v);
        });
      });
    },
    /** Confidence ramp of one class colour: q -> mix(mid, classHex, q / 255). */
    classRamp(colors, classHex) {
      return cached(`ramp|${colors.mid}|${classHex}`, () => {
        const mid = hex(colors.mid), c = hex(classHex);
        return table32((q) => mix(mid, c, q / 255));
      });
    },
    /** Draw quantized values u8 (w*h, row-major) into `canvas` (resized to w x h) through
     *  `table`; bottomUp: row 0 is the bottom row (grids over the input plane). */
    paint(canvas, u8, w, h, table, bottomUp) {
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
    },
    /** A value v (already divided by its scale) -> its byte q, clamped to 1..255. */
    quantize(v, quant) {
      const [zero, step] = quant;
      return Math.max(1, Math.min(255, Math.round(zero + step * v)));
    },
  };
})();
