'use strict'
// The preload's surface: what the page can reach through window.jobwire, and how it checks
// its arguments. The real preload runs in a fresh vm context with Electron's contextBridge and
// ipcRenderer replaced by the stand-ins in harness/.
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, collect, waitFor } = require('./harness/bridge-fixture')

// DESIGN.md's HTTP table names these fields; the core may add more (epoch, limit).
function assertHasKeys (body, keys) {
  for (const key of keys) assert.ok(key in body, `the answer has ${key}`)
}

test('the page sees window.jobwire with subscribe, query, resume and version, and nothing else', async (t) => {
  const { openWindow } = await bridgeFixture(t)
  const page = openWindow()
  assert.deepEqual(Object.keys(page.window), ['jobwire'])
  assert.deepEqual(Object.keys(page.window.jobwire).sort(), ['query', 'resume', 'subscribe', 'version'])
  assert.equal(page.window.jobwire.version, '0.0.0-test')
  assert.ok(Object.isFrozen(page.window.jobwire))
})

test('bad arguments are refused in the page, before anything is sent', async (t) => {
  const { openWindow } = await bridgeFixture(t)
  const { jobwire } = openWindow().window
  assert.throws(() => jobwire.subscribe('not a function'), { name: 'TypeError' })
  assert.throws(() => jobwire.subscribe(() => {}, { after: -1 }), { name: 'TypeError' })
  assert.throws(() => jobwire.subscribe(() => {}, { after: 1.5 }), { name: 'TypeError' })
  assert.throws(() => jobwire.subscribe(() => {}, 7), { name: 'TypeError' })
  assert.throws(() => jobwire.query(42), { name: 'TypeError' })
  assert.throws(() => jobwire.query('/etc/passwd'), { name: 'TypeError' })
  assert.throws(() => jobwire.query({ method: 'DELETE', path: '/api/jobs' }), { name: 'TypeError' })
  assert.throws(() => jobwire.query('/api/' + 'x'.repeat(10_000)), { name: 'TypeError' })
  assert.throws(() => jobwire.resume('12'), { name: 'TypeError' })
  assert.throws(() => jobwire.resume(), { name: 'TypeError' })
})

test('query answers with the HTTP routes\' bodies, and errors as {error: {code, message, status}}', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const { jobwire } = openWindow().window
  const job = await core.createJob({ type: 'shape' })

  const list = await jobwire.query('/api/jobs?type=shape&limit=10')
  assertHasKeys(list, ['jobs', 'total', 'offset', 'seq'])
  assert.equal(list.jobs[0].id, job.id)

  const detail = await jobwire.query(`/api/jobs/${job.id}`)
  assert.equal(detail.id, job.id)
  assert.equal(typeof detail.seq, 'number')

  const logs = await jobwire.query(`/api/jobs/${job.id}/logs?offset=0&limit=5`)
  assertHasKeys(logs, ['job_id', 'lines', 'total_lines', 'offset', 'has_more', 'seq'])
  const files = await jobwire.query(`/api/jobs/${job.id}/files`)
  assertHasKeys(files, ['files', 'seq'])
  const polling = await jobwire.query('/api/config/polling')
  assertHasKeys(polling, ['interval_ms', 'enabled', 'log_interval_ms'])

  const missing = await jobwire.query('/api/jobs/j_does_not_exist')
  assert.equal(missing.error.status, 404)
  assert.equal(missing.error.code, 'not_found')
  const badLimit = await jobwire.query('/api/jobs?limit=lots')
  assert.equal(badLimit.error.status, 400)
  assert.equal(badLimit.error.code, 'invalid_argument')
})

test('resume answers the events after a seq, or reset for a cursor the store never had', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const { jobwire } = openWindow().window
  const first = await core.createJob({ type: 'resume' })
  const second = await core.createJob({ type: 'resume' })
  const { seq } = await core.listJobs({ limit: 1 })
  const answer = await jobwire.resume(0)
  assert.deepEqual(Array.from(answer.events, (e) => e.job), [first.id, second.id])
  assert.equal(answer.next, seq)
  // After a reset the stream continues from the store's head.
  const reset = await jobwire.resume(seq + 1_000_000)
  assert.deepEqual(reset, { reset: true, next: seq })
})

test('writes go through query only when the app enables them', async (t) => {
  const { openWindow } = await bridgeFixture(t)
  const { jobwire } = openWindow().window
  const refused = await jobwire.query({ method: 'POST', path: '/api/jobs', body: { type: 'x' } })
  assert.equal(refused.error.status, 404)
})

test('a submitted job can be cancelled through query, and an illegal transition answers 409', async (t) => {
  const { openWindow } = await bridgeFixture(t, { writes: true })
  const page = openWindow()
  const seen = collect(page.window)
  const created = await page.window.jobwire.query({ method: 'POST', path: '/api/jobs', body: { type: 'submitted' } })
  assert.equal(created.type, 'submitted')
  const cancelled = await page.window.jobwire.query({ method: 'POST', path: `/api/jobs/${created.id}/status`, body: { status: 'cancelled' } })
  assert.equal(cancelled.status, 'cancelled')
  const again = await page.window.jobwire.query({ method: 'POST', path: `/api/jobs/${created.id}/status`, body: { status: 'running' } })
  assert.equal(again.error.status, 409)
  assert.equal(again.error.code, 'invalid_transition')
  await waitFor(() => seen.messages.some((m) => m.type === 'job.status' && m.job === created.id))
})
