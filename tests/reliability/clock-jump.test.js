'use strict'
// The system clock jumps backwards (NTP stepping a drifted clock, a VM resumed from a
// snapshot). Setting the real clock needs privileges, so jobwired runs under an LD_PRELOAD
// shim (clock_shim.c, compiled here) that offsets CLOCK_REALTIME by what a file says. After a
// jump back, across a restart, and after a jump forward and back again: no write is refused,
// seqs keep increasing, the log's ts never decrease, /api/status?since= finds what it should,
// and retention by age (7 days) prunes by the log's own clock, never by a clock that went back.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, sleep } = require('../http/support')
const { readLog } = require('./support')

const HOUR = 3600_000
const DAY = 24 * HOUR

function buildShim (dir) {
  const out = path.join(dir, 'clock_shim.so')
  execFileSync(process.env.CC || 'cc', ['-shared', '-fPIC', '-O2', '-o', out, path.join(__dirname, 'clock_shim.c'), '-ldl'])
  return out
}

async function emit (srv, n, tag) {
  const out = []
  for (let i = 0; i < n; i++) {
    const res = await post(srv, '/api/events', { type: 'x.tick', data: { tag, i } })
    assert.equal(res.status, 201, `${tag} ${i}: ${res.status} ${res.body}`)
    out.push(res.json)
  }
  return out
}

function assertOrdered (log) {
  for (let i = 1; i < log.length; i++) {
    assert.ok(log[i].seq > log[i - 1].seq, `seq ${log[i].seq} after ${log[i - 1].seq}`)
    assert.ok(Date.parse(log[i].ts) >= Date.parse(log[i - 1].ts), `ts of seq ${log[i].seq} (${log[i].ts}) is before seq ${log[i - 1].seq} (${log[i - 1].ts})`)
  }
}

const since = async (srv, iso) => (await get(srv, `/api/status?since=${encodeURIComponent(iso)}`)).json.events.map((e) => e.seq)

test('the clock jumps back, across a restart, and forward then back: nothing refused, seqs and ts in order, since= and age retention sane', { timeout: 90_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-clock-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const offsetFile = path.join(dir, 'offset-ms')
  const setOffset = (ms) => fs.writeFileSync(offsetFile, String(ms))
  setOffset(0)
  // (A jobwired built with ASan refuses a preload ahead of its runtime unless told not to check.)
  const asan = [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':')
  const env = { LD_PRELOAD: buildShim(dir), JOBWIRE_CLOCK_OFFSET_FILE: offsetFile, ASAN_OPTIONS: asan }
  let srv = await startJobwired({ env })
  t.after(() => srv.stop())

  const a = await emit(srv, 10, 'before')
  const job = (await post(srv, '/api/jobs', { type: 'clock' })).json
  // An hour back. The shim rereads the file on the first clock read 10 ms after its last read;
  // the fence that it did is a new job stamped no later than the last one (the writer's clock
  // holds at the log's last ts while the wall clock is behind it).
  setOffset(-HOUR)
  await sleep(20)
  let b
  for (let i = 0; ; i++) {
    b = await post(srv, '/api/jobs', { type: 'clock' })
    assert.equal(b.status, 201)
    if (Date.parse(b.json.created_at) <= Date.parse(job.created_at)) break
    assert.ok(i < 50, 'the clock shim took effect')
    await sleep(20)
  }
  const back = await emit(srv, 10, 'after the jump back')
  const running = await post(srv, `/api/jobs/${job.id}/status`, { status: 'running' })
  assert.equal(running.status, 200)
  assert.ok(Date.parse(running.json.started_at) >= Date.parse(job.created_at), 'a job does not start before it was created')
  let log = await readLog(srv, 0)
  assertOrdered(log)
  assert.ok(Date.parse(back[9].ts) >= Date.parse(a[9].ts), 'events after the jump are not stamped before those before it')
  // since= is answered from the log's clock: from the first event on, everything, in order.
  assert.deepEqual(await since(srv, a[0].ts), log.map((e) => e.seq))
  assert.deepEqual(await since(srv, new Date(Date.parse(log[log.length - 1].ts) + 1).toISOString()), [])

  // Restarted while the clock is still an hour behind: it continues from the log's clock.
  srv = await srv.restart({ env })
  const afterRestart = await emit(srv, 5, 'after a restart behind')
  assert.ok(afterRestart[0].seq > log[log.length - 1].seq)
  log = await readLog(srv, 0)
  assertOrdered(log)

  // Eight days forward: retention by age (7 days) prunes what now looks 8 days old.
  setOffset(8 * DAY)
  await sleep(20)
  const lastBefore = log[log.length - 1].seq
  for (let i = 0; i < 50; i++) {
    await emit(srv, 1, 'eight days on')
    if ((await get(srv, '/healthz')).json.oldest > lastBefore) break
  }
  const oldest = (await get(srv, '/healthz')).json.oldest
  assert.ok(oldest > log[log.length - 1].seq, `events older than 7 days by the clock are pruned (oldest ${oldest})`)
  assert.equal((await get(srv, `/api/events?after=${log[0].seq}`)).status, 410, 'a cursor in the pruned part is reset')

  // And back by eight days: nothing refused, nothing more pruned, ts never before the last.
  setOffset(0)
  await sleep(20)
  const later = []
  for (let i = 0; i < 20; i++) later.push(...await emit(srv, 1, 'back again'))
  assert.equal((await get(srv, '/healthz')).json.oldest, oldest, 'a clock going back prunes nothing more')
  const tail = await readLog(srv, oldest - 1)
  assertOrdered(tail)
  assert.ok(tail.length >= later.length + 1)
  assert.ok(Date.parse(tail[0].ts) > Date.now() + 7 * DAY, 'the oldest retained event was stamped eight days on')
  assert.deepEqual(await since(srv, tail[0].ts), tail.map((e) => e.seq), 'since= the oldest retained time: all of it, in order')
})
