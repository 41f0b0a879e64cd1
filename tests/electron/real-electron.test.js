'use strict'
// The desktop app in real Electron: submit a job from the dashboard, watch it complete,
// reload the window mid-job and see nothing missed. Electron is an optional peer dependency;
// where its binary (or a display for it) is missing this test reports itself skipped, and
// harness-dashboard.test.js covers the same path with a stand-in for Electron's IPC.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { root } = require('./harness/open-core')

const STEPS = 10 // the demo producer's default: 10 steps of 400 ms

function electronBinary () {
  try {
    const binary = require('electron') // in Node, the path of the Electron binary
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

function whyNotRunnable () {
  if (!electronBinary()) return 'the Electron binary is not installed (optional peer: npm install --no-save electron)'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'Electron needs a display (run under xvfb-run)'
  const dashboard = process.env.JOBWIRE_DASHBOARD_DIR || path.join(root, 'build', 'dashboard')
  if (!fs.existsSync(path.join(dashboard, 'index.html'))) return `no dashboard bundle in ${dashboard} (npm run setup)`
  return null
}

test('real Electron: a job submitted from the dashboard completes, and a reload mid-job misses nothing', { timeout: 120_000 }, async (t) => {
  const reason = whyNotRunnable()
  if (reason) {
    t.skip(reason)
    return
  }
  const { _electron: electron } = require('playwright-core')
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-electron-app-'))
  t.after(() => fs.rmSync(userData, { recursive: true, force: true }))
  const app = await electron.launch({
    executablePath: electronBinary(),
    args: [path.join(root, 'electron', 'app', 'main.js'), '--demo'],
    env: { ...process.env, JOBWIRE_USER_DATA: userData },
  })
  t.after(() => app.close())
  const page = await app.firstWindow()

  // The window is isolated: the page sees window.jobwire and no Node.
  assert.deepEqual(await page.evaluate(() => Object.keys(window.jobwire).sort()), ['query', 'resume', 'subscribe', 'version'])
  assert.equal(await page.evaluate(() => typeof require + typeof process), 'undefinedundefined')
  await page.locator('[data-testid=transport]', { hasText: 'ipc' }).waitFor({ timeout: 20_000 })

  await page.click('[data-testid=submit-job]')
  const row = page.locator('[data-testid=job-row]').first()
  await row.waitFor({ timeout: 10_000 })
  const id = await row.getAttribute('data-job')
  await row.click()
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=detail-progress]')?.dataset.progress) >= 20, null, { timeout: 20_000 })
  assert.equal(await page.locator('[data-testid=detail]').getAttribute('data-status'), 'running', 'the reload happens mid-job')

  await page.reload()
  await page.locator(`[data-testid=job-row][data-job="${id}"]`).click()
  await page.locator(`[data-testid=detail][data-job="${id}"][data-status=completed]`).waitFor({ timeout: 30_000 })
  await page.locator(`[data-testid=log][data-lines="${STEPS}"]`).waitFor({ timeout: 10_000 })
  const steps = (await page.locator('[data-testid=log]').textContent()).split('\n').filter((line) => line.startsWith('step '))
  assert.deepEqual(steps, Array.from({ length: STEPS }, (_, i) => `step ${i + 1} of ${STEPS}`))
  assert.equal(await page.locator('[data-testid=detail-progress]').getAttribute('data-progress'), '100')
})
