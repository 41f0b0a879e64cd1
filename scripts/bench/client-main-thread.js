#!/usr/bin/env node
'use strict'
// Main-thread busy time of the dashboard while it follows 1,000 events/s, with 10,000 jobs
// in the store. A real jobwired, a real headless Chromium; the busy time is Chromium's
// own TaskDuration metric (every task on the page's main thread), sampled before and
// after a window of load. Peer: the same page at rest over the same window.
//
//   node scripts/bench/client-main-thread.js [--seconds 10] [--rate 1000]
// Target: ≤ 20 % busy at 1,000 events/s.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const http = require('node:http')
const { chromium } = require('playwright-core')
const { startJobwired } = require('../../tests/helpers/jobwired.js')
const { build } = require('../../client/dashboard/build.js')

const args = process.argv.slice(2)
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : fallback }
const SECONDS = option('--seconds', 10)
const RATE = option('--rate', 1000)
const JOBS = option('--jobs', 10_000)
const RUNNING = 50
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })

function call (server, method, route, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const request = http.request(`${server.url}${route}`, {
      method,
      agent,
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) }
    }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (c) => { text += c }).on('end', () => {
        if (response.statusCode >= 400) reject(new Error(`${method} ${route}: ${response.statusCode} ${text}`))
        else resolve(text ? JSON.parse(text) : null)
      })
    })
    request.on('error', reject)
    request.end(payload)
  })
}

async function inParallel (count, width, fn) {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await fn(next++)
  }))
}

// Writes `rate` events per second for `seconds`, spread over the running jobs: log lines
// and progress updates in turn. Returns how many writes were acknowledged.
async function produce (server, ids, rate, seconds) {
  let done = 0
  const tickMs = 10
  const perTick = rate * tickMs / 1000
  const end = Date.now() + seconds * 1000
  let n = 0
  const inflight = new Set()
  while (Date.now() < end) {
    const started = Date.now()
    for (let i = 0; i < perTick; i++, n++) {
      const id = ids[n % ids.length]
      const write = n % 2 ? call(server, 'POST', `/api/jobs/${id}/progress`, { progress: (n / 7) % 100 }) : call(server, 'POST', `/api/jobs/${id}/logs`, { lines: [`line ${n}`] })
      const p = write.then(() => { done += 1 }, () => {}).finally(() => inflight.delete(p))
      inflight.add(p)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, tickMs - (Date.now() - started))))
  }
  await Promise.all(inflight)
  return done
}

async function busyOver (cdp, ms, during) {
  const metric = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value
  const before = await metric()
  const t0 = Date.now()
  const result = await during()
  const wall = (Date.now() - t0) / 1000
  const busy = (await metric()) - before
  return { busy, wall, fraction: busy / wall, result }
}

async function main () {
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-dashboard-'))
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-chromium-'))
  build({ outDir: staticDir })
  const server = await startJobwired({ args: ['--static', staticDir] })
  let context
  try {
    const created = Date.now()
    await inParallel(JOBS - RUNNING, 16, (i) => call(server, 'POST', '/api/jobs', { type: i % 3 ? 'build' : 'test' }))
    const ids = []
    await inParallel(RUNNING, 8, async () => {
      const job = await call(server, 'POST', '/api/jobs', { type: 'busy' })
      await call(server, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' })
      ids.push(job.id)
    })
    console.log(`${JOBS} jobs created in ${((Date.now() - created) / 1000).toFixed(1)} s; ${RUNNING} running`)

    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${server.url}/?token=${server.token}`)
    await page.locator(`[data-job="${ids[0]}"]`).click()
    await page.getByTestId('log').waitFor()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })

    const rest = await busyOver(cdp, SECONDS, () => new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)))
    const load = await busyOver(cdp, SECONDS, () => produce(server, ids, RATE, SECONDS))
    const applied = await page.evaluate(() => window.jobwireDashboard.client.cursor)
    const rate = load.result / load.wall
    console.log(`\nDashboard main thread, ${JOBS} jobs, transport ${await page.getByTestId('transport').textContent()}`)
    console.log(`  at rest:            ${(rest.fraction * 100).toFixed(1)} % busy (${rest.busy.toFixed(2)} s of ${rest.wall.toFixed(1)} s)`)
    console.log(`  at ${Math.round(rate)} events/s: ${(load.fraction * 100).toFixed(1)} % busy (${load.busy.toFixed(2)} s of ${load.wall.toFixed(1)} s)`)
    console.log(`  target ≤ 20 %: ${load.fraction <= 0.2 ? 'met' : 'NOT met'} (ratio to target ${(load.fraction / 0.2).toFixed(2)})`)
    console.log(`  page cursor after the run: ${applied}`)
  } finally {
    if (context) await context.close()
    await server.stop()
    agent.destroy()
    fs.rmSync(staticDir, { recursive: true, force: true })
    fs.rmSync(profile, { recursive: true, force: true })
  }
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}`)
}

main().catch((error) => { console.error(error); process.exit(1) })
