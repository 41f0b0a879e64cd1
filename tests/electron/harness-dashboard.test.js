'use strict'
// The desktop app end to end where the Electron binary is missing. Everything is real except
// Electron itself: the app's main-process composition (core on SQLite, bridge, demo producer)
// runs in Node; the real preload and the real dashboard run in headless Chromium; they are
// joined by A STAND-IN FOR ELECTRON'S IPC (harness/ipc-standin.js, harness/chromium-window.js):
// V8 structured-clone bytes, only the three jobwire channels, invoke/handle, the sender
// frame's URL checked by the bridge.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startDesktopHarness } = require('./harness/desktop-harness')
const { serveFolder } = require('./harness/static-server')
const { chromiumAvailable, CHROMIUM } = require('./harness/chromium')

const STEPS = 12
const skip = chromiumAvailable() ? false : `no Chromium at ${CHROMIUM}`

async function submitFromDashboard (page) {
  await page.click('[data-testid=submit-job]')
  const row = page.locator('[data-testid=job-row]').first()
  await row.waitFor({ timeout: 10_000 })
  return row.getAttribute('data-job')
}

function stepLines (text) {
  return text.split('\n').filter((line) => line.startsWith('step '))
}

function expectedSteps () {
  return Array.from({ length: STEPS }, (_, i) => `step ${i + 1} of ${STEPS}`)
}

test('stand-in for Electron\'s IPC: a job submitted from the dashboard runs to completion on screen', { skip, timeout: 90_000 }, async (t) => {
  const { site, openWindow } = await startDesktopHarness(t, { demoOptions: { steps: STEPS, stepMs: 50 } })
  const { page } = await openWindow()
  await page.locator('[data-testid=transport]', { hasText: 'ipc' }).waitFor({ timeout: 10_000 })

  const id = await submitFromDashboard(page)
  await page.locator(`[data-testid=job-row][data-job="${id}"]`).click()
  await page.locator(`[data-testid=detail][data-job="${id}"][data-status=completed]`).waitFor({ timeout: 20_000 })
  assert.equal(await page.locator('[data-testid=detail-progress]').getAttribute('data-progress'), '100')
  await page.locator(`[data-testid=log][data-lines="${STEPS}"]`).waitFor({ timeout: 10_000 })
  assert.deepEqual(stepLines(await page.locator('[data-testid=log]').textContent()), expectedSteps())
  assert.match(await page.locator('[data-testid=files]').textContent(), /report\.txt/)
  assert.equal(await page.locator(`[data-testid=job-row][data-job="${id}"]`).getAttribute('data-status'), 'completed')

  const apiRequests = site.requests.filter((p) => p.startsWith('/api') || p === '/ws')
  assert.deepEqual(apiRequests, [], 'the desktop dashboard made no HTTP request to any API')
})

test('stand-in for Electron\'s IPC: a window reloaded mid-job resumes and misses nothing', { skip, timeout: 90_000 }, async (t) => {
  const { desktop, openWindow } = await startDesktopHarness(t, { demoOptions: { steps: STEPS, stepMs: 250 } })
  const win = await openWindow()
  const { page } = win
  await page.locator('[data-testid=transport]', { hasText: 'ipc' }).waitFor({ timeout: 10_000 })
  const id = await submitFromDashboard(page)
  await page.locator(`[data-testid=job-row][data-job="${id}"]`).click()
  await page.waitForFunction(() => {
    const bar = document.querySelector('[data-testid=detail-progress]')
    return bar && Number(bar.dataset.progress) >= 25
  }, null, { timeout: 20_000 })

  await win.reload()
  const job = await desktop.core.getJob(id)
  assert.equal(job.status, 'running', 'the reload happened while the job was running')
  await page.locator(`[data-testid=job-row][data-job="${id}"]`).click()
  await page.locator(`[data-testid=detail][data-job="${id}"][data-status=completed]`).waitFor({ timeout: 20_000 })
  await page.locator(`[data-testid=log][data-lines="${STEPS}"]`).waitFor({ timeout: 10_000 })
  assert.deepEqual(stepLines(await page.locator('[data-testid=log]').textContent()), expectedSteps(), 'every step once, in order')
  assert.equal(await page.locator('[data-testid=detail-progress]').getAttribute('data-progress'), '100')
  // The page has applied the log up to its head: the stream after the reload had no hole.
  const { head } = desktop.core.logInfo()
  await page.waitForFunction((h) => window.jobwireDashboard.client.cursor === h, head, { timeout: 10_000 })
})

test('stand-in for Electron\'s IPC: a frame at a URL the app does not allow gets nothing', { skip, timeout: 90_000 }, async (t) => {
  const { desktop, dashboard, openWindow } = await startDesktopHarness(t, { demoOptions: { steps: 2, stepMs: 10 } })
  const foreign = await serveFolder(dashboard) // the same files, at an origin the app never allowed
  t.after(() => foreign.close())

  const allowed = await openWindow()
  const stranger = await openWindow(`${foreign.url}index.html`)
  const job = await desktop.core.createJob({ type: 'visible-to-the-app-only' })
  await allowed.page.locator(`[data-testid=job-row][data-job="${job.id}"]`).waitFor({ timeout: 10_000 })

  const refused = await stranger.page.evaluate(() => window.jobwire.query('/api/jobs').then(() => 'answered', (err) => err.message))
  assert.match(refused, /may not use jobwire/)
  const resumed = await stranger.page.evaluate(() => window.jobwire.resume(0).then(() => 'answered', (err) => err.message))
  assert.match(resumed, /may not use jobwire/)
  assert.equal(await stranger.page.locator('[data-testid=job-row]').count(), 0)
  assert.equal(stranger.webContents.sentMessages, 0, 'no event was sent to the foreign frame')
})

test('stand-in for Electron\'s IPC: the dashboard page reaches window.jobwire only, payloads are structured-cloned, inline script is blocked', { skip, timeout: 90_000 }, async (t) => {
  const { openWindow } = await startDesktopHarness(t, { demoOptions: { steps: 2, stepMs: 10 } })
  const { page } = await openWindow()
  const surface = await page.evaluate(() => ({
    api: Object.keys(window.jobwire).sort(),
    frozen: Object.isFrozen(window.jobwire),
    node: typeof require + typeof process + typeof module,
    ipc: Object.keys(window).filter((key) => /ipc|electron/i.test(key)),
  }))
  assert.deepEqual(surface, { api: ['query', 'resume', 'subscribe', 'version'], frozen: true, node: 'undefinedundefinedundefined', ipc: [] })
  const refused = await page.evaluate(() => window.jobwire.query({ method: 'POST', path: '/api/jobs', body: { type: 'x', run: () => 1 } }).then(() => 'sent', (err) => err.name))
  assert.equal(refused, 'DataCloneError', 'a function cannot cross IPC')
  const inlineScriptRan = await page.evaluate(() => {
    const script = document.createElement('script')
    script.textContent = 'window.injected = true'
    document.head.appendChild(script)
    return window.injected === true
  })
  assert.equal(inlineScriptRan, false, 'the app\'s Content-Security-Policy blocks injected inline script')
})
