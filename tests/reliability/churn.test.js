'use strict'
// Churn, bounded for npm test: 150 logical clients over SSE, WebSocket and long-poll connect,
// read for 0.1-1.5 s, vanish (TCP reset, FIN, or a WebSocket close frame) and resume from
// their cursor for 20 s while three producers write jobs through their whole life. Then
// every client catches up to a fence event. `node scripts/reliability.js --churn-minutes N`
// runs the same for longer and prints the figures.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { runChurn } = require('./churn')

const SECONDS = Number(process.env.JOBWIRE_CHURN_SECONDS || 20)

test(`${SECONDS} s of churn: nothing lost or repeated, every fold equals the server, gauges back to 0, RSS flat`, { timeout: (SECONDS + 120) * 1000 }, async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const r = await runChurn(srv, { clients: 150, producers: 3, seconds: SECONDS, seed: Number(process.env.JOBWIRE_CHURN_SEED || 1) })
  t.diagnostic(JSON.stringify({ ...r, rss: { ...r.rss, samples: undefined } }))

  // They churned, every way, on every transport.
  // (Each session lasts 0.1-1.5 s: about 12 per client in 20 s; the bounds leave room for a slow machine.)
  assert.ok(r.sessions >= 150 * SECONDS / 4, `sessions: ${r.sessions}`)
  for (const [transport, n] of Object.entries(r.byTransport)) assert.ok(n >= 50 * SECONDS / 4, `${transport} sessions: ${n}`)
  assert.ok(r.vanished.reset > 2 * SECONDS && r.vanished.fin > 2 * SECONDS && r.vanished.close > SECONDS / 2, `vanished: ${JSON.stringify(r.vanished)}`)
  assert.ok(r.writes > 10 * SECONDS && r.jobs > SECONDS / 2, `producers wrote ${r.writes} writes, ${r.jobs} jobs`)

  // What every client received against the log.
  assert.equal(r.caughtUp, 150, 'every client reached the fence')
  assert.deepEqual(r.errors, [], 'no refusal, no reset')
  assert.equal(r.lost, 0, `lost: ${JSON.stringify(r.bad)}`)
  assert.equal(r.duplicated, 0, `duplicated: ${JSON.stringify(r.bad)}`)
  assert.equal(r.outOfOrder, 0, 'out of order')
  assert.equal(r.foreign, 0, 'seqs not in the log')
  assert.equal(r.foldMismatches, 0, `folds that differ from GET /api/jobs: ${JSON.stringify(r.bad)}`)

  // Nothing left open, and memory flat: the end within 25 % (+16 MiB) of a quarter in.
  assert.deepEqual(r.gauges, { sse: 0, ws: 0, longpoll: 0, http: 1 }, 'no connection left open but the /metrics request')
  assert.ok(r.rss.endKiB <= r.rss.warmKiB * 1.25 + 16 * 1024, `RSS ${r.rss.warmKiB} KiB a quarter in, ${r.rss.endKiB} KiB at the end`)
})
