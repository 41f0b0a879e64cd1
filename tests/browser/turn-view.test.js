// The turn view (?turn=ID) over a polling transport that push fell back to, under the
// `turn` preset, in fake time: a real jobwired, a real Chromium whose clock the test steps.
// It shows the subjob tree and the timeline, counts what the turn reads in 2 minutes
// against the preset (1 s for 30 s, then 5 s, then paused), shows "paused", and resumes
// on a click; once the turn ends nothing of it is polled. A screenshot of the paused view goes to the test output folder.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { startServer, launchBrowser, openDashboard, writer, until, outputDir } from './harness.js'

const STEP_MS = 100

// Runs in the page before its scripts: counts each fetch until the page has taken its
// answer (the body read, or a 304 handed back), then one task more (MessageChannel: the
// fake clock does not touch it) for the promise chain that arms the next timer.
function countPageReads () {
  const realFetch = window.fetch.bind(window)
  window.__pendingReads = 0
  const done = () => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => { window.__pendingReads -= 1 }
    channel.port2.postMessage(null)
  }
  window.fetch = (...args) => {
    window.__pendingReads += 1
    return realFetch(...args).then((response) => {
      if (response.status === 304) { done(); return response }
      const json = response.json.bind(response)
      response.json = () => json().finally(done)
      return response
    }, (error) => { done(); throw error })
  }
}

// Which of the turn's keys a request reads, or null for anything else (push attempts,
// the log head, the polling config).
function turnKey (url, turn) {
  if (url.pathname === `/api/jobs/${turn}`) return 'detail'
  if (url.pathname === '/api/jobs' && url.searchParams.has('parent')) return `children of ${url.searchParams.get('parent')}`
  if (url.pathname === '/api/events' && url.searchParams.get('job') === turn) return 'timeline'
  if (url.pathname === '/api/files') return 'documents'
  return null
}

test('a turn over fallen-back polling reads at 1 s, then 5 s, pauses after 2 min, and resumes on a click', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ id: 'turn1', type: 'turn', project: 'docs' })
  await api.status('turn1', 'running')
  await api.createJob({ id: 'plan', type: 'tool', project: 'docs', parent: 'turn1' })
  await api.createJob({ id: 'edit', type: 'tool', project: 'docs', parent: 'turn1' })
  await api.createJob({ id: 'grep', type: 'search', project: 'docs', parent: 'edit' })
  await api.status('plan', 'running')
  await api.status('plan', 'completed')
  await api.status('edit', 'running')
  await api.file('edit', 'notes/plan.md', 'created')
  await api.file('edit', 'notes/plan.md', 'modified')
  await api.emit('x.intervention_request', 'edit', { reason: 'may I delete old drafts?' })

  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server, {
    transport: 'sse',
    query: { turn: 'turn1' },
    setup: async (p) => {
      // Push is broken on the way (a proxy that drops event streams): the client retries it
      // twice and falls back to polling.
      await p.route('**/api/events/stream**', (route) => route.abort())
      await p.clock.install({ time: new Date('2026-11-29T10:00:00Z') })
      await p.addInitScript(countPageReads)
    }
  })
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 500))
  let fakeNow = await page.evaluate(() => Date.now())
  const seen = new Map() // request → the fake time of the step it was made in
  const step = async () => {
    await page.clock.runFor(STEP_MS)
    fakeNow += STEP_MS
    // Let every read the step started finish, and the page take its answer, before time
    // moves on: the next timer is then armed when the answer came, as with a real clock.
    await until('the page\'s reads to be taken', () => page.evaluate(() => window.__pendingReads === 0), 5_000)
    for (const entry of requests()) if (!seen.has(entry)) seen.set(entry, fakeNow)
  }

  let fellBackAt = null
  for (let i = 0; i < 100 && fellBackAt === null; i++) {
    await step()
    if (await page.evaluate(() => window.jobwireDashboard.client.connection.get().fallback)) fellBackAt = fakeNow
  }
  assert.ok(fellBackAt !== null, 'push fell back to polling')
  await until('the tree and timeline on screen', () => page.locator('[data-testid="turn-tree"] [data-job="grep"]').count(), 5_000)
  for (let passed = 0; passed < 180_000; passed += STEP_MS) await step()

  const reads = new Map()
  for (const [entry, at] of seen) {
    const key = turnKey(new URL(entry.url), 'turn1')
    if (key === null || at <= fellBackAt) continue
    if (!reads.has(key)) reads.set(key, [])
    reads.get(key).push(at - fellBackAt)
  }
  const keys = ['detail', 'timeline', 'documents', 'children of turn1', 'children of plan', 'children of edit', 'children of grep']
  assert.deepEqual([...reads.keys()].sort(), [...keys].sort())
  for (const key of keys) {
    const times = reads.get(key)
    const first30 = times.filter((at) => at <= 30_000 + STEP_MS).length
    const to120 = times.filter((at) => at > 30_000 + STEP_MS && at <= 120_000 + STEP_MS).length
    const after = times.filter((at) => at > 120_000 + STEP_MS).length
    if (process.env.TURN_DEBUG) t.diagnostic(`${key} at ${times.join(" ")}`)
    t.diagnostic(`${key}: ${times.length} reads in 3 min of fake time (${first30} in the first 30 s, ${to120} to 2 min, ${after} after)`)
    assert.equal(first30, 30, `${key}: one read a second for 30 s`)
    assert.equal(to120, 18, `${key}: one read every 5 s to 2 min`)
    assert.equal(after, 0, `${key}: nothing once paused`)
  }
  const total = [...reads.values()].reduce((sum, times) => sum + times.length, 0)
  t.diagnostic(`the turn made ${total} requests in its first 2 minutes of polling (${keys.length} keys × 48)`)
  assert.equal(total, keys.length * 48)

  // On screen: paused, the tree with live status, the timeline.
  await until('paused on screen', () => page.getByTestId('turn-paused').isVisible(), 5_000)
  assert.equal(await page.locator('[data-testid="turn-tree"] [data-job="plan"]').getAttribute('data-status'), 'completed')
  assert.equal(await page.locator('[data-testid="turn-tree"] [data-job="edit"]').getAttribute('data-status'), 'running')
  const types = await page.locator('[data-testid="timeline"] li').evaluateAll((items) => items.map((li) => li.dataset.type))
  assert.deepEqual(types, ['job.created', 'job.status', 'job.created', 'job.created', 'job.created', 'job.status', 'job.status',
    'job.status', 'job.file', 'job.file', 'x.intervention_request'])
  assert.match(await page.getByTestId('turn-documents').textContent(), /notes\/plan\.md\s*modified/)
  const screenshot = path.join(outputDir(), 'turn-view-paused.png')
  await page.screenshot({ path: screenshot, fullPage: true })
  t.diagnostic(`screenshot: ${screenshot}`)

  // A click resumes: the turn's keys are read at once, and the end of the turn shows.
  await api.status('turn1', 'completed')
  const before = seen.size
  await page.getByTestId('turn').click()
  for (let i = 0; i < 30; i++) await step()
  const resumed = [...seen.keys()].slice(before).map((entry) => turnKey(new URL(entry.url), 'turn1')).filter(Boolean)
  assert.ok(resumed.includes('detail'), 'the click read the turn again')
  await until('completed on screen', async () => (await page.getByTestId('turn').getAttribute('data-status')) === 'completed', 5_000)
  assert.equal(await page.getByTestId('turn-paused').count(), 0)

  // The turn ended: none of its keys is read again.
  const ended = seen.size
  for (let passed = 0; passed < 60_000; passed += STEP_MS) await step()
  const later = [...seen.keys()].slice(ended).map((entry) => turnKey(new URL(entry.url), 'turn1')).filter(Boolean)
  assert.deepEqual(later, [], 'nothing of the ended turn is polled')
})

test('over SSE the turn view is patched in place by events: a new document, subjob and x.* event show with no read', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ id: 'turn2', type: 'turn', project: 'docs' })
  await api.status('turn2', 'running')
  const context = await launchBrowser(t)
  const { page, requests } = await openDashboard(context, server, { transport: 'sse', query: { turn: 'turn2' } })
  await until('Live over SSE', async () => (await page.getByTestId('transport').textContent()) === 'sse')
  await until('the timeline', () => page.locator('[data-testid="timeline"] li').count())
  const readsBefore = requests((u) => turnKey(u, 'turn2') !== null).length

  await api.createJob({ id: 'write', type: 'tool', project: 'docs', parent: 'turn2' })
  await api.file('write', 'report.md', 'created')
  await api.emit('x.intervention_request', 'turn2', { reason: 'publish?' })
  await until('the document on screen', async () => /report\.md\s*created/.test(await page.getByTestId('turn-documents').textContent().catch(() => '')))
  await until('the subjob on screen', () => page.locator('[data-testid="turn-tree"] [data-job="write"]').count())
  await until('the x.* event on screen', () => page.locator('[data-testid="timeline"] li[data-type="x.intervention_request"]').count())

  // The new subjob's own (empty) children list is one new key, read once; nothing else is read.
  const reads = requests((u) => turnKey(u, 'turn2') !== null).slice(readsBefore).map((r) => new URL(r.url))
  assert.deepEqual(reads.map((u) => turnKey(u, 'turn2')), ['children of write'])
})
