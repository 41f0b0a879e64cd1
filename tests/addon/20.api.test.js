'use strict'
// The whole Node API of DESIGN.md, end to end against a real SQLite file.
const test = require('node:test')
const assert = require('node:assert/strict')
const { openTemp, collect } = require('./helpers')

test('require("jobwire") from the package root loads this API', () => {
  const byName = require('jobwire')
  assert.equal(byName, require('../..'))
  assert.equal(typeof byName.open, 'function')
})

const ENVELOPE_KEYS = ['seq', 'type', 'ts', 'job', 'parent', 'project', 'data']

test('a job goes through its life and every read reflects it', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build', project: 'default', parent: null, priority: 5, summary: { steps: 3 } })
  assert.match(job.id, /\S/)
  assert.equal(job.status, 'pending')
  assert.equal(job.priority, 5)
  assert.deepEqual(job.summary, { steps: 3 })

  const running = await core.setStatus(job.id, 'running')
  assert.equal(running.status, 'running')
  assert.notEqual(running.started_at, null)
  assert.equal((await core.setProgress(job.id, 40)).progress_percent, 40)
  const updated = await core.updateJob(job.id, { summary: { ok: 3 }, output_path: 'out/', validation: ['fine'] })
  assert.deepEqual(updated.summary, { ok: 3 })
  assert.deepEqual(updated.validation, ['fine'])
  assert.equal(updated.output_path, 'out/')
  const logged = await core.appendLog(job.id, ['line 1', 'line 2'])
  assert.equal(logged.has_logs, true)
  await core.appendLog(job.id, 'line 3')
  await core.registerFile(job.id, { path: 'out/report.html', change: 'created' })
  await core.registerFile(job.id, { path: 'out/report.html', change: 'modified' })
  const event = await core.emit('x.intervention_request', { job: job.id, data: { reason: 'needs approval' } })
  assert.deepEqual(Object.keys(event), ENVELOPE_KEYS)
  assert.equal(event.type, 'x.intervention_request')
  assert.equal(event.job, job.id)
  assert.deepEqual(event.data, { reason: 'needs approval' })
  const failed = await core.setStatus(job.id, 'failed', 'disk full')
  assert.equal(failed.status, 'failed')
  assert.equal(failed.error_message, 'disk full')
  assert.notEqual(failed.completed_at, null)

  const reread = await core.getJob(job.id)
  assert.equal(reread.status, 'failed')
  assert.equal(reread.progress_percent, 40)
  assert.equal(reread.seq, reread.updated_seq, 'a snapshot carries the seq it reflects')
  assert.equal(reread.seq, core.logInfo().head, 'the last event touched this job')
  assert.equal(reread.epoch, core.logInfo().epoch)

  const logs = await core.getLogs(job.id, { offset: 1, limit: 1 })
  assert.deepEqual(logs.lines, ['line 2'])
  assert.equal(logs.total_lines, 3)
  assert.equal(logs.has_more, true)
  assert.deepEqual((await core.getLogs(job.id)).lines, ['line 1', 'line 2', 'line 3'])

  const { files, seq } = await core.listFiles(job.id)
  assert.equal(files.length, 1, 'one file, at its latest change')
  assert.equal(files[0].path, 'out/report.html')
  assert.equal(files[0].change, 'modified')
  assert.equal(seq, core.logInfo().head)
})

// The addon writes a write's answer itself (addon/src/job_answer.cpp), not with the core's
// job serializer that reads use: the two must parse to the same job, keys in the same order.
test('every write answers the job as getJob then reads it, escapes and stored JSON included', async (t) => {
  const core = await openTemp(t)
  const odd = 'q"b\\s\n\t\u0001\u001f\u007f é 😀 \u2028'
  const parent = await core.createJob({ type: 'parent' })
  const asRead = async (id) => {
    const { seq, epoch, ...job } = await core.getJob(id)
    return job
  }
  // While a job runs its duration grows between the write and the read.
  const same = async (answer, { running = false } = {}) => {
    const read = await asRead(answer.id)
    assert.deepEqual(Object.keys(answer), Object.keys(read))
    if (running) {
      assert.equal(typeof answer.duration_seconds, 'number')
      answer = { ...answer, duration_seconds: null }
      read.duration_seconds = null
    }
    assert.deepEqual(answer, read)
  }
  const job = await core.createJob({
    type: 'odd', parent: parent.id, priority: -3, file_path: odd, policy_name: 'p', output_path: odd,
    summary: { text: odd, big: 1.5e300, small: -2.5e-7, list: [1, null, true, { a: 'é' }] },
  })
  await same(job)
  await same(await core.setStatus(job.id, 'running'), { running: true })
  await same(await core.setProgress(job.id, 100 / 3), { running: true })
  await same(await core.updateJob(job.id, { validation: [odd, 0.1], error_message: odd }), { running: true })
  await same(await core.appendLog(job.id, ['a', 'b']), { running: true })
  await same(await core.registerFile(job.id, { path: 'out/x' }), { running: true })
  await same(await core.setStatus(job.id, 'completed'))
})

test('a job created with a given id and fields keeps them; a subjob names its parent', async (t) => {
  const core = await openTemp(t)
  const parent = await core.createJob({ id: 'release-1', type: 'release', project: 'shop', file_path: 'a.json', policy_name: 'strict', output_path: 'dist/' })
  assert.equal(parent.id, 'release-1')
  assert.equal(parent.file_path, 'a.json')
  assert.equal(parent.policy_name, 'strict')
  const child = await core.createJob({ type: 'test', project: 'shop', parent: 'release-1' })
  assert.equal(child.parent, 'release-1')
  const { events } = await core.eventsAfter(0)
  assert.equal(events[1].parent, 'release-1', 'the envelope of a subjob carries its parent')
})

test('listJobs filters by status, type, parent, project and time, and pages', async (t) => {
  const core = await openTemp(t)
  const before = new Date()
  const root = await core.createJob({ type: 'release', project: 'p1' })
  const a = await core.createJob({ type: 'build', project: 'p1', parent: root.id })
  const b = await core.createJob({ type: 'build', project: 'p2' })
  await core.createJob({ type: 'test', project: 'p2' })
  await core.setStatus(a.id, 'running')
  await core.setStatus(b.id, 'cancelled')

  const all = await core.listJobs()
  assert.equal(all.total, 4)
  assert.equal(all.seq, core.logInfo().head)
  assert.deepEqual((await core.listJobs({ status: 'running' })).jobs.map((j) => j.id), [a.id])
  assert.deepEqual((await core.listJobs({ type: 'build' })).jobs.map((j) => j.id).sort(), [a.id, b.id].sort())
  assert.deepEqual((await core.listJobs({ parent: root.id })).jobs.map((j) => j.id), [a.id])
  assert.equal((await core.listJobs({ project: 'p2' })).total, 2)
  assert.equal((await core.listJobs({ since: before })).total, 4)
  assert.equal((await core.listJobs({ since: Date.now() + 3600e3 })).total, 0)
  const page = await core.listJobs({ offset: 1, limit: 2 })
  assert.equal(page.jobs.length, 2)
  assert.equal(page.total, 4)
  assert.equal(page.offset, 1)
})

test('eventsAfter pages through the log with next, and subscribe delivers the same envelopes', async (t) => {
  const core = await openTemp(t)
  const live = collect(core, { after: 0 })
  t.after(live.stop)
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  for (let i = 0; i < 10; i++) await core.emit('x.step', { job: job.id, data: { i } })
  await core.setStatus(job.id, 'completed')
  const head = core.logInfo().head
  assert.equal(head, 13)

  const first = await core.eventsAfter(0, { limit: 5 })
  assert.deepEqual(first.events.map((e) => e.seq), [1, 2, 3, 4, 5])
  assert.equal(first.next, 5)
  const rest = await core.eventsAfter(first.next, { limit: 100 })
  assert.equal(rest.events.at(-1).seq, head)
  assert.equal(rest.next, head)
  const empty = await core.eventsAfter(head)
  assert.deepEqual(empty, { events: [], next: head })

  await live.untilSeq(head)
  assert.deepEqual(live.events, [...first.events, ...rest.events])
  assert.deepEqual(live.events.map((e) => e.type), ['job.created', 'job.status', ...Array(10).fill('x.step'), 'job.status'])
  for (const event of live.events) assert.deepEqual(Object.keys(event), ENVELOPE_KEYS)
})

test('eventsAfter filters by project, job tree and types as GET /api/events does; next passes what it skips', async (t) => {
  const core = await openTemp(t)
  const root = await core.createJob({ type: 'build', project: 'alpha' })
  const sub = await core.createJob({ type: 'test', project: 'alpha', parent: root.id })
  const other = await core.createJob({ type: 'lint', project: 'beta' })
  await core.setStatus(sub.id, 'running')
  await core.emit('x.note', { job: other.id, data: { n: 1 } })
  const head = (await core.eventsAfter(0)).next
  const byJob = await core.eventsAfter(0, { job: root.id })
  assert.deepEqual(byJob.events.map((e) => [e.type, e.job]), [['job.created', root.id], ['job.created', sub.id], ['job.status', sub.id]])
  assert.equal(byJob.next, head)
  const beta = await core.eventsAfter(0, { project: 'beta' })
  assert.deepEqual(beta.events.map((e) => e.type), ['job.created', 'x.note'])
  assert.deepEqual((await core.eventsAfter(0, { types: 'x.*' })).events.map((e) => e.type), ['x.note'])
  assert.deepEqual((await core.eventsAfter(0, { types: ['job.status'], project: 'alpha' })).events.map((e) => e.job), [sub.id])
  await assert.rejects(core.eventsAfter(0, { types: 7 }), { code: 'invalid_argument' })
  await assert.rejects(core.eventsAfter(0, { colour: 'red' }), { code: 'invalid_argument' })
})

test('a subscription without after starts at the head; unsubscribe stops delivery', async (t) => {
  const core = await openTemp(t)
  await core.emit('x.before', {})
  const live = collect(core)
  const second = collect(core)
  const event = await core.emit('x.after', { data: 1 })
  await live.untilSeq(event.seq)
  assert.deepEqual(live.events, [event])
  live.stop()
  live.stop()
  await core.emit('x.later', {})
  await second.untilSeq(3)
  assert.deepEqual(live.events, [event], 'nothing arrives after unsubscribe')
  second.stop()
})
