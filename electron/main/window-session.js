'use strict'
// One attached window's stream: its own native subscription (core.subscribe), its cursor, and
// the messages waiting for the next frame. The bridge owns one per webContents.
//
// The core's subscription does the whole cursor rule: it reads the log after `after`, seams it
// to the live feed (each seq once), repairs its own overflows from the log, and marks a batch
// `reset` when `after` was older than retention. This file only batches and carries:
//   - resume(after) (re)starts the stream and bumps `generation`; every message names its
//     generation, so the page drops any still in flight from before the resume;
//   - batches go at once when the window has been quiet for a frame, otherwise at most one
//     message per frame;
//   - pause() (navigation, reload, crash) stops the stream and keeps the cursor, so the next
//     page resumes from the last seq this window was sent.

const { CHANNELS } = require('./channels')

class WindowSession {
  constructor ({ core, webContents, isAllowed, frameMs, maxPending }) {
    this.core = core
    this.webContents = webContents
    this.isAllowed = isAllowed
    this.frameMs = frameMs
    this.maxPending = maxPending
    this.cursor = null // the last seq sent to this window (or where it resumed); null: none yet
    this.generation = 0 // counts resumes: the page takes only the latest one's messages
    this.unsubscribe = null // the native subscription, while the window has a page listening
    this.pending = [] // events and {type:'reset', next} for the next frame, in seq order
    this.behind = false // pending was cut at maxPending: restart after the next send
    this.lastSentAt = -Infinity
    this.timer = null
  }

  // The page (re)starts its stream after `after` (undefined: where this window left off, or
  // the head for a new window). Answers where it starts and the head at that moment, so the
  // page knows which events make up its resume answer.
  resume (after) {
    this.pause()
    this.generation += 1
    const { head } = this.core.logInfo()
    const from = after ?? this.cursor ?? head
    this.cursor = from
    this.subscribe(from)
    return { generation: this.generation, from, head }
  }

  subscribe (after) {
    this.unsubscribe = this.core.subscribe((batch) => this.receive(batch), { after })
  }

  // A batch from the native subscription: seq order, each seq once.
  receive (batch) {
    if (batch.reset) this.pending.push({ type: 'reset', next: batch.cursor })
    for (let i = 0; i < batch.length; i++) this.pending.push(batch[i])
    if (this.pending.length > this.maxPending) this.fallBehind()
    this.schedule()
  }

  // More than one message may carry (the main thread was blocked, or a long backlog): keep
  // the first maxPending, stop the subscription, and restart it from the last of them once
  // they are sent. The core reads the rest from the log; memory and message size stay bounded.
  fallBehind () {
    this.pending.length = this.maxPending
    this.behind = true
    this.stopSubscription()
  }

  // The page is going away (reload, navigation, crash) or resuming elsewhere: nothing more is
  // sent from this stream; the cursor stays.
  pause () {
    this.stopSubscription()
    this.pending = []
    this.behind = false
    this.cancelTimer()
  }

  stopSubscription () {
    if (this.unsubscribe) this.unsubscribe()
    this.unsubscribe = null
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
    if (this.pending.length === 0) return
    const contents = this.webContents
    if (contents.isDestroyed() || !this.isAllowed(contents.getURL())) {
      this.pause()
      return
    }
    const messages = this.pending
    this.pending = []
    const last = messages[messages.length - 1]
    this.cursor = typeof last.seq === 'number' ? last.seq : last.next // an event, or a reset's new start
    contents.send(CHANNELS.events, { generation: this.generation, messages })
    this.lastSentAt = performance.now() // the next frame counts from the end of this send
    if (this.behind) {
      this.behind = false
      this.subscribe(this.cursor)
    }
  }

  cancelTimer () {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  close () {
    this.pause()
    this.webContents = null
  }
}

module.exports = { WindowSession }
