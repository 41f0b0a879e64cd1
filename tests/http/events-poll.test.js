'use strict'
// GET /api/events: cursors, limits, filters, long-poll (answers the moment an event
// arrives, or empty after `wait`), 410 reset for a cursor behind retention, and
// /api/status?since=.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob, emitMany, sleep } = require('./support')

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

async function head () { return (await get(srv, '/healthz')).json.seq }

test('?after=N answers the events after N in seq order with `next`, and `limit` bounds the page', async () => {
  const start = await head()
  const seqs = await emitMany(srv, 12, { concurrency: 1 })
  const page = await get(srv, `/api/events?after=${start}&limit=5`)
  assert.equal(page.status, 200)
  assert.deepEqual(page.json.events.map((e) => e.seq), seqs.slice(0, 5))
  assert.equal(page.json.next, seqs[4])
  for (const e of page.json.events) {
    assert.deepEqual(Object.keys(e).sort(), ['data', 'job', 'parent', 'project', 'seq', 'ts', 'type'])
    assert.equal(e.type, 'x.tick')
  }
  const rest = await get(srv, `/api/events?after=${page.json.next}`)
  assert.deepEqual(rest.json.events.map((e) => e.seq), seqs.slice(5))
  const none = await get(srv, `/api/events?after=${seqs[11]}`)
  assert.deepEqual(none.json.events, [])
  assert.equal(none.json.next, seqs[11])
})

test('filters project=, job= (with subjobs) and types= still advance `next` past what they skip', async () => {
  const start = await head()
  const root = await createJob(srv, { project: 'p-filter' })
  const child = await createJob(srv, { project: 'p-filter', parent: root.id })
  const other = await createJob(srv, { project: 'elsewhere' })
  await post(srv, `/api/jobs/${child.id}/status`, { status: 'running' })
  await post(srv, `/api/jobs/${other.id}/status`, { status: 'running' })
  await post(srv, '/api/events', { type: 'x.note', job: root.id, data: {} })
  const last = await post(srv, `/api/jobs/${other.id}/progress`, { progress: 10 })

  const byJob = await get(srv, `/api/events?after=${start}&job=${root.id}`)
  assert.deepEqual(byJob.json.events.map((e) => [e.type, e.job]), [
    ['job.created', root.id], ['job.created', child.id], ['job.status', child.id], ['x.note', root.id]
  ])
  assert.equal(byJob.json.next, last.json.seq, 'the cursor passes the events it filtered out')

  const byProject = await get(srv, `/api/events?after=${start}&project=elsewhere`)
  assert.ok(byProject.json.events.every((e) => e.project === 'elsewhere'))
  assert.equal(byProject.json.events.length, 3)

  const byType = await get(srv, `/api/events?after=${start}&types=job.status,x.*`)
  assert.deepEqual(byType.json.events.map((e) => e.type), ['job.status', 'job.status', 'x.note'])
  assert.equal(byType.json.next, last.json.seq)
})

test('a long-poll answers within 50 ms of a write', async () => {
  const after = await head()
  const started = Date.now()
  const polling = get(srv, `/api/events?after=${after}&wait=20`)
  await sleep(300)
  let wroteAt
  const write = post(srv, '/api/events', { type: 'x.wake', data: {} }).then((r) => { wroteAt = Date.now(); return r })
  const res = await polling
  const answeredAt = Date.now()
  const written = await write
  assert.equal(res.status, 200)
  assert.deepEqual(res.json.events.map((e) => e.seq), [written.json.seq])
  assert.ok(answeredAt - started >= 250, 'it waited for the event')
  // The poll's answer and the write's own answer leave within the same moment.
  assert.ok(Math.abs(answeredAt - wroteAt) <= 50, `answered ${answeredAt - wroteAt} ms after the write was acknowledged`)
})

test('a long-poll with nothing to answer returns empty with the same cursor after `wait`', async () => {
  const after = await head()
  const started = Date.now()
  const res = await get(srv, `/api/events?after=${after}&wait=1`)
  const took = Date.now() - started
  assert.equal(res.status, 200)
  assert.deepEqual(res.json.events, [])
  assert.equal(res.json.next, after)
  assert.ok(took >= 900 && took < 5000, `took ${took} ms`)
})

test('a filtered long-poll keeps waiting through events it does not match', async () => {
  const job = await createJob(srv, { project: 'quiet' })
  const after = await head()
  const polling = get(srv, `/api/events?after=${after}&wait=10&job=${job.id}`)
  await emitMany(srv, 3, { concurrency: 1 })
  await sleep(100)
  const mine = await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  const res = await polling
  assert.deepEqual(res.json.events.map((e) => e.seq), [mine.json.seq])
})

test('bad cursors and parameters are 400', async () => {
  for (const q of ['after=-1', 'after=abc', 'limit=0', 'wait=999']) {
    const res = await get(srv, `/api/events?${q}`)
    assert.equal(res.status, 400, q)
    assert.equal(res.json.error.code, 'invalid_argument', q)
  }
})

test('a cursor older than retention is 410 reset; a cursor from another store too', async () => {
  const small = await startJobwired({ args: ['--retention-events', '5'] })
  try {
    // Count retention prunes in the commit of each group: the last 5 of 21 events are kept.
    await emitMany(small, 21, { concurrency: 1 })
    const res = await get(small, '/api/events?after=1')
    assert.equal(res.status, 410)
    assert.equal(res.json.error.code, 'reset')
    assert.equal(res.json.oldest, 17)
    const ok = await get(small, `/api/events?after=${res.json.oldest - 1}`)
    assert.equal(ok.status, 200)
    assert.equal(ok.json.events[0].seq, res.json.oldest)
    const ahead = await get(small, '/api/events?after=100000')
    assert.equal(ahead.status, 410)
  } finally {
    await small.stop()
  }
})

test('GET /api/status?since=ISO answers the events since that time', async () => {
  const since = new Date().toISOString()
  await sleep(5)
  const seqs = await emitMany(srv, 3, { concurrency: 1 })
  const res = await get(srv, `/api/status?since=${encodeURIComponent(since)}`)
  assert.equal(res.status, 200)
  assert.deepEqual(res.json.events.map((e) => e.seq).slice(-3), seqs)
  assert.ok(res.json.events.every((e) => e.ts >= since))
  assert.equal((await get(srv, '/api/status?since=not-a-time')).status, 400)
})
