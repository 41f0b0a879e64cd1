'use strict'
// The dashboard's writes over jobwire:query (submit, cancel) answer as HTTP's write routes do:
// the same error statuses, unknown fields refused, Idempotency-Key shared. The reads are
// query-route-parity.test.js's. One real core: the HTTP side through core.serve on loopback,
// the IPC side through the real bridge and preload (Electron's IPC replaced by the stand-in
// in harness/).
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, serveOrSkip } = require('./harness/bridge-fixture')

test('query answers each error code with the HTTP status jobwired uses (status.h)', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, { writes: true })
  const { jobwire } = openWindow().window
  await core.createJob({ id: 'taken', type: 'build' })
  const conflict = await jobwire.query({ method: 'POST', path: '/api/jobs', body: { id: 'taken', type: 'build' } })
  assert.equal(conflict.error.code, 'conflict')
  assert.equal(conflict.error.status, 409)
})

test('a status write over query with an unknown field is refused and commits nothing', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, { writes: true })
  const { jobwire } = openWindow().window
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  const head = (await core.eventsAfter(0)).next
  const refused = await jobwire.query({ method: 'POST', path: `/api/jobs/${job.id}/status`, body: { status: 'failed', error: 'disk full' } })
  assert.equal(refused.error.status, 400)
  assert.equal(refused.error.code, 'invalid_argument')
  assert.match(refused.error.message, /unknown field error/)
  assert.equal((await core.eventsAfter(0)).next, head)
  assert.equal((await core.getJob(job.id)).status, 'running')
  const failed = await jobwire.query({ method: 'POST', path: `/api/jobs/${job.id}/status`, body: { status: 'failed', error_message: 'disk full' } })
  assert.equal(failed.error_message, 'disk full')
})

test('a write over query takes an idempotencyKey as HTTP takes Idempotency-Key, and the two share it', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, { writes: true })
  const server = await serveOrSkip(t, core)
  if (!server) return
  const { jobwire } = openWindow().window
  const submit = () => jobwire.query({ method: 'POST', path: '/api/jobs', body: { type: 'submitted' }, idempotencyKey: 'submit-1' })
  const first = await submit()
  const head = core.logInfo().head
  assert.deepEqual(await submit(), first, 'a retry over IPC answers the first job')
  const overHttp = await fetch(`http://127.0.0.1:${server.port}/api/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', 'idempotency-key': 'submit-1' },
    body: JSON.stringify({ type: 'submitted' })
  })
  assert.equal(overHttp.status, 201)
  assert.equal(overHttp.headers.get('idempotent-replayed'), 'true')
  assert.equal((await overHttp.json()).id, first.id)
  assert.equal(core.logInfo().head, head, 'nothing new committed by either retry')
  const conflict = await jobwire.query({ method: 'POST', path: '/api/jobs', body: { type: 'other' }, idempotencyKey: 'submit-1' })
  assert.equal(conflict.error.status, 409)
  assert.equal(conflict.error.code, 'conflict')
  const badKey = await jobwire.query({ method: 'POST', path: '/api/jobs', body: { type: 'x' }, idempotencyKey: 42 })
  assert.equal(badKey.error.status, 400)
})
