/* DNN Playground live view: the numbers above the views and their text alternative
 * (loaded before player.js, which makes one per live element).
 *
 * Each number is the engine's own, from the frame: epoch; train and test loss, both the data
 * loss (comparable); the L1/L2 penalty the train cost adds, shown only when it is not zero;
 * accuracy or R² (train / test); the learning rate. The text alternative (role "status",
 * aria-live "polite", visually hidden) says the same in a sentence, at most once a second,
 * and always ends with the last frame's numbers.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  const SPEAK_MS = 1000;
  /** [key, label, what it is (the item's tooltip)]. */
  const ITEMS = [
    ["epoch", "Epoch", "Epochs trained"],
    ["train", "Train loss", "The loss on the training points, without the regularization penalty"],
    ["test", "Test loss", "The loss on the test points (no penalty)"],
    ["penalty", "+ Penalty (train cost)",
      "The L1/L2 term added to the train loss in the cost that training minimizes"],
    ["metric", "Accuracy", "Train / test: the share of points classified correctly"],
    ["lr", "Learning rate", "The learning rate of the last step"]];

  const fmt = (x) => (x === null || x === undefined ? "–"
    : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 0.001) ? x.toExponential(2) : x.toFixed(3));
  const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %");
  function add(tag, cls, parent, text) {
    const e = parent.appendChild(document.createElement(tag));
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function setText(e, text) { if (e.textContent !== text) e.textContent = text; }

  class Numbers {
    constructor(box) {
      const row = add("div", "dnnlive-numbers", box);
      this.items = {}; this.values = {}; this.labels = {};
      for (const [k, label, help] of ITEMS) {
        const item = (this.items[k] = add("div", "dnnlive-num", row));
        item.title = help;
        this.labels[k] = add("span", "dnnlive-label", item, label);
        this.values[k] = add("span", "dnnlive-value", item, "–");
      }
      this.items.penalty.hidden = true;
      this.values.epoch.dataset.testid = "live-epoch";
      this.summary = add("div", "dnnlive-summary", box);
      this.summary.dataset.testid = "live-summary";
      this.summary.setAttribute("role", "status");
      this.summary.setAttribute("aria-live", "polite");
      this.spokenAt = -Infinity; this.timer = 0; this.next = null;
    }
    show(f) {
      const v = this.values, r2 = f.metric.name === "r2";
      setText(v.epoch, f.epoch.toLocaleString("en-US"));
      setText(v.train, fmt(f.loss.train_data));
      setText(v.test, fmt(f.loss.test_data));
      this.items.penalty.hidden = !(f.loss.train_penalty > 0);
      setText(v.penalty, fmt(f.loss.train_penalty));
      setText(this.labels.metric, r2 ? "R² (train / test)" : "Accuracy (train / test)");
      setText(v.metric, r2 ? `${fmt(f.metric.train)} / ${fmt(f.metric.test)}`
        : `${pct(f.metric.train)} / ${pct(f.metric.test)}`);
      setText(v.lr, f.lr === null ? "–" : Number(f.lr.toPrecision(3)).toString());
      this.speak(f);
    }
    speak(f) {
      const now = performance.now(), wait = this.spokenAt + SPEAK_MS - now;
      this.next = f;
      if (wait > 0) {
        if (!this.timer) this.timer = setTimeout(() => { this.timer = 0; this.speak(this.next); }, wait);
        return;
      }
      this.spokenAt = now;
      const r2 = f.metric.name === "r2", m = (x) => (r2 ? fmt(x) : pct(x));
      const penalty = f.loss.train_penalty > 0 ? `, penalty ${fmt(f.loss.train_penalty)}` : "";
      setText(this.summary, `Epoch ${f.epoch}: train loss ${fmt(f.loss.train_data)}, test loss ` +
        `${fmt(f.loss.test_data)}${penalty}; ${r2 ? "R²" : "accuracy"} ${m(f.metric.train)} ` +
        `train, ${m(f.metric.test)} test.`);
    }
    destroy() { clearTimeout(this.timer); }
  }
  NS.Numbers = Numbers;
})();
