// Coming back from trouble: in Real-time mode a lost push connection falls back to polling
// and, once push works again, offers the way back; a replaced database (a new epoch)
// makes the page drop what it showed and read everything again.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { startServer, launchBrowser, openDashboard, writer, until, badge, dashboard } from './harness.js'

const require = createRequire(import.meta.url)
const { startJobwired } = require('../helpers/jobwired.js')

test('in Real-time mode a lost stream falls back to polling and offers real-time again once it works', async (t) => {
  let server = await startServer(t)
  await writer(server).createJob({ type: 'kept', id: 'kept' })
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server, { mode: 'realtime', intervalS: 2 })
  await until('Live over SSE', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'sse')

  await server.kill()
  await until('the fallback to polling', async () => (await page.getByTestId('transport').textContent()) === 'poll (fallback)')
  server = await server.restart()
  t.after(() => server.stop())
  await writer(server).createJob({ type: 'kept', id: 'made-while-away' })

  // The user does not wait for the next probe: Refresh tries push at once.
  await page.getByTestId('refresh').click()
  const offer = page.getByTestId('switch-back')
  await offer.waitFor({ timeout: 15_000 })
  assert.equal(await page.getByTestId('transport').textContent(), 'poll (fallback)', 'the offer is not taken for the user')
  await page.locator('[data-job="made-while-away"]').waitFor({ timeout: 15_000 }) // polling kept the screen current

  await offer.click()
  await until('Live over SSE again', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'sse')
  await writer(server).status('kept', 'running')
  await until('a change pushed after switching back', async () => (await page.locator('[data-job="kept"]').getAttribute('data-status')) === 'running')
})

test('a server on a new database (another epoch) makes the page drop its jobs and read again', async (t) => {
  const first = await startServer(t)
  await writer(first).createJob({ type: 'old', id: 'from-the-old-store' })
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, first)
  await page.locator('[data-job="from-the-old-store"]').waitFor({ timeout: 15_000 })
  const oldEpoch = await page.evaluate(() => window.jobwireDashboard.client.epoch)

  await first.stop()
  const second = await startJobwired({ args: ['--static', dashboard()], port: first.port, token: first.token })
  t.after(() => second.stop())
  await writer(second).createJob({ type: 'new', id: 'from-the-new-store' })

  await page.locator('[data-job="from-the-new-store"]').waitFor({ timeout: 20_000 })
  await until('the old job gone', async () => (await page.locator('[data-job="from-the-old-store"]').count()) === 0)
  assert.notEqual(await page.evaluate(() => window.jobwireDashboard.client.epoch), oldEpoch)
  assert.equal(await page.getByTestId('job-count').textContent(), '1 jobs')
  await until('Live', async () => (await badge(page)) === 'Live')
})

test('offline turns the badge Offline; back online the page reconnects and shows what it missed', async (t) => {
  const server = await startServer(t)
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server)
  await until('Live over SSE', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'sse')
  await context.setOffline(true)
  await until('Offline', async () => (await badge(page)) === 'Offline')
  await writer(server).createJob({ type: 'missed', id: 'made-while-offline' })
  await context.setOffline(false)
  await until('Live again', async () => (await badge(page)) === 'Live')
  await page.locator('[data-job="made-while-offline"]').waitFor({ timeout: 10_000 })
})
