'use strict'
// One attached window's stream: its own native subscription (core.subscribe), its cursor, and
// what waits for the next frame. The bridge owns one per webContents.
//
// The core's subscription does the whole cursor rule: it reads the log after `after`, seams it
// to the live feed (each seq once), repairs its own overflows from the log, and marks a batch
// `reset` when `after` was older than retention. This file only batches and carries:
//   - the subscription hands over each batch unparsed (`text: true`): this process never
//     reads an event, it forwards the core's JSON text and the page parses it, so a window
//     costs the main thread a string per batch, not an object per event;
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
    this.generation = 0 // counts resumes: the page takes only the latest one's parts
    this.unsubscribe = null // the native subscription, while the window has a page listening
    this.pending = [] // for the next frame, in seq order: batches' JSON texts and {type:'reset', next}
    this.pendingEvents = 0 // events in `pending`
    this.pendingCursor = null // the subscription's cursor after the last batch in `pending`
    this.behind = false // the subscription stopped at maxPending: restart it after the next send
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
    this.unsubscribe = this.core.subscribe((batch) => this.receive(batch), { after, text: true })
  }

  // A batch from the native subscription (a TextBatch): seq order, each seq once.
  receive (batch) {
    if (batch.reset) this.pending.push({ type: 'reset', next: batch.cursor })
    const room = this.maxPending - this.pendingEvents
    if (batch.count > room) {
      this.fallBehind(batch, room)
    } else {
      if (batch.count > 0) this.pending.push(batch.json)
      this.pendingEvents += batch.count
      this.pendingCursor = batch.cursor
    }
    this.schedule()
  }

  // More than one message should carry (the main thread was blocked, or a long backlog): keep
  // the first maxPending events (the one place this process parses a batch, to cut it), stop
  // the subscription, and restart it from the last of them once they are sent. The core reads
  // the rest from the log; memory and message size stay bounded.
  fallBehind (batch, room) {
    if (room > 0) {
      const kept = JSON.parse(batch.json).slice(0, room)
      this.pending.push(JSON.stringify(kept))
      this.pendingEvents += kept.length
      this.pendingCursor = kept[kept.length - 1].seq
    }
    this.behind = true
    this.stopSubscription()
  }

  // The page is going away (reload, navigation, crash) or resuming elsewhere: nothing more is
  // sent from this stream; the cursor stays.
  pause () {
    this.stopSubscription()
    this.pending = []
    this.pendingEvents = 0
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
    const parts = this.pending
    this.pending = []
    this.pendingEvents = 0
    this.cursor = this.pendingCursor
    contents.send(CHANNELS.events, { generation: this.generation, parts })
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
