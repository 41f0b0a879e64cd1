// What the browser tests share: a real jobwired serving a freshly built dashboard, a real
// headless Chromium (Debian's, through playwright-core), a write-API driver, and request
// counting. Everything started here is stopped by t.after, even when the test fails.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')
const { startJobwired } = require('../helpers/jobwired.js')
const { build } = require('../../client/dashboard/build.js')

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

let dashboardDir = null
// Builds the dashboard once per test process, into a temp dir removed at exit.
export function dashboard () {
  if (dashboardDir) return dashboardDir
  dashboardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-dashboard-'))
  process.on('exit', () => fs.rmSync(dashboardDir, { recursive: true, force: true }))
  build({ outDir: dashboardDir })
  return dashboardDir
}

export async function startServer (t, { args = [], dbPath } = {}) {
  const server = await startJobwired({ args: ['--static', dashboard(), ...args], dbPath })
  t.after(() => server.stop())
  return server
}

// A fresh profile per browser (--user-data-dir), removed after the test.
export async function launchBrowser (t) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 }
  })
  t.after(async () => {
    await context.close().catch(() => {})
    fs.rmSync(profile, { recursive: true, force: true })
  })
  return context
}

// Opens the dashboard of `server` and records every request the page makes:
// requests() lists {url, method, status, failed, at}.
// `query` adds page parameters (turn=ID); `setup(page)` runs before the page loads (a fake
// clock, routes).
export async function openDashboard (context, server, { transport = 'auto', mode, intervalS, token = server.token, query = {}, setup } = {}) {
  const page = await context.newPage()
  if (setup) await setup(page)
  const log = []
  page.on('request', (request) => log.push({ request, url: request.url(), method: request.method(), at: Date.now(), status: null, failed: false }))
  page.on('response', (response) => {
    const entry = log.findLast((e) => e.request === response.request())
    if (entry) entry.status = response.status()
  })
  page.on('requestfailed', (request) => {
    const entry = log.findLast((e) => e.request === request)
    if (entry) entry.failed = true
  })
  const params = new URLSearchParams({ transport, token, ...query })
  await page.addInitScript(({ mode, intervalS }) => {
    if (mode) localStorage.setItem('jobwire.mode', mode)
    if (intervalS) localStorage.setItem('jobwire.intervalMs', String(intervalS * 1000))
  }, { mode, intervalS })
  await page.goto(`${server.url}/?${params}`)
  await page.getByTestId('badge').waitFor()
  const requests = (filter = () => true) => log.filter((e) => filter(new URL(e.url)))
  return { page, requests, log }
}

// The write API, as a producer would use it.
export function writer (server) {
  const call = async (method, route, body) => {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text}`)
    return text ? JSON.parse(text) : null
  }
  return {
    createJob: (job) => call('POST', '/api/jobs', job),
    status: (id, status, extra = {}) => call('POST', `/api/jobs/${id}/status`, { status, ...extra }),
    progress: (id, progress) => call('POST', `/api/jobs/${id}/progress`, { progress }),
    log: (id, lines) => call('POST', `/api/jobs/${id}/logs`, { lines }),
    file: (id, filePath, change = 'created') => call('POST', `/api/jobs/${id}/files`, { path: filePath, change }),
    emit: (type, job, data) => call('POST', '/api/events', { type, job, data }),
    events: async (after = 0) => {
      const all = []
      let cursor = after
      for (;;) {
        const page = await (await fetch(`${server.url}/api/events?after=${cursor}&limit=1000`)).json()
        all.push(...page.events)
        if (page.events.length === 0 || page.next === cursor) return all
        cursor = page.next
      }
    }
  }
}

// A folder for what a test leaves to look at (screenshots): build/test-output/browser/,
// or JOBWIRE_TEST_OUTPUT when set. Kept after the run.
export function outputDir () {
  const dir = process.env.JOBWIRE_TEST_OUTPUT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'build', 'test-output', 'browser')
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Waits until fn() is truthy (polling every 50 ms) or fails after timeoutMs with `what`.
export async function until (what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}


// Records, in the page, when the selected job's status, progress and log length change
// on screen: a MutationObserver notes Date.now() at each DOM commit that changed them.
export async function recordDetail (page) {
  await page.evaluate(() => {
    const seen = []
    const read = () => {
      const detail = document.querySelector('[data-testid="detail"]')
      const bar = document.querySelector('[data-testid="detail-progress"]')
      const log = document.querySelector('[data-testid="log"]')
      return {
        job: detail ? detail.dataset.job : null,
        status: detail ? detail.dataset.status : null,
        progress: bar ? Number(bar.dataset.progress) : null,
        lines: log ? Number(log.dataset.lines) : 0
      }
    }
    let last = JSON.stringify(read())
    seen.push({ at: Date.now(), ...read() })
    new MutationObserver(() => {
      const now = read()
      const text = JSON.stringify(now)
      if (text !== last) { last = text; seen.push({ at: Date.now(), ...now }) }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
    window.__detailSeen = seen
  })
  // The time the screen first showed a state matching `match`, waiting up to timeoutMs.
  return async (match, timeoutMs = 5_000) => {
    const found = await until(`the screen to show ${JSON.stringify(match)}`, () => page.evaluate((m) =>
      window.__detailSeen.find((s) => Object.entries(m).every(([k, v]) => s[k] === v)) || null, match), timeoutMs)
    return found.at
  }
}

// Headless Chromium never hides a page (no tab strip, no minimised window), so a test
// makes the page hidden the way a background tab is: visibilityState turns "hidden" and
// visibilitychange fires. The client code under test is untouched.
export async function setPageHidden (page, hidden) {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

export const badge = async (page) => page.getByTestId('badge').textContent()
export const isList = (url) => url.pathname === '/api/jobs'
