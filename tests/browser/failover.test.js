// jobwired killed: the badge turns Delayed, then Offline, and the page falls back to
// polling with backoff. jobwired back: the badge is Live again, over push, and not one
// event was missed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openDashboard, writer, until, sleep, badge, isList } from './harness.js'

test('a killed server turns the badge Delayed then Offline; back, it is Live with no event missed', async (t) => {
  let server = await startServer(t)
  const api = () => writer(server)
  await api().createJob({ type: 'long', id: 'long' })
  await api().status('long', 'running')
  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server, { intervalS: 2 })
  await until('Live', async () => (await badge(page)) === 'Live')
  await page.evaluate(() => {
    window.__applied = []
    window.jobwireDashboard.client.onEvents((batch) => { for (const e of batch) window.__applied.push(e.seq) })
  })
  const startCursor = await page.evaluate(() => window.jobwireDashboard.client.cursor)
  await api().log('long', ['before the crash'])
  await until('the log line', async () => (await page.evaluate(() => window.__applied.length)) === 1)

  const badges = new Set()
  const watchBadge = setInterval(() => badge(page).then((b) => badges.add(b), () => {}), 100)
  t.after(() => clearInterval(watchBadge))

  const killedAt = Date.now()
  await server.kill()
  await until('Delayed', async () => badges.has('Delayed'), 5_000)
  await until('Offline', async () => (await badge(page)) === 'Offline', 20_000)
  await sleep(Math.max(0, killedAt + 22_000 - Date.now()))

  // Reads of the list while down: the 2 s interval for three failures, then 10 s.
  const failed = requests((u) => isList(u) && u.searchParams.get('limit') === '50').filter((r) => r.at >= killedAt && r.status === null)
  const gaps = failed.slice(1).map((r, i) => r.at - failed[i].at)
  t.diagnostic(`list reads while down at +${failed.map((r) => r.at - killedAt).join(', +')} ms`)
  assert.ok(failed.length >= 3 && failed.length <= 5, `list reads while down: ${failed.length}`)
  assert.ok(gaps.slice(0, 2).every((g) => g >= 1_500 && g <= 3_500), `the first gaps are the interval: ${gaps}`)
  assert.ok(gaps.length < 3 || gaps[2] >= 9_000, `after three failures the wait is 10 s: ${gaps}`)

  server = await server.restart()
  t.after(() => server.stop())
  await api().log('long', ['while the page was away'])
  await api().progress('long', 60)
  await until('Live again, over SSE', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'sse', 45_000)
  await api().status('long', 'completed')
  await until('the completion', async () => (await page.locator('[data-job="long"]').getAttribute('data-status')) === 'completed', 5_000)

  const logged = (await api().events(startCursor)).map((e) => e.seq)
  const applied = await page.evaluate(() => window.__applied)
  assert.deepEqual([...new Set(applied)].sort((a, b) => a - b), logged, 'the page applied every event of the log')
})
