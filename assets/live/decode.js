/* DNN Playground live view: the payload decoder and the cost history (loaded before player.js).
 *
 * decode(bytes): the binary payload of ui/live/payload.py `pack` -> its header object with
 * typed-array views in place of the blobs (uint8, float32; float64 copied, for alignment).
 * A payload whose format is not FORMAT throws FormatError (player.js shows its message).
 * Curve: the engine's history rows (already thinned by dnn_core/history.py), held when they
 * arrive and appended as the frames of their epochs are drawn; it never drops rows itself.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  const FORMAT = 2;                            // ui/live/payload.py FORMAT this file reads
  const DECODER = new TextDecoder();

  // ---- payload ------------------------------------------------------------------
  /** bytes (Uint8Array) -> header object with typed-array views in place of blobs. */
  function decode(bytes) {
    let u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    if (u8.byteOffset % 4) u8 = u8.slice();   // Float32Array views need 4-byte alignment
    const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    if (dv.getUint32(0, true) !== 0x4c4e4e44) throw new Error("live view: not a payload");
    const format = dv.getUint32(4, true);
    if (format !== FORMAT) {
      throw new FormatError(`The live view cannot read this server's data (format ${format}; ` +
        `this page reads format ${FORMAT}). Reload the page.`);
    }
    const nBlobs = dv.getUint32(8, true), nText = dv.getUint32(12, true);
    const blobs = new Array(nBlobs);
    for (let i = 0; i < nBlobs; i++) {
      const at = 16 + 12 * i, off = u8.byteOffset + dv.getUint32(at, true);
      const n = dv.getUint32(at + 4, true), code = dv.getUint32(at + 8, true);
      blobs[i] = code === 1 ? new Uint8Array(u8.buffer, off, n)
        : code === 2 ? new Float32Array(u8.buffer, off, n)
        : new Float64Array(u8.slice(off - u8.byteOffset, off - u8.byteOffset + 8 * n).buffer);
    }
    const start = 16 + 12 * nBlobs;
    return JSON.parse(DECODER.decode(u8.subarray(start, start + nText)), (k, v) =>
      (v !== null && typeof v === "object" && v.$ !== undefined ? blobs[v.$] : v));
  }

  class FormatError extends Error {}

  // ---- the cost history, revealed frame by frame --------------------------------
  /** Curve: the engine's history rows as columns of Float64Array (n rows), grad_norm as
   *  n*L; `gen` changes whenever rows are removed (a whole history replaces them) so views
   *  redraw from scratch. It grows as rows arrive: the engine bounds them. */
  class Curve {
    constructor() { this.gen = 0; this.clear([], 0); }
    clear(columns, layers) {
      this.pending = [];                       // [{rows, i}]: arrived, not drawn yet
      this.columns = columns.filter((k) => k !== "grad_norm");
      this.n = 0; this.L = layers; this.cap = 0; this.gen++; this.cols = {};
      this.grow(256);
    }
    grow(cap) {
      const old = this.cols;
      this.cols = {};
      for (const k of this.columns) this.cols[k] = new Float64Array(cap);
      this.cols.grad_norm = new Float64Array(cap * Math.max(1, this.L));
      for (const [k, col] of Object.entries(old)) {
        this.cols[k].set(col.subarray(0, this.n * (k === "grad_norm" ? Math.max(1, this.L) : 1)));
      }
      this.cap = cap;
    }
    push(rows, i) {
      if (this.n === this.cap) this.grow(2 * this.cap);
      const n = this.n, L = this.L, g = rows.grad_norm;
      for (const k of this.columns) this.cols[k][n] = rows[k][i];
      for (let l = 0; l < L; l++) this.cols.grad_norm[n * L + l] = g[i * L + l];
      this.n = n + 1;
    }
    /** Rows of a payload (columns of equal length), shown once their epoch is drawn. */
    hold(rows) { if (rows.epoch.length) this.pending.push({ rows, i: 0 }); }
    /** Append the held rows up to `epoch`. */
    reveal(epoch) {
      while (this.pending.length) {
        const p = this.pending[0], ep = p.rows.epoch;
        while (p.i < ep.length && ep[p.i] <= epoch) this.push(p.rows, p.i++);
        if (p.i < ep.length) break;
        this.pending.shift();
      }
    }
  }

  Object.assign(NS, { decode, FormatError, Curve, FORMAT });
})();
