// jobwired on PostgreSQL, and PostgreSQL stops: the server is up but its store is not. The
// dashboard's badge says Delayed (the streams' heartbeats carry `delayed`), not Live and not
// Offline; when PostgreSQL is back it says Live again, on SSE and on WebSocket, and a job
// written then reaches the page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { startServer, launchBrowser, openDashboard, writer, until, badge } from './harness.js'

const require = createRequire(import.meta.url)
const { startPgServer, pgSkipReason } = require('../helpers/pg-server.js')

test('PostgreSQL down: the badge is Delayed on SSE and WebSocket; back up, Live, and new jobs arrive', { skip: pgSkipReason() }, async (t) => {
  const pg = await startPgServer()
  t.after(() => pg.stop())
  const server = await startServer(t, { dbPath: pg.url, args: ['--heartbeat-ms', '500'] })
  await writer(server).createJob({ type: 'build', id: 'before' })

  const context = await launchBrowser(t)
  const pages = {}
  for (const transport of ['sse', 'ws']) {
    const { page } = await openDashboard(context, server, { transport })
    await until(`Live on ${transport}`, async () => (await badge(page)) === 'Live')
    pages[transport] = page
  }

  await pg.down()
  for (const [transport, page] of Object.entries(pages)) {
    await until(`Delayed on ${transport}`, async () => (await badge(page)) === 'Delayed', 10_000)
  }
  // Reads and streams still work while the store is away: the page stays Delayed, never Offline.
  const health = await (await fetch(`${server.url}/healthz`)).json()
  assert.equal(health.store, 'unreachable')
  for (const [transport, page] of Object.entries(pages)) assert.equal(await badge(page), 'Delayed', transport)

  await pg.up()
  for (const [transport, page] of Object.entries(pages)) {
    await until(`Live again on ${transport}`, async () => (await badge(page)) === 'Live', 20_000)
  }
  await until('the store reachable again', async () => (await (await fetch(`${server.url}/healthz`)).json()).store === 'reachable', 20_000)
  await writer(server).createJob({ type: 'build', id: 'after' })
  for (const [transport, page] of Object.entries(pages)) {
    await until(`the new job on ${transport}`, async () => (await page.locator('[data-job="after"]').count()) === 1, 10_000)
  }
})
