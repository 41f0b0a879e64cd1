#!/usr/bin/env node
'use strict'
// Requests and bytes per client-hour for each way a screen can follow jobwire, idle and
// while one job runs (a progress update and a log line every second). Every client is a
// real page in headless Chromium showing the same screen (the job list and one job's
// detail with its log), talking to a real jobwired through its own byte-counting TCP
// relay, so the figures are what crossed the wire, headers and framing included.
//
//   peer:     seed poller — list every 3 s, detail every 5 s, log every 15 s, no ETag
//   jobwire:  polling (the policy, If-None-Match) · long-poll · SSE · WebSocket
//   IPC:      no network at all; its row is the envelope bytes the Electron bridge carries
//
//   node scripts/bench/client-traffic.js [--seconds 60]
// Needs build/jobwired (or JOBWIRED_BIN) and /usr/bin/chromium (or CHROMIUM_PATH).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { chromium } = require('playwright-core')
const { startJobwired } = require('../../tests/helpers/jobwired.js')
const { CHROMIUM, FLAGS, byteRelay } = require('./lib/browser-traffic')
const { build } = require('../../client/dashboard/build.js')

const args = process.argv.slice(2)
const SECONDS = Number(args[args.indexOf('--seconds') + 1]) || Number(process.env.BENCH_SECONDS) || 60

// The seed's behaviour: three timers and plain GETs.
function seedPoller ({ jobId }) {
  const get = (p) => fetch(p, { cache: 'no-store' }).then((r) => r.text()).catch(() => {})
  const every = (ms, fn) => { fn(); setInterval(fn, ms) }
  every(3000, () => get('/api/jobs?limit=50&offset=0'))
  every(5000, () => get(`/api/jobs/${jobId}`))
  every(15000, () => get(`/api/jobs/${jobId}/logs?offset=0&limit=1000`))
}

async function api (server, method, route, body) {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`)
  return response.json()
}

async function openClients (context, server, jobId) {
  const clients = []
  const add = async (name, open) => {
    const relay = await byteRelay(server.port)
    const page = await context.newPage()
    const counter = { requests: 0 }
    page.on('request', () => { counter.requests += 1 })
    page.on('websocket', () => { counter.requests += 1 })
    await open(page, relay.url)
    clients.push({ name, relay, page, counter })
  }
  const dashboard = (transport, mode) => async (page, url) => {
    if (mode) await page.addInitScript((m) => localStorage.setItem('jobwire.mode', m), mode)
    await page.goto(`${url}/?transport=${transport}&token=${server.token}`)
    await page.locator(`[data-job="${jobId}"]`).click()
    await page.getByTestId('detail').waitFor()
  }
  await add('seed poller (3 s / 5 s / 15 s, no ETag)', async (page, url) => {
    await page.goto(`${url}/healthz`)
    await page.evaluate(seedPoller, { jobId })
  })
  await add('jobwire polling (policy + ETag)', dashboard('poll', 'polling'))
  await add('jobwire long-poll', dashboard('longpoll'))
  await add('jobwire SSE', dashboard('sse'))
  await add('jobwire WebSocket', dashboard('ws'))
  return clients
}

async function closeClients (clients) {
  for (const c of clients) { await c.page.close(); c.relay.close() }
}

async function measure (clients, server, seconds, during) {
  await new Promise((resolve) => setTimeout(resolve, 3_000)) // first reads settle
  for (const c of clients) { c.relay.reset(); c.counter.requests = 0 }
  const head = (await (await fetch(`${server.url}/api/jobs?limit=1`)).json()).seq
  const stop = during ? during() : () => {}
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  stop()
  let ipcBytes = 0
  for (let after = head; ;) {
    const page = await (await fetch(`${server.url}/api/events?after=${after}&limit=1000`)).json()
    ipcBytes += page.events.reduce((sum, e) => sum + JSON.stringify(e).length, 0)
    if (page.events.length === 0) break
    after = page.next
  }
  const perHour = 3600 / seconds
  const rows = clients.map((c) => ({ name: c.name, requests: c.counter.requests * perHour, bytes: c.relay.counts.bytes * perHour }))
  rows.push({ name: 'jobwire IPC (envelopes over IPC, no network)', requests: 0, bytes: ipcBytes * perHour })
  return rows
}

function print (title, rows) {
  const peer = rows[0].bytes
  console.log(`\n${title} (per client-hour, measured over ${SECONDS} s)`)
  console.log('mode'.padEnd(48) + 'requests'.padStart(10) + 'bytes'.padStart(14) + 'bytes vs seed'.padStart(16))
  for (const r of rows) {
    const ratio = peer > 0 ? r.bytes / peer : 0
    console.log(r.name.padEnd(48) + String(Math.round(r.requests)).padStart(10) + String(Math.round(r.bytes)).padStart(14) +
      (ratio === 0 ? '0' : ratio >= 0.01 ? ratio.toFixed(3) : `1/${Math.round(1 / ratio)}`).padStart(16))
  }
}

async function main () {
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-dashboard-'))
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-chromium-'))
  build({ outDir: staticDir })
  const server = await startJobwired({ args: ['--static', staticDir] })
  let context
  try {
    let finished
    for (let i = 0; i < 200; i++) {
      finished = await api(server, 'POST', '/api/jobs', { type: i % 2 ? 'build' : 'test' })
      await api(server, 'POST', `/api/jobs/${finished.id}/status`, { status: 'running' })
      await api(server, 'POST', `/api/jobs/${finished.id}/logs`, { lines: ['built', 'tested'] })
      await api(server, 'POST', `/api/jobs/${finished.id}/status`, { status: 'completed' })
    }
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS })

    // Idle: nothing runs; every screen shows the list and a finished job.
    let clients = await openClients(context, server, finished.id)
    print('Idle', await measure(clients, server, SECONDS))
    await closeClients(clients)

    // One job runs; every screen shows it.
    const job = await api(server, 'POST', '/api/jobs', { type: 'watched' })
    await api(server, 'POST', `/api/jobs/${job.id}/status`, { status: 'running' })
    clients = await openClients(context, server, job.id)
    let n = 0
    const busy = await measure(clients, server, SECONDS, () => {
      const timer = setInterval(() => {
        n += 1
        api(server, 'POST', `/api/jobs/${job.id}/progress`, { progress: n % 100 }).catch(() => {})
        api(server, 'POST', `/api/jobs/${job.id}/logs`, { lines: [`step ${n}: ok`] }).catch(() => {})
      }, 1000)
      return () => clearInterval(timer)
    })
    print('One job running (1 progress + 1 log line per second)', busy)
    await closeClients(clients)
  } finally {
    if (context) await context.close()
    await server.stop()
    fs.rmSync(staticDir, { recursive: true, force: true })
    fs.rmSync(profile, { recursive: true, force: true })
  }
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}`)
}

main().catch((error) => { console.error(error); process.exit(1) })
