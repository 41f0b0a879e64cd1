// The keys an agent-turn app reads: a project's file changes, jobs by id (projected), and
// a job's timeline, each patched in place by events like the other keys.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SnapshotStore } from '../../client/cache/store.js'
import { SnapshotLoader } from '../../client/loader.js'
import { fileChangesKey, jobSetKey, timelineKey, parseKey } from '../../client/keys.js'

const event = (seq, type, job, data, { project = 'docs', parent = null } = {}) =>
  ({ seq, type, ts: new Date(seq * 1000).toISOString(), job, parent, project, data })

test('the file-changes key names the project and the seq, and refuses what the server would', () => {
  const key = fileChangesKey('docs', 7)
  assert.equal(key, '/api/files?project=docs&since_seq=7')
  assert.deepEqual(parseKey(key), { kind: 'changes', project: 'docs', sinceSeq: 7 })
  assert.throws(() => fileChangesKey('', 1), /project/)
  assert.throws(() => fileChangesKey('docs', -1), /sinceSeq/)
  assert.throws(() => jobSetKey(Array.from({ length: 101 }, (_, i) => `j${i}`)), /from 1 to 100/)
  assert.throws(() => jobSetKey(['a'], ['summary']), /unknown field summary/)
})

test('job.file events patch a project\'s file changes in place: latest change per path, last', () => {
  const store = new SnapshotStore()
  const key = fileChangesKey('docs', 5)
  store.set(key, {
    project: 'docs',
    since_seq: 5,
    files: [
      { path: 'a.md', change: 'created', job_id: 'j1', file_id: 'f1', seq: 6, ts: 'T6' },
      { path: 'b.md', change: 'created', job_id: 'j1', file_id: 'f2', seq: 7, ts: 'T7' }
    ],
    seq: 8
  })
  const { changed, stale } = store.applyEvents([
    event(8, 'job.file', 'j1', { file_id: 'f1', path: 'a.md', change: 'deleted' }), // already in the snapshot
    event(9, 'job.file', 'j2', { file_id: 'f1', path: 'a.md', change: 'modified' }),
    event(10, 'job.file', 'j3', { file_id: 'f9', path: 'a.md', change: 'created' }, { project: 'other' }),
    event(11, 'job.status', 'j2', { status: 'running' }),
    event(12, 'job.file', 'j2', { file_id: 'f3', path: 'c.md', change: 'created' })
  ])
  assert.ok(changed.has(key))
  assert.equal(stale.size, 0)
  const rows = store.get(key).files.map(({ path, change, job_id: job, seq }) => [path, change, job, seq])
  assert.deepEqual(rows, [['b.md', 'created', 'j1', 7], ['a.md', 'modified', 'j2', 9], ['c.md', 'created', 'j2', 12]])
})

test('a projected job set keeps only its fields, moves updated_seq, and goes stale when a missing id is created', () => {
  const store = new SnapshotStore()
  const key = jobSetKey(['j1', 'j2'], ['status', 'updated_seq'])
  store.set(key, { jobs: [{ id: 'j1', status: 'pending', updated_seq: 3 }], missing: ['j2'], seq: 4 })
  const first = store.applyEvents([event(5, 'job.status', 'j1', { status: 'running', started_at: 'T5' })])
  assert.deepEqual(store.get(key).jobs, [{ id: 'j1', status: 'running', updated_seq: 5 }])
  assert.equal(first.stale.size, 0)
  const second = store.applyEvents([event(6, 'job.created', 'j2', { id: 'j2', status: 'pending' })])
  assert.ok(second.stale.has(key))
})

test('a timeline takes the events of its job and of every job below it, and nothing else', () => {
  const store = new SnapshotStore()
  const key = timelineKey('t')
  store.set(key, { events: [], members: ['t'], next: 1, seq: 1 })
  store.applyEvents([
    event(2, 'job.status', 't', { status: 'running' }),
    event(3, 'job.created', 's1', { id: 's1' }, { parent: 't' }),
    event(4, 'job.created', 'u', { id: 'u' }),
    event(5, 'job.created', 's2', { id: 's2' }, { parent: 's1' }),
    event(6, 'x.intervention_request', 's2', { reason: 'approve' }, { parent: 's1' }),
    event(7, 'job.file', 't', { path: 'a.md', change: 'created' })
  ])
  assert.deepEqual(store.get(key).events.map((e) => e.seq), [2, 3, 5, 6, 7])
  assert.deepEqual(store.get(key).members, ['t', 's1', 's2'])
})

test('a timeline is read page by page after what it holds, keeping only its tree', async () => {
  const store = new SnapshotStore()
  const asked = []
  const log = [
    event(1, 'job.created', 't', {}),
    event(2, 'job.created', 'u', {}),
    event(3, 'job.created', 's', {}, { parent: 't' }),
    event(4, 'x.note', 's', {}, { parent: 't' })
  ]
  const source = {
    async getSnapshot (path) {
      asked.push(path)
      const params = new URL(path, 'http://x').searchParams
      const after = Number(params.get('after'))
      const events = log.filter((e) => e.seq > after) // a source that ignores job= (IPC)
      return { status: 200, body: { events, next: events.length ? events.at(-1).seq : after } }
    }
  }
  const loader = new SnapshotLoader({ source, store, onSnapshot: (key, body) => store.set(key, body) })
  const key = timelineKey('t')
  await loader.load(key)
  assert.deepEqual(store.get(key).events.map((e) => e.seq), [1, 3, 4])
  log.push(event(5, 'job.status', 't', { status: 'completed' }))
  await loader.load(key, { share: false })
  assert.deepEqual(store.get(key).events.map((e) => e.seq), [1, 3, 4, 5])
  assert.deepEqual(asked, ['/api/events?job=t&after=0&limit=1000', '/api/events?job=t&after=4&limit=1000'])
})

test('a timeline whose start is past retention starts where the log now does, marked truncated', async () => {
  const store = new SnapshotStore()
  const asked = []
  const source = {
    async getSnapshot (path) {
      asked.push(path)
      const after = Number(new URL(path, 'http://x').searchParams.get('after'))
      if (after < 40) throw Object.assign(new Error('older than retention'), { status: 410, code: 'reset', oldest: 41 })
      return { status: 200, body: { events: [event(42, 'job.status', 't', { status: 'running' })], next: 50 } }
    }
  }
  const loader = new SnapshotLoader({ source, store, onSnapshot: (key, body) => store.set(key, body) })
  const key = timelineKey('t')
  await loader.load(key)
  assert.deepEqual(asked, ['/api/events?job=t&after=0&limit=1000', '/api/events?job=t&after=40&limit=1000'])
  assert.equal(store.get(key).truncated, true)
  assert.deepEqual(store.get(key).events.map((e) => e.seq), [42])
  assert.equal(store.seq(key), 50)

  // Another store (a reset): the key starts over from the beginning, not from 50.
  store.invalidateAll()
  await loader.load(key, { share: false })
  assert.equal(asked[2], '/api/events?job=t&after=0&limit=1000')
})
