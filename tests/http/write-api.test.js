'use strict'
// The write API: every POST route and PATCH, the token in each of its three places,
// refused transitions (409) and refused input (400, 413), with nothing written on refusal.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, request, createJob } = require('./support')

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

test('POST /api/jobs answers 201 and the job; a given id, parent, project and summary are kept', async () => {
  const parent = await createJob(srv, { type: 'pipeline' })
  const res = await post(srv, '/api/jobs', {
    id: 'j_custom_1', type: 'step', project: 'web', parent: parent.id, priority: 5, summary: { planned: 3 }, output_path: 'out/'
  })
  assert.equal(res.status, 201)
  assert.equal(res.json.id, 'j_custom_1')
  assert.equal(res.json.parent, parent.id)
  assert.equal(res.json.project, 'web')
  assert.equal(res.json.priority, 5)
  assert.deepEqual(res.json.summary, { planned: 3 })
  assert.equal(res.json.output_path, 'out/')
  assert.equal(res.json.status, 'pending')
  assert.equal(typeof res.json.seq, 'number')
  const dup = await post(srv, '/api/jobs', { id: 'j_custom_1', type: 'step' })
  assert.equal(dup.status, 409)
  const orphan = await post(srv, '/api/jobs', { type: 'step', parent: 'j_no_such_parent' })
  assert.ok([400, 404].includes(orphan.status), `orphan: ${orphan.status}`)
})

test('status, progress, PATCH, logs and files each change the job and answer it or the new entries', async () => {
  const job = await createJob(srv)
  const running = await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  assert.equal(running.status, 200)
  assert.equal(running.json.status, 'running')
  assert.ok(running.json.started_at)

  const progress = await post(srv, `/api/jobs/${job.id}/progress`, { progress: 42.5 })
  assert.equal(progress.status, 200)
  assert.equal(progress.json.progress_percent, 42.5)

  const patched = await request(srv, 'PATCH', `/api/jobs/${job.id}`, { body: { summary: { ok: 3 }, output_path: 'dist/' } })
  assert.equal(patched.status, 200)
  assert.deepEqual(patched.json.summary, { ok: 3 })
  assert.equal(patched.json.output_path, 'dist/')

  const logs = await post(srv, `/api/jobs/${job.id}/logs`, { lines: ['one', 'two'] })
  assert.equal(logs.status, 201)
  assert.deepEqual(logs.json.lines, ['one', 'two'])
  assert.equal(logs.json.offset, 0)
  assert.equal(logs.json.job_id, job.id)
  const more = await post(srv, `/api/jobs/${job.id}/logs`, { lines: ['three'] })
  assert.equal(more.json.offset, 2)

  const file = await post(srv, `/api/jobs/${job.id}/files`, { path: 'out/a.txt' })
  assert.equal(file.status, 201)
  assert.equal(file.json.path, 'out/a.txt')
  assert.equal(file.json.change, 'created')
  assert.equal(typeof file.json.file_id, 'string')
  const modified = await post(srv, `/api/jobs/${job.id}/files`, { path: 'out/a.txt', change: 'modified' })
  assert.equal(modified.json.change, 'modified')
  assert.equal(modified.json.file_id, file.json.file_id)

  const done = await post(srv, `/api/jobs/${job.id}/status`, { status: 'completed' })
  assert.equal(done.json.status, 'completed')
  assert.ok(done.json.completed_at)
  assert.equal(typeof done.json.duration_seconds, 'number')
})

test('a refused transition is 409 invalid_transition and writes nothing', async () => {
  const job = await createJob(srv)
  await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  await post(srv, `/api/jobs/${job.id}/status`, { status: 'completed' })
  const before = await get(srv, '/healthz')
  const refused = await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  assert.equal(refused.status, 409)
  assert.equal(refused.json.error.code, 'invalid_transition')
  const back = await post(srv, `/api/jobs/${job.id}/status`, { status: 'pending' })
  assert.equal(back.status, 409)
  const after = await get(srv, '/healthz')
  assert.equal(after.json.seq, before.json.seq, 'no event was stored')
  assert.equal((await get(srv, `/api/jobs/${job.id}`)).json.status, 'completed')
})

test('POST /api/events stores an x.* event (201) tied to a job or to none; other types are refused', async () => {
  const job = await createJob(srv)
  const tied = await post(srv, '/api/events', { type: 'x.intervention_request', job: job.id, data: { reason: 'needs approval' } })
  assert.equal(tied.status, 201)
  assert.equal(tied.json.type, 'x.intervention_request')
  assert.equal(tied.json.job, job.id)
  assert.deepEqual(tied.json.data, { reason: 'needs approval' })
  const loose = await post(srv, '/api/events', { type: 'x.heartbeat', data: { n: 1 } })
  assert.equal(loose.status, 201)
  assert.equal(loose.json.job, null)
  const listed = await get(srv, `/api/events?after=${tied.json.seq - 1}&limit=2`)
  assert.deepEqual(listed.json.events.map((e) => e.seq), [tied.json.seq, loose.json.seq])
  const wrong = await post(srv, '/api/events', { type: 'job.status', data: {} })
  assert.equal(wrong.status, 400)
  assert.equal(wrong.json.error.code, 'invalid_argument')
})

test('writes need the token: missing or wrong is 401; header, cookie and ?access_token= all work', async () => {
  const missing = await post(srv, '/api/jobs', { type: 'build' }, { token: null })
  assert.equal(missing.status, 401)
  assert.equal(missing.json.error.code, 'unauthorized')
  const wrong = await post(srv, '/api/jobs', { type: 'build' }, { token: 'not-the-token' })
  assert.equal(wrong.status, 401)
  const cookie = await post(srv, '/api/jobs', { type: 'build' }, { token: null, headers: { cookie: `theme=dark; jobwire_token=${srv.token}` } })
  assert.equal(cookie.status, 201)
  const query = await post(srv, `/api/jobs?access_token=${srv.token}`, { type: 'build' }, { token: null })
  assert.equal(query.status, 201)
  // Reads stay open on loopback.
  assert.equal((await get(srv, '/api/jobs', { token: null })).status, 200)
})

test('invalid JSON, invalid UTF-8 and wrong field types are 400 invalid_argument', async () => {
  const job = await createJob(srv)
  const cases = [
    ['/api/jobs', Buffer.from('{"type": "build"')],
    ['/api/jobs', Buffer.from('[1,2,3]')],
    ['/api/jobs', Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
    ['/api/jobs', Buffer.from('{"type": 7}')],
    ['/api/jobs', Buffer.from('{"project": "p"}')],
    [`/api/jobs/${job.id}/status`, Buffer.from('{"status":"sleeping"}')],
    [`/api/jobs/${job.id}/progress`, Buffer.from('{"progress":140}')],
    [`/api/jobs/${job.id}/progress`, Buffer.from('{"progress":"half"}')],
    [`/api/jobs/${job.id}/logs`, Buffer.from('{"lines":[1,2]}')],
    [`/api/jobs/${job.id}/files`, Buffer.from('{"path":"a","change":"renamed"}')]
  ]
  for (const [path, raw] of cases) {
    const res = await request(srv, 'POST', path, { raw, headers: { 'content-type': 'application/json' } })
    assert.equal(res.status, 400, `${path} ${raw}`)
    assert.equal(res.json.error.code, 'invalid_argument', `${path} ${raw}`)
  }
  const emptyPatch = await request(srv, 'PATCH', `/api/jobs/${job.id}`, { body: {} })
  assert.equal(emptyPatch.status, 400)
})

test('writes to an unknown job are 404 not_found', async () => {
  const res = await post(srv, '/api/jobs/j_missing/status', { status: 'running' })
  assert.equal(res.status, 404)
  assert.equal(res.json.error.code, 'not_found')
  assert.equal((await post(srv, '/api/jobs/j_missing/logs', { lines: ['x'] })).status, 404)
})

test('a new job whose parent does not exist is 404 not_found, and nothing is written', async () => {
  const before = (await get(srv, '/healthz')).json.seq
  const res = await post(srv, '/api/jobs', { type: 'build', parent: 'j_no_such_parent' })
  assert.equal(res.status, 404)
  assert.equal(res.json.error.code, 'not_found')
  assert.match(res.json.error.message, /j_no_such_parent/)
  assert.equal((await get(srv, '/healthz')).json.seq, before)
})

test('a body over 1 MiB is 413 too_large', async () => {
  const res = await post(srv, '/api/events', { type: 'x.big', data: { blob: 'x'.repeat(1100 * 1024) } })
  assert.equal(res.status, 413)
  assert.equal(res.json.error.code, 'too_large')
  assert.equal((await get(srv, '/healthz')).status, 200)
})

test('an unknown field in a new job or a PATCH is refused with 400 naming it, and nothing is written', async () => {
  const job = await createJob(srv)
  const before = (await get(srv, '/api/events?after=0&limit=10000')).json.next
  const created = await post(srv, '/api/jobs', { type: 'build', colour: 'red' })
  assert.equal(created.status, 400)
  assert.equal(created.json.error.code, 'invalid_argument')
  assert.match(created.json.error.message, /colour/)
  const patched = await request(srv, 'PATCH', `/api/jobs/${job.id}`, { body: { summary: { ok: 1 }, status: 'running' } })
  assert.equal(patched.status, 400)
  assert.match(patched.json.error.message, /status/)
  const after = (await get(srv, '/api/events?after=0&limit=10000')).json.next
  assert.equal(after, before)
  assert.equal((await get(srv, `/api/jobs/${job.id}`)).json.summary, null)
})

test('every write route refuses an unknown field with 400 naming it, and nothing is written', async () => {
  const job = await createJob(srv)
  assert.equal((await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })).status, 200)
  const head = async () => (await get(srv, '/api/events?after=0&limit=10000')).json.next
  const before = await head()
  // The misspellings a producer makes: each would have committed with the field dropped.
  const cases = [
    [`/api/jobs/${job.id}/status`, { status: 'failed', error: 'disk full' }, 'error'],
    [`/api/jobs/${job.id}/progress`, { progress: 50, percent: 50 }, 'percent'],
    [`/api/jobs/${job.id}/logs`, { lines: ['x'], stream: 'stderr' }, 'stream'],
    [`/api/jobs/${job.id}/files`, { path: 'a', size: 3 }, 'size'],
    ['/api/events', { type: 'x.note', job: job.id, data: {}, level: 'info' }, 'level']
  ]
  for (const [path, body, field] of cases) {
    const res = await post(srv, path, body)
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`)
    assert.equal(res.json.error.code, 'invalid_argument')
    assert.equal(res.json.error.message, `unknown field: ${field}`)
  }
  assert.equal(await head(), before, 'a refused write moved the head')
  const after = (await get(srv, `/api/jobs/${job.id}`)).json
  assert.equal(after.status, 'running')
  assert.equal(after.error_message, null)
  assert.equal(after.progress_percent, 0)
  assert.equal(after.has_logs, false)
  assert.deepEqual((await get(srv, `/api/jobs/${job.id}/files`)).json.files, [])
})

test('the routes refuse what the model refuses, with the core\'s messages: ranges, x.* types, empty paths', async () => {
  const job = await createJob(srv)
  const cases = [
    [`/api/jobs/${job.id}/progress`, { progress: -1 }, /progress must be a number from 0 to 100/],
    ['/api/events', { type: 'job.status', data: {} }, /must start with "x\."/],
    ['/api/events', { data: {} }, /type is required/],
    [`/api/jobs/${job.id}/files`, { path: '' }, /path must not be empty/],
    [`/api/jobs/${job.id}/logs`, { lines: [] }, /lines must be a non-empty array of strings/]
  ]
  for (const [path, body, message] of cases) {
    const res = await post(srv, path, body)
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`)
    assert.match(res.json.error.message, message)
  }
})
