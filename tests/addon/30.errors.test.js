'use strict'
// Every error a caller can meet is an Error with a string `code`, and none of them crashes
// the process or writes anything.
const test = require('node:test')
const assert = require('node:assert/strict')
const { openTemp, collect } = require('./helpers')

const isInvalid = (err) => err instanceof TypeError && err.code === 'invalid_argument'

test('a refused transition rejects with invalid_transition and writes nothing', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build' })
  await assert.rejects(core.setStatus(job.id, 'completed'), (err) => err instanceof Error && err.code === 'invalid_transition')
  await core.setStatus(job.id, 'running')
  await core.setStatus(job.id, 'completed')
  const head = core.logInfo().head
  for (const next of ['running', 'pending', 'failed', 'cancelled']) {
    await assert.rejects(core.setStatus(job.id, next), { code: 'invalid_transition' }, `completed → ${next}`)
  }
  assert.equal(core.logInfo().head, head, 'no event was stored')
  assert.equal((await core.getJob(job.id)).status, 'completed')
})

test('an unknown job answers not_found on every call that names one', async (t) => {
  const core = await openTemp(t)
  const calls = [
    () => core.getJob('missing'),
    () => core.setStatus('missing', 'running'),
    () => core.setProgress('missing', 1),
    () => core.updateJob('missing', { summary: 1 }),
    () => core.appendLog('missing', ['x']),
    () => core.registerFile('missing', { path: 'a' }),
    () => core.emit('x.note', { job: 'missing' }),
    () => core.getLogs('missing'),
    () => core.listFiles('missing'),
    () => core.createJob({ type: 'build', parent: 'missing' }),
  ]
  for (const call of calls) await assert.rejects(call(), { code: 'not_found' }, call.toString())
  assert.equal(core.logInfo().head, 0)
})

test('wrong types, missing fields and unknown fields reject with a TypeError before any write', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build' })
  const head = core.logInfo().head
  const calls = {
    'createJob()': () => core.createJob(),
    'createJob without type': () => core.createJob({ project: 'p' }),
    'createJob type number': () => core.createJob({ type: 7 }),
    'createJob unknown field': () => core.createJob({ type: 'b', colour: 'red' }),
    'createJob priority 1.5': () => core.createJob({ type: 'b', priority: 1.5 }),
    'createJob summary BigInt': () => core.createJob({ type: 'b', summary: { n: 1n } }),
    'setStatus unknown status': () => core.setStatus(job.id, 'sleeping'),
    'setStatus id object': () => core.setStatus({ id: job.id }, 'running'),
    'setStatus message number': () => core.setStatus(job.id, 'failed', 42),
    'setProgress 101': () => core.setProgress(job.id, 101),
    'setProgress NaN': () => core.setProgress(job.id, NaN),
    'setProgress string': () => core.setProgress(job.id, '40'),
    'updateJob empty patch': () => core.updateJob(job.id, {}),
    'updateJob unknown field': () => core.updateJob(job.id, { status: 'running' }),
    'appendLog no lines': () => core.appendLog(job.id, []),
    'appendLog number line': () => core.appendLog(job.id, [1]),
    'registerFile bad change': () => core.registerFile(job.id, { path: 'a', change: 'renamed' }),
    'registerFile no path': () => core.registerFile(job.id, {}),
    'emit without x.': () => core.emit('job.status', {}),
    'emit circular data': () => { const data = {}; data.self = data; return core.emit('x.loop', { data }) },
    'listJobs limit 0': () => core.listJobs({ limit: 0 }),
    'listJobs limit 5000': () => core.listJobs({ limit: 5000 }),
    'listJobs bad since': () => core.listJobs({ since: 'yesterday' }),
    'getLogs offset -1': () => core.getLogs(job.id, { offset: -1 }),
    'eventsAfter -1': () => core.eventsAfter(-1),
    'eventsAfter string': () => core.eventsAfter('0'),
    'eventsAfter limit 0': () => core.eventsAfter(0, { limit: 0 }),
    'serve port 70000': () => core.serve({ port: 70000 }),
    'serve threads 0': () => core.serve({ threads: 0 }),
    'a name the core refuses': () => core.createJob({ type: 'has spaces' }),
  }
  for (const [name, call] of Object.entries(calls)) await assert.rejects(call(), isInvalid, name)
  assert.throws(() => core.subscribe('not a function'), isInvalid)
  assert.throws(() => core.subscribe(() => {}, { after: -5 }), isInvalid)
  assert.throws(() => core.subscribe(() => {}, { after: 1.5 }), isInvalid)
  assert.equal(core.logInfo().head, head, 'nothing was written')
})

test('huge input is refused with invalid_argument, and the process carries on', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build' })
  const huge = 'x'.repeat(10 * 1024 * 1024)
  await assert.rejects(core.createJob({ type: huge }), isInvalid)
  await assert.rejects(core.getJob(huge), isInvalid)
  await assert.rejects(core.appendLog(job.id, [huge]), isInvalid)
  await assert.rejects(core.appendLog(job.id, Array(10001).fill('line')), isInvalid)
  await assert.rejects(core.updateJob(job.id, { summary: huge }), isInvalid)
  await assert.rejects(core.emit('x.big', { data: { huge } }), isInvalid)
  await assert.rejects(core.setStatus(job.id, 'failed', huge), isInvalid)
  await assert.rejects(core.registerFile(job.id, { path: huge }), isInvalid)
  // Just inside the limits is fine.
  const line = 'y'.repeat(65536)
  const logged = await core.appendLog(job.id, [line])
  assert.equal(logged.log_lines, 1)
  assert.deepEqual((await core.getLogs(job.id)).lines, [line])
})

test('creating a job twice with one id answers conflict; a job as its own parent is refused', async (t) => {
  const core = await openTemp(t)
  await core.createJob({ id: 'once', type: 'build' })
  await assert.rejects(core.createJob({ id: 'once', type: 'build' }), { code: 'conflict' })
  await assert.rejects(core.createJob({ id: 'loop', type: 'build', parent: 'loop' }), isInvalid)
})

test('a cursor older than retention: eventsAfter rejects with reset, a subscriber gets a reset batch', async (t) => {
  const core = await openTemp(t, { retentionEvents: 10 })
  for (let i = 0; i < 51; i++) await core.emit('x.old', { data: { i } })
  // Count retention prunes in the commit of each group: the last 10 of 51 events are kept.
  assert.deepEqual({ head: core.logInfo().head, oldest: core.logInfo().oldest }, { head: 51, oldest: 42 })

  await assert.rejects(core.eventsAfter(1), (err) => err instanceof Error && err.code === 'reset')
  const live = collect(core, { after: 1 })
  t.after(live.stop)
  await live.until(() => live.batches.some((b) => b.reset))
  const reset = live.batches.find((b) => b.reset)
  assert.equal(reset.cursor, core.logInfo().head, 'after a reset the subscription continues from the head')
  const event = await core.emit('x.after_reset', {})
  await live.untilSeq(event.seq)
  assert.equal(live.events.at(-1).type, 'x.after_reset')
})

test('a cursor from another store (newer than the head) answers reset, and a subscriber continues from the head', async (t) => {
  const core = await openTemp(t)
  for (let i = 0; i < 5; i++) await core.emit('x.here', {})
  await assert.rejects(core.eventsAfter(500), { code: 'reset' })
  const live = collect(core, { after: 500 })
  t.after(live.stop)
  await live.until(() => live.batches.some((b) => b.reset))
  assert.equal(live.batches.find((b) => b.reset).cursor, 5)
  const event = await core.emit('x.next', {})
  await live.untilSeq(event.seq)
  assert.deepEqual(live.events.map((e) => e.seq), [6])
})
