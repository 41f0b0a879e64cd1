'use strict'
// Shared by the reliability suites: what a user would check against a real jobwired.
// - the server's log (every event after a cursor, paged), its head, its jobs;
// - /metrics parsed, the connection gauges, jobwired's RSS from /proc;
// - a fold of received envelopes into job state, compared with GET /api/jobs;
// - a delivery check: what a client received against the log (lost, duplicated, out of
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

// Compares what one client received (envelopes in arrival order) with the log.
// Returns counts and the first few offending seqs.
function checkDelivery (received, log) {
  const got = new Map()
  let duplicated = 0
  let outOfOrder = 0
  let last = -Infinity
  const examples = []
  for (const e of received) {
    if (got.has(e.seq)) { duplicated++; if (examples.length < 5) examples.push(`dup ${e.seq}`) }
    if (e.seq <= last) outOfOrder++
    last = Math.max(last, e.seq)
    got.set(e.seq, e)
  }
  // For each job, the seqs of the job.progress events this client received.
  const progressSeen = new Map()
  for (const e of received) {
    if (e.type !== 'job.progress') continue
    if (!progressSeen.has(e.job)) progressSeen.set(e.job, [])
    progressSeen.get(e.job).push(e.seq)
  }
  let lost = 0
  let coalesced = 0
  for (const e of log) {
    if (got.has(e.seq)) continue
    const later = e.type === 'job.progress' && (progressSeen.get(e.job) || []).some((s) => s > e.seq)
    if (later) { coalesced++; continue }
    lost++
    if (examples.length < 5) examples.push(`lost ${e.seq} ${e.type}`)
  }
  const logSeqs = new Set(log.map((e) => e.seq))
  const foreign = received.filter((e) => !logSeqs.has(e.seq)).length
  return { received: received.length, lost, duplicated, outOfOrder, coalesced, foreign, examples }
}

module.exports = { readLog, headSeq, serverJobs, metrics, connectionGauges, connectionsClosed, rssKiB, fold, project, checkDelivery, sleep }
