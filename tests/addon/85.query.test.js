'use strict'
// core.query(method, target, { polling }): the HTTP API's read routes from the core's one
// route table, answered as {status, headers, body (JSON text)} on the threadpool.
const test = require('node:test')
const assert = require('node:assert/strict')
const { openTemp } = require('./helpers')

test('query answers a read route with its status, ETag and JSON body', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build', project: 'alpha' })
  await core.createJob({ type: 'build', project: 'beta' })
  const answer = await core.query('GET', '/api/jobs?project=alpha&fields=status')
  assert.equal(answer.status, 200)
  assert.equal(answer.headers.ETag, `"${core.logInfo().epoch}-${core.logInfo().head}"`)
  assert.equal(answer.headers['Cache-Control'], 'no-cache')
  assert.deepEqual(JSON.parse(answer.body).jobs, [{ id: job.id, status: 'pending' }])
})

test('query resolves a refusal with its error status and the route\'s message', async (t) => {
  const core = await openTemp(t)
  const bad = await core.query('GET', '/api/jobs?limit=0')
  assert.equal(bad.status, 400)
  assert.deepEqual(JSON.parse(bad.body), { error: { code: 'invalid_argument', message: 'limit must be an integer from 1 to 1000' } })
  assert.equal((await core.query('GET', '/api/events?after=5')).status, 410)
  assert.equal((await core.query('GET', '/api/nope')).status, 404)
  assert.equal((await core.query('POST', '/api/jobs')).status, 404)
})

test('query answers /api/config/polling from the settings given, the core\'s defaults for the rest', async (t) => {
  const core = await openTemp(t)
  const answer = await core.query('GET', '/api/config/polling', { polling: { interval_ms: 5000 } })
  assert.deepEqual(JSON.parse(answer.body), { interval_ms: 5000, enabled: true, log_interval_ms: 15000 })
})

test('query refuses bad arguments in JS, and a closed core rejects', async (t) => {
  const core = await openTemp(t)
  await assert.rejects(core.query('GET', 42), { name: 'TypeError', code: 'invalid_argument' })
  await assert.rejects(core.query('GET', '/api/jobs', { polling: { enabled: 'yes' } }), { code: 'invalid_argument' })
  await assert.rejects(core.query('GET', '/api/jobs', { cache: true }), { code: 'invalid_argument' })
  await core.close()
  await assert.rejects(core.query('GET', '/api/jobs'), { code: 'closed' })
})
