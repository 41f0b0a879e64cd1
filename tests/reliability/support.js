'use strict'
// Shared by the reliability suites: what a user would check against a real jobwired.
// - the server's log (every event after a cursor, paged), its head, its jobs;
// - /metrics parsed, the connection gauges, jobwired's RSS from /proc;
// - a fold of received envelopes into job state, compared with GET /api/jobs;
// - a delivery record and check: what a client received against the log (lost, duplicated, out of
//   order), allowing only what DESIGN.md allows to be coalesced: a job.progress superseded by
//   a later job.progress of the same job that the client did receive.
const fs = require('node:fs')
const { get, sleep } = require('../http/support')

// Every event after `after`, paged through GET /api/events.
async function readLog (srv, after = 0) {
  const events = []
  for (let cursor = after; ;) {
    const page = await get(srv, `/api/events?after=${cursor}&limit=1000`)
    if (page.status !== 200) throw new Error(`GET /api/events?after=${cursor}: ${page.status} ${page.body}`)
    if (page.json.events.length === 0) return events
    events.push(...page.json.events)
    cursor = page.json.next
  }
}

async function headSeq (srv) {
  const res = await get(srv, '/healthz')
  if (res.status !== 200) throw new Error(`/healthz: ${res.status} ${res.body}`)
  return res.json.seq
}

// Every job the server has, by id, paged through GET /api/jobs.
async function serverJobs (srv) {
  const jobs = new Map()
  for (let offset = 0; ;) {
    const page = await get(srv, `/api/jobs?limit=1000&offset=${offset}`)
    if (page.status !== 200) throw new Error(`GET /api/jobs: ${page.status} ${page.body}`)
    for (const job of page.json.jobs) jobs.set(job.id, job)
    offset += page.json.jobs.length
    if (page.json.jobs.length === 0 || offset >= page.json.total) return jobs
  }
}

// /metrics as { 'name{labels}': value }.
async function metrics (srv) {
  const res = await get(srv, '/metrics')
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`)
  const out = {}
  for (const line of res.body.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    out[line.slice(0, space)] = Number(line.slice(space + 1))
  }
  return out
}

// The open-connection gauges, by transport. `http` counts plain requests, and the /metrics
// request that reads them is one.
async function connectionGauges (srv) {
  const m = await metrics(srv)
  return {
    sse: m['jobwire_connections{transport="sse"}'],
    ws: m['jobwire_connections{transport="ws"}'],
    longpoll: m['jobwire_connections{transport="longpoll"}'],
    http: m['jobwire_connections{transport="http"}']
  }
}

// Waits (bounded) until no SSE, WebSocket or long-poll connection is open and no plain one but
// the /metrics request itself; returns the last reading either way, for the assertion to show.
async function connectionsClosed (srv, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs
  let gauges
  while (Date.now() < until) {
    gauges = await connectionGauges(srv)
    if (gauges.sse === 0 && gauges.ws === 0 && gauges.longpoll === 0 && gauges.http === 1) return gauges
    await sleep(100)
  }
  return gauges
}

function rssKiB (pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1])
}

// Folds envelopes (in seq order) into { id → {status, progress_percent, log_lines} }: what a
// client's cache would show.
function fold (events, into = new Map()) {
  for (const e of events) {
    const data = e.data || {}
    if (e.type === 'job.created') {
      into.set(e.job, { status: data.status, progress_percent: data.progress_percent ?? 0, log_lines: data.log_lines ?? 0 })
      continue
    }
    const job = into.get(e.job)
    if (!job) continue
    if (e.type === 'job.status' || e.type === 'job.updated') {
      if (data.status !== undefined) job.status = data.status
      if (data.progress_percent !== undefined) job.progress_percent = data.progress_percent
    } else if (e.type === 'job.progress') {
      job.progress_percent = data.progress_percent ?? data.progress
    } else if (e.type === 'job.log') {
      job.log_lines = Math.max(job.log_lines, (data.offset ?? 0) + (data.lines ? data.lines.length : 0))
    }
  }
  return into
}

// The same three fields from the server's jobs, for deepEqual with fold().
function project (jobs) {
  const out = new Map()
  for (const [id, job] of jobs) out.set(id, { status: job.status, progress_percent: job.progress_percent, log_lines: job.log_lines ?? 0 })
  return out
}

// What one client received, kept as it arrives in a form whose size does not grow with every
// envelope (a long churn run delivers millions): the seqs as ranges of consecutive seqs, the
// newest job.progress seq of each job, the fold of the envelopes into job state, and counters.
class DeliveryRecord {
  constructor () {
    this.ranges = [] // [first, last] pairs of seqs received, sorted, not touching
    this.last = -Infinity
    this.count = 0
    this.duplicated = 0
    this.outOfOrder = 0
    this.examples = []
    this.newestProgress = new Map() // job → the newest job.progress seq received
    this.folded = new Map() // fold() of every envelope, in arrival order
  }

  add (e) {
    this.count++
    if (this.has(e.seq)) {
      this.duplicated++
      if (this.examples.length < 5) this.examples.push(`dup ${e.seq}`)
    } else {
      this.insert(e.seq)
    }
    if (e.seq <= this.last) this.outOfOrder++
    this.last = Math.max(this.last, e.seq)
    if (e.type === 'job.progress' && e.seq > (this.newestProgress.get(e.job) ?? -Infinity)) this.newestProgress.set(e.job, e.seq)
    fold([e], this.folded)
  }

  // The index of the range holding seq, or -1.
  find (seq) {
    let lo = 0
    let hi = this.ranges.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const [first, last] = this.ranges[mid]
      if (seq < first) hi = mid - 1
      else if (seq > last) lo = mid + 1
      else return mid
    }
    return -1
  }

  has (seq) {
    return this.find(seq) >= 0
  }

  insert (seq) {
    const tail = this.ranges[this.ranges.length - 1]
    if (tail && seq === tail[1] + 1) { tail[1] = seq; return } // the usual case: the next seq
    if (!tail || seq > tail[1]) { this.ranges.push([seq, seq]); return }
    // Out of order: its own range, kept sorted (merging is only an economy).
    let at = 0
    while (at < this.ranges.length && this.ranges[at][0] < seq) at++
    this.ranges.splice(at, 0, [seq, seq])
  }

  * seqs () {
    for (const [first, last] of this.ranges) for (let seq = first; seq <= last; seq++) yield seq
  }
}

// Compares what one client received (a DeliveryRecord) with the log. Returns counts and the
// first few offending seqs.
function checkDelivery (record, log) {
  const examples = [...record.examples]
  let lost = 0
  let coalesced = 0
  for (const e of log) {
    if (record.has(e.seq)) continue
    // A progress event may be coalesced away when a later one of its job arrived.
    if (e.type === 'job.progress' && (record.newestProgress.get(e.job) ?? -Infinity) > e.seq) { coalesced++; continue }
    lost++
    if (examples.length < 5) examples.push(`lost ${e.seq} ${e.type}`)
  }
  const logSeqs = new Set(log.map((e) => e.seq))
  let foreign = 0
  for (const seq of record.seqs()) if (!logSeqs.has(seq)) foreign++
  return { received: record.count, lost, duplicated: record.duplicated, outOfOrder: record.outOfOrder, coalesced, foreign, examples }
}

module.exports = { readLog, headSeq, serverJobs, metrics, connectionGauges, connectionsClosed, rssKiB, fold, project, DeliveryRecord, checkDelivery, sleep }
