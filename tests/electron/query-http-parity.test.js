'use strict'
// jobwire:query answers exactly what the HTTP GET routes answer, so a renderer's SWR keys and
// data are the same in the desktop build and the web build. Both read one real core: the
// HTTP side through core.serve on loopback, the IPC side through the real bridge and preload
// (Electron's IPC replaced by the stand-in in harness/).
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, serveOrSkip } = require('./harness/bridge-fixture')

async function seed (core) {
  const parent = await core.createJob({ type: 'build', project: 'alpha' })
  const child = await core.createJob({ type: 'test', parent: parent.id, project: 'alpha' })
  const other = await core.createJob({ type: 'lint', project: 'beta' })
  await core.setStatus(parent.id, 'running')
  await core.setProgress(parent.id, 40)
  await core.appendLog(parent.id, ['compiling', 'linking', 'packing'])
  await core.registerFile(parent.id, { path: 'out/app.tar', change: 'created' })
  await core.setStatus(other.id, 'failed', 'lint errors')
  return { parent, child, other }
}

// A running job's duration is computed when it is read, so two reads a moment apart differ.
function withoutLiveDurations (body) {
  const strip = (job) => (job && job.status === 'running' ? { ...job, duration_seconds: 'live' } : job)
  if (Array.isArray(body?.jobs)) return { ...body, jobs: body.jobs.map(strip) }
  return strip(body)
}

test('query and HTTP GET answer the same JSON for every snapshot route', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const server = await serveOrSkip(t, core)
  if (!server) return
  const { parent, child, other } = await seed(core)
  const { jobwire } = openWindow().window

  const paths = [
    '/api/jobs',
    '/api/jobs?status=running',
    '/api/jobs?type=lint',
    `/api/jobs?parent=${parent.id}`,
    '/api/jobs?offset=1&limit=1',
    `/api/jobs/${parent.id}`,
    `/api/jobs/${child.id}`,
    `/api/jobs/${other.id}`,
    `/api/jobs/${parent.id}/logs`,
    `/api/jobs/${parent.id}/logs?offset=1&limit=1`,
    `/api/jobs/${parent.id}/files`,
    '/api/config/polling',
    '/api/events?after=0&limit=4',
  ]
  for (const path of paths) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    assert.equal(response.status, 200, `HTTP ${path}`)
    assert.deepEqual(withoutLiveDurations(await jobwire.query(path)), withoutLiveDurations(await response.json()), `query ${path}`)
  }

  const refused = [
    '/api/jobs/j_missing', '/api/jobs/j_missing/logs', '/api/jobs?limit=lots', '/api/jobs?limit=0',
    '/api/jobs?status=bogus', '/api/jobs?offset=-1', '/api/events?limit=5000', '/api/events?after=999999',
    '/api/nope', `/api/jobs/${parent.id}/nope`,
  ]
  for (const path of refused) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    const { error } = await response.json()
    const answer = await jobwire.query(path)
    assert.equal(answer.error.status, response.status, `status of ${path}`)
    assert.equal(answer.error.code, error.code, `error code of ${path}`)
  }
})

// Drift that once split the two: IPC dropped project= on the list, ignored the event filters,
// answered 500 where HTTP answers 409 or 503, and committed a status write with a misspelt field.
test('query honours the filters HTTP honours: project on lists; project, job and types on events', async (t) => {
  const { core, openWindow } = await bridgeFixture(t)
  const server = await serveOrSkip(t, core)
  if (!server) return
  const { parent, other } = await seed(core)
  const { jobwire } = openWindow().window
  const paths = [
    '/api/jobs?project=alpha',
    '/api/jobs?project=beta&status=failed',
    '/api/events?after=0&project=beta',
    `/api/events?after=0&job=${parent.id}`,
    '/api/events?after=0&types=job.status,job.file',
    '/api/events?after=0&types=job.*&project=alpha&limit=2'
  ]
  for (const path of paths) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    assert.equal(response.status, 200, `HTTP ${path}`)
    const http = await response.json()
    assert.deepEqual(withoutLiveDurations(await jobwire.query(path)), withoutLiveDurations(http), `query ${path}`)
  }
  // The filters really filter (a check that would fail if both sides ignored them alike).
  assert.deepEqual((await jobwire.query('/api/jobs?project=beta')).jobs.map((j) => j.id), [other.id])
  const beta = await jobwire.query('/api/events?after=0&project=beta')
  assert.ok(beta.events.length > 0 && beta.events.every((e) => e.project === 'beta'))
  assert.equal(beta.next, (await core.eventsAfter(0, { limit: 1000 })).next, 'next advances past what the filter skips')
})

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
