#!/usr/bin/env node
'use strict'
// Benchmark: core → renderer callback through the Electron bridge, against polling the
// HTTP path every 1 s, in the same run on the same core.
//
// The bridge path is the real core (SQLite in a temp folder), the real bridge and the real
// preload in headless Chromium, joined by the test harness's STAND-IN FOR ELECTRON'S IPC
// (V8 wire bytes carried over the DevTools protocol, so its transport is slower than
// Electron's; the figures are an upper bound on what Electron adds). The peer is a page
// loop that GETs /api/events?after=N every 1 s from core.serve on the same core.
//
//   node scripts/bench/electron-bridge.js [--events 300000] [--rates 1000,10000] [--seconds 5] [--frame-ms N] [--windows N]
//   (without --frame-ms: the bridge's own frame, a 60 Hz display's 16.7 ms, as without `screen`;
//   --windows N: N - 1 more windows, page stand-ins in Node, share the live burst, each with
//   its own native subscription, to show what a window costs the main process)
// Needs the addon (JOBWIRE_ADDON_PATH or build/jobwire.node) and /usr/bin/chromium.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { createBridge } = require('../../electron/main')
const { displayFrameMs } = require('../../electron/main/display-frame')
const { WindowSession } = require('../../electron/main/window-session')
const { StandInIpcMain } = require('../../tests/electron/harness/ipc-standin')
const { ChromiumWindow } = require('../../tests/electron/harness/chromium-window')
const { launchChromium } = require('../../tests/electron/harness/chromium')
const { serveFolder } = require('../../tests/electron/harness/static-server')
const { NodeRenderer } = require('../../tests/electron/harness/node-renderer')

const root = path.resolve(__dirname, '..', '..')

function parseArgs (argv) {
  const args = { events: 300_000, rates: [1_000, 10_000], seconds: 5, frameMs: undefined, windows: 1 }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--events') args.events = Number(argv[++i])
    else if (argv[i] === '--rates') args.rates = argv[++i].split(',').map(Number)
    else if (argv[i] === '--seconds') args.seconds = Number(argv[++i])
    else if (argv[i] === '--frame-ms') args.frameMs = Number(argv[++i])
    else if (argv[i] === '--windows') args.windows = Number(argv[++i])
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  return args
}

// The page: counts bench events and records core → callback latency for both paths.
const PAGE = `<!doctype html><meta charset="utf-8"><title>bridge bench</title><script>
const now = () => performance.timeOrigin + performance.now()
function track () { return { count: 0, first: 0, last: 0, latencies: [] } }
window.bench = { ipc: track(), poll: track() }
function record (t, events) {
  const at = now()
  for (const e of events) {
    if (e.type !== 'x.bench') continue
    t.count++
    t.latencies.push(at - Date.parse(e.ts))
  }
  if (!t.first) t.first = at
  t.last = at
}
window.jobwire.subscribe((batch) => record(window.bench.ipc, batch))
window.startPolling = (base, after) => {
  let cursor = after
  window.polling = true
  const tick = async () => {
    if (!window.polling) return
    const started = now()
    for (;;) { // one poll reads every page the server holds (the route answers ≤ 1000 events)
      const answer = await (await fetch(base + '/api/events?limit=1000&after=' + cursor)).json()
      record(window.bench.poll, answer.events)
      cursor = answer.next
      if (answer.events.length < 1000) break
    }
    setTimeout(tick, Math.max(0, 1000 - (now() - started)))
  }
  tick()
}
window.resetBench = () => { window.bench = { ipc: track(), poll: track() } }
window.takeBench = () => window.bench
</script>`

function percentile (sorted, p) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

function summarize (track) {
  const sorted = Float64Array.from(track.latencies).sort()
  const spanS = (track.last - track.first) / 1000
  return { count: track.count, perSecond: spanS > 0 ? track.count / spanS : NaN, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
}

// Main-process time of the bridge: its windows' native subscription callbacks and frame
// flushes (which include V8 serialization, as webContents.send does in Electron; the addon
// hands each batch over unparsed, so no JSON.parse is the bridge's), minus the
// harness's own work (its transport into the page, and the latency samples taken here). Also
// records, for each event, commit → webContents.send: the part of the latency the bridge owns.
function instrument (win) {
  const spent = { bridgeMs: 0, harnessMs: 0, deliverLatencies: [], sendLatencies: [] }
  let depth = 0
  const timed = (fn) => function (...args) {
    if (depth > 0) return fn.apply(this, args)
    depth++
    const started = performance.now()
    try {
      return fn.apply(this, args)
    } finally {
      spent.bridgeMs += performance.now() - started
      depth--
    }
  }
  const harness = (fn) => function (...args) {
    const started = performance.now()
    try {
      return fn.apply(this, args)
    } finally {
      spent.harnessMs += performance.now() - started
    }
  }
  // The bridge forwards each batch's JSON text unread; reading the events' times to sample
  // latencies is the harness's work.
  const sampleEvents = (at, json, latencies) => {
    for (const m of JSON.parse(json)) if (m.type === 'x.bench') latencies.push(at - Date.parse(m.ts))
  }
  const sampleArrival = harness((batch) => {
    if (batch.count > 0) sampleEvents(performance.timeOrigin + performance.now(), batch.json, spent.deliverLatencies)
  })
  const receive = WindowSession.prototype.receive
  WindowSession.prototype.receive = timed(function (batch) {
    sampleArrival(batch)
    return receive.call(this, batch)
  })
  WindowSession.prototype.flush = timed(WindowSession.prototype.flush)
  win.deliver = harness(win.deliver)
  const send = win.webContents.send
  const sample = harness((parts) => {
    const at = performance.timeOrigin + performance.now()
    for (const part of parts) if (typeof part === 'string') sampleEvents(at, part, spent.sendLatencies)
  })
  win.webContents.send = function (channel, payload) {
    sample(payload.parts)
    return send.call(this, channel, payload)
  }
  return spent
}

async function produceBurst (core, total) {
  const inFlight = 512
  let issued = 0
  async function worker () {
    while (issued < total) {
      issued++
      await core.emit('x.bench', { data: { n: issued } })
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: inFlight }, worker))
  return total / ((performance.now() - started) / 1000)
}

async function produceSteady (core, rate, seconds) {
  const tickMs = 10
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
  const ticks = Math.round((seconds * 1000) / tickMs)
  const started = performance.now()
  const writes = []
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < perTick; i++) writes.push(core.emit('x.bench', { data: { tick } }))
    const wait = started + (tick + 1) * tickMs - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  await Promise.all(writes)
  return perTick * ticks
}

// One more window: a page stand-in in Node that counts the bench events it is handed.
function openCountingPage (ipcMain, bridge, url) {
  const page = new NodeRenderer({ ipcMain, url })
  bridge.attach(page.webContents)
  let count = 0
  page.window.jobwire.subscribe((batch) => { for (const e of batch) if (e.type === 'x.bench') count++ })
  return { page, count: () => count }
}

async function waitUntil (predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function waitForCount (page, which, count, timeoutMs) {
  await page.waitForFunction(([w, c]) => window.bench[w].count >= c, [which, count], { timeout: timeoutMs, polling: 50 })
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a')

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const jobwire = require(root)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-electron-'))
  fs.writeFileSync(path.join(dir, 'index.html'), PAGE)
  const core = await jobwire.open({ path: path.join(dir, 'bench.db') })
  const site = await serveFolder(dir)
  const ipcMain = new StandInIpcMain()
  const bridge = await createBridge({ core, ipcMain, allow: [site.url], frameMs: args.frameMs })
  const frameMs = args.frameMs ?? displayFrameMs(undefined, null)
  const browser = await launchChromium()
  let server = null
  try {
    const win = await ChromiumWindow.open({ browser, ipcMain })
    bridge.attach(win.webContents)
    await win.load(`${site.url}index.html`)
    await win.page.waitForFunction(() => window.bench !== undefined)
    await new Promise((resolve) => setTimeout(resolve, 200)) // the first resume settles
    const spent = instrument(win)

    console.log(`electron bridge benchmark — ${os.cpus().length} CPUs (${os.cpus()[0].model}), node ${process.version}, frame ${fmt(frameMs, 1)} ms`)

    // 1. Live burst: as fast as a JS producer in the same process can write (the producer,
    // not the bridge, sets the pace here).
    const others = Array.from({ length: args.windows - 1 }, () => openCountingPage(ipcMain, bridge, `${site.url}index.html`))
    const sentBefore = win.webContents.sentMessages
    const produced = await produceBurst(core, args.events)
    await waitForCount(win.page, 'ipc', args.events, 120_000)
    for (const other of others) await waitUntil(() => other.count() >= args.events, 120_000)
    const burst = summarize(await win.page.evaluate(() => window.takeBench().ipc))
    const messages = win.webContents.sentMessages - sentBefore
    const mainUsPerEvent = ((spent.bridgeMs - spent.harnessMs) * 1000) / args.events
    console.log(`\n1. live burst of ${args.events} events; the in-process JS producer wrote ${fmt(produced, 0)} events/s:`)
    console.log(`   to the renderer callback: ${fmt(burst.perSecond, 0)} events/s, in ${messages} IPC messages (${fmt(args.events / messages, 0)} events each)`)
    console.log(`   main-process time in the bridge: ${fmt(mainUsPerEvent, 2)} µs/event (each window's subscription callback (the core's JSON text, unparsed), frame flush + V8 serialize; harness excluded)`)
    console.log(`   → the bridge alone could carry ${fmt(1e6 / mainUsPerEvent, 0)} events/s on one main thread`)
    if (others.length) {
      console.log(`   with ${args.windows} windows (each its own native subscription): ${fmt(mainUsPerEvent / args.windows, 2)} µs per event per window`)
      for (const other of others) other.page.webContents.destroy()
    }

    // 2. Backlog: events committed while no page listened, then a fresh page resumes from
    // before them: the bridge's own pace, with the producer out of the way.
    const backlogFrom = core.logInfo().head
    await produceBurst(core, args.events)
    await win.page.evaluate(() => window.resetBench())
    const drainStarted = performance.now()
    await win.page.evaluate((after) => window.jobwire.resume(after).then((answer) => {
      const t = window.bench.ipc
      const at = performance.timeOrigin + performance.now()
      for (const e of answer.events) if (e.type === 'x.bench') t.count++
      t.first = t.first || at
      t.last = at
    }), backlogFrom)
    await waitForCount(win.page, 'ipc', args.events, 120_000)
    const drainPerSecond = args.events / ((performance.now() - drainStarted) / 1000)
    console.log(`\n2. backlog of ${args.events} events resumed by the page (jobwire:resume, then the window's stream): ${fmt(drainPerSecond, 0)} events/s to the renderer`)

    // 3. The same backlog into a page stand-in in Node (the real preload in a vm context,
    // V8 structured clone both ways, no DevTools protocol): the bridge's path without the
    // Chromium transport of this harness.
    const nodePage = new NodeRenderer({ ipcMain, url: `${site.url}index.html` })
    bridge.attach(nodePage.webContents)
    const nodeStarted = performance.now()
    const nodeAnswer = await nodePage.window.jobwire.resume(backlogFrom)
    const nodePerSecond = nodeAnswer.events.length / ((performance.now() - nodeStarted) / 1000)
    nodePage.webContents.destroy()
    console.log(`3. the same backlog into a page stand-in in Node (real preload, V8 clone, no DevTools transport): ${fmt(nodePerSecond, 0)} events/s`)
    spent.sendLatencies.length = 0 // the backlogs' events were committed long ago
    spent.deliverLatencies.length = 0

    // 4. Latency at steady rates, the bridge and HTTP polling side by side.
    try {
      server = await core.serve({ host: '127.0.0.1', port: 0, allowOrigins: [site.url.replace(/\/$/, '')] })
    } catch (err) {
      console.log(`\n(HTTP peer unavailable: ${err.message})`)
    }
    const rows = []
    for (const rate of args.rates) {
      await win.page.evaluate(() => window.resetBench())
      if (server) await win.page.evaluate(([base, after]) => window.startPolling(base, after), [`http://127.0.0.1:${server.port}`, core.logInfo().head])
      const total = await produceSteady(core, rate, args.seconds)
      await waitForCount(win.page, 'ipc', total, 60_000)
      if (server) await waitForCount(win.page, 'poll', total, 60_000)
      await win.page.evaluate(() => { window.polling = false })
      const taken = await win.page.evaluate(() => window.takeBench())
      const sends = Float64Array.from(spent.sendLatencies).sort()
      const arrivals = Float64Array.from(spent.deliverLatencies).sort()
      spent.sendLatencies.length = 0
      spent.deliverLatencies.length = 0
      rows.push({
        rate,
        ipc: summarize(taken.ipc),
        poll: server ? summarize(taken.poll) : null,
        arrival: { p50: percentile(arrivals, 50), p99: percentile(arrivals, 99) },
        send: { p50: percentile(sends, 50), p99: percentile(sends, 99) },
      })
    }
    console.log('\n4. latency at a steady rate, p50/p99 in ms, from commit to: the bridge\'s core callback (core + addon),')
    console.log('   webContents.send (+ the bridge\'s frame batching), the renderer callback through the stand-in IPC,')
    console.log('   and the page of a 1 s HTTP poller of /api/events on the same core')
    console.log('   rate/s   →callback    →send         →renderer     poll-1s         poll/bridge p50, p99')
    const pair = (x) => `${fmt(x.p50)}/${fmt(x.p99)}`.padEnd(12)
    for (const { rate, ipc, poll, arrival, send } of rows) {
      const ratios = poll ? `${fmt(poll.p50 / ipc.p50, 0)}×, ${fmt(poll.p99 / ipc.p99, 0)}×` : 'n/a'
      console.log(`   ${String(rate).padStart(6)}   ${pair(arrival)}  ${pair(send)}  ${pair(ipc)}  ${poll ? pair(poll) : 'n/a'.padEnd(12)}    ${ratios}`)
    }
    for (const { rate, ipc } of rows) {
      console.log(`commit → renderer p99 at ${rate}/s: ${fmt(ipc.p99)} ms against one frame + 4 ms = ${fmt(frameMs + 4)} ms: ${ipc.p99 <= frameMs + 4 ? 'met' : 'not met'}`)
    }
    console.log('\ntargets: ≥100,000 events/s to the renderer; p99 ≤ one frame + 4 ms; ≤ 5 µs main-process time per event')
  } finally {
    await server?.close()
    await browser.close()
    await bridge.close()
    await site.close()
    await core.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err.stack || err.message)
  process.exit(1)
})
