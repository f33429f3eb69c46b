/* Gradient flow view: each Dense layer's gradient norm ||dW_l|| (Frobenius, as the engine
 * records it at the end of each epoch) against epochs, log y, one line per layer. Layers
 * whose lines sit decades below the others have vanishing gradients; lines climbing
 * decades per epoch are exploding. Drawn with DNNLive.LineChart (cost.js).
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  NS.views = NS.views || {};
  const PALETTE = NS.colors.series;           // colors.js runs first

  NS.views.flow = {
    needsPlotly: true,
    mount(container, ctx) {
      const sizes = ctx.meta.layerSizes, L = sizes.length - 1;
      const series = [];
      for (let l = 0; l < L; l++) {
        const to = l === L - 1 ? "out" : `h${l + 1}`, from = l === 0 ? "in" : `h${l}`;
        series.push({ label: `‖dW${l + 1}‖ ${from}→${to}`, color: PALETTE[l % PALETTE.length],
          width: 1.5, get: (curve, i) => curve.cols.grad_norm[i * curve.L + l] });
      }
      const chart = new NS.LineChart(container, ctx, {
        yTitle: "gradient norm", series, logY: () => true, y2: null, best: false });
      return { update: (f, c) => chart.update(c), full: (f, c) => chart.full(c),
        resize: (c) => chart.resize(c), destroy: () => chart.destroy() };
    },
  };
})();
