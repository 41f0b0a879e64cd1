'use strict'
// One attached window's view of the event stream: its cursor, the events waiting for the
// next frame, and its catch-up state. The bridge owns one per webContents.
//
// States:
//   idle      — no page is listening (just attached, or navigating): nothing is sent and the
//               cursor stays where it was, so the next page resumes from it.
//   catching  — a resume is reading the log; live events are collected (bounded) so the
//               seam between the log page and the live stream has no hole.
//   live      — live events are batched: sent at once when the window has been quiet for a
//               frame, otherwise at most one message per frame.

const { CHANNELS } = require('./channels')

class WindowSession {
  constructor ({ webContents, isAllowed, frameMs, maxPending }) {
    this.webContents = webContents
    this.isAllowed = isAllowed
    this.frameMs = frameMs
    this.maxPending = maxPending
    this.state = 'idle'
    this.cursor = null // the last seq this window was given; null: none yet
    this.pending = []
    this.collectFrom = null // while catching: every live event above this seq is in `pending`
    this.resumeToken = 0
    this.lastSentAt = -Infinity
    this.timer = null
    this.closed = false
  }

  // Live events from the core, in seq order.
  push (events) {
    if (this.state === 'idle' || this.closed) return
    if (this.state === 'catching') {
      this.collect(events)
      return
    }
    const floor = this.cursor ?? -Infinity
    const lastQueued = this.pending.length ? this.pending[this.pending.length - 1].seq : floor
    for (const event of events) {
      if (event.seq > lastQueued) this.pending.push(event)
    }
    if (this.pending.length > this.maxPending) {
      this.overflow()
      return
    }
    this.schedule()
  }

  collect (events) {
    for (const event of events) {
      if (event.seq > this.collectFrom) this.pending.push(event)
    }
    // Too much arrived while the log was being read: forget it and let the seam move up.
    // The renderer is answered `more` and reads the forgotten part from the log.
    if (this.pending.length > this.maxPending) {
      this.collectFrom = this.pending[this.pending.length - 1].seq
      this.pending = []
    }
  }

  // Too far behind for one frame (the main thread was blocked): tell the renderer `gap`,
  // stop sending, and let it catch up from the log with resume(cursor).
  overflow () {
    this.pending = []
    this.cancelTimer()
    this.state = 'idle'
    this.sendMessages([{ type: 'gap', next: this.cursor }])
  }

  // A resume began: from now on collect live events above `seen` (the bridge's newest seq).
  beginCatchUp (seen) {
    this.resumeToken += 1
    this.state = 'catching'
    this.collectFrom = seen
    this.pending = []
    this.cancelTimer()
    return this.resumeToken
  }

  isCurrent (token) {
    return !this.closed && token === this.resumeToken && this.state === 'catching'
  }

  // The log page of a resume ends at `next`. Returns true when the page and the collected
  // live events together leave no hole (the window is live again), false when the renderer
  // must ask for more.
  finishPage (next) {
    this.cursor = next
    if (this.collectFrom === null || next < this.collectFrom) return false
    this.goLive(next)
    return true
  }

  // Live from `seq` on, keeping collected events above it; they go out after the answer.
  goLive (seq) {
    this.cursor = seq
    this.pending = seq === null ? this.pending : this.pending.filter((event) => event.seq > seq)
    this.collectFrom = null
    this.state = 'live'
    if (this.pending.length) this.timer = setTimeout(() => this.flush(), 0)
  }

  // The page is going away (reload, navigation, crash): keep the cursor, send nothing.
  pause () {
    this.state = 'idle'
    this.resumeToken += 1
    this.pending = []
    this.collectFrom = null
    this.cancelTimer()
  }

  schedule () {
    if (this.timer !== null || this.pending.length === 0) return
    const wait = this.frameMs - (performance.now() - this.lastSentAt)
    if (wait <= 0) {
      this.flush()
    } else {
      // Node's timers count whole milliseconds on a loop clock that can trail
      // performance.now(), so one may fire a little early: it checks again before sending.
      this.timer = setTimeout(() => {
        this.timer = null
        this.schedule()
      }, Math.ceil(wait))
    }
  }

  flush () {
    this.timer = null
    if (this.state !== 'live' || this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.cursor = batch[batch.length - 1].seq
    this.sendMessages(batch)
  }

  sendMessages (messages) {
    const contents = this.webContents
    if (contents.isDestroyed() || !this.isAllowed(contents.getURL())) {
      this.pause()
      return
    }
    contents.send(CHANNELS.events, messages)
    this.lastSentAt = performance.now() // the next frame counts from the end of this send
  }

  cancelTimer () {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  close () {
    this.closed = true
    this.pause()
    this.webContents = null
  }
}

module.exports = { WindowSession }
