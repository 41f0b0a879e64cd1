'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { jobwire, tempDbPath, tempDir } = require('./helpers')

test('a reopened core has every write that was acknowledged before close', async (t) => {
  const file = tempDbPath(t)
  let core = await jobwire.open({ path: file })
  const job = await core.createJob({ type: 'build', project: 'alpha' })
  await core.setStatus(job.id, 'running')
  await core.appendLog(job.id, ['one', 'two', 'three'])
  const acknowledged = await Promise.all(Array.from({ length: 500 }, (_, i) => core.emit('x.tick', { job: job.id, data: { i } })))
  await core.setStatus(job.id, 'completed')
  const { epoch, head } = core.logInfo()
  await core.close()

  core = await jobwire.open({ path: file })
  t.after(() => core.close())
  assert.equal(core.logInfo().epoch, epoch, 'the same store, the same epoch')
  assert.equal(core.logInfo().head, head)
  const reread = await core.getJob(job.id)
  assert.equal(reread.status, 'completed')
  assert.equal(reread.project, 'alpha')
  assert.deepEqual((await core.getLogs(job.id)).lines, ['one', 'two', 'three'])
  const seen = []
  for (let after = 0; ;) {
    const page = await core.eventsAfter(after, { limit: 200 })
    if (page.events.length === 0) break
    seen.push(...page.events)
    after = page.next
  }
  for (const event of acknowledged) {
    assert.deepEqual(seen.find((e) => e.seq === event.seq), event, `event ${event.seq} survived the reopen as stored`)
  }
})

test('close() lets writes already in flight commit and resolve', async (t) => {
  const file = tempDbPath(t)
  const core = await jobwire.open({ path: file })
  const pending = Array.from({ length: 3000 }, (_, i) => core.emit('x.burst', { data: { i } }))
  const closed = core.close()
  const events = await Promise.all(pending)
  await closed
  assert.equal(events.length, 3000)
  assert.deepEqual(events.map((e) => e.data.i), Array.from({ length: 3000 }, (_, i) => i), 'each write resolved with its own event')

  const reopened = await jobwire.open({ path: file })
  t.after(() => reopened.close())
  assert.equal(reopened.logInfo().head, events.at(-1).seq)
})

test('every call after close() rejects with code closed; close() is idempotent', async (t) => {
  const core = await jobwire.open({ path: tempDbPath(t) })
  const job = await core.createJob({ type: 'build' })
  await core.close()
  await core.close()
  const calls = {
    createJob: () => core.createJob({ type: 'build' }),
    setStatus: () => core.setStatus(job.id, 'running'),
    setProgress: () => core.setProgress(job.id, 10),
    updateJob: () => core.updateJob(job.id, { summary: {} }),
    appendLog: () => core.appendLog(job.id, ['x']),
    registerFile: () => core.registerFile(job.id, { path: 'a' }),
    emit: () => core.emit('x.after', {}),
    getJob: () => core.getJob(job.id),
    listJobs: () => core.listJobs(),
    getLogs: () => core.getLogs(job.id),
    listFiles: () => core.listFiles(job.id),
    eventsAfter: () => core.eventsAfter(0),
    serve: () => core.serve({ port: 0 }),
  }
  for (const [name, call] of Object.entries(calls)) {
    await assert.rejects(call(), { code: 'closed' }, name)
  }
  assert.throws(() => core.subscribe(() => {}), { code: 'closed' })
})

test('open() refuses bad options with a TypeError (code invalid_argument) and creates no file', async (t) => {
  const dir = tempDir(t)
  const file = path.join(dir, 'never.db')
  await assert.rejects(jobwire.open({ path: 42 }), (err) => err instanceof TypeError && err.code === 'invalid_argument')
  await assert.rejects(jobwire.open({ path: file, durability: 'sometimes' }), { code: 'invalid_argument' })
  await assert.rejects(jobwire.open({ path: file, colour: 'blue' }), { code: 'invalid_argument' })
  await assert.rejects(jobwire.open('jobwire.db'), { code: 'invalid_argument' })
  assert.equal(fs.existsSync(file), false)
})

test('a path the store cannot create rejects with code io_error', async (t) => {
  const file = path.join(tempDir(t), 'missing-dir', 'jobwire.db')
  await assert.rejects(jobwire.open({ path: file }), (err) => err instanceof Error && err.code === 'io_error' && err.message.includes(file))
})

test('two cores on two files keep separate logs and epochs', async (t) => {
  const a = await jobwire.open({ path: tempDbPath(t) })
  const b = await jobwire.open({ path: tempDbPath(t) })
  t.after(() => Promise.all([a.close(), b.close()]))
  await a.emit('x.a', {})
  await a.emit('x.a', {})
  await b.emit('x.b', {})
  assert.notEqual(a.logInfo().epoch, b.logInfo().epoch)
  assert.equal(a.logInfo().head, 2)
  assert.equal(b.logInfo().head, 1)
})
