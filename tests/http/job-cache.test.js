'use strict'
// GET /api/jobs/{id} answers a job it read before from memory while the job's seq is
// unchanged: each answer must still be the job as it is now, after any write to it.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob } = require('./support')

test('a job read again after each kind of write is always its newest state', async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  const other = await createJob(srv)
  const read = async () => (await get(srv, `/api/jobs/${job.id}`)).json
  assert.equal((await read()).status, 'pending')
  assert.equal((await read()).status, 'pending')  // the second read comes from memory
  const steps = [
    [`/api/jobs/${job.id}/status`, { status: 'running' }, (j) => j.status === 'running'],
    [`/api/jobs/${job.id}/progress`, { progress: 40 }, (j) => j.progress_percent === 40],
    [`/api/jobs/${job.id}/logs`, { lines: ['a', 'b'] }, (j) => j.log_lines === 2],
    [`/api/jobs/${job.id}/status`, { status: 'completed' }, (j) => j.status === 'completed' && j.progress_percent === 100]
  ]
  for (const [path, body, isNewest] of steps) {
    const before = await read()
    assert.equal((await post(srv, path, body)).status < 300, true)
    await post(srv, `/api/jobs/${other.id}/progress`, { progress: 1 }).catch(() => {})  // another job moves the head
    const after = await read()
    assert.ok(isNewest(after), `${path}: ${JSON.stringify(after)}`)
    assert.ok(after.seq > before.seq, 'a new seq and ETag')
    const { duration_seconds: _, ...again } = await read()
    const { duration_seconds: __, ...afterWithoutDuration } = after
    assert.deepEqual(again, afterWithoutDuration, 'read again: the same state')
  }
  const running = await createJob(srv)
  await post(srv, `/api/jobs/${running.id}/status`, { status: 'running' })
  const first = (await get(srv, `/api/jobs/${running.id}`)).json
  await new Promise((resolve) => setTimeout(resolve, 30))
  const second = (await get(srv, `/api/jobs/${running.id}`)).json
  assert.ok(second.duration_seconds > first.duration_seconds, 'a running job\'s duration is as of the read')
})
