'use strict'
// The churn run, shared by tests/reliability/churn.test.js (bounded) and
// scripts/reliability.js (long): `clients` logical clients, split over SSE, WebSocket and
// long-poll, churn against a real jobwired while `producers` write jobs through their whole
// life (create, running, progress, log lines, files, x.* events, a terminal status). Then a
// fence event, every client catches up to it, and the run reports what each received
// against the log, each client's fold against GET /api/jobs, the connection gauges, and
// jobwired's RSS over time.
const crypto = require('node:crypto')
const fs = require('node:fs')
const { post } = require('../http/support')
const { readLog, serverJobs, connectionsClosed, rssKiB, project, checkDelivery, headSeq, sleep } = require('./support')
const { makeClient, churn, catchUp, mulberry32 } = require('./churn-clients')

const TRANSPORTS = ['sse', 'ws', 'longpoll']

function fileSize (file) {
  try { return fs.statSync(file).size } catch { return 0 }
}

async function producer (srv, control, rng, stats) {
  // As a careful producer writes: each write carries an Idempotency-Key, and one whose
  // connection failed before an answer came (it may or may not have committed) is sent again
  // with it, a few times. Any answer other than success still fails the run.
  const w = async (path, body) => {
    const key = crypto.randomUUID() // not from rng: the seeded churn pattern stays the same
    for (let attempt = 1; ; attempt++) {
      let res
      try {
        res = await post(srv, path, body, { headers: { 'idempotency-key': key } })
      } catch (err) {
        if (attempt >= 5) throw err
        stats.retried = (stats.retried || 0) + 1
        await sleep(50 * attempt)
        continue
      }
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.body}`)
      stats.writes++
      return res.json
    }
  }
  while (!control.stopping) {
    const job = await w('/api/jobs', { type: 'churn', summary: { n: stats.jobs++ } })
    await w(`/api/jobs/${job.id}/status`, { status: 'running' })
    const steps = 3 + Math.floor(rng() * 8)
    for (let i = 1; i <= steps && !control.stopping; i++) {
      await w(`/api/jobs/${job.id}/progress`, { progress: Math.round((100 * i) / (steps + 1)) })
      if (rng() < 0.5) await w(`/api/jobs/${job.id}/logs`, { lines: [`step ${i}`, `of ${steps}`] })
      if (rng() < 0.1) await w(`/api/jobs/${job.id}/files`, { path: `out/${i}.txt`, change: 'created' })
      if (rng() < 0.1) await w('/api/events', { type: 'x.note', job: job.id, data: { i } })
    }
    const end = rng()
    await w(`/api/jobs/${job.id}/status`, end < 0.8 ? { status: 'completed' } : end < 0.9 ? { status: 'failed', error_message: 'boom' } : { status: 'cancelled' })
  }
}

// Runs the churn; returns the figures. Throws only on a harness failure; the caller asserts.
async function runChurn (srv, { clients = 150, producers = 3, seconds = 20, seed = 1, log = () => {} } = {}) {
  const rng = mulberry32(seed)
  const control = { stopping: false }
  const url = () => srv.url
  const start = await headSeq(srv)
  const all = Array.from({ length: clients }, (_, i) => {
    const c = makeClient(i, TRANSPORTS[i % TRANSPORTS.length], mulberry32(seed * 1000 + i))
    c.cursor = start
    return c
  })
  // RSS, and the store's size beside it: SQLite's page cache (up to 64 MiB) grows with the file.
  const sample = (at) => ({ at, kib: rssKiB(srv.proc.pid), storeKiB: Math.round((fileSize(srv.dbPath) + fileSize(`${srv.dbPath}-wal`)) / 1024) })
  const rss = [sample(0)]
  const began = Date.now()
  let logged = 0
  const sampler = setInterval(() => {
    const s = sample((Date.now() - began) / 1000)
    rss.push(s)
    if (s.at >= logged + 60) {
      logged += 60
      log(`${Math.round(s.at)} s: RSS ${(s.kib / 1024).toFixed(1)} MiB, store ${(s.storeKiB / 1024).toFixed(1)} MiB`)
    }
  }, 1000)

  const stats = { writes: 0, jobs: 0 }
  const writing = Array.from({ length: producers }, (_, i) => producer(srv, control, mulberry32(seed * 7 + i), stats))
  // Stagger the clients' starts over the first second.
  const reading = all.map(async (c) => { await sleep(Math.floor(rng() * 1000)); return churn(url, c, control) })

  await sleep(seconds * 1000)
  control.stopping = true
  await Promise.all(writing)
  await Promise.all(reading)
  const fence = await post(srv, '/api/events', { type: 'x.fence', data: {} })
  if (fence.status !== 201) throw new Error(`fence: ${fence.status} ${fence.body}`)
  const fenceSeq = fence.json.seq
  const caught = await Promise.all(all.map((c) => catchUp(url, c, fenceSeq)))
  const elapsed = (Date.now() - began) / 1000
  clearInterval(sampler)

  const gauges = await connectionsClosed(srv)
  await sleep(1000)
  const rssEnd = rssKiB(srv.proc.pid)

  const logEvents = (await readLog(srv, start)).filter((e) => e.seq <= fenceSeq)
  const state = project(await serverJobs(srv))
  const totals = { lost: 0, duplicated: 0, outOfOrder: 0, coalesced: 0, foreign: 0, received: 0 }
  const bad = []
  let foldMismatches = 0
  for (const c of all) {
    const d = checkDelivery(c.received, logEvents)
    for (const k of Object.keys(totals)) totals[k] += d[k]
    if (d.lost || d.duplicated || d.outOfOrder || d.foreign) bad.push({ client: c.id, transport: c.transport, ...d })
    // The client's fold (from an empty store: the run started at seq 0) against the server.
    const folded = c.received.folded
    for (const [id, job] of state) {
      const mine = folded.get(id)
      if (!mine || mine.status !== job.status || mine.progress_percent !== job.progress_percent || mine.log_lines !== job.log_lines) {
        foldMismatches++
        if (bad.length < 10) bad.push({ client: c.id, transport: c.transport, job: id, mine, server: job })
        break
      }
    }
  }
  const sessions = all.reduce((n, c) => n + c.sessions, 0)
  const vanished = all.reduce((v, c) => ({ reset: v.reset + c.vanished.reset, fin: v.fin + c.vanished.fin, close: v.close + c.vanished.close }), { reset: 0, fin: 0, close: 0 })
  const byTransport = Object.fromEntries(TRANSPORTS.map((t) => [t, all.filter((c) => c.transport === t).reduce((n, c) => n + c.sessions, 0)]))
  const warm = rss.find((s) => s.at >= seconds / 4) || rss[rss.length - 1]
  return {
    clients,
    seconds: elapsed,
    events: logEvents.length,
    writes: stats.writes,
    writesRetried: stats.retried || 0,
    jobs: state.size,
    sessions,
    byTransport,
    vanished,
    caughtUp: caught.filter(Boolean).length,
    errors: all.flatMap((c) => c.errors.map((e) => `${c.id}:${e}`)).slice(0, 10),
    resets: all.reduce((n, c) => n + c.resets, 0),
    ...totals,
    foldMismatches,
    bad: bad.slice(0, 10),
    gauges,
    rss: {
      startKiB: rss[0].kib,
      warmKiB: warm.kib,
      peakKiB: Math.max(...rss.map((s) => s.kib), rssEnd),
      endKiB: rssEnd,
      storeEndKiB: rss[rss.length - 1].storeKiB,
      samples: rss
    }
  }
}

module.exports = { runChurn }
