// The client's snapshot cache. Each key holds the server's snapshot and the seq it
// reflects; events patch snapshots in place, in seq order, and an event at or below a
// key's seq is dropped (at-least-once on the wire, exactly-once in the cache). A key that
// events cannot keep exact is reported stale, so only that key is read again.
// Optimistic overlays (overlays.js) are laid over snapshots when read.

import { parseKey, jobKey } from '../keys.js'
import { patchJob, isTerminalStatus } from './job-patch.js'
import { patchJobList } from './list-patch.js'
import { patchLogs } from './logs-patch.js'
import { patchFiles } from './files-patch.js'
import { patchFileChanges } from './changes-patch.js'
import { patchJobSet } from './set-patch.js'
import { patchTimeline } from './timeline-patch.js'

// Events kept to replay onto a snapshot whose read started before they arrived.
const RECENT_EVENTS = 5_000

function patchEntry (parsed, data, event) {
  switch (parsed.kind) {
    case 'list': return patchJobList(data, event, parsed.filters)
    case 'detail': return { data: event.job === parsed.jobId ? patchJob(data, event) : data, stale: false }
    case 'logs': return event.job === parsed.jobId ? patchLogs(data, event) : { data, stale: false }
    case 'files': return event.job === parsed.jobId ? patchFiles(data, event) : { data, stale: false }
    case 'changes': return patchFileChanges(data, event, parsed)
    case 'set': return patchJobSet(data, event, parsed)
    case 'timeline': return patchTimeline(data, event)
    default: return { data, stale: false }
  }
}

export class SnapshotStore {
  constructor () {
    this.entries = new Map() // key → {data, seq, etag, parsed}
    this.overlays = new Map() // id → overlay
    this.recent = []
    this.listeners = new Set()
  }

  has (key) { return this.entries.has(key) }
  keys () { return [...this.entries.keys()] }
  etag (key) { return this.entries.get(key)?.etag }
  seq (key) { return this.entries.get(key)?.seq }

  // The snapshot as the user should see it: the server's, with pending actions laid over.
  get (key) {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (this.overlays.size === 0) return entry.data
    let data = entry.data
    for (const overlay of this.overlays.values()) data = overlay.apply(data, entry.parsed)
    return data
  }

  // Stores a snapshot read from the server and replays the recent events it predates.
  // Returns {terminal: jobIds now seen ended}.
  set (key, data, { etag } = {}) {
    const parsed = parseKey(key)
    const seq = typeof data.seq === 'number' ? data.seq : 0
    const entry = { data, seq, etag, parsed }
    for (const event of this.recent) {
      if (event.seq <= entry.seq) continue
      const result = patchEntry(parsed, entry.data, event)
      entry.data = result.data
      entry.seq = event.seq
    }
    this.entries.set(key, entry)
    this.settle(key, entry)
    this.notify(new Set([key]))
    return { terminal: this.terminalIn(entry) }
  }

  // Marks a key as read again with no change (a 304): only its freshness changes.
  touch (key, { etag } = {}) {
    const entry = this.entries.get(key)
    if (entry && etag) entry.etag = etag
  }

  // Drops a key nobody shows any more, so events stop patching it.
  forget (key) {
    this.entries.delete(key)
  }

  // Applies a batch of events in seq order. Returns {changed, stale, terminal}:
  // keys whose snapshot changed, keys to read again, jobs that just ended.
  applyEvents (events) {
    const changed = new Set()
    const stale = new Set()
    const terminal = new Set()
    for (const event of events) {
      this.remember(event)
      if (event.type === 'job.status' && isTerminalStatus(event.data?.status)) terminal.add(event.job)
      for (const overlay of this.overlays.values()) {
        if (overlay.settledByEvent(event)) { this.overlays.delete(overlay.id); this.markAllChanged(changed) }
      }
      for (const [key, entry] of this.entries) {
        if (event.seq <= entry.seq) continue
        const result = patchEntry(entry.parsed, entry.data, event)
        entry.seq = event.seq
        if (result.data !== entry.data) { entry.data = result.data; changed.add(key) }
        if (result.stale) stale.add(key)
      }
    }
    if (changed.size > 0) this.notify(changed)
    return { changed, stale, terminal }
  }

  // Lays an optimistic action over the snapshots, unless the server already shows it.
  addOverlay (overlay) {
    if (this.recent.some((event) => overlay.settledByEvent(event))) return
    for (const [key, entry] of this.entries) if (overlay.settledBy(key, entry.data, entry.parsed)) return
    this.overlays.set(overlay.id, overlay)
    this.notify(new Set(this.entries.keys()))
  }

  // An overlay changed (its write was answered): settle it if the server already has it.
  refreshOverlays () {
    for (const [key, entry] of this.entries) this.settle(key, entry)
    this.notify(new Set(this.entries.keys()))
  }

  removeOverlay (overlay) {
    if (this.overlays.delete(overlay.id)) this.notify(new Set(this.entries.keys()))
  }

  // The status of a job as far as the cache knows it (detail first, then list rows).
  jobStatus (jobId) {
    const detail = this.entries.get(jobKey(jobId))
    if (detail) return detail.data.status
    for (const entry of this.entries.values()) {
      if (entry.parsed.kind !== 'list') continue
      const row = entry.data.jobs.find((job) => job.id === jobId)
      if (row) return row.status
    }
    return undefined
  }

  // True while any job the cache holds is running (lists then poll on the fast interval).
  anyRunning () {
    for (const entry of this.entries.values()) {
      if (entry.parsed.kind === 'detail' && entry.data.status === 'running') return true
      if (entry.parsed.kind === 'list' && entry.data.jobs.some((job) => job.status === 'running')) return true
    }
    return false
  }

  // Forgets every snapshot's position (an epoch change or a reset): the next read of
  // each key replaces it whatever its seq.
  invalidateAll () {
    this.recent = []
    for (const entry of this.entries.values()) entry.seq = -1
  }

  subscribe (listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  notify (keys) {
    for (const listener of [...this.listeners]) listener(keys)
  }

  remember (event) {
    this.recent.push(event)
    if (this.recent.length > RECENT_EVENTS * 2) this.recent = this.recent.slice(-RECENT_EVENTS)
  }

  settle (key, entry) {
    for (const overlay of this.overlays.values()) {
      if (overlay.settledBy(key, entry.data, entry.parsed)) this.overlays.delete(overlay.id)
    }
  }

  markAllChanged (changed) {
    for (const key of this.entries.keys()) changed.add(key)
  }

  terminalIn (entry) {
    if (entry.parsed.kind === 'detail' && isTerminalStatus(entry.data.status)) return [entry.parsed.jobId]
    return []
  }
}
