// The mode toggle switches transports and is remembered across reloads; a hidden page
// stops requesting and catches up at once when shown; polling answers 304 when nothing
// changed; components sharing one key make one request.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openDashboard, writer, until, sleep, setPageHidden, badge, isList } from './harness.js'

const isStream = (url) => url.pathname === '/api/events/stream'

test('the mode toggle moves between push and polling, and the choice survives a reload', async (t) => {
  const server = await startServer(t)
  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server, { intervalS: 2 })
  await until('Live over SSE', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'sse')

  const api = writer(server)
  await api.createJob({ type: 'toggle', id: 'first' })
  await api.status('first', 'running') // a running job keeps lists on the fast interval
  await page.locator('[data-job="first"][data-status="running"]').waitFor({ timeout: 15_000 })

  await page.getByTestId('mode-polling').click()
  await until('the poll transport', async () => (await page.getByTestId('transport').textContent()) === 'poll')
  const streamsBefore = requests((u) => isStream(u)).length
  const listsBefore = requests(isList).length
  await api.createJob({ type: 'toggle', id: 'second' })
  await page.locator('[data-job="second"]').waitFor({ timeout: 15_000 })
  assert.ok(requests(isList).length > listsBefore, 'polling read the list')
  assert.equal(requests((u) => isStream(u)).length, streamsBefore, 'no new event stream while polling')

  await page.getByTestId('mode-realtime').click()
  await until('SSE again', async () => (await page.getByTestId('transport').textContent()) === 'sse' && (await badge(page)) === 'Live')
  // The page may report Live before the browser's request event for the stream reaches us.
  await until('one new event stream', async () => requests((u) => isStream(u)).length === streamsBefore + 1)
  assert.equal(requests((u) => isStream(u)).length, streamsBefore + 1)

  await page.getByTestId('mode-polling').click()
  await page.reload()
  await until('the remembered polling mode', async () => (await page.getByTestId('mode-polling').getAttribute('aria-checked')) === 'true')
  await until('the poll transport after reload', async () => (await page.getByTestId('transport').textContent()) === 'poll')
})

test('?transport=ws runs over a WebSocket and shows each change', async (t) => {
  const server = await startServer(t)
  const context = await launchBrowser(t)
  const page = await context.newPage()
  const sockets = []
  page.on('websocket', (ws) => sockets.push(ws.url()))
  await page.goto(`${server.url}/?transport=ws&token=${server.token}`)
  await until('Live over ws', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'ws')
  await writer(server).createJob({ type: 'over-ws', id: 'ws-job' })
  await page.locator('[data-job="ws-job"]').waitFor({ timeout: 15_000 })
  assert.equal(sockets.length, 1)
  assert.match(sockets[0], /\/ws\?after=\d+/)
})

test('a hidden page makes no request and reads again at once when shown', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ type: 'busy', id: 'busy' })
  await api.status('busy', 'running') // a running job keeps lists on the (6 s) interval
  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server, { mode: 'polling', intervalS: 6 })
  // Two reads at a 6 s interval; the wait is wide for a loaded machine (CI shares two cores).
  await until('a polling read', () => requests(isList).length >= 2, 40_000)

  await setPageHidden(page, true)
  await settle(requests)
  const hiddenAt = requests().length
  await sleep(7_000)
  const whileHidden = requests().slice(hiddenAt).map((r) => r.url)
  assert.deepEqual(whileHidden, [], 'no request while hidden')

  // Shown again: a read comes at once, not after the 6 s interval.
  const shownAt = Date.now()
  await setPageHidden(page, false)
  await until('a read right after the page is shown', () => requests((u) => isList(u)).some((r) => r.at >= shownAt), 3_000)
})

// Waits until every request made so far has been answered, then half a second more.
async function settle (requests) {
  await until('the requests under way to end', () => requests().every((r) => r.status !== null || r.failed))
  await sleep(500)
}

test('polling an unchanged list is answered 304', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ type: 'steady', id: 'steady' })
  await api.status('steady', 'running')
  const context = await launchBrowser(t)
  const { requests } = await openDashboard(context, server, { mode: 'polling', intervalS: 2 })
  const listPolls = () => requests((u) => isList(u) && u.searchParams.get('limit') === '50')
  await until('two list polls answered 304', () => listPolls().filter((r) => r.status === 304).length >= 2, 30_000)
    .catch((err) => {
      const seen = listPolls().map((r) => `${r.at - listPolls()[0].at} ms: ${r.status ?? (r.failed ? 'failed' : 'open')} ${new URL(r.url).search}`)
      throw new Error(`${err.message}; the list reads were:\n${seen.join('\n')}`)
    })
  const polls = listPolls()
  assert.equal(polls[0].status, 200, 'the first read carries the page')
  assert.ok(polls.slice(1).every((r) => r.status === 304 || r.status === null), 'later reads of the unchanged page are 304')
})

test('three components showing the same page of jobs make one request for it', async (t) => {
  const server = await startServer(t)
  await writer(server).createJob({ type: 'shared', id: 'shared' })
  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server)
  await until('the table, the count and the pager', async () =>
    (await page.getByTestId('job-count').textContent()) === '1 jobs' && (await page.locator('[data-job="shared"]').count()) === 1)
  await sleep(500)
  const pageReads = requests((u) => isList(u) && u.searchParams.get('limit') === '50' && u.searchParams.get('offset') === '0' && !u.searchParams.has('parent'))
  assert.equal(pageReads.length, 1)
})

test('a hidden page on long-poll stops asking and, shown again, catches up from its cursor', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server, { transport: 'longpoll' })
  await until('Live over long-poll', async () => (await badge(page)) === 'Live' && (await page.getByTestId('transport').textContent()) === 'longpoll')

  const cursor = await page.evaluate(() => window.jobwireDashboard.client.cursor)
  await setPageHidden(page, true)
  await sleep(300)
  const hiddenAt = requests().length
  await api.createJob({ type: 'while-hidden', id: 'while-hidden' })
  await sleep(5_000)
  assert.deepEqual(requests().slice(hiddenAt).map((r) => r.url), [], 'no request while hidden')
  assert.equal(await page.locator('[data-job="while-hidden"]').count(), 0)

  const shownAt = Date.now()
  await setPageHidden(page, false)
  await page.locator('[data-job="while-hidden"]').waitFor({ timeout: 5_000 })
  const resumed = requests((u) => u.pathname === '/api/events').find((r) => r.at >= shownAt)
  assert.equal(Number(new URL(resumed.url).searchParams.get('after')), cursor, 'the first read resumes from the cursor')
})

test('the polling interval setting refuses less than 2 s and keeps a valid one across reloads', async (t) => {
  const server = await startServer(t)
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server)
  await page.getByTestId('interval').fill('1')
  await page.getByTestId('interval').press('Enter')
  assert.match(await page.getByTestId('interval-problem').textContent(), /at least 2 s/)
  await page.getByTestId('interval').fill('7')
  await page.getByTestId('interval').press('Enter')
  await until('the problem cleared', async () => (await page.getByTestId('interval-problem').count()) === 0)
  assert.equal(await page.evaluate(() => window.jobwireDashboard.client.polling.intervalMs), 7_000)
  await page.reload()
  await until('the interval kept', async () => (await page.getByTestId('interval').inputValue()) === '7')
})
