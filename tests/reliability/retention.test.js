'use strict'
// A client sleeps past retention (a laptop closed over a weekend): jobwired keeps only the
// last 20 events here (--retention-events 20), and while the client is away 150 more are
// written. Resuming from its old cursor, it is told `reset` on every transport (SSE and
// WebSocket: a reset message; long-poll and polling: 410 reset), never a partial replay; it
// then refetches the snapshot, resumes from the snapshot's seq, and its state is exactly the
// server's.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob, openSse, openWs } = require('../http/support')
const { serverJobs, project, fold, headSeq } = require('./support')

async function busyWrites (srv, jobs, n) {
  for (let i = 0; i < n; i++) {
    const job = jobs[i % jobs.length]
    const res = i % 3 === 0
      ? await post(srv, `/api/jobs/${job.id}/logs`, { lines: [`line ${i}`] })
      : await post(srv, `/api/jobs/${job.id}/progress`, { progress: i % 100 })
    assert.ok(res.status === 200 || res.status === 201, res.body)
  }
}

test('a client asleep past retention is told reset on every transport, then refetches and has exact state', { timeout: 60_000 }, async (t) => {
  const srv = await startJobwired({ args: ['--retention-events', '20'] })
  t.after(() => srv.stop())
  const jobs = []
  for (let i = 0; i < 3; i++) jobs.push(await createJob(srv, { type: 'nap' }))
  await post(srv, `/api/jobs/${jobs[0].id}/status`, { status: 'running' })
  // The client's last cursor before it slept.
  const slept = await headSeq(srv)
  await busyWrites(srv, jobs, 150)
  await post(srv, `/api/jobs/${jobs[0].id}/status`, { status: 'completed' })
  const health = (await get(srv, '/healthz')).json
  assert.ok(health.oldest > slept + 1, `retention moved past the cursor (oldest ${health.oldest}, cursor ${slept})`)

  // Every transport says reset, and hands out nothing from after the hole.
  const sse = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(slept) } })
  t.after(() => sse.close())
  await sse.waitForFrame((f) => f.event === 'reset')
  assert.deepEqual(sse.events, [], 'SSE replayed nothing across the hole')
  const ws = await openWs(srv, `/ws?after=${slept}`)
  t.after(() => ws.close())
  await ws.waitForMessage((m) => m.type === 'reset')
  assert.deepEqual(ws.events, [], 'WebSocket replayed nothing across the hole')
  for (const wait of ['&wait=2', '']) {
    const poll = await get(srv, `/api/events?after=${slept}${wait}`)
    assert.equal(poll.status, 410, `poll${wait}: ${poll.status}`)
    assert.equal(poll.json.error.code, 'reset')
  }

  // The client refetches: the snapshot and its seq, then resumes from that seq while the
  // producer goes on, up to a fence.
  const snapshot = (await get(srv, '/api/jobs?limit=1000')).json
  const mine = project(new Map(snapshot.jobs.map((j) => [j.id, j])))
  const resumed = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(snapshot.seq) } })
  t.after(() => resumed.close())
  await busyWrites(srv, jobs, 30)
  await post(srv, `/api/jobs/${jobs[1].id}/status`, { status: 'cancelled' })
  const fence = (await post(srv, '/api/events', { type: 'x.fence', data: {} })).json.seq
  await resumed.waitForFrame((f) => f.id === String(fence))
  assert.ok(!resumed.frames.some((f) => f.event === 'reset'), 'no reset from a fresh cursor')
  fold(resumed.events, mine)
  assert.deepEqual(mine, project(await serverJobs(srv)), 'snapshot + events = the server\'s state')
})
