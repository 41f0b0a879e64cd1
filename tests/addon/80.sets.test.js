'use strict'
// core.getJobs(ids) and core.fileChanges(project, sinceSeq): many things in one read, with
// bad arguments refused in JS before any native call.
const test = require('node:test')
const assert = require('node:assert/strict')
const { openTemp } = require('./helpers')

test('getJobs answers the jobs asked for, in order, once each, and names the missing ones', async (t) => {
  const core = await openTemp(t)
  const a = await core.createJob({ type: 'turn' })
  const b = await core.createJob({ type: 'tool', parent: a.id })
  const set = await core.getJobs([b.id, 'j_none', a.id, b.id])
  assert.deepEqual(set.jobs.map((job) => job.id), [b.id, a.id])
  assert.deepEqual(set.missing, ['j_none'])
  assert.equal(set.seq, core.logInfo().head)
  assert.equal(set.epoch, core.logInfo().epoch)
})

test('fileChanges answers the latest change per path of the project after the seq', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'tool', project: 'docs' })
  await core.registerFile(job.id, { path: 'a.md', change: 'created' })
  const since = core.logInfo().head
  await core.registerFile(job.id, { path: 'b.md', change: 'created' })
  await core.registerFile(job.id, { path: 'a.md', change: 'deleted' })
  const changes = await core.fileChanges('docs', since)
  assert.deepEqual(changes.files.map(({ path, change }) => [path, change]), [['b.md', 'created'], ['a.md', 'deleted']])
  assert.equal(changes.project, 'docs')
  assert.equal(changes.since_seq, since)
  assert.equal(changes.files[1].job_id, job.id)
  assert.equal(changes.files[1].seq, core.logInfo().head)
  assert.deepEqual((await core.fileChanges('docs')).files.length, 2)
  await assert.rejects(core.fileChanges('docs', core.logInfo().head + 5), { code: 'reset' })
})

test('bad arguments are refused with invalid_argument before any read', async (t) => {
  const core = await openTemp(t)
  const many = Array.from({ length: 101 }, (_, i) => `j_${i}`)
  for (const ids of [[], many, 'j_1', [''], [7]]) {
    await assert.rejects(core.getJobs(ids), { code: 'invalid_argument' }, JSON.stringify(ids))
  }
  await assert.rejects(core.fileChanges('', 0), { code: 'invalid_argument' })
  await assert.rejects(core.fileChanges('docs', -1), { code: 'invalid_argument' })
  await assert.rejects(core.fileChanges('docs', 1.5), { code: 'invalid_argument' })
})
