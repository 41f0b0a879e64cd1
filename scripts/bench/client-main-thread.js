#!/usr/bin/env node
'use strict'
// Main-thread busy time of the dashboard while it follows ~1,000 events/s, with 10,000
// jobs in the store. A real jobwired, a real headless Chromium; the events come from
// jobwired's own demo producer (--demo --demo-speed, about 10 events/s per unit of speed:
// new job trees, progress, log lines, files), so no client-side producer competes for the
// two cores. Busy time is Chromium's own TaskDuration metric (every task on the page's
// main thread), sampled before and after the window. Peer: the same page at rest.
//
//   node scripts/bench/client-main-thread.js [--seconds 15] [--speed 120]
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
const SECONDS = option('--seconds', 15)
const SPEED = option('--speed', 120)
const JOBS = option('--jobs', 10_000)
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
  let server = await startJobwired({ args: ['--static', staticDir] })
  let context
  try {
    const created = Date.now()
    await inParallel(JOBS, 16, (i) => call(server, 'POST', '/api/jobs', { type: i % 3 ? 'build' : 'test' }))
    console.log(`${JOBS} jobs created in ${((Date.now() - created) / 1000).toFixed(1)} s`)
    server = await server.restart({ args: ['--static', staticDir, '--demo', '--demo-speed', String(SPEED)] })

    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${server.url}/?token=${server.token}`)
    const running = page.locator('[data-testid="job-row"][data-status="running"]').first()
    await running.waitFor()
    await running.click()
    await page.getByTestId('log').waitFor()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
    const cursor = () => page.evaluate(() => window.jobwireDashboard.client.cursor)

    const from = await cursor()
    const load = await busyOver(cdp, SECONDS, () => new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)))
    const rate = ((await cursor()) - from) / load.wall
    server = await server.restart({ args: ['--static', staticDir] }) // the same page, no producer
    await page.reload()
    await page.getByTestId('badge').waitFor()
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const rest = await busyOver(cdp, SECONDS, () => new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)))

    console.log(`\nDashboard main thread, ${JOBS}+ jobs, transport ${await page.getByTestId('transport').textContent()}, ${SECONDS} s windows`)
    console.log(`  at rest:               ${(rest.fraction * 100).toFixed(1)} % busy (${rest.busy.toFixed(2)} s of ${rest.wall.toFixed(1)} s)`)
    console.log(`  at ${Math.round(rate)} events/s:     ${(load.fraction * 100).toFixed(1)} % busy (${load.busy.toFixed(2)} s of ${load.wall.toFixed(1)} s)`)
    console.log(`  target ≤ 20 % at 1,000 events/s: ${load.fraction <= 0.2 && rate >= 1000 ? 'met' : 'NOT met'} (busy ÷ target ${(load.fraction / 0.2).toFixed(2)})`)
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
