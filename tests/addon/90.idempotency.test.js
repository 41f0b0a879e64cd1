'use strict'
// { idempotencyKey } on every write of the Node API: a retry commits once and resolves with
// the first answer; another request with the key rejects with `conflict`; the key is shared
// with the HTTP API of the same store, and survives closing and reopening it.
const test = require('node:test')
const assert = require('node:assert/strict')
const jobwire = require('../..')
const { openTemp, tempDbPath } = require('./helpers')

const keyed = (idempotencyKey) => ({ idempotencyKey })

test('each write with the same key twice commits once and resolves with the same answer', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build', id: 'b1' }, keyed('create'))
  assert.deepEqual(await core.createJob({ type: 'build', id: 'b1' }, keyed('create')), job)
  const writes = [
    () => core.setStatus(job.id, 'running', undefined, keyed('status')),
    () => core.setProgress(job.id, 25, keyed('progress')),
    () => core.updateJob(job.id, { summary: { steps: 2 } }, keyed('patch')),
    () => core.appendLog(job.id, ['line 1'], keyed('log')),
    () => core.registerFile(job.id, { path: 'out/x', change: 'created' }, keyed('file')),
    () => core.emit('x.note', { job: job.id, data: { a: 1 } }, keyed('emit'))
  ]
  for (const write of writes) {
    const first = await write()
    const head = core.logInfo().head
    assert.deepEqual(await write(), first)
    assert.equal(core.logInfo().head, head, 'nothing new committed')
  }
  const logs = await core.getLogs(job.id)
  assert.deepEqual(logs.lines, ['line 1'])
})

test('the answer is the first write\'s, even after the job moved on', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  const first = await core.setProgress(job.id, 10, keyed('p10'))
  await core.setProgress(job.id, 80)
  const retried = await core.setProgress(job.id, 10, keyed('p10'))
  assert.deepEqual(retried, first)
  assert.equal(retried.progress_percent, 10)
  assert.equal((await core.getJob(job.id)).progress_percent, 80)
})

test('the same key with another request rejects with conflict and writes nothing; bad keys are invalid_argument', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  await core.appendLog(job.id, ['a'], keyed('k'))
  const head = core.logInfo().head
  await assert.rejects(core.appendLog(job.id, ['b'], keyed('k')), { code: 'conflict' })
  await assert.rejects(core.setProgress(job.id, 3, keyed('k')), { code: 'conflict' })
  for (const bad of ['', 'k'.repeat(201), 'a\nb']) {
    await assert.rejects(core.setProgress(job.id, 3, keyed(bad)), { code: 'invalid_argument' })
  }
  await assert.rejects(core.setProgress(job.id, 3, keyed(42)), { code: 'invalid_argument', message: /idempotencyKey must be a string/ })
  await assert.rejects(core.setProgress(job.id, 3, { idempotency: 'x' }), { code: 'invalid_argument', message: /unknown field idempotency/ })
  assert.equal(core.logInfo().head, head)
})

test('a key outlives closing the store, and is the same key for the HTTP API', async (t) => {
  const path = tempDbPath(t)
  let core = await jobwire.open({ path })
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  const first = await core.appendLog(job.id, ['once'], keyed('log-once'))
  await core.close()

  core = await jobwire.open({ path })
  t.after(() => core.close())
  const head = core.logInfo().head
  assert.deepEqual(await core.appendLog(job.id, ['once'], keyed('log-once')), first)
  assert.equal(core.logInfo().head, head)

  const server = await core.serve({ port: 0, host: '127.0.0.1', token: 'tok' })
  t.after(() => server.close())
  const viaHttp = await fetch(`http://127.0.0.1:${server.port}/api/jobs/${job.id}/logs`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json', 'idempotency-key': 'log-once' },
    body: JSON.stringify({ lines: ['once'] })
  })
  assert.equal(viaHttp.status, 201)
  assert.equal(viaHttp.headers.get('idempotent-replayed'), 'true')
  assert.equal(core.logInfo().head, head)
  assert.deepEqual((await core.getLogs(job.id)).lines, ['once'])
})

test('open options idempotencyKeyCount and idempotencyKeyMs bound what is kept', async (t) => {
  const core = await openTemp(t, { idempotencyKeyCount: 1 })
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  await core.appendLog(job.id, ['a'], keyed('a'))
  await core.appendLog(job.id, ['b'], keyed('b'))
  await core.appendLog(job.id, ['a'], keyed('a'))  // forgotten: written again
  assert.deepEqual((await core.getLogs(job.id)).lines, ['a', 'b', 'a'])
  await assert.rejects(jobwire.open({ path: tempDbPath(t), idempotencyKeyMs: 0 }), { code: 'invalid_argument' })

  const aging = await openTemp(t, { idempotencyKeyMs: 100 })
  const other = await aging.createJob({ type: 'build' })
  await aging.setStatus(other.id, 'running')
  await aging.appendLog(other.id, ['x'], keyed('x'))
  await new Promise((resolve) => setTimeout(resolve, 200))
  await aging.appendLog(other.id, ['x'], keyed('x'))
  assert.deepEqual((await aging.getLogs(other.id)).lines, ['x', 'x'])
})
