'use strict'
// Another process holds the SQLite file's write lock (python3's sqlite3 in BEGIN EXCLUSIVE,
// as a backup script or a curious operator's shell would). Writes must be answered with a
// clear error within bounded time (SQLite's busy wait, 5 s), none acknowledged and none
// committed later behind the client's back; reads keep working; nothing acknowledged before
// is lost; and writes resume as soon as the lock is released.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob, openSse } = require('../http/support')
const { readLog, headSeq } = require('./support')

// Holds BEGIN EXCLUSIVE on `db` until its stdin closes; resolves once the lock is held.
function holdExclusive (db) {
  const script = [
    'import sqlite3, sys',
    'c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)',
    'c.execute("BEGIN EXCLUSIVE")',
    'print("locked", flush=True)',
    'sys.stdin.read()',
    'c.execute("ROLLBACK")',
    'print("released", flush=True)'
  ].join('\n')
  const proc = spawn('python3', ['-c', script, db], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  const said = (word) => new Promise((resolve, reject) => {
    const check = () => { if (out.includes(word)) { proc.stdout.off('data', onData); resolve() } }
    const onData = (chunk) => { out += chunk; check() }
    proc.stdout.on('data', onData)
    proc.once('exit', (code) => reject(new Error(`python3 exited (${code}) before "${word}"`)))
    check()
  })
  const locked = said('locked')
  return {
    proc,
    locked,
    async release () { proc.stdin.end(); await said('released') }
  }
}

test('a database locked by another process: writes answer 503 within bounded time, nothing acknowledged is lost, writes resume on release', { timeout: 90_000 }, async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  const before = []
  for (let i = 0; i < 5; i++) before.push((await post(srv, `/api/jobs/${job.id}/logs`, { lines: [`before ${i}`] })).json)
  const cursor = await headSeq(srv)
  const watcher = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(cursor) } })
  t.after(() => watcher.close())

  const holder = holdExclusive(srv.dbPath)
  t.after(() => holder.proc.kill('SIGKILL'))
  await holder.locked

  // Three writes at once while the lock is held.
  const started = Date.now()
  const during = await Promise.all([
    post(srv, `/api/jobs/${job.id}/logs`, { lines: ['during'] }),
    post(srv, '/api/events', { type: 'x.during', data: {} }),
    post(srv, '/api/jobs', { type: 'during' })
  ])
  const took = Date.now() - started
  t.diagnostic(`three writes against the lock answered in ${took} ms`)
  for (const res of during) {
    assert.equal(res.status, 503, `a locked database answers 503: ${res.status} ${res.body}`)
    assert.equal(res.json.error.code, 'unavailable')
    assert.match(res.json.error.message, /locked/i, 'the message says the database is locked')
  }
  assert.ok(took < 15_000, `answered in ${took} ms (SQLite waits 5 s for the lock)`)
  // Reads keep working while the lock is held, and show nothing of the refused writes.
  assert.equal((await get(srv, `/api/jobs/${job.id}`)).json.log_lines, 5)
  assert.equal(await headSeq(srv), cursor)

  await holder.release()
  const after = await post(srv, `/api/jobs/${job.id}/logs`, { lines: ['after'] })
  assert.equal(after.status, 201, `after release: ${after.status} ${after.body}`)
  await watcher.waitFor(1, 10_000)

  // The log: the acknowledged writes, the one after the release, and nothing from the lock.
  const log = await readLog(srv, 0)
  assert.deepEqual(log.map((e) => e.seq), Array.from({ length: cursor + 1 }, (_, i) => i + 1), 'dense, no burnt seq')
  assert.deepEqual(log.filter((e) => e.type === 'job.log').map((e) => e.data.lines[0]), ['before 0', 'before 1', 'before 2', 'before 3', 'before 4', 'after'])
  assert.deepEqual(watcher.events.map((e) => e.seq), [cursor + 1], 'the stream carried only the write after the release')
  assert.equal((await get(srv, '/api/jobs?type=during')).json.total, 0, 'no refused job appeared later')
})
