'use strict'
// GET /api/files?project=&since_seq= of a real jobwired: the documents a project's jobs
// created, modified and deleted since a seq, the latest change per path; 304 while none
// changed; 410 reset for a cursor behind retention; 400 for bad input.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob, emitMany } = require('./support')

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

const file = (job, path, change) => post(srv, `/api/jobs/${job.id}/files`, { path, change })

test('the latest change per path since the seq, with its job and seq, only for that project', async () => {
  const turn = await createJob(srv, { project: 'docs', type: 'turn' })
  const tool = await createJob(srv, { project: 'docs', type: 'tool', parent: turn.id })
  const elsewhere = await createJob(srv, { project: 'other' })
  await file(turn, 'notes.md', 'created')
  const since = (await get(srv, '/healthz')).json.seq
  await file(tool, 'plan.md', 'created')
  await file(turn, 'notes.md', 'modified')
  await file(tool, 'plan.md', 'modified')
  await file(elsewhere, 'plan.md', 'created')
  await file(tool, 'draft.md', 'created')
  await file(tool, 'draft.md', 'deleted')

  const res = await get(srv, `/api/files?project=docs&since_seq=${since}`)
  assert.equal(res.status, 200)
  const rows = res.json.files.map(({ path, change, job_id: job }) => ({ path, change, job }))
  assert.deepEqual(rows, [
    { path: 'notes.md', change: 'modified', job: turn.id },
    { path: 'plan.md', change: 'modified', job: tool.id },
    { path: 'draft.md', change: 'deleted', job: tool.id }
  ])
  const seqs = res.json.files.map((row) => row.seq)
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y))
  assert.ok(seqs[0] > since)
  assert.equal(res.json.project, 'docs')
  assert.equal(res.json.since_seq, since)
  assert.equal(res.json.seq, (await get(srv, '/healthz')).json.seq)
  assert.equal(res.headers.etag, `"${res.json.epoch}-${seqs[2]}"`)
  for (const row of res.json.files) {
    assert.match(row.file_id, /\S+/)
    assert.match(row.ts, /^\d{4}-\d\d-\d\dT/)
  }
  const all = await get(srv, '/api/files?project=docs&since_seq=0')
  assert.deepEqual(all.json.files.map((row) => row.path), ['notes.md', 'plan.md', 'draft.md'])
})

test('304 while no file of the project changed, 200 once one does', async () => {
  const job = await createJob(srv, { project: 'quiet' })
  await file(job, 'a.txt', 'created')
  const first = await get(srv, '/api/files?project=quiet&since_seq=0')
  assert.equal(first.json.files.length, 1)
  const etag = first.headers.etag
  await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' }) // not a file
  const other = await createJob(srv, { project: 'loud' })
  await file(other, 'a.txt', 'created') // another project's file
  const same = await get(srv, '/api/files?project=quiet&since_seq=0', { headers: { 'if-none-match': etag } })
  assert.equal(same.status, 304)
  assert.equal(same.body, '')
  await file(job, 'a.txt', 'modified')
  const changed = await get(srv, '/api/files?project=quiet&since_seq=0', { headers: { 'if-none-match': etag } })
  assert.equal(changed.status, 200)
  assert.equal(changed.json.files[0].change, 'modified')

  // Nothing since a recent seq: an empty answer whose ETag is that seq, then 304.
  const head = changed.json.seq
  const none = await get(srv, `/api/files?project=quiet&since_seq=${head}`)
  assert.deepEqual(none.json.files, [])
  assert.equal(none.headers.etag, `"${none.json.epoch}-${head}"`)
  const still = await get(srv, `/api/files?project=quiet&since_seq=${head}`, { headers: { 'if-none-match': none.headers.etag } })
  assert.equal(still.status, 304)
})

test('a since_seq older than retention, or beyond the head, is 410 reset', async () => {
  const small = await startJobwired({ args: ['--retention-events', '5'] })
  try {
    const job = await createJob(small, { project: 'p' })
    // The job and 21 events: the last 5 of 22 are kept.
    await emitMany(small, 21, { concurrency: 1 })
    const res = await get(small, '/api/files?project=p&since_seq=1')
    assert.equal(res.status, 410)
    assert.equal(res.json.error.code, 'reset')
    assert.match(res.json.error.message, /older than retention/)
    assert.equal(res.json.oldest, 18)
    const ok = await get(small, `/api/files?project=p&since_seq=${res.json.oldest - 1}`)
    assert.equal(ok.status, 200)
    assert.equal(job.project, 'p')
    const ahead = await get(small, '/api/files?project=p&since_seq=100000')
    assert.equal(ahead.status, 410)
    assert.equal(ahead.json.error.code, 'reset')
  } finally {
    await small.stop()
  }
})

test('bad input is 400 with a clear message', async () => {
  const cases = [
    ['/api/files', /project is required/],
    ['/api/files?project=&since_seq=1', /project is required/],
    ['/api/files?project=p&since_seq=-1', /since_seq must be an integer/],
    ['/api/files?project=p&since_seq=soon', /since_seq must be an integer/]
  ]
  for (const [path, message] of cases) {
    const res = await get(srv, path)
    assert.equal(res.status, 400, path)
    assert.equal(res.json.error.code, 'invalid_argument', path)
    assert.match(res.json.error.message, message, path)
  }
})
