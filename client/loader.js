// Reads snapshot keys from the server into the store: one request per key at a time
// (shared by every caller), at most 3 in flight, If-None-Match so an unchanged snapshot
// costs a 304. A log key is read as its tail: the last MAX_TAIL_LINES lines the first
// time, only the lines past what we hold afterwards.

import { parseKey } from './keys.js'
import { RequestQueue } from './policy/request-queue.js'
import { appendTail, MAX_TAIL_LINES } from './cache/logs-patch.js'
import { appendTimeline } from './cache/timeline-patch.js'

// A timeline is read 1,000 events a page, at most 10 pages a read (the newest 1,000 are kept).
const TIMELINE_PAGE = 1_000
const TIMELINE_PAGES = 10

// A snapshot source answers {status: 200, body, etag} | {status: 304}: HTTP, or the
// Electron bridge (whose query never answers 304).
export function ipcSnapshotSource (bridge) {
  return {
    async getSnapshot (path) {
      return { status: 200, body: await ipcRequest(bridge, { method: 'GET', path }) }
    }
  }
}

// One request through window.jobwire.query, which answers the body the HTTP route would,
// or {error: {code, message, status}} for an error status (thrown here, like HttpError).
export async function ipcRequest (bridge, request) {
  const body = await bridge.query(request)
  if (body && body.error && typeof body.error === 'object') {
    const error = new Error(body.error.message || 'the desktop app refused the request')
    error.code = body.error.code
    error.status = body.error.status
    throw error
  }
  return body
}

export class SnapshotLoader {
  // onSnapshot(key, body, etag) stores a fresh snapshot; onUnchanged(key, etag) a 304.
  constructor ({ source, store, onSnapshot, maxInFlight, shareWindowMs, now }) {
    this.source = source
    this.store = store
    this.onSnapshot = onSnapshot
    this.queue = new RequestQueue({ maxInFlight, shareWindowMs, now })
  }

  // Reads `key` (sharing a read under way, or with share one answered within the share
  // window) and resolves with the store's view.
  load (key, { share = true } = {}) {
    return this.queue.run(key, () => this.read(key), { share }).then(() => this.store.get(key))
  }

  async read (key) {
    const { kind, jobId } = parseKey(key)
    if (kind === 'logs') return this.readLogs(key)
    if (kind === 'timeline') return this.readTimeline(key, jobId)
    const answer = await this.source.getSnapshot(key, { etag: this.store.etag(key) })
    if (answer.status === 304) this.store.touch(key, { etag: answer.etag })
    else this.onSnapshot(key, answer.body, answer.etag)
  }

  // The events of a job's tree after those held: the route filters by job= over HTTP; the
  // membership check of appendTimeline keeps the answer exact where it does not (IPC).
  // When retention has dropped the start of the log, the timeline starts where the log now
  // does (the 410 names it), and says so with `truncated`.
  async readTimeline (key, jobId) {
    // A key invalidated by a reset or another epoch (seq -1) starts over.
    const held = this.store.has(key) && this.store.seq(key) >= 0
    let timeline = held ? this.store.get(key) : { events: [], members: [jobId], next: 0 }
    let after = timeline.next
    for (let page = 0; page < TIMELINE_PAGES; page++) {
      let answer
      try {
        answer = await this.source.getSnapshot(`${key}&after=${after}&limit=${TIMELINE_PAGE}`)
      } catch (error) {
        if (error.code !== 'reset' || typeof error.oldest !== 'number' || error.oldest - 1 <= after) throw error
        timeline = { ...timeline, truncated: true }
        after = error.oldest - 1
        continue
      }
      const { body } = answer
      timeline = appendTimeline(timeline, body.events)
      const done = body.events.length < TIMELINE_PAGE || body.next === after
      after = body.next
      if (done) break
    }
    this.onSnapshot(key, { ...timeline, next: after, seq: after })
  }

  async readLogs (key) {
    const held = this.store.has(key) ? this.store.get(key) : undefined
    if (!held) {
      let answer = await this.source.getSnapshot(`${key}?offset=0&limit=${MAX_TAIL_LINES}`)
      const first = answer.body
      if (first.has_more && first.total_lines > MAX_TAIL_LINES) {
        answer = await this.source.getSnapshot(`${key}?offset=${first.total_lines - MAX_TAIL_LINES}&limit=${MAX_TAIL_LINES}`)
      }
      this.onSnapshot(key, answer.body, answer.etag)
      return
    }
    const end = held.offset + held.lines.length
    const answer = await this.source.getSnapshot(`${key}?offset=${end}&limit=${MAX_TAIL_LINES}`, { etag: this.store.etag(key) })
    if (answer.status === 304) { this.store.touch(key, { etag: answer.etag }); return }
    const page = answer.body
    const fresh = page.offset === end ? page.lines : page.lines.slice(Math.max(0, end - page.offset))
    const tail = fresh.length ? appendTail(held, fresh) : held
    this.onSnapshot(key, { ...tail, total_lines: page.total_lines, has_more: page.has_more, seq: page.seq }, answer.etag)
  }
}
