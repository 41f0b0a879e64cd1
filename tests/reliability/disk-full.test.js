'use strict'
// The disk fills up under jobwired. Without root or a mount, the test lowers jobwired's
// RLIMIT_FSIZE (prlimit --pid, soft limit only) to just above the size of its SQLite files:
// any write past that offset then fails with EFBIG, which is what SQLite sees on a full disk
// (SQLITE_FULL). Writes must then fail with a clear error and never be acknowledged, nothing
// half-committed may show (a log append is all its lines or none, in the log and on the wire),
// reads keep working, jobwired stays up, and writes resume once the limit is raised again.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { execFileSync } = require('node:child_process')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, createJob, openSse } = require('../http/support')
const { readLog, headSeq } = require('./support')

function setFileSizeLimit (pid, bytes) {
  execFileSync('prlimit', [`--pid=${pid}`, `--fsize=${bytes}:unlimited`])
}

function fileSize (file) {
  try { return fs.statSync(file).size } catch { return 0 }
}

const LINE = 'x'.repeat(16 * 1024)
const appendBig = (srv, job, i) => post(srv, `/api/jobs/${job.id}/logs`, { lines: Array.from({ length: 8 }, (_, k) => `${i}.${k} ${LINE}`) })

test('a full disk: writes refused with a clear error and never acknowledged, nothing half-committed, writes resume when space returns', { timeout: 120_000 }, async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const job = await createJob(srv)
  for (let i = 0; i < 3; i++) assert.equal((await appendBig(srv, job, i)).status, 201)
  const cursor = await headSeq(srv)
  const watcher = await openSse(srv, '/api/events/stream', { headers: { 'last-event-id': String(cursor) } })
  t.after(() => watcher.close())

  // Space for a few hundred KiB more, in the database file and in its WAL.
  const limit = Math.max(fileSize(srv.dbPath), fileSize(`${srv.dbPath}-wal`)) + 256 * 1024
  setFileSizeLimit(srv.proc.pid, limit)

  let acked = 3
  const refusals = []
  for (let i = 3; i < 200 && refusals.length < 5; i++) {
    const res = await appendBig(srv, job, i).catch((err) => ({ status: 0, body: err.message }))
    if (res.status === 201) { acked++; continue }
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(srv.proc.signalCode, null, `jobwired died of ${srv.proc.signalCode} when the disk filled (the write got: ${res.body})`)
    refusals.push(res)
  }
  assert.equal(refusals.length, 5, `writes kept succeeding past a ${limit}-byte file size limit (${acked} acknowledged)`)
  t.diagnostic(`limit ${limit} bytes: ${acked - 3} appends acknowledged after it, then refused: ${refusals[0].body}`)
  for (const res of refusals) {
    assert.equal(res.status, 503, `a full disk answers 503: ${res.status} ${res.body}`)
    assert.equal(res.json.error.code, 'unavailable')
    assert.match(res.json.error.message, /full/i, 'the message says the disk is full')
  }
  const headWhileFull = await headSeq(srv)
  // Reads are served; the job shows exactly the acknowledged lines, whole appends only.
  const logs = await get(srv, `/api/jobs/${job.id}/logs?limit=1`)
  assert.equal(logs.status, 200)
  assert.equal(logs.json.total_lines, acked * 8, 'the log holds the acknowledged appends, all of each, nothing of the refused ones')
  assert.equal((await get(srv, `/api/jobs/${job.id}`)).json.log_lines, acked * 8)
  // A small write while full: refused too, and the head does not move.
  const small = await post(srv, '/api/events', { type: 'x.small', data: {} })
  assert.ok(small.status === 503 || small.status === 201, `small write: ${small.status} ${small.body}`)
  if (small.status === 503) assert.equal(await headSeq(srv), headWhileFull)

  // Space returns: the next write succeeds and the stream carries on in order.
  setFileSizeLimit(srv.proc.pid, 'unlimited')
  const resumed = await appendBig(srv, job, 999)
  assert.equal(resumed.status, 201, `after space returns: ${resumed.status} ${resumed.body}`)
  const fence = await post(srv, '/api/events', { type: 'x.fence', data: {} })
  assert.equal(fence.status, 201)
  await watcher.waitForFrame((f) => f.id === String(fence.json.seq), 20_000)

  // The wire carried exactly the log: every acknowledged append, whole, and no refused one.
  const log = await readLog(srv, 0)
  const seqs = log.map((e) => e.seq)
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the log is dense: no seq was burnt or half-written')
  const logLines = log.filter((e) => e.type === 'job.log')
  assert.equal(logLines.length, acked + 1, 'one job.log per acknowledged append')
  assert.ok(logLines.every((e) => e.data.lines.length === 8), 'every append whole')
  const watched = watcher.events.map((e) => e.seq)
  assert.deepEqual(watched, seqs.filter((s) => s > cursor), 'the stream carried the log after its cursor, nothing refused')

  // After a crash and a restart, the same: the refused writes left nothing in the file.
  await srv.kill('SIGKILL')
  const again = await srv.restart()
  t.after(() => again.stop())
  assert.deepEqual((await readLog(again, 0)).map((e) => e.seq), seqs)
  assert.equal((await get(again, `/api/jobs/${job.id}`)).json.log_lines, (acked + 1) * 8)
})
