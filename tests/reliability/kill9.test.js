'use strict'
// jobwired killed with SIGKILL under write load, with clients on every transport (SSE,
// WebSocket, long-poll, plain polling), then started again on the same file and port. Every
// client reconnects from its cursor and ends with exactly the log: every acknowledged write,
// nothing twice, nothing out of order. (tests/http/restart.test.js covers a clean SIGTERM
// restart; tests/http/idempotency.test.js the producers' retries across a kill.)
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { post, sleep } = require('../http/support')
const { readLog, headSeq, checkDelivery } = require('./support')
const { makeClient, churn, catchUp, mulberry32 } = require('./churn-clients')

test('SIGKILL under write load: every client on every transport resumes from its cursor, nothing acknowledged missed, nothing twice', { timeout: 120_000 }, async (t) => {
  const ref = { srv: await startJobwired() }
  t.after(() => ref.srv.stop())
  const url = () => ref.srv.url
  const control = { stopping: false }
  const clients = ['sse', 'ws', 'longpoll', 'poll'].flatMap((transport, k) =>
    Array.from({ length: 4 }, (_, i) => makeClient(k * 4 + i, transport, mulberry32(k * 4 + i + 1))))
  // Long sessions: they end only when the server goes away, then reconnect within 300 ms.
  const reading = clients.map((c) => churn(url, c, control, { minReadMs: 60_000, maxReadMs: 60_001 }))

  // Eight producers, each writing custom events and log lines back to back; an answer that
  // never came (the kill) is not acknowledged, and they go on once the server is back.
  const job = (await post(ref.srv, '/api/jobs', { type: 'kill9' })).json
  const acked = []
  let writing = true
  const producers = Array.from({ length: 8 }, async (_, p) => {
    for (let i = 0; writing; i++) {
      try {
        const res = i % 2
          ? await post(ref.srv, '/api/events', { type: 'x.load', job: job.id, data: { p, i } })
          : await post(ref.srv, `/api/jobs/${job.id}/logs`, { lines: [`p${p} line ${i}`] })
        if (res.status === 201) acked.push(res.json.seq)
        else await sleep(20)
      } catch { await sleep(20) }
    }
  })

  await sleep(1500)
  const ackedBeforeKill = acked.length
  const killed = await ref.srv.kill('SIGKILL')
  assert.equal(killed.signal, 'SIGKILL')
  await sleep(300)
  ref.srv = await ref.srv.restart()
  await sleep(1500)
  writing = false
  await Promise.all(producers)
  control.stopping = true
  await Promise.all(reading)
  const fence = (await post(ref.srv, '/api/events', { type: 'x.fence', data: {} })).json.seq
  const caught = await Promise.all(clients.map((c) => catchUp(url, c, fence)))

  const log = await readLog(ref.srv, 0)
  t.diagnostic(`${ackedBeforeKill} writes acknowledged before the kill, ${acked.length} in all; ${log.length} events; sessions ${clients.map((c) => c.sessions).join(' ')}`)
  assert.ok(ackedBeforeKill > 20 && acked.length > ackedBeforeKill + 20, `writes before (${ackedBeforeKill}) and after the kill (${acked.length})`)
  const inLog = new Set(log.map((e) => e.seq))
  const missing = acked.filter((s) => s !== undefined && !inLog.has(s))
  assert.deepEqual(missing, [], 'every acknowledged write is in the log after the kill')
  assert.equal(await headSeq(ref.srv), fence)
  for (const c of clients) {
    assert.ok(caught[c.id], `${c.transport} client ${c.id} reached the fence (cursor ${c.cursor}, errors ${c.errors})`)
    const d = checkDelivery(c.received, log)
    assert.deepEqual({ lost: d.lost, duplicated: d.duplicated, outOfOrder: d.outOfOrder, coalesced: d.coalesced, foreign: d.foreign },
      { lost: 0, duplicated: 0, outOfOrder: 0, coalesced: 0, foreign: 0 }, `${c.transport} client ${c.id}: ${d.examples}`)
    assert.ok(c.sessions >= 2, `${c.transport} client ${c.id} reconnected (${c.sessions} sessions)`)
  }
})
