/* DNN Playground live view: when to draw the next queued frame and when to ask the server
 * for more (loaded before player.js, which makes one Pacer per live element).
 *
 * Pull: while running, ask(n) (the player's setTriggerValue("more", n)) when the queue holds
 * less than two round trips of playback; one request outstanding; unanswered, asked again
 * after 3, 6, 12, 24 s. Jitter buffer: frames go out at most FPS_CAP a second while the
 * queue holds a round trip of them, slower (down to FPS_CAP / MAX_STRETCH) as it drains, so
 * a slow server gives even gaps, not stalls. rtt and the playback interval are smoothed.
 */
(function () {
  "use strict";
  const NS = (window.DNNLive = window.DNNLive || {});
  const FPS_CAP = 60;
  const FRAME_MS = 1000 / FPS_CAP;
  const MAX_STRETCH = 3;                       // slowest playback: FPS_CAP / 3 while starving
  const MAX_ASK = 48;                          // ui/playground.py MAX_FRAMES_PER_BATCH
  const ASK_AGAIN_MS = 3000;

  class Pacer {
    constructor(ask) {
      this.ask = ask;
      this.asked = 0; this.askWait = ASK_AGAIN_MS; this.rtt = 80;
      this.low = 4; this.playMs = FRAME_MS; this.nextDraw = 0; this.lastDraw = 0;
    }
    /** A payload arrived at `now`. */
    answered(now) {
      if (this.asked) { this.rtt = 0.7 * this.rtt + 0.3 * (now - this.asked); this.asked = 0; }
      this.askWait = ASK_AGAIN_MS;
    }
    /** Ask for more when `queued` frames are less than two round trips of playback: asking
     *  at one let the queue dip under `low` every batch, and playback slowed on purpose
     *  (measured: 51.9 drawn of 54.9 animation frames/s; asking at two: equal). */
    maybeAsk(now, queued) {
      this.low = Math.ceil(this.rtt / this.playMs) + 2;
      if (queued > 2 * this.low) return;
      if (this.asked) {                        // unanswered: ask again, waiting longer each time
        if (now - this.asked < this.askWait) return;
        this.askWait = Math.min(8 * ASK_AGAIN_MS, 2 * this.askWait);
      }
      this.asked = now;
      // Three round trips' worth: each fragment run costs the server ~25 ms of Streamlit
      // whatever its size, so fewer, larger batches cut its CPU per frame.
      this.ask(Math.min(MAX_ASK, Math.max(8, 3 * this.low)));
    }
    /** Is the next frame due at animation frame `now`? */
    due(now) { return now >= this.nextDraw - 4; }
    /** `frame` was drawn at `now` with `queued` frames in the queue before it. */
    drawn(now, queued, frame) {
      const stretch = queued >= this.low ? 1 : 1 + (MAX_STRETCH - 1) * (this.low - queued) / this.low;
      const gap = (frame.timeline && frame.timeline.frameMs) || FRAME_MS;  // a replay's pace
      this.nextDraw = Math.max(this.nextDraw, now - gap) + gap * stretch;
    }
    /** The gap since the last running frame (null for the first after a restart). */
    gap(now) {
      const gap = this.lastDraw ? now - this.lastDraw : null;
      if (gap !== null) this.playMs = 0.9 * this.playMs + 0.1 * Math.min(gap, 100);
      this.lastDraw = now;
      return gap;
    }
    /** A full draw: the next gap starts with the next run. */
    restart() { this.lastDraw = 0; }
  }

  NS.Pacer = Pacer;
})();
