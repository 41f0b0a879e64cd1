#!/usr/bin/env node
// Long reliability runs, with their figures printed (RELIABILITY.md records them).
//   node scripts/reliability.js --churn-minutes 30 [--clients 500] [--producers 3] [--seed 1]
// Starts build/jobwired (or JOBWIRED_BIN) on a fresh SQLite file, churns, prints a JSON line
// of figures and a summary, and exits 1 if anything was lost, repeated or left open, or if RSS
// at the end is not within 25 % + 16 MiB of its value a quarter in (the test's bound; over a
// long run SQLite's page cache, up to 64 MiB, grows with the store, and the figures say so).
'use strict'
const { startJobwired } = require('../tests/helpers/jobwired')
const { runChurn } = require('../tests/reliability/churn')

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

async function main () {
  const minutes = arg('churn-minutes', 5)
  const clients = arg('clients', 500)
  const producers = arg('producers', 3)
  const seed = arg('seed', 1)
  const srv = await startJobwired()
  // Interrupted: stop jobwired too, rather than leave it running.
  // (The clients' and producers' requests then fail; that is expected, not news.)
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.on('unhandledRejection', () => {})
      console.log(`churn: interrupted by ${signal}`)
      srv.stop().then(() => process.exit(130))
    })
  }
  const started = new Date().toISOString()
  console.log(`churn: ${clients} clients, ${producers} producers, ${minutes} min, seed ${seed}, jobwired pid ${srv.proc.pid}`)
  try {
    const r = await runChurn(srv, { clients, producers, seconds: minutes * 60, seed, log: (line) => console.log(line) })
    const mib = (kib) => (kib / 1024).toFixed(1)
    console.log(JSON.stringify({ started, ...r, rss: { ...r.rss, samples: r.rss.samples.filter((_, i) => i % 30 === 0) } }))
    console.log([
      `sessions ${r.sessions} (${Object.entries(r.byTransport).map(([k, v]) => `${k} ${v}`).join(', ')}), vanished ${JSON.stringify(r.vanished)}`,
      `writes ${r.writes}, events ${r.events}, jobs ${r.jobs}, envelopes received ${r.received}`,
      `lost ${r.lost}, duplicated ${r.duplicated}, out of order ${r.outOfOrder}, coalesced progress ${r.coalesced}, fold mismatches ${r.foldMismatches}, caught up ${r.caughtUp}/${r.clients}`,
      `gauges after ${JSON.stringify(r.gauges)}; RSS start ${mib(r.rss.startKiB)} MiB, a quarter in ${mib(r.rss.warmKiB)}, peak ${mib(r.rss.peakKiB)}, end ${mib(r.rss.endKiB)}`,
      `the store (database and WAL) at the end: ${mib(r.rss.storeEndKiB)} MiB (SQLite's page cache holds up to 64 MiB of it)`
    ].join('\n'))
    const ok = r.lost === 0 && r.duplicated === 0 && r.outOfOrder === 0 && r.foldMismatches === 0 && r.caughtUp === r.clients &&
      r.gauges.sse === 0 && r.gauges.ws === 0 && r.gauges.longpoll === 0 && r.gauges.http === 1 &&
      r.rss.endKiB <= r.rss.warmKiB * 1.25 + 16 * 1024
    console.log(ok ? 'churn: ok' : 'churn: FAILED')
    process.exitCode = ok ? 0 : 1
  } finally {
    await srv.stop()
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
