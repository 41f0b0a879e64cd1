'use strict'
// GET /api/jobs?ids= and fields= of a real jobwired: the jobs asked for in one request,
// an ETag that moves only when one of them changes (304 = none changed), the projection
// for status-only polling, and clear 400s for what it refuses.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob } = require('./support')

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

test('ids= answers those jobs in the order asked, the unknown ones listed as missing, with the seq and epoch', async () => {
  const a = await createJob(srv, { type: 'turn' })
  const b = await createJob(srv, { type: 'tool', parent: a.id })
  await createJob(srv, { type: 'other' })
  const res = await get(srv, `/api/jobs?ids=${b.id},j_nope,${a.id},${b.id}`)
  assert.equal(res.status, 200)
  assert.deepEqual(res.json.jobs.map((job) => job.id), [b.id, a.id])
  assert.equal(res.json.jobs[0].parent, a.id)
  assert.deepEqual(res.json.missing, ['j_nope'])
  const head = (await get(srv, '/healthz')).json.seq
  assert.equal(res.json.seq, head)
  assert.match(res.json.epoch, /\S+/)
  // The ETag is the newest change among them, not the head of the log.
  assert.equal(res.headers.etag, `"${res.json.epoch}-${Math.max(...res.json.jobs.map((job) => job.updated_seq))}"`)
  assert.ok(res.json.seq > Math.max(...res.json.jobs.map((job) => job.updated_seq)))
})

test('ids= is 304 while none of the jobs changed, however busy the rest is, and 200 once one does', async () => {
  const a = await createJob(srv)
  const b = await createJob(srv)
  const first = await get(srv, `/api/jobs?ids=${a.id},${b.id}`)
  const etag = first.headers.etag
  await createJob(srv) // another job: the head moves, these two do not
  await post(srv, '/api/events', { type: 'x.heartbeat', data: {} })
  const same = await get(srv, `/api/jobs?ids=${a.id},${b.id}`, { headers: { 'if-none-match': etag } })
  assert.equal(same.status, 304)
  assert.equal(same.body, '')
  await post(srv, `/api/jobs/${b.id}/status`, { status: 'running' })
  const changed = await get(srv, `/api/jobs?ids=${a.id},${b.id}`, { headers: { 'if-none-match': etag } })
  assert.equal(changed.status, 200)
  assert.notEqual(changed.headers.etag, etag)
  assert.equal(changed.json.jobs[1].status, 'running')
})

test('ids= with a missing id turns 200 when a job with that id is created', async () => {
  const a = await createJob(srv)
  const first = await get(srv, `/api/jobs?ids=${a.id},j_later`)
  assert.deepEqual(first.json.missing, ['j_later'])
  await createJob(srv, { id: 'j_later' })
  const again = await get(srv, `/api/jobs?ids=${a.id},j_later`, { headers: { 'if-none-match': first.headers.etag } })
  assert.equal(again.status, 200)
  assert.deepEqual(again.json.missing, [])
  assert.deepEqual(again.json.jobs.map((job) => job.id), [a.id, 'j_later'])
})

test('fields= projects each job to its id and the fields asked, on ids= and on the list', async () => {
  const a = await createJob(srv, { type: 'proj' })
  await post(srv, `/api/jobs/${a.id}/status`, { status: 'running' })
  await post(srv, `/api/jobs/${a.id}/progress`, { progress: 30 })
  await post(srv, `/api/jobs/${a.id}/logs`, { lines: ['one', 'two'] })
  const res = await get(srv, `/api/jobs?ids=${a.id}&fields=status,progress_percent,updated_seq,log_lines`)
  assert.equal(res.status, 200)
  const job = (await get(srv, `/api/jobs/${a.id}`)).json
  assert.deepEqual(res.json.jobs, [{ id: a.id, status: 'running', progress_percent: 30, updated_seq: job.updated_seq, log_lines: 2 }])
  const list = await get(srv, '/api/jobs?type=proj&fields=status')
  assert.deepEqual(list.json.jobs, [{ id: a.id, status: 'running' }])
  assert.equal(list.json.total, 1)
})

test('ids= and fields= refuse bad input with 400 and a message that says what is wrong', async () => {
  const many = Array.from({ length: 101 }, (_, i) => `j_${i}`).join(',')
  const hundred = Array.from({ length: 100 }, (_, i) => `j_${i}`).join(',')
  assert.equal((await get(srv, `/api/jobs?ids=${hundred}`)).status, 200)
  const cases = [
    [`/api/jobs?ids=${many}`, /from 1 to 100 jobs \(it names 101\)/],
    ['/api/jobs?ids=', /from 1 to 100 jobs/],
    ['/api/jobs?ids=,,', /from 1 to 100 jobs/],
    ['/api/jobs?ids=a&status=running', /ids cannot be combined with status/],
    ['/api/jobs?ids=a&limit=5', /ids cannot be combined with limit/],
    ['/api/jobs?ids=a&fields=status,secret', /unknown field in fields: secret/],
    ['/api/jobs?fields=summary', /unknown field in fields: summary/],
    ['/api/jobs?ids=a&fields=', /fields must name at least one field/]
  ]
  for (const [path, message] of cases) {
    const res = await get(srv, path)
    assert.equal(res.status, 400, path)
    assert.equal(res.json.error.code, 'invalid_argument', path)
    assert.match(res.json.error.message, message, path)
  }
})
