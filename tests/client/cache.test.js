import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SnapshotStore } from '../../client/cache/store.js'
import { submitOverlay, cancelOverlay } from '../../client/cache/overlays.js'
import { jobsKey, jobKey, logsKey, filesKey } from '../../client/keys.js'

const job = (id, fields = {}) => ({ id, type: 'build', project: 'default', parent: null, status: 'pending', progress_percent: 0, ...fields })
const event = (seq, type, jobId, data) => ({ seq, type, ts: new Date(seq * 1000).toISOString(), job: jobId, parent: null, project: 'default', data })

test('events patch a job in seq order and an event at or below its seq is dropped', () => {
  const store = new SnapshotStore()
  store.set(jobKey('a'), { ...job('a'), seq: 10 })
  store.applyEvents([
    event(9, 'job.status', 'a', { status: 'failed' }), // older than the snapshot
    event(11, 'job.status', 'a', { status: 'running', started_at: 'T1' }),
    event(12, 'job.progress', 'a', { progress_percent: 40 })
  ])
  store.applyEvents([event(11, 'job.status', 'a', { status: 'running' }), event(12, 'job.progress', 'a', { progress_percent: 40 })])
  store.applyEvents([event(13, 'job.progress', 'a', { progress_percent: 70 })])
  const a = store.get(jobKey('a'))
  assert.equal(a.status, 'running')
  assert.equal(a.started_at, 'T1')
  assert.equal(a.progress_percent, 70)
  assert.equal(store.seq(jobKey('a')), 13)
})

test('a new job lands on top of the first page and the total counts it', () => {
  const store = new SnapshotStore()
  const key = jobsKey({ limit: 2 })
  store.set(key, { jobs: [job('b'), job('a')], total: 2, offset: 0, seq: 5 })
  const { changed, stale } = store.applyEvents([event(6, 'job.created', 'c', job('c'))])
  assert.deepEqual(store.get(key).jobs.map((j) => j.id), ['c', 'b'])
  assert.equal(store.get(key).total, 3)
  assert.ok(changed.has(key))
  assert.equal(stale.size, 0)
})

test('a job leaving a status-filtered page makes only that page stale', () => {
  const store = new SnapshotStore()
  const running = jobsKey({ status: 'running' })
  const all = jobsKey()
  store.set(running, { jobs: [job('a', { status: 'running' })], total: 1, offset: 0, seq: 5 })
  store.set(all, { jobs: [job('a', { status: 'running' })], total: 1, offset: 0, seq: 5 })
  const { stale } = store.applyEvents([event(6, 'job.status', 'a', { status: 'completed' })])
  assert.deepEqual([...stale], [running])
  assert.equal(store.get(running).jobs.length, 0)
  assert.equal(store.get(all).jobs[0].status, 'completed')
})

test('log lines append by offset; repeats are dropped and a hole makes the tail stale', () => {
  const store = new SnapshotStore()
  const key = logsKey('a')
  store.set(key, { job_id: 'a', lines: ['l0', 'l1'], offset: 0, total_lines: 2, has_more: false, seq: 3 })
  store.applyEvents([event(4, 'job.log', 'a', { offset: 2, lines: ['l2', 'l3'] })])
  store.applyEvents([event(5, 'job.log', 'a', { offset: 2, lines: ['l2', 'l3'] })]) // a repeat under a new seq
  assert.deepEqual(store.get(key).lines, ['l0', 'l1', 'l2', 'l3'])
  const { stale } = store.applyEvents([event(7, 'job.log', 'a', { offset: 9, lines: ['l9'] })])
  assert.ok(stale.has(key))
  assert.deepEqual(store.get(key).lines, ['l0', 'l1', 'l2', 'l3'])
})

test('files are added, modified and marked deleted', () => {
  const store = new SnapshotStore()
  const key = filesKey('a')
  store.set(key, { files: [], seq: 1 })
  store.applyEvents([
    event(2, 'job.file', 'a', { file_id: 'f1', path: 'out/report.html', change: 'created' }),
    event(3, 'job.file', 'a', { file_id: 'f2', path: 'out/data.csv', change: 'created' }),
    event(4, 'job.file', 'a', { file_id: 'f1', path: 'out/report.html', change: 'deleted' })
  ])
  assert.deepEqual(store.get(key).files.map((f) => [f.path, f.change]), [['out/report.html', 'deleted'], ['out/data.csv', 'created']])
})

test('a snapshot read before recent events arrived gets them replayed', () => {
  const store = new SnapshotStore()
  store.set(jobKey('x'), { ...job('x'), seq: 1 })
  store.applyEvents([event(2, 'job.status', 'a', { status: 'running' }), event(3, 'job.progress', 'a', { progress_percent: 50 })])
  store.set(jobKey('a'), { ...job('a'), seq: 2, status: 'running' }) // read at seq 2
  assert.equal(store.get(jobKey('a')).progress_percent, 50)
  assert.equal(store.seq(jobKey('a')), 3)
})

test('an unchanged snapshot keeps its object, so nothing re-renders', () => {
  const store = new SnapshotStore()
  store.set(jobKey('a'), { ...job('a', { progress_percent: 10 }), seq: 1 })
  const before = store.get(jobKey('a'))
  const { changed } = store.applyEvents([event(2, 'job.progress', 'b', { progress_percent: 10 })])
  assert.equal(store.get(jobKey('a')), before)
  assert.equal(changed.size, 0)
})

test('a submitted job shows at once and a background refresh without it does not remove it', () => {
  const store = new SnapshotStore()
  const key = jobsKey()
  store.set(key, { jobs: [job('old')], total: 1, offset: 0, seq: 5 })
  store.addOverlay(submitOverlay({ id: 'mine', type: 'demo' }))
  assert.deepEqual(store.get(key).jobs.map((j) => j.id), ['mine', 'old'])
  store.set(key, { jobs: [job('old')], total: 1, offset: 0, seq: 6 }) // the server has not shown it yet
  assert.deepEqual(store.get(key).jobs.map((j) => j.id), ['mine', 'old'])
  store.set(key, { jobs: [job('mine'), job('old')], total: 2, offset: 0, seq: 7 })
  assert.deepEqual(store.get(key).jobs.map((j) => [j.id, Boolean(j.optimistic)]), [['mine', false], ['old', false]])
  assert.equal(store.overlays.size, 0)
})

test('a cancel shows at once, survives a stale refresh, and settles when the server shows the end', () => {
  const store = new SnapshotStore()
  store.set(jobKey('a'), { ...job('a', { status: 'running' }), seq: 5 })
  store.addOverlay(cancelOverlay('a'))
  assert.equal(store.get(jobKey('a')).status, 'cancelled')
  store.set(jobKey('a'), { ...job('a', { status: 'running' }), seq: 6 })
  assert.equal(store.get(jobKey('a')).status, 'cancelled')
  store.applyEvents([event(7, 'job.status', 'a', { status: 'cancelled' })])
  assert.equal(store.overlays.size, 0)
  assert.equal(store.get(jobKey('a')).status, 'cancelled')
})
