#!/usr/bin/env node
'use strict'
// Requests and bytes per client-hour while a client follows an agent turn, three ways:
//   push:        jobwire's client over SSE (the `turn` preset idle: events keep it current)
//   turn preset: jobwire's client polling under the `turn` preset (1 s, 5 s after 30 s,
//                ETag/304, stops when the turn ends)
//   1 s poller:  the agent app's design notes: the same three reads every second, no
//                ETag, until the turn ends
// Each follows the same three things: the turn's status, its subjobs, and the documents its
// project changed since the turn began. Each client is a real page in headless Chromium,
// talking to a real jobwired through its own byte-counting TCP relay, so the bytes are what
// crossed the wire (headers, SSE framing) both ways.
//
// Two turns. A turn that ends: running for --seconds (60); a tool subjob every 10 s
// (created, running, 50%, a document created, completed), an x.intervention_request
// half-way, then completed; the window runs from its start to 15 s after its end. A turn
// that stalls: one tool, then nothing and no end for --stall-seconds (180); the window is
// that long. Per client-hour is the window scaled to an hour (a client watching such
// turns back to back).
//
//   node scripts/bench/turn-traffic.js [--seconds 60] [--stall-seconds 180]
// Needs build/jobwired (or JOBWIRED_BIN) and /usr/bin/chromium (or CHROMIUM_PATH).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const esbuild = require('esbuild')
const { chromium } = require('playwright-core')
const { startJobwired } = require('../../tests/helpers/jobwired.js')
const { CHROMIUM, FLAGS, byteRelay } = require('./lib/browser-traffic')

const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const TURN_SECONDS = option('--seconds', Number(process.env.BENCH_SECONDS) || 60)
const STALL_SECONDS = option('--stall-seconds', 180)
const TAIL_SECONDS = 15
const root = path.resolve(__dirname, '..', '..')

// The page a jobwire client runs in: ?transport=sse|poll&turn=ID&project=P&since=N.
const WATCHER = `
import { createClient, jobKey, jobsKey, fileChangesKey } from './client/index.js'
const params = new URLSearchParams(location.search)
const client = createClient({ transport: params.get('transport'), token: params.get('token') })
client.start()
const turn = params.get('turn')
const follow = { policy: 'turn', job: turn }
client.watch(jobKey(turn), follow)
client.watch(jobsKey({ parent: turn, limit: 100 }), follow)
client.watch(fileChangesKey(params.get('project'), Number(params.get('since'))), follow)
window.turnClient = client
`

function buildWatcher (outDir) {
  esbuild.buildSync({
    stdin: { contents: WATCHER, resolveDir: root, loader: 'js' },
    outfile: path.join(outDir, 'watcher.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    logLevel: 'warning'
  })
  fs.writeFileSync(path.join(outDir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="watcher.js"></script>')
}

// The design notes' poller: three plain GETs a second until the turn has ended.
function oneSecondPoller ({ turn, project, since }) {
  const get = (p) => fetch(p, { cache: 'no-store' }).then((r) => r.json()).catch(() => null)
  const timer = setInterval(async () => {
    const [job] = await Promise.all([
      get(`/api/jobs/${turn}`),
      get(`/api/jobs?parent=${turn}&limit=100`),
      get(`/api/files?project=${project}&since_seq=${since}`)
    ])
    if (job && ['completed', 'failed', 'cancelled'].includes(job.status)) clearInterval(timer)
  }, 1000)
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// The agent turn that ends, in real time.
async function runTurn (server, turn) {
  const started = Date.now()
  const at = (s) => sleep(Math.max(0, started + s * 1000 - Date.now()))
  let tools = 0
  for (let s = 5; s < TURN_SECONDS; s += 10) {
    await at(s)
    const tool = await api(server, 'POST', '/api/jobs', { type: 'tool', project: 'docs', parent: turn })
    tools += 1
    await api(server, 'POST', `/api/jobs/${tool.id}/status`, { status: 'running' })
    await at(s + 2)
    await api(server, 'POST', `/api/jobs/${tool.id}/progress`, { progress: 50 })
    await api(server, 'POST', `/api/jobs/${tool.id}/files`, { path: `docs/page-${tools}.md`, change: 'created' })
    await at(s + 4)
    await api(server, 'POST', `/api/jobs/${tool.id}/status`, { status: 'completed' })
    if (s + 10 > TURN_SECONDS / 2 && s <= TURN_SECONDS / 2) {
      await api(server, 'POST', '/api/events', { type: 'x.intervention_request', job: turn, data: { reason: 'approve the edit?' } })
    }
  }
  await at(TURN_SECONDS)
  await api(server, 'POST', `/api/jobs/${turn}/status`, { status: 'completed' })
  await sleep(TAIL_SECONDS * 1000)
}

// The agent turn that stalls: one tool, then silence, never an end.
async function stallTurn (server, turn) {
  const started = Date.now()
  const tool = await api(server, 'POST', '/api/jobs', { type: 'tool', project: 'docs', parent: turn })
  await api(server, 'POST', `/api/jobs/${tool.id}/status`, { status: 'running' })
  await api(server, 'POST', `/api/jobs/${tool.id}/files`, { path: 'docs/draft.md', change: 'created' })
  await sleep(Math.max(0, started + STALL_SECONDS * 1000 - Date.now()))
}

function print (title, rows, windowS) {
  const poller = rows[rows.length - 1]
  const perHour = 3600 / windowS
  console.log(`\n${title} (window ${windowS} s, per client-hour = ×${perHour.toFixed(1)})`)
  console.log('client'.padEnd(40) + 'requests/turn'.padStart(15) + 'bytes/turn'.padStart(12) +
    'requests/h'.padStart(12) + 'bytes/h'.padStart(12) + 'bytes vs 1 s'.padStart(14))
  for (const r of rows) {
    console.log(r.name.padEnd(40) + String(r.requests).padStart(15) + String(r.bytes).padStart(12) +
      String(Math.round(r.requests * perHour)).padStart(12) + String(Math.round(r.bytes * perHour)).padStart(12) +
      (r.bytes / poller.bytes).toFixed(3).padStart(14))
  }
}

// Opens the three clients on `turn`, lets them settle, runs `drive` and prints what each
// moved while it ran.
async function measureTurn (context, server, title, drive) {
  const since = (await (await fetch(`${server.url}/healthz`)).json()).seq
  const turn = await api(server, 'POST', '/api/jobs', { type: 'turn', project: 'docs' })
  await api(server, 'POST', `/api/jobs/${turn.id}/status`, { status: 'running' })
  const clients = []
  const open = async (name, setUp) => {
    const relay = await byteRelay(server.port)
    const page = await context.newPage()
    const counter = { requests: 0 }
    page.on('request', () => { counter.requests += 1 })
    await setUp(page, relay.url)
    clients.push({ name, relay, page, counter })
  }
  try {
    const query = (transport) => new URLSearchParams({ transport, token: server.token, turn: turn.id, project: 'docs', since: String(since) })
    await open('push (SSE)', (page, url) => page.goto(`${url}/?${query('sse')}`))
    await open('turn preset (polling, ETag)', (page, url) => page.goto(`${url}/?${query('poll')}`))
    await open('1 s poller (no ETag)', async (page, url) => {
      await page.goto(`${url}/healthz`)
      await page.evaluate(oneSecondPoller, { turn: turn.id, project: 'docs', since })
    })
    await sleep(2_000) // first reads settle: the window starts with every client current
    for (const c of clients) { c.relay.reset(); c.counter.requests = 0 }
    const began = Date.now()
    await drive(server, turn.id)
    const windowS = Math.round((Date.now() - began) / 1000)
    print(title, clients.map((c) => ({ name: c.name, requests: c.counter.requests, bytes: c.relay.counts.bytes })), windowS)
  } finally {
    for (const c of clients) { await c.page.close(); c.relay.close() }
  }
}

async function main () {
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-turn-'))
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-chromium-'))
  buildWatcher(staticDir)
  const server = await startJobwired({ args: ['--static', staticDir] })
  let context
  try {
    for (let i = 0; i < 50; i++) await api(server, 'POST', '/api/jobs', { type: 'earlier', project: 'docs' })
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS })
    await measureTurn(context, server, `An agent turn of ${TURN_SECONDS} s that ends`, runTurn)
    await measureTurn(context, server, `An agent turn that stalls (no end for ${STALL_SECONDS} s)`, stallTurn)
  } finally {
    if (context) await context.close()
    await server.stop()
    fs.rmSync(staticDir, { recursive: true, force: true })
    fs.rmSync(profile, { recursive: true, force: true })
  }
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}`)
}

main().catch((error) => { console.error(error); process.exit(1) })
