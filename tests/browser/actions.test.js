// Cancel from the page: shown at once, kept while the server catches up, and undone with
// the server's reason when it refuses.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openDashboard, writer, until, badge } from './harness.js'

test('cancelling a running job shows it cancelled at once and the server agrees', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ id: 'long', type: 'render' })
  await api.status('long', 'running')
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server)
  await until('Live', async () => (await badge(page)) === 'Live')
  await page.locator('[data-job="long"]').click()
  await page.getByTestId('cancel-job').click()
  await page.locator('[data-testid="detail"][data-status="cancelled"]').waitFor({ timeout: 2_000 })
  await until('the server to have it cancelled', async () => (await (await fetch(`${server.url}/api/jobs/long`)).json()).status === 'cancelled')
  assert.equal(await page.locator('[data-testid="job-row"][data-job="long"]').getAttribute('data-status'), 'cancelled')
})

test('a cancel the server refuses is undone and the reason is shown', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ id: 'racing', type: 'render' })
  await api.status('racing', 'running')
  const context = await launchBrowser(t)
  // A token the server does not accept: the write is refused with 401.
  const { page } = await openDashboard(context, server, { token: 'not-the-token' })
  await until('Live', async () => (await badge(page)) === 'Live')
  await page.locator('[data-job="racing"]').click()
  await page.getByTestId('cancel-job').click()
  await page.getByTestId('cancel-problem').waitFor({ timeout: 5_000 })
  await until('the job shown running again', async () => (await page.getByTestId('detail').getAttribute('data-status')) === 'running')
  assert.equal((await (await fetch(`${server.url}/api/jobs/racing`)).json()).status, 'running')
})
